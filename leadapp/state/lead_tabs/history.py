"""The History tab (P8, P10 details): notes, calls, quick events and the audit trail."""

from __future__ import annotations

from typing import ClassVar

import reflex as rx

from leadapp.services import lead_page as svc
from leadapp.services.errors import ServiceError, ValidationFailed
from leadapp.services.lead_page.types import HistoryPage, HistoryRow

from ..args import id_arg
from ..lead import LeadState
from ..lead_tab import FilteredPager
from .forms import clip


class HistoryTab(FilteredPager, LeadState):
    TAB: ClassVar[str] = "history"
    FILTERS: ClassVar[tuple[str, ...]] = tuple(k for k in svc.HISTORY_FILTERS if k)
    rows: list[HistoryRow] = []
    # "Add new": the note or call form ("" closed); what was typed stays when a save fails.
    note_kind: str = ""
    note_errors: dict[str, str] = {}
    note_draft: dict[str, str] = {}
    # "Add details" on one entry
    details_id: int = 0
    details_text: str = ""

    async def _fetch(self, filter_value: str, page: int) -> HistoryPage | None:
        return await self._get(svc.history_page, filter_value, page)

    @rx.event
    def open_note(self, kind: str):
        kind = str(kind)[:10]
        self.note_kind = kind if kind in ("note", "call") else ""
        self.note_errors = {}

    @rx.event
    def close_note(self):
        self.note_kind = ""
        self.note_errors = {}

    @rx.event
    async def add_note(self, form: dict):
        f = clip(form, ("title", "body"), 25000)
        kind = self.note_kind or "note"
        try:
            await self._with_user(
                svc.add_note, self.lead_id, kind, f.get("title", ""), f.get("body", "")
            )
        except ValidationFailed as exc:
            self.note_errors, self.note_draft = exc.errors, f
            return rx.toast.error("Not saved: " + "; ".join(exc.errors.values()))
        except ServiceError as exc:
            return self._fail(exc)
        self.note_kind, self.note_errors, self.note_draft = "", {}, {}
        self._assign(page=0)
        lead = await self._lead()
        lead._assign(tab="history")
        return await self._changed("Saved to history.", header=True)

    @rx.event
    def start_details(self, entry_id: int):
        entry_id = id_arg(entry_id)
        row = next((r for r in self.rows if r["id"] == entry_id), None)
        if row is None:
            return
        self.details_id, self.details_text = entry_id, str(row.get("body", ""))

    @rx.event
    def cancel_details(self):
        self.details_id, self.details_text = 0, ""

    @rx.event
    async def save_details(self, form: dict):
        text = str((form or {}).get("details", "") if isinstance(form, dict) else "")[:25000]
        ok, events = await self._action(
            svc.set_entry_details, self.details_id, text, ok="Details saved."
        )
        if ok is not False:
            self.details_id, self.details_text = 0, ""
        else:
            self.details_text = text
        return events
