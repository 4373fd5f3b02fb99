"""The signed-in user and the bridge from event handlers to services.

Every public event handler can be called by any client with any payload, so:
- handlers never trust a user id from the client: `_with_user` resolves the session
  token on every call and passes the acting user to the service, which authorizes;
- arguments are plain values (ints, strings, dicts), validated by the services;
- database work runs in a worker thread, so a slow query never blocks other clients.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any

import reflex as rx

from leadapp.db import session_scope
from leadapp.services import auth
from leadapp.services.errors import NotSignedIn, ServiceError, ValidationFailed

from .request_info import client_address
from .url import set_if_changed

log = logging.getLogger("leadapp.state")

TOKEN_STORAGE_NAME = "leadapp_session"


async def run_db(fn: Callable, *args, **kwargs) -> Any:
    """fn(session, *args, **kwargs) in one transaction, in a worker thread."""

    def call():
        with session_scope() as session:
            return fn(session, *args, **kwargs)

    return await asyncio.to_thread(call)


def _as_user_call(token: str, fn: Callable, args, kwargs):
    with session_scope() as session:
        user = auth.user_for_token(session, token)
        if user is None:
            raise NotSignedIn()
        return fn(session, user, *args, **kwargs)


class AuthState(rx.State):
    """Base of every signed-in page's state."""

    # The random session token; the server keeps only its hash (services/auth.py).
    session_token: str = rx.LocalStorage("", name=TOKEN_STORAGE_NAME, sync=True)
    user_id: rx.Field[int] = rx.field(0)
    user_name: rx.Field[str] = rx.field("")
    user_email: str = ""
    user_role: str = ""
    user_timezone: str = "UTC"
    brokerage_name: str = ""
    after_login: str = "/"
    login_notice: str = ""

    @rx.var
    def is_broker(self) -> bool:
        return self.user_role == "broker"

    @rx.var
    def signed_in(self) -> bool:
        return self.user_id > 0

    async def _with_user(self, fn: Callable, *args, **kwargs) -> Any:
        """fn(session, acting_user, *args, **kwargs) in one transaction, in a thread.

        Raises NotSignedIn when the session has ended or expired.
        """
        return await asyncio.to_thread(_as_user_call, self.session_token, fn, args, kwargs)

    def _fail(self, exc: Exception):
        """The message (and redirect) for a failed service call."""
        if isinstance(exc, NotSignedIn):
            had_session = bool(self.session_token)
            self._forget_user()
            if not had_session:  # nobody was signed in: nothing "ended", just go to sign-in
                return rx.redirect("/login")
            return [rx.toast.error(str(exc)), rx.redirect("/login")]
        if isinstance(exc, ValidationFailed):
            return rx.toast.error(str(exc))
        if isinstance(exc, ServiceError):
            return rx.toast.error(str(exc))
        log.exception("unexpected error in %s", type(self).__name__, exc_info=exc)
        return rx.toast.error("Something went wrong; nothing was changed. Please try again.")

    async def _clear_tab(self) -> None:
        """Reset every signed-in state of this tab to its defaults.

        Substates are keyed by the tab's client token, which outlives a sign-in: without
        this, the next person to use the tab would receive the previous user's lead list,
        lead page, dashboard and to-dos in their first frame.
        """
        root = await self.get_state(AuthState)
        pending = list(AuthState.get_substates())
        while pending:
            cls = pending.pop()
            await self.get_state(cls)  # loads it (from Redis when it is not in this worker)
            pending.extend(cls.get_substates())
        root.reset()

    def _forget_user(self) -> None:
        self.user_id = 0
        self.user_name = self.user_email = self.user_role = self.brokerage_name = ""

    def _remember_user(self, user, brokerage_name: str) -> None:
        """The signed-in user's details; only a changed one is assigned (and resent, with the
        computed vars that read it, e.g. the lead list's column choices): every page's
        on_load comes through here."""
        for name, value in (
            ("user_id", user.id),
            ("user_name", user.name),
            ("user_email", user.email),
            ("user_role", user.role),
            ("user_timezone", user.timezone),
            ("brokerage_name", brokerage_name),
        ):
            set_if_changed(self, name, value)

    @rx.event
    async def require_login(self):
        """on_load of every signed-in page: check the session, else go to sign-in."""

        def who(session, token):
            user = auth.user_for_token(session, token)
            return (user, auth.brokerage_of(session, user).name) if user else (None, "")

        user, bname = await run_db(who, self.session_token)
        if user is None:
            notice = ""
            if self.session_token:
                log.info("ended or expired session token presented")
                notice = "Your session has ended. Please sign in again."
            await self._clear_tab()
            self.session_token = ""
            self.login_notice = notice
            # Where to go back to after signing in (kept server-side, not in the URL).
            # (with the query, so a shared lead-list view survives signing in)
            query = self.router.url.query
            self.after_login = ((self.router.url.path or "/") + (f"?{query}" if query else ""))[
                :2000
            ]
            return rx.redirect("/login")
        if self.user_id and self.user_id != user.id:
            # Another account signed in (the token is shared by the browser's tabs).
            token = self.session_token
            await self._clear_tab()
            self.session_token = token
        self._remember_user(user, bname)

    @rx.event
    async def sign_out(self):
        await run_db(auth.sign_out, self.session_token, client_address(self))
        await self._clear_tab()
        self.session_token = ""
        self._forget_user()
        return rx.redirect("/login")
