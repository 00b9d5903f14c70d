"""Per-user rate limits: token buckets in this process, or in Redis shared by all API processes.

``open_rate_limiter(settings)`` picks Redis when CODEGUILD_REDIS_URL is set, in-process
buckets otherwise; both answer an exhausted bucket with a 429 and Retry-After (``check_rate``).
"""

from __future__ import annotations

from codeguild.api.ratelimit.base import RateLimiter, check_rate
from codeguild.api.ratelimit.memory import TokenBucket
from codeguild.api.ratelimit.redis_backend import RedisTokenBucket
from codeguild.config import Settings

__all__ = ["RateLimiter", "RedisTokenBucket", "TokenBucket", "check_rate", "open_rate_limiter"]


def open_rate_limiter(settings: Settings, name: str = "generate") -> RateLimiter:
    """The generate limiter of ``settings``: shared through Redis when a Redis URL is set."""
    if settings.redis_url and settings.redis_url.startswith(("redis://", "rediss://", "unix://")):
        return RedisTokenBucket(
            settings.redis_url, settings.generate_burst, settings.generate_per_minute, name=name
        )
    return TokenBucket(settings.generate_burst, settings.generate_per_minute)
