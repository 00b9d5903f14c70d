"""RunRepository: create, read, list and update runs."""

from __future__ import annotations

import builtins
import uuid
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from codeguild.store.db.database import Database
from codeguild.store.db.errors import RunNotFoundError
from codeguild.store.db.models import runs, utcnow
from codeguild.store.db.records import FINISHED_RUN_STATUSES, RunFence, RunRecord, RunStatus
from codeguild.store.db.run_leases import check_fence


def _record(row: RowMapping) -> RunRecord:
    return RunRecord(
        id=row["id"],
        requirement=row["requirement"],
        status=RunStatus(row["status"]),
        project_name=row["project_name"],
        project_type=row["project_type"],
        output_dir=row["output_dir"],
        intent=row["intent"],
        plan=row["plan"],
        report=row["report"],
        error=row["error"],
        last_event_seq=row["last_event_seq"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        finished_at=row["finished_at"],
        lease_owner=row["lease_owner"],
        lease_expires_at=row["lease_expires_at"],
        fencing_token=row["fencing_token"],
    )


async def fetch_run(conn: AsyncConnection, run_id: str) -> RunRecord:
    row = (await conn.execute(select(runs).where(runs.c.id == run_id))).mappings().first()
    if row is None:
        raise RunNotFoundError(run_id)
    return _record(row)


class RunRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def create(
        self,
        requirement: str,
        *,
        run_id: str | None = None,
        status: RunStatus = RunStatus.CREATED,
        project_name: str | None = None,
        project_type: str | None = None,
        output_dir: str | None = None,
        intent: dict[str, Any] | None = None,
        plan: dict[str, Any] | None = None,
    ) -> RunRecord:
        """Store a new run; ``run_id`` defaults to a random 12-hex-digit id."""
        new_id = run_id or uuid.uuid4().hex[:12]
        now = utcnow()

        async def go(conn: AsyncConnection) -> RunRecord:
            await conn.execute(
                insert(runs).values(
                    id=new_id,
                    requirement=requirement,
                    status=RunStatus(status).value,
                    project_name=project_name,
                    project_type=project_type,
                    output_dir=output_dir,
                    intent=intent,
                    plan=plan,
                    last_event_seq=0,
                    created_at=now,
                    updated_at=now,
                )
            )
            return await fetch_run(conn, new_id)

        return await self.db.run(go, what="runs.create")

    async def get(self, run_id: str) -> RunRecord:
        """The run; RunNotFoundError if there is none with that id."""

        async def go(conn: AsyncConnection) -> RunRecord:
            return await fetch_run(conn, run_id)

        return await self.db.run(go, what="runs.get")

    async def exists(self, run_id: str) -> bool:
        async def go(conn: AsyncConnection) -> bool:
            found = await conn.execute(select(runs.c.id).where(runs.c.id == run_id))
            return found.first() is not None

        return await self.db.run(go, what="runs.exists")

    async def list(
        self, limit: int = 20, status: RunStatus | str | None = None
    ) -> builtins.list[RunRecord]:
        """Newest first; optionally only runs in ``status``."""
        query = select(runs).order_by(runs.c.created_at.desc(), runs.c.id).limit(limit)
        if status is not None:
            query = query.where(runs.c.status == RunStatus(status).value)

        async def go(conn: AsyncConnection) -> builtins.list[RunRecord]:
            return [_record(r) for r in (await conn.execute(query)).mappings()]

        return await self.db.run(go, what="runs.list")

    async def update_status(
        self,
        run_id: str,
        status: RunStatus | str,
        *,
        error: str | None = None,
        fence: RunFence | None = None,
    ) -> RunRecord:
        """Move a run to ``status``; a finished status stamps ``finished_at``."""
        new = RunStatus(status)
        now = utcnow()
        values: dict[str, Any] = {"status": new.value, "updated_at": now, "error": error}
        values["finished_at"] = now if new in FINISHED_RUN_STATUSES else None
        return await self._update(run_id, values, what="runs.update_status", fence=fence)

    async def finish(
        self,
        run_id: str,
        status: RunStatus | str,
        report: dict[str, Any],
        *,
        fence: RunFence | None = None,
    ) -> RunRecord:
        """Store the report and the final status together (a crash never leaves one alone)."""
        now = utcnow()
        values: dict[str, Any] = {
            "status": RunStatus(status).value,
            "report": report,
            "error": None,
            "updated_at": now,
            "finished_at": now,
        }
        return await self._update(run_id, values, what="runs.finish", fence=fence)

    async def save_plan(
        self,
        run_id: str,
        *,
        intent: dict[str, Any] | None = None,
        plan: dict[str, Any] | None = None,
        project_name: str | None = None,
        project_type: str | None = None,
        output_dir: str | None = None,
    ) -> RunRecord:
        """Fill in what is known after planning; None leaves a field as it is."""
        given = {
            "intent": intent,
            "plan": plan,
            "project_name": project_name,
            "project_type": project_type,
            "output_dir": output_dir,
        }
        values: dict[str, Any] = {k: v for k, v in given.items() if v is not None}
        values["updated_at"] = utcnow()
        return await self._update(run_id, values, what="runs.save_plan")

    async def save_report(self, run_id: str, report: dict[str, Any]) -> RunRecord:
        return await self._update(
            run_id, {"report": report, "updated_at": utcnow()}, what="runs.save_report"
        )

    async def _update(
        self, run_id: str, values: dict[str, Any], *, what: str, fence: RunFence | None = None
    ) -> RunRecord:
        async def go(conn: AsyncConnection) -> RunRecord:
            if fence is not None:
                await check_fence(conn, self.db, fence)
            result = await conn.execute(update(runs).where(runs.c.id == run_id).values(**values))
            if result.rowcount == 0:
                raise RunNotFoundError(run_id)
            return await fetch_run(conn, run_id)

        return await self.db.run(go, what=what)
