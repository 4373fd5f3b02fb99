"""The sign-in page (G1)."""

from __future__ import annotations

import reflex as rx

from leadapp.services import auth
from leadapp.services.errors import ServiceError

from .base import AuthState, run_db


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
        self.busy = True
        yield
        try:

            def go(session):
                token, user = auth.sign_in(session, email, password)
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
        user = await run_db(auth.user_for_token, self.session_token)
        if user is not None:
            return rx.redirect("/")
        # Signed out: the tab keeps no data of the last user (only where to go next).
        after, notice = self.after_login, self.login_notice
        await self._clear_tab()
        self.after_login, self.login_notice = after, notice
