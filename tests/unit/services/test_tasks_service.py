"""To-dos and events (T1-T4, P9, P17): sections in the user's time zone, authorization,
history."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import col, select

from leadapp.models import HistoryEntry, Task
from leadapp.services import tasks as svc
from leadapp.services.errors import NotFound, PermissionDenied, ValidationFailed
from tests.unit.tasks_helpers import NOW, add, set_tz, titles

UTC = UTC


def test_sections_follow_the_users_time_zone_and_overdue_comes_first_oldest_first(session, org):
    a = org.agent
    add(session, a, NOW - timedelta(minutes=10), title="overdue-recent")
    add(session, a, NOW - timedelta(days=2), title="overdue-old")
    add(session, a, NOW + timedelta(hours=1), title="plus1h")  # 23:30 Auckland / 02:30 LA
    add(session, a, NOW + timedelta(hours=3), title="plus3h")  # 01:30 tomorrow Auckland / 04:30 LA
    add(session, a, NOW + timedelta(days=3), title="later")
    add(session, a, NOW - timedelta(hours=1), title="done", done=NOW - timedelta(minutes=5))

    set_tz(session, a, "Pacific/Auckland")
    data = svc.list_tasks(session, a, {}, now=NOW)
    s = data["sections"]
    assert titles(s["overdue"]) == ["overdue-old", "overdue-recent"]
    assert titles(s["today"]) == ["plus1h"]
    assert titles(s["upcoming"]) == ["plus3h", "later"]
    assert s["completed"] == [] and data["filter_count"] == 0
    assert all(r["color"] == "red" and r["state"] == "overdue" for r in s["overdue"])
    assert s["upcoming"][0]["due_label"] == "Tomorrow 1:30 AM"

    set_tz(session, a, "America/Los_Angeles")
    s = svc.list_tasks(session, a, {}, now=NOW)["sections"]
    assert titles(s["overdue"]) == ["overdue-old", "overdue-recent"]
    assert titles(s["today"]) == ["plus1h", "plus3h"]  # still the same LA day
    assert titles(s["upcoming"]) == ["later"]
    assert s["today"][1]["due_label"] == "Today 4:30 AM"


def test_overdue_just_across_local_midnight(session, org):
    """A task due 23:50 yesterday (local) and one due 00:10 today are both overdue at 00:20,
    in due order; a task at 23:55 tonight is due today — in the user's zone, not UTC's."""
    a = org.agent
    set_tz(session, a, "America/New_York")  # UTC-5 in November
    now = datetime(2026, 11, 23, 5, 20, tzinfo=UTC)  # 00:20 New York, 23 Nov
    add(session, a, datetime(2026, 11, 23, 4, 50, tzinfo=UTC), title="yesterday 23:50")
    add(session, a, datetime(2026, 11, 23, 5, 10, tzinfo=UTC), title="today 00:10")
    add(session, a, datetime(2026, 11, 24, 4, 55, tzinfo=UTC), title="tonight 23:55")
    add(session, a, datetime(2026, 11, 24, 5, 5, tzinfo=UTC), title="tomorrow 00:05")
    s = svc.list_tasks(session, a, {}, now=now)["sections"]
    assert titles(s["overdue"]) == ["yesterday 23:50", "today 00:10"]
    assert s["overdue"][0]["due_label"] == "Yesterday 11:50 PM"
    assert titles(s["today"]) == ["tonight 23:55"]
    assert titles(s["upcoming"]) == ["tomorrow 00:05"]


def test_filters_kind_lead_range_completed_and_count(session, org, make_lead):
    a = org.agent
    set_tz(session, a, "UTC")
    lead = make_lead(a, first_name="Lia")
    add(session, a, NOW + timedelta(days=1), kind="call", title="call-lead", lead=lead)
    add(session, a, NOW + timedelta(days=5), kind="todo", title="todo")
    add(session, a, NOW - timedelta(days=1), kind="call", title="call-done", done=NOW)
    f = {
        "kind": "call",
        "lead": str(lead.id),
        "from": "2026-11-24",
        "to": "2026-11-24",
        "done": "all",
    }
    data = svc.list_tasks(session, a, f, now=NOW)
    assert data["filter_count"] == 4  # kind, lead, due range, completed
    assert (
        titles(data["sections"]["upcoming"]) == ["call-lead"]
        and data["sections"]["completed"] == []
    )
    data = svc.list_tasks(session, a, {"done": "done"}, now=NOW)
    assert (
        titles(data["sections"]["completed"]) == ["call-done"]
        and data["sections"]["upcoming"] == []
    )
    assert data["sections"]["completed"][0]["completed_label"].startswith("Today")
    # junk in the URL is ignored, not an error
    data = svc.list_tasks(
        session, a, {"kind": "party", "lead": "x", "from": "soon", "agent": "all"}, now=NOW
    )
    assert data["filter_count"] == 0 and data["filters"] == {}
    assert svc.TaskFilters.parse({"kind": "call", "done": "all"}).to_params() == {
        "kind": "call",
        "done": "all",
    }


def test_agents_see_their_own_tasks_and_tasks_on_their_leads_only(
    session, org, other_org, make_lead
):
    a, a2, b = org.agent, org.agent2, org.broker
    mine = make_lead(a)
    theirs = make_lead(a2)
    t_on_mine_by_other = add(session, a2, NOW, lead=mine, title="a2 on my lead")
    t_theirs = add(session, a2, NOW, lead=theirs, title="a2 on a2's lead")
    t_private = add(session, a2, NOW, title="a2 private")
    t_other_org = add(session, other_org.agent, NOW, title="other org")
    # the agent's to-do page lists only their own tasks, whatever the filters say
    assert svc.list_tasks(session, a, {"agent": "all"}, now=NOW)["sections"]["overdue"] == []
    # but they may see and change tasks on their own lead (P17) ...
    assert svc.get_task(session, a, t_on_mine_by_other.id).id == t_on_mine_by_other.id
    svc.complete_task(session, a, t_on_mine_by_other.id, now=NOW)
    # ... and not others'
    for t in (t_theirs, t_private, t_other_org):
        for fn in (svc.complete_task, svc.delete_task, svc.task_form):
            with pytest.raises(NotFound):
                fn(session, a, t.id)
        with pytest.raises(NotFound):
            svc.update_task(
                session, a, t.id, {"title": "x", "due_date": "2026-12-01", "due_time": "10:00"}
            )
    with pytest.raises(NotFound):
        svc.get_task(session, b, t_other_org.id)
    # tasks on another agent's lead cannot be created by an agent
    with pytest.raises(NotFound):
        svc.create_task(
            session,
            a,
            {"title": "x", "due_date": "2026-12-01", "due_time": "10:00", "lead_id": theirs.id},
        )
    # brokers see everyone's
    everyone = svc.list_tasks(session, b, {"agent": "all"}, now=NOW)["sections"]
    assert set(titles(everyone["overdue"]) + titles(everyone["today"])) == {
        "a2 on a2's lead",
        "a2 private",
    }
    one = svc.list_tasks(session, b, {"agent": str(a2.id), "done": "all"}, now=NOW)
    assert one["filter_count"] == 2 and len(one["sections"]["completed"]) == 1
    assert (
        svc.list_tasks(session, b, {}, now=NOW)["sections"]["today"] == []
    )  # default: the broker's own
    with pytest.raises(NotFound):
        svc.list_tasks(session, b, {"agent": str(other_org.agent.id)}, now=NOW)


def test_create_validates_and_records_history_naming_the_user(session, org, make_lead):
    a = org.agent
    set_tz(session, a, "America/Los_Angeles")
    lead = make_lead(a)
    with pytest.raises(ValidationFailed) as err:
        svc.create_task(
            session, a, {"title": " ", "kind": "nap", "due_date": "31/12", "due_time": ""}
        )
    assert set(err.value.errors) == {"title", "kind", "due_date", "due_time"}
    assert session.exec(select(Task)).all() == []
    t = svc.create_task(
        session,
        a,
        {
            "title": "Showing at 12 Elm",
            "kind": "showing",
            "due_date": "2026-11-24",
            "due_time": "15:30",
            "lead_id": str(lead.id),
            "notes": "Bring keys",
        },
        now=NOW,
    )
    session.commit()
    assert t.due_at.replace(tzinfo=UTC) == datetime(2026, 11, 24, 23, 30, tzinfo=UTC)  # 15:30 PST
    assert t.owner_id == a.id and t.lead_id == lead.id
    h = session.exec(select(HistoryEntry).where(col(HistoryEntry.kind) == "task")).all()
    assert [(e.actor_id, e.title, e.new_value) for e in h] == [
        (a.id, "Showing added: Showing at 12 Elm", str(t.id))
    ]
    # an agent cannot give a task to someone else
    with pytest.raises(PermissionDenied):
        svc.create_task(
            session,
            a,
            {
                "title": "x",
                "due_date": "2026-12-01",
                "due_time": "10:00",
                "owner_id": str(org.agent2.id),
            },
        )


def test_broker_assigns_and_edits(session, org, make_lead, other_org):
    b, a = org.broker, org.agent
    lead = make_lead(a)
    t = svc.create_task(
        session,
        b,
        {
            "title": "Call back",
            "kind": "call",
            "due_date": "2026-12-01",
            "due_time": "09:00",
            "lead_id": lead.id,
            "owner_id": str(a.id),
        },
    )
    session.commit()
    assert t.owner_id == a.id and t.created_by_id == b.id
    with pytest.raises(ValidationFailed):
        svc.update_task(
            session,
            b,
            t.id,
            {
                "title": "x",
                "due_date": "2026-12-01",
                "due_time": "09:00",
                "owner_id": str(other_org.agent.id),
            },
        )
    t.reminded_at = NOW
    session.add(t)
    session.commit()
    svc.update_task(
        session,
        a,
        t.id,
        {
            "title": "Call back re offer",
            "kind": "call",
            "due_date": "2026-12-02",
            "due_time": "09:00",
        },
    )
    session.commit()
    session.refresh(t)
    assert t.title == "Call back re offer" and t.reminded_at is None and t.owner_id == a.id


def test_complete_keeps_time_undo_takes_back_history_later_reopen_is_recorded(
    session, org, make_lead
):
    a = org.agent
    lead = make_lead(a)
    t = add(session, a, NOW, lead=lead, title="Send comps")
    svc.complete_task(session, a, t.id, now=NOW)
    session.commit()
    assert t.completed_at is not None and t.completed_at.replace(tzinfo=UTC) == NOW
    svc.complete_task(session, a, t.id, now=NOW + timedelta(hours=1))  # twice: no change
    session.commit()
    assert t.completed_at is not None and t.completed_at.replace(tzinfo=UTC) == NOW

    def entries():
        return [
            e.title
            for e in session.exec(
                select(HistoryEntry)
                .where(col(HistoryEntry.kind) == "task")
                .order_by(col(HistoryEntry.id))
            ).all()
        ]

    assert entries() == ["To-do completed: Send comps"]
    svc.reopen_task(session, a, t.id, now=NOW + timedelta(seconds=5))  # the undo toast
    session.commit()
    assert t.completed_at is None and entries() == []
    svc.complete_task(session, a, t.id, now=NOW)
    svc.reopen_task(session, a, t.id, now=NOW + timedelta(days=1))  # much later
    session.commit()
    assert entries() == ["To-do completed: Send comps", "To-do reopened: Send comps"]
    svc.delete_task(session, a, t.id)
    session.commit()
    assert session.get(Task, t.id) is None and entries()[-1] == "To-do deleted: Send comps"


def test_tasks_for_lead_include_other_agents_and_colour_key(session, org, make_lead):
    a, a2, b = org.agent, org.agent2, org.broker
    set_tz(session, a, "UTC")
    lead = make_lead(a)
    add(session, a2, NOW - timedelta(days=1), lead=lead, title="old owner overdue")
    add(session, a, NOW + timedelta(hours=2), lead=lead, kind="showing", title="today showing")
    add(session, b, NOW + timedelta(days=2), lead=lead, title="broker later")
    add(session, a, NOW - timedelta(days=3), lead=lead, title="done", done=NOW - timedelta(days=2))
    rows = svc.tasks_for_lead(session, a, lead.id, now=NOW)
    assert [(r["title"], r["color"]) for r in rows] == [
        ("old owner overdue", "red"),
        ("today showing", "amber"),
        ("broker later", "blue"),
        ("done", "green"),
    ]
    assert rows[0]["owner_name"] == a2.name and not rows[0]["mine"]
    with pytest.raises(NotFound):
        svc.tasks_for_lead(session, a2, lead.id, now=NOW)
    assert len(svc.tasks_for_lead(session, b, lead.id, now=NOW)) == 4


def test_search_leads_only_those_the_user_may_change(session, org, make_lead):
    make_lead(org.agent, first_name="Nora", last_name="Mine")
    make_lead(org.agent2, first_name="Nora", last_name="Theirs")
    make_lead(org.broker, first_name="Nora", last_name="Pool")  # unassigned pool
    assert [r["name"] for r in svc.search_leads(session, org.agent, "nora")] == ["Nora Mine"]
    assert len(svc.search_leads(session, org.broker, "NORA")) == 3


def test_owner_keeps_editing_a_task_after_its_lead_moved_to_another_agent(session, org, make_lead):
    from leadapp.services import leads as lead_svc

    a = org.agent
    lead = make_lead(a)
    t = svc.create_task(
        session,
        a,
        {"title": "Follow up", "due_date": "2026-12-01", "due_time": "10:00", "lead_id": lead.id},
    )
    session.commit()
    lead_svc.assign(session, org.broker, [lead.id], org.agent2.id)
    session.commit()
    svc.update_task(
        session,
        a,
        t.id,
        {
            "title": "Follow up (handover)",
            "due_date": "2026-12-01",
            "due_time": "11:00",
            "lead_id": lead.id,
        },
    )
    session.commit()
    assert t.title == "Follow up (handover)" and t.lead_id == lead.id
    # the lead's new agent sees it on the lead (P17) and may change it; the old owner cannot move it
    # elsewhere
    assert [r["title"] for r in svc.tasks_for_lead(session, org.agent2, lead.id)] == [
        "Follow up (handover)"
    ]
    with pytest.raises(NotFound):
        svc.update_task(
            session,
            a,
            t.id,
            {
                "title": "x",
                "due_date": "2026-12-01",
                "due_time": "11:00",
                "lead_id": make_lead(org.agent2).id,
            },
        )
