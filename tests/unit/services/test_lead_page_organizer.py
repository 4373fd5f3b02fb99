"""Lead page services: the organizer (saved searches, favourites, send now) and subscriptions."""

import pytest
from sqlmodel import col, select

from leadapp.models import (
    Campaign,
    CampaignStep,
    Favorite,
    Lead,
    Market,
    OutgoingEmail,
    SavedSearch,
)
from leadapp.services import lead_organizer as org_svc
from leadapp.services import lead_page as svc
from leadapp.services import lead_subscriptions as subs
from leadapp.services.errors import NotFound, PermissionDenied, ServiceError, ValidationFailed
from leadapp.services.rows import id_of
from tests.unit.lead_page_helpers import exact, history, listings


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
        session.add(CampaignStep(campaign_id=id_of(c), position=i, subject=f"Step {i}"))
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
