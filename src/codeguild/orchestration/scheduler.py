"""Scheduler: runs a TaskGraph on the AgentManager's agents, concurrently, by critical path.

Each task moves through an explicit state machine::

    pending -> queued -> running -> succeeded | failed | cancelled
                  ^         |
                  +-retrying+
    pending | queued -> skipped | cancelled

and every transition is published as an Event. Ready tasks compete for agents by remaining
critical-path length (estimated durations), then priority (p0 first), then age; or first come,
first served with ``ordering="fifo"``. ``run.py`` holds the per-run machinery.
"""

from __future__ import annotations

import logging

from codeguild.agents.base import RunContext
from codeguild.errors import CodeguildError
from codeguild.events import EventBus
from codeguild.orchestration.execution import AgentContractError
from codeguild.orchestration.graph import Estimate, TaskGraph
from codeguild.orchestration.manager import AgentManager
from codeguild.orchestration.outcome import RunOutcome, TaskRecord, TaskState
from codeguild.orchestration.policies import FailurePolicy, InvalidPolicyError, RetryPolicy
from codeguild.orchestration.ranking import Ordering
from codeguild.orchestration.run import Run

__all__ = [
    "AgentContractError",
    "Ordering",
    "RunOutcome",
    "Scheduler",
    "TaskNotRunningError",
    "TaskRecord",
    "TaskState",
]

logger = logging.getLogger(__name__)


class TaskNotRunningError(CodeguildError):
    """cancel_task() named a task that no run of this scheduler has."""

    code = "task_not_running"


class Scheduler:
    """Runs task graphs: ready tasks start concurrently, best critical-path rank first.

    ``estimate`` gives each task's expected duration for the critical path; by default the
    manager's history for the task's capability (``AgentManager.estimated_duration``, when the
    manager has it) and otherwise ``TaskSpec.estimate_s``. ``speculate_after`` (off by default)
    starts a second attempt of a task that has run longer than that factor times its estimate,
    when an agent of its capability is idle; the first result wins.
    """

    def __init__(
        self,
        manager: AgentManager,
        bus: EventBus,
        *,
        retry: RetryPolicy | None = None,
        failure_policy: FailurePolicy = FailurePolicy.SKIP_DEPENDENTS,
        task_timeout_s: float | None = None,
        max_concurrency: int | None = None,
        estimate: Estimate | None = None,
        ordering: Ordering | str = Ordering.CRITICAL_PATH,
        speculate_after: float | None = None,
    ) -> None:
        if task_timeout_s is not None and task_timeout_s <= 0:
            raise InvalidPolicyError(f"task_timeout_s must be positive, got {task_timeout_s}.")
        if max_concurrency is not None and max_concurrency < 1:
            raise InvalidPolicyError(f"max_concurrency must be at least 1, got {max_concurrency}.")
        if speculate_after is not None and not speculate_after > 0:
            raise InvalidPolicyError(
                f"speculate_after is a factor of the estimated duration and must be positive, "
                f"got {speculate_after}.",
                hint="Use e.g. 2.0 to copy tasks running twice as long as estimated, or None.",
            )
        try:
            self.ordering = Ordering(ordering)
        except ValueError:
            choices = ", ".join(repr(o.value) for o in Ordering)
            raise InvalidPolicyError(
                f"Unknown ordering {ordering!r}; choose one of {choices}."
            ) from None
        self.manager = manager
        self.bus = bus
        self.retry = retry or RetryPolicy()
        self.failure_policy = FailurePolicy(failure_policy)
        self.task_timeout_s = task_timeout_s
        self.max_concurrency = max_concurrency
        self.estimate = estimate
        self.speculate_after = speculate_after
        self._runs: set[Run] = set()
        self._health_hooked = False

    async def run(self, graph: TaskGraph, ctx: RunContext) -> RunOutcome:
        """Run every task of ``graph`` (including ones added meanwhile) and report how it went."""
        graph.validate()
        self._hook_health()
        run = Run(self, graph, ctx)
        self._runs.add(run)
        try:
            return await run.execute()
        finally:
            self._runs.discard(run)

    def cancel(self) -> None:
        """Cancel the runs in progress: running tasks are cancelled, pending ones never start."""
        for run in list(self._runs):
            run.stop("run cancelled")

    def cancel_task(self, name: str) -> list[str]:
        """Cancel one task and every task downstream of it; the rest of the run goes on.

        A running attempt is interrupted. Returns the names that became cancelled (tasks that
        had already finished keep their state).
        """
        runs = [run for run in self._runs if name in run.graph]
        if not runs:
            raise TaskNotRunningError(
                f"Cannot cancel task {name!r}: no run in progress has a task of that name.",
                hint="Call cancel_task() while Scheduler.run() is executing the graph that "
                "holds the task.",
            )
        cancelled: list[str] = []
        for run in runs:
            cancelled.extend(run.cancel_task(name))
        return cancelled

    def _hook_health(self) -> None:
        """Follow agent health when the manager reports it (older managers do not)."""
        if self._health_hooked:
            return
        add_listener = getattr(self.manager, "add_health_listener", None)
        if callable(add_listener):
            add_listener(self._on_agent_unhealthy)
            self._health_hooked = True

    def _on_agent_unhealthy(self, agent_name: str) -> None:
        logger.info("agent unhealthy; requeueing its running tasks agent=%s", agent_name)
        for run in list(self._runs):
            run.agent_unhealthy(agent_name)
