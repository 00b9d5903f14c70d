"""Run leases of orchestrator replicas, on SQLite and PostgreSQL: claim, renew, take over, and
the fencing token that discards a stale owner's late commits."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from types import SimpleNamespace

import conftest_store
import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import MetaData, select

from codeguild.agents.base import TaskResult, TaskSpec, Workspace
from codeguild.recording import RunRecorder
from codeguild.recovery import resume_lease
from codeguild.store.db import LeaseLostError, RunFence, RunLeaseHeldError, Store
from codeguild.store.db.models import runs
from codeguild.store.db.projects import ProjectRepository
from codeguild.store.db.users import UserRepository

pytestmark = pytest.mark.integration

store_url = conftest_store.store_url
store = conftest_store.store
run_id = conftest_store.run_id

SHORT = 0.3  # seconds: a lease that expires within the test
LONG = 60.0


async def _expire() -> None:
    await asyncio.sleep(SHORT + 0.2)


async def _planned(store: Store, run_id: str, owner: str, lease_s: float = LONG) -> TaskSpec:
    claim = await store.run_leases.create_owned(run_id, "req", owner, lease_s=lease_s)
    assert claim.fence.token == 1 and claim.fence.owner == owner
    spec = TaskSpec(name="write_models", capability="code")
    await store.tasks.upsert_plan(run_id, [spec])
    return spec


async def test_a_live_lease_is_exclusive_and_renewable(store: Store, run_id: str) -> None:
    await _planned(store, run_id, "a")
    with pytest.raises(RunLeaseHeldError) as held:
        await store.run_leases.acquire(run_id, "b", lease_s=LONG)
    assert held.value.code == "run_lease_held" and "'a'" in str(held.value)
    assert await store.run_leases.claim_expired("b", lease_s=LONG, limit=10) == []
    record = await store.runs.get(run_id)
    assert record.lease_owner == "a" and record.fencing_token == 1
    renewed = await store.run_leases.renew(
        (await store.run_leases.acquire(run_id, "a", lease_s=LONG)).fence, lease_s=LONG
    )
    assert renewed.fence.token == 2  # acquiring again (same owner) bumps the token too


async def test_an_expired_lease_is_taken_over_and_the_old_owner_is_fenced(
    store: Store, run_id: str
) -> None:
    spec = await _planned(store, run_id, "a", lease_s=SHORT)
    old = (await store.runs.get(run_id)).fencing_token
    await _expire()
    assert await store.run_leases.claim_expired("a", lease_s=LONG) == []  # never its own
    [claim] = await store.run_leases.claim_expired("b", lease_s=LONG, limit=5)
    assert claim.run_id == run_id and claim.fence.token == old + 1 and claim.status == "created"
    stale = RunFence(run_id, "a", old)
    assert not await store.run_leases.holds(stale)
    assert await store.run_leases.holds(claim.fence)
    with pytest.raises(LeaseLostError):
        await store.run_leases.renew(stale, lease_s=LONG)
    with pytest.raises(LeaseLostError):
        await store.tasks.mark_started(run_id, spec.name, 1, agent="coder", fence=stale)
    with pytest.raises(LeaseLostError):
        await store.artifacts.put_many(run_id, spec.name, {"a.py": b"x"}, fence=stale)
    with pytest.raises(LeaseLostError):
        await store.runs.update_status(run_id, "failed", fence=stale)
    assert await store.tasks.attempts(run_id) == []  # nothing of the stale owner was written
    assert await store.artifacts.list(run_id) == []
    assert str((await store.runs.get(run_id)).status) == "created"


async def test_release_hands_over_or_frees_the_run(store: Store, run_id: str) -> None:
    await _planned(store, run_id, "a")
    held = (await store.run_leases.acquire(run_id, "a", lease_s=LONG)).fence
    assert await store.run_leases.release(held, handover=True)
    [claim] = await store.run_leases.claim_expired("b", lease_s=LONG)  # at once: no waiting
    assert await store.run_leases.release(claim.fence)
    assert not await store.run_leases.release(claim.fence)  # no longer held
    await _expire()
    assert await store.run_leases.claim_expired("c", lease_s=LONG) == []  # nobody's: finished
    assert (await store.runs.get(run_id)).lease_owner is None


async def test_a_stale_owners_late_success_is_discarded(
    store: Store, run_id: str, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Two owners of one run: A stalls past its lease, B takes over; A's late commit of the
    task it was running is discarded and logged, B's counts: one successful attempt."""
    spec = await _planned(store, run_id, "a", lease_s=SHORT)
    a_fence = RunFence(run_id, "a", 1)
    (tmp_path / "models.py").write_text("A = 1\n")
    ctx = SimpleNamespace(workspace=Workspace(tmp_path))
    result = TaskResult(ok=True, files=["models.py"], summary="written")

    a = RunRecorder(store, run_id, {}, fence=a_fence)
    await a.started(spec, 1, "coder-a")
    await _expire()
    [claim] = await store.run_leases.claim_expired("b", lease_s=LONG)
    b = RunRecorder(store, run_id, {}, fence=claim.fence)
    await b.load_attempts()
    attempt = b.next_attempt(spec.name)
    assert attempt == 2
    await b.started(spec, attempt, "coder-b")

    with (
        caplog.at_level(logging.WARNING, logger="codeguild.recording"),
        pytest.raises(LeaseLostError),
    ):
        await a.succeeded(spec, 1, "coder-a", result, ctx)  # type: ignore[arg-type]
    assert a.discarded == [spec.name]
    assert "discarded the success of task=write_models" in caplog.text

    (tmp_path / "models.py").write_text("B = 2\n")
    await b.succeeded(spec, attempt, "coder-b", result, ctx)  # type: ignore[arg-type]
    with pytest.raises(LeaseLostError):  # a late failure report is refused just as well
        await a.failed(spec, 1, "coder-a", RuntimeError("late"))

    attempts = await store.tasks.attempts(run_id, spec.name)
    assert [(t.attempt, t.state) for t in attempts] == [(1, "running"), (2, "succeeded")]
    task = await store.tasks.get(run_id, spec.name)
    assert task.state == "succeeded" and task.agent == "coder-b"
    assert await store.artifacts.get(run_id, "models.py") == b"B = 2\n"
    assert [r.task for r in await store.artifacts.list(run_id)] == [spec.name]


async def test_concurrent_recovery_loops_never_take_one_run_twice(
    store_url: str, tmp_path: Path
) -> None:
    """Two replicas sweep the same expired runs at once: each run goes to exactly one."""
    stores = [await Store.open(store_url, upgrade=False, blob_dir=tmp_path) for _ in range(2)]
    try:
        ids = [f"race-{i}-{tmp_path.name[-6:]}" for i in range(12)]
        for rid in ids:
            await stores[0].run_leases.create_owned(rid, "req", "dead", lease_s=SHORT)
        await _expire()

        async def sweep(s: Store, owner: str) -> list[str]:
            taken: list[str] = []
            while True:
                got = await s.run_leases.claim_expired(owner, lease_s=LONG, limit=2)
                if not got:
                    return taken
                taken += [c.run_id for c in got]

        first, second = await asyncio.gather(sweep(stores[0], "r1"), sweep(stores[1], "r2"))
        assert sorted(first + second) == sorted(ids)
        assert not set(first) & set(second)
        async with stores[0].db.engine.connect() as conn:
            rows = (
                await conn.execute(
                    select(runs.c.id, runs.c.lease_owner, runs.c.fencing_token).where(
                        runs.c.id.in_(ids)
                    )
                )
            ).all()
        assert {r.id: (r.lease_owner, r.fencing_token) for r in rows} == {
            rid: ("r1" if rid in first else "r2", 2) for rid in ids
        }
    finally:
        for s in stores:
            await s.close()


async def test_only_unleased_unfinished_projects_fail_at_start(store: Store, run_id: str) -> None:
    user = await UserRepository(store.db).create(f"u-{run_id}", "x" * 20, "developer")
    repo = ProjectRepository(store.db)
    await store.run_leases.create_owned(run_id, "req", "a", lease_s=LONG)
    await repo.create(run_id, user.id, "req", status="running")
    orphan = f"o{run_id}"[:12]
    await repo.create(orphan, user.id, "req", status="running")
    assert await repo.mark_orphans_failed() >= 1
    assert (await repo.get(run_id)).status == "running"  # a replica's recovery resumes it
    assert (await repo.get(orphan)).status == "failed"


async def test_fenced_project_outcome(store: Store, run_id: str) -> None:
    user = await UserRepository(store.db).create(f"v-{run_id}", "x" * 20, "developer")
    repo = ProjectRepository(store.db)
    claim = await store.run_leases.create_owned(run_id, "req", "a", lease_s=SHORT)
    await repo.create(run_id, user.id, "req", status="running")
    await _expire()
    [taken] = await store.run_leases.claim_expired("b", lease_s=LONG)
    with pytest.raises(LeaseLostError):
        await repo.update(run_id, "failed", fence=claim.fence, error="stale")
    await repo.update(run_id, "succeeded", fence=taken.fence)
    assert (await repo.get(run_id)).status == "succeeded"


async def test_migration_0004_matches_the_models(store: Store) -> None:
    ours = MetaData()
    runs.to_metadata(ours)

    def runs_only(obj: object, name: str | None, type_: str, *_: object) -> bool:
        table = name if type_ == "table" else getattr(getattr(obj, "table", None), "name", None)
        return table == "runs"

    def diff(connection: object) -> list[object]:
        context = MigrationContext.configure(
            connection,  # type: ignore[arg-type]
            opts={"compare_type": True, "include_object": runs_only},
        )
        return list(compare_metadata(context, ours))

    async with store.db.engine.connect() as conn:
        differences = await conn.run_sync(diff)
    assert differences == []


async def test_resume_outside_a_server_takes_the_lease_only_once_expired(
    store: Store, run_id: str
) -> None:
    await store.run_leases.create_owned(run_id, "req", "a", lease_s=SHORT)
    run = await store.runs.get(run_id)
    with pytest.raises(RunLeaseHeldError):
        async with resume_lease(store.run_leases, run, lease_s=LONG):
            pass
    await _expire()
    async with resume_lease(store.run_leases, run, lease_s=LONG) as fence:
        assert fence is not None and fence.token == 2
        assert await store.run_leases.claim_expired("b", lease_s=LONG) == []  # held: renewed
    assert (await store.runs.get(run_id)).lease_owner is None  # released at the end
    unleased = await store.runs.create("req")
    async with resume_lease(store.run_leases, unleased, lease_s=LONG) as fence:
        assert fence is None  # a run of `codeguild generate` never had an owner
