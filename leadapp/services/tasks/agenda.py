"""Today's agenda on the dashboard (D9) and the event reminders (T4)."""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session, col, select

from leadapp.models import Brokerage, Task, User, as_utc, utcnow
from leadapp.models.enums import EVENT_KINDS
from leadapp.services import access
from leadapp.services.errors import get_in_brokerage
from leadapp.services.rows import count_rows

from .clock import day_bounds
from .view import _row_context, task_row


def overdue_count(session: Session, now: datetime, whose) -> int:
    """Open tasks past due; `whose`: Task.owner_id == id (the (owner, open, due) index) or
    Task.brokerage_id == id (the brokerage's)."""
    return count_rows(
        session, Task, whose, col(Task.completed_at).is_(None), col(Task.due_at) < now
    )


AGENDA_LIMIT = 15  # rows per section on the dashboard; the rest are on the to-do page


def todays_agenda(session: Session, user: User, now: datetime | None = None, agent_id=None) -> dict:
    """Today's events and tasks in the user's time zone, for the dashboard (D9).

    Returns {"events": [...], "tasks": [...], "more_events": n, "more_tasks": n, "overdue": n}:
    events (call, showing, meeting) and to-dos due today by start time — the first
    AGENDA_LIMIT of each, with how many more the to-do page lists — and how many open tasks
    are overdue. Brokers may pass agent_id to see one agent's day; agents always see their own.
    """
    now = as_utc(now or utcnow())
    owner = user
    if agent_id not in (None, "", 0, "0") and access.is_broker(user):
        owner = get_in_brokerage(
            session, User, agent_id, user.brokerage_id, "That agent does not exist."
        )
    owner_id = owner.id
    # the day of the person whose agenda it is (a broker looking at an agent: the agent's day)
    start, end = day_bounds(owner, now)
    # owner_id is the user or an agent of their brokerage (checked above): the (owner, due) index
    today = (col(Task.owner_id) == owner_id, col(Task.due_at) >= start, col(Task.due_at) < end)
    is_event = col(Task.kind).in_(EVENT_KINDS)
    totals = dict(
        session.execute(select(is_event, sa.func.count()).where(*today).group_by(is_event)).all()
    )
    sections = {}
    for key, which in (("events", is_event), ("tasks", sa.not_(is_event))):
        rows = session.exec(
            select(Task)
            .where(*today, which)
            .order_by(col(Task.due_at), col(Task.id))
            .limit(AGENDA_LIMIT)
        ).all()
        sections[key] = rows
    overdue = overdue_count(session, now, col(Task.owner_id) == owner_id)
    ctx = _row_context(session, sections["events"] + sections["tasks"])
    out = {k: [task_row(t, user, now, ctx) for t in rows] for k, rows in sections.items()}
    return {
        "events": out["events"],
        "tasks": out["tasks"],
        "overdue": overdue,
        "more_events": max(0, int(totals.get(True, 0)) - len(out["events"])),
        "more_tasks": max(0, int(totals.get(False, 0)) - len(out["tasks"])),
    }


def reminder_minutes(session: Session, user: User) -> int:
    b = session.get(Brokerage, user.brokerage_id)
    return max(0, int(b.reminder_minutes if b else 15))


def due_reminders(session: Session, user: User, now: datetime | None = None) -> list[dict]:
    """The user's open events starting within the brokerage's reminder lead time (T4).

    Marks reminded_at on the ones not reminded before (the first tab to ask); returns all
    of them, so every open tab of the owner shows each reminder once (tabs remember which
    they showed). Events that already started are not returned.
    """
    now = as_utc(now or utcnow())
    lead_time = timedelta(minutes=reminder_minutes(session, user))
    rows = session.exec(
        select(Task)
        .where(
            col(Task.owner_id) == user.id,
            col(Task.completed_at).is_(None),
            col(Task.kind).in_(EVENT_KINDS),
            col(Task.due_at) > now,
            col(Task.due_at) <= now + lead_time,
        )
        .order_by(col(Task.due_at), col(Task.id))
    ).all()
    fresh = [t.id for t in rows if t.reminded_at is None]
    if fresh:
        session.exec(
            sa.update(Task)
            .where(col(Task.id).in_(fresh), col(Task.reminded_at).is_(None))
            .values(reminded_at=now)
        )
    ctx = _row_context(session, rows)
    out = []
    for t in rows:
        row = task_row(t, user, now, ctx)
        minutes = max(1, -int(-(as_utc(t.due_at) - now).total_seconds() // 60))
        row["starts_in"] = f"in {minutes} min" if minutes < 60 else f"at {row['due_time']}"
        out.append(row)
    return out
