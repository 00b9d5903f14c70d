"""A replica that stalls past its lease loses the run to another replica: it stops, its late
writes are refused, and the other replica finishes the run (two apps, one PostgreSQL)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path

import conftest_store
import pytest
from fastapi import FastAPI
from sqlalchemy import update

from codeguild.api.app import create_app
from codeguild.api.deps import AppState
from codeguild.config import Settings
from codeguild.store.db import Store, upgrade_sync
from codeguild.store.db.models import runs
from codeguild.store.db.users import UserRepository

pytestmark = pytest.mark.integration

REQUIREMENT = "A Python library that converts temperatures between celsius and fahrenheit"


@pytest.fixture
def database_url() -> Iterator[str]:
    for url in conftest_store.fresh_postgres_database():
        upgrade_sync(url)
        yield url


def _settings(url: str, root: Path, name: str) -> Settings:
    return Settings(
        database_url=url,
        data_dir=root / f"data-{name}",
        jwt_secret="takeover-test-" + "x" * 40,
        replica_id=name,
        run_lease_s=15.0,  # the test expires it on purpose; pauses must not
        run_lease_renew_s=0.3,
        recovery_interval_s=0.2,
    )


@asynccontextmanager
async def _replica(settings: Settings) -> AsyncIterator[AppState]:
    app: FastAPI = create_app(settings)
    async with app.router.lifespan_context(app):
        yield app.state.codeguild


async def _wait(predicate: object, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not await predicate():  # type: ignore[operator]
        assert time.monotonic() < deadline, what
        await asyncio.sleep(0.05)


async def test_a_stalled_replica_loses_its_run_and_the_other_finishes_it(
    database_url: str, tmp_path: Path
) -> None:
    async with await Store.open(database_url, upgrade=False) as admin:
        user = await UserRepository(admin.db).create("dev", "x" * 40, "developer")
        async with (
            _replica(_settings(database_url, tmp_path, "a")) as a,
            _replica(_settings(database_url, tmp_path, "b")) as b,
        ):
            record = await a.jobs.start(user.id, REQUIREMENT)
            pid = record.id

            async def some_task_done() -> bool:
                progress = a.jobs.progress(pid)
                return progress is not None and any(
                    t.state == "succeeded" for t in progress.tasks.values()
                )

            await _wait(some_task_done, 120, "no task of the run finished on a")
            # a stalls: no renewals, and its lease runs out at once
            await a.jobs.renewer.stop()
            async with admin.db.engine.begin() as conn:
                await conn.execute(
                    update(runs).where(runs.c.id == pid).values(lease_expires_at=runs.c.created_at)
                )

            async def b_took_it() -> bool:
                return b.jobs.is_running(pid)

            await _wait(b_took_it, 10, "b did not take the run over")
            a.jobs.renewer.start()  # a wakes up: the renewal fails, and a stops the run

            async def a_let_go() -> bool:
                return not a.jobs.is_running(pid)

            await _wait(a_let_go, 30, "a kept running a run it no longer owns")

            async def b_done() -> bool:
                return not b.jobs.is_running(pid)

            await _wait(b_done, 240, "b did not finish the run")
            final = await b.projects.get(pid)
            assert final.status == "succeeded", final.error
            assert (await a.projects.get(pid)).status == "succeeded"  # a reads it afresh

        run = await admin.runs.get(pid)
        assert str(run.status) == "succeeded" and run.lease_owner is None
        assert run.fencing_token == 2
        wins: dict[str, int] = {}
        for attempt in await admin.tasks.attempts(pid):
            wins[attempt.task] = wins.get(attempt.task, 0) + (attempt.state == "succeeded")
        assert wins and set(wins.values()) == {1}, wins
        assert all(t.state == "succeeded" for t in await admin.tasks.list(pid))
        assert await admin.artifacts.project_files(pid)


async def test_a_cancel_sent_to_another_replica_stops_the_run(
    database_url: str, tmp_path: Path
) -> None:
    async with await Store.open(database_url, upgrade=False) as admin:
        user = await UserRepository(admin.db).create("dev", "x" * 40, "developer")
        async with (
            _replica(_settings(database_url, tmp_path, "a")) as a,
            _replica(_settings(database_url, tmp_path, "b")) as b,
        ):
            pid = (await a.jobs.start(user.id, REQUIREMENT)).id
            assert not b.jobs.is_running(pid)
            assert await b.jobs.cancel(pid)  # b does not run it, but may stop it

            async def a_stopped() -> bool:
                return not a.jobs.is_running(pid)

            await _wait(a_stopped, 10, "a kept running a cancelled run")
            assert (await b.projects.get(pid)).status == "cancelled"
            assert (await a.projects.get(pid)).status == "cancelled"
            assert not await b.jobs.cancel(f"x{pid[1:]}")  # nobody runs that one
            await asyncio.sleep(0.5)  # several recovery passes: nobody resumes a cancelled run
            assert not a.jobs.is_running(pid) and not b.jobs.is_running(pid)
        run = await admin.runs.get(pid)
        assert str(run.status) == "cancelled" and run.lease_owner is None
