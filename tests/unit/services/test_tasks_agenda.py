"""Today's agenda (D9) and event reminders, in the user's time zone."""

from datetime import timedelta

from leadapp.services import tasks as svc
from tests.unit.tasks_helpers import NOW, add, set_tz, titles


def test_todays_agenda_and_reminders(session, org, make_lead):
    a = org.agent
    set_tz(session, a, "America/Los_Angeles")  # NOW = 01:30 LA
    lead = make_lead(a, first_name="Eve")
    ev = add(session, a, NOW + timedelta(minutes=10), kind="showing", title="Showing", lead=lead)
    far = add(session, a, NOW + timedelta(minutes=40), kind="call", title="Call")
    add(
        session, a, NOW + timedelta(minutes=5), kind="todo", title="Todo soon"
    )  # not an event: no reminder
    add(session, a, NOW + timedelta(days=1), kind="meeting", title="Tomorrow")
    add(session, org.agent2, NOW + timedelta(minutes=5), kind="call", title="Not mine")
    add(session, a, NOW - timedelta(days=1), title="Overdue")
    agenda = svc.todays_agenda(session, a, NOW)
    assert titles(agenda["events"]) == ["Showing", "Call"] and titles(agenda["tasks"]) == [
        "Todo soon"
    ]
    assert agenda["overdue"] == 1 and agenda["events"][0]["lead_name"] == "Eve"
    assert agenda["more_events"] == 0 and agenda["more_tasks"] == 0
    # broker narrowing to one agent
    assert titles(svc.todays_agenda(session, org.broker, NOW, agent_id=a.id)["events"]) == [
        "Showing",
        "Call",
    ]
    assert (
        svc.todays_agenda(session, a, NOW, agent_id=org.agent2.id)["overdue"] == 1
    )  # agents: always their own

    rem = svc.due_reminders(session, a, NOW)  # 15-minute lead time by default
    session.commit()
    assert [(r["title"], r["starts_in"]) for r in rem] == [("Showing", "in 10 min")]
    session.refresh(ev)
    assert ev.reminded_at is not None
    assert titles(svc.due_reminders(session, a, NOW)) == ["Showing"]  # still shown to other tabs
    org.brokerage.reminder_minutes = 60
    session.add(org.brokerage)
    session.commit()
    assert titles(svc.due_reminders(session, a, NOW)) == ["Showing", "Call"]
    svc.complete_task(session, a, far.id, now=NOW)
    assert (
        titles(svc.due_reminders(session, a, NOW + timedelta(minutes=11))) == []
    )  # started / done


def test_todays_agenda_shows_the_first_rows_and_counts_the_rest(session, org):
    a = org.agent
    set_tz(session, a, "UTC")
    for i in range(svc.AGENDA_LIMIT + 3):
        add(session, a, NOW + timedelta(minutes=i + 1), kind="todo", title=f"todo {i:02d}")
    add(session, a, NOW + timedelta(minutes=30), kind="call", title="Call")
    agenda = svc.todays_agenda(session, a, NOW)
    assert titles(agenda["tasks"]) == [
        f"todo {i:02d}" for i in range(svc.AGENDA_LIMIT)
    ]  # the earliest first
    assert (
        agenda["more_tasks"] == 3
        and titles(agenda["events"]) == ["Call"]
        and agenda["more_events"] == 0
    )
