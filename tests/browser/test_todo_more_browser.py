"""To-dos beyond the board in the browser (T2-T4, P17, D9): the reminder toast in every open
tab, edit and delete with the lead and date filters, today's events on the dashboard and a
full day's first rows."""

import re
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect
from sqlmodel import Session, col, select

from leadapp.models import Brokerage, HistoryEntry, Task
from tests.browser.todo_helpers import add_task, agent_lead, local_day, rows_in, set_zone, user

pytestmark = pytest.mark.multiworker
PHONE = {"width": 390, "height": 844}


def test_reminder_toast_in_every_open_tab(page, signed_in, engine, shot):
    with Session(engine) as s:
        b = s.get_one(Brokerage, 1)
        assert b.reminder_minutes == 15
    tid = add_task(
        engine,
        "avery@demo.leadapp.io",
        datetime.now(UTC) + timedelta(minutes=9),
        "Showing at 44 Birch",
        kind="showing",
    )
    signed_in(page, "agent")  # the dashboard
    toast = page.locator(".reminder-toast").filter(has_text="Showing at 44 Birch")
    expect(toast).to_be_visible(timeout=20_000)
    expect(toast).to_contain_text("Showing in 9 min")
    shot(page, "reminder_toast_dashboard", full_page=False)
    second = page.context.new_page()
    second.goto(page.url.rstrip("/") + "/todo")
    expect(second.locator(".reminder-toast").filter(has_text="Showing at 44 Birch")).to_be_visible(
        timeout=20_000
    )
    with Session(engine) as s:
        assert s.get_one(Task, tid).reminded_at is not None
    # an event scheduled while the tab is open is reminded without a reload
    add_task(
        engine,
        "avery@demo.leadapp.io",
        datetime.now(UTC) + timedelta(minutes=5),
        "Call with the lender",
        kind="call",
    )
    expect(second.locator(".reminder-toast").filter(has_text="Call with the lender")).to_be_visible(
        timeout=40_000
    )
    second.set_viewport_size(PHONE)
    shot(second, "reminder_toast_phone", full_page=False)
    # other users get no reminder of it
    other = page.context.browser.new_context().new_page()
    from tests.browser.conftest import sign_in

    sign_in(other, page.url.split("/")[0] + "//" + page.url.split("/")[2], "agent2")
    other.wait_for_timeout(3000)
    expect(other.locator(".reminder-toast")).to_have_count(0)


def test_edit_delete_and_the_lead_and_date_filters(page, signed_in, engine, server, shot):
    lead_id, name, _ = agent_lead(engine, "avery@demo.leadapp.io")
    zone = ZoneInfo("America/Los_Angeles")
    set_zone(engine, "avery@demo.leadapp.io", "America/Los_Angeles")
    day = (datetime.now(zone) + timedelta(days=40)).date()
    due = datetime.combine(day, time(9, 0), zone).astimezone(UTC)
    add_task(engine, "avery@demo.leadapp.io", due, "Far-off follow-up", lead_id=lead_id)
    add_task(
        engine, "avery@demo.leadapp.io", due + timedelta(days=2), "Even later", lead_id=lead_id
    )
    # the lead page's "View all" opens the to-do page filtered to the lead
    signed_in(page, "agent", path=f"/leads/{lead_id}")
    page.get_by_test_id("lead-tasks-view-all").click()
    page.wait_for_url(re.compile(rf".*/todo\?lead={lead_id}$"))
    expect(page.get_by_test_id("filter-count")).to_have_text("1")
    expect(page.get_by_text("Far-off follow-up")).to_be_visible()
    titles = page.get_by_test_id("task-row").get_by_test_id("task-lead-link").all_inner_texts()
    assert titles and set(titles) == {name}
    # a due range narrows it to one day
    page.get_by_test_id("filter-button").click()
    page.get_by_test_id("filter-from").fill(day.isoformat())
    page.get_by_test_id("filter-to").fill(day.isoformat())
    page.get_by_test_id("filter-range-apply").click()
    page.wait_for_url(re.compile(r".*from=.*to=.*"))
    expect(page.get_by_test_id("filter-count")).to_have_text("2")
    expect(page.get_by_test_id("task-row")).to_have_count(1)
    # edit from the title, then delete
    page.keyboard.press("Escape")
    page.get_by_test_id("task-title").filter(has_text="Far-off follow-up").click()
    expect(page.get_by_test_id("task-title-input")).to_have_value("Far-off follow-up")
    expect(page.get_by_test_id("task-time")).to_have_value("09:00")
    page.get_by_test_id("task-title-input").fill("Far-off follow-up (edited)")
    page.get_by_test_id("task-save").click()
    expect(page.get_by_text("Far-off follow-up (edited)")).to_be_visible()
    page.get_by_test_id("task-title").filter(has_text="(edited)").click()
    page.get_by_test_id("task-delete").click()
    expect(page.get_by_text("Task deleted.")).to_be_visible()
    expect(page.get_by_test_id("todo-empty")).to_be_visible()
    with Session(engine) as s:
        assert s.exec(select(Task).where(col(Task.title).startswith("Far-off"))).all() == []
        h = s.exec(
            select(HistoryEntry).where(
                col(HistoryEntry.lead_id) == lead_id, col(HistoryEntry.kind) == "task"
            )
        ).all()
        assert any(e.title.startswith("To-do deleted: Far-off follow-up (edited)") for e in h)
    page.get_by_test_id("filter-button").click()
    page.get_by_test_id("filter-clear").click()
    page.wait_for_url(re.compile(r".*/todo/?$"))
    expect(page.get_by_test_id("filter-count")).to_have_count(0)


def test_todays_events_show_on_the_dashboard(page, signed_in, engine, shot):
    today, at = local_day(engine, "jordan@demo.leadapp.io")
    lead_id, name, _ = agent_lead(engine, "jordan@demo.leadapp.io")
    add_task(
        engine,
        "jordan@demo.leadapp.io",
        at(today, 16, 0),
        "Showing on Oak St",
        kind="showing",
        lead_id=lead_id,
    )
    add_task(
        engine,
        "jordan@demo.leadapp.io",
        at(today + timedelta(days=1), 9, 0),
        "Tomorrow's meeting",
        kind="meeting",
    )
    add_task(engine, "avery@demo.leadapp.io", at(today, 15, 0), "Avery's call today", kind="call")
    signed_in(page, "agent2")
    card = page.get_by_test_id("todays-agenda")
    row = card.get_by_test_id("task-row").filter(has_text="Showing on Oak St")
    expect(row.get_by_test_id("task-due")).to_have_text("Today 4:00 PM")
    expect(row.get_by_test_id("task-lead-link")).to_have_text(name)
    expect(card.get_by_text("Tomorrow's meeting")).to_have_count(0)
    expect(card.get_by_text("Avery's call today")).to_have_count(0)
    shot(page, "dashboard_agenda_agent", full_page=False)


def test_a_full_day_shows_its_first_rows_and_links_to_the_rest(page, signed_in, engine, shot):
    from leadapp.services.tasks import AGENDA_LIMIT

    who = "riley@demo.leadapp.io"
    today, at = local_day(engine, who)
    start = at(today, 0, 0)
    for i in range(AGENDA_LIMIT + 2):
        add_task(engine, who, at(today, 13 + i % 10, i), f"Follow-up {i}")
    with Session(engine) as s:
        u = user(s, who)
        day = s.exec(
            select(col(Task.kind)).where(
                col(Task.owner_id) == u.id,
                col(Task.due_at) >= start,
                col(Task.due_at) < start + timedelta(days=1),
            )
        ).all()
    todos, events = sum(k == "todo" for k in day), sum(k != "todo" for k in day)
    signed_in(page, who)
    card = page.get_by_test_id("todays-agenda")
    more = card.get_by_test_id("agenda-more-tasks")
    expect(more).to_have_text(f"+ {todos - AGENDA_LIMIT} more to-dos today")
    # every event (fewer than the limit here) and the first AGENDA_LIMIT to-dos
    expect(card.get_by_test_id("task-row")).to_have_count(min(events, AGENDA_LIMIT) + AGENDA_LIMIT)
    more.scroll_into_view_if_needed()
    shot(page, "dashboard_agenda_full_day", full_page=False)
    more.click()
    expect(page).to_have_url(re.compile(r"/todo$"))
    expect(rows_in(page, "today").filter(has_text="Follow-up")).to_have_count(AGENDA_LIMIT + 2)

    # a broker looking at Riley's day, at phone width: the link opens Riley's to-dos
    broker = page.context.browser.new_context(viewport=PHONE).new_page()
    signed_in(broker, "broker")
    broker.get_by_test_id("dash-agent").click()
    broker.get_by_role("option", name=u.name).click()
    more = broker.get_by_test_id("todays-agenda").get_by_test_id("agenda-more-tasks")
    # narrowing re-reads every panel, then the agenda: under a busy CI machine that takes
    # longer than the default wait
    expect(more).to_have_attribute("href", f"/todo?agent={u.id}", timeout=30_000)
    more.scroll_into_view_if_needed()
    shot(broker, "dashboard_agenda_full_day_broker_phone", full_page=False)
    broker.context.close()
