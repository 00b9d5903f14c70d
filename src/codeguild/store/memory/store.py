"""SharedMemoryStore: namespaced, codec-aware shared state, locks and channels over a backend."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
import time
from collections.abc import AsyncIterator, Mapping, Sequence
from types import TracebackType
from typing import Any

from codeguild.store.memory.base import (
    INTERNAL_MARK,
    KEY_ROOT,
    InvalidKeyError,
    LockLostError,
    LockTimeoutError,
    LockToken,
    MemoryBackend,
    OverflowPolicy,
    StaleFenceError,
    validate_key,
    validate_namespace,
)
from codeguild.store.memory.serialization import Codec, get_codec
from codeguild.store.memory.subscription import Subscription

log = logging.getLogger(__name__)

GLOBAL_NAMESPACE = "global"


def _ttl_ms(ttl_s: float | None) -> int | None:
    if ttl_s is None:
        return None
    if ttl_s <= 0:
        raise InvalidKeyError(
            f"ttl_s must be positive, got {ttl_s!r}.", hint="Pass None for no expiry."
        )
    return max(1, round(ttl_s * 1000))


def _lock_ttl_ms(ttl_s: float) -> int:
    ttl_ms = _ttl_ms(ttl_s)
    if ttl_ms is None:
        raise InvalidKeyError("A lock needs a ttl_s.", hint="Pass e.g. ttl_s=30.")
    return ttl_ms


class SharedMemoryStore:
    """Shared state of runs: ``codeguild:{namespace}:{key}`` keys, TTLs, atomic ops, locks, pub/sub.

    One interface over two backends (in-process, Redis). ``namespace(run_id)`` returns a view on
    the same backend whose keys, locks and channels are those of that run.
    """

    def __init__(
        self,
        backend: MemoryBackend,
        *,
        namespace: str = GLOBAL_NAMESPACE,
        codec: str | Codec = "json",
        _owns_backend: bool = True,
    ) -> None:
        self.backend = backend
        self.namespace_name = validate_namespace(namespace)
        self.codec = get_codec(codec)
        self._prefix = f"{KEY_ROOT}:{namespace}:"
        self._owns_backend = _owns_backend

    def __repr__(self) -> str:
        return (
            f"SharedMemoryStore(url={self.backend.url!r}, namespace={self.namespace_name!r}, "
            f"codec={self.codec.name!r})"
        )

    @property
    def url(self) -> str:
        """The backend URL, password masked."""
        return self.backend.url

    # -- lifecycle --------------------------------------------------------------------------

    async def connect(self) -> SharedMemoryStore:
        """Check the backend is reachable (StoreUnavailableError naming the URL if not)."""
        await self.backend.connect()
        return self

    async def close(self) -> None:
        """Close the backend; a namespace view leaves that to the store it came from."""
        if self._owns_backend:
            await self.backend.close()

    async def __aenter__(self) -> SharedMemoryStore:
        return await self.connect()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    def namespace(self, run_id: str, *, codec: str | Codec | None = None) -> SharedMemoryStore:
        """A view whose keys live under ``codeguild:{run_id}:``; it shares this backend."""
        return SharedMemoryStore(
            self.backend,
            namespace=run_id,
            codec=self.codec if codec is None else codec,
            _owns_backend=False,
        )

    def full_key(self, key: str) -> str:
        """The backend key for ``key`` (useful for debugging with redis-cli)."""
        return self._prefix + validate_key(key)

    # -- key/value --------------------------------------------------------------------------

    async def get(self, key: str, default: Any = None) -> Any:
        data = await self.backend.get(self.full_key(key))
        return default if data is None else self.codec.loads(data)

    async def set(self, key: str, value: Any, *, ttl_s: float | None = None) -> None:
        """Store ``value``; it expires after ``ttl_s`` seconds (None: never)."""
        await self.backend.set(self.full_key(key), self.codec.dumps(value), _ttl_ms(ttl_s))

    async def get_many(self, keys: Sequence[str]) -> dict[str, Any]:
        """Present keys and their values, in one round trip (missing keys are left out)."""
        raw = await self.backend.get_many([self.full_key(k) for k in keys])
        loads = self.codec.loads
        return {k: loads(v) for k, v in zip(keys, raw, strict=True) if v is not None}

    async def set_many(self, items: Mapping[str, Any], *, ttl_s: float | None = None) -> None:
        """Store several values in one round trip (pipelined on Redis; not one transaction)."""
        dumps = self.codec.dumps
        encoded = [(self.full_key(k), dumps(v)) for k, v in items.items()]
        await self.backend.set_many(encoded, _ttl_ms(ttl_s))

    async def delete(self, *keys: str) -> int:
        """Delete keys; returns how many existed."""
        return await self.backend.delete([self.full_key(k) for k in keys])

    async def exists(self, key: str) -> bool:
        return await self.backend.exists(self.full_key(key))

    async def ttl(self, key: str) -> float | None:
        """Seconds until ``key`` expires; None when it has no expiry or does not exist."""
        left = await self.backend.ttl_ms(self.full_key(key))
        return None if left is None else left / 1000

    async def keys(self, pattern: str = "*") -> list[str]:
        """This namespace's keys matching a Redis glob pattern, sorted, without the prefix."""
        start = len(self._prefix)
        found = await self.backend.scan(self._prefix + pattern)
        return sorted(k[start:] for k in found if not k[start:].startswith(INTERNAL_MARK))

    async def clear(self) -> int:
        """Delete every key of this namespace, lock state and fence counters included."""
        found = await self.backend.scan(self._prefix + "*")
        deleted = 0
        for i in range(0, len(found), 500):
            deleted += await self.backend.delete(found[i : i + 500])
        return deleted

    # -- atomic operations ------------------------------------------------------------------

    async def incr(self, key: str, amount: int = 1, *, ttl_s: float | None = None) -> int:
        """Atomically add ``amount`` to an integer counter (created at 0) and return it.

        ``ttl_s`` is applied when the counter has no expiry yet. Read counters with
        ``get_counter`` (their stored form is Redis's decimal text, not a codec value).
        """
        return await self.backend.incr(self.full_key(key), amount, _ttl_ms(ttl_s))

    async def get_counter(self, key: str) -> int:
        """A counter's current value (0 when it does not exist)."""
        return await self.backend.get_int(self.full_key(key))

    async def compare_and_set(
        self, key: str, expected: Any, new: Any, *, ttl_s: float | None = None
    ) -> bool:
        """Atomically replace the value with ``new`` if it equals ``expected``.

        ``expected=None`` means "the key must not exist". Values compare by their canonical
        encoding. Without ``ttl_s`` an existing expiry is kept. Returns whether it was set.
        """
        dumps = self.codec.dumps
        return await self.backend.compare_and_set(
            self.full_key(key),
            None if expected is None else dumps(expected),
            dumps(new),
            _ttl_ms(ttl_s),
        )

    # -- locks with fencing tokens -----------------------------------------------------------

    def _lock_keys(self, name: str) -> tuple[str, str]:
        validate_key(name, "lock name")
        return (
            f"{self._prefix}{INTERNAL_MARK}lock:{name}",
            f"{self._prefix}{INTERNAL_MARK}fence:{name}",
        )

    async def acquire(
        self, name: str, *, ttl_s: float = 30.0, wait_s: float | None = 10.0
    ) -> LockToken:
        """Take lock ``name`` (waiting up to ``wait_s``; None waits forever) for ``ttl_s``.

        Prefer ``async with store.lock(...)``. Raises LockTimeoutError when it stays taken.
        """
        key, fence_key = self._lock_keys(name)
        ttl_ms = _lock_ttl_ms(ttl_s)
        owner = secrets.token_hex(12)
        deadline = None if wait_s is None else time.monotonic() + wait_s
        pause = 0.005
        while True:
            fence = await self.backend.acquire_lock(key, fence_key, owner, ttl_ms)
            if fence > 0:
                return LockToken(name=name, fence=fence, owner=owner, ttl_s=ttl_s)
            now = time.monotonic()
            if deadline is not None and now >= deadline:
                raise LockTimeoutError(
                    f"Lock {name!r} in namespace {self.namespace_name!r} is still held by "
                    f"another owner after waiting {wait_s:g}s.",
                    hint="Wait longer (wait_s), or check the holder is alive: its ttl_s "
                    "frees the lock if it died.",
                )
            sleep = pause if deadline is None else min(pause, max(0.0, deadline - now))
            await asyncio.sleep(sleep)
            pause = min(pause * 2, 0.1)

    async def release(self, token: LockToken) -> bool:
        """Release a lock if ``token`` still owns it; False when it had expired meanwhile."""
        key, _ = self._lock_keys(token.name)
        return await self.backend.release_lock(key, token.owner)

    async def extend(self, token: LockToken, ttl_s: float | None = None) -> None:
        """Push the lock's expiry to ``ttl_s`` (default: its own ttl) from now."""
        key, _ = self._lock_keys(token.name)
        ttl_ms = _lock_ttl_ms(token.ttl_s if ttl_s is None else ttl_s)
        if not await self.backend.extend_lock(key, token.owner, ttl_ms):
            raise LockLostError(
                f"Lock {token.name!r} (fence {token.fence}) expired before it was extended.",
                hint="Extend well before ttl_s runs out, or use a longer ttl_s.",
            )

    @contextlib.asynccontextmanager
    async def lock(
        self, name: str, *, ttl_s: float = 30.0, wait_s: float | None = 10.0
    ) -> AsyncIterator[LockToken]:
        """``async with store.lock(name, ttl_s=..., wait_s=...) as token:`` exclusive section.

        ``token.fence`` grows strictly per lock name; pass it to ``set_fenced`` (or check it
        with ``is_current``) so a holder whose lock expired cannot overwrite a newer holder.
        Exiting after the lock expired raises LockLostError (unless the body already raised).
        """
        token = await self.acquire(name, ttl_s=ttl_s, wait_s=wait_s)
        try:
            yield token
        except BaseException:
            await self.release(token)
            raise
        if not await self.release(token):
            raise LockLostError(
                f"Lock {name!r} (fence {token.fence}) expired while held (ttl_s={ttl_s:g}); "
                "another owner may have taken it.",
                hint="Use a longer ttl_s, extend() it during long work, and write through "
                "set_fenced() so stale writes are rejected.",
            )

    async def current_fence(self, name: str) -> int:
        """The latest fencing token issued for lock ``name`` (0 if never taken)."""
        _, fence_key = self._lock_keys(name)
        return await self.backend.get_int(fence_key)

    async def is_current(self, token: LockToken) -> bool:
        """Whether no newer holder has taken the lock since ``token`` was issued."""
        return await self.current_fence(token.name) == token.fence

    async def check_fence(self, token: LockToken) -> None:
        """Raise StaleFenceError if a newer holder has taken the lock since ``token``."""
        latest = await self.current_fence(token.name)
        if latest != token.fence:
            raise self._stale(token, latest)

    async def set_fenced(
        self, key: str, value: Any, token: LockToken, *, ttl_s: float | None = None
    ) -> None:
        """Atomically write ``value`` only if ``token`` is still the latest fence of its lock."""
        _, fence_key = self._lock_keys(token.name)
        ok = await self.backend.set_if_fence(
            fence_key, token.fence, self.full_key(key), self.codec.dumps(value), _ttl_ms(ttl_s)
        )
        if not ok:
            raise self._stale(token, await self.current_fence(token.name))

    def _stale(self, token: LockToken, latest: int) -> StaleFenceError:
        return StaleFenceError(
            f"Fencing token {token.fence} for lock {token.name!r} is stale (latest is {latest}); "
            "the write was rejected.",
            hint="The lock expired and was taken by another holder: re-acquire it and redo "
            "the work from fresh state.",
        )

    # -- pub/sub ----------------------------------------------------------------------------

    def _channel(self, channel: str) -> str:
        return self._prefix + validate_key(channel, "channel")

    async def publish(self, channel: str, message: Any) -> int:
        """Send ``message`` to the channel's current subscribers; returns how many got it."""
        return await self.backend.publish(self._channel(channel), self.codec.dumps(message))

    def subscribe(
        self,
        channel: str,
        *,
        max_pending: int = 10_000,
        overflow: OverflowPolicy | str = OverflowPolicy.FAIL,
    ) -> Subscription:
        """A subscription to ``channel``: ``async with store.subscribe(ch) as sub:``.

        It is active once entered (or after ``await sub.start()``); iterate it for messages.
        A subscriber more than ``max_pending`` messages behind meets the ``overflow`` policy.
        """
        if max_pending < 1:
            raise InvalidKeyError(
                f"max_pending must be at least 1, got {max_pending}.", hint="Use e.g. 10_000."
            )
        return Subscription(
            self.backend,
            channel,
            self._channel(channel),
            self.codec.loads,
            max_pending,
            OverflowPolicy(overflow),
        )
