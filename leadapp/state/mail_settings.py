"""Settings → Email (C5): the brokerage's sending identity, brand and DKIM key (brokers)."""

from __future__ import annotations

import reflex as rx

from leadapp.services import mail_settings as svc
from leadapp.services.errors import ServiceError, ValidationFailed

from .base import AuthState


class MailSettingsState(AuthState):
    values: dict[str, str] = {}
    key_set: bool = False
    errors: dict[str, str] = {}
    loaded: bool = False

    def _apply(self, data: dict) -> None:
        self.key_set = bool(data.pop("dkim_key_set"))
        self.values = {k: str(v) for k, v in data.items()}
        self.loaded = True

    @rx.event
    async def load(self):
        if self.user_role and self.user_role != "broker":
            return
        try:
            self._apply(await self._with_user(svc.get))
        except ServiceError:
            self.values, self.loaded = {}, False  # agents: the section is not shown
        self.errors = {}

    @rx.event
    async def save(self, form: dict):
        if not isinstance(form, dict):
            return rx.toast.error("Nothing to save.")
        clean = {str(k)[:40]: str(v)[:8100] for k, v in list(form.items())[:20]}
        try:
            data = await self._with_user(svc.save, clean)
        except ValidationFailed as exc:
            self.errors = exc.errors
            return rx.toast.error("Please correct the highlighted fields.")
        except ServiceError as exc:
            return self._fail(exc)
        self._apply(data)
        self.errors = {}
        return rx.toast.success("Email settings saved.")
