"""Redis backend (redis.asyncio): Lua scripts for the atomic operations, bounded reconnects.

Every command runs under redis-py's Retry with exponential backoff on ConnectionError and
TimeoutError; once those retries are spent the error becomes StoreUnavailableError naming the
(masked) URL, so a caller can stop cleanly and resume the run later.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import redis.asyncio as aioredis
from redis.asyncio.retry import Retry
from redis.backoff import ExponentialBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import RedisError, ResponseError
from redis.exceptions import TimeoutError as RedisTimeoutError

from codeguild.errors import StoreUnavailableError
from codeguild.store.memory.base import (
    MemoryBackend,
    NotACounterError,
    Unsubscribe,
    mask_url,
)

if TYPE_CHECKING:
    from codeguild.store.memory.subscription import MessageBuffer

log = logging.getLogger(__name__)

_CAS = """
local cur = redis.call('GET', KEYS[1])
if ARGV[1] == '0' then
  if cur then return 0 end
elseif cur ~= ARGV[2] then
  return 0
end
if ARGV[4] == '' then
  if cur then redis.call('SET', KEYS[1], ARGV[3], 'KEEPTTL')
  else redis.call('SET', KEYS[1], ARGV[3]) end
else
  redis.call('SET', KEYS[1], ARGV[3], 'PX', ARGV[4])
end
return 1
"""

# A retried call after a lost reply finds its own owner id: answer with the fence it got.
_ACQUIRE = """
local cur = redis.call('GET', KEYS[1])
if cur == ARGV[1] then return tonumber(redis.call('GET', KEYS[2])) end
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
  return redis.call('INCR', KEYS[2])
end
return 0
"""

_RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""

_EXTEND = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0
"""

_SET_IF_FENCE = """
if tonumber(redis.call('GET', KEYS[1]) or '0') ~= tonumber(ARGV[1]) then return 0 end
if ARGV[3] == '' then redis.call('SET', KEYS[2], ARGV[2])
else redis.call('SET', KEYS[2], ARGV[2], 'PX', ARGV[3]) end
return 1
"""

_INCR_TTL = """
local v = redis.call('INCRBY', KEYS[1], ARGV[1])
if redis.call('PTTL', KEYS[1]) == -1 then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return v
"""


@dataclass(frozen=True)
class ReconnectPolicy:
    """Bounded reconnects: ``retries`` attempts, sleeping min(cap, base * 2**n) between them."""

    retries: int = 6
    base_s: float = 0.05
    cap_s: float = 1.0
    connect_timeout_s: float = 2.0
    #: commands that hang longer than this count as a dropped connection
    socket_timeout_s: float = 10.0

    def retry(self) -> Retry:
        return Retry(ExponentialBackoff(cap=self.cap_s, base=self.base_s), self.retries)

    def worst_case_s(self) -> float:
        return sum(min(self.cap_s, self.base_s * 2**n) for n in range(1, self.retries + 1))


def _reason(exc: BaseException) -> str:
    return (str(exc) or type(exc).__name__).rstrip(". ")


def _start_hint(url: str) -> str:
    parts = urlsplit(url)
    host = parts.hostname or "127.0.0.1"
    port = parts.port or 6379
    return (
        f"Start Redis (e.g. `redis-server --daemonize yes --bind {host} --port {port} "
        '--save "" --appendonly no`), point CODEGUILD_REDIS_URL at a reachable server, or use '
        "memory:// for the in-process store."
    )


class RedisBackend(MemoryBackend):
    """Shared memory in Redis: many processes and machines see the same keys and channels."""

    def __init__(self, url: str, policy: ReconnectPolicy | None = None) -> None:
        self.url = mask_url(url)
        self._raw_url = url
        self.policy = policy or ReconnectPolicy()
        # until one command succeeded, a connection error means "unreachable at start"
        self._reached = False
        self._client: aioredis.Redis = aioredis.Redis.from_url(
            url,
            retry=self.policy.retry(),
            retry_on_error=[RedisConnectionError, RedisTimeoutError],
            socket_connect_timeout=self.policy.connect_timeout_s,
            socket_timeout=self.policy.socket_timeout_s,
        )
        self._cas = self._client.register_script(_CAS)
        self._acquire = self._client.register_script(_ACQUIRE)
        self._release = self._client.register_script(_RELEASE)
        self._extend = self._client.register_script(_EXTEND)
        self._set_if_fence = self._client.register_script(_SET_IF_FENCE)
        self._incr_ttl = self._client.register_script(_INCR_TTL)

    @property
    def client(self) -> aioredis.Redis:
        """The underlying redis.asyncio client (for diagnostics and benchmarks)."""
        return self._client

    async def connect(self) -> None:
        # a one-shot probe: failing fast at start beats waiting out the mid-run retry budget
        probe = aioredis.Redis.from_url(
            self._raw_url,
            retry=Retry(ExponentialBackoff(cap=0.2, base=0.05), 1),
            socket_connect_timeout=self.policy.connect_timeout_s,
            socket_timeout=self.policy.connect_timeout_s,
        )
        try:
            await probe.ping()
        except (RedisError, OSError) as exc:
            raise self._unreachable(exc) from exc
        finally:
            await probe.aclose()
        self._reached = True

    def _unreachable(self, exc: BaseException) -> StoreUnavailableError:
        return StoreUnavailableError(
            f"Cannot reach Redis at {self.url}: {_reason(exc)}.", hint=_start_hint(self._raw_url)
        )

    async def close(self) -> None:
        await self._client.aclose()

    @contextlib.asynccontextmanager
    async def _failures(self) -> AsyncIterator[None]:
        try:
            yield
            self._reached = True
        except (RedisConnectionError, RedisTimeoutError, OSError) as exc:
            raise self._lost(exc) from exc
        except ResponseError as exc:
            if "not an integer" in str(exc):
                raise NotACounterError(
                    f"A key holds a value, not an integer counter ({exc}).",
                    hint="Use a separate key for counters; incr() only works on keys it created.",
                ) from exc
            raise

    def _lost(self, exc: BaseException) -> StoreUnavailableError:
        if not self._reached:
            return self._unreachable(exc)
        return StoreUnavailableError(
            f"Lost the connection to Redis at {self.url} and could not reconnect after "
            f"{self.policy.retries} attempts over ~{self.policy.worst_case_s():.1f}s: "
            f"{_reason(exc)}.",
            hint="The run stopped without losing finished work; once Redis is back, continue "
            "it with `codeguild resume RUN_ID`. " + _start_hint(self._raw_url),
        )

    async def get(self, key: str) -> bytes | None:
        async with self._failures():
            return await self._client.get(key)  # type: ignore[return-value]

    async def get_many(self, keys: Sequence[str]) -> list[bytes | None]:
        if not keys:
            return []
        async with self._failures():
            return await self._client.mget(keys)  # type: ignore[return-value]

    async def set(self, key: str, data: bytes, ttl_ms: int | None) -> None:
        async with self._failures():
            await self._client.set(key, data, px=ttl_ms)

    async def set_many(self, items: Sequence[tuple[str, bytes]], ttl_ms: int | None) -> None:
        if not items:
            return
        async with self._failures():
            if ttl_ms is None:
                await self._client.mset(dict(items))
                return
            pipe = self._client.pipeline(transaction=False)
            for key, data in items:
                pipe.set(key, data, px=ttl_ms)
            await pipe.execute()

    async def delete(self, keys: Sequence[str]) -> int:
        if not keys:
            return 0
        async with self._failures():
            return await self._client.delete(*keys)  # type: ignore[no-any-return]

    async def exists(self, key: str) -> bool:
        async with self._failures():
            return bool(await self._client.exists(key))

    async def ttl_ms(self, key: str) -> int | None:
        async with self._failures():
            left = await self._client.pttl(key)
        return None if left < 0 else int(left)

    async def scan(self, match: str) -> list[str]:
        async with self._failures():
            return [k.decode() async for k in self._client.scan_iter(match=match, count=1000)]

    async def incr(self, key: str, amount: int, ttl_ms: int | None) -> int:
        async with self._failures():
            if ttl_ms is None:
                return await self._client.incrby(key, amount)  # type: ignore[no-any-return]
            return int(await self._incr_ttl(keys=[key], args=[amount, ttl_ms]))

    async def get_int(self, key: str) -> int:
        async with self._failures():
            raw = await self._client.get(key)
        if raw is None:
            return 0
        try:
            return int(raw)
        except ValueError:
            raise NotACounterError(
                f"Key {key!r} holds a value, not an integer counter.",
                hint="Use a separate key for counters; incr() only works on keys it created.",
            ) from None

    async def compare_and_set(
        self, key: str, expected: bytes | None, new: bytes, ttl_ms: int | None
    ) -> bool:
        args: list[Any] = [
            "0" if expected is None else "1",
            b"" if expected is None else expected,
            new,
            "" if ttl_ms is None else ttl_ms,
        ]
        async with self._failures():
            return bool(await self._cas(keys=[key], args=args))

    async def acquire_lock(self, key: str, fence_key: str, owner: str, ttl_ms: int) -> int:
        async with self._failures():
            return int(await self._acquire(keys=[key, fence_key], args=[owner, ttl_ms]))

    async def release_lock(self, key: str, owner: str) -> bool:
        async with self._failures():
            return bool(await self._release(keys=[key], args=[owner]))

    async def extend_lock(self, key: str, owner: str, ttl_ms: int) -> bool:
        async with self._failures():
            return bool(await self._extend(keys=[key], args=[owner, ttl_ms]))

    async def set_if_fence(
        self, fence_key: str, fence: int, key: str, data: bytes, ttl_ms: int | None
    ) -> bool:
        args: list[Any] = [fence, data, "" if ttl_ms is None else ttl_ms]
        async with self._failures():
            return bool(await self._set_if_fence(keys=[fence_key, key], args=args))

    async def publish(self, channel: str, data: bytes) -> int:
        async with self._failures():
            return await self._client.publish(channel, data)  # type: ignore[no-any-return]

    async def open_subscription(self, channel: str, buffer: MessageBuffer) -> Unsubscribe:
        pubsub = self._client.pubsub()
        try:
            async with self._failures():
                await pubsub.subscribe(channel)
                # wait for the server's confirmation: only then are later publishes guaranteed
                while True:
                    reply = await pubsub.get_message(timeout=self.policy.socket_timeout_s)
                    if reply is None:
                        raise RedisTimeoutError(f"no SUBSCRIBE confirmation for {channel!r}")
                    if reply["type"] == "subscribe":
                        break
        except BaseException:
            await pubsub.aclose()
            raise
        reader = asyncio.create_task(self._read(pubsub, buffer), name=f"redis-sub:{channel}")

        async def unsubscribe() -> None:
            reader.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await reader
            with contextlib.suppress(RedisError, OSError):
                await pubsub.unsubscribe()
            await pubsub.aclose()

        return unsubscribe

    async def _read(self, pubsub: aioredis.client.PubSub, buffer: MessageBuffer) -> None:
        try:
            # redis-py re-subscribes after a reconnect; messages sent while down are lost
            while not buffer.closed:
                reply = await pubsub.get_message(timeout=None)
                if reply is not None and reply["type"] == "message":
                    buffer.push(reply["data"])
        except asyncio.CancelledError:
            raise
        except (RedisConnectionError, RedisTimeoutError, OSError) as exc:
            log.warning("subscription lost url=%s error=%s", self.url, exc)
            buffer.close(self._lost(exc))
        except Exception as exc:
            log.exception("subscription reader failed url=%s", self.url)
            buffer.close(exc)
