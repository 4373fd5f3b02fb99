"""Adding, editing, completing, reopening and deleting a task (T3).

Each of these on a task that names a lead records a history entry (kind "task", field
"task", new_value = the task id) naming the acting user.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from leadapp.models import HistoryEntry, Lead, Task, User, as_utc, utcnow
from leadapp.models.enums import TASK_KINDS
from leadapp.services import access, history
from leadapp.services.errors import PermissionDenied, ValidationFailed
from leadapp.services.rows import get_row, id_of

from .clock import due_label, parse_local
from .view import get_task

# Undoing a completion this soon afterwards also takes back its history entry.
UNDO_WINDOW = timedelta(minutes=10)
TITLE_MAX = 200
NOTES_MAX = 5000


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
        return current or id_of(user)
    try:
        wanted = int(raw)
    except (TypeError, ValueError):
        raise ValidationFailed({"owner": "Pick who the task is for."}) from None
    if wanted == (current or id_of(user)):
        return wanted
    access.require_broker(user, "assign tasks to someone else")
    agent = session.get(User, wanted)
    if agent is None or agent.brokerage_id != user.brokerage_id or not agent.is_active:
        raise ValidationFailed({"owner": "That user does not exist."})
    return wanted  # the id of the agent checked above


def _record(
    session: Session, task: Task, actor: User, verb: str, body: str = "", at: datetime | None = None
) -> HistoryEntry | None:
    if not task.lead_id:
        return None
    lead = get_row(session, Lead, task.lead_id)
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
    owner_id = id_of(user)
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
        owner = get_row(session, User, owner_id)
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
                col(HistoryEntry.lead_id) == task.lead_id,
                col(HistoryEntry.kind) == "task",
                col(HistoryEntry.field) == "task",
                col(HistoryEntry.new_value) == str(task.id),
                col(HistoryEntry.actor_id) == user.id,
                col(HistoryEntry.title).startswith(
                    f"{TASK_KINDS.get(task.kind, 'Task')} completed"
                ),
            )
            .order_by(col(HistoryEntry.created_at).desc())
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
