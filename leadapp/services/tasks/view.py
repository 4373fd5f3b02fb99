"""One task: reading it by id as the user may (get_task), and what the UI shows of it
(task_row, with the due-state colours of P17)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Literal

from sqlmodel import Session, col, select

from leadapp.models import Lead, Task, User, as_utc
from leadapp.models.enums import EVENT_KINDS, TASK_KINDS
from leadapp.models.timefmt import clock as _fmt_time
from leadapp.services.access import task_visibility
from leadapp.services.errors import NotFound
from leadapp.services.people import name_or_email

from .clock import _Clock

# The colour key by due state (P17), shared by the to-do page and the lead page.
DueColor = Literal["red", "amber", "blue", "green"]
DUE_STATES: dict[str, tuple[str, DueColor]] = {
    "overdue": ("Overdue", "red"),
    "today": ("Due today", "amber"),
    "upcoming": ("Upcoming", "blue"),
    "completed": ("Completed", "green"),
}


def get_task(session: Session, user: User, task_id, *, lock: bool = False) -> Task:
    try:
        task_id = int(task_id)
    except (TypeError, ValueError):
        raise NotFound("That task does not exist.") from None
    stmt = select(Task).where(col(Task.id) == task_id, task_visibility(user))
    if lock:
        stmt = stmt.with_for_update()
    task = session.exec(stmt).first()
    if task is None:
        raise NotFound("That task does not exist or is not yours.")
    return task


def _row_context(session: Session, tasks: Sequence) -> dict:
    lead_ids = {t.lead_id for t in tasks if t.lead_id}
    user_ids = {t.owner_id for t in tasks}
    leads = {}
    if lead_ids:
        for lid, first, last, email in session.exec(
            select(Lead.id, Lead.first_name, Lead.last_name, Lead.email).where(
                col(Lead.id).in_(lead_ids)
            )
        ).all():
            leads[lid] = name_or_email(first, last, email)
    users = (
        {u.id: u.name for u in session.exec(select(User).where(col(User.id).in_(user_ids))).all()}
        if user_ids
        else {}
    )
    return {"leads": leads, "users": users}


def task_row(task, user: User, now: datetime | _Clock, ctx: dict | None = None) -> dict:
    """What the UI shows of one task (plain values only). `task` is a Task or a Core row of
    the task table; pass a `_Clock` as `now` when formatting many rows."""
    ctx = ctx or {}
    clock = now if isinstance(now, _Clock) else _Clock(user, now)
    lead = ctx.get("leads", {}).get(task.lead_id) if task.lead_id else None
    due_local = as_utc(task.due_at).astimezone(clock.tz)
    state = clock.state(task.due_at, task.completed_at is not None)
    return {
        "id": task.id,
        "title": task.title,
        "notes": task.notes,
        "kind": task.kind,
        "kind_label": TASK_KINDS.get(task.kind, task.kind),
        "is_event": task.kind in EVENT_KINDS,
        "due_label": clock.label(task.due_at),
        "due_time": _fmt_time(due_local),
        "due_date_value": due_local.date().isoformat(),
        "due_time_value": f"{due_local.hour:02d}:{due_local.minute:02d}",
        "state": state,
        "state_label": DUE_STATES[state][0],
        "color": DUE_STATES[state][1],
        "completed": task.completed_at is not None,
        "completed_label": clock.label(task.completed_at) if task.completed_at else "",
        "lead_id": task.lead_id or 0,
        "lead_name": lead or "",
        "owner_id": task.owner_id,
        "owner_name": ctx.get("users", {}).get(task.owner_id, ""),
        "mine": task.owner_id == user.id,
    }
