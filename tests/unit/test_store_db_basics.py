"""The database store on SQLite: URL setting, errors, migrations, retry, cycles and scoring."""

from __future__ import annotations

import graphlib
import itertools
import time
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import exc as sa_exc

from codeguild.errors import CodeguildError
from codeguild.store.db import (
    ArtifactCorruptError,
    Database,
    RetryPolicy,
    Store,
    StoreError,
    StoreSchemaError,
    StoreUnavailableError,
    current_revision,
    default_database_url,
    head_revision,
    mask_url,
    normalise_url,
    upgrade,
)
from codeguild.store.db.artifacts import clean_path
from codeguild.store.db.cycles import closing_cycle
from codeguild.store.db.scoring import percentile_cont


def _sqlite(tmp_path: Path) -> str:
    return f"sqlite+aiosqlite:///{tmp_path / 'codeguild.db'}"


# -- the URL setting --------------------------------------------------------------------------


def test_default_url_is_a_sqlite_file_unless_configured(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CODEGUILD_DATABASE_URL", raising=False)
    url = default_database_url()
    assert url.startswith("sqlite+aiosqlite:///") and url.endswith("codeguild.db")
    monkeypatch.setenv("CODEGUILD_DATABASE_URL", "postgresql://u:pw@db.example:5433/cg")
    assert default_database_url() == "postgresql+asyncpg://u:pw@db.example:5433/cg"


@pytest.mark.parametrize(
    ("given_url", "expected"),
    [
        ("postgresql://u@h/db", "postgresql+asyncpg://u@h/db"),
        ("postgres://u@h/db", "postgresql+asyncpg://u@h/db"),
        ("postgresql+asyncpg://u@h/db", "postgresql+asyncpg://u@h/db"),
        ("postgresql+psycopg://u@h/db", "postgresql+asyncpg://u@h/db"),
        ("sqlite:///x.db", "sqlite+aiosqlite:///x.db"),
    ],
)
def test_urls_are_normalised_to_the_async_drivers(given_url: str, expected: str) -> None:
    assert normalise_url(given_url) == expected


def test_unsupported_url_names_the_fix() -> None:
    with pytest.raises(StoreError, match="only PostgreSQL and SQLite"):
        normalise_url("mysql://u@h/db")


def test_password_is_masked() -> None:
    masked = mask_url("postgresql+asyncpg://user:s3cret@h:5432/db")
    assert "s3cret" not in masked and "user" in masked and "h:5432/db" in masked


# -- reachability and reconnects --------------------------------------------------------------


async def test_unreachable_postgres_names_the_url_and_how_to_start_it() -> None:
    db = Database("postgresql://cg:s3cret@127.0.0.1:1/codeguild")
    started = time.monotonic()
    with pytest.raises(StoreUnavailableError) as caught:
        await db.connect()
    await db.close()
    message = str(caught.value)
    assert caught.value.code == "store_unavailable" and isinstance(caught.value, CodeguildError)
    assert "127.0.0.1:1/codeguild" in message and "s3cret" not in message
    assert "pg_ctlcluster" in message and "CODEGUILD_DATABASE_URL" in message
    assert time.monotonic() - started < 10


async def test_unwritable_sqlite_location_is_unavailable(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    db = Database(f"sqlite+aiosqlite:///{blocker / 'sub' / 'codeguild.db'}")
    with pytest.raises(StoreUnavailableError, match="writable"):
        await db.connect()


async def test_transient_errors_are_retried_then_reported(tmp_path: Path) -> None:
    db = Database(_sqlite(tmp_path), retry=RetryPolicy(attempts=3, base_delay_s=0.01))
    calls = 0

    async def flaky(_conn: object) -> str:
        nonlocal calls
        calls += 1
        if calls == 1:
            raise sa_exc.OperationalError("SELECT 1", {}, ConnectionResetError("dropped"))
        return "ok"

    assert await db.run(flaky, what="flaky") == "ok" and calls == 2

    async def down(_conn: object) -> None:
        raise sa_exc.OperationalError("SELECT 1", {}, ConnectionResetError("still down"))

    with pytest.raises(StoreUnavailableError, match="still down"):
        await db.run(down, what="down")

    async def wrong(_conn: object) -> None:
        raise sa_exc.IntegrityError("INSERT", {}, ValueError("duplicate"))

    with pytest.raises(sa_exc.IntegrityError):  # a real error is never retried
        await db.run(wrong, what="wrong")
    await db.close()


# -- migrations -------------------------------------------------------------------------------


async def test_migrations_run_from_the_package_and_are_repeatable(tmp_path: Path) -> None:
    url = _sqlite(tmp_path)
    assert await current_revision(url) is None
    with pytest.raises(StoreSchemaError, match="codeguild db upgrade"):
        await Database(url).connect()
    assert await upgrade(url) == head_revision()
    assert await upgrade(url) == head_revision()
    db = await Database(url).connect()
    await db.close()


# -- artifacts on disk ------------------------------------------------------------------------


@pytest.mark.parametrize("bad", ["/etc/passwd", "../outside.py", "a/../../b", ""])
def test_artifact_paths_must_stay_inside_the_project(bad: str) -> None:
    with pytest.raises(StoreError, match="relative path"):
        clean_path(bad)


async def test_a_tampered_blob_is_detected(tmp_path: Path) -> None:
    store = await Store.open(_sqlite(tmp_path), blob_dir=tmp_path / "blobs")
    try:
        run = await store.runs.create("x")
        big = bytes(range(256)) * 400
        record = await store.artifacts.put(run.id, "t", "big.bin", big)
        assert record.storage == "blob"
        blob = store.artifacts.blob_path(record.sha256)
        blob.write_bytes(big[:-1])
        with pytest.raises(ArtifactCorruptError, match="does not match"):
            await store.artifacts.get(run.id, "big.bin")
        blob.unlink()
        with pytest.raises(ArtifactCorruptError, match="missing"):
            await store.artifacts.get(run.id, "big.bin")
    finally:
        await store.close()


# -- pure logic: cycles and scoring -----------------------------------------------------------


def test_closing_cycle_names_the_loop() -> None:
    edges = {"a": ["b"], "b": ["c"]}
    assert closing_cycle(edges, "c", "a") == ["c", "a", "b", "c"]
    assert closing_cycle(edges, "a", "a") == ["a", "a"]
    assert closing_cycle(edges, "a", "c") is None


@given(
    st.lists(st.tuples(st.integers(0, 6), st.integers(0, 6)), max_size=20),
    st.tuples(st.integers(0, 6), st.integers(0, 6)),
)
def test_closing_cycle_agrees_with_a_topological_sort(
    edges: list[tuple[int, int]], new: tuple[int, int]
) -> None:
    graph: dict[str, list[str]] = {}
    for task, dep in edges:
        if task == dep or closing_cycle(graph, str(task), str(dep)) is not None:
            continue  # keep the stored graph acyclic, as the store does
        graph.setdefault(str(task), []).append(str(dep))
    cycle = closing_cycle(graph, str(new[0]), str(new[1]))
    trial = {k: list(v) for k, v in graph.items()}
    trial.setdefault(str(new[0]), []).append(str(new[1]))
    try:
        list(graphlib.TopologicalSorter(trial).static_order())
        acyclic = True
    except graphlib.CycleError:
        acyclic = False
    assert (cycle is None) == acyclic
    if cycle is not None:
        assert cycle[0] == cycle[-1] == str(new[0])
        steps = list(itertools.pairwise(cycle))
        assert all(dep in trial.get(task, []) for task, dep in steps)


def test_percentile_matches_postgres_percentile_cont() -> None:
    assert percentile_cont([], 0.95) is None
    assert percentile_cont([4.0], 0.95) == 4.0
    assert percentile_cont([3.0, 1.0, 2.0], 0.95) == pytest.approx(2.9)
    assert percentile_cont([1.0, 2.0, 3.0, 4.0], 0.5) == pytest.approx(2.5)


def test_one_except_clause_catches_either_store_being_unreachable() -> None:
    from codeguild.errors import StoreUnavailableError as AnyStoreUnavailable
    from codeguild.store.db.errors import StoreUnavailableError as DatabaseUnavailable
    from codeguild.store.memory import StoreUnavailableError as MemoryUnavailable

    database = DatabaseUnavailable("postgresql://h/db", "refused", dialect="postgresql")
    assert isinstance(database, AnyStoreUnavailable) and MemoryUnavailable is AnyStoreUnavailable
    assert database.code == MemoryUnavailable("redis down").code == "store_unavailable"
