"""W2 over HTTP: a lead changes their website password, asks for a reset link, resets."""

import pytest
from sqlmodel import col, select
from starlette.testclient import TestClient

from leadapp.api import build_api
from leadapp.api.ratelimit import TokenBucket
from leadapp.models import OutgoingEmail
from leadapp.services.security import hash_password

OLD = "the lead's first password"


@pytest.fixture(autouse=True)
def web_lead(session, org, make_lead):
    """A lead with a website account (password OLD)."""
    lead = make_lead(org.agent, email="web@example.com")
    lead.website_password_hash = hash_password(OLD)
    session.add(lead)
    session.commit()
    return lead


def _login(client, password):
    return client.post(
        "/api/v1/accounts/login", json={"email": "web@example.com", "password": password}
    ).status_code


def test_change_password_over_http(client):
    url = "/api/v1/accounts/password"
    body = {"email": "web@example.com", "current_password": "wrong one!", "new_password": "x" * 12}
    assert client.post(url, json=body).status_code == 401
    body["current_password"] = OLD
    r = client.post(url, json={**body, "new_password": "password123"})
    assert r.status_code == 422 and "new_password" in r.json()["errors"]
    assert client.post(url, json={**body, "extra": 1}).status_code == 422
    assert client.post(url, json={**body, "new_password": "my new web password"}).status_code == 200
    assert _login(client, "my new web password") == 200 and _login(client, OLD) == 401
    no_key = TestClient(client.app)
    assert no_key.post(url, json=body).status_code == 401


def test_wrong_current_passwords_lock_like_sign_in(client):
    body = {"email": "web@example.com", "current_password": "guess", "new_password": "x" * 12}
    codes = [client.post("/api/v1/accounts/password", json=body).status_code for _ in range(10)]
    assert codes[:9] == [401] * 9 and codes[9] == 429
    r = client.post("/api/v1/accounts/password", json={**body, "current_password": OLD})
    assert r.status_code == 429 and int(r.headers["Retry-After"]) > 800


def test_forgot_and_reset_over_http(client, session):
    r = client.post(
        "/api/v1/accounts/forgot-password",
        json={"email": "nobody@example.com", "reset_url": "https://site.test/reset"},
    )
    assert r.status_code == 202
    r2 = client.post(
        "/api/v1/accounts/forgot-password",
        json={"email": "web@example.com", "reset_url": "https://site.test/reset"},
    )
    assert r2.status_code == 202 and r2.json() == r.json()  # the same answer
    mail = session.exec(select(OutgoingEmail)).one()
    assert mail.to_address == "web@example.com"
    link = mail.body.split("https://site.test/reset?token=")[1].split()[0]
    bad = client.post(
        "/api/v1/accounts/reset-password", json={"token": "x" * 40, "new_password": "a" * 12}
    )
    assert bad.status_code == 400
    ok = client.post(
        "/api/v1/accounts/reset-password",
        json={"token": link, "new_password": "reset web password"},
    )
    assert ok.status_code == 200 and _login(client, "reset web password") == 200
    again = client.post(
        "/api/v1/accounts/reset-password",
        json={"token": link, "new_password": "another web password"},
    )
    assert again.status_code == 400


def test_api_writes_name_their_key_in_the_history(client, session, org):

    from leadapp.models import ApiKey, HistoryEntry
    from leadapp.services import lead_page

    r = client.post("/api/v1/leads", json={"email": "api-made@example.com", "first_name": "Api"})
    assert r.status_code == 201, r.text
    lead_id = r.json()["id"]
    r = client.patch(f"/api/v1/leads/{lead_id}", json={"stage": "nurturing"})
    assert r.status_code == 200, r.text
    key = session.exec(select(ApiKey)).one()
    entries = session.exec(select(HistoryEntry).where(col(HistoryEntry.lead_id) == lead_id)).all()
    assert entries and {e.api_key_id for e in entries} == {key.id}
    shown = lead_page.history_page(session, org.broker, lead_id)["rows"]
    assert {row["who"] for row in shown} == {"API key Website"}
    # A user's own change names the user, not a key.
    from leadapp.services import leads as lead_svc

    lead_svc.set_stage(session, org.broker, [lead_id], "attempted_contact")
    session.commit()
    shown = lead_page.history_page(session, org.broker, lead_id)["rows"]
    assert "Bea Broker" in {row["who"] for row in shown}
    mine = session.exec(
        select(HistoryEntry).where(col(HistoryEntry.actor_id) == org.broker.id)
    ).all()
    assert mine and all(e.api_key_id is None for e in mine)


def test_login_lock_is_shared_by_workers_on_their_own_engines(client, engine):
    """Two API apps, each with its own engine (two workers): refusals add up in the database."""
    from leadapp import db

    url = engine.url.render_as_string(hide_password=False)
    second_engine = db.make_engine(url)
    try:
        with TestClient(build_api(second_engine, TokenBucket(1000, 1000))) as other:
            other.headers["Authorization"] = client.headers["Authorization"]
            workers = [client, other]
            codes = [_login(workers[i % 2], "a wrong guess") for i in range(10)]
            assert codes == [401] * 9 + [429]
            # the right password is refused on both workers while the lock lasts
            for w in workers:
                r = w.post(
                    "/api/v1/accounts/login", json={"email": "web@example.com", "password": OLD}
                )
                assert r.status_code == 429 and int(r.headers["Retry-After"]) > 800
    finally:
        second_engine.dispose()


def test_a_good_login_clears_the_refusals(client):
    assert [_login(client, "a wrong guess") for _ in range(9)] == [401] * 9
    assert _login(client, OLD) == 200
    assert [_login(client, "a wrong guess") for _ in range(9)] == [401] * 9
