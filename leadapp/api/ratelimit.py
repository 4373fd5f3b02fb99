"""Per-key rate limiting for the HTTP API (W1).

Each API key may make RATE requests a second with bursts of BURST (environment:
REFLEX_LEADAPP_API_RATE, REFLEX_LEADAPP_API_BURST). With REFLEX_REDIS_URL set (several
backend workers) the limit is shared through Redis (GCRA in one Lua call, Redis's clock);
otherwise each process keeps token buckets in memory. Refused website passwords are locked
in the database (services/throttle.py, api/lead_accounts.py), shared by every worker.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from typing import cast

from leadapp.settings import settings

log = logging.getLogger("leadapp.api")


class TokenBucket:
    def __init__(self, rate: float, burst: float, clock=time.monotonic):
        self.rate, self.burst, self.clock = rate, burst, clock
        self._state: dict = {}
        self._lock = threading.Lock()

    def take(self, key, cost: float = 1.0) -> float:
        """0 when allowed, else the seconds to wait before retrying."""
        now = self.clock()
        with self._lock:
            tokens, last = self._state.get(key, (self.burst, now))
            tokens = min(self.burst, tokens + (now - last) * self.rate)
            if tokens >= cost:
                self._state[key] = (tokens - cost, now)
                if len(self._state) > 100_000:
                    self._state.clear()
                return 0.0
            self._state[key] = (tokens, now)
            return (cost - tokens) / self.rate if self.rate > 0 else 3600.0

    def peek(self, key, cost: float = 1.0) -> float:
        """Like take() but spends nothing."""
        now = self.clock()
        with self._lock:
            tokens, last = self._state.get(key, (self.burst, now))
            tokens = min(self.burst, tokens + (now - last) * self.rate)
        return 0.0 if tokens >= cost else (cost - tokens) / self.rate

    @staticmethod
    def retry_after(wait: float) -> str:
        return str(max(1, math.ceil(wait)))


_GCRA = """
local t = redis.call('TIME')
local now = t[1] * 1000 + math.floor(t[2] / 1000)
local interval = tonumber(ARGV[1])
local tau = tonumber(ARGV[2])
local tat = tonumber(redis.call('GET', KEYS[1]) or now)
if tat < now then tat = now end
local new_tat = tat + interval
local wait = new_tat - tau - now
if wait > 0 then return wait end
redis.call('SET', KEYS[1], new_tat, 'PX', math.ceil(new_tat - now) + 1000)
return 0
"""


class RedisBucket:
    """The same limit as TokenBucket, shared by every worker through Redis.

    Falls back to an in-process bucket while Redis does not answer (each worker then limits
    on its own), saying so in the log once per outage, and back to Redis when it answers."""

    def __init__(self, url: str, rate: float, burst: float, prefix: str = "leadapp:api-rate:"):
        import redis

        self.rate, self.burst, self.prefix = rate, burst, prefix
        self._redis = redis.Redis.from_url(url, socket_timeout=0.5, socket_connect_timeout=0.5)
        self._script = self._redis.register_script(_GCRA)
        self._local = TokenBucket(rate, burst)
        self._down = False

    def take(self, key, cost: float = 1.0) -> float:
        interval = 1000.0 / self.rate
        try:
            wait_ms = self._script(
                keys=[f"{self.prefix}{key}"], args=[interval, interval * self.burst]
            )
        except Exception as exc:  # Redis down: keep limiting, per process
            if not self._down:
                self._down = True
                log.warning(
                    "API rate limit: Redis does not answer (%s); limiting per worker until it does",
                    exc,
                )
            return self._local.take(key, cost)
        if self._down:
            self._down = False
            log.warning("API rate limit: Redis answers again; the limit is shared again")
        # redis-py types a script call for its sync and async clients alike; this (sync) one
        # returns the script's number
        return float(cast(int, wait_ms)) / 1000.0


def from_env():
    s = settings()
    rate, burst, url = s.leadapp_api_rate, s.leadapp_api_burst, s.redis_url
    return RedisBucket(url, rate, burst) if url else TokenBucket(rate, burst)
