"""Benchmark: the quality pipeline on the bookstore project, and the sandbox's overhead on pytest.

Usage: python bench/quality.py [--repeat N] [--out bench/results/quality.json]

1. ``run_quality`` (all six checks, mypy in report mode) on the built-in engine's bookstore API:
   the first run (cold tool caches) and the median of --repeat further runs. Target <= 3 s.
2. The bookstore's pytest suite in the sandbox (``Sandbox.run``: copy, uid switch, namespaces,
   limits) vs the same argv as a plain subprocess with the same interpreter, interleaved in this
   process; median of --repeat each. Target: sandboxed / plain <= 1.3.

When a target is missed the output says so, and the per-check (or per-phase) times show why.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

from examples import BOOKSTORE_INTENT, write_builtin_project

from codeguild import __version__
from codeguild.quality.pipeline import run_quality
from codeguild.quality.sandbox import Sandbox, SandboxLimits

QUALITY_TARGET_S = 3.0
OVERHEAD_TARGET = 1.3
PYTEST_ARGV = ["-m", "pytest", "-q", "-p", "no:cacheprovider"]


async def bench_quality(root: Path, repeat: int) -> dict[str, object]:
    first = await run_quality(root)
    times: list[float] = []
    per_check: dict[str, list[float]] = {}
    passed = first.passed
    for _ in range(repeat):
        started = time.perf_counter()
        report = await run_quality(root)
        times.append(time.perf_counter() - started)
        passed = passed and report.passed
        for check in report.checks.values():
            for result in check.results:
                per_check.setdefault(result.check, []).append(result.duration_s)
    median = statistics.median(times)
    return {
        "first_run_s": round(first.duration_s, 3),
        "median_s": round(median, 3),
        "runs_s": [round(t, 3) for t in times],
        "all_checks_passed": passed,
        "target_s": QUALITY_TARGET_S,
        "target_met": median <= QUALITY_TARGET_S,
        "per_check_median_s": {
            name: round(statistics.median(values), 3) for name, values in sorted(per_check.items())
        },
    }


async def _plain(root: Path) -> float:
    env = {"PATH": os.environ.get("PATH", ""), "PYTHONDONTWRITEBYTECODE": "1", "HOME": str(root)}
    started = time.perf_counter()
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        *PYTEST_ARGV,
        cwd=str(root),
        env=env,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )
    code = await proc.wait()
    if code != 0:
        raise SystemExit(f"plain pytest failed with exit code {code}")
    return time.perf_counter() - started


async def _sandboxed(root: Path, sandbox: Sandbox) -> float:
    started = time.perf_counter()
    result = await sandbox.run(["python", *PYTEST_ARGV], root, limits=SandboxLimits())
    if result.exit_code != 0:
        raise SystemExit(f"sandboxed pytest failed: {result.stopped_by} {result.stderr[-500:]}")
    return time.perf_counter() - started


async def bench_sandbox(root: Path, repeat: int) -> dict[str, object]:
    sandbox = Sandbox()
    sandbox.isolation_report()  # the one-time host probe is not part of a run
    await _plain(root)  # warm the page cache for both
    plain: list[float] = []
    boxed: list[float] = []
    for _ in range(repeat):
        plain.append(await _plain(root))
        boxed.append(await _sandboxed(root, sandbox))
    ratio = statistics.median(boxed) / statistics.median(plain)
    return {
        "plain_median_s": round(statistics.median(plain), 3),
        "sandboxed_median_s": round(statistics.median(boxed), 3),
        "plain_runs_s": [round(t, 3) for t in plain],
        "sandboxed_runs_s": [round(t, 3) for t in boxed],
        "overhead_ratio": round(ratio, 3),
        "target_ratio": OVERHEAD_TARGET,
        "target_met": ratio <= OVERHEAD_TARGET,
        "isolation": sandbox.isolation_report(),
    }


def _table(quality: dict[str, object], sandbox: dict[str, object]) -> str:
    def verdict(ok: object) -> str:
        return "met" if ok else "MISSED"

    rows = [
        ("quality pipeline, first run (s)", f"{quality['first_run_s']}", ""),
        (
            "quality pipeline, median (s)",
            f"{quality['median_s']}",
            f"<= {QUALITY_TARGET_S}: {verdict(quality['target_met'])}",
        ),
        ("pytest plain, median (s)", f"{sandbox['plain_median_s']}", ""),
        ("pytest sandboxed, median (s)", f"{sandbox['sandboxed_median_s']}", ""),
        (
            "sandbox overhead (x)",
            f"{sandbox['overhead_ratio']}",
            f"<= {OVERHEAD_TARGET}: {verdict(sandbox['target_met'])}",
        ),
    ]
    lines = [f"{name:<34} {value:>8}  {target}" for name, value, target in rows]
    checks = quality["per_check_median_s"]
    assert isinstance(checks, dict)
    slowest = sorted(checks.items(), key=lambda kv: -kv[1])[:4]
    lines.append("slowest checks (median s): " + ", ".join(f"{k}={v}" for k, v in slowest))
    return "\n".join(lines)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--out", type=Path, default=Path("bench/results/quality.json"))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="codeguild-bench-") as tmp:
        root = write_builtin_project(BOOKSTORE_INTENT, Path(tmp) / "bookstore")
        quality = await bench_quality(root, args.repeat)
        sandbox = await bench_sandbox(root, args.repeat)
    notes = []
    if not quality["target_met"]:
        notes.append("quality pipeline over target: see per_check_median_s for the slowest check")
    if not sandbox["target_met"]:
        notes.append("sandbox overhead over target: copy + namespace setup dominate short suites")
    result = {
        "codeguild": __version__,
        "python": platform.python_version(),
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform()},
        "repeat": args.repeat,
        "quality_pipeline": quality,
        "sandboxed_pytest": sandbox,
        "targets_met": bool(quality["target_met"] and sandbox["target_met"]),
        "notes": notes,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    sys.stdout.write(_table(quality, sandbox) + "\n")
    for note in notes:
        sys.stdout.write(f"NOTE: {note}\n")
    sys.stdout.write(f"written to {args.out}\n")


if __name__ == "__main__":
    asyncio.run(main())
