"""Markets page state (C1): brokers manage, agents read (and preview)."""

from __future__ import annotations

from typing import Any

import reflex as rx

from leadapp.models.enums import PROPERTY_TYPES
from leadapp.services import markets as svc
from leadapp.services.errors import ServiceError

from .base import AuthState

FORM_KEYS = (
    "name",
    "city",
    "postal_code",
    "transaction",
    "property_type",
    "min_price",
    "max_price",
    "min_beds",
    "min_baths",
    "every",
)
EMPTY = {k: "" for k in FORM_KEYS} | {"transaction": "sale", "property_type": "any", "every": "7"}


class MarketsState(AuthState):
    rows: rx.Field[list[dict]] = rx.field(default_factory=list)
    show_archived: bool = False
    edit_id: rx.Field[int] = rx.field(0)  # 0 = a new market
    editing: bool = False
    form: dict[str, str] = dict(EMPTY)
    form_key: rx.Field[int] = rx.field(0)
    errors: rx.Field[dict[str, str]] = rx.field(default_factory=dict)
    preview_name: str = ""
    preview_rows: list[dict] = []
    preview_open: bool = False

    @rx.var
    def property_types(self) -> list[dict]:
        return [{"code": "any", "label": "Any type"}] + [
            {"code": k, "label": v} for k, v in PROPERTY_TYPES.items()
        ]

    @rx.event
    async def load(self):
        try:
            self.rows = await self._with_user(svc.list_markets, self.show_archived)
        except ServiceError as exc:
            return self._fail(exc)

    @rx.event
    async def toggle_archived(self, value: bool):
        self.show_archived = bool(value)
        return MarketsState.load

    @rx.event
    def new_market(self):
        self.edit_id, self.form, self.errors, self.editing = 0, dict(EMPTY), {}, True
        self.form_key += 1

    async def _on_market(self, fn, market_id, *args) -> tuple[Any, Any]:
        """fn(session, user, market id, *args); (result, None), or (None, what to show) for a
        refusal or an id that is no number."""
        try:
            return await self._with_user(fn, int(market_id), *args), None
        except (TypeError, ValueError):
            return None, rx.toast.error("That market does not exist.")
        except ServiceError as exc:
            return None, self._fail(exc)

    @rx.event
    async def edit_market(self, market_id: int):
        data, failed = await self._on_market(svc.market_form, market_id)
        if failed is not None:
            return failed
        self.edit_id = data["id"]
        self.form = dict(EMPTY) | data["form"] | {"name": data["name"], "every": data["every"]}
        self.errors, self.editing = {}, True
        self.form_key += 1

    @rx.event
    def cancel_edit(self):
        self.editing, self.errors = False, {}

    @rx.event
    async def save(self, form: dict):
        if not isinstance(form, dict):
            return rx.toast.error("Nothing to save.")
        data = {k: str(form.get(k) or "")[:200] for k in FORM_KEYS}
        try:
            m = await self._with_user(svc.save_market, self.edit_id or None, data)
        except ServiceError as exc:
            self.errors = dict(getattr(exc, "errors", {}) or {})
            self.form = data
            return self._fail(exc)
        self.errors, self.editing = {}, False
        return [MarketsState.load, rx.toast.success(f"Market saved: {m.name} (ID {m.id}).")]

    @rx.event
    async def archive(self, market_id: int, archived: bool):
        _, failed = await self._on_market(svc.set_archived, market_id, bool(archived))
        if failed is not None:
            return failed
        return [MarketsState.load, rx.toast.success("Archived." if archived else "Restored.")]

    @rx.event
    async def preview(self, market_id: int):
        rows, failed = await self._on_market(svc.previews, market_id)
        if failed is not None:
            return failed
        self.preview_name = next((r["name"] for r in self.rows if r["id"] == int(market_id)), "")
        self.preview_rows, self.preview_open = rows, True

    @rx.event
    def close_preview(self, _open: bool = False):
        self.preview_open = False
