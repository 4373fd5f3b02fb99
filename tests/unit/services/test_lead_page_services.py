"""Lead page services (P1-P18, G2-G4, R1): header, contact, events, messages and tabs, who
may do each, and the roll-ups (the organizer and subscriptions: test_lead_page_organizer)."""

from datetime import date, timedelta

import pytest
from sqlmodel import col, select

from leadapp.models import (
    Activity,
    HistoryEntry,
    Lead,
    ListingSent,
    OutgoingEmail,
    Task,
    utcnow,
)
from leadapp.services import lead_organizer as org_svc
from leadapp.services import lead_page as svc
from leadapp.services import pool, rating
from leadapp.services.errors import (
    Conflict,
    NotFound,
    PermissionDenied,
    ServiceError,
    ValidationFailed,
)
from leadapp.services.security import verify_password
from tests.unit.lead_page_helpers import exact, history, listings


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


def test_pool_lead_is_visible_to_agents_but_read_only_until_claimed(session, org, make_lead):
    lead = make_lead(org.broker)  # unassigned
    data = svc.lead_header(session, org.agent, lead.id)
    assert data["can_claim"] and not data["can_change"]
    with pytest.raises(PermissionDenied, match="Claim"):
        svc.quick_event(session, org.agent, lead.id, "Called")
    with pytest.raises(PermissionDenied):
        org_svc.add_saved_search(session, org.agent, lead.id, {"city": "X"}, True)
