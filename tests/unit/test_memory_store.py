"""Pieces of the shared-memory store that need no server: codecs, globs, URLs, buffers, cache."""

from __future__ import annotations

import asyncio
import dataclasses
import re

import pytest

from codeguild.errors import CodeguildError
from codeguild.store.memory import (
    InProcessBackend,
    InvalidKeyError,
    OverflowPolicy,
    ResultCache,
    SerializationError,
    SharedMemoryStore,
    StoreConfigError,
    SubscriberOverflowError,
    get_codec,
    input_hash,
    mask_url,
    open_memory_store,
)
from codeguild.store.memory.base import glob_to_regex
from codeguild.store.memory.subscription import MessageBuffer

# -- codecs ---------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["json", "msgpack"])
def test_codecs_are_canonical(name: str) -> None:
    codec = get_codec(name)
    a = {"b": 1, "a": {"y": [1, {"q": 1, "p": 2}], "x": None}}
    b = {"a": {"x": None, "y": [1, {"p": 2, "q": 1}]}, "b": 1}
    assert codec.dumps(a) == codec.dumps(b)
    assert codec.loads(codec.dumps(a)) == a


@pytest.mark.parametrize("name", ["json", "msgpack"])
def test_codecs_reject_what_they_cannot_encode_with_a_fix(name: str) -> None:
    codec = get_codec(name)
    with pytest.raises(SerializationError) as info:
        codec.dumps({"when": object()})
    assert info.value.code == "store_serialization"
    assert "Store" in str(info.value)
    with pytest.raises(SerializationError, match="same codec"):
        codec.loads(b"\xc1" if name == "msgpack" else b"{not json")


def test_unknown_codec_lists_the_choices() -> None:
    with pytest.raises(SerializationError, match="json, msgpack"):
        get_codec("yaml")


def test_json_rejects_nan_rather_than_writing_invalid_json() -> None:
    with pytest.raises(SerializationError):
        get_codec("json").dumps(float("nan"))


# -- globs, names and URLs --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pattern", "matches", "misses"),
    [
        ("task:*", ["task:", "task:a:b"], ["tas", "xtask:a"]),
        ("h?llo", ["hello", "hallo"], ["hllo", "heello"]),
        ("h[ae]llo", ["hello", "hallo"], ["hillo"]),
        ("h[^e]llo", ["hallo"], ["hello"]),
        ("h[a-c]llo", ["hbllo"], ["hdllo"]),
        (r"lit\*", ["lit*"], ["litx"]),
        ("a.b", ["a.b"], ["axb"]),
    ],
)
def test_glob_follows_redis_semantics(pattern: str, matches: list[str], misses: list[str]) -> None:
    regex = glob_to_regex(pattern)
    assert all(regex.match(m) for m in matches)
    assert not any(regex.match(m) for m in misses)


def test_mask_url_hides_only_the_password() -> None:
    assert mask_url("redis://u:pw@host:6380/2?x=1") == "redis://u:***@host:6380/2?x=1"
    assert mask_url("redis://:pw@host/0") == "redis://:***@host/0"
    assert mask_url("redis://host:6379/0") == "redis://host:6379/0"


def test_open_memory_store_picks_backend_and_codec() -> None:
    assert isinstance(open_memory_store(None).backend, InProcessBackend)
    store = open_memory_store("memory://?codec=msgpack")
    assert store.codec.name == "msgpack"
    assert store.namespace("run1").codec.name == "msgpack"
    redis_store = open_memory_store("redis://:pw@127.0.0.1:1/0?codec=msgpack", codec="json")
    assert redis_store.codec.name == "json"
    assert "pw" not in redis_store.url and "codec" not in repr(redis_store.backend.url)
    with pytest.raises(StoreConfigError, match="memory://"):
        open_memory_store("postgres://x")


def test_namespaces_build_prefixed_keys() -> None:
    store = open_memory_store()
    assert store.namespace("abc123").full_key("ctx:plan") == "codeguild:abc123:ctx:plan"
    with pytest.raises(InvalidKeyError):
        store.namespace("*")


def test_errors_are_codeguild_errors_with_stable_codes() -> None:
    assert issubclass(SubscriberOverflowError, CodeguildError)
    assert SubscriberOverflowError.code == "subscriber_overflow"


# -- message buffer -------------------------------------------------------------------------


async def test_buffer_fail_policy_delivers_buffered_then_raises() -> None:
    buf = MessageBuffer("ch", 2, OverflowPolicy.FAIL)
    for data in (b"1", b"2", b"3", b"4"):
        buf.push(data)
    assert [await buf.next(), await buf.next()] == [b"1", b"2"]
    with pytest.raises(SubscriberOverflowError):
        await buf.next()


async def test_buffer_wakes_a_waiting_reader() -> None:
    buf = MessageBuffer("ch", 10, OverflowPolicy.FAIL)
    reader = asyncio.create_task(buf.next())
    await asyncio.sleep(0)
    buf.push(b"x")
    assert await asyncio.wait_for(reader, 1) == b"x"
    buf.close()
    with pytest.raises(StopAsyncIteration):
        await buf.next()


# -- in-process specifics --------------------------------------------------------------------


async def test_expired_keys_are_swept_without_being_read() -> None:
    backend = InProcessBackend()
    store = SharedMemoryStore(backend)
    await store.set_many({f"k{i}": i for i in range(100)}, ttl_s=0.01)
    await asyncio.sleep(0.02)
    await store.set_many({f"fill{i}": i for i in range(5000)})
    assert not any(k.endswith(":k1") for k in backend._data)


async def test_close_ends_open_subscriptions() -> None:
    store = open_memory_store()
    sub = await store.subscribe("ch").start()
    await store.close()
    assert [m async for m in sub] == []


# -- result cache ---------------------------------------------------------------------------


@dataclasses.dataclass
class TaskInput:
    name: str
    tags: frozenset[str]


def test_input_hash_is_stable_and_order_free() -> None:
    a = input_hash("coder", {"x": 1, "y": [1, 2]}, TaskInput("t", frozenset({"a", "b"})))
    b = input_hash("coder", {"y": [1, 2], "x": 1}, TaskInput("t", frozenset({"b", "a"})))
    assert a == b and re.fullmatch(r"[0-9a-f]{64}", a)
    assert input_hash("coder", {"x": 2}) != input_hash("coder", {"x": 1})
    assert input_hash([1, 2]) != input_hash([2, 1])
    with pytest.raises(SerializationError):
        input_hash(object())


async def test_cache_hits_expire_and_failures_are_not_cached() -> None:
    store = open_memory_store().namespace("cache-test")
    cache = ResultCache(store, ttl_s=0.1)
    calls = 0

    async def compute() -> list[int]:
        nonlocal calls
        calls += 1
        return [calls]

    assert await cache.get_or_compute({"q": 1}, compute) == [1]
    assert await cache.get_or_compute({"q": 1}, compute) == [1]
    assert (cache.hits, cache.misses) == (1, 1)
    await asyncio.sleep(0.15)
    assert await cache.get_or_compute({"q": 1}, compute) == [2]

    async def broken() -> list[int]:
        raise RuntimeError("engine down")

    with pytest.raises(RuntimeError):
        await cache.get_or_compute({"q": 2}, broken)
    assert await cache.lookup(input_hash({"q": 2})) == (False, None)
    assert await cache.get_or_compute({"q": 2}, compute) == [3]


async def test_cache_keeps_a_cached_none() -> None:
    cache = ResultCache(open_memory_store())
    calls = 0

    async def nothing() -> None:
        nonlocal calls
        calls += 1

    await cache.get_or_compute("x", nothing)
    await cache.get_or_compute("x", nothing)
    assert calls == 1
    assert await cache.invalidate(input_hash("x"))
