"""Redis gone while the app runs (README "Several workers"): what lives on Redis degrades
to one worker's behaviour, says so in the log, and recovers when Redis is back.

- the API key rate limit falls back to a per-worker bucket: requests keep being served
  (and limited), with one warning per outage; back on Redis, the limit is shared again;
- live dashboard updates still reach this worker's dashboards; the publish to the other
  workers fails with a logged error; the listener reconnects when Redis answers again.

The Redis server is the test's own (tests/unit/own_servers.py), killed with SIGKILL.
"""

from __future__ import annotations

import asyncio
import json
import logging

import pytest
from starlette.testclient import TestClient

from leadapp.api import build_api
from leadapp.api.ratelimit import RedisBucket
from leadapp.services import apikeys, live
from tests.unit.own_servers import own_redis  # noqa: F401  (a fixture)

redis = pytest.importorskip("redis")


def _limit_keys(url: str) -> list[bytes]:
    return list(redis.Redis.from_url(url).scan_iter("leadapp:api-rate:*"))


async def test_redis_killed_and_back(
    own_redis,  # noqa: F811  (the fixture imported above)
    engine,
    session,
    org,
    monkeypatch,
    caplog,
):
    url = own_redis.url
    monkeypatch.setenv("REFLEX_REDIS_URL", url)
    _, key = apikeys.create_key(session, org.broker, "site")
    session.commit()
    bucket = RedisBucket(url, 1000, 1000)
    client = TestClient(build_api(engine, bucket))
    client.headers["Authorization"] = f"Bearer {key}"

    def event(i: int) -> int:
        body = {"kind": "signup", "email": f"r{i}@example.com", "idempotency_key": f"r-{i}"}
        return client.post("/api/v1/events", json=body).status_code

    sub = live.HUB.subscribe(org.brokerage.id, org.broker.id, True)
    listener = asyncio.ensure_future(live.redis_listener())
    try:
        assert event(1) == 201 and _limit_keys(url)  # the limit lives in Redis
        await asyncio.wait_for(sub.next(5), 5)

        own_redis.kill()
        caplog.clear()
        with caplog.at_level(logging.INFO):
            codes = [event(i) for i in range(2, 6)]
            got = await asyncio.wait_for(sub.next(5), 5)  # this worker's dashboards still hear
            await asyncio.sleep(0.5)  # the listener's turn on the event loop
        assert codes == [201] * 4, codes
        assert got
        rate_warnings = [
            r for r in caplog.records if "API rate limit: Redis does not answer" in r.message
        ]
        assert len(rate_warnings) == 1  # once per outage, not per request
        assert any("Redis publish failed" in r.message for r in caplog.records)
        assert any("Redis listener error" in r.message for r in caplog.records)

        # a per-worker limit still holds while Redis is gone
        down = RedisBucket(url, 1, 2)
        assert [down.take("k") > 0 for _ in range(3)] == [False, False, True]

        own_redis.start()  # the same port
        caplog.clear()
        with caplog.at_level(logging.INFO):
            assert event(6) == 201
        assert _limit_keys(url), "the limit is back on Redis"
        assert any("Redis answers again" in r.message for r in caplog.records)
        # the listener is back too: a change published by "another worker" arrives
        other = redis.Redis.from_url(url)
        for _ in range(100):  # the listener retries every 2 s
            msg = json.dumps({"o": "another-worker", "c": [[org.brokerage.id, 0, "lead", None]]})
            if other.publish(live.CHANNEL, msg):
                break
            await asyncio.sleep(0.1)
        foreign = live.Change(org.brokerage.id, 0, "lead", None)
        got = []
        while foreign not in got:  # after this worker's own changes of event 6
            more = await sub.next(10)
            assert more, "the change from the other worker did not arrive"
            got += more
    finally:
        listener.cancel()
        live.HUB.unsubscribe(sub)
        client.close()
