"""Speculative re-execution: a second attempt for a task that runs far past its estimate.

A copy starts only when the task's pool is idle (no ready task of that capability waits for an
agent) and the manager hands out an agent other than the ones already running the task. The
first attempt to succeed wins; the scheduler cancels the other.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from codeguild.errors import NoAgentError
from codeguild.orchestration.execution import Attempt

if TYPE_CHECKING:
    from codeguild.orchestration.run import Run

#: after an unsuccessful look, look again after this fraction of the straggler threshold
RECHECK_FRACTION = 0.25
MIN_RECHECK_S = 0.001


class StragglerWatch:
    """Arms one timer per running primary attempt; on expiry tries to start a copy."""

    def __init__(self, run: Run, factor: float) -> None:
        self.run = run
        self.factor = factor

    def arm(self, attempt: Attempt) -> None:
        if attempt.speculative:
            return
        threshold = self.factor * self.run.estimate(attempt.task)
        if threshold <= 0:
            return
        left = threshold - (time.perf_counter() - attempt.started)
        self._schedule(attempt, max(left, 0.0))

    def _schedule(self, attempt: Attempt, delay: float) -> None:
        loop = self.run.done.get_loop()
        attempt.watch = loop.call_later(delay, self._check, attempt)

    def _check(self, attempt: Attempt) -> None:
        attempt.watch = None
        run = self.run
        running = run.active.get(attempt.task, ())
        if attempt.interrupt is not None or attempt not in running or run.closed:
            return
        if len(running) > 1 or run.stop_reason is not None:
            return  # it already has a copy
        if not self._try_copy(attempt):
            recheck = RECHECK_FRACTION * self.factor * run.estimate(attempt.task)
            self._schedule(attempt, max(recheck, MIN_RECHECK_S))

    def _try_copy(self, attempt: Attempt) -> bool:
        run = self.run
        capability = attempt.spec.capability
        limit = run.s.max_concurrency
        if run.ready.has(capability) or capability in run.waiters:
            return False  # queued work comes before speculation
        if limit is not None and run.n_active >= limit:
            return False
        try:
            request = run.manager.request(capability, rank=())
        except NoAgentError:
            return False
        if not request.done():
            run.manager.withdraw(request, capability)
            return False
        agent = request.result()
        if agent is attempt.agent:
            run.manager.withdraw(request, capability)
            return False
        copy = run.begin(attempt.task, agent, speculative=True)
        run.spawn(copy)
        return True
