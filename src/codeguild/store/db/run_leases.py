"""RunLeases: which serve process owns a run, for how long, and under which fencing token.

Orchestrator replicas share one database. The process running a run holds its lease and renews
it; when a process dies its leases expire and another replica claims the run
(``SELECT ... FOR UPDATE SKIP LOCKED`` on PostgreSQL, so two survivors never both take one),
bumping the run's fencing token. Every durable write of a run's results goes through
``check_fence`` in its own transaction, so a late write of the old owner is refused whole.

Expiry is measured on the database's clock on PostgreSQL (replicas' clocks may drift apart);
SQLite is single-machine, so the process clock is the database's clock there.
"""

from __future__ import annotations

import builtins
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from codeguild.store.db.database import Database
from codeguild.store.db.errors import RunNotFoundError, StoreError
from codeguild.store.db.leases import LeaseLostError
from codeguild.store.db.models import runs, utcnow
from codeguild.store.db.records import RunClaim, RunFence, RunStatus

#: a released-for-handover lease expires "long ago", whatever any clock says
_EXPIRED = datetime(1970, 1, 1, tzinfo=UTC)


class RunLeaseHeldError(StoreError):
    """Another live process holds the run's lease."""

    code = "run_lease_held"

    def __init__(self, run_id: str, owner: str, expires_at: datetime | None) -> None:
        self.run_id = run_id
        self.owner = owner
        until = expires_at.isoformat(timespec="seconds") if expires_at else "unknown"
        super().__init__(
            f"Run {run_id} is being run by {owner!r} (its lease runs until {until}).",
            hint="Wait for it to finish; if that process died, its lease expires and a running "
            "server resumes the run (or resume it yourself after the expiry).",
        )


def lease_lost(fence: RunFence, found: str) -> LeaseLostError:
    return LeaseLostError(
        f"{fence.owner!r} no longer owns run {fence.run_id} (fencing token {fence.token} is "
        f"stale: {found}); the write was discarded.",
        hint="Another replica took the run over after this process's lease expired; it "
        "finishes the run. Keep CODEGUILD_RUN_LEASE_S well above pauses of this process.",
    )


async def check_fence(conn: AsyncConnection, db: Database, fence: RunFence) -> None:
    """Inside a write transaction: LeaseLostError unless ``fence`` still owns the run.

    On PostgreSQL the run row is share-locked until the transaction ends: a takeover (an UPDATE
    of that row) waits for this write to commit, and a write after a takeover sees the new token.
    """
    query = select(runs.c.fencing_token, runs.c.lease_owner).where(runs.c.id == fence.run_id)
    if db.is_postgres:
        query = query.with_for_update(read=True)
    row = (await conn.execute(query)).first()
    if row is None:
        raise RunNotFoundError(fence.run_id)
    if row.fencing_token != fence.token or row.lease_owner != fence.owner:
        raise lease_lost(fence, f"now token {row.fencing_token}, owner {row.lease_owner!r}")


def _claim(row: Any, owner: str) -> RunClaim:
    expires = row.lease_expires_at
    if expires.tzinfo is None:
        expires = expires.replace(tzinfo=UTC)
    return RunClaim(RunFence(row.id, owner, int(row.fencing_token)), expires, str(row.status))


class RunLeases:
    def __init__(self, db: Database) -> None:
        self.db = db

    def _now(self) -> Any:
        return func.now() if self.db.is_postgres else utcnow()

    def _until(self, lease_s: float) -> Any:
        return self._now() + timedelta(seconds=lease_s)

    async def create_owned(
        self, run_id: str, requirement: str, owner: str, *, lease_s: float
    ) -> RunClaim:
        """Store a new run already leased to ``owner`` (fencing token 1)."""
        now = utcnow()

        async def go(conn: AsyncConnection) -> RunClaim:
            row = (
                await conn.execute(
                    insert(runs)
                    .values(
                        id=run_id,
                        requirement=requirement,
                        status=RunStatus.CREATED.value,
                        last_event_seq=0,
                        created_at=now,
                        updated_at=now,
                        lease_owner=owner,
                        lease_expires_at=self._until(lease_s),
                        fencing_token=1,
                    )
                    .returning(
                        runs.c.id, runs.c.fencing_token, runs.c.lease_expires_at, runs.c.status
                    )
                )
            ).one()
            return _claim(row, owner)

        return await self.db.run(go, what="run_leases.create_owned")

    async def acquire(self, run_id: str, owner: str, *, lease_s: float) -> RunClaim:
        """Take the run's lease unless another owner holds it unexpired (RunLeaseHeldError)."""

        async def go(conn: AsyncConnection) -> RunClaim:
            query = select(
                runs.c.lease_owner, runs.c.lease_expires_at, (runs.c.lease_expires_at > self._now())
            ).where(runs.c.id == run_id)
            if self.db.is_postgres:
                query = query.with_for_update()
            row = (await conn.execute(query)).first()
            if row is None:
                raise RunNotFoundError(run_id)
            held_by, expires, live = row
            if held_by is not None and held_by != owner and live:
                raise RunLeaseHeldError(run_id, held_by, expires)
            return await self._take(conn, run_id, owner, lease_s)

        return await self.db.run(go, what="run_leases.acquire")

    async def claim_expired(
        self, owner: str, *, lease_s: float, limit: int = 1
    ) -> builtins.list[RunClaim]:
        """Take over up to ``limit`` runs whose owner's lease expired (not ``owner``'s own)."""

        async def go(conn: AsyncConnection) -> builtins.list[RunClaim]:
            query = (
                select(runs.c.id)
                .where(
                    runs.c.lease_owner.is_not(None),
                    runs.c.lease_owner != owner,
                    runs.c.lease_expires_at < self._now(),
                )
                .order_by(runs.c.lease_expires_at, runs.c.id)
                .limit(limit)
            )
            if self.db.is_postgres:
                query = query.with_for_update(skip_locked=True)
            found = builtins.list((await conn.execute(query)).scalars())
            return [await self._take(conn, run_id, owner, lease_s) for run_id in found]

        return await self.db.run(go, what="run_leases.claim_expired")

    async def _take(
        self, conn: AsyncConnection, run_id: str, owner: str, lease_s: float
    ) -> RunClaim:
        row = (
            await conn.execute(
                update(runs)
                .where(runs.c.id == run_id)
                .values(
                    lease_owner=owner,
                    lease_expires_at=self._until(lease_s),
                    fencing_token=runs.c.fencing_token + 1,
                )
                .returning(runs.c.id, runs.c.fencing_token, runs.c.lease_expires_at, runs.c.status)
            )
        ).one()
        return _claim(row, owner)

    async def renew(self, fence: RunFence, *, lease_s: float) -> RunClaim:
        """Extend a lease still held; LeaseLostError if the run was taken over."""

        async def go(conn: AsyncConnection) -> RunClaim:
            row = (
                await conn.execute(
                    update(runs)
                    .where(
                        runs.c.id == fence.run_id,
                        runs.c.fencing_token == fence.token,
                        runs.c.lease_owner == fence.owner,
                    )
                    .values(lease_expires_at=self._until(lease_s))
                    .returning(
                        runs.c.id, runs.c.fencing_token, runs.c.lease_expires_at, runs.c.status
                    )
                )
            ).first()
            if row is None:
                raise lease_lost(fence, "taken over or released")
            return _claim(row, fence.owner)

        return await self.db.run(go, what="run_leases.renew")

    async def release(self, fence: RunFence, *, handover: bool = False) -> bool:
        """Give the lease up. ``handover`` leaves it claimable at once by another replica (a
        shutdown mid-run); otherwise the run is nobody's (finished or cancelled). False if the
        lease was no longer held."""
        values: dict[str, Any] = (
            {"lease_expires_at": _EXPIRED}
            if handover
            else {"lease_owner": None, "lease_expires_at": None}
        )

        async def go(conn: AsyncConnection) -> bool:
            done = await conn.execute(
                update(runs)
                .where(
                    runs.c.id == fence.run_id,
                    runs.c.fencing_token == fence.token,
                    runs.c.lease_owner == fence.owner,
                )
                .values(**values)
            )
            return done.rowcount > 0

        return await self.db.run(go, what="run_leases.release")

    async def revoke(self, run_id: str) -> bool:
        """Take the run from whoever owns it, for nobody (a cancel sent to another replica):
        the owner's next renewal and every later write of it are refused. False if unowned."""

        async def go(conn: AsyncConnection) -> bool:
            done = await conn.execute(
                update(runs)
                .where(runs.c.id == run_id, runs.c.lease_owner.is_not(None))
                .values(
                    lease_owner=None,
                    lease_expires_at=None,
                    fencing_token=runs.c.fencing_token + 1,
                )
            )
            return done.rowcount > 0

        return await self.db.run(go, what="run_leases.revoke")

    async def holds(self, fence: RunFence) -> bool:
        """Whether ``fence`` still owns its run (a read; writes check inside their transaction)."""

        async def go(conn: AsyncConnection) -> bool:
            try:
                await check_fence(conn, self.db, fence)
            except LeaseLostError:
                return False
            return True

        return await self.db.run(go, what="run_leases.holds")
