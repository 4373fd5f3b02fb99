"""The header's bell (N1): unread count, the latest notifications, claim from an offer.

Each signed-in tab mounts `components.notifications.bell()`, whose `watch` background task
subscribes to the live hub (services/live.py) for its user; a change of kind "notify" for
that user (written in any worker: Redis carries it) re-reads the unread count, so every
open tab of the user updates at once. No polling of the database between changes.
"""

from __future__ import annotations

import asyncio
import logging
import os
import time

import reflex as rx

from leadapp.services import access, claims, live, notify
from leadapp.services.errors import NotSignedIn, ServiceError

from .args import id_arg
from .base import AuthState, _as_user_call
from .tabs import TabLoop, TabWatch, loop_user

log = logging.getLogger("leadapp.notifications")

HEARTBEAT_S = float(os.environ.get("REFLEX_LEADAPP_LIVE_HEARTBEAT", "20"))
GONE_AFTER_MISSES = 2
MAX_LIFETIME_S = 24 * 3600


def _who(session, user):
    return user.brokerage_id, user.id, access.is_broker(user)


def _snapshot(session, user, with_list: bool):
    return notify.unread_count(session, user), (notify.recent(session, user) if with_list else None)


class NotificationState(TabLoop, AuthState):
    unread: int = 0
    items: list[dict] = []
    list_open: bool = False

    async def _refresh(self, with_list: bool):
        try:
            count, items = await self._with_user(_snapshot, with_list)
        except ServiceError as exc:
            return self._fail(exc)
        self.unread = count
        if items is not None:
            self.items = items

    @rx.event
    async def toggle(self, is_open: bool):
        """The bell's list opened (read the latest) or closed."""
        self.list_open = bool(is_open)
        if self.list_open:
            return await self._refresh(True)

    async def _mark_read(self, nid: int | None):
        """Mark one of the user's notifications (all of them: None) read; the list again."""
        try:
            await self._with_user(notify.mark_read, nid)
        except ServiceError as exc:
            return self._fail(exc)
        return await self._refresh(True)

    @rx.event
    async def mark_read(self, notification_id: int):
        nid = id_arg(notification_id)
        if not nid:
            return rx.toast.error("That notification does not exist.")
        return await self._mark_read(nid)

    @rx.event
    async def mark_all_read(self):
        return await self._mark_read(None)

    @rx.event
    async def claim(self, lead_id: int):
        """Claim a lead offered to this agent's group (first claim wins)."""
        lid = id_arg(lead_id)
        if not lid:
            return rx.toast.error("That offer does not exist.")
        try:
            await self._with_user(claims.claim_lead, lid)
        except ServiceError as exc:
            await self._refresh(True)
            return self._fail(exc)
        await self._refresh(True)
        return [rx.toast.success("The lead is yours."), rx.redirect(f"/leads/{lid}")]

    @rx.event(background=True)
    async def watch(self):
        """This tab's live bell (once per tab; later calls return at once)."""
        async with self:
            if self._loop_running(HEARTBEAT_S):
                return
            gen, token, client = self._new_loop()
        who = await loop_user(token, _who)
        if who is None:
            return
        sub = live.HUB.subscribe(*who)
        tab = TabWatch(client, GONE_AFTER_MISSES)
        started = time.time()
        refresh = True
        try:
            while time.time() - started < MAX_LIFETIME_S:
                if refresh:
                    try:
                        count, items = await asyncio.to_thread(
                            _as_user_call, token, _snapshot, (self.list_open,), {}
                        )
                    except NotSignedIn:
                        break
                    except Exception:
                        log.exception("bell refresh failed")
                        count, items = None, None
                    async with self:
                        if self._loop_gen != gen or self.session_token != token:
                            break
                        if count is not None:
                            self.unread = count
                        if items is not None:
                            self.items = items
                changes = await sub.next(HEARTBEAT_S)
                async with self:
                    if self._loop_gen != gen:
                        break
                    self._beat = time.time()
                if changes is None:
                    refresh = False
                    if await tab.gone():
                        break
                    continue
                refresh = any(c.kind == "notify" and c.agent_key == who[1] for c in changes)
        finally:
            live.HUB.unsubscribe(sub)
            async with self:
                if self._loop_gen == gen:
                    self._beat = 0.0
