"""Benchmark: generate the three reference projects end to end; per-stage times to JSON.

Usage: python bench/e2e_generate.py [--repeat N] [--out bench/results/e2e.json]

A sequential baseline (the same pipeline with CODEGUILD_MAX_PARALLEL_TASKS=1, in this process) is
run for the bookstore, and the ratio sequential / parallel is reported.

"pre_test_s" is the time from the start of the run until the sandboxed test run starts (intent,
plan and every file written); "total_s" includes the sandboxed tests, review, security scan and
report. Medians over --repeat runs per example.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import platform
import statistics
import tempfile
import time
from pathlib import Path

from examples import EXAMPLES

from codeguild import __version__
from codeguild.config import Settings
from codeguild.pipeline import Pipeline


async def one_run(
    requirement: str, settings: Settings | None = None
) -> dict[str, float | str | int]:
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        report = await Pipeline(settings=settings).generate(requirement, Path(tmp))
        total = time.perf_counter() - started
    test_task = next(t for t in report.tasks if t.name == "run_tests")
    pre_test = (test_task.started_at or report.finished_at) - report.started_at
    row: dict[str, float | str | int] = {
        "status": report.status,
        "total_s": total,
        "pre_test_s": pre_test,
        "tests_passed": int(report.tests["passed"]) if report.tests else 0,
    }
    row.update({f"stage_{k}_s": v for k, v in report.stages.items()})
    for task in report.tasks:
        if task.name in ("run_tests", "review", "security_scan", "export_openapi"):
            row[f"task_{task.name}_s"] = task.duration_s or 0.0
    return row


def summarise(rows: list[dict[str, float | str | int]]) -> dict[str, object]:
    keys = [k for k in rows[0] if isinstance(rows[0][k], float)]
    return {
        "runs": len(rows),
        "statuses": sorted({str(r["status"]) for r in rows}),
        "tests_passed": rows[0]["tests_passed"],
        "median": {k: round(statistics.median(float(r[k]) for r in rows), 4) for k in keys},
        "max": {k: round(max(float(r[k]) for r in rows), 4) for k in keys},
    }


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--out", type=Path, default=Path("bench/results/e2e.json"))
    args = parser.parse_args()
    results: dict[str, object] = {}
    for name, requirement in EXAMPLES.items():
        await one_run(requirement)  # warm-up: imports and first-use caches, not measured
        rows = [await one_run(requirement) for _ in range(args.repeat)]
        results[name] = summary = summarise(rows)
        med = summary["median"]
        assert isinstance(med, dict)
        print(
            f"{name:14s} total {med['total_s']:6.2f}s  pre-test {med['pre_test_s']:5.3f}s  "
            + "  ".join(f"{k}={v:.3f}" for k, v in med.items() if k.startswith(("stage_", "task_")))
        )
    sequential = Settings(max_parallel_tasks=1)
    rows = [await one_run(EXAMPLES["bookstore"], sequential) for _ in range(args.repeat)]
    baseline = summarise(rows)
    parallel_total = results["bookstore"]["median"]["total_s"]  # type: ignore[index]
    baseline_total = baseline["median"]["total_s"]  # type: ignore[index]
    ratio = baseline_total / parallel_total
    results["bookstore_sequential_baseline"] = {**baseline, "ratio_sequential_over_parallel": ratio}
    print(
        f"bookstore sequential baseline {baseline_total:.2f}s vs parallel {parallel_total:.2f}s "
        f"-> {ratio:.2f}x"
    )
    payload = {
        "benchmark": "e2e_generate",
        "codeguild": __version__,
        "python": platform.python_version(),
        "machine": {"cpus": __import__("os").cpu_count(), "platform": platform.platform()},
        "repeat": args.repeat,
        "targets": {"bookstore_total_s": 10.0, "bookstore_pre_test_s": 0.5},
        "results": results,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(payload, indent=2) + "\n")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    asyncio.run(main())
