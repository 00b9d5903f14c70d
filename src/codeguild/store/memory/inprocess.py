"""In-process backend: a dict with expiry, locks and pub/sub over per-subscriber buffers.

The embedded default (one machine, no server). It mirrors Redis semantics closely enough that
the same contract suite passes on both; values are kept encoded so codec behaviour is identical.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING

from codeguild.store.memory.base import (
    MemoryBackend,
    NotACounterError,
    Unsubscribe,
    glob_to_regex,
)

if TYPE_CHECKING:
    from codeguild.store.memory.subscription import MessageBuffer

_SWEEP_EVERY = 4096


class InProcessBackend(MemoryBackend):
    """Everything in this process; safe to share between the namespace views of one loop."""

    def __init__(self) -> None:
        self.url = "memory://"
        # value bytes (or int for counters), expiry deadline on time.monotonic() or None
        self._data: dict[str, tuple[bytes | int, float | None]] = {}
        self._channels: dict[str, list[MessageBuffer]] = {}
        # one lock makes each operation atomic even if the store is used from worker threads
        self._mutex = threading.Lock()
        self._writes = 0

    async def connect(self) -> None:
        return None

    async def close(self) -> None:
        with self._mutex:
            buffers = [b for subs in self._channels.values() for b in subs]
            self._channels.clear()
        for buffer in buffers:
            buffer.close()

    # -- helpers (call with the mutex held) -------------------------------------------------

    def _live(self, key: str, now: float) -> bytes | int | None:
        entry = self._data.get(key)
        if entry is None:
            return None
        value, deadline = entry
        if deadline is not None and deadline <= now:
            del self._data[key]
            return None
        return value

    def _put(self, key: str, value: bytes | int, ttl_ms: int | None, now: float) -> None:
        self._data[key] = (value, None if ttl_ms is None else now + ttl_ms / 1000)
        self._writes += 1
        if self._writes % _SWEEP_EVERY == 0:
            # expired keys nobody reads again would otherwise stay forever
            for k in [k for k, (_, d) in self._data.items() if d is not None and d <= now]:
                del self._data[k]

    @staticmethod
    def _as_bytes(value: bytes | int | None) -> bytes | None:
        return str(value).encode() if isinstance(value, int) else value

    # -- key/value ------------------------------------------------------------------------

    async def get(self, key: str) -> bytes | None:
        with self._mutex:
            return self._as_bytes(self._live(key, time.monotonic()))

    async def get_many(self, keys: Sequence[str]) -> list[bytes | None]:
        now = time.monotonic()
        with self._mutex:
            return [self._as_bytes(self._live(k, now)) for k in keys]

    async def set(self, key: str, data: bytes, ttl_ms: int | None) -> None:
        with self._mutex:
            self._put(key, data, ttl_ms, time.monotonic())

    async def set_many(self, items: Sequence[tuple[str, bytes]], ttl_ms: int | None) -> None:
        now = time.monotonic()
        with self._mutex:
            for key, data in items:
                self._put(key, data, ttl_ms, now)

    async def delete(self, keys: Sequence[str]) -> int:
        now = time.monotonic()
        with self._mutex:
            found = [k for k in keys if self._live(k, now) is not None]
            for k in found:
                del self._data[k]
            return len(found)

    async def exists(self, key: str) -> bool:
        with self._mutex:
            return self._live(key, time.monotonic()) is not None

    async def ttl_ms(self, key: str) -> int | None:
        now = time.monotonic()
        with self._mutex:
            if self._live(key, now) is None:
                return None
            deadline = self._data[key][1]
            return None if deadline is None else max(0, round((deadline - now) * 1000))

    async def scan(self, match: str) -> list[str]:
        regex = glob_to_regex(match)
        now = time.monotonic()
        with self._mutex:
            return [
                k for k in list(self._data) if regex.match(k) and self._live(k, now) is not None
            ]

    # -- atomic operations ----------------------------------------------------------------

    async def incr(self, key: str, amount: int, ttl_ms: int | None) -> int:
        now = time.monotonic()
        with self._mutex:
            current = self._live(key, now)
            if current is None:
                self._put(key, amount, ttl_ms, now)
                return amount
            value = _to_int(key, current) + amount
            deadline = self._data[key][1]
            if deadline is None and ttl_ms is not None:
                deadline = now + ttl_ms / 1000
            self._data[key] = (value, deadline)
            return value

    async def get_int(self, key: str) -> int:
        with self._mutex:
            current = self._live(key, time.monotonic())
            return 0 if current is None else _to_int(key, current)

    async def compare_and_set(
        self, key: str, expected: bytes | None, new: bytes, ttl_ms: int | None
    ) -> bool:
        now = time.monotonic()
        with self._mutex:
            if self._as_bytes(self._live(key, now)) != expected:
                return False
            if ttl_ms is None and expected is not None:
                self._data[key] = (new, self._data[key][1])
            else:
                self._put(key, new, ttl_ms, now)
            return True

    async def acquire_lock(self, key: str, fence_key: str, owner: str, ttl_ms: int) -> int:
        now = time.monotonic()
        with self._mutex:
            holder = self._live(key, now)
            if holder is not None:
                return 0
            fence = _to_int(fence_key, self._live(fence_key, now) or 0) + 1
            self._data[fence_key] = (fence, None)
            self._put(key, owner.encode(), ttl_ms, now)
            return fence

    async def release_lock(self, key: str, owner: str) -> bool:
        with self._mutex:
            if self._live(key, time.monotonic()) != owner.encode():
                return False
            del self._data[key]
            return True

    async def extend_lock(self, key: str, owner: str, ttl_ms: int) -> bool:
        now = time.monotonic()
        with self._mutex:
            if self._live(key, now) != owner.encode():
                return False
            self._put(key, owner.encode(), ttl_ms, now)
            return True

    async def set_if_fence(
        self, fence_key: str, fence: int, key: str, data: bytes, ttl_ms: int | None
    ) -> bool:
        now = time.monotonic()
        with self._mutex:
            if _to_int(fence_key, self._live(fence_key, now) or 0) != fence:
                return False
            self._put(key, data, ttl_ms, now)
            return True

    # -- pub/sub --------------------------------------------------------------------------

    async def publish(self, channel: str, data: bytes) -> int:
        with self._mutex:
            buffers = list(self._channels.get(channel, ()))
        for buffer in buffers:
            buffer.push(data)
        return len(buffers)

    async def open_subscription(self, channel: str, buffer: MessageBuffer) -> Unsubscribe:
        with self._mutex:
            self._channels.setdefault(channel, []).append(buffer)

        async def unsubscribe() -> None:
            with self._mutex:
                subs = self._channels.get(channel, [])
                if buffer in subs:
                    subs.remove(buffer)
                if not subs:
                    self._channels.pop(channel, None)

        return unsubscribe


def _to_int(key: str, value: bytes | int) -> int:
    if isinstance(value, int):
        return value
    try:
        return int(value)
    except ValueError:
        raise NotACounterError(
            f"Key {key!r} holds a value, not an integer counter.",
            hint="Use a separate key for counters; incr() only works on keys it created.",
        ) from None
