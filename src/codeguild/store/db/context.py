"""ContextRepository: a run's shared context, versioned for compare-and-set."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, update
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from codeguild.store.db.database import Database
from codeguild.store.db.dialects import upsert
from codeguild.store.db.errors import ContextConflictError
from codeguild.store.db.models import shared_context, utcnow
from codeguild.store.db.records import ContextEntry


def _entry(row: RowMapping) -> ContextEntry:
    return ContextEntry(**{k: row[k] for k in ContextEntry.__slots__})


async def _read(conn: AsyncConnection, run_id: str, key: str) -> ContextEntry | None:
    row = (
        (
            await conn.execute(
                select(shared_context).where(
                    shared_context.c.run_id == run_id, shared_context.c.key == key
                )
            )
        )
        .mappings()
        .first()
    )
    return None if row is None else _entry(row)


class ContextRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def put(
        self,
        run_id: str,
        key: str,
        value: Any,
        *,
        writer: str | None = None,
        expected_version: int | None = None,
    ) -> ContextEntry:
        """Write ``value``; versions start at 1 and grow by one per write.

        ``expected_version`` makes it a compare-and-set: 0 means "only if absent", n means "only
        if the stored version is n"; otherwise ContextConflictError.
        """
        now = utcnow()

        async def go(conn: AsyncConnection) -> ContextEntry:
            base = upsert(self.db.dialect, shared_context).values(
                run_id=run_id, key=key, value=value, writer=writer, version=1, updated_at=now
            )
            if expected_version is None:
                await conn.execute(
                    base.on_conflict_do_update(
                        index_elements=["run_id", "key"],
                        set_={
                            "value": base.excluded.value,
                            "writer": base.excluded.writer,
                            "updated_at": base.excluded.updated_at,
                            "version": shared_context.c.version + 1,
                        },
                    )
                )
            elif expected_version == 0:
                done = await conn.execute(base.on_conflict_do_nothing())
                if done.rowcount == 0:
                    await self._conflict(conn, run_id, key, expected_version)
            else:
                done = await conn.execute(
                    update(shared_context)
                    .where(
                        shared_context.c.run_id == run_id,
                        shared_context.c.key == key,
                        shared_context.c.version == expected_version,
                    )
                    .values(
                        value=value, writer=writer, updated_at=now, version=expected_version + 1
                    )
                )
                if done.rowcount == 0:
                    await self._conflict(conn, run_id, key, expected_version)
            entry = await _read(conn, run_id, key)
            assert entry is not None  # written in this transaction
            return entry

        return await self.db.run(go, what="context.put")

    @staticmethod
    async def _conflict(conn: AsyncConnection, run_id: str, key: str, expected: int) -> None:
        current = await _read(conn, run_id, key)
        raise ContextConflictError(
            run_id, key, expected, None if current is None else current.version
        )

    async def get(self, run_id: str, key: str) -> ContextEntry | None:
        async def go(conn: AsyncConnection) -> ContextEntry | None:
            return await _read(conn, run_id, key)

        return await self.db.run(go, what="context.get")

    async def items(self, run_id: str) -> dict[str, Any]:
        """Every key of the run with its current value."""

        async def go(conn: AsyncConnection) -> dict[str, Any]:
            rows = await conn.execute(
                select(shared_context.c.key, shared_context.c.value)
                .where(shared_context.c.run_id == run_id)
                .order_by(shared_context.c.key)
            )
            return {k: v for k, v in rows}

        return await self.db.run(go, what="context.items")
