"""Durable runs: every event, task result and written file goes to the store, so a run survives
a crash and `codeguild resume` continues it without redoing finished work.

Two pieces: ``DurableEventBus`` persists each event before any live reader sees it, and
``RecordingAgent`` wraps an agent so a task counts as done only once its result and files are
committed (and a task already committed is replayed from the store instead of run again).
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import time
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from codeguild.agents.base import Agent, RunContext, TaskResult, TaskSpec
from codeguild.events import Event, EventBus
from codeguild.store.db import LeaseLostError, RunFence, Store, StoredTask
from codeguild.store.db.artifacts import PROJECT_SNAPSHOT

log = logging.getLogger(__name__)

#: Fault injection for crash tests: "after_tasks:N" kills the process (SIGKILL) once N tasks are
#: committed; "mid_artifact:N" kills it while the Nth task's files are half stored.
CRASH_ENV = "CODEGUILD_CRASH_AT"
#: how long closing an interrupted attempt may hold up its cancellation
INTERRUPT_RECORD_S = 5.0


class DurableEventBus(EventBus):
    """An event bus whose subscribers only ever see events that are already persisted."""

    def __init__(self, store: Store, *, batch: int = 256) -> None:
        super().__init__()
        self._store = store
        self._batch = batch
        self._queue: asyncio.Queue[Event | None] = asyncio.Queue()
        self._writer: asyncio.Task[None] | None = None
        self._error: BaseException | None = None

    def start(self) -> None:
        if self._writer is None:
            self._writer = asyncio.get_running_loop().create_task(self._drain())

    def emit(self, event: Event) -> None:
        if self._error is not None:
            raise self._error
        self._queue.put_nowait(event)

    async def flush(self) -> None:
        """Wait until every event emitted so far is persisted and delivered."""
        await self._queue.join()
        if self._error is not None:
            raise self._error

    async def close(self) -> None:
        if self._writer is None:
            return
        await self.flush()
        self._queue.put_nowait(None)
        await self._writer
        self._writer = None

    async def _drain(self) -> None:
        while True:
            first = await self._queue.get()
            batch = [first]
            while len(batch) < self._batch and not self._queue.empty():
                batch.append(self._queue.get_nowait())
            events = [e for e in batch if e is not None]
            try:
                if events:
                    await self._store.events.append_many(events)
                    for event in events:
                        self._deliver(event)
            except Exception as exc:  # the run must learn that durability is gone
                log.exception("persisting events failed")
                self._error = exc
            finally:
                for _ in batch:
                    self._queue.task_done()
            if first is None or any(e is None for e in batch):
                return

    def _deliver(self, event: Event) -> None:
        for sink in self._subscribers:
            try:
                sink(event)
            except Exception:  # a broken reader must not stop persistence
                log.exception("event subscriber failed")


class RunRecorder:
    """The run's link to the store: attempts, results and files of its tasks.

    With a ``fence`` (the serve process's lease on the run) every write is conditional on the
    run's current fencing token: once another replica has taken the run over, this process's
    late commits are discarded (logged, and LeaseLostError raised to stop the task), so each
    task succeeds exactly once whatever process dies or stalls.
    """

    def __init__(
        self,
        store: Store,
        run_id: str,
        completed: dict[str, StoredTask],
        *,
        fence: RunFence | None = None,
    ) -> None:
        self.store = store
        self.run_id = run_id
        self.completed = completed
        self.fence = fence
        self.discarded: list[str] = []
        self.replayed: list[str] = []
        self._attempts: dict[str, int] = {}
        self._committed = 0
        self._crash = _crash_plan()

    async def load_attempts(self) -> None:
        for attempt in await self.store.tasks.attempts(self.run_id):
            self._attempts[attempt.task] = max(self._attempts.get(attempt.task, 0), attempt.attempt)

    def next_attempt(self, task: str) -> int:
        self._attempts[task] = self._attempts.get(task, 0) + 1
        return self._attempts[task]

    def replay(self, task: str) -> TaskResult | None:
        stored = self.completed.get(task)
        if stored is None or stored.result is None:
            return None
        self.replayed.append(task)
        raw = stored.result
        return TaskResult(
            ok=bool(raw.get("ok", True)),
            files=list(raw.get("files", [])),
            summary=str(raw.get("summary", "")),
            data=dict(raw.get("data", {})),
        )

    async def started(self, task: TaskSpec, attempt: int, agent: str) -> None:
        async with self._fenced(task.name, "start"):
            await self.store.tasks.mark_started(
                self.run_id, task.name, attempt, agent=agent, fence=self.fence
            )

    async def succeeded(
        self, task: TaskSpec, attempt: int, agent: str, result: TaskResult, ctx: RunContext
    ) -> None:
        files = {path: (ctx.workspace.root / path).read_bytes() for path in result.files}
        async with self._fenced(task.name, "success"):
            if files:
                await self.store.artifacts.put_many(self.run_id, task.name, files, fence=self.fence)
            self._maybe_crash("mid_artifact")
            await self.store.tasks.mark_finished(
                self.run_id,
                task.name,
                attempt,
                state="succeeded",
                result=_result_dict(result),
                agent=agent,
                fence=self.fence,
            )
        self._maybe_crash("after_tasks")

    async def failed(self, task: TaskSpec, attempt: int, agent: str, error: BaseException) -> None:
        async with self._fenced(task.name, "failure"):
            await self.store.tasks.mark_finished(
                self.run_id,
                task.name,
                attempt,
                state="failed",
                error=f"{type(error).__name__}: {error}",
                agent=agent,
                fence=self.fence,
            )

    async def interrupted(self, task: TaskSpec, attempt: int, reason: str) -> None:
        """Close an attempt the scheduler stopped, so no attempt stays "running" for ever.

        Best effort and bounded: it runs while a cancellation unwinds, so a slow or lost store
        must not hold that up (the task's own state is untouched either way).
        """
        try:
            async with asyncio.timeout(INTERRUPT_RECORD_S), self._fenced(task.name, "interruption"):
                await self.store.tasks.mark_attempt_interrupted(
                    self.run_id, task.name, attempt, reason=reason, fence=self.fence
                )
        except Exception as exc:
            log.warning("could not close interrupted attempt task=%s: %s", task.name, exc)

    async def snapshot(self, project: Path) -> None:
        """Store the finished project's files as the run's ``PROJECT_SNAPSHOT``: any replica
        serves the files and the zip from the database, not from this process's disk."""
        files = await asyncio.to_thread(_read_tree, project)
        async with self._fenced(PROJECT_SNAPSHOT, "project files"):
            await self.store.artifacts.put_many(
                self.run_id, PROJECT_SNAPSHOT, files, fence=self.fence
            )

    @asynccontextmanager
    async def _fenced(self, task: str, what: str) -> AsyncIterator[None]:
        try:
            yield
        except LeaseLostError as exc:
            self.discarded.append(task)
            log.warning(
                "discarded the %s of task=%s run=%s: %s", what, task, self.run_id, exc.args[0]
            )
            raise

    def _maybe_crash(self, point: str) -> None:
        """Fault injection (see CRASH_ENV): a real SIGKILL, as an operator's kill -9 would be."""
        if point == "after_tasks":
            self._committed += 1
        if self._crash is None or self._crash[0] != point:
            return
        # mid_artifact counts the task being committed, after_tasks the ones committed
        number = self._committed + 1 if point == "mid_artifact" else self._committed
        if number >= self._crash[1]:
            log.warning("fault injection %s=%s:%d: killing the process", CRASH_ENV, *self._crash)
            os.kill(os.getpid(), signal.SIGKILL)


class RecordingAgent:
    """An agent whose tasks are committed to the store before they count as done."""

    def __init__(self, inner: Agent, recorder: RunRecorder) -> None:
        self.inner = inner
        self.name = inner.name
        self.capabilities = inner.capabilities
        self._recorder = recorder

    async def execute(self, task: TaskSpec, ctx: RunContext) -> TaskResult:
        replayed = self._recorder.replay(task.name)
        if replayed is not None:
            ctx.progress(task.name, "restored from the store (finished before the crash)", 1.0)
            return replayed
        attempt = self._recorder.next_attempt(task.name)
        await self._recorder.started(task, attempt, self.name)
        started = time.perf_counter()
        try:
            result = await self.inner.execute(task, ctx)
        except asyncio.CancelledError as exc:
            reason = str(exc.args[0]) if exc.args else "interrupted"
            await self._recorder.interrupted(task, attempt, reason)
            raise
        except BaseException as exc:
            await self._recorder.failed(task, attempt, self.name, exc)
            raise
        log.debug("task=%s took %.3fs", task.name, time.perf_counter() - started)
        await self._recorder.succeeded(task, attempt, self.name, result, ctx)
        return result


def wrap_agents(agents: Iterable[Agent], recorder: RunRecorder) -> list[RecordingAgent]:
    return [RecordingAgent(agent, recorder) for agent in agents]


def _result_dict(result: TaskResult) -> dict[str, Any]:
    return {"ok": result.ok, "files": result.files, "summary": result.summary, "data": result.data}


def _read_tree(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and not p.is_symlink()
    }


def _crash_plan() -> tuple[str, int] | None:
    raw = os.environ.get(CRASH_ENV, "").strip()
    if not raw:
        return None
    kind, _, count = raw.partition(":")
    if kind not in ("after_tasks", "mid_artifact") or not count.isdigit():
        log.warning("ignoring %s=%r (use after_tasks:N or mid_artifact:N)", CRASH_ENV, raw)
        return None
    return kind, int(count)
