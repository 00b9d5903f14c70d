"""ProjectRepository: projects generated through the API, their owners and shares.

A project's id is the id of the run that builds it, so it links to the ``runs`` table 1:1.
"""

from __future__ import annotations

import builtins
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import insert, or_, select, update
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from codeguild.store.db.database import Database
from codeguild.store.db.dialects import upsert
from codeguild.store.db.errors import StoreError
from codeguild.store.db.models import runs, utcnow
from codeguild.store.db.models_auth import project_shares, projects, users
from codeguild.store.db.records import RunFence
from codeguild.store.db.run_leases import check_fence

#: statuses after which a project never changes again
FINISHED_PROJECT_STATUSES = frozenset({"succeeded", "failed", "cancelled"})


class ProjectNotFoundError(StoreError):
    """No project with that id is visible to the caller."""

    code = "project_not_found"

    def __init__(self, project_id: str) -> None:
        self.project_id = project_id
        super().__init__(
            f"No project with id {project_id!r} is visible to you.",
            hint="List your projects with GET /api/projects; ask the owner to share it.",
        )


@dataclass(frozen=True, slots=True)
class ProjectRecord:
    id: str
    owner_id: str
    owner: str
    requirement: str
    status: str
    project_type: str | None
    project_name: str | None
    output_dir: str | None
    report: dict[str, Any] | None
    error: str | None
    created_at: datetime
    updated_at: datetime
    finished_at: datetime | None

    @property
    def finished(self) -> bool:
        return self.status in FINISHED_PROJECT_STATUSES


def _record(row: RowMapping) -> ProjectRecord:
    return ProjectRecord(
        id=row["id"],
        owner_id=row["owner_id"],
        owner=row["username"],
        requirement=row["requirement"],
        status=row["status"],
        project_type=row["project_type"],
        project_name=row["project_name"],
        output_dir=row["output_dir"],
        report=row["report"],
        error=row["error"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        finished_at=row["finished_at"],
    )


_WITH_OWNER = select(projects, users.c.username).join(users, users.c.id == projects.c.owner_id)


class ProjectRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def create(
        self,
        project_id: str,
        owner_id: str,
        requirement: str,
        *,
        project_type: str | None = None,
        status: str = "queued",
    ) -> ProjectRecord:
        now = utcnow()

        async def go(conn: AsyncConnection) -> ProjectRecord:
            await conn.execute(
                insert(projects).values(
                    id=project_id,
                    owner_id=owner_id,
                    requirement=requirement,
                    status=status,
                    project_type=project_type,
                    created_at=now,
                    updated_at=now,
                )
            )
            return await self._fetch(conn, project_id)

        return await self.db.run(go, what="projects.create")

    async def get(self, project_id: str) -> ProjectRecord:
        """The project whatever its visibility; ProjectNotFoundError if there is none."""
        return await self.db.run(lambda c: self._fetch(c, project_id), what="projects.get")

    async def visible(self, project_id: str, user_id: str) -> ProjectRecord:
        """The project if ``user_id`` owns it or it is shared with them, else not found."""

        async def go(conn: AsyncConnection) -> ProjectRecord:
            record = await self._fetch(conn, project_id)
            if record.owner_id == user_id:
                return record
            shared = await conn.execute(
                select(project_shares.c.user_id).where(
                    project_shares.c.project_id == project_id,
                    project_shares.c.user_id == user_id,
                )
            )
            if shared.first() is None:
                # indistinguishable from a missing project: ids of others' projects do not leak
                raise ProjectNotFoundError(project_id)
            return record

        return await self.db.run(go, what="projects.visible")

    async def list_visible(self, user_id: str, limit: int = 100) -> builtins.list[ProjectRecord]:
        """The user's own and shared-with-them projects, newest first."""
        shared = select(project_shares.c.project_id).where(project_shares.c.user_id == user_id)
        query = (
            _WITH_OWNER.where(or_(projects.c.owner_id == user_id, projects.c.id.in_(shared)))
            .order_by(projects.c.created_at.desc())
            .limit(limit)
        )

        async def go(conn: AsyncConnection) -> builtins.list[ProjectRecord]:
            return [_record(r) for r in (await conn.execute(query)).mappings()]

        return await self.db.run(go, what="projects.list")

    async def share(self, project_id: str, user_id: str) -> None:
        """Let ``user_id`` read the project; sharing twice is a no-op."""

        async def go(conn: AsyncConnection) -> None:
            stmt = upsert(self.db.dialect, project_shares).values(
                project_id=project_id, user_id=user_id, created_at=utcnow()
            )
            await conn.execute(stmt.on_conflict_do_nothing())

        await self.db.run(go, what="projects.share")

    async def shared_with(self, project_id: str) -> builtins.list[str]:
        query = (
            select(users.c.username)
            .join(project_shares, project_shares.c.user_id == users.c.id)
            .where(project_shares.c.project_id == project_id)
            .order_by(users.c.username)
        )

        async def go(conn: AsyncConnection) -> builtins.list[str]:
            return [r[0] for r in await conn.execute(query)]

        return await self.db.run(go, what="projects.shares")

    async def update(
        self,
        project_id: str,
        status: str | None = None,
        *,
        fence: RunFence | None = None,
        **values: Any,
    ) -> None:
        """Set the status and/or other columns; finishing statuses stamp ``finished_at``.

        With ``fence`` (the lease on the project's run), LeaseLostError if another replica owns
        the run now: only the run's current owner reports its outcome.
        """
        changes: dict[str, Any] = {"updated_at": utcnow(), **values}
        if status is not None:
            changes["status"] = status
            if status in FINISHED_PROJECT_STATUSES:
                changes["finished_at"] = changes["updated_at"]

        async def go(conn: AsyncConnection) -> int:
            if fence is not None:
                await check_fence(conn, self.db, fence)
            done = await conn.execute(
                update(projects).where(projects.c.id == project_id).values(**changes)
            )
            return done.rowcount

        if await self.db.run(go, what="projects.update") == 0:
            raise ProjectNotFoundError(project_id)

    async def mark_unfinished_interrupted(self) -> int:
        """At start-up: projects a previous process left running can never finish now."""

        async def go(conn: AsyncConnection) -> int:
            done = await conn.execute(
                update(projects)
                .where(projects.c.status.in_(("queued", "running")))
                .values(
                    status="failed", error="interrupted: the server stopped", updated_at=utcnow()
                )
            )
            return done.rowcount

        return await self.db.run(go, what="projects.interrupted")

    def forget(self, project_id: str) -> None:
        """Drop what this process remembers of the project (nothing here; caches override)."""

    async def mark_orphans_failed(self) -> int:
        """At start-up: unfinished projects no live replica can finish (their run has no lease,
        or no run was recorded) fail; leased ones are resumed by the replicas' recovery loop."""
        leased = select(runs.c.id).where(runs.c.lease_owner.is_not(None))

        async def go(conn: AsyncConnection) -> int:
            done = await conn.execute(
                update(projects)
                .where(projects.c.status.in_(("queued", "running")), projects.c.id.not_in(leased))
                .values(
                    status="failed", error="interrupted: the server stopped", updated_at=utcnow()
                )
            )
            return done.rowcount

        return await self.db.run(go, what="projects.orphans")

    @staticmethod
    async def _fetch(conn: AsyncConnection, project_id: str) -> ProjectRecord:
        row = (
            (await conn.execute(_WITH_OWNER.where(projects.c.id == project_id))).mappings().first()
        )
        if row is None:
            raise ProjectNotFoundError(project_id)
        return _record(row)
