"""The outbox page (C5): filters in the URL (/outbox?kind=campaign&status=failed&from=...),
one page of emails, one email opened as sent, Retry of a failed one."""

from __future__ import annotations

from urllib.parse import urlencode

import reflex as rx

from leadapp.services import outbox as svc
from leadapp.services.errors import ServiceError

from .args import id_arg, int_arg
from .base import AuthState

FILTER_KEYS = ("kind", "status", "from", "to", "lead", "page")


class OutboxState(AuthState):
    rows: rx.Field[list[dict]] = rx.field(default_factory=list)
    total: int = 0
    page: int = 1
    pages: int = 1
    filters: rx.Field[dict[str, str]] = rx.field(default_factory=dict)
    loaded: bool = False
    # the email opened in the dialog
    open_id: int = 0
    email: dict = {}

    @rx.event
    async def load(self):
        params = {k: v for k, v in self.router.url.query_parameters.items() if k in FILTER_KEYS}
        try:
            data = await self._with_user(svc.list_emails, params)
        except ServiceError as exc:
            self.loaded = True
            return self._fail(exc)
        self._apply(data)

    def _apply(self, data: dict) -> None:
        self.rows = data["rows"]
        self.total, self.page, self.pages = data["total"], data["page"], data["pages"]
        self.filters = data["filters"]
        self.loaded = True

    def _goto(self, params: dict):
        clean = svc.clean_filters(params)
        query = urlencode(clean)
        return rx.redirect("/outbox" + (f"?{query}" if query else ""))

    @rx.event
    def set_filter(self, key: str, value: str):
        """Change one filter ("" or "any" removes it); back to the first page."""
        key, value = str(key)[:10], str(value or "")[:20]
        if key not in FILTER_KEYS or key == "page":
            return
        params = dict(self.filters)
        params.pop("page", None)
        if value in ("", "any"):
            params.pop(key, None)
        else:
            params[key] = value
        return self._goto(params)

    @rx.event
    def apply_range(self, form: dict):
        if not isinstance(form, dict):
            return
        params = {k: v for k, v in self.filters.items() if k != "page"}
        for key in ("from", "to"):
            params[key] = str(form.get(key) or "")[:10]
        return self._goto(params)

    @rx.event
    def clear_filters(self):
        return rx.redirect("/outbox")

    @rx.event
    def go_page(self, page: int):
        n = int_arg(page)
        if n < 1:
            return
        return self._goto({**self.filters, "page": str(n)})

    @rx.event
    async def open_email(self, email_id: int):
        n = id_arg(email_id)
        if not n:
            return
        try:
            self.email = await self._with_user(svc.open_email, n)
        except ServiceError as exc:
            return self._fail(exc)
        self.open_id = n

    @rx.event
    def close_email(self):
        self.open_id, self.email = 0, {}

    @rx.event
    async def retry(self, email_id: int):
        n = id_arg(email_id)
        if not n:
            return
        try:
            await self._with_user(svc.retry, n)
            data = await self._with_user(svc.list_emails, dict(self.filters))
        except ServiceError as exc:
            return self._fail(exc)
        self._apply(data)
        if self.open_id == n:
            self.open_id, self.email = 0, {}
        return rx.toast.success("Queued again; it goes out with the next delivery.")
