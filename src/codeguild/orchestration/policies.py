"""How the scheduler reacts to failure: retry policy objects and the run-level failure policy."""

from __future__ import annotations

import asyncio
import random
from dataclasses import dataclass
from enum import StrEnum

from codeguild.errors import CodeguildError


class InvalidPolicyError(CodeguildError):
    """A policy was built with values that cannot work (e.g. zero attempts)."""

    code = "invalid_policy"


@dataclass(frozen=True)
class RetryPolicy:
    """Retry a task whose agent raised, with exponential backoff and jitter.

    ``max_attempts`` counts every attempt, the first included (1 = never retry). Attempts are
    numbered from 1; ``delay(n)`` is the wait after attempt ``n`` failed.
    """

    max_attempts: int = 2
    backoff_s: float = 0.05
    multiplier: float = 2.0
    jitter: float = 0.1
    retry_on: tuple[type[BaseException], ...] = (Exception,)

    def __post_init__(self) -> None:
        if self.max_attempts < 1:
            raise InvalidPolicyError(
                f"RetryPolicy.max_attempts must be at least 1, got {self.max_attempts}.",
                hint="Use max_attempts=1 to run each task once without retries.",
            )
        if self.backoff_s < 0 or self.multiplier < 1:
            raise InvalidPolicyError(
                f"RetryPolicy needs backoff_s >= 0 and multiplier >= 1, got "
                f"backoff_s={self.backoff_s}, multiplier={self.multiplier}.",
                hint="Use multiplier=1 for a constant delay.",
            )
        if not 0 <= self.jitter <= 1:
            raise InvalidPolicyError(
                f"RetryPolicy.jitter is a fraction of the delay between 0 and 1, got {self.jitter}."
            )

    @classmethod
    def never(cls) -> RetryPolicy:
        """Run each task once."""
        return cls(max_attempts=1)

    def delay(self, attempt: int) -> float:
        """Seconds to wait after attempt ``attempt`` failed, before the next one."""
        base = self.backoff_s * self.multiplier ** max(attempt - 1, 0)
        if self.jitter == 0 or base == 0:
            return base
        # jitter spreads retries of many tasks that failed together (random is fine: not security)
        return max(0.0, base * (1 + random.uniform(-self.jitter, self.jitter)))  # nosec B311

    def should_retry(self, exc: BaseException, attempt: int) -> bool:
        """Whether attempt ``attempt``, which raised ``exc``, is followed by another attempt."""
        if isinstance(exc, asyncio.CancelledError | KeyboardInterrupt | SystemExit):
            return False
        return attempt < self.max_attempts and isinstance(exc, self.retry_on)


class FailurePolicy(StrEnum):
    """What the rest of a run does once a task has failed for good."""

    #: cancel every running and pending task; the run stops
    FAIL_FAST = "fail_fast"
    #: skip every task that transitively depends on the failed one; run everything else
    SKIP_DEPENDENTS = "skip_dependents"
    #: run the dependents too (they see the failure in ctx.results' absence)
    CONTINUE = "continue"
