"""N1: a task or event reminder for a user who is not signed in (no open tab took it).

An open tab marks an event's `reminded_at` within seconds of its reminder time
(services/tasks.due_reminders). The job `reminder-notices` takes the events whose reminder
time passed a minute ago and that no tab marked: their owner had no tab open, so they get a
stored notification (and an e-mail when they chose it for reminders). The conditional
UPDATE of `reminded_at` makes each one happen once across workers.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session, col, select

from leadapp.models import Brokerage, Task, as_utc
from leadapp.models.enums import EVENT_KINDS, TASK_KINDS

from . import notify
from .rows import matched

GRACE = timedelta(minutes=1)


def send_due(session: Session, now: datetime) -> int:
    sent = 0
    for b_id, minutes in session.execute(
        select(col(Brokerage.id), col(Brokerage.reminder_minutes))
    ).all():
        horizon = now + timedelta(minutes=minutes or 15) - GRACE
        rows = session.execute(
            sa.select(
                col(Task.id),
                col(Task.owner_id),
                col(Task.lead_id),
                col(Task.kind),
                col(Task.title),
                col(Task.due_at),
            )
            .where(
                col(Task.brokerage_id) == b_id,
                col(Task.completed_at).is_(None),
                col(Task.reminded_at).is_(None),
                col(Task.kind).in_(EVENT_KINDS),
                col(Task.due_at) > now,
                col(Task.due_at) <= horizon,
            )
            .limit(500)
        ).all()
        for tid, owner, lead_id, kind, title, due in rows:
            took = matched(
                session.execute(
                    sa.update(Task)
                    .where(col(Task.id) == tid, col(Task.reminded_at).is_(None))
                    .values(reminded_at=now)
                )
            )
            if took != 1:
                continue
            mins = max(1, int((as_utc(due) - now).total_seconds() // 60))
            notify.send(
                session,
                b_id,
                [owner],
                "reminder",
                f"{TASK_KINDS.get(kind, kind)} in {mins} min: {title}",
                lead_id=lead_id,
                now=now,
            )
            sent += 1
    return sent
