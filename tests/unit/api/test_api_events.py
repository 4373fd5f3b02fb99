"""W1/W2 API: events, idempotency, errors, keys, rate limit, leads."""

from __future__ import annotations

import threading

import pytest
from sqlmodel import Session, col, select
from starlette.testclient import TestClient

from leadapp.api import build_api
from leadapp.api.ratelimit import TokenBucket
from leadapp.models import Activity, Brokerage, HistoryEntry, Lead, as_utc
from leadapp.services import apikeys, rating, rollups


def test_signup_creates_lead_in_pool_and_history(client, engine, org):
    r = client.post(
        "/api/v1/events",
        json={
            "kind": "sign-up",
            "email": "New.Person@Example.com",
            "name": "New Person",
            "phone": "4155550101",
            "idempotency_key": "k1",
        },
    )
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["lead_created"] is True
    with Session(engine) as s:
        lead = s.get_one(Lead, body["lead_id"])
        assert (lead.email, lead.first_name, lead.last_name) == (
            "new.person@example.com",
            "New",
            "Person",
        )
        assert lead.phone == "(415) 555-0101" and lead.source == "Website sign-up"
        assert (
            lead.assigned_agent_id is None
            and lead.last_activity_at is not None
            and lead.rating_score > 0
        )
        h = s.exec(select(HistoryEntry).where(col(HistoryEntry.lead_id) == lead.id)).all()
        assert [e.kind for e in h] == ["created"] and h[0].actor_id is None
        assert rollups.check(s, org.brokerage.id) == []
        assert rating.check(s, org.brokerage.id) == []


def test_signup_goes_to_default_agent(client, engine, session, org):
    b = session.get(Brokerage, org.brokerage.id)
    b.default_agent_id = org.agent.id
    session.add(b)
    session.commit()
    r = client.post(
        "/api/v1/events", json={"kind": "signup", "email": "a@example.com", "source": "Zillow"}
    )
    with Session(engine) as s:
        lead = s.get_one(Lead, r.json()["lead_id"])
        assert lead.assigned_agent_id == org.agent.id and lead.source == "Zillow"


def test_known_email_attaches_and_unknown_non_signup_is_refused(client, make_lead, engine):
    lead = make_lead(email="known@example.com")
    r = client.post(
        "/api/v1/events",
        json={"kind": "listing_view", "email": "KNOWN@example.com", "mls_number": "ML1"},
    )
    assert r.status_code == 201 and r.json() == {
        "activity_id": r.json()["activity_id"],
        "lead_id": lead.id,
        "lead_created": False,
    }
    r = client.post("/api/v1/events", json={"kind": "listing_view", "email": "nobody@example.com"})
    assert r.status_code == 422 and "sign-up" in r.json()["errors"]["email"]


def test_same_key_stores_nothing_new_and_answers_the_same(client, engine):
    ev = {"kind": "signup", "email": "dup@example.com", "idempotency_key": "abc"}
    first = client.post("/api/v1/events", json=ev)
    again = client.post("/api/v1/events", json=ev)
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    batch = client.post("/api/v1/events", json={"events": [ev, {**ev, "kind": "info_request"}]})
    assert [r["activity_id"] for r in batch.json()["results"]] == [first.json()["activity_id"]] * 2
    assert batch.json()["stored"] == 0 and batch.json()["duplicates"] == 2
    with Session(engine) as s:
        assert len(s.exec(select(Activity)).all()) == 1
        assert len(s.exec(select(Lead)).all()) == 1


def test_batch_stores_valid_items_and_lists_invalid_ones(client, engine, make_lead):
    make_lead(email="b@example.com")
    events = [
        {"kind": "info_request", "email": "b@example.com", "details": "Is it still available?"},
        {"kind": "teleport", "email": "b@example.com"},
        {"kind": "search", "email": "not-an-email", "criteria": {"city": "Berkeley"}},
        {"kind": "search", "email": "b@example.com", "criteria": "cheap"},
        {"kind": "saved_search", "email": "b@example.com", "occurred_at": "2999-01-01T00:00:00Z"},
        {"kind": "listing_view", "email": "b@example.com", "password": "secret123"},
        {
            "kind": "listing_view",
            "email": "b@example.com",
            "occurred_at": "2026-01-02T03:04:05+02:00",
        },
    ]
    r = client.post("/api/v1/events", json={"events": events})
    assert r.status_code == 422
    body = r.json()
    assert body["stored"] == 2 and body["errors"] == 5
    res = body["results"]
    assert "activity_id" in res[0] and "activity_id" in res[6]
    assert set(res[1]["errors"]) == {"kind"}
    assert set(res[2]["errors"]) == {"email"}
    assert set(res[3]["errors"]) == {"criteria"}
    assert "future" in res[4]["errors"]["occurred_at"]
    assert set(res[5]["errors"]) == {"password"}
    with Session(engine) as s:
        assert len(s.exec(select(Activity)).all()) == 2
        a = s.get_one(Activity, res[6]["activity_id"])
        assert as_utc(a.occurred_at).isoformat() == "2026-01-02T01:04:05+00:00"


def test_times_at_the_ends_of_the_calendar_are_refused_not_a_500(client, make_lead):
    # year 1 and 9999 with an offset leave datetime's range once converted to UTC
    make_lead(email="b@example.com")
    events = [
        {"kind": "listing_view", "email": "b@example.com", "occurred_at": at}
        for at in ("0001-01-01T00:00:00+05:00", "9999-12-31T23:59:59-05:00")
    ]
    r = client.post("/api/v1/events", json={"events": events})
    assert r.status_code == 422
    body = r.json()
    assert body["stored"] == 0 and body["errors"] == 2
    assert "before the year 2000" in body["results"][0]["errors"]["occurred_at"]
    assert "future" in body["results"][1]["errors"]["occurred_at"]


def test_batch_limit_and_bad_bodies(client):
    ev = {"kind": "search", "email": "x@example.com"}
    r = client.post("/api/v1/events", json={"events": [ev] * 501})
    assert r.status_code == 422 and "500" in r.json()["errors"]["events"]
    assert client.post("/api/v1/events", content=b"{nope").status_code == 400
    assert client.post("/api/v1/events", json=[1, 2]).status_code == 422
    assert client.post("/api/v1/events", json={"events": []}).status_code == 422


def test_missing_unknown_and_revoked_keys_get_401(client, session, org, key):
    for headers in ({"Authorization": ""}, {"Authorization": "Bearer lk_nope_nope"}):
        r = client.post(
            "/api/v1/events", json={"kind": "signup", "email": "a@example.com"}, headers=headers
        )
        assert r.status_code == 401 and r.headers["WWW-Authenticate"] == "Bearer"
    assert client.get("/api/v1/leads").status_code == 200
    assert (
        client.get("/api/v1/leads", headers={"Authorization": "", "X-API-Key": key}).status_code
        == 200
    )
    k = apikeys.list_keys(session, org.broker)[0]
    apikeys.revoke_key(session, org.broker, k["id"])
    session.commit()
    assert client.get("/api/v1/leads").status_code == 401


def test_rate_limit_answers_429_with_retry_after(engine, key):
    now = [0.0]
    app = build_api(engine, TokenBucket(rate=1, burst=2, clock=lambda: now[0]))
    with TestClient(app) as c:
        h = {"Authorization": f"Bearer {key}"}
        assert [c.get("/api/v1/leads", headers=h).status_code for _ in range(3)] == [200, 200, 429]
        r = c.get("/api/v1/leads", headers=h)
        assert r.headers["Retry-After"] == "1"
        now[0] += 1.0
        assert c.get("/api/v1/leads", headers=h).status_code == 200


def test_keys_are_per_brokerage(engine, session, other_org, client, make_lead):
    lead = make_lead(email="mine@example.com")
    _, other = apikeys.create_key(session, other_org.broker, "Other site")
    session.commit()
    h = {"Authorization": f"Bearer {other}"}
    r = client.post(
        "/api/v1/events", json={"kind": "info_request", "email": "mine@example.com"}, headers=h
    )
    assert r.status_code == 422  # not a lead of the other brokerage
    assert client.get(f"/api/v1/leads/{lead.id}", headers=h).status_code == 404
    assert client.get("/api/v1/leads", headers=h).json()["data"] == []


def test_api_key_service_is_broker_only_and_shows_key_once(session, org, other_org):
    from leadapp.services.errors import NotFound, PermissionDenied, ValidationFailed

    with pytest.raises(PermissionDenied):
        apikeys.create_key(session, org.agent, "x")
    with pytest.raises(PermissionDenied):
        apikeys.list_keys(session, org.agent)
    with pytest.raises(ValidationFailed):
        apikeys.create_key(session, org.broker, "  ")
    row, full = apikeys.create_key(session, org.broker, "Site")
    assert row.key_hash != full and full not in str(apikeys.list_keys(session, org.broker))
    with pytest.raises(NotFound):
        apikeys.revoke_key(session, other_org.broker, row.id)
    with pytest.raises(PermissionDenied):
        apikeys.revoke_key(session, org.agent, row.id)
    key = apikeys.authenticate(session, full)
    assert key is not None and key.id == row.id
    apikeys.revoke_key(session, org.broker, row.id)
    assert apikeys.authenticate(session, full) is None


def test_concurrent_resends_store_once(engine, key, make_lead):
    if engine.dialect.name == "sqlite":
        pass  # SQLite serialises writers; PostgreSQL runs them truly in parallel
    make_lead(email="c@example.com")
    app = build_api(engine, TokenBucket(1000, 1000))
    ev = {
        "events": [
            {"kind": "info_request", "email": "c@example.com", "idempotency_key": f"c{i}"}
            for i in range(50)
        ]
        + [{"kind": "signup", "email": "brand-new@example.com", "idempotency_key": "s1"}]
    }
    answers = []
    with TestClient(app) as c:

        def send():
            answers.append(
                c.post("/api/v1/events", json=ev, headers={"Authorization": f"Bearer {key}"})
            )

        threads = [threading.Thread(target=send) for _ in range(6)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert {a.status_code for a in answers} == {201}
    assert len({str(a.json()["results"]) for a in answers}) == 1
    with Session(engine) as s:
        assert len(s.exec(select(Activity)).all()) == 51
        assert (
            len(s.exec(select(Lead).where(col(Lead.email) == "brand-new@example.com")).all()) == 1
        )
        assert rating.check(s, 1) == [] and rollups.check(s, 1) == []


def test_saved_listing_and_search_land_in_the_organizer_as_the_leads(
    client, engine, session, make_lead
):
    from datetime import date

    from leadapp.models import Favorite, Listing, SavedSearch

    lead = make_lead(email="o@example.com")
    session.add(
        Listing(
            mls_number="ML777",
            street="1 Vine St",
            city="Berkeley",
            state="CA",
            postal_code="94709",
            price=900000,
            list_date=date(2026, 1, 1),
        )
    )
    session.commit()
    r = client.post(
        "/api/v1/events",
        json={
            "events": [
                {"kind": "saved_listing", "email": "o@example.com", "mls_number": "ML777"},
                {
                    "kind": "saved_listing",
                    "email": "o@example.com",
                    "mls_number": "ML777",
                },  # favourited twice: one row
                {"kind": "saved_listing", "email": "o@example.com", "mls_number": "ML-unknown"},
                {
                    "kind": "saved_search",
                    "email": "o@example.com",
                    "criteria": {
                        "city": "Berkeley",
                        "min_beds": 2,
                        "max_price": 800000,
                        "transaction": "sale",
                    },
                },
            ]
        },
    )
    assert r.status_code == 201 and r.json()["stored"] == 4
    with Session(engine) as s:
        favs = s.exec(select(Favorite).where(col(Favorite.lead_id) == lead.id)).all()
        assert [(f.created_by, f.created_by_user_id) for f in favs] == [("lead", None)]
        acts = s.exec(
            select(Activity).where(col(Activity.lead_id) == lead.id).order_by(col(Activity.id))
        ).all()
        assert acts[0].listing_id == favs[0].listing_id and acts[2].listing_id is None
        ss = s.exec(select(SavedSearch).where(col(SavedSearch.lead_id) == lead.id)).one()
        assert ss.created_by == "lead" and ss.name == "Berkeley · 2+ beds · up to $800,000"
        assert ss.criteria["min_beds"] == 2 and not ss.alerts_enabled


def test_stored_activity_reads_back_exactly(client, engine, make_lead):
    lead = make_lead(email="rb@example.com")
    r = client.post(
        "/api/v1/events",
        json={
            "events": [
                {
                    "kind": "search",
                    "email": "rb@example.com",
                    "criteria": {"city": "Albany", "min_beds": 3},
                    "occurred_at": "2026-03-04T05:06:07.123456Z",
                    "details": "from the map",
                    "idempotency_key": "rb1",
                },
                {"kind": "listing_view", "email": "rb@example.com", "mls_number": "ML9"},
            ]
        },
    )
    first, second = r.json()["results"]
    with Session(engine) as s:
        a = s.get_one(Activity, first["activity_id"])
        assert (a.kind, a.criteria, a.details, a.idempotency_key, a.lead_id) == (
            "search",
            {"city": "Albany", "min_beds": 3},
            "from the map",
            "rb1",
            lead.id,
        )
        assert as_utc(a.occurred_at).isoformat() == "2026-03-04T05:06:07.123456+00:00"
        assert s.get_one(Activity, second["activity_id"]).mls_number == "ML9"
        ld = s.get_one(Lead, lead.id)
        assert ld.last_activity_at is not None
        assert as_utc(ld.last_activity_at) > as_utc(a.occurred_at) and ld.rating_score > 0


def test_replay_of_a_batch_with_two_signups_of_a_new_email_answers_the_same(client):
    batch = {
        "events": [
            {"kind": "signup", "email": "two@example.com", "idempotency_key": "t1"},
            {"kind": "signup", "email": "two@example.com", "idempotency_key": "t2"},
            {"kind": "search", "email": "two@example.com", "idempotency_key": "t3"},
        ]
    }
    first = client.post("/api/v1/events", json=batch).json()
    assert [r["lead_created"] for r in first["results"]] == [True, False, False]
    again = client.post("/api/v1/events", json=batch).json()
    assert (
        again["results"] == first["results"] and again["duplicates"] == 3 and again["stored"] == 0
    )
