"""Driving one scheduled run: workers, attempts, retries, interrupts and control requests.

A few long-lived worker tasks pull the best-ranked ready task, acquire an agent and start it; a
task that finishes without suspending costs no asyncio.Task at all (see ``execution``). The
bookkeeping (states, records, readiness, events) lives in ``run_state``.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import TYPE_CHECKING, Any

from codeguild.agents.base import Agent, RunContext, TaskResult
from codeguild.errors import NoAgentError
from codeguild.events import EventKind, new_event
from codeguild.orchestration.execution import (
    Attempt,
    Interrupt,
    Raised,
    Suspended,
    check_result,
    describe,
    new_attempt,
    resume,
)
from codeguild.orchestration.graph import TaskGraph
from codeguild.orchestration.outcome import FINAL_STATES, RunOutcome, TaskState
from codeguild.orchestration.policies import FailurePolicy
from codeguild.orchestration.run_state import RunState
from codeguild.orchestration.speculation import StragglerWatch

if TYPE_CHECKING:
    from codeguild.orchestration.scheduler import Scheduler

logger = logging.getLogger(__name__)

#: a worker starting tasks back to back looks at the clock every PUMP_BATCH tasks, and lets
#: the event loop run other callbacks once PUMP_SLICE_S has passed (timers stay accurate)
PUMP_BATCH = 16
PUMP_SLICE_S = 0.0005
_INTERRUPTED = object()
_PENDING, _QUEUED, _RUNNING = TaskState.PENDING, TaskState.QUEUED, TaskState.RUNNING
_SUCCEEDED, _FAILED = TaskState.SUCCEEDED, TaskState.FAILED
_SKIPPED, _CANCELLED = TaskState.SKIPPED, TaskState.CANCELLED
_STARTED_EVENT = EventKind.TASK_STARTED


class Run(RunState):
    """One ``Scheduler.run`` call: workers start attempts and settle their ends."""

    def __init__(self, scheduler: Scheduler, graph: TaskGraph, ctx: RunContext) -> None:
        super().__init__(scheduler, graph, ctx)
        speculate = scheduler.speculate_after
        self.watch = StragglerWatch(self, speculate) if speculate is not None else None

    # -- the run as a whole ------------------------------------------------------------------

    async def execute(self) -> RunOutcome:
        self.graph.add_listener(self._on_graph_change)
        user_progress = self.ctx.progress
        self.ctx.progress = self._progress_reporter(user_progress)
        try:
            self._sync()
            self._kick()
            self._maybe_finish()
            await self.done
        except asyncio.CancelledError:
            self.stop("run cancelled")
            await self._drain()
            raise
        finally:
            self.closed = True
            self.graph.remove_listener(self._on_graph_change)
            self.ctx.progress = user_progress
            self._return_grants(everything=True)
        await self._drain()
        self.outcome.ok = self.stop_reason is None and all(
            s is _SUCCEEDED for s in self.states.values()
        )
        return self.outcome

    def stop(self, reason: str) -> None:
        """Cancel everything not finished: running work is interrupted, nothing new starts."""
        if self.stop_reason is None:
            self.stop_reason = reason
        for attempts in list(self.active.values()):
            for attempt in list(attempts):
                self._interrupt(attempt, Interrupt.CANCELLED)
        for name, state in list(self.states.items()):
            if state not in FINAL_STATES:
                self._end(name, _CANCELLED, EventKind.TASK_CANCELLED, reason)
        self._return_grants(everything=True)
        self._maybe_finish()

    def cancel_task(self, name: str) -> list[str]:
        """Cancel ``name`` and everything downstream of it; returns the tasks it cancelled."""
        if name not in self.states:
            self._sync()
        cancelled: list[str] = []
        for target in [name, *self.graph.descendants(name)]:
            state = self.states.get(target)
            if state is None or state in FINAL_STATES:
                continue
            for attempt in list(self.active.get(target, ())):
                self._interrupt(attempt, Interrupt.CANCELLED)
            reason = "cancelled by request" if target == name else f"dependency {name!r} cancelled"
            self._end(target, _CANCELLED, EventKind.TASK_CANCELLED, reason)
            cancelled.append(target)
        self._return_grants()
        self._kick()
        self._maybe_finish()
        return cancelled

    def agent_unhealthy(self, agent_name: str) -> None:
        """Interrupt what ``agent_name`` runs and queue it again without charging its budget."""
        reason = f"agent {agent_name!r} became unhealthy"
        for name, attempts in list(self.active.items()):
            for attempt in list(attempts):
                if attempt.agent.name != agent_name:
                    continue
                self._interrupt(attempt, Interrupt.UNHEALTHY)
                record = self.records[name]
                if not attempt.speculative:
                    record.attempts -= 1
                record.requeues = (*record.requeues, reason)
                if not self.active.get(name):
                    data = {"attempt": record.attempts, "error": reason, "counted": False}
                    self._set(name, _QUEUED, EventKind.TASK_RETRYING, reason, data)
                    self._push_ready(name)
        self._kick()

    def estimate(self, name: str) -> float:
        return self.ranker.estimate_of(self.tasks[name])

    # -- workers -----------------------------------------------------------------------------

    def _kick(self) -> None:
        """Make sure some worker will look at the ready tasks."""
        if self.pumping or self.closed or self.stop_reason is not None:
            return
        if self.ready or self._stale():
            self.spawn(None)

    def spawn(self, attempt: Attempt | None) -> None:
        worker = self._loop.create_task(self._worker(attempt))
        self.workers.add(worker)
        worker.add_done_callback(self.workers.discard)

    async def _worker(self, attempt: Attempt | None) -> None:
        self.pumping += 1
        pumping = True
        batch = PUMP_BATCH
        slice_start = time.perf_counter()
        try:
            while not self.closed:
                if attempt is None:
                    attempt = self._next_attempt()
                    if attempt is None:
                        break
                # the coroutine's first step runs here, not in a helper: once per task
                step: object
                try:
                    coro = attempt.agent.execute(attempt.spec, self.ctx)
                except Exception as exc:  # execute() failed before it even returned a coroutine
                    step = Raised(exc)
                else:
                    try:
                        step = Suspended(coro, coro.send(None))
                    except StopIteration as stop:
                        step = stop.value
                    except (KeyboardInterrupt, SystemExit):
                        raise
                    except BaseException as exc:  # its failure (even a stray cancel) is data
                        step = Raised(exc)
                if type(step) is Suspended:
                    if attempt.interrupt is not None:  # interrupted from inside its own first step
                        step.coro.close()
                    else:
                        self.pumping -= 1
                        pumping = False
                        self._kick()  # this worker is taken now; another one keeps dispatching
                        step = await self._carry(attempt, step)
                        if step is _INTERRUPTED:
                            return
                        self.pumping += 1
                        pumping = True
                if attempt.interrupt is None:
                    self._finish_attempt(attempt, step)
                attempt = None
                batch -= 1
                if not batch:
                    batch = PUMP_BATCH
                    if time.perf_counter() - slice_start > PUMP_SLICE_S:
                        await asyncio.sleep(0)  # long synchronous stretches starve the loop
                        slice_start = time.perf_counter()
        finally:
            if pumping:
                self.pumping -= 1
            self._maybe_finish()

    async def _carry(self, attempt: Attempt, suspended: Suspended) -> object:
        """Await the rest of an attempt; its result, or _INTERRUPTED when we stopped it."""
        attempt.worker = asyncio.current_task()
        limit = self.s.task_timeout_s
        if limit is not None:
            left = limit - (time.perf_counter() - attempt.started)
            attempt.timer = self._loop.call_later(left, self._on_timeout, attempt)
        if self.watch is not None:
            self.watch.arm(attempt)
        try:
            result: object = await resume(suspended)
        except asyncio.CancelledError:
            if attempt.interrupt is None:  # cancelled from outside the scheduler
                self._interrupt(attempt, Interrupt.CANCELLED)
                if self.states.get(attempt.task) not in FINAL_STATES:
                    self._end(attempt.task, _CANCELLED, EventKind.TASK_CANCELLED, "cancelled")
                raise
            return _INTERRUPTED
        except Exception as exc:
            result = Raised(exc)
        finally:
            attempt.worker = None
            attempt.disarm()
        # an agent that swallowed our cancellation still lost its slot
        return _INTERRUPTED if attempt.interrupt is not None else result

    async def _drain(self) -> None:
        current = asyncio.current_task()
        workers = [w for w in self.workers if w is not current]
        if workers:
            await asyncio.gather(*workers, return_exceptions=True)

    def _next_attempt(self) -> Attempt | None:
        """Pick the best ready task that can get an agent now, and start its attempt."""
        if self.graph.version != self._synced_version:
            self._sync()
        ready, waiters, limit = self.ready, self.waiters, self.s.max_concurrency
        while self.stop_reason is None:
            if limit is not None and self.n_active >= limit:
                return None
            blocked = [c for c, f in waiters.items() if not f.done()] if waiters else ()
            popped = ready.pop_best(blocked)
            if popped is None:
                break
            capability, entry = popped
            name = entry[-1]
            request = waiters.pop(capability, None) if waiters else None
            try:
                # a free agent is taken without a future; only a wait needs one
                agent = (
                    request.result()
                    if request is not None
                    else self.manager.try_acquire(capability)
                )
                if agent is None:
                    request = self.manager.request(capability, rank=entry)
                    if not request.done():
                        waiters[capability] = request
                        request.add_done_callback(self._on_agent_granted)
                        ready.push(capability, entry)
                        continue
                    agent = request.result()
            except (NoAgentError, asyncio.CancelledError) as exc:
                self._fail(name, exc, None)
                continue
            return self.begin(name, agent, speculative=False)
        self._return_grants()
        return None

    def _on_agent_granted(self, request: asyncio.Future[Agent]) -> None:
        if not request.cancelled():
            self._return_grants()
            self._kick()

    # -- attempts ----------------------------------------------------------------------------

    def begin(self, name: str, agent: Agent, *, speculative: bool) -> Attempt:
        record = self.records[name]
        record.executions += 1
        attempt = new_attempt(
            name, self.tasks[name], agent, record.executions, speculative, time.perf_counter()
        )
        attempts = self.active.get(name)
        if attempts is None:
            self.active[name] = [attempt]
        else:
            attempts.append(attempt)
        self.n_active += 1
        if speculative:
            record.speculative_attempts += 1
            data = {"execution": attempt.number, "agent": agent.name, "speculative": True}
            message = f"speculative copy started on {agent.name}"
            self._emit(EventKind.TASK_PROGRESS, name, record.agent, message, data, time.time())
            return attempt
        attempts_charged = record.attempts = record.attempts + 1
        agent_name = record.agent = agent.name
        now = time.time()
        if record.started_at is None:
            record.started_at = now
        record.state = self.states[name] = _RUNNING
        data = {"attempt": attempts_charged}
        try:  # _emit inlined: once per task on the hot path
            self._emit_to(new_event(_STARTED_EVENT, self.run_id, name, agent_name, "", data, now))
        except Exception:  # a broken subscriber must not change how tasks run
            logger.exception("event subscriber failed kind=%s task=%s", _STARTED_EVENT, name)
        return attempt

    def _finish_attempt(self, attempt: Attempt, step: object) -> None:
        result = (
            step if type(step) is TaskResult else check_result(step, attempt.agent, attempt.spec)
        )
        duration = time.perf_counter() - attempt.started
        name, capability = attempt.task, attempt.spec.capability
        active = self.active
        attempts = active.get(name)
        if attempts is not None and len(attempts) == 1 and attempts[0] is attempt:
            # _drop for the usual lone attempt, inlined: this runs once per task
            del active[name]
            self.n_active -= 1
            if attempt.timer is not None or attempt.watch is not None:
                attempt.disarm()
        else:
            self._drop(attempt)
        if isinstance(result, TaskResult):
            record = self.records[name]
            record.winning_attempt = attempt.number
            record.speculative_win = attempt.speculative
            record.agent = attempt.agent.name
            siblings = self.active.get(name)
            if siblings:
                for sibling in list(siblings):
                    self._interrupt(sibling, Interrupt.LOST_RACE)
            self.ctx.results[name] = self.outcome.results[name] = result
            data = {"attempt": record.attempts, "duration_s": duration, "ok": result.ok}
            if attempt.speculative:
                data["speculative"] = True
            self._end(name, _SUCCEEDED, EventKind.TASK_SUCCEEDED, result.summary, data)
            self._settle(name, _SUCCEEDED)
            # dependents are queued first, so the freed agent goes to the best of them
            self.manager.release(attempt.agent, capability, True, duration)
            return
        self.manager.release(attempt.agent, capability, False, duration)
        if not self.active.get(name):  # else a sibling still runs and may still succeed
            self._fail(name, result, duration)

    def _fail(self, name: str, exc: BaseException, duration: float | None) -> None:
        """An attempt ended in an error: retry it, or fail the task for good."""
        record = self.records[name]
        error = describe(exc)
        data: dict[str, Any] = {"attempt": record.attempts, "error": error}
        if duration is not None:
            data["duration_s"] = duration
        retry = self.s.retry
        may_retry = self.stop_reason is None and duration is not None
        if may_retry and retry.should_retry(exc, record.attempts):
            delay = data["delay_s"] = retry.delay(record.attempts)
            self._set(name, _QUEUED, EventKind.TASK_RETRYING, error, data)
            if delay > 0:
                self.delayed[name] = self._loop.call_later(delay, self._requeue, name)
            else:
                self._push_ready(name)
            return
        self._end(name, _FAILED, EventKind.TASK_FAILED, error, data)
        if self.s.failure_policy is FailurePolicy.FAIL_FAST:
            self.stop("a task failed and the failure policy is fail_fast")
        else:
            self._settle(name, _FAILED)

    def _requeue(self, name: str) -> None:
        self.delayed.pop(name, None)
        if self.states.get(name) is _QUEUED and self.stop_reason is None:
            self._push_ready(name)
            self._kick()

    def _interrupt(self, attempt: Attempt, why: Interrupt) -> None:
        """Stop an attempt and give its agent back (only a timeout counts against the agent)."""
        if attempt.interrupt is not None:
            return
        attempt.interrupt = why
        self._drop(attempt)
        duration = time.perf_counter() - attempt.started
        capability = attempt.spec.capability
        self.manager.release(
            attempt.agent, capability, False, duration, record=why is Interrupt.TIMEOUT
        )
        if attempt.worker is not None:
            # the reason travels with the cancellation, e.g. for the attempt's durable record
            attempt.worker.cancel(f"interrupted: {why.value}")

    def _on_timeout(self, attempt: Attempt) -> None:
        attempt.timer = None
        if attempt.interrupt is not None or self.closed:
            return
        self._interrupt(attempt, Interrupt.TIMEOUT)
        if not self.active.get(attempt.task):
            limit = self.s.task_timeout_s or 0.0
            exc = TimeoutError(f"timed out after {limit:g}s on agent {attempt.agent.name!r}")
            self._fail(attempt.task, exc, time.perf_counter() - attempt.started)
        self._kick()
        self._maybe_finish()

    def _maybe_finish(self) -> None:
        if self.done.done() or self.pumping or self.n_active or self.delayed or self.waiters:
            return
        alive = not self.closed and self.stop_reason is None
        if alive and (self.ready or self._stale()):
            self._kick()
            return
        for name, state in self.states.items():
            if state is _PENDING:  # nothing runs or waits, so it can never start
                self._end(name, _SKIPPED, EventKind.TASK_SKIPPED, "its dependencies never finished")
        self.done.set_result(None)
