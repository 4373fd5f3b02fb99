"""Is a browser tab still there? For the background loops that serve one tab (reminders, live
dashboard).
"""

from __future__ import annotations


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
