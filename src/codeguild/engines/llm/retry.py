"""When and how long to wait before retrying a model call: a policy, not loops in callers."""

from __future__ import annotations

import random
import time
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime

import httpx
import openai

# 408 and 409 are what OpenAI's own client retries besides 429 and 5xx
_RETRY_STATUS = frozenset({408, 409, 429})


def retry_after_s(headers: httpx.Headers | None, now: float | None = None) -> float | None:
    """Seconds the server asked to wait: ``retry-after-ms``, ``Retry-After`` (seconds or date)."""
    if headers is None:
        return None
    ms = headers.get("retry-after-ms")
    if ms:
        try:
            return max(0.0, float(ms) / 1000)
        except ValueError:
            pass
    value = headers.get("retry-after")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value).timestamp()
    except (TypeError, ValueError):
        return None
    return max(0.0, when - (time.time() if now is None else now))


def is_retryable(exc: BaseException) -> bool:
    if isinstance(exc, openai.APITimeoutError | openai.APIConnectionError):
        return True
    if isinstance(exc, openai.APIStatusError):
        return exc.status_code in _RETRY_STATUS or exc.status_code >= 500
    return False


@dataclass(frozen=True)
class RetryPolicy:
    """Exponential backoff with jitter; a server's Retry-After wins when it gives one."""

    max_retries: int = 3
    backoff_s: float = 0.5
    backoff_max_s: float = 20.0
    retry_after_max_s: float = 60.0
    rng: random.Random = field(default_factory=random.Random, compare=False, repr=False)

    def delay(self, attempt: int, exc: BaseException) -> float | None:
        """Seconds to wait before retry number ``attempt`` (1-based), or None: do not retry."""
        if attempt > self.max_retries or not is_retryable(exc):
            return None
        response = getattr(exc, "response", None)
        asked = retry_after_s(response.headers if response is not None else None)
        if asked is not None:
            return asked if asked <= self.retry_after_max_s else None
        cap = min(self.backoff_max_s, self.backoff_s * 2 ** (attempt - 1))
        # "equal jitter": at least half the backoff, so retries never bunch up at zero
        return cap / 2 + self.rng.uniform(0, cap / 2)
