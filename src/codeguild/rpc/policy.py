"""How gRPC calls are retried and how long they may take: policy objects, not loops in callers.

Only UNAVAILABLE is retried (the peer is not reachable *now*: starting, restarting, a dropped
connection); every other status is an answer and is raised at once. Delays double from
``backoff_s`` up to ``max_backoff_s``, with up to ``jitter`` of each delay added at random so
many workers that lost the same orchestrator do not come back in lockstep.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

import grpc

from codeguild.config import Settings

log = logging.getLogger(__name__)

T = TypeVar("T")

RETRYABLE = frozenset({grpc.StatusCode.UNAVAILABLE})


@dataclass(frozen=True)
class RpcRetryPolicy:
    """Retries on UNAVAILABLE with exponential backoff; ``attempts=None`` retries forever."""

    attempts: int | None = 4
    backoff_s: float = 0.1
    max_backoff_s: float = 5.0
    multiplier: float = 2.0
    jitter: float = 0.1

    @classmethod
    def from_settings(cls, settings: Settings, *, forever: bool = False) -> RpcRetryPolicy:
        return cls(
            attempts=None if forever else settings.grpc_retry_attempts,
            backoff_s=settings.grpc_retry_backoff_s,
            max_backoff_s=settings.grpc_retry_max_backoff_s,
        )

    def delay(self, attempt: int) -> float:
        """Seconds to wait after failed try number ``attempt`` (1-based)."""
        base = min(self.backoff_s * self.multiplier ** (attempt - 1), self.max_backoff_s)
        return base + base * self.jitter * random.random()  # jitter, not crypto

    def should_retry(self, error: BaseException, attempt: int) -> bool:
        if not isinstance(error, grpc.aio.AioRpcError) or error.code() not in RETRYABLE:
            return False
        return self.attempts is None or attempt < self.attempts

    async def call(self, fn: Callable[[], Awaitable[T]], *, what: str) -> T:
        """Await ``fn()`` (a fresh call each try) until it answers or may not be retried."""
        attempt = 0
        while True:
            attempt += 1
            try:
                return await fn()
            except grpc.aio.AioRpcError as exc:
                if not self.should_retry(exc, attempt):
                    raise
                delay = self.delay(attempt)
                log.info(
                    "grpc call unavailable, retrying call=%s attempt=%d delay_s=%.2f detail=%s",
                    what,
                    attempt,
                    delay,
                    exc.details(),
                )
                await asyncio.sleep(delay)


@dataclass(frozen=True)
class Deadlines:
    """Deadlines (seconds) of every kind of call; a call without one could hang forever."""

    control_s: float = 10.0
    #: a task may run this long on the worker (the scheduler's task timeout plus a margin)
    task_s: float = 330.0

    @classmethod
    def from_settings(cls, settings: Settings) -> Deadlines:
        return cls(
            control_s=settings.grpc_call_timeout_s,
            task_s=settings.task_timeout_s + settings.grpc_call_timeout_s,
        )
