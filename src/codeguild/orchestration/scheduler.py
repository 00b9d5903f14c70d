"""Scheduler: runs a TaskGraph on the AgentManager's agents, concurrently, by critical path.

Each task moves through an explicit state machine::

    pending -> queued -> running -> succeeded | failed | cancelled
                  ^         |
                  +-retrying+
    pending -> skipped | cancelled

and every transition is published as an Event. The run loop only decides what starts next; each
started task is one asyncio task that acquires an agent, executes, retries per RetryPolicy and
records its own end state.
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
from collections.abc import Callable
from typing import Any

from codeguild.agents.base import Agent, RunContext, TaskResult, TaskSpec
from codeguild.errors import CodeguildError, NoAgentError
from codeguild.events import Event, EventBus, EventKind
from codeguild.orchestration.graph import Estimate, TaskGraph
from codeguild.orchestration.manager import AgentManager
from codeguild.orchestration.outcome import (
    FINAL_STATES,
    RunOutcome,
    TaskRecord,
    TaskState,
)
from codeguild.orchestration.policies import FailurePolicy, InvalidPolicyError, RetryPolicy

logger = logging.getLogger(__name__)


class AgentContractError(CodeguildError):
    """An agent broke the Agent protocol (e.g. execute() returned something else than a result)."""

    code = "agent_contract"


def _priority_index(priority: str) -> int:
    match = re.fullmatch(r"[pP](\d+)", priority.strip())
    return int(match.group(1)) if match else 1_000


class Scheduler:
    """Runs task graphs: ready tasks start concurrently, best critical-path rank first."""

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
    ) -> None:
        if task_timeout_s is not None and task_timeout_s <= 0:
            raise InvalidPolicyError(f"task_timeout_s must be positive, got {task_timeout_s}.")
        if max_concurrency is not None and max_concurrency < 1:
            raise InvalidPolicyError(f"max_concurrency must be at least 1, got {max_concurrency}.")
        self.manager = manager
        self.bus = bus
        self.retry = retry or RetryPolicy()
        self.failure_policy = FailurePolicy(failure_policy)
        self.task_timeout_s = task_timeout_s
        self.max_concurrency = max_concurrency
        self.estimate = estimate
        self._runs: set[_Run] = set()

    async def run(self, graph: TaskGraph, ctx: RunContext) -> RunOutcome:
        """Run every task of ``graph`` (including ones added meanwhile) and report how it went."""
        graph.validate()
        run = _Run(self, graph, ctx)
        self._runs.add(run)
        try:
            return await run.execute()
        finally:
            self._runs.discard(run)

    def cancel(self) -> None:
        """Cancel the runs in progress: running tasks are cancelled, pending ones never start."""
        for run in list(self._runs):
            run.request_stop("run cancelled")


class _Run:
    """The state of one ``Scheduler.run`` call."""

    def __init__(self, scheduler: Scheduler, graph: TaskGraph, ctx: RunContext) -> None:
        self.s = scheduler
        self.graph = graph
        self.ctx = ctx
        self.outcome = RunOutcome()
        self.running: dict[str, asyncio.Task[None]] = {}
        self.wake = asyncio.Event()
        self.stop_reason: str | None = None
        self._ranks: dict[str, tuple[float, int, int]] = {}
        self._ranked_version = -1
        # pending tasks whose readiness may have changed (an ordered set), and ready ones not
        # started yet; only these are re-examined, so a pass costs O(changes), not O(graph)
        self._dirty: dict[str, None] = {}
        self._ready: set[str] = set()

    # -- the loop ----------------------------------------------------------------------------

    async def execute(self) -> RunOutcome:
        def listener(_graph: TaskGraph) -> None:
            self.wake.set()

        self.graph.add_listener(listener)
        user_progress = self.ctx.progress
        self.ctx.progress = self._progress_reporter(user_progress)
        try:
            await self._loop()
        except asyncio.CancelledError:
            self.request_stop("run cancelled")
            await self._stop_all()
            raise
        finally:
            self.graph.remove_listener(listener)
            self.ctx.progress = user_progress
        self.outcome.ok = self.stop_reason is None and all(
            s == TaskState.SUCCEEDED for s in self.outcome.states.values()
        )
        return self.outcome

    async def _loop(self) -> None:
        while True:
            self.wake.clear()
            for name in [n for n, t in self.running.items() if t.done()]:
                del self.running[name]
            if self.stop_reason is not None:
                await self._stop_all()
                return
            self._schedule()
            if not self.running:
                self._strand_leftovers()
                return
            await self.wake.wait()

    def _schedule(self) -> None:
        """Take in new tasks, skip blocked ones and start the ready ones, best rank first."""
        if self.stop_reason is not None:
            return
        self._discover()
        while self._dirty:
            name = next(iter(self._dirty))
            del self._dirty[name]
            if self.outcome.states[name] == TaskState.PENDING:
                self._examine(name)
        for name in sorted(self._ready, key=self._ranks.__getitem__):
            if self.s.max_concurrency and len(self.running) >= self.s.max_concurrency:
                break
            self._ready.discard(name)
            self._start(name)

    def _discover(self) -> None:
        """Track tasks added to the graph since the last pass and refresh the ranks."""
        if self._ranked_version == self.graph.version:
            return
        for name in self.graph.tasks:
            if name not in self.outcome.records:
                self.outcome.records[name] = TaskRecord(task=name)
                self.outcome.states[name] = TaskState.PENDING
        # dependencies may have been added to any pending task: look at all of them again
        self._ready.clear()
        self._dirty.update(
            (n, None) for n, st in self.outcome.states.items() if st == TaskState.PENDING
        )
        remaining = self.graph.remaining_path_lengths(self.s.estimate)
        self._ranks = {
            name: (-remaining[name], _priority_index(task.priority), self.graph.index(name))
            for name, task in self.graph.tasks.items()
        }
        self._ranked_version = self.graph.version

    def _examine(self, name: str) -> None:
        """Mark a pending task ready, or skip it when a dependency can no longer succeed."""
        states = self.outcome.states
        proceed_after = {TaskState.SUCCEEDED}
        if self.s.failure_policy is FailurePolicy.CONTINUE:
            proceed_after.add(TaskState.FAILED)
        deps = self.graph.dependencies(name)
        blocked = [d for d in deps if states[d] in FINAL_STATES - proceed_after]
        if blocked:
            reason = f"dependency {blocked[0]!r} {states[blocked[0]]}"
            self._finish_unstarted(name, TaskState.SKIPPED, reason)
        elif all(states[d] in proceed_after for d in deps):
            self._ready.add(name)

    def _strand_leftovers(self) -> None:
        """Nothing runs and nothing is ready: anything still pending can never start."""
        for name, state in self.outcome.states.items():
            if state == TaskState.PENDING:
                self._finish_unstarted(name, TaskState.SKIPPED, "its dependencies never finished")

    def request_stop(self, reason: str) -> None:
        if self.stop_reason is None:
            self.stop_reason = reason
        self.wake.set()

    async def _stop_all(self) -> None:
        tasks = list(self.running.values())
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        self.running.clear()
        for name, state in self.outcome.states.items():
            if state in {TaskState.PENDING, TaskState.QUEUED}:
                self._finish_unstarted(name, TaskState.CANCELLED, self.stop_reason or "cancelled")

    # -- one task ----------------------------------------------------------------------------

    def _start(self, name: str) -> None:
        self._set(name, TaskState.QUEUED, EventKind.TASK_QUEUED, "waiting for an agent")
        spec = self.graph.tasks[name]
        request = self._request(spec)
        if request is None:
            return
        task = asyncio.create_task(self._run_task(spec, request), name=f"task:{name}")
        task.add_done_callback(lambda _t: self.wake.set())
        self.running[name] = task

    def _request(self, task: TaskSpec) -> asyncio.Future[Agent] | None:
        """Take a place in the agent queue now; a missing capability fails the task at once."""
        try:
            return self.s.manager.request(task.capability, rank=self._ranks.get(task.name, ()))
        except NoAgentError as exc:
            record = self.outcome.records[task.name]
            self._end(record, TaskState.FAILED, EventKind.TASK_FAILED, str(exc))
            self._after_failure()
            return None

    async def _run_task(self, task: TaskSpec, request: asyncio.Future[Agent]) -> None:
        record = self.outcome.records[task.name]
        try:
            await self._attempts(task, record, request)
        except asyncio.CancelledError:
            self._end(record, TaskState.CANCELLED, EventKind.TASK_CANCELLED, self.stop_reason)
            raise
        except Exception as exc:  # never let a bug here hang the run: the task fails instead
            logger.exception("task crashed in the scheduler task=%s", task.name)
            self._end(record, TaskState.FAILED, EventKind.TASK_FAILED, _describe(exc))
            self._after_failure()

    async def _attempts(
        self, task: TaskSpec, record: TaskRecord, request: asyncio.Future[Agent] | None
    ) -> None:
        manager = self.s.manager
        while request is not None:
            try:
                agent = await request
            except asyncio.CancelledError:
                manager.withdraw(request, task.capability)
                raise
            except NoAgentError as exc:  # its last agent was unregistered while we waited
                self._end(record, TaskState.FAILED, EventKind.TASK_FAILED, str(exc))
                self._after_failure()
                return
            record.attempts += 1
            record.agent = agent.name
            record.started_at = record.started_at or time.time()
            attempt = {"attempt": record.attempts}
            self._set(task.name, TaskState.RUNNING, EventKind.TASK_STARTED, "", **attempt)
            started = time.perf_counter()
            outcome: TaskResult | Exception | None = None
            delay: float | None = None
            try:
                outcome = await self._execute_once(agent, task)
                took = {**attempt, "duration_s": time.perf_counter() - started}
                if isinstance(outcome, TaskResult):
                    self.ctx.results[task.name] = self.outcome.results[task.name] = outcome
                    self._end(
                        record, TaskState.SUCCEEDED, EventKind.TASK_SUCCEEDED, outcome.summary,
                        ok=outcome.ok, **took,
                    )  # fmt: skip
                    return
                error = _describe(outcome)
                if self.stop_reason is None and self.s.retry.should_retry(outcome, record.attempts):
                    delay = self.s.retry.delay(record.attempts)
                    self._set(
                        task.name, TaskState.QUEUED, EventKind.TASK_RETRYING, error,
                        error=error, delay_s=delay, **took,
                    )  # fmt: skip
                else:
                    self._end(
                        record, TaskState.FAILED, EventKind.TASK_FAILED, error, error=error, **took
                    )
                    self._after_failure()
                    return
            finally:
                try:
                    # tasks made ready by this one queue up before its agent is freed, so the
                    # freed slot goes to the best-ranked waiter, not to whoever waited longest
                    if outcome is not None and delay is None:
                        self._schedule()
                finally:
                    manager.release(
                        agent, task.capability, isinstance(outcome, TaskResult),
                        time.perf_counter() - started, record=outcome is not None,
                    )  # fmt: skip
            await asyncio.sleep(delay or 0.0)
            request = self._request(task)

    async def _execute_once(self, agent: Agent, task: TaskSpec) -> TaskResult | Exception:
        """One attempt on an acquired agent: its result, or the exception it ended with."""
        started = time.perf_counter()
        try:
            result = await asyncio.wait_for(agent.execute(task, self.ctx), self.s.task_timeout_s)
        except TimeoutError as exc:
            limit = self.s.task_timeout_s
            if limit is None or time.perf_counter() - started < limit:
                return exc  # the agent's own timeout, not ours
            return TimeoutError(f"timed out after {limit:g}s on agent {agent.name!r}")
        except Exception as exc:
            return exc
        if not isinstance(result, TaskResult):
            return AgentContractError(
                f"Agent {agent.name!r} returned {type(result).__name__} for task "
                f"{task.name!r} instead of a TaskResult.",
                hint="Make execute() return codeguild.agents.base.TaskResult.",
            )
        return result

    def _after_failure(self) -> None:
        if self.s.failure_policy is FailurePolicy.FAIL_FAST:
            self.request_stop("a task failed and the failure policy is fail_fast")
        self.wake.set()

    # -- state changes and events ------------------------------------------------------------

    def _set(self, name: str, state: TaskState, kind: EventKind, message: str, **data: Any) -> None:
        record = self.outcome.records[name]
        record.state = state
        self.outcome.states[name] = state
        if state in FINAL_STATES:
            self._dirty.update(dict.fromkeys(self.graph.dependents(name)))
        self._emit(kind, name, record.agent, message, data)

    def _end(
        self,
        record: TaskRecord,
        state: TaskState,
        kind: EventKind,
        message: str | None,
        **data: Any,
    ) -> None:
        record.finished_at = time.time()
        if record.started_at is not None:
            record.duration_s = record.finished_at - record.started_at
        if state in {TaskState.FAILED, TaskState.CANCELLED}:
            record.error = message or state.value
            data.setdefault("error", record.error)
        self._set(record.task, state, kind, message or "", **data)

    def _finish_unstarted(self, name: str, state: TaskState, reason: str) -> None:
        record = self.outcome.records[name]
        record.finished_at = time.time()
        record.error = reason
        kind = EventKind.TASK_SKIPPED if state == TaskState.SKIPPED else EventKind.TASK_CANCELLED
        self._set(name, state, kind, reason, error=reason)

    def _emit(
        self, kind: EventKind, task: str, agent: str | None, message: str, data: dict[str, Any]
    ) -> None:
        event = Event(
            kind=kind, run_id=self.ctx.run_id, task=task, agent=agent, message=message, data=data
        )
        try:
            self.s.bus.emit(event)
        except Exception:  # a broken subscriber must not change how tasks run
            logger.exception("event subscriber failed kind=%s task=%s", kind, task)

    def _progress_reporter(
        self, forward: Callable[[str, str, float | None], None]
    ) -> Callable[[str, str, float | None], None]:
        def report(task: str, message: str, fraction: float | None) -> None:
            record = self.outcome.records.get(task)
            self._emit(
                EventKind.TASK_PROGRESS,
                task,
                record.agent if record else None,
                message,
                {"fraction": fraction},
            )
            forward(task, message, fraction)

        return report


def _describe(exc: BaseException) -> str:
    text = str(exc)
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__
