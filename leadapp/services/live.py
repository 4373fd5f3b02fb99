"""Live dashboard changes (D10): writers note what changed; after commit it is fanned out.

Writers call `note(session, brokerage_id, agent_key, kind, lead_id)` (services/rollups/
does it for every lead and activity write, services/history.py for history entries). The
notes wait in `session.info` and are published only after the transaction commits (a
rollback drops them), as small `Change`s: brokerage, the lead's agent (0 = unassigned),
kind, and the lead id when a single lead changed. No names, no numbers: a dashboard that
receives one re-reads its panels through the services, which authorize.

Fan-out (`HUB`): each open dashboard subscribes with its user's brokerage, id and role and
gets an asyncio queue. A change reaches a subscriber only if that user may see it: same
brokerage, and a broker, or the agent the lead is assigned to (before or after the
change). So other users' dashboards never learn of what they may not see.

Several backend workers: when REFLEX_REDIS_URL is set, each change is also published on
the Redis channel `leadapp:live`; `redis_listener()` (a lifespan task in every worker)
delivers changes published by the other workers to its own subscribers.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import threading
import uuid
from dataclasses import dataclass, field

from sqlalchemy import event
from sqlalchemy.orm import Session as _OrmSession

from leadapp.settings import redis_url

from .access.live import may_see

log = logging.getLogger("leadapp.live")

CHANNEL = "leadapp:live"
KINDS = ("activity", "lead", "history", "task", "notify")
_ORIGIN: dict[int, str] = {}


def origin() -> str:
    """This process's id on the channel (per pid: workers forked from one parent differ)."""
    pid = os.getpid()
    if pid not in _ORIGIN:
        _ORIGIN[pid] = f"{pid}-{uuid.uuid4().hex[:12]}"
    return _ORIGIN[pid]


MAX_NOTES = 2000  # per transaction; a bulk write beyond this collapses to one change per agent


@dataclass(frozen=True)
class Change:
    brokerage_id: int
    agent_key: int  # the lead's assigned agent, 0 = unassigned (kind notify: the user)
    kind: str  # activity | lead | history | task | notify
    lead_id: int | None = None

    def to_json(self) -> list:
        return [self.brokerage_id, self.agent_key, self.kind, self.lead_id]

    @classmethod
    def from_json(cls, raw) -> Change:
        b, a, k, lid = raw
        return cls(int(b), int(a or 0), str(k)[:16], None if lid is None else int(lid))


def note(
    session, brokerage_id: int, agent_key: int | None, kind: str, lead_id: int | None = None
) -> None:
    """Remember a change in this transaction; published after it commits."""
    pending: set = session.info.setdefault("live_changes", set())
    if len(pending) >= MAX_NOTES:
        lead_id = None  # collapse: the dashboards re-read everything anyway
    pending.add(Change(int(brokerage_id), int(agent_key or 0), kind, lead_id))


@event.listens_for(_OrmSession, "after_commit")
def _after_commit(session) -> None:
    changes = session.info.pop("live_changes", None)
    if changes:
        try:
            HUB.publish(list(changes))
        except Exception:  # never fail a committed write because of the fan-out
            log.exception("live publish failed")


@event.listens_for(_OrmSession, "after_rollback")
def _after_rollback(session) -> None:
    session.info.pop("live_changes", None)


@dataclass(eq=False)
class Subscriber:
    brokerage_id: int
    user_id: int
    is_broker: bool
    loop: asyncio.AbstractEventLoop
    queue: asyncio.Queue = field(default_factory=asyncio.Queue)
    received: int = 0
    seq: int = 0  # the hub's sequence number of the newest change taken from the queue

    async def next(self, timeout: float) -> list[Change] | None:
        """The next changes (all that are waiting), or None after `timeout` seconds."""
        try:
            seq, first = await asyncio.wait_for(self.queue.get(), timeout)
        except TimeoutError:
            return None
        out = list(first)
        self.seq = max(self.seq, seq)
        self.drain(out)
        return out

    def drain(self, into: list | None = None) -> None:
        """Take whatever else is waiting (a burst of changes is one re-read)."""
        while not self.queue.empty():
            seq, more = self.queue.get_nowait()
            self.seq = max(self.seq, seq)
            if into is not None:
                into.extend(more)


class Hub:
    """The in-process fan-out: subscribers by brokerage, fed from any thread."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._subs: dict[int, set[Subscriber]] = {}
        self._redis = None
        self._redis_url: str | None = None
        self._redis_pid = os.getpid()
        self._seq = 0

    def subscribe(self, brokerage_id: int, user_id: int, is_broker: bool) -> Subscriber:
        """Call from the event loop that will read the queue."""
        sub = Subscriber(
            int(brokerage_id), int(user_id), bool(is_broker), asyncio.get_running_loop()
        )
        with self._lock:
            self._subs.setdefault(sub.brokerage_id, set()).add(sub)
        return sub

    def unsubscribe(self, sub: Subscriber) -> None:
        with self._lock:
            subs = self._subs.get(sub.brokerage_id)
            if subs is not None:
                subs.discard(sub)
                if not subs:
                    del self._subs[sub.brokerage_id]

    def subscriber_count(self) -> int:
        with self._lock:
            return sum(len(s) for s in self._subs.values())

    def deliver(self, changes: list[Change]) -> int:
        """Hand each subscriber the changes it may see; returns how many subscribers got some."""
        by_b: dict[int, list[Change]] = {}
        for c in changes:
            by_b.setdefault(c.brokerage_id, []).append(c)
        n = 0
        with self._lock:
            self._seq += 1
            seq = self._seq
        for b, cs in by_b.items():
            with self._lock:
                subs = list(self._subs.get(b, ()))
            for sub in subs:
                mine = [c for c in cs if may_see(sub, c)]
                if not mine:
                    continue
                sub.received += len(mine)
                try:
                    sub.loop.call_soon_threadsafe(sub.queue.put_nowait, (seq, mine))
                    n += 1
                except RuntimeError:  # its loop has closed: the tab is gone
                    self.unsubscribe(sub)
        return n

    def publish(self, changes: list[Change]) -> None:
        """Deliver here, and to the other workers through Redis when configured."""
        self.deliver(changes)
        url = redis_url()
        if url:
            self._publish_redis(url, changes)

    def _publish_redis(self, url: str, changes: list[Change]) -> None:
        try:
            if self._redis is None or self._redis_url != url:
                import redis

                self._redis = redis.Redis.from_url(url, socket_timeout=2)
                self._redis_url = url
            if self._redis_pid != os.getpid():  # a forked worker needs its own connection
                import redis

                self._redis = redis.Redis.from_url(url, socket_timeout=2)
                self._redis_pid = os.getpid()
            self._redis.publish(
                CHANNEL, json.dumps({"o": origin(), "c": [c.to_json() for c in changes]})
            )
        except Exception:
            log.exception("live: Redis publish failed (other workers miss this change)")
            self._redis = None


HUB = Hub()


def parse_message(data) -> list[Change]:
    """Changes from a Redis message published by another process ([] for our own or bad ones)."""
    try:
        msg = json.loads(data)
        if msg.get("o") == origin():
            return []
        return [Change.from_json(c) for c in msg.get("c", [])][:MAX_NOTES]
    except Exception:
        log.warning("live: ignored a malformed message")
        return []


async def redis_listener() -> None:
    """Lifespan task: deliver the other workers' changes to this worker's dashboards."""
    url = redis_url()
    if not url:
        return
    import redis.asyncio as aredis

    while True:
        client = None
        try:
            client = aredis.Redis.from_url(url)
            pubsub = client.pubsub(ignore_subscribe_messages=True)
            await pubsub.subscribe(CHANNEL)
            log.info("live: listening on Redis %s", CHANNEL)
            async for msg in pubsub.listen():
                if msg and msg.get("type") == "message":
                    changes = parse_message(msg["data"])
                    if changes:
                        HUB.deliver(changes)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("live: Redis listener error; retrying")
            await asyncio.sleep(2)
        finally:
            if client is not None:
                with contextlib.suppress(Exception):
                    await client.aclose()
