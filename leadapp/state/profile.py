"""Your profile (everyone): details, password, signed-in sessions."""

from __future__ import annotations

import reflex as rx

from leadapp.services import audit_log, auth, profile
from leadapp.services.errors import NotSignedIn, ServiceError, ValidationFailed

from .base import AuthState
from .request_info import client_address


class ProfileState(AuthState):
    name: str = ""
    phone: str = ""
    email_signature: str = ""
    timezone: str = "UTC"
    sessions: list[dict] = []
    errors: dict[str, str] = {}
    password_errors: dict[str, str] = {}

    @rx.var
    def timezones(self) -> list[str]:
        from leadapp.services.settings import TIMEZONES

        return TIMEZONES

    async def _reload(self):
        data = await self._with_user(profile.my_profile)
        self.name, self.phone = data["name"], data["phone"]
        self.email_signature, self.timezone = data["email_signature"], data["timezone"]
        self.sessions = await self._with_user(auth.my_sessions, self.session_token)

    @rx.event
    async def load(self):
        self.errors, self.password_errors = {}, {}
        try:
            await self._reload()
        except ServiceError as exc:
            return self._fail(exc)

    @rx.event
    def set_profile_timezone(self, value: str):
        self.timezone = str(value)[:64]

    @rx.event
    async def save(self, form: dict):
        if not isinstance(form, dict):
            return
        data = {k: str(form.get(k) or "")[:2100] for k in ("name", "phone", "email_signature")}
        data["timezone"] = self.timezone
        try:
            me = await self._with_user(profile.update_profile, data, client_address(self))
        except ValidationFailed as exc:
            self.errors = exc.errors
            return
        except ServiceError as exc:
            return self._fail(exc)
        self.errors = {}
        self.user_name, self.user_timezone = me.name, me.timezone
        return rx.toast.success("Profile saved.")

    @rx.event
    async def change_password(self, form: dict):
        if not isinstance(form, dict):
            return
        current, new, repeat = (str(form.get(k) or "")[:300] for k in ("current", "new", "repeat"))
        if new != repeat:
            self.password_errors = {"repeat": "The two new passwords differ."}
            return
        try:
            await self._with_user(
                auth.change_password, current, new, self.session_token, client_address(self)
            )
            self.sessions = await self._with_user(auth.my_sessions, self.session_token)
        except ValidationFailed as exc:
            self.password_errors = {
                ("new" if k == "password" else k): v for k, v in exc.errors.items()
            }
            return
        except ServiceError as exc:
            return self._fail(exc)
        self.password_errors = {}
        return rx.toast.success("Password changed; your other sessions were signed out.")

    @rx.event
    async def end_session(self, session_id):
        try:
            sid = int(str(session_id)[:18])
        except (TypeError, ValueError):
            return rx.toast.error("That session does not exist.")
        try:
            await self._with_user(auth.end_my_session, sid)
            self.sessions = await self._with_user(auth.my_sessions, self.session_token)
        except ServiceError as exc:
            return self._fail(exc)
        return rx.toast.success("That session is signed out.")

    @rx.event
    async def sign_out_everywhere(self):
        address = client_address(self)

        def everywhere(session, user):
            n = auth.end_sessions(session, user.id)
            audit_log.record(
                session,
                user.brokerage_id,
                "sessions_ended",
                actor=user,
                detail=f"signed out everywhere ({n} sessions)",
                address=address,
            )

        try:
            await self._with_user(everywhere)
        except ServiceError as exc:
            return self._fail(exc)
        return self._fail(NotSignedIn("You are signed out on every device."))
