"""The bookkeeping of one scheduled run: task states, records, readiness, ranks and events.

Readiness is incremental: every task keeps a count of unmet dependencies, and a task that ends
updates only its dependents, so a run costs O(tasks + edges) whatever the graph's shape.
Tasks and edges added to the graph while it runs are taken in by :meth:`RunState._sync`.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from codeguild.agents.base import Agent, RunContext
from codeguild.events import Event, EventKind
from codeguild.orchestration.execution import Attempt
from codeguild.orchestration.graph import TaskGraph
from codeguild.orchestration.outcome import FINAL_STATES, RunOutcome, TaskRecord, TaskState
from codeguild.orchestration.policies import FailurePolicy
from codeguild.orchestration.ranking import Ranker
from codeguild.orchestration.ready import ReadyQueue

if TYPE_CHECKING:
    from codeguild.orchestration.scheduler import Scheduler

logger = logging.getLogger(__name__)

_PENDING, _QUEUED, _RUNNING = TaskState.PENDING, TaskState.QUEUED, TaskState.RUNNING
_SUCCEEDED, _FAILED = TaskState.SUCCEEDED, TaskState.FAILED
_SKIPPED, _CANCELLED = TaskState.SKIPPED, TaskState.CANCELLED


class RunState:
    """States, records, the ready queue and events of one run; :class:`Run` drives it."""

    def __init__(self, scheduler: Scheduler, graph: TaskGraph, ctx: RunContext) -> None:
        self.s = scheduler
        self.manager = scheduler.manager
        self.graph = graph
        self.ctx = ctx
        self.outcome = RunOutcome()
        self.records = self.outcome.records
        self.states = self.outcome.states
        self.deps, self.dependents = graph.adjacency()
        self.unmet: dict[str, int] = {}
        self.ready = ReadyQueue()
        self.ranker = Ranker(scheduler, graph)
        self.active: dict[str, list[Attempt]] = {}
        self.n_active = 0
        self.delayed: dict[str, asyncio.TimerHandle] = {}
        #: capability -> our one outstanding agent request (others wait in self.ready)
        self.waiters: dict[str, asyncio.Future[Agent]] = {}
        self.workers: set[asyncio.Task[None]] = set()
        self.pumping = 0
        self.stop_reason: str | None = None
        self.closed = False
        self.proceed = frozenset(
            {_SUCCEEDED, _FAILED}
            if scheduler.failure_policy is FailurePolicy.CONTINUE
            else {_SUCCEEDED}
        )
        self._synced = (-1, -1)
        self._known = 0
        self._age = itertools.count()
        self._ages: dict[str, int] = {}
        self._emit_to = scheduler.bus.emit
        self._loop = asyncio.get_running_loop()
        self.done: asyncio.Future[None] = self._loop.create_future()

    def _kick(self) -> None:
        """Make sure some worker looks at the ready tasks (the driver implements it)."""
        raise NotImplementedError

    # -- readiness ---------------------------------------------------------------------------

    def _graph_version(self) -> tuple[int, int]:
        return self.graph.version, self.graph.dependency_changes

    def _on_graph_change(self, _graph: TaskGraph) -> None:
        self._kick()

    def _sync(self) -> None:
        """Take in tasks and edges added since the last look, and refresh the ranks."""
        version = self._graph_version()
        rescan = version[1] != self._synced[1]
        tasks, states, records = self.graph.tasks, self.states, self.records
        new = list(itertools.islice(tasks, self._known, None))
        self._known = len(tasks)
        for name in new:
            records[name] = TaskRecord(task=name)
            states[name] = _PENDING
        self.ranker.refresh()
        check = list(states) if rescan else new
        for name in check:
            state = states[name]
            if not (state is _PENDING or (state is _QUEUED and name not in self.active)):
                continue
            unmet, blocked = 0, None
            for dep in self.deps[name]:
                dep_state = states[dep]
                if dep_state not in self.proceed:
                    if dep_state in FINAL_STATES:
                        blocked = dep
                        break
                    unmet += 1
            self.unmet[name] = unmet
            if blocked is not None:
                reason = f"dependency {blocked!r} {states[blocked]}"
                self._end(name, _SKIPPED, EventKind.TASK_SKIPPED, reason)
                self._settle(name, _SKIPPED)
            elif unmet and state is _QUEUED:
                self.ready.discard(name)
            elif not unmet and state is _PENDING:
                self._make_ready(name)
        if len(new) != len(tasks) or rescan:  # ranks of already queued tasks may have moved
            for capability, entry in self.ready.live():
                self.ready.push(capability, self.ranker.entry(entry[-1], self._ages[entry[-1]]))
        self._synced = version

    def _make_ready(self, name: str) -> None:
        record = self.records[name]
        record.state = self.states[name] = _QUEUED
        self._emit(EventKind.TASK_QUEUED, name, None, "waiting for an agent", {}, time.time())
        self._push_ready(name)

    def _push_ready(self, name: str) -> None:
        age = self._ages[name] = next(self._age)
        self.ready.push(self.graph.tasks[name].capability, self.ranker.entry(name, age))

    def _settle(self, name: str, state: TaskState) -> None:
        """Tell the dependents of a finished task; skipping cascades without recursion."""
        states, unmet, proceed, dependents = self.states, self.unmet, self.proceed, self.dependents
        stack = [(name, state)]
        while stack:
            done, how = stack.pop()
            if how in proceed:
                for child in dependents[done]:
                    if states.get(child) is _PENDING:
                        left = unmet[child] = unmet[child] - 1
                        if not left:
                            self._make_ready(child)
                continue
            reason = f"dependency {done!r} {how}"
            for child in dependents[done]:
                child_state = states.get(child)
                if child_state is _PENDING or (child_state is _QUEUED and child not in self.active):
                    self._end(child, _SKIPPED, EventKind.TASK_SKIPPED, reason)
                    stack.append((child, _SKIPPED))

    # -- state changes and events ------------------------------------------------------------

    def _set(self, name: str, state: TaskState, kind: EventKind, message: str, data: Any) -> None:
        record = self.records[name]
        record.state = self.states[name] = state
        self._emit(kind, name, record.agent, message, data, time.time())

    def _end(
        self, name: str, state: TaskState, kind: EventKind, message: str, data: Any = None
    ) -> None:
        """Put a task in a final state; an unstarted or retrying one leaves the queues."""
        record = self.records[name]
        now = time.time()
        record.finished_at = now
        if record.started_at is not None:
            record.duration_s = now - record.started_at
        if data is None:
            data = {}
        if state is _FAILED or state is _CANCELLED or state is _SKIPPED:
            record.error = message or state.value
            data.setdefault("error", record.error)
        self.ready.discard(name)
        timer = self.delayed.pop(name, None)
        if timer is not None:
            timer.cancel()
        record.state = self.states[name] = state
        self._emit(kind, name, record.agent, message, data, now)

    def _emit(
        self,
        kind: EventKind,
        task: str,
        agent: str | None,
        message: str,
        data: dict[str, Any],
        at: float,
    ) -> None:
        try:
            self._emit_to(Event(kind, self.ctx.run_id, task, agent, message, data, at))
        except Exception:  # a broken subscriber must not change how tasks run
            logger.exception("event subscriber failed kind=%s task=%s", kind, task)

    def _progress_reporter(
        self, forward: Callable[[str, str, float | None], None]
    ) -> Callable[[str, str, float | None], None]:
        def report(task: str, message: str, fraction: float | None) -> None:
            record = self.records.get(task)
            agent = record.agent if record else None
            data = {"fraction": fraction}
            self._emit(EventKind.TASK_PROGRESS, task, agent, message, data, time.time())
            forward(task, message, fraction)

        return report
