"""The rate limiter interface: a token bucket per key, and the 429 it turns into."""

from __future__ import annotations

from typing import Protocol

from codeguild.api.errors import RateLimitedError


class RateLimiter(Protocol):
    """``capacity`` requests back to back per key, refilled at ``rate_per_s``."""

    capacity: int
    rate_per_s: float
    #: "memory" (this process) or "redis" (shared by every API process on that Redis)
    backend: str

    async def take(self, key: str) -> float:
        """Take one token; 0 on success, else the seconds until one is free."""
        ...

    async def aclose(self) -> None: ...


async def check_rate(limiter: RateLimiter, key: str, what: str) -> None:
    """Take a token for ``key`` or raise RateLimitedError with the wait in Retry-After."""
    wait = await limiter.take(key)
    if wait > 0:
        raise RateLimitedError(
            f"Too many {what} requests: at most {limiter.capacity} in a row and "
            f"{limiter.rate_per_s * 60:g} per minute.",
            retry_after_s=wait,
            hint="Wait for the Retry-After seconds, then try again.",
        )
