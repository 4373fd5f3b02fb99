"""Authorization of the to-do page, task dialog, lead tasks panel and reminder handlers."""

from datetime import timedelta

import pytest
from sqlmodel import col, select

from leadapp.models import HistoryEntry, Task, utcnow
from leadapp.services.rows import id_of
from leadapp.state import reminders as rem_mod
from leadapp.state import tabs as tabs_mod
from leadapp.state.reminders import ReminderState
from leadapp.state.todo import LeadTasksState, TaskDialogState, TodoState
from tests.unit import tasks_helpers
from tests.unit.state_harness import (
    at_lead,
    at_url,
    call,
    history_write,
    make_state,
    redirect_url,
    token_for,
)


def add(session, owner, *, lead=None, kind="todo", title="T", due=None, done=None):
    """tasks_helpers.add, due in a day unless told."""
    due = due or utcnow() + timedelta(days=1)
    return tasks_helpers.add(session, owner, due, lead=lead, kind=kind, title=title, done=done)


@pytest.mark.authz("TodoState.load")
@pytest.mark.authz("TodoState.reload")
async def test_todo_load_lists_only_the_agents_own_tasks(engine, session, org, monkeypatch):
    add(session, org.agent, title="mine")
    add(session, org.agent2, title="theirs")
    st = make_state(TodoState, engine, token_for(session, org.agent), monkeypatch)
    at_url(st, "/todo?agent=all&kind=todo")  # a forged agent filter changes nothing for an agent
    await call(st, "load")
    assert [t["title"] for t in st.upcoming] == ["mine"] and st.filters == {"kind": "todo"}
    assert st.filter_count == 1
    st.filters = {"agent": str(org.agent2.id)}
    await call(st, "reload")
    assert [t["title"] for t in st.upcoming] == ["mine"] and st.filter_count == 0
    at_url(st, "/leads/1")
    st.upcoming = []
    await call(st, "reload")  # not on the to-do page: nothing to refresh
    assert st.upcoming == []
    anon = make_state(TodoState, engine, "forged", monkeypatch)
    assert "login" in str(await call(anon, "load")) and anon.upcoming == []


@pytest.mark.authz("TodoState.set_filter")
@pytest.mark.authz("TodoState.apply_range")
@pytest.mark.authz("TodoState.clear_filters")
async def test_filters_go_into_the_url_and_junk_is_dropped(engine, session, org, monkeypatch):
    st = make_state(TodoState, engine, token_for(session, org.agent), monkeypatch)
    ev = await call(st, "set_filter", "kind", "call")
    assert redirect_url(ev) == "/todo?kind=call" and history_write(ev) == "push"
    assert st.filters == {"kind": "call"} and st.loaded  # shown in the same reply
    ev = await call(st, "set_filter", "evil", "<script>")
    assert ev == []
    ev = await call(st, "set_filter", "kind", "<script>")
    assert "script" not in redirect_url(ev) and st.filters == {}
    ev = await call(st, "apply_range", {"from": "2026-11-01", "to": "not a date"})
    assert redirect_url(ev) == "/todo?from=2026-11-01"
    assert await call(st, "apply_range", "junk") == []
    assert redirect_url(await call(st, "clear_filters")) == "/todo" and st.filters == {}


@pytest.mark.authz("TodoState.complete")
@pytest.mark.authz("TodoState.toggle")
@pytest.mark.authz("TodoState.undo_complete")
async def test_agent_cannot_complete_or_reopen_anothers_task(
    engine, session, org, make_lead, monkeypatch
):

    theirs = add(session, org.agent2, title="theirs")
    done_theirs = add(session, org.agent2, title="done", done=utcnow())
    lead = make_lead(org.agent)
    mine = add(session, org.agent, title="mine", lead=lead)
    st = make_state(TodoState, engine, token_for(session, org.agent), monkeypatch)
    for handler, args in (
        ("complete", (theirs.id,)),
        ("toggle", (theirs.id, True)),
        ("undo_complete", (done_theirs.id,)),
        ("toggle", (done_theirs.id, False)),
        ("complete", ("1; drop table task",)),
    ):
        events = await call(st, handler, *args)
        assert "not yours" in str(events) or "does not exist" in str(events)
    session.expire_all()
    assert session.get_one(Task, theirs.id).completed_at is None
    assert session.get_one(Task, done_theirs.id).completed_at is not None
    events = await call(st, "toggle", mine.id, True)
    assert "Undo" in str(events)
    session.expire_all()
    assert session.get_one(Task, mine.id).completed_at is not None
    h = session.exec(select(HistoryEntry).where(col(HistoryEntry.kind) == "task")).one()
    assert h.actor_id == org.agent.id
    await call(st, "undo_complete", mine.id)
    session.expire_all()
    assert session.get_one(Task, mine.id).completed_at is None


@pytest.mark.authz("TodoState.search_filter_leads")
@pytest.mark.authz("TaskDialogState.search_leads")
@pytest.mark.authz("TaskDialogState.pick_lead")
@pytest.mark.authz("TaskDialogState.clear_lead")
async def test_lead_search_and_pick_only_own_leads(engine, session, org, make_lead, monkeypatch):
    mine = make_lead(org.agent, first_name="Zed", last_name="Mine")
    theirs = make_lead(org.agent2, first_name="Zed", last_name="Theirs")
    token = token_for(session, org.agent)
    todo = make_state(TodoState, engine, token, monkeypatch)
    await call(todo, "search_filter_leads", "zed")
    assert [r["id"] for r in todo.lead_results] == [mine.id]
    st = make_state(TaskDialogState, engine, token, monkeypatch)
    await call(st, "search_leads", "zed")
    assert [r["id"] for r in st.lead_results] == [mine.id]
    await call(st, "pick_lead", theirs.id)
    assert st.lead_id == 0
    await call(st, "pick_lead", mine.id)
    assert st.lead_id == mine.id
    st.lead_locked = True
    await call(st, "clear_lead")
    assert st.lead_id == mine.id
    st.lead_locked = False
    await call(st, "clear_lead")
    assert st.lead_id == 0


@pytest.mark.authz("TaskDialogState.open_new")
@pytest.mark.authz("TaskDialogState.save")
@pytest.mark.authz("TaskDialogState.set_owner")
@pytest.mark.authz("TaskDialogState.set_kind")
async def test_dialog_agent_cannot_attach_others_lead_or_assign(
    engine, session, org, make_lead, monkeypatch
):
    theirs = make_lead(org.agent2)
    mine = make_lead(org.agent)
    st = make_state(TaskDialogState, engine, token_for(session, org.agent), monkeypatch)
    events = await call(st, "open_new", theirs.id)
    assert "not yours" in str(events) and not st.open
    await call(st, "open_new", mine.id)
    assert st.open and st.lead_locked and st.lead_id == mine.id
    assert [a["id"] for a in st.assignees] == [org.agent.id]
    await call(st, "set_kind", "showing")
    await call(st, "set_kind", "<bad>")
    assert st.kind == "showing"
    await call(st, "set_owner", str(org.agent2.id))  # ignored for agents: save never sends it
    st.lead_id = theirs.id  # a forged lead id
    events = await call(
        st, "save", {"title": "Sneaky", "due_date": "2026-12-01", "due_time": "10:00"}
    )
    assert "not yours" in str(events)
    st.lead_id = mine.id
    await call(st, "save", {"title": "Showing", "due_date": "2026-12-01", "due_time": "10:00"})
    assert not st.open
    tasks = session.exec(select(Task)).all()
    assert [(t.title, t.owner_id, t.lead_id, t.kind) for t in tasks] == [
        ("Showing", org.agent.id, mine.id, "showing")
    ]
    await call(st, "open_new")
    await call(st, "save", {"title": "", "due_date": "", "due_time": ""})
    assert set(st.errors) >= {"title", "due_date"} and st.open


async def test_dialog_broker_assigns_to_an_agent(engine, session, org, monkeypatch):
    st = make_state(TaskDialogState, engine, token_for(session, org.broker), monkeypatch)
    st.user_role = "broker"
    await call(st, "open_new")
    assert st.owner_id == str(org.broker.id) and len(st.assignees) == 3
    await call(st, "set_owner", str(org.agent.id))
    await call(st, "save", {"title": "For Alan", "due_date": "2026-12-01", "due_time": "10:00"})
    assert session.exec(select(Task)).one().owner_id == org.agent.id


@pytest.mark.authz("TaskDialogState.open_edit")
@pytest.mark.authz("TaskDialogState.delete")
@pytest.mark.authz("TaskDialogState.close")
@pytest.mark.authz("TaskDialogState.set_open")
async def test_dialog_edit_and_delete_only_visible_tasks(engine, session, org, monkeypatch):
    theirs = add(session, org.agent2, title="theirs")
    mine = add(session, org.agent, title="mine")
    st = make_state(TaskDialogState, engine, token_for(session, org.agent), monkeypatch)
    events = await call(st, "open_edit", theirs.id)
    assert "not yours" in str(events) and st.task_id == 0 and not st.open
    st.task_id = id_of(theirs)  # forged
    await call(st, "delete")
    assert session.get(Task, theirs.id) is not None
    await call(st, "open_edit", mine.id)
    assert st.open and st.title == "mine"
    await call(st, "close")
    assert not st.open
    mine_id = mine.id
    await call(st, "set_open", True)
    await call(st, "delete")
    session.expire_all()
    assert session.get(Task, mine_id) is None and not st.open


@pytest.mark.authz("LeadTasksState.load")
@pytest.mark.authz("LeadTasksState.reload")
@pytest.mark.authz("LeadTasksState.toggle")
async def test_lead_tasks_panel_refuses_another_agents_lead(
    engine, session, org, make_lead, monkeypatch
):
    theirs = make_lead(org.agent2)
    mine = make_lead(org.agent)
    t_other = add(session, org.agent2, lead=mine, title="by the old agent")
    t_theirs = add(session, org.agent2, lead=theirs, title="theirs")
    st = make_state(LeadTasksState, engine, token_for(session, org.agent), monkeypatch)
    at_lead(st, theirs.id)
    await call(st, "load")
    assert st.lead_tasks == [] and "not yours" in st.lead_tasks_error
    events = await call(st, "toggle", t_theirs.id, True)
    assert "not yours" in str(events)
    assert session.get_one(Task, t_theirs.id).completed_at is None
    st.lead_tasks_lead_id = mine.id
    await call(st, "reload")
    assert [t["title"] for t in st.lead_tasks] == [
        "by the old agent"
    ]  # P17: other agents' tasks too
    await call(st, "toggle", t_other.id, True)
    session.expire_all()
    assert session.get_one(Task, t_other.id).completed_at is not None


class _Proxy:
    """Stands in for Reflex's background-task proxy: `async with self` is a no-op."""

    def __init__(self, st):
        object.__setattr__(self, "_st", st)

    async def __aenter__(self):
        return self

    async def __aexit__(self, *exc):
        return False

    def __getattr__(self, name):
        return getattr(self._st, name)

    def __setattr__(self, name, value):
        setattr(self._st, name, value)


async def _run_watch(st):
    out = []
    async for e in ReminderState.event_handlers["watch"].fn(_Proxy(st)):
        out.append(e)
    return out


@pytest.mark.authz("ReminderState.watch")
async def test_reminders_only_for_the_signed_in_owner(engine, session, org, make_lead, monkeypatch):
    monkeypatch.setattr(rem_mod, "POLL_SECONDS", 0)

    async def gone(token):
        return False

    monkeypatch.setattr(tabs_mod, "tab_connected", gone)
    add(
        session,
        org.agent2,
        kind="showing",
        title="Agent2 showing",
        due=utcnow() + timedelta(minutes=5),
    )
    mine = add(
        session, org.agent, kind="call", title="My call", due=utcnow() + timedelta(minutes=5)
    )
    anon = make_state(ReminderState, engine, "forged", monkeypatch)
    assert await _run_watch(anon) == []
    st = make_state(ReminderState, engine, token_for(session, org.agent), monkeypatch)
    events = await _run_watch(st)
    assert len(events) == 1 and "My call" in str(events) and "Agent2" not in str(events)
    session.expire_all()
    assert session.get_one(Task, mine.id).reminded_at is not None
    # the same tab does not show it twice; a second tab (its own state) does
    assert await _run_watch(st) == []
    other_tab = make_state(ReminderState, engine, st.session_token, monkeypatch)
    assert "My call" in str(await _run_watch(other_tab))


@pytest.mark.authz("AgendaState.load")
@pytest.mark.authz("AgendaState.reload")
@pytest.mark.authz("AgendaState.set_agent")
@pytest.mark.authz("AgendaState.toggle")
async def test_agenda_shows_an_agent_only_their_own_day(engine, session, org, monkeypatch):
    from leadapp.state.todo import AgendaState

    for u in (org.agent, org.agent2):
        u.timezone = "UTC"
        session.add(u)
    session.commit()
    soon = utcnow() + timedelta(minutes=1)
    if soon.date() != utcnow().date():
        pytest.skip("too close to midnight UTC")
    mine = add(session, org.agent, kind="showing", title="My showing", due=soon)
    theirs = add(session, org.agent2, kind="call", title="Their call", due=soon)
    st = make_state(AgendaState, engine, token_for(session, org.agent), monkeypatch)
    await call(st, "set_agent", str(org.agent2.id))  # ignored for agents
    assert [t["title"] for t in st.agenda_events] == ["My showing"]
    await call(st, "toggle", theirs.id, True)
    assert session.get_one(Task, theirs.id).completed_at is None
    await call(st, "toggle", mine.id, True)
    session.expire_all()
    assert session.get_one(Task, mine.id).completed_at is not None
    broker = make_state(AgendaState, engine, token_for(session, org.broker), monkeypatch)
    await call(broker, "set_agent", str(org.agent2.id))
    assert [t["title"] for t in broker.agenda_events] == ["Their call"]
    anon = make_state(AgendaState, engine, "forged", monkeypatch)
    assert "login" in str(await call(anon, "load"))
    at_url(anon, "/")
    assert "login" in str(await call(anon, "reload")) and anon.agenda_events == []
