"""One repository contract, run on SQLite and on PostgreSQL (fresh database per module)."""

from __future__ import annotations

import asyncio
import hashlib
from dataclasses import dataclass
from pathlib import Path

import conftest_store
import pytest
from sqlalchemy import func, select

from codeguild.errors import CycleError, UnknownTaskError
from codeguild.events import Event, EventKind
from codeguild.store.db import (
    ContextConflictError,
    DependencyCycleError,
    LeaseLostError,
    RunNotFoundError,
    RunStatus,
    Store,
)
from codeguild.store.db.models import artifact_blobs

pytestmark = pytest.mark.integration

# the shared fixtures (a fresh SQLite file and a fresh PostgreSQL database per module)
store_url = conftest_store.store_url
store = conftest_store.store
run_id = conftest_store.run_id


@dataclass(frozen=True)
class Spec:
    """Shaped like agents.base.TaskSpec (the store accepts anything with these fields)."""

    name: str
    capability: str = "code"
    component: str | None = None
    action: str = ""
    depends_on: tuple[str, ...] = ()
    priority: str = "p1"
    estimate_s: float = 0.1
    description: str = ""


PLAN = [
    Spec("write_models"),
    Spec("write_api", depends_on=("write_models",)),
    Spec("write_tests", capability="write_tests", depends_on=("write_models",)),
    Spec(
        "run_tests", capability="run_tests", depends_on=("write_api", "write_tests"), priority="p0"
    ),
]


async def _run(store: Store, run_id: str) -> None:
    await store.runs.create("a bookstore API", run_id=run_id)


# -- runs -------------------------------------------------------------------------------------


async def test_run_lifecycle(store: Store, run_id: str) -> None:
    created = await store.runs.create("a bookstore API", run_id=run_id, project_type="web_api")
    assert created.status is RunStatus.CREATED and created.finished_at is None
    await store.runs.save_plan(run_id, intent={"name": "bookstore"}, plan={"tasks": []})
    await store.runs.update_status(run_id, RunStatus.RUNNING)
    assert run_id in [r.id for r in await store.runs.list(limit=50, status=RunStatus.RUNNING)]
    done = await store.runs.update_status(run_id, "succeeded")
    assert done.finished_at is not None and done.status is RunStatus.SUCCEEDED
    saved = await store.runs.save_report(run_id, {"ok": True, "files": 3})
    assert saved.report == {"ok": True, "files": 3}
    assert saved.intent == {"name": "bookstore"} and saved.project_type == "web_api"
    assert saved.created_at.tzinfo is not None


async def test_unknown_run_is_a_clear_error(store: Store) -> None:
    with pytest.raises(RunNotFoundError, match="codeguild runs"):
        await store.runs.get("no-such-run")
    with pytest.raises(RunNotFoundError):
        await store.events.append(Event(kind=EventKind.STAGE, run_id="no-such-run"))


async def test_list_is_newest_first_and_limited(store: Store) -> None:
    ids = []
    for _ in range(3):
        ids.append((await store.runs.create("x")).id)
    listed = [r.id for r in await store.runs.list(limit=2)]
    assert listed == ids[::-1][:2]


# -- events -----------------------------------------------------------------------------------


async def test_events_get_consecutive_seqs_and_round_trip(store: Store, run_id: str) -> None:
    await _run(store, run_id)
    first = await store.events.append(
        Event(kind=EventKind.TASK_STARTED, run_id=run_id, task="t", agent="a", data={"n": 1})
    )
    batch = await store.events.append_many(
        [Event(kind=EventKind.TASK_PROGRESS, run_id=run_id, message=str(i)) for i in range(5)]
    )
    assert [first.seq, *[e.seq for e in batch]] == [1, 2, 3, 4, 5, 6]
    listed = await store.events.list(run_id)
    assert [e.seq for e in listed] == [1, 2, 3, 4, 5, 6]
    assert listed[0].event.data == {"n": 1} and listed[0].event.agent == "a"
    assert abs(listed[0].event.at - first.event.at) < 1e-3
    assert [e.event.message for e in await store.events.list(run_id, after_seq=4)] == ["3", "4"]
    assert await store.events.last_seq(run_id) == 6


async def test_concurrent_appends_never_collide_or_gap(store: Store, run_id: str) -> None:
    await _run(store, run_id)

    async def writer(w: int) -> None:
        for i in range(10):
            await store.events.append(
                Event(kind=EventKind.TASK_PROGRESS, run_id=run_id, message=f"{w}-{i}")
            )

    await asyncio.gather(*(writer(w) for w in range(5)))
    seqs = [e.seq for e in await store.events.list(run_id)]
    assert seqs == list(range(1, 51))


# -- tasks ------------------------------------------------------------------------------------


async def test_plan_upsert_is_idempotent_and_keeps_progress(store: Store, run_id: str) -> None:
    await _run(store, run_id)
    await store.tasks.upsert_plan(run_id, PLAN)
    await store.tasks.mark_started(run_id, "write_models", 1, agent="coder")
    await store.tasks.mark_finished(run_id, "write_models", 1, result={"files": ["m.py"]})
    await store.tasks.upsert_plan(run_id, PLAN)  # a resumed run stores its plan again
    listed = await store.tasks.list(run_id)
    assert [t.name for t in listed] == [s.name for s in PLAN]
    by_name = {t.name: t for t in listed}
    assert by_name["write_models"].state == "succeeded"
    assert by_name["write_models"].result == {"files": ["m.py"]}
    assert set(by_name["run_tests"].depends_on) == {"write_api", "write_tests"}
    assert list(await store.tasks.completed_tasks(run_id)) == ["write_models"]


async def test_recording_the_same_attempt_twice_is_a_no_op(store: Store, run_id: str) -> None:
    await _run(store, run_id)
    await store.tasks.upsert_plan(run_id, PLAN)
    await store.tasks.mark_started(run_id, "write_models", 1, agent="coder")
    again = await store.tasks.mark_started(run_id, "write_models", 1, agent="coder")
    assert again.attempt == 1
    assert await store.tasks.mark_finished(run_id, "write_models", 1, duration_s=0.5) is True
    assert await store.tasks.mark_finished(run_id, "write_models", 1, duration_s=9.0) is False
    attempts = await store.tasks.attempts(run_id, "write_models")
    assert len(attempts) == 1 and attempts[0].duration_s == pytest.approx(0.5)
    task = await store.tasks.get(run_id, "write_models")
    assert task.attempts == 1 and task.state == "succeeded"


async def test_retry_attempts_and_late_failure_do_not_undo_success(
    store: Store, run_id: str
) -> None:
    await _run(store, run_id)
    await store.tasks.upsert_plan(run_id, PLAN)
    await store.tasks.mark_started(run_id, "write_models", 1, agent="a")
    await store.tasks.mark_finished(run_id, "write_models", 1, state="failed", error="boom")
    assert (await store.tasks.get(run_id, "write_models")).state == "failed"
    await store.tasks.mark_started(run_id, "write_models", 2, agent="b")
    await store.tasks.mark_finished(run_id, "write_models", 2)
    # a stale worker reports attempt 3 as failed after attempt 2 succeeded
    await store.tasks.mark_finished(run_id, "write_models", 3, state="failed", error="late")
    task = await store.tasks.get(run_id, "write_models")
    assert (task.state, task.attempts, task.agent) == ("succeeded", 2, "b")
    assert [a.state for a in await store.tasks.attempts(run_id, "write_models")] == [
        "failed",
        "succeeded",
        "failed",
    ]


async def test_an_interrupted_attempt_is_closed_without_touching_its_task(
    store: Store, run_id: str
) -> None:
    await _run(store, run_id)
    await store.tasks.upsert_plan(run_id, PLAN)
    await store.tasks.mark_started(run_id, "write_models", 1, agent="lost")
    closed = await store.tasks.mark_attempt_interrupted(
        run_id, "write_models", 1, reason="interrupted: unhealthy"
    )
    assert closed is True
    # the task runs again elsewhere: it is still running, not cancelled
    assert (await store.tasks.get(run_id, "write_models")).state == "running"
    await store.tasks.mark_started(run_id, "write_models", 2, agent="other")
    await store.tasks.mark_finished(run_id, "write_models", 2)
    # closing twice, or an attempt that never started, changes nothing
    again = await store.tasks.mark_attempt_interrupted(run_id, "write_models", 1, reason="x")
    never = await store.tasks.mark_attempt_interrupted(run_id, "write_models", 9, reason="x")
    assert again is False and never is False
    attempts = await store.tasks.attempts(run_id, "write_models")
    assert [(a.state, a.error) for a in attempts] == [
        ("cancelled", "interrupted: unhealthy"),
        ("succeeded", None),
    ]
    assert all(a.finished_at is not None for a in attempts)
    assert (await store.tasks.get(run_id, "write_models")).state == "succeeded"


async def test_cycle_is_rejected_with_the_cycle_named(store: Store, run_id: str) -> None:
    await _run(store, run_id)
    await store.tasks.upsert_plan(run_id, PLAN)
    with pytest.raises(DependencyCycleError) as caught:
        await store.tasks.add_dependency(run_id, "write_models", "run_tests")
    assert isinstance(caught.value, CycleError)
    cycle = caught.value.cycle
    assert cycle[0] == cycle[-1] == "write_models" and "run_tests" in cycle
    assert "write_models" not in (await store.tasks.get(run_id, "write_models")).depends_on
    with pytest.raises(DependencyCycleError):
        await store.tasks.upsert_plan(run_id, [Spec("write_api", depends_on=("write_api",))])


async def test_cycle_inside_one_plan_stores_nothing(store: Store, run_id: str) -> None:
    await _run(store, run_id)
    loop = [
        Spec("a", depends_on=("c",)),
        Spec("b", depends_on=("a",)),
        Spec("c", depends_on=("b",)),
    ]
    with pytest.raises(DependencyCycleError):
        await store.tasks.upsert_plan(run_id, loop)
    assert await store.tasks.list(run_id) == []


async def test_dependency_on_unknown_task(store: Store, run_id: str) -> None:
    await _run(store, run_id)
    with pytest.raises(UnknownTaskError, match="ghost"):
        await store.tasks.upsert_plan(run_id, [Spec("a", depends_on=("ghost",))])


async def test_reset_interrupted_returns_running_tasks_to_pending(
    store: Store, run_id: str
) -> None:
    await _run(store, run_id)
    await store.tasks.upsert_plan(run_id, PLAN)
    await store.tasks.mark_started(run_id, "write_models", 1)
    assert await store.tasks.reset_interrupted(run_id) == ["write_models"]
    assert (await store.tasks.get(run_id, "write_models")).state == "pending"


async def test_claims_follow_dependencies_and_fence_stale_owners(store: Store, run_id: str) -> None:
    await _run(store, run_id)
    await store.tasks.upsert_plan(run_id, PLAN)
    first = await store.leases.claim_next(run_id, "w1", lease_s=30)
    assert first is not None and first.task == "write_models" and first.fencing_token == 1
    assert await store.leases.claim_next(run_id, "w2") is None  # everything else waits on it
    await store.tasks.mark_finished(run_id, "write_models", 1)
    claimed = {c.task for c in [await store.leases.claim_next(run_id, "w2") for _ in range(2)] if c}
    assert claimed == {"write_api", "write_tests"}
    # an expired lease is taken over; the old owner's token no longer counts
    await store.tasks.upsert_plan(run_id, [Spec("lonely")])
    stale = await store.leases.claim_next(run_id, "w3", lease_s=-1)
    assert stale is not None and stale.task == "lonely"
    fresh = await store.leases.claim_next(run_id, "w4")
    assert fresh is not None and fresh.task == "lonely"
    assert fresh.fencing_token == stale.fencing_token + 1
    with pytest.raises(LeaseLostError):
        await store.leases.renew(stale)
    assert (await store.leases.renew(fresh)).lease_expires_at >= fresh.lease_expires_at


# -- artifacts --------------------------------------------------------------------------------


async def test_identical_content_is_stored_once(store: Store, run_id: str) -> None:
    await _run(store, run_id)
    small = b"print('hello')\n" + run_id.encode()
    big = (run_id.encode() * 10_000)[: store.artifacts.inline_limit + 1]
    await store.artifacts.put(run_id, "write_a", "pkg/a.py", small)
    await store.artifacts.put(run_id, "write_b", "pkg/b.py", small)
    await store.artifacts.put(run_id, "write_a", "data/big.bin", big)
    await store.artifacts.put(run_id, "write_b", "data/big_copy.bin", big)
    shas = [hashlib.sha256(c).hexdigest() for c in (small, big)]
    async with store.db.transaction() as conn:
        count = await conn.scalar(
            select(func.count())
            .select_from(artifact_blobs)
            .where(artifact_blobs.c.sha256.in_(shas))
        )
    assert count == 2
    blob_files = [p for p in store.artifacts.blob_dir.rglob("*") if p.is_file()]
    assert [p.name for p in blob_files] == [shas[1]]
    records = {r.path: r for r in await store.artifacts.list(run_id)}
    assert records["data/big.bin"].storage == "blob" and records["pkg/a.py"].storage == "inline"
    assert await store.artifacts.get(run_id, "data/big_copy.bin") == big


async def test_materialise_writes_the_newest_content_of_each_path(
    store: Store, run_id: str, tmp_path: Path
) -> None:
    await _run(store, run_id)
    await store.artifacts.put(run_id, "write_app", "app/main.py", b"v1\n")
    await store.artifacts.put(run_id, "fix_app", "app/main.py", b"v2\n")
    await store.artifacts.put_many(run_id, "docs", {"README.md": b"# hi\n", "docs/x.md": b"x"})
    written = await store.artifacts.materialise(run_id, tmp_path / "out")
    assert sorted(p.relative_to(tmp_path / "out").as_posix() for p in written) == [
        "README.md",
        "app/main.py",
        "docs/x.md",
    ]
    assert (tmp_path / "out/app/main.py").read_bytes() == b"v2\n"


# -- context and collaborations ---------------------------------------------------------------


async def test_context_compare_and_set(store: Store, run_id: str) -> None:
    await _run(store, run_id)
    created = await store.context.put(
        run_id, "api", {"routes": 1}, writer="coder", expected_version=0
    )
    assert created.version == 1
    with pytest.raises(ContextConflictError, match="expected version 0"):
        await store.context.put(run_id, "api", {"routes": 9}, expected_version=0)
    updated = await store.context.put(run_id, "api", {"routes": 2}, expected_version=1)
    with pytest.raises(ContextConflictError, match="found version 2"):
        await store.context.put(run_id, "api", {"routes": 3}, expected_version=1)
    blind = await store.context.put(run_id, "api", [1, 2], writer="docs")
    assert (updated.version, blind.version, blind.value, blind.writer) == (2, 3, [1, 2], "docs")
    assert await store.context.items(run_id) == {"api": [1, 2]}
    assert await store.context.get(run_id, "missing") is None


async def test_concurrent_compare_and_set_has_one_winner(store: Store, run_id: str) -> None:
    await _run(store, run_id)
    await store.context.put(run_id, "counter", 0, expected_version=0)

    async def bump(i: int) -> bool:
        try:
            await store.context.put(run_id, "counter", i, expected_version=1)
        except ContextConflictError:
            return False
        return True

    wins = await asyncio.gather(*(bump(i) for i in range(6)))
    assert sum(wins) == 1
    assert (await store.context.get(run_id, "counter")).version == 2  # type: ignore[union-attr]


async def test_collaborations_are_recorded(store: Store, run_id: str) -> None:
    await _run(store, run_id)
    await store.collaborations.record(run_id, "consensus", ["a", "b"], {"agreed": True})
    [rec] = await store.collaborations.list(run_id)
    assert (rec.pattern, rec.participants, rec.outcome) == (
        "consensus",
        ("a", "b"),
        {"agreed": True},
    )


# -- agents -----------------------------------------------------------------------------------


async def test_agents_performance_score_and_selection(store: Store, run_id: str) -> None:
    await _run(store, run_id)
    cap = f"cap_{run_id}"  # keeps this test's rows apart from other tests' in the shared db
    fast, slow = f"fast-{run_id}", f"slow-{run_id}"
    for name in (fast, slow):
        await store.agents.upsert(name, [cap], capacity=2, kind="local")
    await store.agents.heartbeat(fast, state="busy")
    assert (await store.agents.get(fast)).state == "busy"  # type: ignore[union-attr]
    # slow: 3 successes of 1, 2 and 3 s; fast: one success and one failure of 1 s each
    await store.tasks.upsert_plan(run_id, [Spec(f"t{i}", capability=cap) for i in range(5)])
    runs = [(slow, 1.0, "succeeded"), (slow, 2.0, "succeeded"), (slow, 3.0, "succeeded")]
    runs += [(fast, 1.0, "succeeded"), (fast, 1.0, "failed")]
    for i, (agent, took, state) in enumerate(runs):
        await store.tasks.mark_started(run_id, f"t{i}", 1, agent=agent)
        await store.tasks.mark_finished(run_id, f"t{i}", 1, state=state, duration_s=took)
    await store.agents.refresh_agent_performance()
    rows = {r.agent: r for r in await store.agents.performance(capability=cap)}
    assert (rows[slow].runs, rows[slow].successes, rows[slow].success_rate) == (3, 3, 1.0)
    assert rows[slow].mean_duration_s == pytest.approx(2.0)
    assert rows[slow].p95_duration_s == pytest.approx(2.9)  # interpolated like percentile_cont
    assert rows[fast].success_rate == pytest.approx(0.5)
    # success with an optimistic prior times speed relative to the fastest peer
    assert await store.agents.score(slow, cap) == pytest.approx(4 / 4 * (1.0 / 2.0))
    assert await store.agents.score(fast, cap) == pytest.approx(2 / 3)
    assert await store.agents.score("newcomer", cap) == pytest.approx(1.0)
    assert await store.agents.select_agent(cap, [slow, fast]) == fast
    assert await store.agents.select_agent(cap, [slow, "newcomer", fast]) == "newcomer"
    assert await store.agents.select_agent(cap, []) is None
