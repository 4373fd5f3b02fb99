"""The to-do board in the browser (T1-T4, P9): sections across a time-zone boundary with
overdue first in red, complete with undo, add from the page and from a lead, and filters in
the URL with their count."""

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect
from sqlmodel import Session, col, select

from leadapp.models import HistoryEntry, Task
from tests.browser.todo_helpers import add_task, agent_lead, local_day, rows_in

pytestmark = pytest.mark.multiworker
PHONE = {"width": 390, "height": 844}


def test_sections_follow_the_users_zone_overdue_first_in_red(page, signed_in, engine, shot):
    email = "avery@demo.leadapp.io"
    today, at = local_day(engine, email)
    add_task(engine, email, at(today, 0, 30), "TZ after midnight")
    add_task(engine, email, at(today - timedelta(days=1), 23, 30), "TZ before midnight")
    add_task(engine, email, at(today, 23, 30), "TZ late tonight")
    add_task(engine, email, at(today + timedelta(days=1), 0, 30), "TZ just after tonight")
    signed_in(page, "agent", path="/todo")
    overdue = page.get_by_test_id("section-overdue")
    expect(overdue).to_be_visible()
    # Overdue is the first section, and within it the earlier due time comes first.
    first_section = page.locator("[data-testid^=section-]").first
    expect(first_section).to_have_attribute("data-testid", "section-overdue")
    titles = [t for t in rows_in(page, "overdue").all_inner_texts() if t.startswith("TZ ")]
    assert titles == ["TZ before midnight", "TZ after midnight"]
    before = overdue.get_by_test_id("task-row").filter(has_text="TZ before midnight")
    expect(before.get_by_test_id("task-due")).to_have_text("Yesterday 11:30 PM")
    due = overdue.get_by_test_id("task-due-wrap").first
    expect(due).to_have_attribute("data-state", "overdue")
    color = due.evaluate("e => getComputedStyle(e).color")
    r, g, b = [int(x) for x in re.findall(r"\d+", color)[:3]]
    assert r > 150 and r > g + 60 and r > b + 60, color  # red
    expect(page.get_by_test_id("section-today").get_by_text("TZ late tonight")).to_be_visible()
    expect(
        page.get_by_test_id("section-upcoming").get_by_text("TZ just after tonight")
    ).to_be_visible()
    expect(
        page.get_by_test_id("task-row")
        .filter(has_text="TZ late tonight")
        .get_by_test_id("task-due")
    ).to_have_text("Today 11:30 PM")
    expect(page.get_by_test_id("due-legend")).to_be_visible()
    expect(page.get_by_test_id("section-completed")).to_have_count(0)  # hidden unless filtered
    shot(page, "todo_agent")
    page.set_viewport_size(PHONE)
    shot(page, "todo_agent_phone", full_page=False)


def test_tick_to_complete_then_undo(page, signed_in, engine):
    tid = add_task(
        engine, "avery@demo.leadapp.io", datetime.now(UTC) + timedelta(days=2), "Tick me please"
    )
    signed_in(page, "agent", path="/todo")
    row = page.get_by_test_id("task-row").filter(has_text="Tick me please")
    row.get_by_test_id("task-check").click()
    expect(page.get_by_text("Completed: Tick me please")).to_be_visible()
    expect(page.get_by_test_id("task-row").filter(has_text="Tick me please")).to_have_count(0)
    with Session(engine) as s:
        assert s.get_one(Task, tid).completed_at is not None
    page.get_by_role("button", name="Undo").click()
    expect(page.get_by_test_id("section-upcoming").get_by_text("Tick me please")).to_be_visible()
    with Session(engine) as s:
        assert s.get_one(Task, tid).completed_at is None
    # completed tasks keep their completion time and show under the filter
    row = page.get_by_test_id("task-row").filter(has_text="Tick me please")
    row.get_by_test_id("task-check").click()
    expect(page.get_by_test_id("task-row").filter(has_text="Tick me please")).to_have_count(0)
    page.goto(page.url.split("/todo")[0] + "/todo?done=all")
    done = (
        page.get_by_test_id("section-completed")
        .get_by_test_id("task-row")
        .filter(has_text="Tick me please")
    )
    expect(done.get_by_test_id("task-completed-at")).to_contain_text("Done Today")


def test_add_a_call_from_the_page_with_a_searched_lead(page, signed_in, engine, shot):
    lead_id, name, first = agent_lead(engine, "avery@demo.leadapp.io")
    signed_in(page, "agent", path="/todo")
    page.get_by_test_id("add-task").click()
    dialog = page.get_by_test_id("task-dialog")
    expect(dialog).to_be_visible()
    expect(page.get_by_test_id("task-owner-select")).to_have_count(0)  # agents cannot assign
    page.get_by_test_id("task-title-input").fill("Call about financing")
    dialog.get_by_role("radio", name="Call").click()
    tomorrow = (
        (datetime.now(ZoneInfo("America/Los_Angeles")) + timedelta(days=3)).date().isoformat()
    )
    page.get_by_test_id("task-date").fill(tomorrow)
    page.get_by_test_id("task-time").fill("10:15")
    page.get_by_test_id("task-lead-search").fill(name)
    page.get_by_test_id("task-lead-option").filter(has_text=name).first.click()
    expect(page.get_by_test_id("task-lead-chosen")).to_have_text(name)
    shot(page, "todo_dialog_agent", full_page=False)
    page.get_by_test_id("task-save").click()
    expect(page.get_by_text("Task added.")).to_be_visible()
    row = page.get_by_test_id("task-row").filter(has_text="Call about financing")
    expect(row.get_by_test_id("task-lead-link")).to_have_text(name)
    with Session(engine) as s:
        t = s.exec(select(Task).where(col(Task.title) == "Call about financing")).one()
        assert (t.kind, t.lead_id) == ("call", lead_id)
        h = s.exec(
            select(HistoryEntry).where(
                col(HistoryEntry.lead_id) == lead_id, col(HistoryEntry.kind) == "task"
            )
        ).all()
        assert any(
            e.title == "Call added: Call about financing" and e.actor_id == t.owner_id for e in h
        )
    # the task shows on the lead's page, with the lead on the task
    row.get_by_test_id("task-lead-link").click()
    page.wait_for_url(re.compile(rf".*/leads/{lead_id}/?$"))
    expect(page.get_by_test_id("lead-tasks").get_by_text("Call about financing")).to_be_visible()


def test_lead_page_lists_other_agents_tasks_with_legend_and_adds(page, signed_in, engine, shot):
    lead_id, name, _ = agent_lead(engine, "jordan@demo.leadapp.io")
    now = datetime.now(UTC)
    add_task(
        engine,
        "sam@demo.leadapp.io",
        now - timedelta(days=2),
        "Old agent's follow-up",
        lead_id=lead_id,
    )
    add_task(
        engine,
        "jordan@demo.leadapp.io",
        now + timedelta(days=4),
        "Jordan's showing",
        kind="showing",
        lead_id=lead_id,
    )
    signed_in(page, "agent2", path=f"/leads/{lead_id}")
    panel = page.get_by_test_id("lead-tasks")
    expect(panel.get_by_test_id("due-legend")).to_be_visible()
    other = panel.get_by_test_id("task-row").filter(has_text="Old agent's follow-up")
    expect(other.get_by_test_id("task-owner")).to_contain_text("Sam")
    expect(other.get_by_test_id("task-due-wrap")).to_have_attribute("data-state", "overdue")
    panel.get_by_test_id("lead-task-new").click()
    expect(page.get_by_test_id("task-lead-chosen")).to_have_text(name)  # fixed to this lead
    page.get_by_test_id("task-title-input").fill("Send the disclosures")
    page.get_by_test_id("task-save").click()
    expect(panel.get_by_text("Send the disclosures")).to_be_visible()
    shot(page, "lead_tasks_agent")
    page.set_viewport_size(PHONE)
    shot(page, "lead_tasks_agent_phone", full_page=False)
    # another agent cannot see this lead's tasks at all
    other = page.context.browser.new_context().new_page()
    signed_in(other, "agent", path=f"/leads/{lead_id}")
    expect(other.get_by_test_id("lead-error")).to_be_visible()
    expect(other.get_by_text("Old agent's follow-up")).to_have_count(0)
    other.context.close()


def test_broker_filters_live_in_the_url_and_count(page, signed_in, engine, server, shot):
    now = datetime.now(UTC)
    add_task(
        engine,
        "jordan@demo.leadapp.io",
        now + timedelta(days=1),
        "Jordan call for filter",
        kind="call",
    )
    add_task(
        engine, "broker@demo.leadapp.io", now + timedelta(days=1), "Broker own todo", kind="todo"
    )
    signed_in(page, "broker", path="/todo")
    expect(page.get_by_text("Broker own todo")).to_be_visible()
    expect(page.get_by_text("Jordan call for filter")).to_have_count(0)  # default: my tasks
    expect(page.get_by_test_id("filter-count")).to_have_count(0)
    page.get_by_test_id("filter-button").click()
    page.get_by_test_id("filter-agent").click()
    page.get_by_role("option", name="Everyone").click()
    page.wait_for_url(re.compile(r".*/todo\?agent=all$"))
    expect(page.get_by_test_id("filter-count")).to_have_text("1")
    page.wait_for_timeout(500)
    if not page.get_by_test_id(
        "filter-kind"
    ).is_visible():  # the popover stays open across filter changes
        page.get_by_test_id("filter-button").click()
    page.get_by_test_id("filter-kind").click()
    page.get_by_role("option", name="Call", exact=True).click()
    page.wait_for_url(re.compile(r".*/todo\?.*kind=call.*"))
    expect(page.get_by_test_id("filter-count")).to_have_text("2")
    row = page.get_by_test_id("task-row").filter(has_text="Jordan call for filter")
    expect(row.get_by_test_id("task-owner")).to_contain_text("Jordan")
    expect(page.get_by_text("Broker own todo")).to_have_count(0)
    shot(page, "todo_broker_filtered")
    page.keyboard.press("Escape")
    page.emulate_media(color_scheme="dark")
    shot(page, "todo_broker_filtered_dark", full_page=False)
    page.emulate_media(color_scheme="light")
    # the URL carries the filters: a fresh load shows the same list
    url = page.url
    page.goto(f"{server}/")
    page.goto(url)
    expect(page.get_by_test_id("filter-count")).to_have_text("2")
    expect(page.get_by_text("Jordan call for filter")).to_be_visible()
    # brokers assign from the dialog
    page.get_by_test_id("add-task").click()
    expect(page.get_by_test_id("task-owner-select")).to_be_visible()
    page.set_viewport_size(PHONE)
    shot(page, "todo_broker_dialog_phone", full_page=False)
