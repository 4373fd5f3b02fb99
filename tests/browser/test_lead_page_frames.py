"""One round trip per lead-page action (P1-P18), counted on the websocket.

Each action below must send exactly one event frame and get back replies whose deltas
name only the states that changed: opening a tab carries that tab, not the others; a stage
change or a quick event carries the header, not a tab's unchanged rows; paging carries the
one tab; ticking a to-do carries the to-do panel only.
"""

import json
import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlmodel import Session, col, select

from leadapp.models import Lead, Task, utcnow

from .test_lead_page_browser import _agent_lead, _open, _tab

LEAD = "leadapp___state___lead____lead_state"
EVENT_FRAME = re.compile(r"^42(?:/[^,]*,)?\d*(\[.*)$", re.S)
TABS = {
    "activity": "activity_tab",
    "site": "site_tab",
    "subscriptions": "subscriptions_tab",
    "organizer": "organizer_tab",
    "updates": "updates_tab",
    "history": "history_tab",
    "messages": "messages_tab",
    "listings": "listings_tab",
    "tools": "tools_tab",
}


def _record(page) -> list[tuple[str, str]]:
    log: list[tuple[str, str]] = []

    def on_socket(ws):
        ws.on("framesent", lambda p: log.append(("sent", p if isinstance(p, str) else "")))
        ws.on("framereceived", lambda p: log.append(("recv", p if isinstance(p, str) else "")))

    page.on("websocket", on_socket)
    return log


def _events(frames, direction: str) -> list:
    """The socket.io "event" messages among the frames (pings and acks left out)."""
    out = []
    for d, payload in frames:
        # engine.io "4" (message) + socket.io "2" (event), an optional namespace and ack id
        m = EVENT_FRAME.match(payload)
        if d != direction or m is None:
            continue
        name, *args = json.loads(m.group(1))
        if name == "event":
            out.append(args[0] if args else None)
    return out


def _act(page, log, do, done) -> tuple[list, list]:
    """Run one action, wait for its effect on screen and for the socket to go quiet."""
    start = len(log)
    do()
    done()
    page.wait_for_timeout(600)  # anything chained after the reply would arrive by now
    frames = log[start:]
    size = sum(len(f) for d, f in frames if d == "recv" and EVENT_FRAME.match(f))
    print(f"frames: {len(frames)}, reply bytes: {size}")  # shown with pytest -s
    sent, got = _events(frames, "sent"), _events(frames, "recv")
    # One reply carries the delta; a toast may follow in a frame of client-side events only
    # (no delta, no server call), which is how Reflex sends a handler's returned toast.
    assert len([r for r in got if (r or {}).get("delta")]) == 1, got
    for r in got:
        if not (r or {}).get("delta"):
            assert all(e["name"].startswith("_") for e in (r or {}).get("events", [])), r
    return sent, got


def _states(replies) -> set[str]:
    """The state paths the replies' deltas carry, shortened to the part after LeadState."""
    names = set()
    for r in replies:
        for full in (r or {}).get("delta", {}):
            tail = full.split(".")
            names.add(tail[-1])
    return names


def test_each_lead_page_action_is_one_event_and_one_reply(page, signed_in, server, engine, shot):
    lead_id, agent_id = _agent_lead(engine, offset=2)
    with Session(engine) as s:
        lead = s.get_one(Lead, lead_id)
        s.add(
            Task(
                brokerage_id=lead.brokerage_id,
                owner_id=agent_id,
                lead_id=lead_id,
                title="Frame-count call back",
                due_at=utcnow() + timedelta(days=2),
            )
        )
        s.commit()
    signed_in(page, "agent")
    log = _record(page)
    _open(page, server, lead_id)
    expect(page.get_by_test_id("activity-row").first).to_be_visible()
    page.wait_for_timeout(800)

    def tab_names(replies):

        names = _states(replies)
        return {k for k, v in TABS.items() if any(n.endswith(v) for n in names)}

    # page within a tab: one event, that tab only
    sent, got = _act(
        page,
        log,
        lambda: page.get_by_test_id("activity-next").click(),
        lambda: expect(page.get_by_test_id("activity-page")).to_contain_text("Page 2"),
    )
    assert len(sent) == 1, sent
    assert tab_names(got) == {"activity"}, _states(got)

    # open a tab: one event; the reply carries that tab and nothing of the others
    sent, got = _act(
        page,
        log,
        lambda: _tab(page, "history"),
        lambda: expect(page.get_by_test_id("history-row").first).to_be_visible(),
    )
    assert len(sent) == 1, sent
    assert tab_names(got) == {"history"}, _states(got)

    # back to Activity (loaded before, nothing changed since): one event, no rows resent
    sent, got = _act(
        page,
        log,
        lambda: _tab(page, "activity"),
        lambda: expect(page.get_by_test_id("activity-row").first).to_be_visible(),
    )
    assert len(sent) == 1 and tab_names(got) == set(), _states(got)

    # a stage change: one event; the header changes, Activity's rows do not and stay out
    sent, got = _act(
        page,
        log,
        lambda: page.get_by_test_id("stage-nurturing").click(),
        lambda: expect(page.get_by_test_id("stage-nurturing")).to_have_attribute(
            "aria-pressed", "true"
        ),
    )
    assert len(sent) == 1, sent
    assert tab_names(got) == set(), _states(got)
    delta = {k: v for r in got for k, v in r.get("delta", {}).items()}
    lead_delta = next(v for k, v in delta.items() if k.endswith(LEAD))
    assert "lead_rx_state_" in lead_delta and "all_tags_rx_state_" not in lead_delta, lead_delta

    # a quick event: one event; the header's counts and undo, no tab rows
    sent, got = _act(
        page,
        log,
        lambda: page.get_by_test_id("quick-event").filter(has_text="Left Voicemail").click(),
        lambda: expect(
            page.locator("[data-sonner-toast]").filter(has_text="Left Voicemail recorded")
        ).to_be_visible(),
    )
    assert len(sent) == 1, sent
    assert tab_names(got) == set(), _states(got)

    # the History tab was changed by the two actions: opening it reloads it, in one event
    sent, got = _act(
        page,
        log,
        lambda: _tab(page, "history"),
        lambda: expect(page.get_by_test_id("history-row").first).to_contain_text("Left Voicemail"),
    )
    assert len(sent) == 1 and tab_names(got) == {"history"}, _states(got)

    # tick a to-do on the lead page: one event, the to-do panel only
    row = page.get_by_test_id("task-row").filter(has_text="Frame-count call back")
    sent, got = _act(
        page,
        log,
        lambda: row.get_by_test_id("task-check").click(),
        lambda: expect(
            page.locator("[data-sonner-toast]").filter(has_text="Task completed")
        ).to_be_visible(),
    )
    assert len(sent) == 1, sent
    assert tab_names(got) == set() and not any(n.endswith(LEAD) for n in _states(got)), _states(got)
    with Session(engine) as s:
        task = s.exec(select(Task).where(col(Task.title) == "Frame-count call back")).one()
        assert task.completed_at is not None
    shot(page, "lead_frames_after_actions")


@pytest.mark.parametrize("width,who", [(1440, "broker"), (1440, "agent"), (390, "agent")])
def test_every_tab_is_on_screen_and_opens(browser, signed_in, server, engine, shot, width, who):
    """The tab row wraps: each tab lies inside the card at desktop and phone widths."""
    lead_id, _ = _agent_lead(engine, offset=3)
    ctx = browser.new_context(viewport={"width": width, "height": 900})
    page = ctx.new_page()
    signed_in(page, who)
    _open(page, server, lead_id)
    expect(page.get_by_test_id("activity-row").first).to_be_visible()
    row = page.get_by_test_id("lead-tab-list").bounding_box()
    assert row is not None
    for key in TABS:
        box = page.get_by_test_id(f"tab-{key}").bounding_box()
        assert box is not None and box["width"] > 0, key
        assert (
            row["x"] - 1 <= box["x"] and box["x"] + box["width"] <= row["x"] + row["width"] + 1
        ), (
            key,
            box,
            row,
        )
        assert box["x"] + box["width"] <= width, (key, box)
    page.get_by_test_id("lead-tab-list").scroll_into_view_if_needed()
    shot(page, f"lead_tabs_{who}_{width}", full_page=width < 800)
    _tab(page, "tools")
    expect(page.get_by_test_id("tool-contacts")).to_be_visible()
    ctx.close()
