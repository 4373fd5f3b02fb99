"""The to-do page's sections (T1-T3) and the lead page's task list (P9, P17)."""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

import sqlalchemy as sa
from sqlmodel import Session, col, select

from leadapp.models import Task, User, as_utc, utcnow
from leadapp.models.enums import TASK_KINDS
from leadapp.models.timefmt import user_zone
from leadapp.services import access
from leadapp.services.access import task_visibility
from leadapp.services.errors import get_in_brokerage
from leadapp.services.rows import table_of

from .clock import _Clock, day_bounds
from .view import _row_context, task_row

SECTIONS = ("overdue", "today", "upcoming", "completed")
SECTION_LABELS = {
    "overdue": "Overdue",
    "today": "Due today",
    "upcoming": "Upcoming",
    "completed": "Completed",
}
COMPLETED_CHOICES = ("open", "all", "done")  # open = hide completed (the default)
SECTION_LIMIT = 200


@dataclass
class TaskFilters:
    kind: str = ""  # "" = every kind
    lead_id: int | None = None
    due_from: date | None = None
    due_to: date | None = None
    completed: str = "open"  # open | all | done
    agent: str = ""  # brokers: "" = me, "all", or a user id

    @classmethod
    def parse(cls, params: dict | None) -> TaskFilters:
        """From URL query parameters; unknown or malformed values fall back to defaults."""
        p = (
            {str(k): str(v)[:40] for k, v in (params or {}).items()}
            if isinstance(params, dict)
            else {}
        )
        f = cls()
        if p.get("kind") in TASK_KINDS:
            f.kind = p["kind"]
        try:
            f.lead_id = int(p["lead"]) if p.get("lead") else None
        except ValueError:
            f.lead_id = None
        for key, attr in (("from", "due_from"), ("to", "due_to")):
            with contextlib.suppress(ValueError):
                setattr(f, attr, date.fromisoformat(p[key]) if p.get(key) else None)
        if p.get("done") in COMPLETED_CHOICES:
            f.completed = p["done"]
        agent = p.get("agent", "")
        if agent == "all" or agent.isdigit():
            f.agent = agent
        return f

    def to_params(self) -> dict[str, str]:
        out = {}
        if self.kind:
            out["kind"] = self.kind
        if self.lead_id:
            out["lead"] = str(self.lead_id)
        if self.due_from:
            out["from"] = self.due_from.isoformat()
        if self.due_to:
            out["to"] = self.due_to.isoformat()
        if self.completed != "open":
            out["done"] = self.completed
        if self.agent:
            out["agent"] = self.agent
        return out

    def count(self, user: User) -> int:
        """How many filters are applied (shown on the filter button, T3)."""
        n = sum(bool(x) for x in (self.kind, self.lead_id, self.due_from or self.due_to))
        n += self.completed != "open"
        n += bool(self.agent) and access.is_broker(user)
        return n


def _owner_clause(session: Session, user: User, f: TaskFilters):
    """Whose tasks the to-do page lists: agents their own; brokers theirs, one agent's, or all."""
    if not access.is_broker(user) or not f.agent:
        return col(Task.owner_id) == user.id
    if f.agent == "all":
        return None
    agent = get_in_brokerage(
        session, User, f.agent, user.brokerage_id, "That agent does not exist."
    )
    return col(Task.owner_id) == agent.id


def list_tasks(
    session: Session,
    user: User,
    filters: TaskFilters | dict | None = None,
    now: datetime | None = None,
) -> dict:
    """The to-do page (T1, T2): sections overdue, today, upcoming (and completed when the
    filter shows them), each a list of row dicts, plus counts and the applied-filter count."""
    f = filters if isinstance(filters, TaskFilters) else TaskFilters.parse(filters)
    if not access.is_broker(user):
        f.agent = ""  # agents list only their own tasks
    now = as_utc(now or utcnow())
    where = [task_visibility(user)]
    owner = _owner_clause(session, user, f)
    if owner is not None:
        where.append(owner)
    if f.kind:
        where.append(col(Task.kind) == f.kind)
    if f.lead_id:
        where.append(col(Task.lead_id) == f.lead_id)
    tz = user_zone(user)
    if f.due_from:
        where.append(col(Task.due_at) >= datetime.combine(f.due_from, time(0), tz).astimezone(UTC))
    if f.due_to:
        where.append(
            col(Task.due_at)
            < datetime.combine(f.due_to + timedelta(days=1), time(0), tz).astimezone(UTC)
        )
    _, end = day_bounds(user, now)
    open_ = col(Task.completed_at).is_(None)
    sections: dict[str, Sequence] = {s: [] for s in SECTIONS}
    counts = {s: 0 for s in SECTIONS}
    queries = {}
    if f.completed in ("open", "all"):
        queries["overdue"] = (sa.and_(open_, col(Task.due_at) < now), [Task.due_at, Task.id])
        queries["today"] = (
            sa.and_(open_, col(Task.due_at) >= now, col(Task.due_at) < end),
            [Task.due_at, Task.id],
        )
        queries["upcoming"] = (sa.and_(open_, col(Task.due_at) >= end), [Task.due_at, Task.id])
    if f.completed in ("all", "done"):
        queries["completed"] = (
            col(Task.completed_at).is_not(None),
            [col(Task.completed_at).desc(), col(Task.id).desc()],
        )
    for name, (cond, order) in queries.items():
        # Core rows of the task table (attribute access like a Task, without ORM identity work)
        rows = session.execute(
            sa.select(*table_of(Task).c).where(*where, cond).order_by(*order).limit(SECTION_LIMIT)
        ).all()
        counts[name] = (
            len(rows)
            if len(rows) < SECTION_LIMIT
            else session.exec(select(sa.func.count()).select_from(Task).where(*where, cond)).one()
        )
        sections[name] = rows
    all_rows = [t for s in SECTIONS for t in sections[s]]
    ctx = _row_context(session, all_rows)
    clock = _Clock(user, now)
    return {
        "sections": {s: [task_row(t, user, clock, ctx) for t in sections[s]] for s in SECTIONS},
        "counts": counts,
        "filter_count": f.count(user),
        "filters": f.to_params(),
    }


def tasks_for_lead(
    session: Session, user: User, lead_id, now: datetime | None = None
) -> list[dict]:
    """Every task on a lead the user may see, whoever owns it (P17): open ones by due time
    first, then completed ones, newest first. Agents see these only for their own leads
    (and their own tasks on a pool lead)."""
    lead = access.get_lead(session, user, lead_id)
    now = as_utc(now or utcnow())
    where = [col(Task.lead_id) == lead.id, col(Task.brokerage_id) == user.brokerage_id]
    if not access.can_change_lead(user, lead):
        where.append(col(Task.owner_id) == user.id)
    rows = session.exec(
        select(Task)
        .where(*where)
        .order_by(col(Task.completed_at).is_not(None), col(Task.due_at), col(Task.id))
        .limit(500)
    ).all()
    open_rows = [t for t in rows if t.completed_at is None]
    done = [(as_utc(t.completed_at), t) for t in rows if t.completed_at is not None]
    done_rows = [t for _, t in sorted(done, key=lambda d: d[0], reverse=True)]
    ctx = _row_context(session, rows)
    return [task_row(t, user, now, ctx) for t in open_rows + done_rows]
