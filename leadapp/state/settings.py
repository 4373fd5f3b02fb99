"""Settings page state: brokerage settings (brokers) and the user's own time zone."""

from __future__ import annotations

import reflex as rx

from leadapp.services import settings as svc
from leadapp.services.errors import ServiceError
from leadapp.services.settings import UserRow

from .base import AuthState


class SettingsState(AuthState):
    name: str = ""
    primary_email: str = ""
    pool_enabled: bool = True
    default_agent_id: str = ""
    quick_events: str = ""
    reminder_minutes: rx.Field[int] = rx.field(15)
    users: list[UserRow] = []
    timezone: str = "UTC"
    errors: dict[str, str] = {}

    @rx.var
    def timezones(self) -> list[str]:
        return svc.TIMEZONES

    @rx.var
    def agent_choices(self) -> list[dict[str, str]]:
        return [{"id": str(u["id"]), "name": u["name"]} for u in self.users if u["active"]]

    @rx.event
    async def load(self):
        try:
            data = await self._with_user(svc.brokerage_settings)
        except ServiceError as exc:
            return self._fail(exc)
        self.name = data["name"]
        # Agents get no brokerage settings (the service leaves them out).
        self.primary_email = data.get("primary_email", "")
        self.pool_enabled = data.get("unassigned_pool_enabled", False)
        self.default_agent_id = data.get("default_agent_id") or "none"
        self.quick_events = data.get("quick_events", "")
        self.reminder_minutes = data.get("reminder_minutes", 0)
        self.users = data["users"]
        self.timezone = self.user_timezone
        self.errors = {}

    @rx.event
    def set_pool_enabled(self, value: bool):
        self.pool_enabled = bool(value)

    @rx.event
    def set_default_agent(self, value: str):
        self.default_agent_id = str(value)[:20]

    @rx.event
    async def save_brokerage(self, form: dict):
        if not isinstance(form, dict):
            yield rx.toast.error("Nothing to save.")
            return
        form = {
            k: form.get(k) for k in ("name", "primary_email", "quick_events", "reminder_minutes")
        }
        form["unassigned_pool_enabled"] = self.pool_enabled
        form["default_agent_id"] = self.default_agent_id
        try:
            await self._with_user(svc.update_brokerage, form)
        except ServiceError as exc:
            self.errors = getattr(exc, "errors", {})
            yield self._fail(exc)
            return
        self.errors = {}
        yield SettingsState.load
        yield rx.toast.success("Settings saved.")

    @rx.event
    async def save_timezone(self, tz: str):
        try:
            me = await self._with_user(svc.set_timezone, str(tz)[:64])
        except ServiceError as exc:
            return self._fail(exc)
        self.timezone = self.user_timezone = me.timezone
        return rx.toast.success(f"Time zone set to {me.timezone}.")
