"""Benchmark: the cost of durability on the end-to-end example, plus the store micro-benchmarks.

Usage: python bench/store.py [--repeat N] [--out bench/results/store.json]

Generates the bookstore example with nothing persisted (baseline), with SQLite and with
PostgreSQL (CODEGUILD_TEST_POSTGRES_URL or postgresql://postgres@127.0.0.1:5432/postgres; a
throwaway database is created and dropped) in the same process, and reports median times and the
ratio against the baseline (target <= 1.2x). The events/s, claims/s and memory-store numbers come
from bench/store_db.py and bench/store_memory.py; their latest results are folded in.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import statistics
import tempfile
import time
import uuid
from pathlib import Path

import asyncpg
from examples import EXAMPLES

from codeguild.pipeline import Pipeline
from codeguild.store.db import Store

ADMIN = os.environ.get(
    "CODEGUILD_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)


async def one_run(store: Store | None) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        report = await Pipeline(store=store).generate(EXAMPLES["bookstore"], Path(tmp))
        assert report.status == "passed", report.stop_reason
        return time.perf_counter() - started


async def series(store: Store | None, repeat: int) -> list[float]:
    await one_run(store)  # warm-up
    return [await one_run(store) for _ in range(repeat)]


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--out", type=Path, default=Path("bench/results/store.json"))
    args = parser.parse_args()

    results: dict[str, object] = {}
    baseline = await series(None, args.repeat)
    results["none"] = {"median_s": statistics.median(baseline), "runs": baseline}

    with tempfile.TemporaryDirectory() as tmp:
        os.environ["CODEGUILD_BLOB_DIR"] = str(Path(tmp) / "blobs")
        async with await Store.open(f"sqlite+aiosqlite:///{tmp}/bench.db") as store:
            runs = await series(store, args.repeat)
        results["sqlite"] = {"median_s": statistics.median(runs), "runs": runs}

        name = f"codeguild_bench_{uuid.uuid4().hex[:8]}"
        admin = await asyncpg.connect(ADMIN)
        try:
            await admin.execute(f'CREATE DATABASE "{name}"')
            url = f"{ADMIN.rsplit('/', 1)[0]}/{name}"
            async with await Store.open(url) as store:
                runs = await series(store, args.repeat)
            results["postgresql"] = {"median_s": statistics.median(runs), "runs": runs}
        finally:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            await admin.close()

    base = results["none"]["median_s"]  # type: ignore[index]
    print(f"{'backend':12s} {'median s':>9s} {'vs none':>8s}")
    for key in ("none", "sqlite", "postgresql"):
        med = results[key]["median_s"]  # type: ignore[index]
        ratio = med / base
        results[key]["ratio_vs_none"] = ratio  # type: ignore[index]
        print(f"{key:12s} {med:9.3f} {ratio:8.3f}x")

    folded = {}
    for part in ("store_db", "store_memory"):
        path = args.out.parent / f"{part}.json"
        if path.exists():
            folded[part] = json.loads(path.read_text())
    payload = {
        "benchmark": "store",
        "python": platform.python_version(),
        "repeat": args.repeat,
        "targets": {"durability_overhead_ratio": 1.2},
        "durability_e2e_bookstore": results,
        "micro": folded,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(payload, indent=2) + "\n")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    asyncio.run(main())
