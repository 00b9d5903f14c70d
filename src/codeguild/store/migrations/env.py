"""Alembic environment: runs on a connection handed in by codeguild, or on its own URL."""

from __future__ import annotations

import asyncio

from alembic import context
from sqlalchemy import text
from sqlalchemy.engine import Connection

from codeguild.store.db.database import create_engine
from codeguild.store.db.models import Base
from codeguild.store.db.url import default_database_url, normalise_url

target_metadata = Base.metadata
# any constant works; it only has to be the same for every codeguild process
_MIGRATION_LOCK_KEY = 0x636F6465677569


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        # SQLite cannot ALTER most things: batch mode rebuilds the table instead
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        if connection.dialect.name == "postgresql":
            # two orchestrators starting together must not both migrate
            connection.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _MIGRATION_LOCK_KEY})
        context.run_migrations()


def _url() -> str:
    configured = context.config.get_main_option("sqlalchemy.url")
    return normalise_url(configured or default_database_url())


async def _run_own_engine() -> None:
    engine = create_engine(_url())
    try:
        async with engine.begin() as conn:
            await conn.run_sync(_run)
    finally:
        await engine.dispose()


def _main() -> None:
    connection = context.config.attributes.get("connection")
    if connection is not None:
        _run(connection)
    elif context.is_offline_mode():
        context.configure(url=_url(), target_metadata=target_metadata, literal_binds=True)
        with context.begin_transaction():
            context.run_migrations()
    else:
        asyncio.run(_run_own_engine())


_main()
