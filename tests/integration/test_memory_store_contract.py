"""The SharedMemoryStore contract, run unchanged against every backend (in-process and Redis).

Each test works in its own random namespace and clears it afterwards. Redis is the one on
127.0.0.1:6379 (CODEGUILD_TEST_REDIS_URL overrides); under CI=true a missing Redis fails.
"""

from __future__ import annotations

import asyncio
import os
import secrets
import time
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest

from codeguild.store.memory import (
    InvalidKeyError,
    LockLostError,
    LockTimeoutError,
    NotACounterError,
    ResultCache,
    SharedMemoryStore,
    StaleFenceError,
    StoreUnavailableError,
    SubscriberOverflowError,
    open_memory_store,
)

pytestmark = pytest.mark.integration

REDIS_URL = os.environ.get("CODEGUILD_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


async def _open(kind: str) -> SharedMemoryStore:
    store = open_memory_store("memory://" if kind == "memory" else REDIS_URL)
    try:
        await store.connect()
    except StoreUnavailableError as exc:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"Redis is required under CI: {exc}")
        pytest.skip(f"Redis not available: {exc}")
    return store


@pytest.fixture(params=["memory", "redis"])
async def root(request: pytest.FixtureRequest) -> AsyncIterator[SharedMemoryStore]:
    store = await _open(request.param)
    yield store
    await store.close()


@pytest.fixture
async def store(root: SharedMemoryStore) -> AsyncIterator[SharedMemoryStore]:
    view = root.namespace(f"test-{secrets.token_hex(6)}")
    yield view
    await view.clear()
    assert await view.keys() == []


async def eventually(check: Callable[[], Awaitable[bool]], timeout: float = 3.0) -> None:
    deadline = time.monotonic() + timeout
    while not await check():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.01)


# -- key/value ------------------------------------------------------------------------------


VALUES = [
    {"b": [1, 2.5, None, True], "a": {"nested": "ü ✓"}},
    [1, "two", 3.0],
    "text",
    42,
    -7.25,
    False,
]


@pytest.mark.parametrize("codec", ["json", "msgpack"])
async def test_set_get_round_trips_values_with_either_codec(
    store: SharedMemoryStore, codec: str
) -> None:
    view = store.namespace(store.namespace_name, codec=codec)
    for i, value in enumerate(VALUES):
        await view.set(f"k{i}", value)
    assert [await view.get(f"k{i}") for i in range(len(VALUES))] == VALUES
    assert await view.get("missing") is None
    assert await view.get("missing", default="d") == "d"


async def test_msgpack_keeps_bytes(store: SharedMemoryStore) -> None:
    view = store.namespace(store.namespace_name, codec="msgpack")
    await view.set("blob", {"data": b"\x00\xff"})
    assert await view.get("blob") == {"data": b"\x00\xff"}


async def test_ttl_expires_keys(store: SharedMemoryStore) -> None:
    await store.set("short", 1, ttl_s=0.15)
    await store.set("long", 2)
    ttl = await store.ttl("short")
    assert ttl is not None and 0 < ttl <= 0.15
    assert await store.ttl("long") is None
    await asyncio.sleep(0.25)
    assert await store.get("short") is None
    assert not await store.exists("short")
    assert await store.keys() == ["long"]


async def test_plain_set_clears_an_earlier_ttl(store: SharedMemoryStore) -> None:
    await store.set("k", 1, ttl_s=0.1)
    await store.set("k", 2)
    await asyncio.sleep(0.15)
    assert await store.get("k") == 2


async def test_delete_and_exists(store: SharedMemoryStore) -> None:
    await store.set_many({"a": 1, "b": 2})
    assert await store.exists("a")
    assert await store.delete("a", "b", "never") == 2
    assert not await store.exists("a")
    assert await store.delete("a") == 0


async def test_get_many_set_many(store: SharedMemoryStore) -> None:
    await store.set_many({f"k{i}": {"i": i} for i in range(50)}, ttl_s=5)
    got = await store.get_many([f"k{i}" for i in range(55)])
    assert got == {f"k{i}": {"i": i} for i in range(50)}
    assert 0 < (await store.ttl("k7") or 0) <= 5
    assert await store.get_many([]) == {}


async def test_keys_match_globs_within_the_namespace_only(
    root: SharedMemoryStore, store: SharedMemoryStore
) -> None:
    other = root.namespace(f"other-{secrets.token_hex(6)}")
    try:
        await store.set_many({"task:a": 1, "task:b": 2, "task:cc": 3, "ctx:x": 4})
        await other.set("task:a", "not mine")
        async with store.lock("task:z"):
            assert await store.keys("task:*") == ["task:a", "task:b", "task:cc"]
        assert await store.keys("task:?") == ["task:a", "task:b"]
        assert await store.keys("task:[a]") == ["task:a"]
        assert await store.keys("task:[^a]") == ["task:b"]
        assert await store.keys() == ["ctx:x", "task:a", "task:b", "task:cc"]
        assert await other.keys() == ["task:a"]
        assert await store.get("task:a") == 1
    finally:
        await other.clear()


async def test_clear_removes_values_locks_and_fences(store: SharedMemoryStore) -> None:
    await store.set("a", 1)
    await store.incr("n")
    async with store.lock("L"):
        pass
    assert await store.clear() >= 3
    assert await store.keys() == []
    assert await store.current_fence("L") == 0


async def test_invalid_names_are_rejected(store: SharedMemoryStore) -> None:
    with pytest.raises(InvalidKeyError):
        await store.set("", 1)
    with pytest.raises(InvalidKeyError, match="reserved"):
        await store.set("~lock:x", 1)
    with pytest.raises(InvalidKeyError):
        store.namespace("has space")
    with pytest.raises(InvalidKeyError):
        store.namespace("a:b")
    with pytest.raises(InvalidKeyError, match="None for no expiry"):
        await store.set("k", 1, ttl_s=0)


# -- atomic operations ---------------------------------------------------------------------


async def test_incr_is_atomic_under_concurrency(store: SharedMemoryStore) -> None:
    async def worker() -> None:
        for _ in range(20):
            await store.incr("hits")

    await asyncio.gather(*(worker() for _ in range(25)))
    assert await store.get_counter("hits") == 500
    assert await store.incr("hits", 5) == 505
    assert await store.incr("hits", -10) == 495
    assert await store.get_counter("never") == 0


async def test_incr_ttl_applies_once(store: SharedMemoryStore) -> None:
    assert await store.incr("rate", ttl_s=0.2) == 1
    await asyncio.sleep(0.1)
    assert await store.incr("rate", ttl_s=0.2) == 2  # does not push the expiry further
    await asyncio.sleep(0.15)
    assert await store.get_counter("rate") == 0


async def test_incr_on_a_value_raises(store: SharedMemoryStore) -> None:
    await store.set("doc", {"a": 1})
    with pytest.raises(NotACounterError):
        await store.incr("doc")


async def test_compare_and_set(store: SharedMemoryStore) -> None:
    assert await store.compare_and_set("k", None, {"v": 1})
    assert not await store.compare_and_set("k", None, {"v": 2})
    assert not await store.compare_and_set("k", {"v": 9}, {"v": 2})
    assert await store.get("k") == {"v": 1}
    assert await store.compare_and_set("k", {"v": 1}, {"v": 2, "w": [1]})
    # equal values match whatever their key order
    assert await store.compare_and_set("k", {"w": [1], "v": 2}, "done")
    assert await store.get("k") == "done"


async def test_compare_and_set_keeps_expiry_unless_given(store: SharedMemoryStore) -> None:
    await store.set("k", 1, ttl_s=5)
    assert await store.compare_and_set("k", 1, 2)
    assert 0 < (await store.ttl("k") or 0) <= 5
    assert await store.compare_and_set("k", 2, 3, ttl_s=0.1)
    await asyncio.sleep(0.15)
    assert await store.get("k") is None


async def test_compare_and_set_loop_loses_no_update(store: SharedMemoryStore) -> None:
    await store.set("doc", {"count": 0})

    async def bump() -> None:
        while True:
            current = await store.get("doc")
            if await store.compare_and_set("doc", current, {"count": current["count"] + 1}):
                return

    await asyncio.gather(*(bump() for _ in range(40)))
    assert await store.get("doc") == {"count": 40}


# -- locks --------------------------------------------------------------------------------


async def test_lock_is_exclusive_and_fences_increase(store: SharedMemoryStore) -> None:
    inside = 0
    most = 0
    fences: list[int] = []

    async def critical() -> None:
        nonlocal inside, most
        async with store.lock("build", ttl_s=5, wait_s=10) as token:
            fences.append(token.fence)
            inside += 1
            most = max(most, inside)
            await asyncio.sleep(0.002)
            inside -= 1

    await asyncio.gather(*(critical() for _ in range(15)))
    assert most == 1
    assert fences == sorted(fences) and len(set(fences)) == 15
    assert await store.current_fence("build") == fences[-1]


async def test_lock_wait_times_out_while_held(store: SharedMemoryStore) -> None:
    async with store.lock("L", ttl_s=5):
        started = time.monotonic()
        with pytest.raises(LockTimeoutError, match="'L'"):
            async with store.lock("L", wait_s=0.1):
                pass
        assert 0.09 <= time.monotonic() - started < 2
    async with store.lock("L", wait_s=0):
        pass


async def test_expiry_frees_the_lock_and_stale_writes_are_rejected(
    store: SharedMemoryStore,
) -> None:
    stale = await store.acquire("res", ttl_s=0.15)
    await store.set_fenced("data", "from first", stale)
    # the first holder stalls past its ttl; a second one gets in with a newer fence
    async with store.lock("res", ttl_s=5, wait_s=2) as fresh:
        assert fresh.fence > stale.fence
        assert not await store.is_current(stale)
        with pytest.raises(StaleFenceError, match="stale"):
            await store.set_fenced("data", "from stale holder", stale)
        with pytest.raises(StaleFenceError):
            await store.check_fence(stale)
        # the stale owner's release must not free the new holder's lock
        assert not await store.release(stale)
        with pytest.raises(LockTimeoutError):
            await store.acquire("res", wait_s=0)
        await store.set_fenced("data", "from second", fresh)
        await store.check_fence(fresh)
    assert await store.get("data") == "from second"


async def test_exiting_an_expired_lock_raises_lock_lost(store: SharedMemoryStore) -> None:
    with pytest.raises(LockLostError):
        async with store.lock("L", ttl_s=0.05):
            await asyncio.sleep(0.1)


async def test_extend_keeps_the_lock(store: SharedMemoryStore) -> None:
    async with store.lock("L", ttl_s=0.15) as token:
        await asyncio.sleep(0.1)
        await store.extend(token, ttl_s=1)
        await asyncio.sleep(0.1)
        with pytest.raises(LockTimeoutError):
            await store.acquire("L", wait_s=0)


# -- pub/sub ------------------------------------------------------------------------------


async def test_subscribers_get_later_messages_in_order(store: SharedMemoryStore) -> None:
    assert await store.publish("events", "before anyone listens") == 0
    async with store.subscribe("events") as a, store.subscribe("events") as b:
        for i in range(300):
            assert await store.publish("events", {"seq": i}) == 2
        got_a = [await a.get(timeout=3) for _ in range(300)]
        got_b = [await b.get(timeout=3) for _ in range(300)]
    assert got_a == got_b == [{"seq": i} for i in range(300)]


async def test_channels_are_namespaced(root: SharedMemoryStore, store: SharedMemoryStore) -> None:
    other = root.namespace(f"other-{secrets.token_hex(6)}")
    async with store.subscribe("events") as sub:
        assert await other.publish("events", "elsewhere") == 0
        await store.publish("events", "here")
        assert await sub.get(timeout=3) == "here"
        with pytest.raises(TimeoutError):
            await sub.get(timeout=0.1)


async def test_iteration_ends_after_close(store: SharedMemoryStore) -> None:
    sub = await store.subscribe("ch").start()
    await store.publish("ch", 1)
    await store.publish("ch", 2)
    await eventually(lambda: _const(sub.pending == 2))
    await sub.aclose()
    assert [m async for m in sub] == [1, 2]
    assert await store.publish("ch", 3) == 0


async def _const(value: bool) -> bool:
    return value


async def test_slow_subscriber_fails_after_its_buffered_messages(
    store: SharedMemoryStore,
) -> None:
    async with store.subscribe("ch", max_pending=5) as sub:
        for i in range(8):
            await store.publish("ch", i)
        await eventually(lambda: _const(sub.pending == 5))
        await asyncio.sleep(0.05)
        got = []
        with pytest.raises(SubscriberOverflowError, match="more than 5"):
            async for message in sub:
                got.append(message)
    assert got == [0, 1, 2, 3, 4]


async def test_slow_subscriber_can_drop_oldest(store: SharedMemoryStore) -> None:
    async with store.subscribe("ch", max_pending=5, overflow="drop_oldest") as sub:
        for i in range(8):
            await store.publish("ch", i)
        await eventually(lambda: _const(sub.dropped == 3))
        assert [await sub.get(timeout=1) for _ in range(5)] == [3, 4, 5, 6, 7]


# -- result cache on every backend -----------------------------------------------------------


async def test_result_cache_computes_once_for_concurrent_misses(store: SharedMemoryStore) -> None:
    calls = 0

    async def compute() -> dict[str, str]:
        nonlocal calls
        calls += 1
        await asyncio.sleep(0.02)
        return {"code": "print('hi')"}

    caches = [ResultCache(store, ttl_s=5) for _ in range(8)]
    inputs = {"agent": "coder", "task": "write main", "intent": {"b": 1, "a": 2}}
    results = await asyncio.gather(*(c.get_or_compute(inputs, compute) for c in caches))
    assert results == [{"code": "print('hi')"}] * 8
    assert calls == 1
    assert sum(c.hits for c in caches) == 7
