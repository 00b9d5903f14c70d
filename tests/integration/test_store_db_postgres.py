"""What only PostgreSQL does: the cycle trigger, and surviving dropped connections."""

from __future__ import annotations

from collections.abc import Iterator

import asyncpg
import conftest_store
import pytest
from sqlalchemy.engine import make_url

from codeguild.events import Event, EventKind
from codeguild.store.db import RetryPolicy, Store, upgrade_sync

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def pg_url() -> Iterator[str]:
    for url in conftest_store.fresh_postgres_database():
        upgrade_sync(url)
        yield url


def _libpq(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


async def test_the_database_itself_rejects_a_cycle_inserted_with_raw_sql(pg_url: str) -> None:
    conn = await asyncpg.connect(_libpq(pg_url))
    try:
        await conn.execute(
            "INSERT INTO runs (id, requirement, status, last_event_seq, created_at, updated_at) "
            "VALUES ('raw', 'x', 'created', 0, now(), now())"
        )
        await conn.executemany(
            "INSERT INTO agent_tasks (run_id, name, capability, action, description, priority, "
            "estimate_s, state, attempts, fencing_token) "
            "VALUES ('raw', $1, 'code', '', '', 'p1', 0, 'pending', 0, 0)",
            [("a",), ("b",), ("c",)],
        )
        await conn.execute(
            "INSERT INTO task_dependencies (run_id, task, depends_on) "
            "VALUES ('raw', 'a', 'b'), ('raw', 'b', 'c')"
        )
        with pytest.raises(asyncpg.CheckViolationError, match=r"c -> a -> b -> c"):
            await conn.execute(
                "INSERT INTO task_dependencies (run_id, task, depends_on) VALUES ('raw', 'c', 'a')"
            )
        with pytest.raises(asyncpg.CheckViolationError, match="cycle"):
            await conn.execute("UPDATE task_dependencies SET depends_on = 'a' WHERE task = 'b'")
        edges = await conn.fetch("SELECT task, depends_on FROM task_dependencies ORDER BY task")
        assert [tuple(e) for e in edges] == [("a", "b"), ("b", "c")]
    finally:
        await conn.close()


async def test_repositories_reconnect_after_the_server_drops_connections(pg_url: str) -> None:
    store = await Store.open(
        pg_url, upgrade=False, retry=RetryPolicy(attempts=4, base_delay_s=0.05)
    )
    try:
        run = await store.runs.create("survive a restart")
        admin = await asyncpg.connect(_libpq(pg_url))
        try:
            killed = await admin.fetchval(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        finally:
            await admin.close()
        assert killed >= 1  # the store's pooled connection was among them
        assert (await store.runs.get(run.id)).requirement == "survive a restart"
        stored = await store.events.append(Event(kind=EventKind.STAGE, run_id=run.id))
        assert stored.seq == 1
    finally:
        await store.close()
