"""CollaborationRepository: which agents worked together on what, and how it ended."""

from __future__ import annotations

import builtins
from collections.abc import Sequence
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from codeguild.store.db.database import Database
from codeguild.store.db.models import collaborations, utcnow
from codeguild.store.db.records import CollaborationRecord


def _record(row: RowMapping) -> CollaborationRecord:
    return CollaborationRecord(
        id=row["id"],
        run_id=row["run_id"],
        pattern=row["pattern"],
        participants=tuple(row["participants"]),
        outcome=row["outcome"],
        created_at=row["created_at"],
    )


class CollaborationRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def record(
        self,
        run_id: str,
        pattern: str,
        participants: Sequence[str],
        outcome: dict[str, Any] | None = None,
    ) -> CollaborationRecord:
        async def go(conn: AsyncConnection) -> CollaborationRecord:
            row = (
                (
                    await conn.execute(
                        insert(collaborations)
                        .values(
                            run_id=run_id,
                            pattern=pattern,
                            participants=builtins.list(participants),
                            outcome=outcome,
                            created_at=utcnow(),
                        )
                        .returning(*collaborations.c)
                    )
                )
                .mappings()
                .one()
            )
            return _record(row)

        return await self.db.run(go, what="collaborations.record")

    async def list(self, run_id: str) -> builtins.list[CollaborationRecord]:
        async def go(conn: AsyncConnection) -> builtins.list[CollaborationRecord]:
            rows = await conn.execute(
                select(collaborations)
                .where(collaborations.c.run_id == run_id)
                .order_by(collaborations.c.id)
            )
            return [_record(r) for r in rows.mappings()]

        return await self.db.run(go, what="collaborations.list")
