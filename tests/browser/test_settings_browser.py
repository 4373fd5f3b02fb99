"""Settings (G3, P10, T4) in the browser: brokers change lead settings, agents cannot."""

from playwright.sync_api import expect
from sqlmodel import Session

from leadapp.models import Brokerage


def test_broker_changes_lead_settings(page, signed_in, engine, shot):
    signed_in(page, "broker", path="/settings")
    expect(page.get_by_text("Lead settings")).to_be_visible()
    page.get_by_test_id("pool-switch").click()
    page.fill("textarea[name=quick_events]", "Left Voicemail\nCalled\nTexted\nSent Listings")
    page.get_by_test_id("save-settings").click()
    expect(page.get_by_text("Settings saved.")).to_be_visible()
    with Session(engine) as s:
        b = s.get_one(Brokerage, 1)
        assert b.unassigned_pool_enabled is False
        assert b.quick_events == ["Left Voicemail", "Called", "Texted", "Sent Listings"]
        b.unassigned_pool_enabled = True
        s.add(b)
        s.commit()
    shot(page, "settings_broker")
    page.set_viewport_size({"width": 390, "height": 844})
    shot(page, "settings_broker_phone", full_page=False)


def test_broker_sees_field_errors_and_nothing_changes(page, signed_in, engine):
    signed_in(page, "broker", path="/settings")
    page.fill("input[name=primary_email]", "not-an-email")
    page.get_by_test_id("save-settings").click()
    expect(page.get_by_text("'not-an-email' is not a valid email address.").first).to_be_visible()
    with Session(engine) as s:
        assert s.get_one(Brokerage, 1).primary_email == "office@demo.leadapp.io"


def test_agent_sees_no_brokerage_form(page, signed_in, shot):
    signed_in(page, "agent", path="/settings")
    expect(page.get_by_text("Only brokers change the brokerage's lead settings.")).to_be_visible()
    expect(page.get_by_test_id("save-settings")).to_have_count(0)
    page.emulate_media(color_scheme="dark")
    shot(page, "settings_agent_dark")
