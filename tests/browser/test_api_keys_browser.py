"""Settings → API keys: a broker creates a key (shown once) the API accepts, then revokes it."""

from __future__ import annotations

import httpx
from playwright.sync_api import expect


def test_broker_creates_uses_and_revokes_a_key(server, page, signed_in, shot):
    signed_in(page, "broker", path="/settings")
    page.fill("[data-testid=api-key-name]", "bayviewhomes.com")
    page.click("[data-testid=create-api-key]")
    key = page.wait_for_selector("[data-testid=new-api-key]", timeout=20_000).inner_text().strip()
    assert key.startswith("lk_")
    shot(page, "settings-api-key-created")
    h = {"Authorization": f"Bearer {key}"}
    assert httpx.get(f"{server}/api/v1/leads", headers=h, params={"limit": 1}).status_code == 200
    page.get_by_role("button", name="Done").click()
    expect(page.locator("[data-testid=new-api-key]")).to_have_count(0, timeout=20_000)
    assert key not in page.content()  # shown once only
    page.locator("[data-testid=revoke-api-key]").first.click()
    page.get_by_role("alertdialog").get_by_role("button", name="Revoke").click()
    page.wait_for_selector("text=Revoked", timeout=20_000)
    assert httpx.get(f"{server}/api/v1/leads", headers=h).status_code == 401
    page.set_viewport_size({"width": 390, "height": 844})
    shot(page, "settings-api-keys-phone")


def test_agent_sees_no_api_keys(server, page, signed_in):
    signed_in(page, "agent", path="/settings")
    page.wait_for_selector("text=Your preferences")
    assert page.locator("[data-testid=create-api-key]").count() == 0
