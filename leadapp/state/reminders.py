"""Event reminders (T4, D9): a toast in every open tab of the owner shortly before an event.

Each signed-in tab mounts `components.reminders.reminder_watcher()` (in the page shell),
which starts one background task per tab. Every POLL_SECONDS it asks
`services.tasks.due_reminders` for the user's open events starting within the brokerage's
reminder lead time (`Brokerage.reminder_minutes`) and shows each one once in that tab.
The first tab to see an event marks its `reminded_at`; the other tabs still show it.
The task stops when the tab is gone or the session has ended.
"""

from __future__ import annotations

import asyncio
import logging
import time

import reflex as rx
from reflex_components_sonner.toast import ToastAction

from leadapp.services import tasks as svc
from leadapp.services.errors import NotSignedIn
from leadapp.settings import settings

from .base import AuthState, _as_user_call
from .tabs import TabLoop, TabWatch

log = logging.getLogger("leadapp.reminders")

POLL_SECONDS = settings().leadapp_reminder_poll
# A tab reloading drops its socket for a moment: give up only after this many misses.
GONE_AFTER_MISSES = 3
MAX_LIFETIME_S = 24 * 3600


def reminder_toast(row: dict):
    who = f" — {row['lead_name']}" if row.get("lead_name") else ""
    action = None
    if row.get("lead_id"):
        action = ToastAction(label="Open lead", on_click=rx.redirect(f"/leads/{row['lead_id']}"))
    return rx.toast.warning(
        f"{row['kind_label']} {row['starts_in']}: {row['title']}{who}",
        description=f"Starts {row['due_label']}",
        id=f"reminder-{row['id']}",
        duration=10 * 60 * 1000,
        close_button=True,
        class_name="reminder-toast",
        **({"action": action} if action else {}),
    )


class ReminderState(TabLoop, AuthState):
    # task id -> the due time it was shown for (a rescheduled event is shown again)
    _shown: dict[int, str] = {}

    def _fresh(self, rows: list[dict]) -> list[dict]:
        out = []
        for r in rows:
            key = r["due_label"]
            if self._shown.get(r["id"]) != key:
                self._shown[r["id"]] = key
                out.append(r)
        if len(self._shown) > 500:
            keep = {r["id"] for r in rows}
            self._shown = {k: v for k, v in self._shown.items() if k in keep}
        return out

    @rx.event(background=True)
    async def watch(self):
        """Start this tab's reminder loop (once per tab; later calls return at once)."""
        async with self:
            if self._loop_running(POLL_SECONDS):
                return
            _, token, client = self._new_loop()
        started = time.time()
        tab = TabWatch(client, GONE_AFTER_MISSES)
        while time.time() - started < MAX_LIFETIME_S:
            try:
                rows = await asyncio.to_thread(_as_user_call, token, svc.due_reminders, (), {})
            except NotSignedIn:
                break
            except Exception:
                log.exception("reminder check failed")
                rows = []
            async with self:
                if self.session_token != token:  # signed out / in as someone else in this tab
                    break
                self._beat = time.time()
                toasts = [reminder_toast(r) for r in self._fresh(rows)]
            for t in toasts:
                yield t
            await asyncio.sleep(POLL_SECONDS)
            if await tab.gone():
                break
        async with self:
            self._beat = 0.0
