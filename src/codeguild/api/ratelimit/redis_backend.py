"""Token buckets in Redis, shared by every API process that points at the same server.

One Lua script refills and takes atomically on the server, with the server's clock, so the
processes' clocks never disagree about a bucket. A bucket left alone until it is full again
expires, which is the same as keeping it full.

If Redis cannot be reached the limiter falls back to an in-process bucket and logs a warning
(at most once a minute while the outage lasts), trying Redis again every ``retry_s``. Why not
refuse: the limit is there to stop one user flooding the generators, not to guard data, and the
per-process concurrent-generation cap still holds; a Redis outage should cost the limit its
sharing (the bound becomes processes x rate, as without Redis), not stop every generation.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

import redis.asyncio as aioredis
from redis.exceptions import RedisError

from codeguild.api.ratelimit.memory import TokenBucket
from codeguild.metrics import record_error
from codeguild.store.memory.base import mask_url

log = logging.getLogger(__name__)

KEY_PREFIX = "codeguild:ratelimit"
WARN_EVERY_S = 60.0

# KEYS[1] the bucket; ARGV: capacity, refill per second. Returns the wait in seconds (a string:
# Lua numbers become integers on the way out of a script).
_TAKE = """
local capacity = tonumber(ARGV[1])
local rate = tonumber(ARGV[2])
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local state = redis.call('HMGET', KEYS[1], 'tokens', 'updated')
local tokens = tonumber(state[1])
local updated = tonumber(state[2])
if tokens == nil or updated == nil then
  tokens = capacity
  updated = now
end
tokens = math.min(capacity, tokens + math.max(0, now - updated) * rate)
local wait = 0
if tokens >= 1 then
  tokens = tokens - 1
else
  wait = (1 - tokens) / rate
end
redis.call('HSET', KEYS[1], 'tokens', string.format('%.17g', tokens), 'updated',
  string.format('%.17g', now))
redis.call('PEXPIRE', KEYS[1], math.ceil((capacity - tokens) / rate * 1000) + 1000)
return string.format('%.17g', wait)
"""


class RedisTokenBucket:
    """The TokenBucket contract with the buckets in Redis (``{prefix}:{name}:{key}``)."""

    backend = "redis"

    def __init__(
        self,
        url: str,
        capacity: int,
        per_minute: float,
        *,
        name: str = "generate",
        prefix: str = KEY_PREFIX,
        timeout_s: float = 1.0,
        retry_s: float = 5.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.url = mask_url(url)
        self.capacity = capacity
        self.rate_per_s = per_minute / 60.0
        self._prefix = f"{prefix}:{name}:"
        self._retry_s = retry_s
        self._clock = clock
        # no retries inside redis-py: a request waits at most ~timeout_s before the fallback
        self._client: aioredis.Redis = aioredis.Redis.from_url(
            url, socket_connect_timeout=timeout_s, socket_timeout=timeout_s, retry_on_timeout=False
        )
        self._take = self._client.register_script(_TAKE)
        self.fallback = TokenBucket(capacity, per_minute, clock=clock)
        self._down_until = 0.0
        self._warned_at: float | None = None

    @property
    def degraded(self) -> bool:
        """True while Redis is unreachable and this process enforces the limit alone."""
        return self._warned_at is not None

    async def take(self, key: str) -> float:
        now = self._clock()
        if now < self._down_until:
            return self.fallback.take_now(key)
        try:
            raw = await self._take(keys=[self._prefix + key], args=[self.capacity, self.rate_per_s])
        except (RedisError, OSError) as exc:
            self._down_until = now + self._retry_s
            self._note_outage(exc, now)
            return self.fallback.take_now(key)
        if self._warned_at is not None:
            log.warning("rate limit: Redis at %s is back; limits are shared again", self.url)
            self._warned_at = None
        return float(raw)

    def _note_outage(self, exc: BaseException, now: float) -> None:
        record_error("rate_limit_store_unavailable")
        if self._warned_at is None or now - self._warned_at >= WARN_EVERY_S:
            self._warned_at = now
            log.warning(
                "rate limit: cannot reach Redis at %s (%s); this process enforces the limit "
                "alone (at most processes x %g per minute in all) until it is back",
                self.url,
                str(exc) or type(exc).__name__,
                self.rate_per_s * 60,
            )

    async def aclose(self) -> None:
        await self._client.aclose()
