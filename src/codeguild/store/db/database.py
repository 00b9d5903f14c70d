"""One handle on the database: engine and pool, dialect specifics, transactions with reconnect."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import event, inspect, text
from sqlalchemy.engine.interfaces import DBAPIConnection
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine
from sqlalchemy.pool import ConnectionPoolEntry

from codeguild.store.db.errors import StoreSchemaError, StoreUnavailableError
from codeguild.store.db.retry import RetryPolicy, call_with_retry, is_transient
from codeguild.store.db.url import (
    default_database_url,
    dialect_of,
    mask_url,
    normalise_url,
    sqlite_file,
)

logger = logging.getLogger(__name__)

T = TypeVar("T")

#: seconds a connection attempt may take before it counts as unreachable
CONNECT_TIMEOUT_S = 5.0
#: seconds a SQLite writer waits for another writer's lock before failing
SQLITE_BUSY_TIMEOUT_MS = 30_000
#: a quick reachability check at start: a server that is down should fail fast, not after minutes
STARTUP_RETRY = RetryPolicy(attempts=3, base_delay_s=0.2, max_delay_s=1.0)


def create_engine(url: str, *, echo: bool = False) -> AsyncEngine:
    """An async engine with our per-dialect settings (pragmas, timeouts, pre-ping)."""
    dialect = dialect_of(url)
    if dialect == "sqlite":
        db_file = sqlite_file(url)
        engine = create_async_engine(
            url,
            echo=echo,
            connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000},
        )
        _install_sqlite_hooks(engine, wal=db_file is not None)
        return engine
    return create_async_engine(
        url,
        echo=echo,
        pool_pre_ping=True,
        pool_size=10,
        max_overflow=10,
        connect_args={"timeout": CONNECT_TIMEOUT_S, "command_timeout": 60},
    )


def _install_sqlite_hooks(engine: AsyncEngine, *, wal: bool) -> None:
    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_conn: DBAPIConnection, _record: ConnectionPoolEntry) -> None:
        # we issue BEGIN ourselves (below); pysqlite's implicit BEGIN is deferred
        dbapi_conn.isolation_level = None  # type: ignore[attr-defined]
        cursor = dbapi_conn.cursor()
        if wal:
            # WAL + NORMAL survives a killed process (the crash-resume case) without an fsync
            # per commit; only an OS crash can lose the last transactions
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(conn: Any) -> None:
        # IMMEDIATE takes the write lock up front: a deferred transaction that reads then writes
        # fails at once (SQLITE_BUSY) instead of waiting when another writer got in between
        conn.exec_driver_sql("BEGIN IMMEDIATE")


class Database:
    """The engine for one URL plus a retrying transaction runner the repositories share."""

    def __init__(
        self,
        url: str | None = None,
        *,
        retry: RetryPolicy | None = None,
        echo: bool = False,
    ) -> None:
        self.url = normalise_url(url or default_database_url())
        self.dialect = dialect_of(self.url)
        self.retry = retry or RetryPolicy()
        self._echo = echo
        self._engine: AsyncEngine | None = None

    @property
    def masked_url(self) -> str:
        return mask_url(self.url)

    @property
    def is_postgres(self) -> bool:
        return self.dialect == "postgresql"

    @property
    def engine(self) -> AsyncEngine:
        if self._engine is None:
            self._prepare_location()
            self._engine = create_engine(self.url, echo=self._echo)
        return self._engine

    async def connect(self, *, upgrade: bool = False) -> Database:
        """Check the database is reachable (and migrated); StoreUnavailableError if not."""
        await self.ping()
        if upgrade:
            from codeguild.store.db.migrate import upgrade_engine

            await upgrade_engine(self.engine)
        else:
            await self._check_schema()
        logger.info("store connected url=%s dialect=%s", self.masked_url, self.dialect)
        return self

    async def ping(self) -> None:
        """A quick round trip (a few short retries); StoreUnavailableError if it fails."""

        async def select_one() -> None:
            async with self.engine.connect() as conn:
                await conn.execute(text("SELECT 1"))

        await call_with_retry(select_one, STARTUP_RETRY, on_give_up=self.unavailable, what="ping")

    async def close(self) -> None:
        if self._engine is not None:
            await self._engine.dispose()
            self._engine = None

    async def __aenter__(self) -> Database:
        return await self.connect()

    async def __aexit__(self, *_exc: object) -> None:
        await self.close()

    def unavailable(self, exc: BaseException) -> StoreUnavailableError:
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        return StoreUnavailableError(self.masked_url, reason, dialect=self.dialect)

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncConnection]:
        """One transaction, no retry (for callers that group several calls atomically)."""
        async with self.engine.begin() as conn:
            yield conn

    async def run(self, fn: Callable[[AsyncConnection], Awaitable[T]], *, what: str) -> T:
        """Run ``fn`` in a transaction; retried whole on a dropped connection or busy file."""

        async def attempt() -> T:
            async with self.engine.begin() as conn:
                return await fn(conn)

        return await call_with_retry(attempt, self.retry, on_give_up=self.unavailable, what=what)

    async def _check_schema(self) -> None:
        async def tables(conn: AsyncConnection) -> set[str]:
            return set(await conn.run_sync(lambda c: inspect(c).get_table_names()))

        async with self.engine.connect() as conn:
            found = await tables(conn)
        if "alembic_version" not in found or "runs" not in found:
            raise StoreSchemaError(
                f"The database at {self.masked_url} has no codeguild schema yet.",
                hint="Run `codeguild db upgrade` (or connect with upgrade=True) first.",
            )

    def _prepare_location(self) -> None:
        db_file = sqlite_file(self.url)
        if db_file is None:
            return
        try:
            Path(db_file).parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise self.unavailable(exc) from exc


__all__ = ["Database", "create_engine", "is_transient"]
