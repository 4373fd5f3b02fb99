"""Per-key rate limits: in process, and shared through Redis when configured."""

import uuid

import pytest

from leadapp.api.ratelimit import RedisBucket, TokenBucket


def test_token_bucket_refills_at_the_rate():
    now = [0.0]
    b = TokenBucket(rate=2, burst=3, clock=lambda: now[0])
    assert [b.take("k") for _ in range(3)] == [0, 0, 0]
    assert b.take("k") == pytest.approx(0.5)
    assert b.take("other") == 0
    now[0] += 0.5
    assert b.take("k") == 0 and b.take("k") > 0
    assert TokenBucket.retry_after(0.01) == "1" and TokenBucket.retry_after(2.2) == "3"


def test_redis_bucket_is_shared_between_workers():
    redis = pytest.importorskip("redis")
    url = "redis://127.0.0.1:6379/14"
    try:
        redis.Redis.from_url(url, socket_connect_timeout=0.5).ping()
    except Exception:
        pytest.skip("no Redis on 127.0.0.1:6379")
    prefix = f"test:{uuid.uuid4().hex}:"
    w1, w2 = RedisBucket(url, 1, 4, prefix), RedisBucket(url, 1, 4, prefix)
    answers = [w.take(7) for w in (w1, w2, w1, w2, w1)]
    assert answers[:4] == [0, 0, 0, 0] and 0 < answers[4] <= 1.0


def test_redis_down_falls_back_to_process_limit():
    b = RedisBucket("redis://127.0.0.1:1/0", 1, 2)
    assert [b.take(1) > 0 for _ in range(3)] == [False, False, True]
