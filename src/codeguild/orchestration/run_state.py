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
from codeguild.events import EventKind, new_event
from codeguild.orchestration.execution import Attempt
from codeguild.orchestration.graph import TaskGraph
from codeguild.orchestration.outcome import FINAL_STATES, RunOutcome, TaskState, new_record
from codeguild.orchestration.policies import FailurePolicy
from codeguild.orchestration.ranking import Ranker
from codeguild.orchestration.ready import ReadyQueue

if TYPE_CHECKING:
    from codeguild.orchestration.scheduler import Scheduler

logger = logging.getLogger(__name__)

_PENDING, _QUEUED, _RUNNING = TaskState.PENDING, TaskState.QUEUED, TaskState.RUNNING
_SUCCEEDED, _FAILED = TaskState.SUCCEEDED, TaskState.FAILED
_SKIPPED, _CANCELLED = TaskState.SKIPPED, TaskState.CANCELLED
_QUEUED_EVENT = EventKind.TASK_QUEUED
_WAITING = "waiting for an agent"


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
        self.tasks = graph.tasks  # a live read-only view; graph.tasks builds a new one per call
        #: graph.version and graph.dependency_changes when last synced (every change bumps the
        #: version, so comparing it alone tells whether a sync is due)
        self._synced_version = -1
        self._synced_dependencies = -1
        self._known = 0
        self._age = itertools.count()
        self._ages: dict[str, int] = {}
        self._emit_to = scheduler.bus.emit
        self.run_id = ctx.run_id
        self._loop = asyncio.get_running_loop()
        self.done: asyncio.Future[None] = self._loop.create_future()

    def _kick(self) -> None:
        """Make sure some worker looks at the ready tasks (the driver implements it)."""
        raise NotImplementedError

    # -- readiness ---------------------------------------------------------------------------

    def _stale(self) -> bool:
        """Whether the graph changed since the last :meth:`_sync`."""
        return self.graph.version != self._synced_version

    def _on_graph_change(self, _graph: TaskGraph) -> None:
        self._kick()

    def _sync(self) -> None:
        """Take in tasks and edges added since the last look, and refresh the ranks."""
        version, dependencies = self.graph.version, self.graph.dependency_changes
        rescan = dependencies != self._synced_dependencies
        tasks, states, records = self.tasks, self.states, self.records
        new = list(itertools.islice(tasks, self._known, None))
        self._known = len(tasks)
        self.ranker.refresh()
        deps, proceed, unmets, active = self.deps, self.proceed, self.unmet, self.active
        now = time.time()  # one clock read for every task this look makes ready
        if not rescan and len(new) == len(tasks):
            # the first look at a graph: every dependency is a new, pending task, so a task
            # waits for all of them (the common case, and a tenth of a large run's cost);
            # one pass makes each task's record and counts what it waits for
            for name in new:
                records[name] = new_record(name)
                states[name] = _PENDING
                unmet = unmets[name] = len(deps[name])
                if not unmet:
                    self._make_ready(name, now)
            self._synced_version, self._synced_dependencies = version, dependencies
            return
        for name in new:
            records[name] = new_record(name)
            states[name] = _PENDING
        check = list(states) if rescan else new
        for name in check:
            state = states[name]
            if not (state is _PENDING or (state is _QUEUED and name not in active)):
                continue
            unmet, blocked = 0, None
            for dep in deps[name]:
                dep_state = states[dep]
                if dep_state not in proceed:
                    if dep_state in FINAL_STATES:
                        blocked = dep
                        break
                    unmet += 1
            unmets[name] = unmet
            if blocked is not None:
                reason = f"dependency {blocked!r} {states[blocked]}"
                self._end(name, _SKIPPED, EventKind.TASK_SKIPPED, reason)
                self._settle(name, _SKIPPED)
                now = time.time()  # keeps event times in order
            elif unmet and state is _QUEUED:  # a new dependency: it waits again
                self.ready.discard(name)
                self.records[name].state = states[name] = _PENDING
            elif not unmet and state is _PENDING:
                self._make_ready(name, now)
        if len(new) != len(tasks) or rescan:  # ranks of already queued tasks may have moved
            for capability, entry in self.ready.live():
                self.ready.push(capability, self.ranker.entry(entry[-1], self._ages[entry[-1]]))
        self._synced_version, self._synced_dependencies = version, dependencies

    def _make_ready(self, name: str, now: float | None = None) -> None:
        """Queue a task whose dependencies are met (``now``: one clock read shared by a batch)."""
        record = self.records[name]
        record.state = self.states[name] = _QUEUED
        at = time.time() if now is None else now
        # _emit and _push_ready inlined: this runs once per task on the scheduler's hot path
        try:
            self._emit_to(new_event(_QUEUED_EVENT, self.run_id, name, None, _WAITING, {}, at))
        except Exception:  # a broken subscriber must not change how tasks run
            logger.exception("event subscriber failed kind=%s task=%s", _QUEUED_EVENT, name)
        age = self._ages[name] = next(self._age)
        base = self.ranker.base
        if base is None:
            entry: tuple[Any, ...] = (age, name)
        else:
            length, level = base[name]
            entry = (length, level, age, name)
        self.ready.push(self.tasks[name].capability, entry)

    def _push_ready(self, name: str) -> None:
        age = self._ages[name] = next(self._age)
        self.ready.push(self.tasks[name].capability, self.ranker.entry(name, age))

    def _settle(self, name: str, state: TaskState) -> None:
        """Tell the dependents of a finished task; skipping cascades without recursion."""
        states, unmet, proceed, dependents = self.states, self.unmet, self.proceed, self.dependents
        if state in proceed:
            now = None
            # counts of children that no longer wait (cancelled, skipped) may go on falling;
            # only a pending child is made ready when its count reaches zero
            for child in dependents[name]:
                try:
                    left = unmet[child] - 1
                except KeyError:  # added to the graph since the last look; _sync counts it
                    continue
                unmet[child] = left
                if not left and states[child] is _PENDING:
                    if now is None:
                        now = time.time()
                    self._make_ready(child, now)
            return
        # the task ended in a way its dependents cannot proceed from: skip them, transitively
        stack = [(name, state)]
        while stack:
            done, how = stack.pop()
            reason = f"dependency {done!r} {how}"
            for child in dependents[done]:
                child_state = states.get(child)
                if child_state is _PENDING or (child_state is _QUEUED and child not in self.active):
                    self._end(child, _SKIPPED, EventKind.TASK_SKIPPED, reason)
                    stack.append((child, _SKIPPED))

    def _return_grants(self, *, everything: bool = False) -> None:
        """Give back agents granted for capabilities with nothing left to run."""
        for capability, request in list(self.waiters.items()):
            if everything or (request.done() and not self.ready.has(capability)):
                del self.waiters[capability]
                self.manager.withdraw(request, capability)

    def _drop(self, attempt: Attempt) -> None:
        attempts = self.active.get(attempt.task)
        if attempts is not None and attempt in attempts:
            attempts.remove(attempt)
            self.n_active -= 1
            if not attempts:
                del self.active[attempt.task]
        attempt.disarm()

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
        if state is not _SUCCEEDED:  # one that succeeded ran, so it left the queue back then
            self.ready.discard(name)
        if self.delayed:
            timer = self.delayed.pop(name, None)
            if timer is not None:
                timer.cancel()
        record.state = self.states[name] = state
        try:  # _emit inlined: once per task on the hot path
            self._emit_to(new_event(kind, self.run_id, name, record.agent, message, data, now))
        except Exception:  # a broken subscriber must not change how tasks run
            logger.exception("event subscriber failed kind=%s task=%s", kind, name)

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
            self._emit_to(new_event(kind, self.run_id, task, agent, message, data, at))
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
