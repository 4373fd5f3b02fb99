"""W1 end to end: an event posted to the app's own port shows on the lead page."""

from __future__ import annotations

import httpx
from sqlmodel import Session, col, select

from leadapp.models import User
from leadapp.services import apikeys


def test_signup_posted_to_api_shows_on_lead_page(server, engine, page, signed_in, shot):

    with Session(engine) as s:
        broker = s.exec(select(User).where(col(User.email) == "broker@demo.leadapp.io")).one()
        _, key = apikeys.create_key(s, broker, "Browser test")
        s.commit()
    h = {"Authorization": f"Bearer {key}"}
    assert httpx.get(f"{server}/api/v1/openapi.json").json()["openapi"].startswith("3.")
    r = httpx.post(
        f"{server}/api/v1/events",
        headers=h,
        json={
            "kind": "sign-up",
            "email": "web.visitor@example.com",
            "name": "Wendy Visitor",
            "idempotency_key": "bt-1",
        },
    )
    assert r.status_code == 201, r.text
    lead_id = r.json()["lead_id"]
    r = httpx.post(
        f"{server}/api/v1/events",
        headers=h,
        json={
            "kind": "info_request",
            "email": "web.visitor@example.com",
            "details": "Is 12 Vine St still available?",
        },
    )
    assert r.status_code == 201
    assert (
        httpx.post(
            f"{server}/api/v1/events", json={"kind": "search", "email": "x@y.io"}
        ).status_code
        == 401
    )
    signed_in(page, "broker", path=f"/leads/{lead_id}")
    page.wait_for_selector("[data-testid=lead-name]:has-text('Wendy Visitor')", timeout=30_000)
    assert "web.visitor@example.com" in page.content()
    # R1: the rating follows the new activity at once and says why
    page.wait_for_selector("[data-testid=rating-reason]:has-text('info request')", timeout=20_000)
    # P5: the activity tab lists both website events
    page.click("[data-testid=tab-activity]")
    page.wait_for_selector("[data-testid=activity-row]", timeout=20_000)
    rows = page.locator("[data-testid=activity-row]").all_inner_texts()
    assert any("Info request" in r for r in rows) and any("Sign-up" in r for r in rows), rows
    shot(page, "api-lead-page")
