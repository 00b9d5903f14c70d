"""Store: every repository over one database, opened and closed together."""

from __future__ import annotations

from pathlib import Path

from codeguild.store.db.agents import AgentRepository
from codeguild.store.db.artifacts import INLINE_LIMIT, ArtifactStore
from codeguild.store.db.collaborations import CollaborationRepository
from codeguild.store.db.context import ContextRepository
from codeguild.store.db.database import Database
from codeguild.store.db.events import EventRepository
from codeguild.store.db.leases import TaskLeases
from codeguild.store.db.retry import RetryPolicy
from codeguild.store.db.run_leases import RunLeases
from codeguild.store.db.runs import RunRepository
from codeguild.store.db.tasks import TaskRepository


class Store:
    """``async with await Store.open(url) as store: await store.runs.create(...)``."""

    def __init__(
        self, db: Database, *, blob_dir: Path | None = None, inline_limit: int = INLINE_LIMIT
    ) -> None:
        self.db = db
        self.runs = RunRepository(db)
        self.tasks = TaskRepository(db)
        self.leases = TaskLeases(db)
        self.run_leases = RunLeases(db)
        self.events = EventRepository(db)
        self.artifacts = ArtifactStore(db, blob_dir, inline_limit=inline_limit)
        self.agents = AgentRepository(db)
        self.context = ContextRepository(db)
        self.collaborations = CollaborationRepository(db)

    @classmethod
    async def open(
        cls,
        url: str | None = None,
        *,
        upgrade: bool = True,
        blob_dir: Path | None = None,
        retry: RetryPolicy | None = None,
    ) -> Store:
        """Connect (StoreUnavailableError if unreachable) and, by default, migrate to head."""
        db = Database(url, retry=retry)
        try:
            await db.connect(upgrade=upgrade)
        except BaseException:
            await db.close()
            raise
        return cls(db, blob_dir=blob_dir)

    async def close(self) -> None:
        await self.db.close()

    async def __aenter__(self) -> Store:
        return self

    async def __aexit__(self, *_exc: object) -> None:
        await self.close()
