"""Pages reached without signing in (G1): first-run setup, set a password, forgot password."""

from __future__ import annotations

import asyncio
import logging

import reflex as rx

from leadapp.services import accounts, auth, first_run
from leadapp.services.errors import ServiceError, ValidationFailed

from .base import AuthState, run_db
from .request_info import base_url, client_address, user_agent

log = logging.getLogger("leadapp.state")

FORGOT_ANSWER = (
    "If that email belongs to an active account, a link to choose a new password is on its "
    "way. It works once, for one hour."
)


def _form(form, keys: tuple[str, ...], max_len: int = 600) -> dict:
    if not isinstance(form, dict):
        return {}
    return {k: str(form.get(k) or "")[:max_len] for k in keys}


class SetupState(AuthState):
    """First-run setup: only while the database has no user."""

    errors: dict[str, str] = {}
    setup_timezone: str = "America/Los_Angeles"

    @rx.var
    def timezones(self) -> list[str]:
        from leadapp.services.settings import TIMEZONES

        return TIMEZONES

    @rx.event
    async def load(self):
        if not await run_db(first_run.needs_setup):
            return rx.redirect("/login")

    @rx.event
    def set_setup_timezone(self, value: str):
        self.setup_timezone = str(value)[:64]

    @rx.event
    async def submit(self, form: dict):
        keys = ("brokerage_name", "primary_email", "postal_address", "name", "email", "password")
        data = _form(form, keys)
        data["timezone"] = self.setup_timezone
        address, browser = client_address(self), user_agent(self)

        def go(session):
            broker = first_run.set_up(session, data, address)
            token = auth.start_session(session, broker, address, browser)
            return token, broker, auth.brokerage_of(session, broker).name

        try:
            token, broker, bname = await run_db(go)
        except ValidationFailed as exc:
            self.errors = exc.errors
            return
        except ServiceError as exc:
            self.errors = {}
            yield [rx.toast.error(str(exc)), rx.redirect("/login")]
            return
        await self._clear_tab()
        self.session_token = token
        self._remember_user(broker, bname)
        # As at sign-in: the token reaches the browser's storage in this update, before the
        # redirect's hydrate reads it back (one reply could send the redirect first).
        yield rx.toast.success(f"{bname} is set up. Welcome!")
        yield rx.redirect("/")


class SetPasswordState(AuthState):
    """/set-password?token=…: an invitation or reset link."""

    link_error: str = ""
    link_purpose: str = ""
    link_name: str = ""
    link_email: str = ""
    errors: dict[str, str] = {}

    def _token(self) -> str:
        return str(self.router.url.query_parameters.get("token", ""))[:200]

    @rx.event
    async def load(self):
        self.errors = {}
        try:
            info = await run_db(accounts.describe, self._token())
        except ServiceError as exc:
            self.link_error, self.link_purpose = str(exc), ""
            return
        self.link_error = ""
        self.link_purpose = info["purpose"]
        self.link_name, self.link_email = info["name"], info["email"]

    @rx.event
    async def submit(self, form: dict):
        data = _form(form, ("password", "repeat"), 300)
        if data.get("password", "") != data.get("repeat", ""):
            self.errors = {"repeat": "The two passwords differ."}
            return
        address = client_address(self)
        try:
            await run_db(accounts.redeem, self._token(), data.get("password", ""), address)
        except ValidationFailed as exc:
            self.errors = exc.errors
            return
        except ServiceError as exc:
            self.link_error = str(exc)
            return
        await self._clear_tab()
        self.login_notice = "Your password is set. Sign in with it."
        return rx.redirect("/login")


class ForgotPasswordState(AuthState):
    sent: bool = False

    @rx.event
    def reset_form(self):
        self.sent = False

    @rx.event
    async def submit(self, form: dict):
        email = _form(form, ("email",), 320).get("email", "")
        try:
            await run_db(accounts.request_reset, email, base_url(self), client_address(self))
        except ServiceError:  # the same answer whatever happened
            log.exception("password reset request failed")
        # Delivery runs in the background whether or not an email was queued, so the
        # answer takes as long for an unknown email as for a known one.
        asyncio.get_running_loop().create_task(asyncio.to_thread(accounts.deliver_now))
        self.sent = True
