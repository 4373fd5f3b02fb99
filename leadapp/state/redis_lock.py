"""A tab's state lock on Redis is given back when the event taking it is cancelled.

With several workers (REFLEX_REDIS_URL), an event takes its tab's lock with `SET key id NX
PX <expiration>`. Reflex cancels a tab's unfinished page-load events when its socket
disconnects, e.g. when the user reloads or follows a link while the dashboard is still
loading. A cancel that lands while the SET is on its way leaves the lock taken on Redis
(the command ran) by an event that never knew it got it, so nobody releases it: every
later event of that tab, the next page's hydrate included, waits for the lock to expire
(`redis_lock_expiration` in rxconfig.py, 30 s). Seen in the several-workers browser run as
a page that never rendered after a sign-in.

`install()` wraps Reflex's `StateManagerRedis._wait_lock` and `_lock` (reflex 0.10): when
taking the lock, or the event holding it, ends in an exception (a cancel included, also one
that lands in Reflex's own release), the lock is deleted if, and only if, it still holds this
event's id (one Lua compare-and-delete, shielded from a second cancel), and the next waiter
here is woken.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any

# Delete KEYS[1] only while it holds ARGV[1]: never another event's lock.
RELEASE_IF_OURS = """
if redis.call('get', KEYS[1]) == ARGV[1] then
  return redis.call('del', KEYS[1])
end
return 0
"""


async def release_if_ours(manager: Any, lock_key: bytes, lock_id: bytes) -> bool:
    """Delete the lock when it is this id's; whether it was."""
    deleted = await manager.redis.eval(RELEASE_IF_OURS, 1, lock_key, lock_id)
    if deleted:
        manager._notify_next_waiter(lock_key)
    return bool(deleted)


def install() -> None:
    """Wrap StateManagerRedis._wait_lock once (see the module's docstring)."""
    from reflex.istate.manager.redis import StateManagerRedis

    original = StateManagerRedis._wait_lock
    if original.__name__ == "wait_lock_giving_back":
        return

    async def wait_lock_giving_back(self: Any, lock_key: bytes, lock_id: bytes) -> None:
        try:
            await original(self, lock_key, lock_id)
        except BaseException:
            # the SET may have taken the lock on Redis before the cancel reached us
            await asyncio.shield(release_if_ours(self, lock_key, lock_id))
            raise

    original_lock = StateManagerRedis._lock

    @contextlib.asynccontextmanager
    async def lock_giving_back(
        self: Any, token: Any, event_name: str | None = None
    ) -> AsyncIterator[bytes]:
        lock_id = None
        try:
            async with original_lock(self, token, event_name) as lock_id:
                yield lock_id
        except BaseException:
            if lock_id is not None:  # Reflex's release may not have run to its end
                await asyncio.shield(release_if_ours(self, self._lock_key(token), lock_id))
            raise

    wait_lock_giving_back.__doc__ = original.__doc__
    StateManagerRedis._wait_lock = wait_lock_giving_back
    StateManagerRedis._lock = lock_giving_back
