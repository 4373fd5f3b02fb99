"""To-dos and events (T1-T4, P9, P17, D9).

Who sees what: a broker sees and changes every task of the brokerage; an agent sees and
changes only their own tasks and the tasks on the leads assigned to them (which may
belong to other agents, e.g. from before a reassignment).

Time zones: "today" and "overdue" follow the acting user's time zone (User.timezone).
A task is overdue once its due time has passed; due today when it is still ahead but
before the end of the user's local day; upcoming after that.

Adding, completing, reopening and deleting a task that names a lead record a history
entry (kind "task", field "task", new_value = the task id) naming the acting user.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

import sqlalchemy as sa
from sqlmodel import Session, select

from leadapp.models import Brokerage, HistoryEntry, Lead, Task, User, as_utc, utcnow
from leadapp.models.enums import EVENT_KINDS, TASK_KINDS
from leadapp.models.timefmt import clock as _fmt_time
from leadapp.models.timefmt import user_zone

from . import access, history, lead_query, people
from .access import task_visibility
from .errors import NotFound, PermissionDenied, ValidationFailed
from .people import display_name

SECTIONS = ("overdue", "today", "upcoming", "completed")
SECTION_LABELS = {
    "overdue": "Overdue",
    "today": "Due today",
    "upcoming": "Upcoming",
    "completed": "Completed",
}
# The colour key by due state (P17), shared by the to-do page and the lead page.
DUE_STATES = {
    "overdue": ("Overdue", "red"),
    "today": ("Due today", "amber"),
    "upcoming": ("Upcoming", "blue"),
    "completed": ("Completed", "green"),
}
COMPLETED_CHOICES = ("open", "all", "done")  # open = hide completed (the default)
SECTION_LIMIT = 200
# Undoing a completion this soon afterwards also takes back its history entry.
UNDO_WINDOW = timedelta(minutes=10)
TITLE_MAX = 200
NOTES_MAX = 5000


# ---------------------------------------------------------------- time helpers


def day_bounds(user: User, now: datetime) -> tuple[datetime, datetime]:
    """UTC start and end of the user's local day containing `now`."""
    tz = user_zone(user)
    local = as_utc(now).astimezone(tz)
    start = datetime.combine(local.date(), time(0), tz)
    end = datetime.combine(local.date() + timedelta(days=1), time(0), tz)
    return start.astimezone(UTC), end.astimezone(UTC)


class _Clock:
    """The user's zone and today's bounds, worked out once per listing rather than per row."""

    __slots__ = ("tz", "now", "today", "end")

    def __init__(self, user: User, now: datetime):
        self.tz = user_zone(user)
        self.now = as_utc(now)
        local_now = self.now.astimezone(self.tz)
        self.today = local_now.date()
        self.end = datetime.combine(self.today + timedelta(days=1), time(0), self.tz).astimezone(
            UTC
        )

    def state(self, due: datetime, completed: bool) -> str:
        if completed:
            return "completed"
        due = as_utc(due)
        if due < self.now:
            return "overdue"
        return "today" if due < self.end else "upcoming"

    def label(self, dt: datetime) -> str:
        local = as_utc(dt).astimezone(self.tz)
        d, today = local.date(), self.today
        delta = (d - today).days
        if delta == 0:
            day = "Today"
        elif delta == 1:
            day = "Tomorrow"
        elif delta == -1:
            day = "Yesterday"
        elif d.year == today.year:
            day = local.strftime("%a %b ") + str(d.day)
        else:
            day = local.strftime("%b ") + str(d.day) + local.strftime(", %Y")
        return f"{day} {_fmt_time(local)}"


def due_label(dt: datetime, user: User, now: datetime) -> str:
    """'Today 3:00 PM', 'Tomorrow 9:30 AM', 'Mon Nov 30 9:30 AM', 'Nov 30, 2027 ...'."""
    return _Clock(user, now).label(dt)


def parse_local(day: str, clock: str, user: User) -> datetime:
    """The UTC instant of date 'YYYY-MM-DD' and time 'HH:MM' in the user's time zone."""
    errors = {}
    try:
        d = date.fromisoformat(str(day or "").strip()[:10])
    except ValueError:
        errors["due_date"] = "Pick a due date."
        d = None
    try:
        t = time.fromisoformat(str(clock or "").strip()[:8])
    except ValueError:
        errors["due_time"] = "Pick a due time."
        t = None
    if errors:
        raise ValidationFailed(errors)
    local = datetime.combine(d, t.replace(second=0, microsecond=0), user_zone(user))
    # Normalise non-existent local times (spring-forward gap) through UTC.
    return local.astimezone(UTC)


def default_due(user: User, now: datetime | None = None) -> tuple[str, str]:
    """The dialog's suggested due date and time: the next full hour, in the user's zone."""
    local = as_utc(now or utcnow()).astimezone(user_zone(user))
    nxt = local.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
    return nxt.date().isoformat(), nxt.strftime("%H:%M")


# ---------------------------------------------------------------- authorization


def get_task(session: Session, user: User, task_id, *, lock: bool = False) -> Task:
    try:
        task_id = int(task_id)
    except (TypeError, ValueError):
        raise NotFound("That task does not exist.") from None
    stmt = select(Task).where(Task.id == task_id, task_visibility(user))
    if lock:
        stmt = stmt.with_for_update()
    task = session.exec(stmt).first()
    if task is None:
        raise NotFound("That task does not exist or is not yours.")
    return task


# ---------------------------------------------------------------- filters


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
        return Task.owner_id == user.id
    if f.agent == "all":
        return None
    agent = session.get(User, int(f.agent))
    if agent is None or agent.brokerage_id != user.brokerage_id:
        raise NotFound("That agent does not exist.")
    return Task.owner_id == agent.id


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
        where.append(Task.kind == f.kind)
    if f.lead_id:
        where.append(Task.lead_id == f.lead_id)
    tz = user_zone(user)
    if f.due_from:
        where.append(Task.due_at >= datetime.combine(f.due_from, time(0), tz).astimezone(UTC))
    if f.due_to:
        where.append(
            Task.due_at
            < datetime.combine(f.due_to + timedelta(days=1), time(0), tz).astimezone(UTC)
        )
    _, end = day_bounds(user, now)
    open_ = Task.completed_at.is_(None)
    sections: dict[str, list] = {s: [] for s in SECTIONS}
    counts = {s: 0 for s in SECTIONS}
    queries = {}
    if f.completed in ("open", "all"):
        queries["overdue"] = (sa.and_(open_, Task.due_at < now), [Task.due_at, Task.id])
        queries["today"] = (
            sa.and_(open_, Task.due_at >= now, Task.due_at < end),
            [Task.due_at, Task.id],
        )
        queries["upcoming"] = (sa.and_(open_, Task.due_at >= end), [Task.due_at, Task.id])
    if f.completed in ("all", "done"):
        queries["completed"] = (
            Task.completed_at.is_not(None),
            [Task.completed_at.desc(), Task.id.desc()],
        )
    for name, (cond, order) in queries.items():
        # Core rows of the task table (attribute access like a Task, without ORM identity work)
        rows = session.execute(
            sa.select(*Task.__table__.c).where(*where, cond).order_by(*order).limit(SECTION_LIMIT)
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


def _row_context(session: Session, tasks: list[Task]) -> dict:
    lead_ids = {t.lead_id for t in tasks if t.lead_id}
    user_ids = {t.owner_id for t in tasks}
    leads = {}
    if lead_ids:
        for lid, first, last, email in session.exec(
            select(Lead.id, Lead.first_name, Lead.last_name, Lead.email).where(
                Lead.id.in_(lead_ids)
            )
        ).all():
            leads[lid] = f"{first} {last}".strip() or email
    users = (
        {u.id: u.name for u in session.exec(select(User).where(User.id.in_(user_ids))).all()}
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


# ---------------------------------------------------------------- add / edit / complete / delete


def _clean(form: dict, user: User) -> tuple[dict, dict]:
    errors: dict[str, str] = {}
    title = str(form.get("title") or "").strip()
    if not title:
        errors["title"] = "Give the task a title."
    elif len(title) > TITLE_MAX:
        errors["title"] = f"Keep the title under {TITLE_MAX} characters."
    notes = str(form.get("notes") or "").strip()
    if len(notes) > NOTES_MAX:
        errors["notes"] = f"Keep the notes under {NOTES_MAX} characters."
    kind = str(form.get("kind") or "todo")
    if kind not in TASK_KINDS:
        errors["kind"] = "Pick a kind: " + ", ".join(TASK_KINDS.values()) + "."
    due = None
    try:
        due = parse_local(form.get("due_date"), form.get("due_time"), user)
    except ValidationFailed as exc:
        errors.update(exc.errors)
    return {"title": title, "notes": notes, "kind": kind, "due_at": due}, errors


def _lead_for_task(session: Session, user: User, raw) -> Lead | None:
    if raw in (None, "", 0, "0", "none"):
        return None
    return access.get_lead(session, user, raw, write=True)


def _owner_for_task(session: Session, user: User, raw, current: int | None) -> int:
    if raw in (None, "", 0, "0"):
        return current or user.id
    try:
        wanted = int(raw)
    except (TypeError, ValueError):
        raise ValidationFailed({"owner": "Pick who the task is for."}) from None
    if wanted == (current or user.id):
        return wanted
    access.require_broker(user, "assign tasks to someone else")
    agent = session.get(User, wanted)
    if agent is None or agent.brokerage_id != user.brokerage_id or not agent.is_active:
        raise ValidationFailed({"owner": "That user does not exist."})
    return agent.id


def _record(
    session: Session, task: Task, actor: User, verb: str, body: str = "", at: datetime | None = None
) -> HistoryEntry | None:
    if not task.lead_id:
        return None
    lead = session.get(Lead, task.lead_id)
    label = TASK_KINDS.get(task.kind, "Task")
    return history.add_entry(
        session,
        lead,
        actor,
        "task",
        title=f"{label} {verb}: {task.title}"[:200],
        body=body,
        field="task",
        new_value=str(task.id),
        created_at=at,
    )


def create_task(session: Session, user: User, form: dict, now: datetime | None = None) -> Task:
    """Add a task (T3). form: title, notes, kind, due_date, due_time, lead_id, owner_id."""
    if not isinstance(form, dict):
        raise ValidationFailed({"title": "Nothing to save."})
    data, errors = _clean(form, user)
    owner_id = user.id
    try:
        owner_id = _owner_for_task(session, user, form.get("owner_id"), None)
    except ValidationFailed as exc:
        errors.update(exc.errors)
    if errors:
        raise ValidationFailed(errors)
    lead = _lead_for_task(session, user, form.get("lead_id"))
    task = Task(
        brokerage_id=user.brokerage_id,
        owner_id=owner_id,
        lead_id=lead.id if lead else None,
        created_by_id=user.id,
        created_at=now or utcnow(),
        **data,
    )
    session.add(task)
    session.flush()
    owner_note = ""
    if owner_id != user.id:
        owner = session.get(User, owner_id)
        owner_note = f" for {owner.name}"
    _record(
        session,
        task,
        user,
        "added",
        body=f"Due {due_label(task.due_at, user, now or utcnow())}{owner_note}.\n"
        f"{task.notes}".strip(),
    )
    return task


def update_task(session: Session, user: User, task_id, form: dict) -> Task:
    if not isinstance(form, dict):
        raise ValidationFailed({"title": "Nothing to save."})
    task = get_task(session, user, task_id, lock=True)
    data, errors = _clean(form, user)
    owner_id = task.owner_id
    if "owner_id" in form:
        try:
            owner_id = _owner_for_task(session, user, form.get("owner_id"), task.owner_id)
        except ValidationFailed as exc:
            errors.update(exc.errors)
    if errors:
        raise ValidationFailed(errors)
    lead_id = task.lead_id
    raw_lead = form.get("lead_id")
    try:
        same_lead = int(raw_lead or 0) == (task.lead_id or 0)
    except (TypeError, ValueError):
        same_lead = False
    if (
        "lead_id" in form and not same_lead
    ):  # re-checked only when it changes (it may have been reassigned)
        lead = _lead_for_task(session, user, raw_lead)
        lead_id = lead.id if lead else None
        if lead_id != task.lead_id and not access.is_broker(user) and task.owner_id != user.id:
            raise PermissionDenied("Only the task's owner or a broker can move it to another lead.")
    if data["due_at"] != as_utc(task.due_at):
        task.reminded_at = None  # a rescheduled event is reminded again
    for k, v in data.items():
        setattr(task, k, v)
    task.owner_id = owner_id
    task.lead_id = lead_id
    session.add(task)
    return task


def complete_task(session: Session, user: User, task_id, now: datetime | None = None) -> Task:
    """Tick a task done; it keeps its completion time. Completing twice changes nothing."""
    task = get_task(session, user, task_id, lock=True)
    if task.completed_at is not None:
        return task
    task.completed_at = now or utcnow()
    session.add(task)
    _record(session, task, user, "completed", at=task.completed_at)
    return task


def reopen_task(session: Session, user: User, task_id, now: datetime | None = None) -> Task:
    """Undo a completion. Right after completing (the undo toast) the completion's history
    entry is taken back; later, reopening is recorded."""
    task = get_task(session, user, task_id, lock=True)
    if task.completed_at is None:
        return task
    now = as_utc(now or utcnow())
    done_at = as_utc(task.completed_at)
    entry = None
    if task.lead_id and now - done_at <= UNDO_WINDOW:
        entry = session.exec(
            select(HistoryEntry)
            .where(
                HistoryEntry.lead_id == task.lead_id,
                HistoryEntry.kind == "task",
                HistoryEntry.field == "task",
                HistoryEntry.new_value == str(task.id),
                HistoryEntry.actor_id == user.id,
                HistoryEntry.title.startswith(f"{TASK_KINDS.get(task.kind, 'Task')} completed"),
            )
            .order_by(HistoryEntry.created_at.desc())
        ).first()
    task.completed_at = None
    session.add(task)
    if entry is not None:
        session.delete(entry)
    else:
        _record(session, task, user, "reopened", at=now)
    return task


def delete_task(session: Session, user: User, task_id) -> None:
    task = get_task(session, user, task_id, lock=True)
    _record(session, task, user, "deleted")
    session.delete(task)


# ---------------------------------------------------------------- lead page (P9, P17)


def tasks_for_lead(
    session: Session, user: User, lead_id, now: datetime | None = None
) -> list[dict]:
    """Every task on a lead the user may see, whoever owns it (P17): open ones by due time
    first, then completed ones, newest first. Agents see these only for their own leads
    (and their own tasks on a pool lead)."""
    lead = access.get_lead(session, user, lead_id)
    now = as_utc(now or utcnow())
    where = [Task.lead_id == lead.id, Task.brokerage_id == user.brokerage_id]
    if not access.can_change_lead(user, lead):
        where.append(Task.owner_id == user.id)
    rows = session.exec(
        select(Task)
        .where(*where)
        .order_by(Task.completed_at.is_not(None), Task.due_at, Task.id)
        .limit(500)
    ).all()
    open_rows = [t for t in rows if t.completed_at is None]
    done_rows = sorted(
        (t for t in rows if t.completed_at is not None),
        key=lambda t: as_utc(t.completed_at),
        reverse=True,
    )
    ctx = _row_context(session, rows)
    return [task_row(t, user, now, ctx) for t in open_rows + done_rows]


# ---------------------------------------------------------------- dialog support


def search_leads(session: Session, user: User, q: str, limit: int = 8) -> list[dict]:
    """Leads the user may attach a task to, found by the lead list's search (lead_query)."""
    q = str(q or "").strip()[:80]
    stmt = select(Lead).where(access.lead_visibility(user), Lead.status != "deleted")
    clause = lead_query.search_clause(session, user.brokerage_id, q)
    if clause is not None:
        stmt = stmt.where(clause)
    rows = session.exec(stmt.order_by(Lead.last_name, Lead.first_name, Lead.id).limit(limit)).all()
    return [{"id": lead.id, "name": display_name(lead), "email": lead.email} for lead in rows]


def lead_choice(session: Session, user: User, lead_id) -> dict:
    lead = access.get_lead(session, user, lead_id, write=True)
    return {"id": lead.id, "name": display_name(lead), "email": lead.email}


def assignees(session: Session, user: User) -> list[dict]:
    """Who a broker may give a task to (themselves first); an agent only themselves."""
    if not access.is_broker(user):
        return [{"id": user.id, "name": user.name}]
    users = people.active_users(session, user.brokerage_id)
    return [
        {"id": u.id, "name": u.name + (" (me)" if u.id == user.id else "")}
        for u in sorted(users, key=lambda u: (u.id != user.id, u.name))
    ]


def task_form(session: Session, user: User, task_id) -> dict:
    """The edit dialog's values for one task."""
    task = get_task(session, user, task_id)
    row = task_row(task, user, utcnow(), _row_context(session, [task]))
    return row


# ---------------------------------------------------------------- dashboard (D9) and reminders (T4)


def overdue_count(session: Session, now: datetime, whose) -> int:
    """Open tasks past due; `whose`: Task.owner_id == id (the (owner, open, due) index) or
    Task.brokerage_id == id (the brokerage's)."""
    return int(
        session.exec(
            select(sa.func.count())
            .select_from(Task)
            .where(whose, Task.completed_at.is_(None), Task.due_at < now)
        ).one()
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
        agent = session.get(User, int(agent_id))
        if agent is None or agent.brokerage_id != user.brokerage_id:
            raise NotFound("That agent does not exist.")
        owner = agent
    owner_id = owner.id
    # the day of the person whose agenda it is (a broker looking at an agent: the agent's day)
    start, end = day_bounds(owner, now)
    # owner_id is the user or an agent of their brokerage (checked above): the (owner, due) index
    today = (Task.owner_id == owner_id, Task.due_at >= start, Task.due_at < end)
    is_event = Task.kind.in_(EVENT_KINDS)
    totals = dict(
        session.execute(select(is_event, sa.func.count()).where(*today).group_by(is_event)).all()
    )
    sections = {}
    for key, which in (("events", is_event), ("tasks", sa.not_(is_event))):
        rows = session.exec(
            select(Task).where(*today, which).order_by(Task.due_at, Task.id).limit(AGENDA_LIMIT)
        ).all()
        sections[key] = rows
    overdue = overdue_count(session, now, Task.owner_id == owner_id)
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
            Task.owner_id == user.id,
            Task.completed_at.is_(None),
            Task.kind.in_(EVENT_KINDS),
            Task.due_at > now,
            Task.due_at <= now + lead_time,
        )
        .order_by(Task.due_at, Task.id)
    ).all()
    fresh = [t.id for t in rows if t.reminded_at is None]
    if fresh:
        session.exec(
            sa.update(Task)
            .where(Task.id.in_(fresh), Task.reminded_at.is_(None))
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
