"""Fixtures for the store contract suite: one fresh database per test module and backend.

Import them into a test module with ``from tests.integration.conftest_store import *``-style
explicit imports. PostgreSQL comes from ``CODEGUILD_TEST_POSTGRES_URL`` (default: the local
server); under ``CI=true`` a missing server fails the suite instead of skipping it.
"""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import asyncpg
import pytest
from sqlalchemy.engine import make_url

from codeguild.store.db import Store, upgrade_sync

ADMIN_URL = os.environ.get(
    "CODEGUILD_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)
BACKENDS = ["sqlite", "postgresql"]


def _plain(url: str) -> str:
    """asyncpg wants a libpq-style URL without the SQLAlchemy driver suffix."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


async def _admin(sql: str) -> None:
    conn = await asyncpg.connect(_plain(ADMIN_URL), timeout=5)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


def postgres_or_skip() -> None:
    """Skip (locally) or fail (CI) when PostgreSQL cannot be reached."""
    try:
        asyncio.run(_admin("SELECT 1"))
    except (OSError, asyncpg.PostgresError, TimeoutError) as exc:
        reason = f"PostgreSQL at {make_url(ADMIN_URL).render_as_string()} is unreachable: {exc}"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{reason} (CI requires it; .ci/run starts it)")
        pytest.skip(f"{reason}; start it to run the PostgreSQL half of the suite")


def fresh_postgres_database() -> Iterator[str]:
    """Create a randomly named database, yield its URL, drop it afterwards."""
    postgres_or_skip()
    name = f"codeguild_test_{uuid.uuid4().hex[:12]}"
    asyncio.run(_admin(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        asyncio.run(_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database per test and backend, for code under test that migrates it itself."""
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'runs.db'}"
        return
    yield from fresh_postgres_database()


@pytest.fixture(scope="module", params=BACKENDS)
def store_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """A migrated database per module and backend."""
    if request.param == "sqlite":
        folder = tmp_path_factory.mktemp("store")
        url = f"sqlite+aiosqlite:///{folder / 'codeguild.db'}"
        upgrade_sync(url)
        yield url
        return
    for url in fresh_postgres_database():
        upgrade_sync(url)
        yield url


@pytest.fixture
async def store(store_url: str, tmp_path: Path) -> AsyncIterator[Store]:
    opened = await Store.open(store_url, upgrade=False, blob_dir=tmp_path / "blobs")
    try:
        yield opened
    finally:
        await opened.close()


@pytest.fixture
def run_id() -> str:
    return f"run-{uuid.uuid4().hex[:10]}"
