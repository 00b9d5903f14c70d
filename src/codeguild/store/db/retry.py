"""Reconnect policy: which database errors are transient, and how long to keep trying."""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

from sqlalchemy import exc as sa_exc

logger = logging.getLogger(__name__)

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """Bounded exponential backoff with jitter; ``attempts`` counts the first try too."""

    attempts: int = 5
    base_delay_s: float = 0.1
    max_delay_s: float = 2.0

    def delay(self, retry: int) -> float:
        """Sleep before retry number ``retry`` (1-based)."""
        capped: float = min(self.max_delay_s, self.base_delay_s * (2 ** (retry - 1)))
        # jitter so replicas that lost the same server do not reconnect in lockstep
        return capped * (0.5 + random.random() / 2)  # nosec B311 - jitter, not security


def is_transient(exc: BaseException) -> bool:
    """A dropped/refused connection or a busy SQLite file: worth another try."""
    if isinstance(exc, sa_exc.DBAPIError) and exc.connection_invalidated:
        return True
    if isinstance(exc, sa_exc.IntegrityError | sa_exc.ProgrammingError | sa_exc.DataError):
        return False
    return isinstance(
        exc,
        sa_exc.OperationalError
        | sa_exc.InterfaceError
        | sa_exc.DisconnectionError
        | ConnectionError
        | TimeoutError
        | OSError,
    )


async def call_with_retry(
    fn: Callable[[], Awaitable[T]],
    policy: RetryPolicy,
    *,
    on_give_up: Callable[[BaseException], BaseException],
    what: str = "database call",
) -> T:
    """Run ``fn``; retry transient failures per ``policy``; then raise ``on_give_up(last)``."""
    for attempt in range(1, policy.attempts + 1):
        try:
            return await fn()
        except Exception as exc:
            if not is_transient(exc):
                raise
            if attempt == policy.attempts:
                raise on_give_up(exc) from exc
            pause = policy.delay(attempt)
            logger.warning(
                "store transient failure what=%s attempt=%d retry_in_s=%.2f error=%s",
                what,
                attempt,
                pause,
                type(exc).__name__,
            )
            await asyncio.sleep(pause)
    raise AssertionError("unreachable: the loop returns or raises")  # pragma: no cover
