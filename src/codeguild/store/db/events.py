"""EventRepository: the durable, per-run ordered event log."""

from __future__ import annotations

import builtins
from collections.abc import Sequence
from datetime import UTC, datetime

from sqlalchemy import insert, select, update
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from codeguild.events import Event, EventKind
from codeguild.store.db.database import Database
from codeguild.store.db.errors import RunNotFoundError, StoreError
from codeguild.store.db.models import events, runs
from codeguild.store.db.records import StoredEvent


def _stored(row: RowMapping) -> StoredEvent:
    event = Event(
        kind=EventKind(row["kind"]),
        run_id=row["run_id"],
        task=row["task"],
        agent=row["agent"],
        message=row["message"],
        data=row["data"] or {},
        at=row["at"].timestamp(),
    )
    return StoredEvent(id=row["id"], seq=row["seq"], event=event)


class EventRepository:
    """Appends are committed before they return: an acknowledged event survives a crash."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def append(self, event: Event) -> StoredEvent:
        """Persist one event; returns it with its per-run sequence number."""
        return (await self.append_many([event]))[0]

    async def append_many(self, batch: Sequence[Event]) -> builtins.list[StoredEvent]:
        """Persist events of one run in one transaction, with consecutive sequence numbers."""
        if not batch:
            return []
        run_id = batch[0].run_id
        if any(e.run_id != run_id for e in batch):
            raise StoreError(
                "append_many() got events of several runs.",
                hint="Group events by run_id and append each group on its own.",
            )

        async def go(conn: AsyncConnection) -> builtins.list[StoredEvent]:
            # bumping the run's counter row-locks the run: concurrent appenders (other
            # orchestrator replicas) queue here, so seqs are gap-free and never collide
            last = (
                await conn.execute(
                    update(runs)
                    .where(runs.c.id == run_id)
                    .values(last_event_seq=runs.c.last_event_seq + len(batch))
                    .returning(runs.c.last_event_seq)
                )
            ).scalar_one_or_none()
            if last is None:
                raise RunNotFoundError(run_id)
            first = last - len(batch) + 1
            rows = [
                {
                    "run_id": run_id,
                    "seq": first + i,
                    "kind": e.kind.value,
                    "task": e.task,
                    "agent": e.agent,
                    "message": e.message,
                    "data": e.data,
                    "at": datetime.fromtimestamp(e.at, UTC),
                }
                for i, e in enumerate(batch)
            ]
            ids = (
                await conn.execute(insert(events).returning(events.c.id, events.c.seq), rows)
            ).all()
            by_seq = {seq: ident for ident, seq in ids}
            return [
                StoredEvent(id=by_seq[first + i], seq=first + i, event=e)
                for i, e in enumerate(batch)
            ]

        return await self.db.run(go, what="events.append")

    async def list(
        self, run_id: str, after_seq: int = 0, limit: int | None = None
    ) -> builtins.list[StoredEvent]:
        """Events of a run with ``seq > after_seq``, oldest first."""
        query = (
            select(events)
            .where(events.c.run_id == run_id, events.c.seq > after_seq)
            .order_by(events.c.seq)
        )
        if limit is not None:
            query = query.limit(limit)

        async def go(conn: AsyncConnection) -> builtins.list[StoredEvent]:
            return [_stored(r) for r in (await conn.execute(query)).mappings()]

        return await self.db.run(go, what="events.list")

    async def last_seq(self, run_id: str) -> int:
        async def go(conn: AsyncConnection) -> int:
            found = await conn.execute(select(runs.c.last_event_seq).where(runs.c.id == run_id))
            value = found.scalar_one_or_none()
            if value is None:
                raise RunNotFoundError(run_id)
            return int(value)

        return await self.db.run(go, what="events.last_seq")
