"""The to-do board and events in the browser (T1-T4, P9, P17, D9): sections across a time-zone
boundary with overdue first in red, complete with undo, add from the page and from a lead,
filters in the URL with their count, and the reminder toast in every open tab."""

import re
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect
from sqlmodel import Session, col, select

from leadapp.models import Brokerage, HistoryEntry, Lead, Task, User

pytestmark = pytest.mark.multiworker
UTC = UTC
PHONE = {"width": 390, "height": 844}


def user(s, email):
    return s.exec(select(User).where(col(User.email) == email)).one()


def add_task(engine, email, due, title, *, kind="todo", lead_id=None, done=None):
    with Session(engine) as s:
        u = user(s, email)
        t = Task(
            brokerage_id=u.brokerage_id,
            owner_id=u.id,
            lead_id=lead_id,
            kind=kind,
            title=title,
            due_at=due,
            completed_at=done,
            created_by_id=u.id,
        )
        s.add(t)
        s.commit()
        return t.id


def noon_zone() -> str:
    """A fixed-offset zone where it is now around noon, so 'today' has room on both sides."""
    offset = 12 - datetime.now(UTC).hour  # hours east of UTC
    return "UTC" if offset == 0 else f"Etc/GMT{-offset:+d}"


def local_day(engine, email):
    """Put the user in a zone where it is about noon; (today there, at(day, h, m) -> UTC)."""
    zone = ZoneInfo(noon_zone())
    set_zone(engine, email, zone.key)
    return datetime.now(zone).date(), lambda d, h, m: datetime.combine(
        d, time(h, m), zone
    ).astimezone(UTC)


def set_zone(engine, email, tz):
    with Session(engine) as s:
        u = user(s, email)
        u.timezone = tz
        s.add(u)
        s.commit()


def rows_in(page, section):
    return page.get_by_test_id(f"section-{section}").get_by_test_id("task-title")


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


def _agent_lead(engine, email):
    with Session(engine) as s:
        u = user(s, email)
        lead = s.exec(
            select(Lead)
            .where(
                col(Lead.assigned_agent_id) == u.id,
                col(Lead.first_name) != "",
                col(Lead.status) != "deleted",
            )
            .order_by(col(Lead.id))
        ).first()
        return lead.id, f"{lead.first_name} {lead.last_name}".strip(), lead.first_name


def test_add_a_call_from_the_page_with_a_searched_lead(page, signed_in, engine, shot):
    lead_id, name, first = _agent_lead(engine, "avery@demo.leadapp.io")
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
    lead_id, name, _ = _agent_lead(engine, "jordan@demo.leadapp.io")
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


def test_reminder_toast_in_every_open_tab(page, signed_in, engine, shot):
    with Session(engine) as s:
        b = s.get(Brokerage, 1)
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
    lead_id, name, _ = _agent_lead(engine, "avery@demo.leadapp.io")
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
    lead_id, name, _ = _agent_lead(engine, "jordan@demo.leadapp.io")
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
