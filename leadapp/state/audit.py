"""The audit log page (brokers)."""

from __future__ import annotations

import reflex as rx

from leadapp.services import audit_log
from leadapp.services.errors import ServiceError

from .base import AuthState


class AuditState(AuthState):
    rows: list[dict] = []
    total: int = 0
    page_no: int = 1
    pages: int = 1
    action: str = "all"
    error: str = ""

    @rx.var
    def action_choices(self) -> list[dict]:
        return [{"value": "all", "label": "Every kind"}] + [
            {"value": k, "label": v} for k, v in audit_log.ACTIONS.items()
        ]

    async def _fetch(self):
        try:
            data = await self._with_user(
                audit_log.page,
                action="" if self.action == "all" else self.action,
                page_no=self.page_no,
            )
        except ServiceError as exc:
            self.rows, self.total, self.error = [], 0, str(exc)
            return self._fail(exc)
        self.error = ""
        self.rows, self.total = data["rows"], data["total"]
        self.page_no, self.pages = data["page"], data["pages"]

    @rx.event
    async def load(self):
        self.page_no = 1
        return await self._fetch()

    @rx.event
    async def set_action(self, value: str):
        value = str(value)[:32]
        self.action = value if value == "all" or value in audit_log.ACTIONS else "all"
        self.page_no = 1
        return await self._fetch()

    @rx.event
    async def go_page(self, delta: int):
        try:
            step = max(-1, min(1, int(delta)))
        except (TypeError, ValueError):
            return
        self.page_no = max(1, min(self.pages, self.page_no + step))
        return await self._fetch()
