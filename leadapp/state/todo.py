"""To-do page, the add/edit task dialog, and the lead page's tasks panel (T1-T4, P9, P17).

The to-do page's list (sections, filters in the URL, "Show more") is the TodoQuery mixin
(state/todo_query.py); ticking a to-do is one event and one reply with the list read again.
"""

from __future__ import annotations

import reflex as rx
from reflex_components_sonner.toast import ToastAction

from leadapp.models.enums import TASK_KINDS
from leadapp.services import tasks as svc
from leadapp.services.errors import NotSignedIn, ServiceError

from .args import int_arg
from .base import AuthState
from .todo_query import PAGE_ROWS, ROW_KEYS, TodoQuery, light_rows, search_lead_picker
from .url import route_args, set_if_changed

__all__ = ["PAGE_ROWS", "ROW_KEYS", "AgendaState", "LeadTasksState", "TaskDialogState", "TodoState"]


class TodoState(TodoQuery, AuthState):
    """The to-do board: the list (TodoQuery) and the tick box."""

    @rx.event
    async def complete(self, task_id):
        async for e in self._complete(task_id):
            yield e

    async def _complete(self, task_id):
        tid = int_arg(task_id)
        try:
            task = await self._with_user(svc.complete_task, tid)
        except ServiceError as exc:
            yield self._fail(exc)
            return
        for e in await self._refresh_if_here():
            yield e
        yield rx.toast.success(
            f"Completed: {task.title}",
            action=ToastAction(label="Undo", on_click=TodoState.undo_complete(tid)),
            duration=8000,
        )

    @rx.event
    async def toggle(self, task_id, checked: bool):
        """The tick box: ticking completes (with an undo toast), unticking reopens."""
        if checked is True:
            async for e in self._complete(task_id):
                yield e
        else:
            async for e in self._reopen(task_id):
                yield e

    @rx.event
    async def undo_complete(self, task_id):
        async for e in self._reopen(task_id):
            yield e

    async def _reopen(self, task_id):
        try:
            task = await self._with_user(svc.reopen_task, int_arg(task_id))
        except ServiceError as exc:
            yield self._fail(exc)
            return
        for e in await self._refresh_if_here():
            yield e
        yield rx.toast.info(f"Reopened: {task.title}")


class TaskDialogState(AuthState):
    """The add/edit dialog, shared by the to-do page and the lead page."""

    open: bool = False
    task_id: rx.Field[int] = rx.field(0)
    title: str = ""
    notes: str = ""
    kind: str = "todo"
    due_date: str = ""
    due_time: str = ""
    lead_id: int = 0
    lead_name: str = ""
    lead_locked: bool = False  # opened from a lead page: the lead is fixed
    owner_id: str = ""
    assignees: list[dict] = []
    lead_query: str = ""
    lead_results: rx.Field[list[dict]] = rx.field(default_factory=list)
    errors: dict[str, str] = {}
    saving: bool = False

    @rx.var
    def kind_options(self) -> list[list[str]]:
        return [[k, v] for k, v in TASK_KINDS.items()]

    @rx.var
    def assignee_options(self) -> list[list[str]]:
        return [[str(a["id"]), a["name"]] for a in self.assignees]

    @rx.var
    def is_edit(self) -> bool:
        return self.task_id > 0

    def _reset_form(self):
        self.task_id = 0
        self.title = self.notes = self.lead_name = self.lead_query = ""
        self.kind = "todo"
        self.lead_id = 0
        self.lead_locked = False
        self.lead_results = []
        self.errors = {}
        self.saving = False

    @rx.event
    async def open_new(self, lead_id=None):
        """Open the empty dialog; from a lead page pass its id (checked server-side)."""
        self._reset_form()

        def prepare(session, user, lid):
            out = {
                "assignees": svc.assignees(session, user),
                "lead": None,
                "me": user.id,
                "now": svc.default_due(user),
            }
            if lid:
                out["lead"] = svc.lead_choice(session, user, lid)
            return out

        try:
            data = await self._with_user(prepare, int_arg(lead_id))
        except ServiceError as exc:
            return self._fail(exc)
        self.assignees = data["assignees"]
        self.owner_id = str(data["me"])
        self.due_date, self.due_time = data["now"]
        if data["lead"]:
            self.lead_id = data["lead"]["id"]
            self.lead_name = data["lead"]["name"]
            self.lead_locked = True
        self.open = True

    @rx.event
    async def open_edit(self, task_id):
        self._reset_form()

        def prepare(session, user, tid):
            return {
                "task": svc.task_form(session, user, tid),
                "assignees": svc.assignees(session, user),
            }

        try:
            data = await self._with_user(prepare, int_arg(task_id))
        except ServiceError as exc:
            return self._fail(exc)
        t = data["task"]
        self.assignees = data["assignees"]
        if not any(a["id"] == t["owner_id"] for a in self.assignees):
            self.assignees = self.assignees + [{"id": t["owner_id"], "name": t["owner_name"]}]
        self.task_id = t["id"]
        self.title, self.notes, self.kind = t["title"], t["notes"], t["kind"]
        self.due_date, self.due_time = t["due_date_value"], t["due_time_value"]
        self.lead_id, self.lead_name = t["lead_id"], t["lead_name"]
        self.owner_id = str(t["owner_id"])
        self.open = True

    @rx.event
    def close(self):
        self.open = False

    @rx.event
    async def delete(self):
        """Delete the task being edited."""
        if not self.task_id:
            return
        try:
            await self._with_user(svc.delete_task, self.task_id)
        except ServiceError as exc:
            return self._fail(exc)
        self.open = False
        self.task_id = 0
        return await self._refreshed(rx.toast.success("Task deleted."))

    async def _refreshed(self, toast) -> list:
        """After a save or delete: the list of the page the dialog is on, read again in this
        same reply (one event, one reply), then the toast."""
        path = self.router.url.path or "/"
        if path.startswith("/todo"):
            failed = await (await self.get_state(TodoState))._refresh_if_here()
        elif path.startswith("/leads/"):
            failed = await (await self.get_state(LeadTasksState))._refresh_if_here()
        else:
            failed = await (await self.get_state(AgendaState))._refresh_if_here()
        return [*(failed if isinstance(failed, list) else [failed] if failed else []), toast]

    @rx.event
    def set_open(self, value: bool):
        self.open = bool(value)

    @rx.event
    def set_kind(self, value: str | list[str]):
        value = str(value)[:10]
        if value in TASK_KINDS:
            self.kind = value

    @rx.event
    def set_owner(self, value: str):
        self.owner_id = str(value)[:12]

    @rx.event
    async def search_leads(self, query: str):
        return await search_lead_picker(self, query)

    @rx.event
    async def pick_lead(self, lead_id):
        try:
            lead = await self._with_user(svc.lead_choice, int_arg(lead_id))
        except ServiceError as exc:
            return self._fail(exc)
        self.lead_id, self.lead_name = lead["id"], lead["name"]
        self.lead_query = ""
        self.lead_results = []

    @rx.event
    def clear_lead(self):
        if not self.lead_locked:
            self.lead_id, self.lead_name = 0, ""

    @rx.event
    async def save(self, form: dict):
        if not isinstance(form, dict):
            return rx.toast.error("Nothing to save.")
        data: dict[str, str | int | None] = {
            k: str(form.get(k) or "")[:5000] for k in ("title", "notes", "due_date", "due_time")
        }
        data["kind"] = self.kind
        data["lead_id"] = self.lead_id or None
        if self.is_broker:
            data["owner_id"] = self.owner_id
        try:
            if self.task_id:
                await self._with_user(svc.update_task, self.task_id, data)
            else:
                await self._with_user(svc.create_task, data)
        except ServiceError as exc:
            self.errors = dict(getattr(exc, "errors", {}) or {})
            if self.errors and not isinstance(exc, NotSignedIn):
                return
            return self._fail(exc)
        was_edit = bool(self.task_id)
        self.open = False
        self.errors = {}
        return await self._refreshed(rx.toast.success("Task saved." if was_edit else "Task added."))


class LeadTasksState(AuthState):
    """The lead page's to-dos and events (P9, P17): every visible task on the lead."""

    lead_tasks: rx.Field[list[dict]] = rx.field(default_factory=list)
    lead_tasks_lead_id: rx.Field[int] = rx.field(0)
    lead_tasks_error: str = ""

    @rx.var
    def open_lead_tasks(self) -> int:
        return sum(1 for t in self.lead_tasks if not t["completed"])

    @rx.event
    async def load(self):
        """on_load of the lead page: reads lead_id from the route."""
        return await self._load(route_args(self.router).get("lead_id", ""))

    async def _load(self, lead_id):
        """The lead's tasks; only the vars whose value changed are assigned (and resent)."""
        lid = int_arg(lead_id)
        if lid != self.lead_tasks_lead_id:
            self.lead_tasks_lead_id = lid
            set_if_changed(self, "lead_tasks", [])  # never another lead's rows
        rows, error = [], ""
        try:
            rows = light_rows(await self._with_user(svc.tasks_for_lead, lid))
        except NotSignedIn as exc:
            set_if_changed(self, "lead_tasks", [])
            return self._fail(exc)
        except ServiceError as exc:
            error = str(exc)
        set_if_changed(self, "lead_tasks", rows)
        set_if_changed(self, "lead_tasks_error", error)

    async def _refresh_if_here(self):
        if self.lead_tasks_lead_id:
            return await self._load(self.lead_tasks_lead_id)

    @rx.event
    async def reload(self):
        return await self._refresh_if_here()

    @rx.event
    async def toggle(self, task_id, done: bool):
        tid = int_arg(task_id)
        try:
            await self._with_user(svc.complete_task if done else svc.reopen_task, tid)
        except ServiceError as exc:
            return self._fail(exc)
        await self._load(self.lead_tasks_lead_id)
        if done:
            return rx.toast.success(
                "Task completed.",
                action=ToastAction(label="Undo", on_click=LeadTasksState.toggle(tid, False)),
                duration=8000,
            )


class AgendaState(AuthState):
    """Today's events and to-dos for the dashboard (D9); see components/task_agenda.py."""

    agenda_events: list[dict] = []
    agenda_tasks: list[dict] = []
    agenda_overdue: int = 0
    agenda_more_events: int = 0  # due today beyond the rows shown (on the to-do page)
    agenda_more_tasks: int = 0
    agenda_agent_id: str = ""  # brokers: whose day ("" = their own)

    @rx.var
    def agenda_todo_url(self) -> str:
        """The to-do page of the day shown (a broker looking at an agent's day: that agent's)."""
        return f"/todo?agent={self.agenda_agent_id}" if self.agenda_agent_id else "/todo"

    @rx.event
    async def load(self):
        return await self._load()

    async def _load(self):
        """Read the day shown; only the vars whose value changed are assigned (and resent)."""
        try:
            data = await self._with_user(svc.todays_agenda, None, self.agenda_agent_id or None)
        except ServiceError as exc:
            self.agenda_agent_id = ""
            return self._fail(exc)
        for name, key in (
            ("agenda_events", "events"),
            ("agenda_tasks", "tasks"),
            ("agenda_overdue", "overdue"),
            ("agenda_more_events", "more_events"),
            ("agenda_more_tasks", "more_tasks"),
        ):
            value = data[key]
            set_if_changed(self, name, light_rows(value) if isinstance(value, list) else value)

    async def _refresh_if_here(self):
        """After a change made elsewhere (the task dialog): re-read when the dashboard shows."""
        if (self.router.url.path or "/") in ("/", ""):
            return await self._load()

    @rx.event
    async def reload(self):
        """After the task dialog saved: refresh when the dashboard is on screen."""
        return await self._refresh_if_here()

    async def _narrow(self, agent_id):
        """Show this agent's day ("" = the user's own); the dashboard calls it in its own
        event, so narrowing every panel is one reply."""
        value = str(agent_id or "")[:12]
        set_if_changed(self, "agenda_agent_id", value if value.isdigit() else "")
        return await self._load()

    @rx.event
    async def set_agent(self, agent_id: str):
        """Brokers narrow the panel to one agent ("" = themselves); agents always see their own."""
        return await self._narrow(agent_id)

    @rx.event
    async def toggle(self, task_id, checked: bool):
        tid = int_arg(task_id)
        try:
            await self._with_user(svc.complete_task if checked is True else svc.reopen_task, tid)
        except ServiceError as exc:
            return self._fail(exc)
        return await self._load()
