"""Lead page services (P1-P18, G2-G4, R1): every action, who may do it, and the roll-ups."""

from datetime import date, timedelta

import pytest
from sqlmodel import col, select

from leadapp.models import (
    Activity,
    Campaign,
    CampaignStep,
    Favorite,
    HistoryEntry,
    Lead,
    Listing,
    ListingSent,
    Market,
    OutgoingEmail,
    SavedSearch,
    Task,
    utcnow,
)
from leadapp.services import lead_organizer as org_svc
from leadapp.services import lead_page as svc
from leadapp.services import lead_subscriptions as subs
from leadapp.services import pool, rating, rollups
from leadapp.services.errors import (
    Conflict,
    NotFound,
    PermissionDenied,
    ServiceError,
    ValidationFailed,
)
from leadapp.services.security import verify_password


def history(session, lead, kind=None):
    session.expire_all()
    q = select(HistoryEntry).where(col(HistoryEntry.lead_id) == lead.id)
    if kind:
        q = q.where(col(HistoryEntry.kind) == kind)
    return session.exec(q.order_by(col(HistoryEntry.id))).all()


def exact(session, org):
    session.flush()
    assert rollups.check(session, org.brokerage.id) == []


def listings(session, n=6):
    out = []
    for i in range(n):
        listing = Listing(
            mls_number=f"ML{i:04d}",
            street=f"{i + 1} Main St",
            city="Berkeley" if i % 2 == 0 else "Oakland",
            state="CA",
            postal_code="94704",
            price=500_000 + i * 100_000,
            beds=1 + i % 4,
            baths=1 + i % 2,
            property_type="condo" if i % 3 == 0 else "single_family",
            transaction="rent" if i == 5 else "sale",
            list_date=date(2026, 1, 1),
        )
        session.add(listing)
        out.append(listing)
    session.commit()
    return out


def test_header_shows_contact_rating_and_what_the_user_may_do(session, org, make_lead):
    lead = make_lead(org.agent, first_name="Dana", last_name="Diaz", phone="4155550101")
    now = utcnow()
    for k, kind in enumerate(["info_request", "listing_view", "listing_view", "saved_search"]):
        session.add(
            Activity(
                brokerage_id=lead.brokerage_id,
                lead_id=lead.id,
                kind=kind,
                occurred_at=now - timedelta(days=k),
            )
        )
        lead.rating_score += rating.term(kind, now - timedelta(days=k))
    lead.last_activity_at = now
    session.add(lead)
    session.commit()
    data = svc.lead_header(session, org.agent, lead.id)
    assert data["lead"].get("name") == "Dana Diaz" and data["lead"].get("status_text") == "New"
    assert data["can_change"] and not data["can_claim"] and data["can_reject"]
    assert data["agents"] == []  # agents get no reassign choices
    assert data["rating"]["stars"] >= 1
    assert data["rating"]["reasons"][0]["kind"] == "Info request"
    assert "info request ×1" in data["rating"]["summary"]
    assert data["counts"].get("activity") == 4
    broker = svc.lead_header(session, org.broker, lead.id)
    assert {a["name"] for a in broker["agents"]} >= {"Alan Agent", "Ana Second"} and not broker[
        "can_reject"
    ]
    with pytest.raises(NotFound, match="not yours"):
        svc.lead_header(session, org.agent2, lead.id)


def test_contact_edit_validates_and_a_failure_changes_nothing(session, org, make_lead):
    lead = make_lead(org.agent)
    with pytest.raises(ValidationFailed) as exc:
        svc.save_contact(
            session,
            org.agent,
            lead.id,
            {
                "email": "bad",
                "phone": "123",
                "extra_emails": "ok@x.com, nope",
                "price_min": "900000",
                "price_max": "100000",
            },
        )
    assert {"email", "phone", "extra_emails"} <= set(
        exc.value.errors
    ) or "price_max" in exc.value.errors
    session.rollback()
    svc.save_contact(
        session,
        org.agent,
        lead.id,
        {
            "first_name": "Pat",
            "email": "pat@example.com",
            "phone": "(415) 555-0199",
            "extra_emails": "p2@example.com",
            "extra_phones": "510-555-0100",
            "state": "California",
            "postal_code": "94110",
            "birthday": "1980-04-02",
            "lead_type": "buyer",
            "property_type_wanted": "Condo",
            "price_min": "$600,000",
            "price_max": "900000",
            "move_timeframe": "3-6 months",
            "closing_date": "2027-01-15",
            "ps_due_date": "2026-12-01",
        },
    )
    session.commit()
    session.expire_all()
    got = session.get(Lead, lead.id)
    assert (got.first_name, got.state, got.extra_emails, got.price_min, got.closing_date) == (
        "Pat",
        "CA",
        ["p2@example.com"],
        600000,
        date(2027, 1, 15),
    )
    assert any(
        e.title == "Contact information edited" and e.actor_id == org.agent.id
        for e in history(session, lead)
    )
    with pytest.raises(NotFound):
        svc.save_contact(session, org.agent2, lead.id, {"first_name": "Hacked"})


def test_stage_status_priority_reactivate_are_audited_and_rollups_stay_exact(
    session, org, make_lead
):
    lead = make_lead(org.agent)
    svc.set_stage(session, org.agent, lead.id, "nurturing")
    svc.set_priority(session, org.agent, lead.id, "high")
    with pytest.raises(ServiceError, match="inactive or deleted"):
        svc.reactivate(session, org.agent, lead.id)
    svc.set_status(session, org.agent, lead.id, "deleted")
    svc.reactivate(session, org.agent, lead.id)
    session.commit()
    fields = [
        (e.field, e.old_value, e.new_value, e.actor_id) for e in history(session, lead, "audit")
    ]
    assert ("stage", "Uncontacted", "Nurturing", org.agent.id) in fields
    assert ("priority", "Normal", "High", org.agent.id) in fields
    assert ("status", "Deleted", "Active", org.agent.id) in fields
    exact(session, org)
    with pytest.raises(ValidationFailed):
        svc.set_stage(session, org.agent, lead.id, "bogus")
    with pytest.raises(NotFound):
        svc.set_stage(session, org.agent2, lead.id, "dead")


def test_tags_assign_claim_and_reject(session, org, make_lead):
    lead = make_lead(org.agent)
    assert svc.add_tag(session, org.agent, lead.id, "Hot") == ["Hot"]
    assert svc.remove_tag(session, org.agent, lead.id, "Hot") == []
    with pytest.raises(PermissionDenied, match="Only brokers"):
        svc.assign(session, org.agent, lead.id, org.agent.id)
    svc.assign(session, org.broker, lead.id, org.agent2.id)
    session.commit()
    assert session.get_one(Lead, lead.id).assigned_agent_id == org.agent2.id
    exact(session, org)
    pool.reject(session, org.agent2, lead.id)
    session.commit()
    session.expire_all()
    assert session.get_one(Lead, lead.id).assigned_agent_id is None
    notice = session.exec(select(OutgoingEmail).where(col(OutgoingEmail.kind) == "notice")).one()
    assert notice.to_address == "office@bayside.test"
    pool.claim(session, org.agent, lead.id)
    session.commit()
    assert session.get_one(Lead, lead.id).assigned_agent_id == org.agent.id
    with pytest.raises(Conflict, match="not in the unassigned pool"):  # not in the pool any more
        pool.claim(session, org.agent2, lead.id)
    exact(session, org)


def test_quick_event_undo_and_details(session, org, make_lead):
    lead = make_lead(org.agent)
    e = svc.quick_event(session, org.agent, lead.id, "Left Voicemail")
    session.commit()
    with pytest.raises(ValidationFailed):
        svc.quick_event(session, org.agent, lead.id, "Sent a pigeon")
    svc.set_entry_details(session, org.agent, lead.id, e["id"], "Asked about Saturday's open house")
    session.commit()
    entry = session.get(HistoryEntry, e["id"])
    assert (entry.kind, entry.title, entry.actor_id, entry.body) == (
        "quick_event",
        "Left Voicemail",
        org.agent.id,
        "Asked about Saturday's open house",
    )
    with pytest.raises(PermissionDenied):
        svc.undo_quick_event(session, org.broker, lead.id, e["id"])  # not the broker's click
    svc.undo_quick_event(session, org.agent, lead.id, e["id"])
    session.commit()
    assert history(session, lead, "quick_event") == []
    with pytest.raises(NotFound):
        svc.quick_event(session, org.agent2, lead.id, "Called")


def test_message_is_stored_and_queued_and_password_reset_is_shown_once(session, org, make_lead):
    lead = make_lead(org.agent, email="dana@example.com")
    with pytest.raises(ValidationFailed) as exc:
        svc.send_message(session, org.agent, lead.id, "", "")
    assert set(exc.value.errors) == {"title", "body"}
    entry = svc.send_message(session, org.agent, lead.id, "Saturday showing", "See you at 10.")
    session.commit()
    mail = session.exec(select(OutgoingEmail).where(col(OutgoingEmail.kind) == "message")).one()
    assert (mail.to_address, mail.history_entry_id, mail.created_by_id, mail.status) == (
        "dana@example.com",
        entry.id,
        org.agent.id,
        "queued",
    )
    page = svc.messages_page(session, org.agent, lead.id)
    assert (
        page["rows"][0]["title"] == "Saturday showing" and page["rows"][0]["delivery"] == "Queued"
    )
    password = svc.reset_password(session, org.agent, lead.id)
    session.commit()
    assert len(password) == 12 and verify_password(
        session.get_one(Lead, lead.id).website_password_hash, password
    )
    assert password not in str([(e.title, e.body, e.new_value) for e in history(session, lead)])
    assert (
        session.exec(select(OutgoingEmail).where(col(OutgoingEmail.kind) != "message")).all() == []
    )  # lead not told
    with pytest.raises(NotFound):
        svc.reset_password(session, org.agent2, lead.id)


def test_tabs_page_their_rows_and_filter(session, org, make_lead):
    lead = make_lead(org.agent)
    now = utcnow()
    for i in range(45):
        session.add(
            Activity(
                brokerage_id=lead.brokerage_id,
                lead_id=lead.id,
                kind="search" if i % 3 == 0 else "listing_view",
                occurred_at=now - timedelta(hours=i),
                criteria={"city": "Berkeley"} if i % 3 == 0 else None,
                mls_number="ML1",
            )
        )
    session.commit()
    p0 = svc.activity_page(session, org.agent, lead.id, "", 0)
    assert p0["total"] == 45 and len(p0["rows"]) == 20 and p0["pages"] == 3
    p2 = svc.activity_page(session, org.agent, lead.id, "", 2)
    assert len(p2["rows"]) == 5
    assert svc.activity_page(session, org.agent, lead.id, "search", 0)["total"] == 15
    assert svc.site_activity_page(session, org.agent, lead.id, "listing_view", 0)["total"] == 30
    with pytest.raises(ValidationFailed):
        svc.activity_page(session, org.agent, lead.id, "hacking", 0)
    svc.add_note(session, org.agent, lead.id, "call", "", "Talked about financing")
    session.commit()
    h = svc.history_page(session, org.agent, lead.id, "notes", 0)
    assert h["rows"][0]["kind"] == "call" and h["rows"][0]["who"] == "Alan Agent"
    assert (
        svc.history_page(session, org.agent, lead.id, "changes", 0)["rows"][0]["kind"] == "created"
    )
    with pytest.raises(NotFound):
        svc.activity_page(session, org.agent2, lead.id, "", 0)
    with pytest.raises(NotFound):
        svc.history_page(session, org.agent2, lead.id, "", 0)


def test_tool_use_counts_contacts_showings_emailed_listings_and_forms(session, org, make_lead):
    lead = make_lead(org.agent)
    now = utcnow()
    ls = listings(session, 2)
    session.add_all(
        [
            Task(
                brokerage_id=lead.brokerage_id,
                owner_id=org.agent2.id,
                lead_id=lead.id,
                title="Showing",
                due_at=now + timedelta(days=5),
                kind="showing",
            ),
            Activity(
                brokerage_id=lead.brokerage_id,
                lead_id=lead.id,
                kind="info_request",
                occurred_at=now,
                mls_number="ML1",
            ),
            Activity(
                brokerage_id=lead.brokerage_id,
                lead_id=lead.id,
                kind="listing_view",
                occurred_at=now,
            ),
            ListingSent(lead_id=lead.id, listing_id=ls[0].id, via="email", user_id=org.agent.id),
            ListingSent(
                lead_id=lead.id, listing_id=ls[1].id, via="showing_sheet", user_id=org.agent.id
            ),
        ]
    )
    session.commit()
    svc.quick_event(session, org.agent, lead.id, "Called")
    svc.add_note(session, org.agent, lead.id, "note", "", "Not a contact")
    session.commit()
    data = svc.tool_use(session, org.agent, lead.id)
    tools = {r["key"]: r["count"] for r in data["rows"]}
    assert tools == {"contacts": 1, "showings": 1, "showing_requests": 0, "emailed": 1, "forms": 1}
    assert data["forms"][0]["kind_text"] == "Info request"
    with pytest.raises(NotFound):
        svc.tool_use(session, org.agent2, lead.id)


def _market_and_campaign(session, org):
    m = Market(
        brokerage_id=org.brokerage.id,
        name="Condos in Berkeley",
        criteria={"city": "Berkeley", "transaction": "sale"},
    )
    c = Campaign(brokerage_id=org.brokerage.id, name="Welcome")
    session.add_all([m, c])
    session.flush()
    for i in (1, 2, 3):
        session.add(CampaignStep(campaign_id=c.id, position=i, subject=f"Step {i}"))
    session.commit()
    return m, c


def test_market_and_campaign_subscriptions_keep_counts_and_rollups_exact(session, org, make_lead):
    lead = make_lead(org.agent)
    m, c = _market_and_campaign(session, org)
    added = subs.subscribe_market(
        session, org.agent, lead.id, m.id, ["listing", "open_house", "market"]
    )
    session.commit()
    assert len(added) == 3 and session.get_one(Lead, lead.id).active_subscriptions == 1
    exact(session, org)
    with pytest.raises(ServiceError, match="already"):
        subs.subscribe_market(session, org.agent, lead.id, m.id, ["listing"])
    with pytest.raises(ValidationFailed):
        subs.subscribe_market(session, org.agent, lead.id, m.id, ["bogus"])
    subs.subscribe_campaign(session, org.agent, lead.id, c.id)
    session.commit()
    assert session.get_one(Lead, lead.id).active_subscriptions == 2
    data = subs.subscriptions(session, org.agent, lead.id)
    assert [x["type"] for x in data["markets"]] == [
        "Listing report",
        "Market report",
        "Open-house report",
    ]
    assert data["campaigns"][0]["remaining"] == 3 and data["campaign_choices"] == []
    for row in data["markets"]:
        subs.deactivate_market(session, org.agent, lead.id, row["id"])
    subs.deactivate_campaign(session, org.agent, lead.id, data["campaigns"][0]["id"])
    session.commit()
    assert session.get_one(Lead, lead.id).active_subscriptions == 0
    exact(session, org)
    assert len([e for e in history(session, lead, "audit") if e.field == "subscriptions"]) == 6
    with pytest.raises(NotFound):
        subs.subscribe_campaign(session, org.agent2, lead.id, c.id)
    with pytest.raises(NotFound):
        subs.subscriptions(session, org.agent2, lead.id)


def test_organizer_saved_searches_favourites_and_lead_items_read_only(session, org, make_lead):
    lead = make_lead(org.agent, first_name="Dana")
    ls = listings(session)
    theirs = SavedSearch(
        lead_id=lead.id, name="Their search", criteria={"city": "Oakland"}, created_by="lead"
    )
    their_fav = Favorite(lead_id=lead.id, listing_id=ls[1].id, created_by="lead")
    session.add_all([theirs, their_fav])
    session.commit()
    found = org_svc.search_listings(
        session, org.agent, lead.id, {"city": "berkeley", "transaction": "sale"}, 0
    )
    assert found["total"] == 3 and all("Berkeley" in r["address"] for r in found["rows"])
    with pytest.raises(ValidationFailed):
        org_svc.search_listings(session, org.agent, lead.id, {"min_price": "lots"}, 0)
    s = org_svc.add_saved_search(
        session, org.agent, lead.id, {"city": "Berkeley", "min_beds": "2", "name": ""}, True
    )
    session.commit()
    assert session.get_one(Lead, lead.id).active_subscriptions == 1
    exact(session, org)
    rows = org_svc.saved_searches(session, org.agent, lead.id)
    assert {(r["name"], r["by_lead"], r["can_delete"]) for r in rows} == {
        ("Their search", True, False),
        (s.name, False, True),
    }
    with pytest.raises(PermissionDenied, match="only they"):
        org_svc.delete_saved_search(session, org.broker, lead.id, theirs.id)
    org_svc.set_alerts(session, org.agent, lead.id, s.id, False)  # off without deleting
    session.commit()
    assert (
        session.get(SavedSearch, s.id) is not None
        and session.get_one(Lead, lead.id).active_subscriptions == 0
    )
    exact(session, org)
    org_svc.add_favorite(session, org.agent, lead.id, ls[4].id)
    with pytest.raises(ServiceError, match="already"):
        org_svc.add_favorite(session, org.agent, lead.id, ls[4].id)
    favs = org_svc.favorites(session, org.agent, lead.id, "price_desc")
    assert [f["mls"] for f in favs] == ["ML0004", "ML0001"] and favs[1]["by_lead"]
    with pytest.raises(PermissionDenied):
        org_svc.delete_favorite(session, org.agent, lead.id, their_fav.id)
    org_svc.delete_favorite(session, org.agent, lead.id, favs[0]["fav_id"])
    org_svc.delete_saved_search(session, org.agent, lead.id, s.id)
    session.commit()
    assert len(org_svc.favorites(session, org.agent, lead.id)) == 1
    with pytest.raises(NotFound):
        org_svc.add_favorite(session, org.agent2, lead.id, ls[0].id)
    with pytest.raises(NotFound):
        org_svc.favorites(session, org.agent2, lead.id)


def test_send_all_searches_now_queues_every_match_and_records_listings_sent(
    session, org, make_lead
):
    lead = make_lead(org.agent, first_name="Dana")
    listings(session)
    with pytest.raises(ServiceError, match="No saved search"):
        org_svc.send_all_now(session, org.agent, lead.id)
    org_svc.add_saved_search(
        session, org.agent, lead.id, {"city": "Berkeley", "transaction": "sale"}, True
    )
    org_svc.add_saved_search(session, org.agent, lead.id, {"transaction": "rent"}, True)
    off = org_svc.add_saved_search(
        session, org.agent, lead.id, {"city": "Oakland", "transaction": "sale"}, False
    )
    session.commit()
    result = org_svc.send_all_now(session, org.agent, lead.id)
    session.commit()
    assert result == {
        "emails": 2,
        "listings": 4,
    }  # 3 Berkeley sales + 1 rental; the switched-off search is skipped
    emails = session.exec(
        select(OutgoingEmail).where(col(OutgoingEmail.kind) == "daily_update")
    ).all()
    assert len(emails) == 2 and all(e.to_address == lead.email for e in emails)
    assert "ML0000" in emails[0].body + emails[1].body
    sent = svc.listings_sent_page(session, org.agent, lead.id)
    assert sent["total"] == 4 and sent["rows"][0]["via"] == "Emailed"
    assert session.get_one(SavedSearch, off.id).last_alert_at is None
    updates = org_svc.email_updates(session, org.agent, lead.id)
    assert len(updates["sales"]) == 2 and len(updates["rentals"]) == 1
    assert any(e.title == "All searches sent now" for e in history(session, lead, "audit"))
    with pytest.raises(NotFound):
        org_svc.send_all_now(session, org.agent2, lead.id)


def test_pool_lead_is_visible_to_agents_but_read_only_until_claimed(session, org, make_lead):
    lead = make_lead(org.broker)  # unassigned
    data = svc.lead_header(session, org.agent, lead.id)
    assert data["can_claim"] and not data["can_change"]
    with pytest.raises(PermissionDenied, match="Claim"):
        svc.quick_event(session, org.agent, lead.id, "Called")
    with pytest.raises(PermissionDenied):
        org_svc.add_saved_search(session, org.agent, lead.id, {"city": "X"}, True)


def test_update_saved_search_refuses_the_leads_own(session, org, make_lead):
    lead = make_lead(org.agent)
    theirs = SavedSearch(
        lead_id=lead.id, name="Theirs", criteria={"city": "Oakland"}, created_by="lead"
    )
    session.add(theirs)
    session.commit()
    with pytest.raises(PermissionDenied, match="only they"):
        org_svc.update_saved_search(session, org.broker, lead.id, theirs.id, {"city": "X"}, True)
    mine = org_svc.add_saved_search(session, org.agent, lead.id, {"city": "Berkeley"}, False)
    with pytest.raises(ValidationFailed):
        org_svc.update_saved_search(
            session, org.agent, lead.id, mine.id, {"max_price": "cheap"}, True
        )
    org_svc.update_saved_search(
        session, org.agent, lead.id, mine.id, {"city": "Albany", "transaction": "rent"}, True
    )
    session.commit()
    got = session.get(SavedSearch, mine.id)
    assert (got.transaction, got.criteria["city"], got.alerts_enabled) == ("rent", "Albany", True)
    assert session.get_one(Lead, lead.id).active_subscriptions == 1
    exact(session, org)
    with pytest.raises(NotFound):
        org_svc.update_saved_search(session, org.agent2, lead.id, mine.id, {"city": "Y"}, True)
