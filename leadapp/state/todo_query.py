"""The to-do page's list (T1-T4): its sections, filters and "Show more", as a mixin of TodoState.

The filters live in the URL (/todo?kind=call&lead=12&from=2026-11-01&to=2026-11-30&done=all
&agent=all). A change of filter is one event and one reply: the handler reads the new list
and writes the URL without a navigation (state/url.py); a reload, a link or the back button
runs `load` (on_load), which reads the filters back from the URL. Each section sends
PAGE_ROWS rows, and "Show more" adds the next ones from the rows the server holds.

A change that only takes rows out of a section (a tick, a delete) is sent as their ids
(`gone`): the section's list stays as the browser has it and the page leaves those rows
out, so a tick's reply is the ids and the counts instead of the whole section.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import urlencode

import reflex as rx

from leadapp.services import tasks as svc
from leadapp.services.errors import ServiceError

from .base import AuthState
from .url import follow_url, set_if_changed

FILTER_KEYS = ("kind", "lead", "from", "to", "done", "agent")
# Rows of a section on screen at first, and added by its "Show more" (the service reads up
# to svc.SECTION_LIMIT; the rest stay on the server, so a tick resends one short page).
PAGE_ROWS = 25
# What components/task_list.task_row shows of a row (the rest of the service's row is
# for the edit dialog and the reminders, and would only make every reply heavier).
ROW_KEYS = (
    "id",
    "title",
    "notes",
    "kind",
    "kind_label",
    "due_label",
    "state",
    "color",
    "completed",
    "completed_label",
    "lead_id",
    "lead_name",
    "owner_name",
    "mine",
)


def light_rows(rows: list[dict]) -> list[dict]:
    """The rows as the task list shows them (ROW_KEYS only)."""
    return [{k: r[k] for k in ROW_KEYS} for r in rows]


def _taken_out(current: list[dict], new: list[dict]) -> list[int] | None:
    """The ids of the rows `new` lacks when it is `current` with some rows taken out (the
    same rows otherwise, in the same order); None when it differs in any other way."""
    if len(new) > len(current):
        return None
    taken: list[int] = []
    i = 0
    for row in current:
        if i < len(new) and new[i] == row:
            i += 1
        else:
            taken.append(row["id"])
    return taken if i == len(new) else None


def _on_screen(
    current: list[dict], rows: list[dict], limit: int, fill: bool
) -> tuple[list[dict], list[int] | None]:
    """A section's rows on screen and the ids taken out of its list in the browser (None: the
    list is sent again). The first `limit` rows, unless they are `current` with rows taken
    out; without `fill`, also fewer than `limit` when `current` with rows taken out is the
    start of `rows` (a tick does not move a row up from "Show more")."""
    first = rows[:limit]
    taken = _taken_out(current, first)
    if taken is not None or fill:
        return first, taken
    ids = {r["id"] for r in rows}
    start = rows[: min(limit, sum(1 for r in current if r["id"] in ids))]
    taken = _taken_out(current, start)
    return (start, taken) if taken else (first, None)


def _page_data(session, user, params):
    data = svc.list_tasks(session, user, params)
    data["assignees"] = svc.assignees(session, user)
    lead_id = data["filters"].get("lead")
    data["lead_name"] = ""
    if lead_id:
        try:
            data["lead_name"] = svc.lead_choice(session, user, lead_id)["name"]
        except ServiceError:
            data["lead_name"] = "(not yours)"
    return data


class LeadPicker(Protocol):
    """A state with a lead picker: TaskDialogState, and TodoQuery for the lead filter."""

    lead_query: str
    lead_results: rx.Field[list[dict]]

    async def _with_user(self, fn: Callable, *args, **kwargs) -> Any: ...

    def _fail(self, exc: Exception) -> Any: ...


async def search_lead_picker(state: LeadPicker, query: str):
    """A lead picker's search (the task dialog's lead, the lead filter): the typed text
    (80 characters at most) in state.lead_query, the leads it finds in state.lead_results; a
    blank box finds none."""
    state.lead_query = str(query or "")[:80]
    if not state.lead_query.strip():
        state.lead_results = []
        return None
    try:
        state.lead_results = await state._with_user(svc.search_leads, state.lead_query)
    except ServiceError as exc:
        return state._fail(exc)
    return None


# A mixin is no substate of its own; for the type checker it is the AuthState it mixes into.
_Base = AuthState if TYPE_CHECKING else rx.State


class TodoQuery(_Base, mixin=True):
    """The list on screen: one page per section, the filters, the lead picker's results."""

    overdue: list[dict] = []
    today: list[dict] = []
    upcoming: list[dict] = []
    completed: rx.Field[list[dict]] = rx.field(default_factory=list)
    counts: rx.Field[dict[str, int]] = rx.field(default_factory=dict)
    # per section: rows read but not shown yet ("Show more")
    hidden: rx.Field[dict[str, int]] = rx.field(default_factory=dict)
    # per section: ids of rows still in its list but no longer in it (see the module's
    # docstring); per section, as a ticked row leaves one section and enters another
    # (every section's key is there, so the page reads a list for each)
    gone: rx.Field[dict[str, list[int]]] = rx.field(
        default_factory=lambda: {key: [] for key in svc.SECTIONS}
    )
    # per section: the rows on screen (its list without the gone ones)
    shown: rx.Field[dict[str, int]] = rx.field(default_factory=dict)
    filters: rx.Field[dict[str, str]] = rx.field(default_factory=dict)
    filter_count: int = 0
    filter_lead_name: str = ""
    agents: list[dict] = []
    loaded: rx.Field[bool] = rx.field(False)
    lead_query: str = ""
    lead_results: rx.Field[list[dict]] = rx.field(default_factory=list)

    _rows: dict[str, list[dict]] = {}  # every row read, per section
    _shown: dict[str, int] = {}  # rows on screen per section (default PAGE_ROWS)

    @rx.event
    async def load(self):
        params = {k: v for k, v in self.router.url.query_parameters.items() if k in FILTER_KEYS}
        try:
            data = await self._with_user(_page_data, params)
        except ServiceError as exc:
            self.loaded = True
            return self._fail(exc)
        self._shown = {}
        self._apply(data)

    def _apply(self, data: dict, fill: bool = True) -> None:
        """Show the service's answer; only what changed is assigned (and resent). fill=False
        (after a change on this page): a section whose rows were only taken out keeps them
        out without moving the next rows up from "Show more"."""
        put = lambda name, value: set_if_changed(self, name, value)  # noqa: E731
        put("lead_query", "")
        put("lead_results", [])
        self._rows = {k: light_rows(v) for k, v in data["sections"].items()}
        self._show_sections(fill)
        put("counts", data["counts"])
        put("filters", data["filters"])
        put("filter_count", data["filter_count"])
        put("filter_lead_name", data["lead_name"])
        put("agents", data["assignees"])
        put("loaded", True)

    def _show_sections(self, fill: bool = True) -> None:
        hidden, shown_counts, gone = {}, {}, {}
        for key in svc.SECTIONS:
            rows = self._rows.get(key, [])
            shown, taken = _on_screen(
                getattr(self, key), rows, self._shown.get(key, PAGE_ROWS), fill
            )
            if taken is None:
                set_if_changed(self, key, shown)
            gone[key] = taken or []
            hidden[key] = len(rows) - len(shown)
            shown_counts[key] = len(shown)
        set_if_changed(self, "hidden", hidden)
        set_if_changed(self, "shown", shown_counts)
        set_if_changed(self, "gone", gone)

    @rx.event
    def show_more(self, section: str):
        """The next PAGE_ROWS rows of one section (already read: no query)."""
        key = str(section)[:12]
        if key not in svc.SECTIONS or not self.hidden.get(key):
            return
        self._shown = {**self._shown, key: self._shown.get(key, PAGE_ROWS) + PAGE_ROWS}
        self._show_sections()

    async def _refresh_if_here(self) -> list:
        """After a change: the list again, in this same reply, when it is on screen."""
        if not self.loaded or not (self.router.url.path or "").startswith("/todo"):
            return []
        return await self._refresh()

    async def _refresh(self) -> list:
        """Read the list again with the filters on screen; [] or the failure's events."""
        try:
            data = await self._with_user(_page_data, dict(self.filters))
        except ServiceError as exc:
            return [self._fail(exc)]
        self._apply(data, fill=False)
        return []

    @rx.event
    async def reload(self):
        """Refresh with the filters already applied (after a change)."""
        if not self.loaded or not (self.router.url.path or "").startswith("/todo"):
            return  # the dialog saved from another page: nothing of ours is on screen
        return await self._refresh() or None

    async def _goto(self, params: dict):
        """Show the list with these filters and write them to the URL, in one reply."""
        clean = {
            k: str(v)[:40] for k, v in params.items() if k in FILTER_KEYS and v not in (None, "")
        }
        if clean == self.filters and self.loaded:
            return None  # already on screen
        try:
            data = await self._with_user(_page_data, clean)
        except ServiceError as exc:
            return self._fail(exc)
        self._shown = {}
        self._apply(data)
        return follow_url("/todo", urlencode(self.filters))

    @rx.event
    async def set_filter(self, key: str, value: str):
        """Change one filter; the URL carries it (value "" removes it)."""
        key, value = str(key)[:10], str(value or "")[:40]
        if key not in FILTER_KEYS:
            return
        params = dict(self.filters)
        if (
            value in ("", "any", "open")
            and key in ("kind", "done", "lead")
            or key == "agent"
            and value == "me"
        ):
            params.pop(key, None)
        else:
            params[key] = value
        parsed = svc.TaskFilters.parse(params).to_params()
        return await self._goto(parsed)

    @rx.event
    async def apply_range(self, form: dict):
        if not isinstance(form, dict):
            return
        params = dict(self.filters)
        for key in ("from", "to"):
            params[key] = str(form.get(key) or "")[:10]
        return await self._goto(svc.TaskFilters.parse(params).to_params())

    @rx.event
    async def search_filter_leads(self, query: str):
        return await search_lead_picker(self, query)

    @rx.event
    async def clear_filters(self):
        return await self._goto({})

    @rx.var
    def show_completed(self) -> bool:
        return self.filters.get("done", "open") in ("all", "done")

    @rx.var
    def show_open(self) -> bool:
        return self.filters.get("done", "open") != "done"

    @rx.var
    def total_open(self) -> int:
        return sum(self.counts.get(k, 0) for k in ("overdue", "today", "upcoming"))

    @rx.var
    def agent_options(self) -> list[list[str]]:
        return [[str(a["id"]), a["name"]] for a in self.agents]
