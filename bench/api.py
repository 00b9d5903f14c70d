"""API speed: the status endpoints under 100 concurrent clients, and 50 live SSE listeners.

Starts ``codeguild serve`` (one uvicorn worker process) on 127.0.0.1 and a free port with a fresh
database, creates a developer, runs one generation while 50 listeners follow its event stream
(each must get every stored event, in order), then drives ``GET /api/tasks/{id}/status`` and
``GET /api/projects/{id}/progress`` of the finished project from a load generator in other
processes (bench/api_load.py). Each load run is repeated; medians are reported.

    python bench/api.py [--db sqlite|postgresql] [--runs 3] [--duration 8] [--client raw|httpx]

Writes bench/results/api.json. Targets: >= 1,500 requests/s and p99 <= 100 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import platform
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx

BENCH_DIR = Path(__file__).resolve().parent
RESULTS = BENCH_DIR / "results" / "api.json"
PASSWORD = "bench-password-123"
USER = "bench"
REQUIREMENT = "A Python library that converts temperatures between celsius and fahrenheit"
TARGET_RPS = 1500.0
TARGET_P99_MS = 100.0
PG_ADMIN = os.environ.get(
    "CODEGUILD_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def _pg_admin(sql: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(PG_ADMIN, timeout=5)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


@contextlib.contextmanager
def fresh_database(kind: str, folder: Path) -> Iterator[str]:
    if kind == "sqlite":
        yield f"sqlite+aiosqlite:///{folder / 'api.db'}"
        return
    name = f"codeguild_bench_{uuid.uuid4().hex[:10]}"
    asyncio.run(_pg_admin(f'CREATE DATABASE "{name}"'))
    try:
        yield PG_ADMIN.rsplit("/", 1)[0] + f"/{name}"
    finally:
        asyncio.run(_pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@contextlib.contextmanager
def running_server(env: dict[str, str], port: int) -> Iterator[subprocess.Popen[bytes]]:
    """``codeguild serve`` in its own process group, stopped with SIGINT (then SIGKILL)."""
    cmd = [sys.executable, "-m", "codeguild", "serve", "--host", "127.0.0.1", "--port", str(port)]
    with tempfile.TemporaryFile() as log:
        proc = subprocess.Popen(
            cmd, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        try:
            deadline = time.monotonic() + 60
            while True:
                if proc.poll() is not None:
                    log.seek(0)
                    raise RuntimeError(f"server exited:\n{log.read().decode(errors='replace')}")
                with contextlib.suppress(httpx.HTTPError):
                    if httpx.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code == 200:
                        break
                if time.monotonic() > deadline:
                    raise RuntimeError("server did not answer /health within 60 s")
                time.sleep(0.1)
            yield proc
        finally:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGINT)
                try:
                    proc.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    os.killpg(proc.pid, signal.SIGKILL)
                    proc.wait()


# ---- SSE: 50 listeners on one project's stream while its generation runs ----


async def _listen(client: httpx.AsyncClient, url: str, headers: dict[str, str]) -> dict[str, Any]:
    events: list[dict[str, Any]] = []
    arrivals: list[float] = []
    ids: list[int] = []
    async with client.stream("GET", url, headers=headers) as response:
        response.raise_for_status()
        connected = time.time()
        name, data, sse_id = "", "", 0
        async for line in response.aiter_lines():
            if line.startswith("id: "):
                sse_id = int(line[4:])
            elif line.startswith("event: "):
                name = line[7:]
            elif line.startswith("data: "):
                data = line[6:]
            elif line == "" and name:
                ids.append(sse_id)
                if name == "event":
                    events.append(json.loads(data))
                    arrivals.append(time.time())
                if name == "end":
                    break
                name, data = "", ""
    return {"events": events, "arrivals": arrivals, "ids": ids, "connected": connected}


async def sse_check(
    base: str, headers: dict[str, str], database_url: str, listeners: int
) -> dict[str, Any]:
    from codeguild.store.db import Store

    limits = httpx.Limits(max_connections=listeners + 5)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=300) as client:
        started = await client.post(
            "/api/projects/generate", json={"requirement": REQUIREMENT}, headers=headers
        )
        started.raise_for_status()
        pid = started.json()["id"]
        url = f"/api/projects/{pid}/events"
        results = await asyncio.gather(*(_listen(client, url, headers) for _ in range(listeners)))
        final = (await client.get(f"/api/projects/{pid}", headers=headers)).json()
    store = await Store.open(database_url)
    try:
        stored = [s.event.as_dict() for s in await store.events.list(pid)]
    finally:
        await store.close()

    def key(e: dict[str, Any]) -> tuple[Any, ...]:
        return (e["kind"], e["task"], e["message"], round(float(e["at"]), 6))

    expected = [key(e) for e in stored]
    complete = sum(1 for r in results if [key(e) for e in r["events"]] == expected)
    ordered = sum(1 for r in results if r["ids"] == list(range(1, len(r["ids"]) + 1)))
    # latency only for events emitted after the listener connected (earlier ones are a replay)
    latencies = [
        (arrived - float(e["at"])) * 1000.0
        for r in results
        for e, arrived in zip(r["events"], r["arrivals"], strict=True)
        if float(e["at"]) >= r["connected"]
    ]
    slowest = sorted(
        (
            ((arrived - float(e["at"])) * 1000.0, e["kind"], e["task"])
            for r in results[:1]
            for e, arrived in zip(r["events"], r["arrivals"], strict=True)
        ),
        reverse=True,
    )[:3]
    return {
        "project_id": pid,
        "project_status": final.get("status"),
        "listeners": listeners,
        "stored_events": len(stored),
        "listeners_with_every_stored_event_in_order": complete,
        "listeners_with_gapless_ids": ordered,
        "lost_events": sum(max(0, len(expected) - len(r["events"])) for r in results),
        "live_deliveries_measured": len(latencies),
        "delivery_latency_ms": {
            "p50": round(_pct(latencies, 0.50), 2),
            "p99": round(_pct(latencies, 0.99), 2),
            "max": round(max(latencies), 2) if latencies else None,
        },
        "slowest_events_of_one_listener": [
            {"latency_ms": round(ms, 1), "kind": kind, "task": task} for ms, kind, task in slowest
        ],
    }


# ---- load: the status endpoints under many concurrent keep-alive clients ----


def _cpu_s(pid: int) -> float:
    """User + system CPU seconds of a process so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def load_run(url: str, token: str, server_pid: int, args: argparse.Namespace) -> dict[str, Any]:
    n, extra = divmod(args.clients, args.generators)
    per = [n + (i < extra) for i in range(args.generators)]
    with tempfile.TemporaryDirectory(prefix="codeguild-bench-load-") as folder:
        outs = [Path(folder) / f"gen{i}.json" for i in range(len(per))]
        procs = [
            subprocess.Popen(
                [
                    sys.executable,
                    str(BENCH_DIR / "api_load.py"),
                    url,
                    "--header",
                    f"Authorization: Bearer {token}",
                    "--clients",
                    str(clients),
                    "--warmup",
                    str(args.warmup),
                    "--duration",
                    str(args.duration),
                    "--client",
                    args.client,
                    "--out",
                    str(out),
                ]
            )
            for clients, out in zip(per, outs, strict=True)
        ]
        load_before = os.getloadavg()[0]
        cpu_before = _cpu_s(server_pid)
        for proc in procs:
            if proc.wait(timeout=args.duration + args.warmup + 120) != 0:
                raise RuntimeError("a load generator failed")
        server_cpu = _cpu_s(server_pid) - cpu_before
        outputs = [json.loads(out.read_text()) for out in outs]
    latencies = [x for o in outputs for x in o["latencies_ms"]]
    statuses: dict[str, int] = {}
    for o in outputs:
        for code, n in o["statuses"].items():
            statuses[code] = statuses.get(code, 0) + n
    ok = statuses.get("200", 0)
    return {
        "requests": len(latencies),
        "rps": round(len(latencies) / args.duration, 1),
        "p50_ms": round(_pct(latencies, 0.50), 2),
        "p90_ms": round(_pct(latencies, 0.90), 2),
        "p99_ms": round(_pct(latencies, 0.99), 2),
        "errors": len(latencies) - ok + sum(o["dropped_connections"] for o in outputs),
        "statuses": statuses,
        "generator_cpu_s": round(sum(o["cpu_s"] for o in outputs), 2),
        # includes the warm-up: the server's CPU per request, whatever the machine's load
        "server_cpu_us_per_request": round(
            server_cpu / (len(latencies) * (1 + args.warmup / args.duration)) * 1e6, 1
        ),
        "loadavg_1m_before": round(load_before, 2),
    }


def summarise(runs: list[dict[str, Any]]) -> dict[str, Any]:
    def med(key: str) -> float:
        return round(statistics.median(r[key] for r in runs), 2)

    return {
        "median": {
            k: med(k)
            for k in ("rps", "p50_ms", "p90_ms", "p99_ms", "errors", "server_cpu_us_per_request")
        },
        "runs": runs,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description="API speed benchmark")
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--duration", type=float, default=8.0, help="seconds measured per run")
    parser.add_argument("--warmup", type=float, default=2.0)
    parser.add_argument("--clients", type=int, default=100)
    parser.add_argument("--generators", type=int, default=1, help="load generator processes")
    parser.add_argument("--client", choices=("raw", "httpx"), default="raw")
    parser.add_argument("--listeners", type=int, default=50)
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args()

    with (
        tempfile.TemporaryDirectory(prefix="codeguild-bench-api-") as tmp,
        fresh_database(args.db, Path(tmp)) as db_url,
    ):
        env = {
            **os.environ,
            "CODEGUILD_DATABASE_URL": db_url,
            "CODEGUILD_DATA_DIR": str(Path(tmp) / "data"),
            "CODEGUILD_JWT_SECRET": "bench-" + uuid.uuid4().hex * 2,
            "CODEGUILD_PERSIST": "true",
        }
        env.pop("CODEGUILD_REDIS_URL", None)
        subprocess.run(
            [sys.executable, "-m", "codeguild", "db", "upgrade"],
            env=env,
            check=True,
            capture_output=True,
        )
        subprocess.run(
            [
                sys.executable,
                "-m",
                "codeguild",
                "users",
                "add",
                USER,
                "--role",
                "developer",
                "--password",
                PASSWORD,
            ],
            env=env,
            check=True,
            capture_output=True,
        )
        port = _free_port()
        base = f"http://127.0.0.1:{port}"
        with running_server(env, port) as server:
            login = httpx.post(
                f"{base}/api/auth/token", json={"username": USER, "password": PASSWORD}
            )
            login.raise_for_status()
            token = login.json()["access_token"]
            headers = {"Authorization": f"Bearer {token}"}
            # the first generation of a process also loads the intent models; the second shows
            # the steady state
            sse = {}
            for phase in ("first_generation", "second_generation"):
                sse[phase] = asyncio.run(sse_check(base, headers, db_url, args.listeners))
                print(f"sse {phase}: {json.dumps(sse[phase])}")
            pid = sse["second_generation"]["project_id"]
            endpoints = {
                "task_status": f"{base}/api/tasks/{pid}/status",
                "project_progress": f"{base}/api/projects/{pid}/progress",
                # for reference: a read of the same weight through FastAPI's routing and
                # dependencies (the two above take the pollers' fast lane)
                "project_via_fastapi_routing": f"{base}/api/projects/{pid}",
            }
            load: dict[str, Any] = {}
            for name, url in endpoints.items():
                runs = []
                for i in range(args.runs):
                    run = load_run(url, token, server.pid, args)
                    print(f"{name} run {i + 1}: {json.dumps(run)}")
                    runs.append(run)
                load[name] = summarise(runs)
                print(f"{name} median: {load[name]['median']}")
    status = load["task_status"]["median"]
    result = {
        "benchmark": "api",
        "server": "codeguild serve: uvicorn, one worker process, 127.0.0.1",
        "database": args.db,
        "load_generator": {
            "client": args.client,
            "processes": args.generators,
            "clients": args.clients,
            "http": "HTTP/1.1 keep-alive, one request in flight per connection",
            "warmup_s": args.warmup,
            "duration_s": args.duration,
            "runs": args.runs,
        },
        "machine": {
            "cpu_count": os.cpu_count(),
            "loadavg_1m_at_end": round(os.getloadavg()[0], 2),
            "python": platform.python_version(),
            "platform": platform.platform(),
        },
        "targets": {"rps": TARGET_RPS, "p99_ms": TARGET_P99_MS},
        "meets_targets": status["rps"] >= TARGET_RPS and status["p99_ms"] <= TARGET_P99_MS,
        "load": load,
        "sse": sse,
    }
    print(json.dumps({k: v for k, v in result.items() if k != "load"}, indent=2))
    if not args.no_write:
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        RESULTS.write_text(json.dumps(result, indent=2) + "\n")
        print(f"wrote {RESULTS.relative_to(BENCH_DIR.parent)}")


if __name__ == "__main__":
    main()
