"""Agent results cached by a hash of their inputs, with a TTL, on any SharedMemoryStore."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import time
from collections.abc import Awaitable, Callable
from enum import Enum
from pathlib import PurePath
from typing import Any, TypeVar

from codeguild.store.memory.base import LockTimeoutError
from codeguild.store.memory.serialization import SerializationError
from codeguild.store.memory.store import SharedMemoryStore

log = logging.getLogger(__name__)

T = TypeVar("T")


def _jsonable(value: Any) -> Any:
    # called by json.dumps for anything it cannot encode itself
    if hasattr(value, "model_dump"):
        return value.model_dump(mode="json")
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.asdict(value)
    if isinstance(value, set | frozenset):
        return sorted(value, key=repr)
    if isinstance(value, bytes):
        return {"__bytes__": value.hex()}
    if isinstance(value, PurePath):
        return value.as_posix()
    if isinstance(value, Enum):
        return value.value
    raise SerializationError(
        f"Cannot hash a {type(value).__name__} as a cache input.",
        hint="Pass JSON-able inputs, pydantic models or dataclasses.",
    )


def input_hash(*parts: Any) -> str:
    """SHA-256 over the canonical JSON of ``parts`` (dict order and set order do not matter).

    Include everything the result depends on: agent name, capability, engine and its version,
    the task and the inputs it reads.
    """
    text = json.dumps(parts, sort_keys=True, separators=(",", ":"), default=_jsonable)
    return hashlib.sha256(text.encode()).hexdigest()


class ResultCache:
    """Results by input hash: ``await cache.get_or_compute(inputs, compute)``.

    With ``single_flight`` concurrent misses for the same inputs (in any process sharing the
    store) compute once: the others wait on a per-hash lock and then read the cached result.
    Results must be encodable by the store's codec; failed computations are not cached.
    """

    def __init__(
        self,
        store: SharedMemoryStore,
        *,
        ttl_s: float | None = 7 * 24 * 3600,
        prefix: str = "result",
        single_flight: bool = True,
        compute_timeout_s: float = 600.0,
    ) -> None:
        self.store = store
        self.ttl_s = ttl_s
        self.prefix = prefix
        self.single_flight = single_flight
        self.compute_timeout_s = compute_timeout_s
        self.hits = 0
        self.misses = 0

    def _key(self, digest: str) -> str:
        return f"{self.prefix}:{digest}"

    async def lookup(self, digest: str) -> tuple[bool, Any]:
        """``(found, value)`` for an input hash; found is False on a miss or after expiry."""
        entry = await self.store.get(self._key(digest))
        if entry is None:
            return False, None
        return True, entry["value"]

    async def put(self, digest: str, value: Any, *, ttl_s: float | None = None) -> None:
        entry = {"value": value, "stored_at": time.time()}
        await self.store.set(self._key(digest), entry, ttl_s=ttl_s or self.ttl_s)

    async def invalidate(self, digest: str) -> bool:
        return await self.store.delete(self._key(digest)) > 0

    async def get_or_compute(self, inputs: Any, compute: Callable[[], Awaitable[T]]) -> T:
        """The cached result for ``inputs``, or ``await compute()`` stored under their hash."""
        digest = input_hash(inputs)
        found, value = await self.lookup(digest)
        if found:
            self.hits += 1
            return value  # type: ignore[no-any-return]
        if not self.single_flight:
            return await self._compute(digest, compute)
        try:
            token = await self.store.acquire(
                self._key(digest), ttl_s=self.compute_timeout_s, wait_s=self.compute_timeout_s
            )
        except LockTimeoutError:
            # the other computation is stuck; computing twice beats failing the task
            log.warning("cache lock timed out digest=%s computing without it", digest)
            return await self._compute(digest, compute)
        try:
            found, value = await self.lookup(digest)
            if found:
                self.hits += 1
                return value  # type: ignore[no-any-return]
            return await self._compute(digest, compute)
        finally:
            # a result computed past the lock's ttl is still a valid result: keep it
            await self.store.release(token)

    async def _compute(self, digest: str, compute: Callable[[], Awaitable[T]]) -> T:
        self.misses += 1
        value = await compute()
        await self.put(digest, value)
        return value
