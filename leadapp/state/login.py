"""The sign-in page (G1)."""

from __future__ import annotations

import reflex as rx

from leadapp.services import auth, first_run
from leadapp.services.errors import ServiceError

from .base import AuthState, run_db
from .request_info import client_address, user_agent


def _safe_next(url: str) -> str:
    """Only same-site paths are followed after sign-in."""
    if (
        isinstance(url, str)
        and url.startswith("/")
        and not url.startswith("//")
        and "\\" not in url
    ):
        return url
    return "/"


class LoginState(AuthState):
    error: str = ""
    busy: bool = False

    @rx.event
    async def sign_in(self, form: dict):
        if not isinstance(form, dict):
            self.error = "Enter your email and password."
            return
        email, password = str(form.get("email", ""))[:320], str(form.get("password", ""))[:200]
        address, browser = client_address(self), user_agent(self)
        self.busy = True
        yield
        try:

            def go(session):
                token, user = auth.sign_in(session, email, password, address, browser)
                return token, user, auth.brokerage_of(session, user).name

            token, user, bname = await run_db(go)
        except ServiceError as exc:
            self.error = str(exc)
            self.busy = False
            return
        target = _safe_next(self.after_login)
        # Nothing of whoever used this tab before survives a sign-in.
        await self._clear_tab()
        self.session_token = token
        self._remember_user(user, bname)
        yield rx.redirect(target)

    @rx.event
    async def redirect_if_signed_in(self):
        def who(session, token):
            return auth.user_for_token(session, token), first_run.needs_setup(session)

        user, empty = await run_db(who, self.session_token)
        if user is not None:
            return rx.redirect("/")
        if empty:  # a database without users starts with the first-run setup
            return rx.redirect("/setup")
        # Signed out: the tab keeps no data of the last user (only where to go next).
        after, notice = self.after_login, self.login_notice
        await self._clear_tab()
        self.after_login, self.login_notice = after, notice
