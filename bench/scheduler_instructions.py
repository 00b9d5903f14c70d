"""Benchmark: CPU instructions per task of the scheduler, counted by valgrind (callgrind).

Usage: python bench/scheduler_instructions.py [--graphs chain,fan_out_in,layered_dag]
       [--out bench/results/scheduler_instructions.json]

Wall-clock overhead per task (bench/scheduler.py) moves by ±10 % from run to run on a shared
machine; an instruction count does not, so this is the number to compare two versions of the
scheduler by. Each figure is (instructions of a process that builds the graph and runs it) minus
(instructions of one that only builds it), divided by the tasks: our scheduler and the bare
heap-plus-asyncio loop of bench/scheduler.py, on the same 10,000-task graphs. Instructions are
not time (the bare loop spends more of its share in C, at a higher rate per cycle), so the
wall-clock ratio stays the headline; this one explains it. Needs ``valgrind`` on PATH.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TASKS = 10_000
GRAPHS = ("chain", "fan_out_in", "layered_dag")


def _shape(graph: str) -> list[tuple[str, tuple[str, ...]]]:
    import scheduler as bench  # bench/scheduler.py, next to this file

    if graph == "chain":
        return bench.chain(TASKS)
    if graph == "fan_out_in":
        return bench.fan(TASKS)
    return bench.layered(TASKS, random.Random(7))


async def _child(graph: str, mode: str) -> None:
    """One measured process: make the graph's shape, then build and run it as ``mode`` says
    ("shape": nothing more; "build": our TaskGraph only; "ours", "bare": a run)."""
    import scheduler as bench

    shape = _shape(graph)
    with tempfile.TemporaryDirectory() as root:
        if mode == "ours":
            await bench.ours(shape, Path(root))
        elif mode == "bare":
            await bench.bare_heap(shape)
        elif mode == "build":  # the graph ours() builds, without the run
            bench.TaskGraph(bench.specs(shape))


def _instructions(graph: str, mode: str) -> int:
    env = {**os.environ, "PYTHONHASHSEED": "0"}  # dict layouts, and so counts, repeat exactly
    cmd = [
        "valgrind",
        "--tool=callgrind",
        "--callgrind-out-file=/dev/null",
        sys.executable,
        __file__,
        "--child",
        graph,
        mode,
    ]
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, check=True)
    match = re.search(r"Collected : (\d+)", done.stderr)
    if match is None:
        raise RuntimeError(f"callgrind printed no count for {graph}/{mode}: {done.stderr[-500:]}")
    return int(match.group(1))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--graphs", default=",".join(GRAPHS))
    parser.add_argument(
        "--out", type=Path, default=ROOT / "bench/results/scheduler_instructions.json"
    )
    parser.add_argument("--child", nargs=2, metavar=("GRAPH", "MODE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    if args.child:
        asyncio.run(_child(*args.child))
        return 0
    if shutil.which("valgrind") is None:
        print("valgrind is not installed; this benchmark counts instructions with callgrind")
        return 2
    rows: dict[str, dict[str, float]] = {}
    for graph in args.graphs.split(","):
        # each run less the same process without it (the bare loop builds no TaskGraph)
        ours = (_instructions(graph, "ours") - _instructions(graph, "build")) / TASKS
        bare = (_instructions(graph, "bare") - _instructions(graph, "shape")) / TASKS
        rows[graph] = {
            "codeguild_instructions_per_task": round(ours),
            "bare_heap_instructions_per_task": round(bare),
            "codeguild_over_bare_heap": round(ours / bare, 3),
        }
        print(f"{graph:12s} ours {ours:9.0f}  bare heap {bare:9.0f}  ratio {ours / bare:.3f}")
    result = {
        "benchmark": "scheduler_instructions",
        "tasks": TASKS,
        "python": platform.python_version(),
        "graphs": rows,
        "method": "callgrind instruction counts, (build + run) - (build only), per task",
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
