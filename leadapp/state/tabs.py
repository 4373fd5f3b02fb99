"""Is a browser tab still there? For the background loops that serve one tab (reminders, live
dashboard).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import reflex as rx

from leadapp.services.errors import NotSignedIn

from .base import AuthState, _as_user_call


async def tab_connected(client_token: str) -> bool:
    """Whether the tab's socket is connected to this app (True when that cannot be told)."""
    try:
        from reflex_base.registry import RegistrationContext

        namespace = RegistrationContext.get().app.event_namespace
        if namespace is None:  # the app has no socket server (compiling, tests)
            return True
        return await namespace._token_manager.is_token_connected(client_token)
    except Exception:  # no app context (tests) or an internal change: assume connected
        return True


class TabWatch:
    """Checked between a loop's rounds: the tab is gone after `limit` misses in a row
    (a tab reloading drops its socket for a moment)."""

    def __init__(self, client_token: str, limit: int):
        self.client_token = client_token
        self.limit = limit
        self.misses = 0

    async def gone(self) -> bool:
        if await tab_connected(self.client_token):
            self.misses = 0
            return False
        self.misses += 1
        return self.misses >= self.limit


# A mixin is no substate of its own; for the type checker it is the AuthState it mixes into.
_Base = AuthState if TYPE_CHECKING else rx.State


class TabLoop(_Base, mixin=True):
    """A state running one background loop per tab (live dashboard, bell, reminders)."""

    _loop_gen: int = 0  # bumped by each new loop: an older loop of the tab stops
    _beat: float = 0.0  # when the running loop last checked in

    def _loop_running(self, period: float) -> bool:
        """Under the lock: whether a loop checked in within two periods; else this one runs."""
        if time.time() - self._beat < 2 * period:
            return True
        self._beat = time.time()
        return False

    def _new_loop(self) -> tuple[int, str, str]:
        """Under the lock: the new loop's generation and the session and client tokens it
        serves."""
        self._loop_gen += 1
        return self._loop_gen, self.session_token, self.router.session.client_token


async def loop_user(token: str, fn: Callable) -> Any | None:
    """fn(session, user) for a loop's session token, in a worker thread; None once the
    session has ended."""
    try:
        return await asyncio.to_thread(_as_user_call, token, fn, (), {})
    except NotSignedIn:
        return None
