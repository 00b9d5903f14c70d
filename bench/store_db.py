"""Benchmark: durable-store throughput on SQLite and PostgreSQL; a table and JSON.

Usage: python bench/store_db.py [--events N] [--tasks N] [--out bench/results/store_db.json]

Measured per backend (each on a fresh database):
- events/s persisted one per transaction (``append``: what "persisted before acknowledged"
  costs) and in batches of 100 (``append_many``);
- task claims/s: ``claim_next`` + ``mark_finished`` per task, by one worker and by 8 concurrent
  workers (the scale-out shape: PostgreSQL uses SKIP LOCKED, SQLite serialises writers);
- task updates/s: ``mark_started`` + ``mark_finished`` (the local scheduler's path).
PostgreSQL comes from CODEGUILD_TEST_POSTGRES_URL (default: the local server).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import asyncpg
from sqlalchemy.engine import make_url

from codeguild.events import Event, EventKind
from codeguild.store.db import Store, StoreUnavailableError, upgrade

ADMIN_URL = os.environ.get(
    "CODEGUILD_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)
BATCH = 100
WORKERS = 8


@dataclass(frozen=True)
class Spec:
    name: str
    capability: str = "code"
    component: str | None = None
    action: str = ""
    depends_on: tuple[str, ...] = ()
    priority: str = "p1"
    estimate_s: float = 0.0
    description: str = ""


async def _rate(count: int, body: Callable[[], Awaitable[None]]) -> float:
    started = time.perf_counter()
    await body()
    return count / (time.perf_counter() - started)


async def measure(url: str, n_events: int, n_tasks: int) -> dict[str, float]:
    await upgrade(url)
    with tempfile.TemporaryDirectory() as blobs:
        store = await Store.open(url, upgrade=False, blob_dir=Path(blobs))
        try:
            return await _measure(store, n_events, n_tasks)
        finally:
            await store.close()


async def _measure(store: Store, n_events: int, n_tasks: int) -> dict[str, float]:
    out: dict[str, float] = {}
    run = await store.runs.create("bench")

    async def single() -> None:
        for i in range(n_events):
            await store.events.append(
                Event(kind=EventKind.TASK_PROGRESS, run_id=run.id, data={"i": i})
            )

    async def batched() -> None:
        for start in range(0, n_events * 10, BATCH):
            await store.events.append_many(
                [
                    Event(kind=EventKind.TASK_PROGRESS, run_id=run.id, data={"i": start + j})
                    for j in range(BATCH)
                ]
            )

    out["events_per_s_single"] = await _rate(n_events, single)
    out["events_per_s_batch100"] = await _rate(n_events * 10, batched)

    async def claim_all(run_id: str, worker: str) -> None:
        while (claim := await store.leases.claim_next(run_id, worker)) is not None:
            await store.tasks.mark_finished(run_id, claim.task, 1, agent=worker, duration_s=0.0)

    for workers in (1, WORKERS):
        claim_run = await store.runs.create("bench claims")
        await store.tasks.upsert_plan(claim_run.id, [Spec(f"t{i}") for i in range(n_tasks)])

        async def claimers(run_id: str = claim_run.id, count: int = workers) -> None:
            await asyncio.gather(*(claim_all(run_id, f"w{k}") for k in range(count)))

        key = "claims_per_s_single_worker" if workers == 1 else f"claims_per_s_{workers}_workers"
        out[key] = await _rate(n_tasks, claimers)
        assert len(await store.tasks.completed_tasks(claim_run.id)) == n_tasks

    update_run = await store.runs.create("bench updates")
    await store.tasks.upsert_plan(update_run.id, [Spec(f"t{i}") for i in range(n_tasks)])

    async def updates() -> None:
        for i in range(n_tasks):
            await store.tasks.mark_started(update_run.id, f"t{i}", 1, agent="a")
            await store.tasks.mark_finished(update_run.id, f"t{i}", 1, duration_s=0.0)

    out["task_updates_per_s"] = await _rate(n_tasks * 2, updates)
    return {k: round(v, 1) for k, v in out.items()}


async def _admin(sql: str) -> None:
    plain = make_url(ADMIN_URL).set(drivername="postgresql").render_as_string(hide_password=False)
    conn = await asyncpg.connect(plain, timeout=5)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


async def main(n_events: int, n_tasks: int) -> dict[str, Any]:
    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite+aiosqlite:///{Path(folder) / 'bench.db'}"
        results["sqlite"] = await measure(url, n_events, n_tasks)
    name = f"codeguild_bench_{uuid.uuid4().hex[:10]}"
    try:
        await _admin(f'CREATE DATABASE "{name}"')
    except (OSError, asyncpg.PostgresError) as exc:
        results["postgresql"] = {"skipped": f"PostgreSQL unreachable: {exc}"}
        return results
    try:
        url = make_url(ADMIN_URL).set(database=name).render_as_string(hide_password=False)
        results["postgresql"] = await measure(url, n_events, n_tasks)
    except StoreUnavailableError as exc:
        results["postgresql"] = {"skipped": str(exc)}
    finally:
        await _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    return results


def _table(results: dict[str, Any]) -> str:
    metrics = sorted({m for r in results.values() for m in r if m != "skipped"})
    lines = [f"{'metric':<30}" + "".join(f"{b:>14}" for b in results)]
    for metric in metrics:
        cells = "".join(f"{results[b].get(metric, '-'):>14}" for b in results)
        lines.append(f"{metric:<30}{cells}")
    return "\n".join(lines)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=500, help="single-append events")
    parser.add_argument("--tasks", type=int, default=300, help="tasks per claim/update round")
    parser.add_argument("--out", type=Path, default=Path("bench/results/store_db.json"))
    args = parser.parse_args()
    measured = asyncio.run(main(args.events, args.tasks))
    report = {
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count()},
        "params": {"events": args.events, "tasks": args.tasks, "batch": BATCH, "workers": WORKERS},
        "results": measured,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(_table(measured))
