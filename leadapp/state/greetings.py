"""Settings → Greetings and alerts (C4, P14): the send hours and each greeting's template."""

from __future__ import annotations

import reflex as rx

from leadapp.services import greetings as svc
from leadapp.services.errors import ServiceError

from .base import AuthState


class GreetingsState(AuthState):
    hour: str = "9"
    alert_hour: str = "7"
    birthday_on: bool = True
    birthday_subject: str = ""
    birthday_body: str = ""
    anniversary_on: bool = True
    anniversary_subject: str = ""
    anniversary_body: str = ""
    errors: dict[str, str] = {}
    form_key: rx.Field[int] = rx.field(0)

    @rx.event
    async def load(self):
        try:
            data = await self._with_user(svc.greeting_settings)
        except ServiceError as exc:
            return self._fail(exc)
        self.hour, self.alert_hour = str(data["hour"]), str(data["alert_hour"])
        b, a = data["kinds"]["birthday"], data["kinds"]["anniversary"]
        self.birthday_on, self.birthday_subject, self.birthday_body = (
            b["on"],
            b["subject"],
            b["body"],
        )
        self.anniversary_on, self.anniversary_subject = a["on"], a["subject"]
        self.anniversary_body = a["body"]
        self.errors = {}
        self.form_key += 1

    @rx.event
    def set_birthday_on(self, value: bool):
        self.birthday_on = bool(value)

    @rx.event
    def set_anniversary_on(self, value: bool):
        self.anniversary_on = bool(value)

    @rx.event
    async def save(self, form: dict):
        if not isinstance(form, dict):
            return rx.toast.error("Nothing to save.")

        def f(k, n=5000):
            return str(form.get(k) or "")[:n]

        data = {
            "hour": f("hour", 4),
            "alert_hour": f("alert_hour", 4),
            "birthday": {
                "on": self.birthday_on,
                "subject": f("birthday_subject", 300),
                "body": f("birthday_body"),
            },
            "anniversary": {
                "on": self.anniversary_on,
                "subject": f("anniversary_subject", 300),
                "body": f("anniversary_body"),
            },
        }
        try:
            await self._with_user(svc.save_greeting_settings, data)
        except ServiceError as exc:
            self.errors = dict(getattr(exc, "errors", {}) or {})
            return self._fail(exc)
        return [GreetingsState.load, rx.toast.success("Greetings and alert hours saved.")]
