"""TaskRepository: a run's planned tasks, their dependencies and idempotent attempt records."""

from __future__ import annotations

import builtins
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import and_, select, update
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.sql.elements import ColumnElement

from codeguild.errors import UnknownTaskError
from codeguild.store.db.cycles import closing_cycle
from codeguild.store.db.database import Database
from codeguild.store.db.dialects import cycle_from_integrity_error, upsert
from codeguild.store.db.errors import DependencyCycleError, StoreError, TaskNotFoundError
from codeguild.store.db.models import task_attempts, task_dependencies, tasks, utcnow
from codeguild.store.db.records import (
    FINISHED_TASK_STATES,
    TASK_STATES,
    RunFence,
    StoredTask,
    TaskAttempt,
    TaskLike,
)
from codeguild.store.db.run_leases import check_fence

_SPEC_COLUMNS = ("capability", "component", "action", "description", "priority", "estimate_s")


def task_record(row: RowMapping, depends_on: tuple[str, ...] = ()) -> StoredTask:
    return StoredTask(
        run_id=row["run_id"],
        name=row["name"],
        capability=row["capability"],
        component=row["component"],
        action=row["action"],
        description=row["description"],
        priority=row["priority"],
        estimate_s=row["estimate_s"],
        state=row["state"],
        attempts=row["attempts"],
        agent=row["agent"],
        started_at=row["started_at"],
        finished_at=row["finished_at"],
        duration_s=row["duration_s"],
        error=row["error"],
        result=row["result"],
        depends_on=depends_on,
        lease_owner=row["lease_owner"],
        lease_expires_at=row["lease_expires_at"],
        fencing_token=row["fencing_token"],
    )


def _one_attempt(run_id: str, task: str, attempt: int) -> tuple[ColumnElement[bool], ...]:
    """The WHERE terms that pick attempt ``attempt`` of ``task`` in ``run_id``."""
    return (
        task_attempts.c.run_id == run_id,
        task_attempts.c.task == task,
        task_attempts.c.attempt == attempt,
    )


def _attempt_record(row: RowMapping) -> TaskAttempt:
    return TaskAttempt(**{k: row[k] for k in TaskAttempt.__slots__})


def _check_state(state: str) -> str:
    if state not in TASK_STATES:
        raise StoreError(
            f"Unknown task state {state!r}.", hint=f"Use one of: {', '.join(sorted(TASK_STATES))}."
        )
    return state


async def _edges(conn: AsyncConnection, run_id: str) -> dict[str, list[str]]:
    rows = await conn.execute(
        select(task_dependencies.c.task, task_dependencies.c.depends_on).where(
            task_dependencies.c.run_id == run_id
        )
    )
    edges: dict[str, list[str]] = {}
    for task, dep in rows:
        edges.setdefault(task, []).append(dep)
    return edges


class TaskRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    # -- the plan ----------------------------------------------------------------------------

    async def upsert_plan(self, run_id: str, planned: Iterable[TaskLike]) -> None:
        """Store tasks and their dependencies; re-storing the same plan changes nothing.

        A known task keeps its state, attempts and result (so a resumed run keeps its progress);
        only its spec columns are refreshed. A dependency closing a cycle raises
        DependencyCycleError and stores nothing of this call.
        """
        specs = builtins.list(planned)
        if not specs:
            return
        rows = [
            {
                "run_id": run_id,
                "name": t.name,
                "capability": t.capability,
                "component": t.component,
                "action": t.action or "",
                "description": t.description or "",
                "priority": t.priority,
                "estimate_s": float(t.estimate_s),
                "state": "pending",
                "attempts": 0,
                "fencing_token": 0,
            }
            for t in specs
        ]
        edges = [(t.name, dep) for t in specs for dep in dict.fromkeys(t.depends_on)]

        async def go(conn: AsyncConnection) -> None:
            stmt = upsert(self.db.dialect, tasks)
            stmt = stmt.on_conflict_do_update(
                index_elements=["run_id", "name"],
                set_={c: stmt.excluded[c] for c in _SPEC_COLUMNS},
            )
            await conn.execute(stmt, rows)
            await self._insert_edges(conn, run_id, edges)

        await self.db.run(go, what="tasks.upsert_plan")

    async def add_dependency(self, run_id: str, task: str, depends_on: str) -> None:
        """Make ``task`` wait for ``depends_on``; DependencyCycleError if that closes a cycle."""

        async def go(conn: AsyncConnection) -> None:
            await self._insert_edges(conn, run_id, [(task, depends_on)])

        await self.db.run(go, what="tasks.add_dependency")

    async def _insert_edges(
        self, conn: AsyncConnection, run_id: str, new_edges: builtins.list[tuple[str, str]]
    ) -> None:
        if not new_edges:
            return
        known = set(
            (await conn.execute(select(tasks.c.name).where(tasks.c.run_id == run_id))).scalars()
        )
        for task, dep in new_edges:
            for name, by in ((task, None), (dep, task)):
                if name not in known:
                    raise UnknownTaskError(name, referenced_by=by)
        if not self.db.is_postgres:
            # PostgreSQL's trigger checks each row; SQLite holds the write lock (BEGIN
            # IMMEDIATE), so checking here against the stored edges is race-free
            graph = await _edges(conn, run_id)
            for task, dep in new_edges:
                if dep in graph.get(task, ()):
                    continue
                cycle = closing_cycle(graph, task, dep)
                if cycle is not None:
                    raise DependencyCycleError(cycle, run_id=run_id)
                graph.setdefault(task, []).append(dep)
        stmt = upsert(self.db.dialect, task_dependencies).on_conflict_do_nothing()
        try:
            await conn.execute(
                stmt, [{"run_id": run_id, "task": t, "depends_on": d} for t, d in new_edges]
            )
        except sa_exc.IntegrityError as exc:
            cycle_error = cycle_from_integrity_error(exc)
            if cycle_error is None:
                raise
            raise cycle_error from exc

    async def set_state(
        self, run_id: str, task: str, state: str, *, error: str | None = None
    ) -> None:
        """Record a state reached without an attempt (queued, skipped, cancelled, pending)."""
        _check_state(state)
        values: dict[str, Any] = {"state": state, "error": error}
        if state in FINISHED_TASK_STATES:
            values["finished_at"] = utcnow()

        async def go(conn: AsyncConnection) -> None:
            where = and_(tasks.c.run_id == run_id, tasks.c.name == task)
            result = await conn.execute(
                update(tasks).where(where, tasks.c.state != "succeeded").values(**values)
            )
            if result.rowcount == 0 and not await _exists(conn, run_id, task):
                raise TaskNotFoundError(run_id, task)

        await self.db.run(go, what="tasks.set_state")

    # -- attempts (idempotent by run, task, attempt) -----------------------------------------

    async def mark_started(
        self,
        run_id: str,
        task: str,
        attempt: int,
        *,
        agent: str | None = None,
        at: datetime | None = None,
        fence: RunFence | None = None,
    ) -> TaskAttempt:
        """Record attempt ``attempt`` as started; a repeat returns the stored attempt unchanged.

        With ``fence``, LeaseLostError (nothing recorded) if another replica owns the run now.
        """
        started = at or utcnow()

        async def go(conn: AsyncConnection) -> TaskAttempt:
            if fence is not None:
                await check_fence(conn, self.db, fence)
            spec = await _task_row(conn, run_id, task)
            await self._open_attempt(conn, spec, run_id, task, attempt, agent, started)
            if spec["state"] != "succeeded":
                await conn.execute(
                    update(tasks)
                    .where(tasks.c.id == spec["id"], tasks.c.attempts <= attempt)
                    .values(
                        state="running",
                        attempts=attempt,
                        agent=agent,
                        started_at=started,
                        finished_at=None,
                        error=None,
                    )
                )
            return await _attempt(conn, run_id, task, attempt)

        return await self.db.run(go, what="tasks.mark_started")

    async def mark_finished(
        self,
        run_id: str,
        task: str,
        attempt: int,
        *,
        state: str = "succeeded",
        result: dict[str, Any] | None = None,
        error: str | None = None,
        duration_s: float | None = None,
        agent: str | None = None,
        at: datetime | None = None,
        fence: RunFence | None = None,
    ) -> bool:
        """Record how attempt ``attempt`` ended. True if recorded now, False if it already was.

        A task that succeeded stays succeeded: a late failure report of another attempt is kept
        on the attempt but does not change the task. With ``fence``, a stale owner's report is
        refused whole (LeaseLostError): a task succeeds once, under the run's current owner.
        """
        _check_state(state)
        finished = at or utcnow()

        async def go(conn: AsyncConnection) -> bool:
            if fence is not None:
                await check_fence(conn, self.db, fence)
            spec = await _task_row(conn, run_id, task)
            # an attempt finished without a start record (e.g. started before a crash)
            await self._open_attempt(
                conn, spec, run_id, task, attempt, agent or spec["agent"], finished
            )
            stored = await _attempt(conn, run_id, task, attempt)
            if stored.finished_at is not None:
                return False
            took = duration_s
            if took is None:
                took = max(0.0, (finished - stored.started_at).total_seconds())
            await conn.execute(
                update(task_attempts)
                .where(
                    *_one_attempt(run_id, task, attempt),
                )
                .values(state=state, finished_at=finished, duration_s=took, error=error)
            )
            if spec["state"] != "succeeded":
                await conn.execute(
                    update(tasks)
                    .where(tasks.c.id == spec["id"])
                    .values(
                        state=state,
                        attempts=max(spec["attempts"], attempt),
                        agent=stored.agent,
                        finished_at=finished,
                        duration_s=took,
                        error=error,
                        result=result,
                        lease_owner=None,
                        lease_expires_at=None,
                    )
                )
            return True

        return await self.db.run(go, what="tasks.mark_finished")

    async def mark_attempt_interrupted(
        self,
        run_id: str,
        task: str,
        attempt: int,
        *,
        reason: str,
        at: datetime | None = None,
        fence: RunFence | None = None,
    ) -> bool:
        """Close an attempt the scheduler stopped (its agent died, it timed out, a copy won, the
        run was cancelled) as ``cancelled`` with ``reason``. The task itself is left alone: it
        runs again or has ended through another attempt. False if the attempt was closed already.
        """
        finished = at or utcnow()

        async def go(conn: AsyncConnection) -> bool:
            if fence is not None:
                await check_fence(conn, self.db, fence)
            row = (
                (
                    await conn.execute(
                        select(task_attempts.c.started_at, task_attempts.c.finished_at).where(
                            *_one_attempt(run_id, task, attempt),
                        )
                    )
                )
                .mappings()
                .first()
            )
            if row is None or row["finished_at"] is not None:
                return False
            took = max(0.0, (finished - row["started_at"]).total_seconds())
            await conn.execute(
                update(task_attempts)
                .where(
                    *_one_attempt(run_id, task, attempt),
                    task_attempts.c.finished_at.is_(None),
                )
                .values(state="cancelled", finished_at=finished, duration_s=took, error=reason)
            )
            return True

        return await self.db.run(go, what="tasks.mark_attempt_interrupted")

    async def _open_attempt(
        self,
        conn: AsyncConnection,
        spec: RowMapping,
        run_id: str,
        task: str,
        attempt: int,
        agent: str | None,
        started: datetime,
    ) -> None:
        """Insert the attempt as running unless it is recorded already (attempts are idempotent)."""
        await conn.execute(
            upsert(self.db.dialect, task_attempts)
            .values(
                run_id=run_id,
                task=task,
                attempt=attempt,
                capability=spec["capability"],
                agent=agent,
                state="running",
                started_at=started,
            )
            .on_conflict_do_nothing()
        )

    # -- reading -----------------------------------------------------------------------------

    async def list(self, run_id: str) -> builtins.list[StoredTask]:
        """A run's tasks in plan order, each with its dependencies."""

        async def go(conn: AsyncConnection) -> builtins.list[StoredTask]:
            graph = await _edges(conn, run_id)
            rows = await conn.execute(
                select(tasks).where(tasks.c.run_id == run_id).order_by(tasks.c.id)
            )
            return [task_record(r, tuple(graph.get(r["name"], ()))) for r in rows.mappings()]

        return await self.db.run(go, what="tasks.list")

    async def get(self, run_id: str, task: str) -> StoredTask:
        async def go(conn: AsyncConnection) -> StoredTask:
            row = await _task_row(conn, run_id, task)
            return task_record(row, tuple((await _edges(conn, run_id)).get(task, ())))

        return await self.db.run(go, what="tasks.get")

    async def completed_tasks(self, run_id: str) -> dict[str, StoredTask]:
        """Tasks of the run that succeeded, by name (what a resumed run must not redo)."""
        return {t.name: t for t in await self.list(run_id) if t.state == "succeeded"}

    async def attempts(self, run_id: str, task: str | None = None) -> builtins.list[TaskAttempt]:
        query = select(task_attempts).where(task_attempts.c.run_id == run_id)
        if task is not None:
            query = query.where(task_attempts.c.task == task)

        async def go(conn: AsyncConnection) -> builtins.list[TaskAttempt]:
            rows = await conn.execute(query.order_by(task_attempts.c.id))
            return [_attempt_record(r) for r in rows.mappings()]

        return await self.db.run(go, what="tasks.attempts")

    async def reset_interrupted(self, run_id: str) -> builtins.list[str]:
        """Before resuming: tasks left running or queued by a dead process go back to pending."""

        async def go(conn: AsyncConnection) -> builtins.list[str]:
            where = and_(tasks.c.run_id == run_id, tasks.c.state.in_(("running", "queued")))
            names = builtins.list((await conn.execute(select(tasks.c.name).where(where))).scalars())
            await conn.execute(
                update(tasks)
                .where(where)
                .values(state="pending", lease_owner=None, lease_expires_at=None)
            )
            return names

        return await self.db.run(go, what="tasks.reset_interrupted")


async def _exists(conn: AsyncConnection, run_id: str, task: str) -> bool:
    found = await conn.execute(
        select(tasks.c.id).where(tasks.c.run_id == run_id, tasks.c.name == task)
    )
    return found.first() is not None


async def _task_row(conn: AsyncConnection, run_id: str, task: str) -> RowMapping:
    row = (
        (await conn.execute(select(tasks).where(tasks.c.run_id == run_id, tasks.c.name == task)))
        .mappings()
        .first()
    )
    if row is None:
        raise TaskNotFoundError(run_id, task)
    return row


async def _attempt(conn: AsyncConnection, run_id: str, task: str, attempt: int) -> TaskAttempt:
    row = (
        (
            await conn.execute(
                select(task_attempts).where(
                    *_one_attempt(run_id, task, attempt),
                )
            )
        )
        .mappings()
        .one()
    )
    return _attempt_record(row)
