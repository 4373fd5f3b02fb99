"""The lead page in the browser (P1-P18, G2, G3): every action as the lead's agent, the
broker's reassign control, another agent refused; screenshots of each tab, desktop and phone."""

import re

import pytest
from playwright.sync_api import expect
from sqlmodel import Session, col, func, select

from leadapp.models import (
    Activity,
    Favorite,
    HistoryEntry,
    Lead,
    ListingSent,
    MarketSubscription,
    OutgoingEmail,
    SavedSearch,
    User,
)
from leadapp.services import rollups
from leadapp.services.rows import id_of


def _agent_lead(engine, email="avery@demo.leadapp.io", offset=0):
    """One of the agent's leads with plenty of activity."""
    with Session(engine) as s:
        agent = s.exec(select(User).where(col(User.email) == email)).one()
        q = (
            select(col(Lead.id))
            .join(Activity, col(Activity.lead_id) == col(Lead.id))
            .where(col(Lead.assigned_agent_id) == agent.id, col(Lead.status) != "deleted")
            .group_by(col(Lead.id))
            .order_by(func.count().desc(), col(Lead.id))
            .offset(offset)
            .limit(1)
        )
        return s.exec(q).one(), id_of(agent)


def _open(page, server, lead_id):
    page.goto(f"{server}/leads/{lead_id}")
    expect(page.get_by_test_id("lead-name")).to_be_visible(timeout=30_000)


def _tab(page, key):
    page.get_by_test_id(f"tab-{key}").click()


def test_agent_records_quick_events_changes_stage_tags_contact_and_history(
    page, signed_in, server, engine, shot
):
    lead_id, agent_id = _agent_lead(engine)
    signed_in(page, "agent")
    _open(page, server, lead_id)
    expect(page.get_by_test_id("activity-row").first).to_be_visible()
    expect(page.get_by_test_id("assign-select")).to_have_count(0)  # agents cannot reassign
    shot(page, "lead_agent_activity")

    # P10 quick event with undo
    page.get_by_test_id("quick-event").filter(has_text="Called").click()
    toast = page.locator("[data-sonner-toast]").filter(has_text="Called recorded")
    expect(toast).to_be_visible()
    toast.get_by_role("button", name="Undo").click()
    expect(page.locator("[data-sonner-toast]").filter(has_text="Called undone")).to_be_visible()
    page.get_by_test_id("quick-event").filter(has_text="Left Voicemail").click()
    expect(
        page.locator("[data-sonner-toast]").filter(has_text="Left Voicemail recorded")
    ).to_be_visible()
    with Session(engine) as s:
        kinds = s.exec(
            select(col(HistoryEntry.title)).where(
                col(HistoryEntry.lead_id) == lead_id,
                col(HistoryEntry.kind) == "quick_event",
                col(HistoryEntry.actor_id) == agent_id,
            )
        ).all()
        assert kinds.count("Left Voicemail") >= 1 and "Called" not in kinds[-1:]

    # P8: details added to it later, then a phone call logged
    _tab(page, "history")
    first = page.get_by_test_id("history-row").first
    expect(first).to_contain_text("Left Voicemail")
    first.get_by_test_id("add-details").click()
    page.get_by_test_id("details-input").fill("Asked about the Saturday open house")
    page.get_by_test_id("save-details").click()
    expect(page.get_by_test_id("history-body").first).to_have_text(
        "Asked about the Saturday open house"
    )
    page.get_by_test_id("history-add").click()
    page.get_by_test_id("add-call").click()
    page.get_by_test_id("save-note").click()  # empty: refused, says why
    expect(page.get_by_test_id("error-body")).to_be_visible()
    page.get_by_test_id("note-body").fill("Discussed financing; pre-approval next week")
    page.get_by_test_id("save-note").click()
    expect(page.get_by_test_id("history-row").first).to_contain_text("Discussed financing")
    shot(page, "lead_agent_history")

    # P2 pipeline
    page.get_by_test_id("stage-under_contract").click()
    expect(page.get_by_test_id("stage-under_contract")).to_have_attribute("aria-pressed", "true")
    with Session(engine) as s:
        assert s.get_one(Lead, lead_id).stage == "under_contract"
        assert s.exec(
            select(HistoryEntry).where(
                col(HistoryEntry.lead_id) == lead_id,
                col(HistoryEntry.field) == "stage",
                col(HistoryEntry.actor_id) == agent_id,
            )
        ).first()

    # P3 tags
    page.get_by_test_id("tag-input").fill("Browser tag")
    page.get_by_test_id("tag-add").click()
    tag = page.get_by_test_id("lead-tag").filter(has_text="Browser tag")
    expect(tag).to_be_visible()
    tag.get_by_test_id("remove-tag").click()
    expect(page.get_by_test_id("lead-tag").filter(has_text="Browser tag")).to_have_count(0)

    # P1 edit: a failed save keeps what was typed and says why
    page.get_by_test_id("edit-info").click()
    page.get_by_test_id("form-first_name").fill("Renamed")
    page.get_by_test_id("form-email").fill("not-an-email")
    page.get_by_test_id("form-price_min").fill("650000")
    page.get_by_test_id("save-contact").click()
    expect(page.get_by_test_id("error-email")).to_contain_text("not a valid email")
    expect(page.get_by_test_id("form-first_name")).to_have_value("Renamed")
    expect(page.get_by_test_id("form-price_min")).to_have_value("650000")
    shot(page, "lead_agent_edit_error")
    with Session(engine) as s:
        original = s.get_one(Lead, lead_id).email
    page.get_by_test_id("form-email").fill(original)
    page.get_by_test_id("save-contact").click()
    expect(page.get_by_test_id("lead-name")).to_contain_text("Renamed")
    expect(page.get_by_test_id("sales-price-range")).to_contain_text("$650K")


def test_agent_sends_a_message_and_resets_the_password(page, signed_in, server, engine, shot):
    lead_id, _ = _agent_lead(engine, offset=1)
    signed_in(page, "agent")
    _open(page, server, lead_id)
    page.get_by_test_id("new-message").click()
    page.get_by_test_id("message-title").fill("Homes for this weekend")
    page.get_by_test_id("send-message").click()  # no body: refused, title kept
    expect(page.get_by_test_id("error-body")).to_be_visible()
    expect(page.get_by_test_id("message-title")).to_have_value("Homes for this weekend")
    page.get_by_test_id("message-body").fill("Three new listings in Berkeley you might like.")
    page.get_by_test_id("send-message").click()
    expect(page.get_by_test_id("message-title")).to_have_count(0)
    _tab(page, "messages")
    page.get_by_test_id("open-message").filter(has_text="Homes for this weekend").click()
    expect(page.get_by_test_id("message-full")).to_have_text(
        "Three new listings in Berkeley you might like."
    )
    shot(page, "lead_agent_message_open")
    page.keyboard.press("Escape")
    with Session(engine) as s:
        email = s.exec(
            select(OutgoingEmail).where(
                col(OutgoingEmail.lead_id) == lead_id, col(OutgoingEmail.kind) == "message"
            )
        ).one()
        assert email.subject == "Homes for this weekend" and email.history_entry_id
    page.get_by_test_id("reset-password").click()
    expect(page.get_by_test_id("temp-password")).to_have_text(re.compile(r"^\S{12}$"))
    expect(page.get_by_test_id("password-note")).to_contain_text("not notified")
    shot(page, "lead_agent_password")
    page.get_by_test_id("password-done").click()
    expect(page.get_by_test_id("temp-password")).to_have_count(0)


def test_agent_manages_subscriptions_organizer_and_email_updates(
    page, signed_in, server, engine, shot
):
    lead_id, _ = _agent_lead(engine, offset=2)
    signed_in(page, "agent")
    _open(page, server, lead_id)
    _tab(page, "subscriptions")
    expect(page.get_by_test_id("markets-section")).to_be_visible()
    page.get_by_test_id("add-market").click()
    for t in ("listing", "open_house", "market"):  # all three preselected
        expect(page.get_by_test_id(f"report-{t}")).to_be_checked()
    page.get_by_test_id("report-market").click()
    page.get_by_test_id("save-market").click()
    expect(
        page.get_by_test_id("market-sub").filter(has_text="Listing report").first
    ).to_be_visible()
    with Session(engine) as s:
        active = s.exec(
            select(MarketSubscription).where(
                col(MarketSubscription.lead_id) == lead_id, col(MarketSubscription.active)
            )
        ).all()
        assert {m.report_type for m in active} >= {"listing", "open_house"}
        assert s.get_one(Lead, lead_id).active_subscriptions >= 1
        assert rollups.check(s, 1) == []
    shot(page, "lead_agent_subscriptions")
    page.get_by_test_id("deactivate-market").first.click()
    page.get_by_test_id("confirm-deactivate").click()
    expect(page.get_by_test_id("market-sub").filter(has_text="Inactive").first).to_be_visible()

    # P7 saved search through the property-search dialog
    _tab(page, "organizer")
    page.get_by_test_id("add-search").click()
    page.get_by_test_id("ps-city").fill("Berkeley")
    page.get_by_test_id("ps-search").click()
    expect(page.get_by_test_id("ps-row").first).to_be_visible()
    shot(page, "lead_agent_property_search")
    page.get_by_test_id("ps-name").fill("Berkeley from the browser")
    page.get_by_test_id("ps-save").click()
    card = page.get_by_test_id("saved-search").filter(has_text="Berkeley from the browser")
    expect(card).to_be_visible()
    # favourites through the same dialog
    page.get_by_test_id("organizer-view").get_by_role("radio", name="Favourites").click()
    page.get_by_test_id("add-favorite").click()
    page.get_by_test_id("ps-search").click()
    page.get_by_test_id("ps-heart").first.click()
    expect(page.get_by_test_id("ps-heart").first).to_be_disabled()
    page.get_by_test_id("ps-close").click()
    expect(page.get_by_test_id("favorite").first).to_be_visible()
    shot(page, "lead_agent_favorites")
    with Session(engine) as s:
        assert s.exec(
            select(Favorite).where(
                col(Favorite.lead_id) == lead_id, col(Favorite.created_by) == "agent"
            )
        ).first()

    # P14 email updates: off without deleting, then send all now
    _tab(page, "updates")
    row = page.get_by_test_id("daily-search").filter(has_text="Berkeley from the browser")
    row.get_by_test_id("edit-daily").click()  # "Update this search criteria"
    expect(page.get_by_test_id("ps-city")).to_have_value("Berkeley")
    page.get_by_test_id("ps-min_beds").fill("2")
    page.get_by_test_id("ps-search").click()
    page.get_by_test_id("ps-save").click()
    expect(row).to_contain_text("2+ beds")
    row.get_by_test_id("daily-switch").click()
    with Session(engine) as s:
        ss = s.exec(
            select(SavedSearch).where(
                col(SavedSearch.lead_id) == lead_id,
                col(SavedSearch.name) == "Berkeley from the browser",
            )
        ).one()
    expect(row.get_by_test_id("daily-switch")).to_have_attribute("data-state", "unchecked")
    row.get_by_test_id("daily-switch").click()
    expect(row.get_by_test_id("daily-switch")).to_have_attribute("data-state", "checked")
    shot(page, "lead_agent_email_updates")
    page.get_by_test_id("send-all-now").click()
    _tab(page, "listings")
    expect(page.get_by_test_id("listing-sent-row").first).to_be_visible()
    shot(page, "lead_agent_listings_sent")
    with Session(engine) as s:
        assert s.get_one(SavedSearch, ss.id).alerts_enabled
        assert s.exec(
            select(ListingSent).where(
                col(ListingSent.lead_id) == lead_id, col(ListingSent.via) == "email"
            )
        ).first()
        assert rollups.check(s, 1) == []
    for key in ("site", "tools"):
        _tab(page, key)
        page.wait_for_timeout(500)
        shot(page, f"lead_agent_{key}")
    expect(page.get_by_test_id("tool-forms")).to_be_visible()


def test_broker_reassigns_and_agent_cannot_open_it_afterwards(
    page, signed_in, server, engine, shot
):
    lead_id, _ = _agent_lead(engine, offset=3)
    signed_in(page, "broker")
    _open(page, server, lead_id)
    expect(page.get_by_test_id("reject-lead")).to_have_count(0)
    page.get_by_test_id("assign-select").click()
    page.get_by_role("option", name="Jordan", exact=False).click()
    with Session(engine) as s:
        jordan = s.exec(select(User).where(col(User.email) == "jordan@demo.leadapp.io")).one()
    page.wait_for_timeout(800)
    with Session(engine) as s:
        assert s.get_one(Lead, lead_id).assigned_agent_id == jordan.id
        assert rollups.check(s, 1) == []
    expect(page.get_by_test_id("lead-tasks").get_by_test_id("due-legend")).to_be_visible()
    _tab(page, "history")
    expect(
        page.get_by_test_id("history-row").filter(has_text="Assigned agent changed").first
    ).to_be_visible()
    shot(page, "lead_broker_history")
    page.context.clear_cookies()
    page.evaluate("() => window.localStorage.clear()")
    signed_in(page, "agent")  # avery no longer owns it
    page.goto(f"{server}/leads/{lead_id}")
    expect(page.get_by_test_id("lead-error")).to_contain_text(
        "does not exist or is not yours", timeout=30_000
    )
    expect(page.get_by_test_id("quick-event")).to_have_count(0)


def test_agent_rejects_a_lead_back_to_the_pool(page, signed_in, server, engine):
    lead_id, _ = _agent_lead(engine, offset=4)
    signed_in(page, "agent")
    _open(page, server, lead_id)
    page.get_by_test_id("reject-lead").click()
    page.get_by_test_id("confirm-reject").click()
    page.wait_for_url(re.compile(r".*/leads/?$"), timeout=30_000)
    with Session(engine) as s:
        assert s.get_one(Lead, lead_id).assigned_agent_id is None
        assert s.exec(
            select(OutgoingEmail).where(
                col(OutgoingEmail.lead_id) == lead_id, col(OutgoingEmail.kind) == "notice"
            )
        ).first()
    _open(page, server, lead_id)  # still visible from the pool, read-only until claimed
    expect(page.get_by_test_id("claim-lead")).to_be_visible()
    expect(page.get_by_test_id("quick-event")).to_have_count(0)
    page.get_by_test_id("claim-lead").click()
    expect(page.get_by_test_id("quick-event").first).to_be_visible()


@pytest.mark.parametrize("who", ["agent", "broker"])
def test_phone_width_lead_page(browser, signed_in, server, engine, shot, who):
    lead_id, _ = _agent_lead(engine, offset=5)
    ctx = browser.new_context(viewport={"width": 390, "height": 844})
    page = ctx.new_page()
    signed_in(page, who)
    _open(page, server, lead_id)
    expect(page.get_by_test_id("activity-row").first).to_be_visible()
    shot(page, f"lead_{who}_phone")
    _tab(page, "subscriptions")
    page.wait_for_timeout(500)
    shot(page, f"lead_{who}_phone_subscriptions")
    ctx.close()
