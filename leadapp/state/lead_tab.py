"""What every tab of the lead page shares: the LeadTab and Pager mixins.

A tab is a substate of LeadState with a `TAB` key and a `_load()`:

    class NotesTab(LeadTab, LeadState):
        TAB: ClassVar[str] = "notes"
        rows: list[NoteRow] = []

        async def _load(self) -> None:
            data = await self._get(svc.notes_of)
            if data is not None:
                self._assign(rows=data)

It inherits `lead_id`, `tab` and `tab_error` from LeadState; LeadState opens it by its key
(`set_tab`) and reloads it after a change while it is open. A paged tab mixes in Pager
(or FilteredPager, with FILTERS) instead and writes `_fetch()`; it gets the `goto(page)`
(and `filter_by(value)`) events.
Every service call passes the page's lead id to a service that checks access again, so a
forged call for another agent's lead is refused and changes nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

import reflex as rx

from leadapp.services.errors import ServiceError

from .lead import LeadState

# A mixin is no substate of its own; for the type checker it is the LeadState it mixes into.
_Base = LeadState if TYPE_CHECKING else rx.State


class LeadTab(_Base, mixin=True):
    """One tab of the lead page (a substate of LeadState)."""

    TAB: ClassVar[str] = ""

    async def _load(self) -> None:
        """Fetch this tab's rows for self.lead_id (failures set self.tab_error)."""
        raise NotImplementedError

    async def _get(self, fn, *args):
        """A service's answer for this lead, or None after noting why not in tab_error."""
        try:
            return await self._with_user(fn, self.lead_id, *args)
        except ServiceError as exc:
            self.tab_error = str(exc)
            return None

    async def _load_keys(self, fn, *names: str) -> None:
        """Load the vars `names` from the same keys of the service's answer for this lead."""
        data = await self._get(fn)
        if data is not None:
            self._assign(**{name: data[name] for name in names})

    async def _lead(self) -> LeadState:
        return await self.get_state(LeadState)

    async def _action(self, fn, *args, ok: str = "", header: bool = False):
        """One change; then the open tab (and the header when counts move) reloads in place."""
        try:
            result = await self._with_user(fn, self.lead_id, *args)
        except ServiceError as exc:
            return False, [self._fail(exc)]
        return result, await self._changed(ok, header=header)

    async def _changed(self, ok: str = "", header: bool = False) -> list:
        """After a change: reload the open tab (and the header); toasts for the reply."""
        lead = await self._lead()
        events: list[Any] = []
        if header:
            failed = await lead._refresh()
            if failed is not None:
                events.append(failed)
        failed = await lead._tabs_changed()
        if failed is not None:
            events.append(failed)
        if ok:
            events.append(rx.toast.success(ok))
        return events


class Pager(LeadTab, mixin=True):
    """A tab showing one page of its rows (`rows`, declared with its row type) of `total`."""

    page: int = 0
    pages: int = 1
    total: int = 0

    async def _fetch(self, filter_value: str, page: int) -> Any:
        """The service's page {rows, total, page, pages} ("" for no filter), or None."""
        raise NotImplementedError

    def _filter_value(self) -> str:
        return ""

    async def _load(self) -> None:
        data = await self._fetch(self._filter_value(), self.page)
        if data is not None:
            self._assign(rows=data["rows"], pages=data["pages"], total=data["total"])

    @rx.event
    async def goto(self, page: int):
        try:
            page = max(0, min(int(page), self.pages - 1))
        except (TypeError, ValueError):
            return
        self._assign(page=page)
        return await (await self._lead())._load_tab(self.TAB)


class FilteredPager(Pager, mixin=True):
    """A paged tab with one filter: "all" or one of FILTERS."""

    FILTERS: ClassVar[tuple[str, ...]] = ()
    filter: str = "all"

    def _filter_value(self) -> str:
        return "" if self.filter == "all" else self.filter

    @rx.event
    async def filter_by(self, value: str):
        value = str(value)[:30]
        self._assign(filter=value if value in self.FILTERS else "all", page=0)
        return await (await self._lead())._load_tab(self.TAB)
