"""The generate rate limit: one contract over the in-process and Redis token buckets, sharing
across API processes, the fallback when Redis is down, and the 429 + Retry-After end to end.

Redis is the real server at 127.0.0.1:6379 (CODEGUILD_TEST_REDIS_URL overrides); under CI=true a
missing Redis fails instead of skipping.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import uuid
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest
from api_support import LIBRARY_REQUIREMENT, assert_error, make_settings, start_api

from codeguild.api.ratelimit import RateLimiter, RedisTokenBucket, TokenBucket, open_rate_limiter

pytestmark = pytest.mark.integration

MakeLimiter = Callable[[int, float], RateLimiter]
REDIS_URL = os.environ.get("CODEGUILD_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


async def _redis_or_skip() -> None:
    import redis.asyncio as aioredis

    client = aioredis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    try:
        await client.ping()
    except Exception as exc:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"Redis is required under CI: {exc}")
        pytest.skip(f"Redis at {REDIS_URL} is unreachable: {exc}")
    finally:
        await client.aclose()


def _make(kind: str, capacity: int, per_minute: float, name: str) -> RateLimiter:
    if kind == "memory":
        return TokenBucket(capacity, per_minute)
    return RedisTokenBucket(REDIS_URL, capacity, per_minute, name=name)


@pytest.fixture(params=["memory", "redis"])
async def limiter_factory(request: pytest.FixtureRequest) -> AsyncIterator[MakeLimiter]:
    """Makes limiters of one backend, all on a bucket namespace of their own."""
    if request.param == "redis":
        await _redis_or_skip()
    name = f"test-{uuid.uuid4().hex[:10]}"
    made: list[RateLimiter] = []

    def make(capacity: int, per_minute: float) -> RateLimiter:
        limiter = _make(request.param, capacity, per_minute, name)
        made.append(limiter)
        return limiter

    yield make
    for limiter in made:
        await limiter.aclose()


async def test_burst_then_a_wait_of_one_refill(limiter_factory: MakeLimiter) -> None:
    bucket = limiter_factory(3, 60.0)  # a token a second
    assert [await bucket.take("u") for _ in range(3)] == [0.0, 0.0, 0.0]
    wait = await bucket.take("u")
    assert 0.9 < wait <= 1.0
    assert await bucket.take("other") == 0.0  # buckets are per key


async def test_refills_at_the_configured_rate(limiter_factory: MakeLimiter) -> None:
    bucket = limiter_factory(1, 600.0)  # a token every 0.1 s
    assert await bucket.take("u") == 0.0
    assert await bucket.take("u") > 0
    await asyncio.sleep(0.12)
    assert await bucket.take("u") == 0.0
    assert 0.05 < await bucket.take("u") <= 0.1


async def test_concurrent_takes_never_exceed_the_capacity(limiter_factory: MakeLimiter) -> None:
    bucket = limiter_factory(5, 0.6)  # refill negligible during the test
    waits = await asyncio.gather(*(bucket.take("u") for _ in range(40)))
    assert sum(1 for w in waits if w == 0) == 5


async def test_redis_buckets_are_shared_between_processes() -> None:
    await _redis_or_skip()
    name = f"test-{uuid.uuid4().hex[:10]}"
    # two limiters with their own connections stand for two API processes
    first = RedisTokenBucket(REDIS_URL, 2, 1.0, name=name)
    second = RedisTokenBucket(REDIS_URL, 2, 1.0, name=name)
    try:
        assert await first.take("alice") == 0
        assert await second.take("alice") == 0
        assert await first.take("alice") > 0
        assert await second.take("alice") > 0
        assert await second.take("bob") == 0
    finally:
        await first.aclose()
        await second.aclose()


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port  # closed again on return: nothing listens there


async def test_unreachable_redis_falls_back_to_this_process_with_a_warning(
    caplog: pytest.LogCaptureFixture,
) -> None:
    now = [100.0]
    bucket = RedisTokenBucket(
        f"redis://127.0.0.1:{_closed_port()}/0",
        2,
        6.0,
        timeout_s=0.5,
        retry_s=5.0,
        clock=lambda: now[0],
    )
    try:
        with caplog.at_level(logging.WARNING, logger="codeguild.api.ratelimit"):
            assert await bucket.take("u") == 0
            assert await bucket.take("u") == 0
            assert await bucket.take("u") == pytest.approx(10.0)  # the local bucket still limits
        assert bucket.degraded
        warnings = [r for r in caplog.records if "cannot reach Redis" in r.getMessage()]
        assert len(warnings) == 1  # once per outage, not once per request
    finally:
        await bucket.aclose()


def test_the_backend_follows_the_redis_setting(tmp_path: Path) -> None:
    assert open_rate_limiter(make_settings(tmp_path)).backend == "memory"
    assert open_rate_limiter(make_settings(tmp_path, redis_url="memory://")).backend == "memory"
    shared = open_rate_limiter(make_settings(tmp_path, redis_url=REDIS_URL))
    assert shared.backend == "redis"
    asyncio.run(shared.aclose())


async def test_generate_answers_429_with_retry_after_through_redis(tmp_path: Path) -> None:
    await _redis_or_skip()
    settings = make_settings(
        tmp_path,
        redis_url=REDIS_URL,
        generate_burst=1,
        generate_per_minute=1,
        max_concurrent_generations=10,
    )
    async for api in start_api(settings):
        assert api.app.state.codeguild.generate_limit.backend == "redis"
        first = await api.client.post(
            "/api/projects/generate",
            json={"requirement": LIBRARY_REQUIREMENT},
            headers=api.auth("dev"),
        )
        assert first.status_code == 202, first.text
        limited = await api.client.post(
            "/api/projects/generate",
            json={"requirement": LIBRARY_REQUIREMENT},
            headers=api.auth("dev"),
        )
        assert_error(limited, 429, "rate_limited")
        assert 50 <= int(limited.headers["retry-after"]) <= 60
        await api.client.post(f"/api/projects/{first.json()['id']}/cancel", headers=api.auth("dev"))
