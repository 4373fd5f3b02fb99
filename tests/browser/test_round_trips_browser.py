"""One event, one reply: a click on the lead list or the to-do page sends one socket.io event
frame and gets its answer in one reply; the URL follows every change without a navigation, and
back/forward and reload bring the same view back from the URL."""

import re

import pytest
from playwright.sync_api import expect
from sqlmodel import Session, col, select

from leadapp.models import User
from leadapp.services import lead_query as lq

from .test_lead_actions_browser import make_leads

pytestmark = pytest.mark.multiworker
T = 20_000


class Frames:
    """socket.io event frames ("42...") the page sends and receives."""

    def __init__(self, page):
        self.sent: list[str] = []
        self.received: list[str] = []
        page.on("websocket", self._ws)

    def _ws(self, ws):
        ws.on("framesent", lambda p: self._keep(self.sent, p))
        ws.on("framereceived", lambda p: self._keep(self.received, p))

    @staticmethod
    def _keep(into, payload):
        if isinstance(payload, str) and payload.startswith("42"):
            into.append(payload)

    def clear(self):
        self.sent.clear()
        self.received.clear()


def view(engine, params):

    with Session(engine) as s:
        user = s.exec(select(User).where(col(User.email) == "broker@demo.leadapp.io")).one()
        return lq.list_page(s, user, params)


def range_of(data) -> str:
    return f"{data['first']:,}–{data['last']:,} of {data['total']:,}"


def one_trip(page, frames, name: str):
    page.wait_for_timeout(400)  # a second round trip would have started by now
    sent = list(frames.sent)
    assert len(sent) == 1, f"{name}: {len(sent)} event frames sent: {[f[:160] for f in sent]}"
    assert "on_load_internal" not in sent[0] and "update_vars_internal" not in sent[0]
    # the address the page wrote itself is not sent back to it (state/url.py's AddressEcho)
    echoed = [f[:200] for f in frames.received if "rx_router_" in f]
    assert not echoed, f"{name}: the reply resent the address: {echoed}"
    frames.clear()


def test_list_clicks_are_one_round_trip_and_the_url_follows(page, signed_in, engine, shot):
    frames = Frames(page)
    signed_in(page, "broker", path="/leads")
    rng = page.get_by_test_id("range-text")
    expect(rng).to_have_text(range_of(view(engine, {})), timeout=T)
    page.wait_for_timeout(500)
    frames.clear()

    page.get_by_test_id("col-name").click()
    first = view(engine, {"sort": "name", "dir": "asc"})["rows"][0]["name"]
    expect(page.get_by_test_id("lead-name").first).to_have_text(first, timeout=T)
    expect(page).to_have_url(re.compile(r"/leads/?\?sort=name&dir=asc$"))
    one_trip(page, frames, "sort")

    page.get_by_test_id("filters-button").click()
    page.get_by_test_id("filter-status-active").click()
    filtered = view(engine, {"sort": "name", "dir": "asc", "status": "active"})
    expect(rng).to_have_text(range_of(filtered), timeout=T)
    expect(page).to_have_url(re.compile(r"status=active"))
    one_trip(page, frames, "filter")
    page.keyboard.press("Escape")

    page.get_by_test_id("next-page").click()
    page2 = view(engine, {"sort": "name", "dir": "asc", "status": "active", "page": "2"})
    expect(rng).to_have_text(range_of(page2), timeout=T)
    expect(page).to_have_url(re.compile(r"page=2"))
    one_trip(page, frames, "next page")

    page.get_by_test_id("page-size").select_option("50")
    size50 = view(engine, {"sort": "name", "dir": "asc", "status": "active", "size": "50"})
    expect(rng).to_have_text(range_of(size50), timeout=T)
    expect(page).to_have_url(re.compile(r"size=50"))
    assert "page=2" not in page.url
    one_trip(page, frames, "rows per page")

    page.get_by_test_id("lead-search").fill("an")
    searched = view(
        engine, {"sort": "name", "dir": "asc", "status": "active", "size": "50", "q": "an"}
    )
    expect(rng).to_have_text(range_of(searched), timeout=T)
    expect(page).to_have_url(re.compile(r"q=an"))
    one_trip(page, frames, "search")
    shot(page, "round_trips_list_after_clicks")

    # reload: the same view from the URL
    page.reload()
    expect(rng).to_have_text(range_of(searched), timeout=T)
    expect(page.get_by_test_id("lead-search")).to_have_value("an", timeout=T)
    expect(page.get_by_test_id("sorted-name-asc")).to_be_visible(timeout=T)

    # back: the search replaced the rows-per-page entry (typing keeps no history)
    page.go_back()
    expect(page).to_have_url(re.compile(r"page=2"))
    expect(rng).to_have_text(range_of(page2), timeout=T)
    page.go_back()
    expect(rng).to_have_text(range_of(filtered), timeout=T)
    page.go_back()
    expect(page).to_have_url(re.compile(r"/leads/?\?sort=name&dir=asc$"))
    expect(rng).to_have_text(range_of(view(engine, {"sort": "name"})), timeout=T)
    expect(page.get_by_test_id("filter-count")).to_have_count(0, timeout=T)
    page.go_forward()
    expect(page).to_have_url(re.compile(r"status=active"))
    expect(rng).to_have_text(range_of(filtered), timeout=T)
    expect(page.get_by_test_id("filter-count")).to_have_text("1", timeout=T)

    # a lead opened from the list, then back: the list view it came from
    page.get_by_test_id("lead-name").first.click()
    page.wait_for_url(re.compile(r"/leads/\d+"))
    page.go_back()
    expect(page).to_have_url(re.compile(r"status=active"))
    expect(rng).to_have_text(range_of(filtered), timeout=T)


def reply_vars(frames) -> set[str]:
    """The names of the vars the replies since the last clear carried."""
    return set(re.findall(r'"(\w+)_rx_state_"', "".join(frames.received)))


def test_columns_selection_and_bulk_bar_are_one_round_trip(page, signed_in, engine, shot):
    """Show columns, ticking rows and a bulk change are one event and one reply each; a
    selection resends the selection, not the rows."""
    make_leads(engine, "Triptern", 3)
    frames = Frames(page)
    signed_in(page, "broker", path="/leads?q=triptern")
    rows = page.get_by_test_id("lead-row")
    expect(rows).to_have_count(3, timeout=T)
    page.wait_for_timeout(500)
    frames.clear()

    page.get_by_test_id("columns-button").click()
    shown = page.get_by_test_id("show-col-source").is_checked()
    page.get_by_test_id("show-col-source").click()
    header = page.get_by_test_id("col-source")
    expect(header).to_have_count(0 if shown else 1, timeout=T)
    assert "rows" not in reply_vars(frames)
    one_trip(page, frames, "show columns")
    page.get_by_test_id("show-col-source").click()
    expect(header).to_have_count(1 if shown else 0, timeout=T)
    page.keyboard.press("Escape")
    page.wait_for_timeout(400)
    frames.clear()

    rows.first.get_by_test_id("row-select").click()
    expect(page.get_by_test_id("selection-count")).to_contain_text("1", timeout=T)
    assert "rows" not in reply_vars(frames)
    one_trip(page, frames, "select a row")
    page.get_by_test_id("select-page").click()
    expect(page.get_by_test_id("selection-count")).to_contain_text("3", timeout=T)
    assert "rows" not in reply_vars(frames)
    one_trip(page, frames, "select the page")

    page.get_by_test_id("bulk-stage").click()
    frames.clear()
    page.get_by_test_id("bulk-stage-nurturing").click()
    expect(rows.filter(has_text="Nurturing")).to_have_count(3, timeout=T)
    one_trip(page, frames, "bulk stage")
    shot(page, "round_trips_bulk_stage")


def test_todo_filter_and_tick_are_one_round_trip(page, signed_in, shot):
    frames = Frames(page)
    signed_in(page, "broker", path="/todo?agent=all")
    expect(page.get_by_test_id("task-row").first).to_be_visible(timeout=T)
    page.wait_for_timeout(500)
    frames.clear()
    page.get_by_test_id("filter-button").click()
    page.get_by_test_id("filter-kind").click()
    page.get_by_role("option", name="Call", exact=True).click()
    expect(page).to_have_url(re.compile(r"/todo/?\?.*kind=call"))
    expect(page.get_by_test_id("filter-count")).to_have_text("2", timeout=T)
    one_trip(page, frames, "to-do filter")
    page.keyboard.press("Escape")
    count = page.get_by_test_id("count-upcoming")
    before = count.inner_text()
    page.locator("[data-testid=section-upcoming] [data-testid=task-check]").first.click()
    expect(count).not_to_have_text(before, timeout=T)
    # the ticked row leaves the page by its id: no section's rows are resent
    assert "gone" in reply_vars(frames)
    assert not {"overdue", "today", "upcoming"} & reply_vars(frames), reply_vars(frames)
    one_trip(page, frames, "tick")
    shot(page, "round_trips_todo_after_tick")
    page.go_back()
    expect(page).to_have_url(re.compile(r"/todo/?\?agent=all$"))
    expect(page.get_by_test_id("filter-count")).to_have_text("1", timeout=T)
    page.reload()
    expect(page.get_by_test_id("filter-count")).to_have_text("1", timeout=T)


def test_dashboard_agent_and_task_dialog_are_one_round_trip(page, signed_in, engine):

    frames = Frames(page)
    signed_in(page, "broker")
    card = page.get_by_test_id("todays-agenda")
    expect(card).to_be_visible(timeout=T)
    expect(page.get_by_test_id("dash-agent")).to_be_visible(timeout=T)
    page.wait_for_timeout(800)
    with Session(engine) as s:
        agent = s.exec(select(User).where(col(User.email) == "avery@demo.leadapp.io")).one()
    page.get_by_test_id("dash-agent").click()
    frames.clear()
    page.get_by_role("option", name=agent.name).click()
    # every panel and the agenda (its links now name the agent) from the one reply
    expect(card.get_by_role("link", name="To-Do")).to_have_attribute(
        "href", f"/todo?agent={agent.id}", timeout=T
    )
    one_trip(page, frames, "dashboard: narrow to an agent")
    # the task dialog: a save answers with the refreshed list in the same reply
    origin = re.match(r"https?://[^/]+", page.url)
    assert origin is not None
    page.goto(origin.group(0) + "/todo")
    expect(page.get_by_test_id("add-task")).to_be_visible(timeout=T)
    page.wait_for_timeout(500)
    page.get_by_test_id("add-task").click()
    page.get_by_test_id("task-title-input").fill("One trip to save")
    page.get_by_test_id("task-date").fill("2030-01-02")
    page.get_by_test_id("task-time").fill("10:15")
    frames.clear()
    page.get_by_test_id("task-save").click()
    row = page.get_by_test_id("task-row").filter(has_text="One trip to save")
    expect(row).to_have_count(1, timeout=T)
    one_trip(page, frames, "task dialog: save")
    row.get_by_test_id("task-title").click()
    expect(page.get_by_test_id("task-delete")).to_be_visible(timeout=T)
    page.wait_for_timeout(300)
    frames.clear()
    page.get_by_test_id("task-delete").click()
    expect(row).to_have_count(0, timeout=T)
    one_trip(page, frames, "task dialog: delete")


# every element with a backdrop filter, its ::before and ::after included
BACKDROP_FILTERED = """() => [...document.querySelectorAll('*')].flatMap(e =>
  [null, '::before', '::after'].filter(p => {
    const f = getComputedStyle(e, p).backdropFilter;
    return f && f !== 'none';
  }).map(p => e.tagName + (p || '') + '.' + e.className))"""


def test_panels_are_solid_not_a_backdrop_blur(page, signed_in):
    """A translucent Radix panel is a backdrop blur that software compositing redraws in every
    frame changing anything beneath it: it made a page change wait ~60 ms for its frame."""
    signed_in(page, "broker", path="/leads")
    expect(page.get_by_test_id("lead-row").first).to_be_visible(timeout=T)
    assert page.evaluate(BACKDROP_FILTERED) == []
    page.get_by_test_id("lead-name").first.click()
    expect(page.get_by_test_id("quick-event").first).to_be_visible(timeout=T)
    assert page.evaluate(BACKDROP_FILTERED) == []
