"""API: POST /listings (RESO, per-index errors) and the website's organizer endpoints."""

from __future__ import annotations

from sqlmodel import Session, col, select

from leadapp.models import Favorite, HistoryEntry, Lead, Listing, SavedSearch
from leadapp.services import listings_feed
from tests.unit.listing_helpers import rec


def test_post_listings_stores_valid_and_reports_each_bad_index(client, engine):

    r = client.post("/api/v1/listings", json={"listings": [rec("A1"), rec("A2", ListPrice=-1)]})
    assert r.status_code == 422
    body = r.json()
    assert body["created"] == 1
    assert body["errors"][0]["index"] == 1 and "ListPrice" in body["errors"][0]["errors"]
    r = client.post("/api/v1/listings", json=[rec("A1", ListPrice=1)])
    assert r.status_code == 201 and r.json()["updated"] == 1
    assert (
        client.post("/api/v1/listings", json=[rec(f"X{i}") for i in range(501)]).status_code == 422
    )
    assert client.post("/api/v1/listings", json={"nope": 1}).status_code == 422
    with Session(engine) as s:
        assert s.exec(select(col(Listing.mls_number), col(Listing.price))).all() == [("A1", 1)]


def test_post_listings_needs_a_key(anon):
    assert anon.post("/api/v1/listings", json=[rec()]).status_code == 401


def test_organizer_read_change_delete_with_history(client, session, org, other_org, make_lead):

    lead = make_lead(org.agent)
    listings_feed.upsert(session, [rec("F1")])
    session.commit()
    li = session.exec(select(Listing)).one()
    mine = SavedSearch(
        lead_id=lead.id, name="Mine", criteria={"city": "Berkeley", "transaction": "sale"}
    )
    agents = SavedSearch(
        lead_id=lead.id,
        name="Agent's",
        criteria={"transaction": "sale"},
        created_by="agent",
        created_by_user_id=org.agent.id,
    )
    fav = Favorite(lead_id=lead.id, listing_id=li.id, created_by="agent")
    session.add_all([mine, agents, fav])
    session.commit()
    r = client.get(f"/api/v1/leads/{lead.id}/organizer")
    assert r.status_code == 200
    org_ = r.json()
    assert [(s["name"], s["created_by"]) for s in org_["saved_searches"]] == [
        ("Mine", "lead"),
        ("Agent's", "agent"),
    ]
    assert org_["favorites"][0]["mls_number"] == "F1"
    url = f"/api/v1/leads/{lead.id}/saved-searches/{mine.id}"
    bad = client.patch(url, json={"criteria": {"min_price": "-5"}})
    assert bad.status_code == 422 and "min_price" in bad.json()["errors"]
    assert client.patch(url, json={"criteria": {"colour": "red"}}).status_code == 422
    ok = client.patch(
        url, json={"criteria": {"city": "Oakland", "max_price": 900000}, "alerts_enabled": True}
    )
    assert ok.status_code == 200, ok.json()
    assert ok.json()["criteria"] == {"city": "Oakland", "transaction": "sale", "max_price": 900000}
    assert ok.json()["alerts_enabled"] is True
    session.expire_all()
    assert session.get_one(Lead, lead.id).active_subscriptions == 1
    d = client.delete(f"/api/v1/leads/{lead.id}/saved-searches/{agents.id}")
    assert d.status_code == 200
    assert client.delete(f"/api/v1/leads/{lead.id}/favorites/{fav.id}").status_code == 200
    assert client.delete(f"/api/v1/leads/{lead.id}/favorites/{fav.id}").status_code == 404
    titles = session.exec(
        select(col(HistoryEntry.title)).where(
            col(HistoryEntry.lead_id) == lead.id, col(HistoryEntry.kind) == "audit"
        )
    ).all()
    assert {
        "Saved search updated on the website",
        "Saved search deleted on the website",
        "Favourite removed on the website",
    } <= set(titles)
    # another brokerage's lead is not reachable with this key
    other = Lead(brokerage_id=other_org.brokerage.id, email="x@y.z")
    session.add(other)
    session.commit()
    assert client.get(f"/api/v1/leads/{other.id}/organizer").status_code == 404
