"""In-process token buckets: one API process, one set of buckets."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(slots=True)
class _Bucket:
    tokens: float
    updated: float


class TokenBucket:
    """``capacity`` requests back to back, refilled at ``per_minute``; one bucket per key.

    Behind several API processes each enforces its own share, which bounds the total at
    processes x the configured rate; RedisTokenBucket shares one bucket between them.
    """

    backend = "memory"

    def __init__(
        self,
        capacity: int,
        per_minute: float,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.capacity = capacity
        self.rate_per_s = per_minute / 60.0
        self._clock = clock
        self._buckets: dict[str, _Bucket] = {}

    def take_now(self, key: str) -> float:
        """Take one token; returns 0 on success, else the seconds until a token is free."""
        now = self._clock()
        bucket = self._buckets.get(key)
        if bucket is None:
            bucket = self._buckets[key] = _Bucket(float(self.capacity), now)
        bucket.tokens = min(self.capacity, bucket.tokens + (now - bucket.updated) * self.rate_per_s)
        bucket.updated = now
        if bucket.tokens >= 1.0:
            bucket.tokens -= 1.0
            return 0.0
        return (1.0 - bucket.tokens) / self.rate_per_s

    async def take(self, key: str) -> float:
        return self.take_now(key)

    async def aclose(self) -> None:
        self._buckets.clear()
