"""GET/POST/PATCH /api/v1/leads: same rules as the UI, filters, cursor paging."""

from __future__ import annotations

from sqlmodel import Session, col, select

from leadapp.models import HistoryEntry
from leadapp.services import rollups


def test_create_validates_like_the_form(client, engine, org):
    r = client.post(
        "/api/v1/leads",
        json={
            "email": "p@example.com",
            "first_name": "Pat",
            "state": "California",
            "assigned_agent_id": org.agent.id,
            "stage": "nurturing",
        },
    )
    assert r.status_code == 201, r.text
    lead = r.json()
    assert (
        lead["state"] == "CA"
        and lead["assigned_agent_id"] == org.agent.id
        and lead["stage"] == "nurturing"
    )
    assert lead["stars"] == 0 and lead["source"] == "API"
    r = client.post("/api/v1/leads", json={"email": "p@example.com"})
    assert r.status_code == 422 and "already a lead" in r.json()["errors"]["email"]
    r = client.post(
        "/api/v1/leads", json={"email": "bad", "postal_code": "ABC", "stars": 3, "zzz": 1}
    )
    assert r.status_code == 422 and set(r.json()["errors"]) == {"stars", "zzz"}
    r = client.post("/api/v1/leads", json={"email": "bad", "postal_code": "ABC"})
    assert set(r.json()["errors"]) == {"email", "postal_code"}
    with Session(engine) as s:
        assert rollups.check(s, org.brokerage.id) == []


def test_patch_updates_with_history_and_refuses_rating(
    client, make_lead, engine, org, other_org, session
):

    lead = make_lead(email="q@example.com")
    r = client.patch(
        f"/api/v1/leads/{lead.id}",
        json={"city": "Oakland", "stage": "attempted_contact", "assigned_agent_id": org.agent2.id},
    )
    assert r.status_code == 200, r.text
    assert (r.json()["city"], r.json()["stage"], r.json()["assigned_agent_id"]) == (
        "Oakland",
        "attempted_contact",
        org.agent2.id,
    )
    with Session(engine) as s:
        fields = {
            e.field
            for e in s.exec(select(HistoryEntry).where(col(HistoryEntry.lead_id) == lead.id)).all()
        }
        assert {"stage", "assigned_agent", "contact"} <= fields
        assert rollups.check(s, org.brokerage.id) == []
    assert client.patch(f"/api/v1/leads/{lead.id}", json={"stars": 3}).status_code == 422
    assert client.patch(f"/api/v1/leads/{lead.id}", json={"rating_score": 1e9}).status_code == 422
    assert (
        client.patch(
            f"/api/v1/leads/{lead.id}", json={"assigned_agent_id": other_org.agent.id}
        ).status_code
        == 422
    )
    assert client.patch(f"/api/v1/leads/{lead.id}", json={"stage": "flying"}).status_code == 422
    assert client.patch("/api/v1/leads/999999", json={"city": "X"}).status_code == 404
    assert client.get("/api/v1/leads/abc").status_code == 404


def test_list_filters_and_cursor_paging(client, make_lead, org):
    ids = [
        make_lead(email=f"l{i}@example.com", first_name="Zed" if i % 2 else "Amy").id
        for i in range(7)
    ]
    client.patch(
        f"/api/v1/leads/{ids[0]}", json={"assigned_agent_id": org.agent.id, "status": "active"}
    )
    seen, cursor = [], None
    while True:
        page = client.get(
            "/api/v1/leads", params={"limit": 3, **({"cursor": cursor} if cursor else {})}
        ).json()
        seen += [lead["id"] for lead in page["data"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert seen == ids
    assert [
        lead["id"] for lead in client.get("/api/v1/leads", params={"q": "zed"}).json()["data"]
    ] == ids[1::2]
    assert [
        lead["id"]
        for lead in client.get("/api/v1/leads", params={"agent_id": org.agent.id}).json()["data"]
    ] == [ids[0]]
    assert len(client.get("/api/v1/leads", params={"agent_id": "none"}).json()["data"]) == 6
    assert [
        lead["id"]
        for lead in client.get("/api/v1/leads", params={"status": "active"}).json()["data"]
    ] == [ids[0]]
    assert [
        lead["id"]
        for lead in client.get("/api/v1/leads", params={"email": "L3@example.com"}).json()["data"]
    ] == [ids[3]]
    assert len(client.get("/api/v1/leads", params={"stars": 0}).json()["data"]) == 7
    for bad in (
        {"limit": 0},
        {"limit": "x"},
        {"cursor": "zzz"},
        {"status": "gone"},
        {"stars": 5},
        {"created_since": "yesterday"},
        {"color": "red"},
    ):
        assert client.get("/api/v1/leads", params=bad).status_code == 422, bad


def test_odd_lead_ids_are_not_found(client):
    for raw in ("³", "0x10", "-1", "1" * 30, "%20"):
        assert client.get(f"/api/v1/leads/{raw}").status_code == 404, raw


def test_texting_consent_get_and_put_with_who_and_how(client, engine, make_lead, org, other_org):
    from leadapp.models import Lead

    lead = make_lead(org.agent)
    url = f"/api/v1/leads/{lead.id}/texting-consent"
    r = client.get(url)
    assert r.status_code == 200 and r.json() == {"lead_id": lead.id, "given": False, "changes": []}
    r = client.put(url, json={"given": True, "method": "web_form", "note": "Sign-up form"})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["given"] is True
    (change,) = body["changes"]
    assert (change["method"], change["note"], change["by"]) == (
        "web_form",
        "Sign-up form",
        "API key Website",
    )
    assert change["how"] == "Texting consent given on a website form" and change["at"]
    # the same state again records nothing
    assert len(client.put(url, json={"given": True, "method": "verbal"}).json()["changes"]) == 1
    r = client.put(url, json={"given": False, "method": "stop"})
    assert [c["method"] for c in r.json()["changes"]] == ["stop", "web_form"]
    with Session(engine) as s:
        assert s.get_one(Lead, lead.id).texting_consent is False
    # bad input: a clear message per field, nothing changed
    for bad, field in [
        ({"given": True, "method": "telepathy"}, "method"),
        ({"given": True, "method": "stop"}, "method"),  # a withdrawal's method
        ({"given": "yes", "method": "verbal"}, "given"),
        ({"given": True, "method": "verbal", "color": "red"}, "color"),
        ({"given": True, "method": "verbal", "note": "x" * 501}, "note"),
        ([1, 2], "body"),
    ]:
        r = client.put(url, json=bad)
        assert r.status_code == 422 and field in r.json()["errors"], (bad, r.text)
    with Session(engine) as s:
        assert s.get_one(Lead, lead.id).texting_consent is False
    assert len(client.get(url).json()["changes"]) == 2
    # another brokerage's lead does not exist for this key
    other = make_lead(other_org.broker)
    assert client.get(f"/api/v1/leads/{other.id}/texting-consent").status_code == 404
    r = client.put(
        f"/api/v1/leads/{other.id}/texting-consent", json={"given": True, "method": "verbal"}
    )
    assert r.status_code == 404
