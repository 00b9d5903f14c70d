"""gRPC agents benchmark: no-op round trip, throughput with 1/2/4 worker processes, overhead.

Usage: python bench/rpc.py [--roundtrips 2000] [--tasks 80] [--repeat 3]
                           [--out bench/results/rpc.json]

Round trip: one no-op task through RemoteAgent.execute against a worker process on loopback
(task, intent, blueprint, an empty project snapshot and shared context out; result back), as the
progress stream the runs use and as the unary ExecuteTask; p50/p99 over sequential calls.
Workers copy each task's project into ``--scratch-dir`` (default /dev/shm, a tmpfs, when it
exists: creating and removing a folder on this machine's disk costs ~0.9 ms, on tmpfs ~12 us).
Throughput: ``--tasks`` independent tasks that each sleep 50 ms on the worker, scheduled by the
real Scheduler and AgentManager over 1, 2 and 4 worker processes of capacity 1; the same with
1, 2 and 4 in-process agents gives the in-process vs gRPC overhead ratio. Medians of
``--repeat`` runs (the machine is shared).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from codeguild.agents.base import Agent, RunContext, TaskResult, TaskSpec, Workspace
from codeguild.config import Settings
from codeguild.engines.base import Blueprint
from codeguild.engines.builtin.engine import BuiltinEngine
from codeguild.events import EventBus
from codeguild.intent.models import ProjectIntent
from codeguild.orchestration.graph import TaskGraph
from codeguild.orchestration.manager import AgentManager
from codeguild.orchestration.scheduler import Scheduler
from codeguild.rpc.client import RemoteAgent
from codeguild.rpc.orchestrator import OrchestratorServer
from codeguild.rpc.registry import RemoteAgentRegistry

SLEEP_S = 0.05
ROLES = {"noop": frozenset({"noop"}), "sleep": frozenset({"sleep"})}


class NoopAgent:
    def __init__(self, name: str = "noop") -> None:
        self.name = name
        self.capabilities = frozenset({"noop"})

    async def execute(self, task: TaskSpec, ctx: RunContext) -> TaskResult:
        return TaskResult(summary="nothing")


class SleepAgent:
    def __init__(self, name: str = "sleep") -> None:
        self.name = name
        self.capabilities = frozenset({"sleep"})

    async def execute(self, task: TaskSpec, ctx: RunContext) -> TaskResult:
        await asyncio.sleep(SLEEP_S)
        return TaskResult(summary="slept")


def serve_worker(orchestrator: str, name: str) -> None:
    """The worker process: the bench's roles behind the real Worker runtime."""
    from codeguild.rpc.worker import Worker, WorkerOptions

    async def main() -> None:
        agents: dict[str, Agent] = {"noop": NoopAgent(), "sleep": SleepAgent()}
        worker = Worker(agents, WorkerOptions(orchestrator=orchestrator, name=name), Settings())
        await worker.run()

    asyncio.run(main())


def _ctx(root: Path) -> RunContext:
    intent = ProjectIntent(
        requirement="A library for ISBN numbers", project_type="library", name="isbn", summary="x"
    )
    return RunContext(
        run_id="bench",
        intent=intent,
        engine=BuiltinEngine(),
        blueprint=Blueprint(package="isbn", components=()),
        workspace=Workspace(root),
    )


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def roundtrip(agent: Agent, ctx: RunContext, n: int) -> dict[str, float]:
    task = TaskSpec(name="noop", capability="noop")
    for _ in range(min(200, n)):  # warm the channel and the worker
        await agent.execute(task, ctx)
    times = []
    for _ in range(n):
        started = time.perf_counter()
        await agent.execute(task, ctx)
        times.append(time.perf_counter() - started)
    return {
        "p50_ms": round(_percentile(times, 0.50) * 1000, 4),
        "p99_ms": round(_percentile(times, 0.99) * 1000, 4),
        "mean_ms": round(statistics.fmean(times) * 1000, 4),
    }


async def throughput(agents: list[Agent], ctx: RunContext, tasks: int) -> float:
    manager = AgentManager()
    for agent in agents:
        manager.register(agent, capacity=1)
    graph = TaskGraph.from_tasks(TaskSpec(name=f"t{i}", capability="sleep") for i in range(tasks))
    warmup = TaskSpec(name="warmup", capability="sleep")
    await asyncio.gather(*(agent.execute(warmup, ctx) for agent in agents))
    started = time.perf_counter()
    outcome = await Scheduler(manager, EventBus()).run(graph, ctx)
    elapsed = time.perf_counter() - started
    assert outcome.ok, "a benchmark task failed"
    return tasks / elapsed


async def bench(args: argparse.Namespace) -> dict[str, Any]:
    settings = Settings()
    registry = RemoteAgentRegistry(settings, roles=ROLES, required_roles=())
    server = OrchestratorServer(settings, registry)
    port = await server.start(host="127.0.0.1", port=0)
    env = dict(os.environ)
    if args.scratch_dir:
        env["CODEGUILD_REMOTE_SCRATCH_DIR"] = args.scratch_dir
    procs = [
        subprocess.Popen(
            [sys.executable, __file__, "--serve-worker", f"127.0.0.1:{port}", f"w{i}"],
            stderr=subprocess.DEVNULL,
            env=env,
        )
        for i in range(4)
    ]
    try:
        deadline = time.monotonic() + 60
        while len(registry.workers()) < 4:
            assert time.monotonic() < deadline, "workers did not register"
            await asyncio.sleep(0.05)
        workers = sorted(registry.workers(), key=lambda w: w.worker_id)
        with tempfile.TemporaryDirectory() as tmp:
            ctx = _ctx(Path(tmp))
            streamed = workers[0].agents["noop"]
            unary = RemoteAgent(
                "noop@unary", "noop", ROLES["noop"], streamed.address, settings,
                stream_progress=False,
            )  # fmt: skip
            results: dict[str, Any] = {
                "noop_roundtrip_stream": await roundtrip(streamed, ctx, args.roundtrips),
                "noop_roundtrip_unary": await roundtrip(unary, ctx, args.roundtrips),
                "noop_in_process": await roundtrip(NoopAgent(), ctx, args.roundtrips),
            }
            await unary.close()
            rates: dict[str, dict[str, float]] = {"grpc": {}, "in_process": {}}
            for n in (1, 2, 4):
                remote = [w.agents["sleep"] for w in workers[:n]]
                local: list[Agent] = [SleepAgent(f"sleep{i}") for i in range(n)]
                grpc_runs = [await throughput(remote, ctx, args.tasks) for _ in range(args.repeat)]
                local_runs = [await throughput(local, ctx, args.tasks) for _ in range(args.repeat)]
                rates["grpc"][str(n)] = round(statistics.median(grpc_runs), 2)
                rates["in_process"][str(n)] = round(statistics.median(local_runs), 2)
        results["tasks_per_s"] = rates
        results["speedup_1_to_4"] = round(rates["grpc"]["4"] / rates["grpc"]["1"], 3)
        results["overhead_ratio_in_process_over_grpc"] = {
            n: round(rates["in_process"][n] / rates["grpc"][n], 4) for n in ("1", "2", "4")
        }
        per_task_ms = {
            n: round((1 / rates["grpc"][n] - 1 / rates["in_process"][n]) * int(n) * 1000, 3)
            for n in ("1", "2", "4")
        }
        results["grpc_extra_ms_per_task"] = per_task_ms
        results["targets"] = {
            "p50_le_1ms": results["noop_roundtrip_stream"]["p50_ms"] <= 1.0,
            "p99_le_5ms": results["noop_roundtrip_stream"]["p99_ms"] <= 5.0,
            "speedup_ge_3.8": results["speedup_1_to_4"] >= 3.8,
        }
        return results
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            proc.wait(timeout=20)
        await server.stop(0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--roundtrips", type=int, default=2000)
    parser.add_argument("--tasks", type=int, default=80)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "results" / "rpc.json")
    parser.add_argument(
        "--scratch-dir",
        default="/dev/shm" if os.path.isdir("/dev/shm") else "",
        help="CODEGUILD_REMOTE_SCRATCH_DIR of the workers ('' for the system temp dir)",
    )
    parser.add_argument("--serve-worker", nargs=2, metavar=("ORCHESTRATOR", "NAME"))
    args = parser.parse_args()
    if args.serve_worker:
        serve_worker(*args.serve_worker)
        return
    results = asyncio.run(bench(args))
    results["machine"] = {"python": platform.python_version(), "cpus": os.cpu_count()}
    results["settings"] = {
        "roundtrips": args.roundtrips,
        "tasks": args.tasks,
        "repeat": args.repeat,
        "sleep_s": SLEEP_S,
        "worker_scratch_dir": args.scratch_dir or "system temp dir",
    }
    print(json.dumps(results, indent=2))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
