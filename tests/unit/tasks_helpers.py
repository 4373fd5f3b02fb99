"""To-dos and events for the unit tests: a fixed clock, a task added straight to the table."""

from datetime import UTC, datetime

from leadapp.models import Task

# Mon 23 Nov 2026 09:30 UTC = 22:30 in Auckland (UTC+13), 01:30 in Los Angeles (UTC-8).
NOW = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)


def add(session, owner, due, *, lead=None, kind="todo", title="T", done=None):
    t = Task(
        brokerage_id=owner.brokerage_id,
        owner_id=owner.id,
        lead_id=lead.id if lead else None,
        kind=kind,
        title=title,
        due_at=due,
        completed_at=done,
        created_by_id=owner.id,
    )
    session.add(t)
    session.commit()
    return t


def titles(rows):
    return [r["title"] for r in rows]


def set_tz(session, user, tz):
    user.timezone = tz
    session.add(user)
    session.commit()
