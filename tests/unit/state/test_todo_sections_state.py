"""The to-do page's sections on screen: one page each, "Show more", and a change that only
takes rows out sent as their ids (state/todo_query.py); the task dialog refreshing the page
it was opened from in its own reply."""

from datetime import timedelta

import pytest

from leadapp.models import utcnow
from leadapp.state.todo import LeadTasksState, TaskDialogState, TodoState
from tests.unit.state_harness import at_url, call, make_state, token_for
from tests.unit.tasks_helpers import add


def on_screen(st, section: str) -> list[dict]:
    """A to-do section's rows as the page shows them: its list without the rows taken out."""
    return [t for t in getattr(st, section) if t["id"] not in st.gone.get(section, [])]


@pytest.mark.authz("TodoState.show_more")
async def test_sections_show_one_page_and_a_tick_sends_only_the_rows_taken_out(
    engine, session, org, monkeypatch
):
    from leadapp.state.todo import PAGE_ROWS, ROW_KEYS

    for i in range(PAGE_ROWS + 3):
        add(session, org.agent, utcnow() + timedelta(days=1, minutes=i), title=f"later {i:02d}")
    add(session, org.agent, utcnow() - timedelta(days=1), title="late")
    st = make_state(TodoState, engine, token_for(session, org.agent), monkeypatch)
    at_url(st, "/todo")
    await call(st, "load")
    assert len(st.upcoming) == PAGE_ROWS and st.hidden["upcoming"] == 3
    assert st.counts["upcoming"] == PAGE_ROWS + 3 and set(st.upcoming[0]) == set(ROW_KEYS)
    # a tick in a section with more rows than shown: no row moves up, the section is not resent
    st._clean()
    top = st.upcoming[0]["id"]
    await call(st, "toggle", top, True)
    assert st.gone["upcoming"] == [top] and "upcoming" not in st.dirty_vars
    assert st.shown["upcoming"] == PAGE_ROWS - 1 and st.hidden["upcoming"] == 3
    await call(st, "undo_complete", top)
    assert st.gone["upcoming"] == [] and st.shown["upcoming"] == PAGE_ROWS
    assert "upcoming" not in st.dirty_vars
    assert await call(st, "show_more", "<junk>") == [] and len(st.upcoming) == PAGE_ROWS
    await call(st, "show_more", "upcoming")
    assert len(st.upcoming) == PAGE_ROWS + 3 and st.hidden["upcoming"] == 0
    await call(st, "show_more", "upcoming")  # nothing more to show
    assert len(st.upcoming) == PAGE_ROWS + 3
    # a tick takes one row out: the reply is its id and the counts, no section is resent
    st._clean()
    first = st.upcoming[0]["id"]
    await call(st, "toggle", first, True)
    assert st.gone["upcoming"] == [first] and st.counts["upcoming"] == PAGE_ROWS + 2
    assert st.shown["upcoming"] == PAGE_ROWS + 2  # "Show more" stays applied after a tick
    assert {"gone", "counts", "shown"} <= set(st.dirty_vars)
    assert not {"upcoming", "overdue"} & set(st.dirty_vars)
    # undo: the row is in its place again, nothing is gone, still no section resent
    st._clean()
    await call(st, "undo_complete", first)
    assert not any(st.gone.values()) and st.upcoming[0]["id"] == first
    assert st.shown["upcoming"] == PAGE_ROWS + 3 and "upcoming" not in st.dirty_vars
    # a row taken out of one section is on screen in another (the same id)
    await call(st, "toggle", first, True)
    await call(st, "set_filter", "done", "all")
    assert first in [t["id"] for t in on_screen(st, "completed")]
    assert first not in [t["id"] for t in on_screen(st, "upcoming")]
    await call(st, "toggle", first, False)
    await call(st, "set_filter", "done", "open")
    # a new view starts at one page again; rows it adds resend the section
    await call(st, "set_filter", "kind", "todo")
    assert st.shown["upcoming"] == PAGE_ROWS and st.hidden["upcoming"] == 3
    add(session, org.agent, utcnow() + timedelta(days=1, seconds=-30), title="new first")
    st._clean()
    await call(st, "clear_filters")
    assert "upcoming" in st.dirty_vars and st.gone["upcoming"] == []
    assert st.upcoming[0]["title"] == "new first" and len(st.upcoming) == PAGE_ROWS
    anon = make_state(TodoState, engine, "forged", monkeypatch)
    await call(anon, "show_more", "upcoming")
    assert anon.upcoming == []


async def test_dialog_save_and_delete_refresh_the_page_in_the_same_reply(
    engine, session, org, make_lead, monkeypatch
):
    from leadapp.state.todo import AgendaState

    st = make_state(TaskDialogState, engine, token_for(session, org.agent), monkeypatch)
    todo = await st.get_state(TodoState)
    at_url(st, "/todo")
    await call(todo, "load")
    await call(st, "open_new")
    events = await call(
        st, "save", {"title": "Fresh", "due_date": "2030-01-02", "due_time": "09:00"}
    )
    # the to-do list is re-read in this event: no handler for the browser to send back
    assert "Task added" in str(events) and "reload" not in str(events)
    assert [t["title"] for t in todo.upcoming] == ["Fresh"]
    await call(st, "open_edit", todo.upcoming[0]["id"])
    events = await call(st, "delete")
    assert "Task deleted" in str(events) and "reload" not in str(events)
    assert on_screen(todo, "upcoming") == [] and todo.shown["upcoming"] == 0
    # on a lead page: that lead's panel; on the dashboard: the agenda
    lead = make_lead(org.agent)
    panel = await st.get_state(LeadTasksState)
    at_url(st, f"/leads/{lead.id}")
    panel.lead_tasks_lead_id = lead.id  # the panel of the lead page on screen
    await call(st, "open_new", lead.id)
    await call(st, "save", {"title": "On the lead", "due_date": "2030-01-02", "due_time": "09:00"})
    assert [t["title"] for t in panel.lead_tasks] == ["On the lead"]
    agenda = await st.get_state(AgendaState)
    at_url(st, "/")
    soon = utcnow() + timedelta(minutes=2)
    if soon.date() == utcnow().date() and (org.agent.timezone or "UTC") == "UTC":
        await call(st, "open_new")
        await call(
            st,
            "save",
            {
                "title": "Today",
                "due_date": soon.date().isoformat(),
                "due_time": soon.strftime("%H:%M"),
            },
        )
        assert "Today" in [t["title"] for t in agenda.agenda_tasks]
