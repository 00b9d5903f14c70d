"""Alembic, configured in code: the migration scripts ship inside the package."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from codeguild.store.db.database import Database

logger = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"


def alembic_config(url: str | None = None) -> Config:
    """An Alembic config pointing at the packaged scripts (no alembic.ini needed)."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    if url is not None:
        # ConfigParser interpolates '%': escape it so passwords with '%' survive
        cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    if head is None:  # pragma: no cover - the package always ships migrations
        raise RuntimeError("no migrations found in the package")
    return head


def _upgrade_on(connection: Connection, revision: str) -> None:
    cfg = alembic_config()
    cfg.attributes["connection"] = connection
    command.upgrade(cfg, revision)


def _current_on(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


async def upgrade_engine(engine: AsyncEngine, revision: str = "head") -> str | None:
    """Migrate the database behind ``engine``; returns the revision it is at afterwards."""
    async with engine.begin() as conn:
        await conn.run_sync(_upgrade_on, revision)
    async with engine.connect() as conn:
        current = await conn.run_sync(_current_on)
    logger.info("store migrated revision=%s", current)
    return current


async def upgrade(url: str | None = None, revision: str = "head") -> str | None:
    """Migrate the database at ``url`` (default: the configured one) to ``revision``.

    Raises StoreUnavailableError when the database cannot be reached.
    """
    db = Database(url)
    try:
        await db.ping()
        return await upgrade_engine(db.engine, revision)
    finally:
        await db.close()


def upgrade_sync(url: str | None = None, revision: str = "head") -> str | None:
    """Blocking entry for the CLI (``codeguild db upgrade``); not for use inside an event loop."""
    return asyncio.run(upgrade(url, revision))


async def current_revision(url: str | None = None) -> str | None:
    """The revision the database is at (None for an empty database)."""
    db = Database(url)
    try:
        await db.ping()
        async with db.engine.connect() as conn:
            return await conn.run_sync(_current_on)
    finally:
        await db.close()
