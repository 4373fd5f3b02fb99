"""A tab's state lock on Redis is given back when the event taking it is cancelled while the
SET that takes it is on its way, or in Reflex's own release (state/redis_lock.py); another
event's lock is never touched."""

import asyncio
import uuid

import pytest

from leadapp.state import redis_lock

URL = "redis://127.0.0.1:6379/13"


@pytest.fixture
def manager():
    redis_async = pytest.importorskip("redis.asyncio")
    redis_sync = pytest.importorskip("redis")
    try:
        redis_sync.Redis.from_url(URL, socket_connect_timeout=0.5).ping()
    except Exception:
        pytest.skip("no Redis on 127.0.0.1:6379")
    from reflex.istate.manager.redis import StateManagerRedis

    return StateManagerRedis(redis=redis_async.Redis.from_url(URL))


def _cancelled_after_the_set(manager):
    """_try_get_lock whose SET runs on Redis, then the cancel arrives before its reply."""
    real = manager._try_get_lock

    async def try_get_lock(lock_key, lock_id):
        await real(lock_key, lock_id)
        raise asyncio.CancelledError

    manager._try_get_lock = try_get_lock


async def _holder(manager, key: bytes):
    try:
        return await manager.redis.get(key)
    finally:
        await manager.redis.aclose()


async def test_a_cancelled_lock_taking_gives_the_lock_back(manager):
    redis_lock.install()
    key, me = f"t-{uuid.uuid4().hex}_lock".encode(), b"ev:1"
    _cancelled_after_the_set(manager)
    with pytest.raises(asyncio.CancelledError):
        await manager._wait_lock(key, me)
    assert await _holder(manager, key) is None  # not left taken until it expires


async def test_a_cancel_in_the_release_gives_the_lock_back(manager):
    redis_lock.install()
    key = f"t-{uuid.uuid4().hex}_lock".encode()
    manager._lock_key = lambda token: key

    async def getdel(name):
        raise asyncio.CancelledError  # a second cancel, in Reflex's own release

    manager.redis.getdel = getdel
    with pytest.raises(asyncio.CancelledError):
        async with manager._lock("tab", "ev") as lock_id:
            assert await manager.redis.get(key) == lock_id
    assert await _holder(manager, key) is None


async def test_another_events_lock_is_left_alone(manager):
    key = f"t-{uuid.uuid4().hex}_lock".encode()
    await manager.redis.set(key, b"other", px=5000)
    assert await redis_lock.release_if_ours(manager, key, b"mine") is False
    assert await _holder(manager, key) == b"other"


def test_install_wraps_once():
    from reflex.istate.manager.redis import StateManagerRedis

    redis_lock.install()
    wrapped = StateManagerRedis._wait_lock
    redis_lock.install()
    assert StateManagerRedis._wait_lock is wrapped
    assert wrapped.__name__ == "wait_lock_giving_back"
    assert StateManagerRedis._lock.__name__ == "lock_giving_back"
