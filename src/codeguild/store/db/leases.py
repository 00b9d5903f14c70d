"""TaskLeases: claim ready tasks with an expiring lease and a fencing token (scale-out).

PostgreSQL claims with ``SELECT ... FOR UPDATE SKIP LOCKED`` so replicas never wait on each
other; SQLite serialises writers anyway (BEGIN IMMEDIATE).
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import and_, exists, or_, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from codeguild.store.db.database import Database
from codeguild.store.db.errors import StoreError
from codeguild.store.db.models import task_dependencies, tasks, utcnow
from codeguild.store.db.records import TaskClaim


class LeaseLostError(StoreError):
    """The lease was taken over (it expired and another owner claimed the task)."""

    code = "lease_lost"


class TaskLeases:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def claim_next(
        self, run_id: str, owner: str, *, lease_s: float = 30.0, capability: str | None = None
    ) -> TaskClaim | None:
        """Lease the most urgent ready task (all dependencies succeeded), or None."""
        dep = task_dependencies.alias("dep")
        blocker = tasks.alias("blocker")
        blocked = exists().where(
            dep.c.run_id == tasks.c.run_id,
            dep.c.task == tasks.c.name,
            blocker.c.run_id == dep.c.run_id,
            blocker.c.name == dep.c.depends_on,
            blocker.c.state != "succeeded",
        )

        async def go(conn: AsyncConnection) -> TaskClaim | None:
            now = utcnow()
            claimable = or_(
                tasks.c.state.in_(("pending", "queued")),
                and_(tasks.c.state == "running", tasks.c.lease_expires_at < now),
            )
            query = (
                select(tasks.c.id, tasks.c.name, tasks.c.capability)
                .where(tasks.c.run_id == run_id, claimable, ~blocked)
                .order_by(tasks.c.priority, tasks.c.id)
                .limit(1)
            )
            if capability is not None:
                query = query.where(tasks.c.capability == capability)
            if self.db.is_postgres:
                query = query.with_for_update(skip_locked=True, of=tasks)
            row = (await conn.execute(query)).first()
            if row is None:
                return None
            expires = now + timedelta(seconds=lease_s)
            token = (
                await conn.execute(
                    update(tasks)
                    .where(tasks.c.id == row.id)
                    .values(
                        state="running",
                        lease_owner=owner,
                        lease_expires_at=expires,
                        fencing_token=tasks.c.fencing_token + 1,
                    )
                    .returning(tasks.c.fencing_token)
                )
            ).scalar_one()
            return TaskClaim(run_id, row.name, row.capability, owner, int(token), expires)

        return await self.db.run(go, what="leases.claim_next")

    async def renew(self, claim: TaskClaim, *, lease_s: float = 30.0) -> TaskClaim:
        """Extend a lease still held; LeaseLostError if another owner took the task."""
        expires = utcnow() + timedelta(seconds=lease_s)

        async def go(conn: AsyncConnection) -> TaskClaim:
            done = await conn.execute(
                update(tasks)
                .where(
                    tasks.c.run_id == claim.run_id,
                    tasks.c.name == claim.task,
                    tasks.c.fencing_token == claim.fencing_token,
                    tasks.c.lease_owner == claim.owner,
                )
                .values(lease_expires_at=expires)
            )
            if done.rowcount == 0:
                raise LeaseLostError(
                    f"The lease of task {claim.task!r} (run {claim.run_id!r}, token "
                    f"{claim.fencing_token}) is no longer held by {claim.owner!r}.",
                    hint="Stop working on the task; its new owner finishes it.",
                )
            return TaskClaim(
                claim.run_id,
                claim.task,
                claim.capability,
                claim.owner,
                claim.fencing_token,
                expires,
            )

        return await self.db.run(go, what="leases.renew")
