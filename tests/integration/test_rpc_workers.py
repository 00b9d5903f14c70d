"""Real processes on 127.0.0.1: an orchestrating `codeguild generate --grpc-port` and
`codeguild worker` processes; the same project as in-process, a worker killed mid-task,
and workers refused for a wrong protocol version or an unknown role."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import conftest_store
import pytest

from codeguild.report import REPORT_JSON, REPORT_MD
from codeguild.rpc.executor import DELAY_ENV
from codeguild.rpc.roles import KNOWN_ROLES
from codeguild.store.db import Store

pytestmark = pytest.mark.integration

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
from examples import EXAMPLES  # noqa: E402

BOOKSTORE = EXAMPLES["bookstore"]
ALL_ROLES = ",".join(KNOWN_ROLES)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


database_url = conftest_store.database_url


def _env(tmp_path: Path, database_url: str | None = None, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CODEGUILD_")}
    env.update(
        {
            "CODEGUILD_DATABASE_URL": database_url or f"sqlite+aiosqlite:///{tmp_path / 'runs.db'}",
            "CODEGUILD_BLOB_DIR": str(tmp_path / "blobs"),
            "CODEGUILD_GRPC_HEARTBEAT_S": "0.5",
            "CODEGUILD_GRPC_HEARTBEAT_TIMEOUT_S": "3",
            "CODEGUILD_REMOTE_WAIT_S": "60",
            "COLUMNS": "400",
        }
    )
    env.update(extra)
    return env


def _codeguild(*args: str) -> list[str]:
    return [sys.executable, "-m", "codeguild", *args]


class Workers:
    """`codeguild worker` processes, stopped (SIGTERM, then SIGKILL) at the end."""

    def __init__(self, tmp_path: Path) -> None:
        self.tmp_path = tmp_path
        self.procs: dict[str, subprocess.Popen[bytes]] = {}

    def start(self, name: str, port: int, env: dict[str, str], *extra: str) -> None:
        log = (self.tmp_path / f"{name}.log").open("wb")
        self.procs[name] = subprocess.Popen(
            _codeguild(
                "worker",
                "--roles",
                ALL_ROLES,
                "--orchestrator",
                f"127.0.0.1:{port}",
                "--name",
                name,
                *extra,
            ),
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )

    def log(self, name: str) -> str:
        return (self.tmp_path / f"{name}.log").read_text(errors="replace")

    def stop(self) -> None:
        for proc in self.procs.values():
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc in self.procs.values():
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


@pytest.fixture
def workers(tmp_path: Path) -> Iterator[Workers]:
    pool = Workers(tmp_path)
    yield pool
    pool.stop()


def _project(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and p.name not in (REPORT_JSON, REPORT_MD) and "__pycache__" not in p.parts
    }


def _comparable(report: dict[str, Any]) -> dict[str, Any]:
    """The report without what differs between any two runs (ids, times, paths, agent names)."""
    return {
        "status": report["status"],
        "stop_reason": report["stop_reason"],
        "intent": report["intent"],
        "plan": report["plan"],
        "files": report["files"],
        "tasks": [(t["name"], t["state"], t["summary"]) for t in report["tasks"]],
        "tests": {k: report["tests"][k] for k in ("passed", "failed", "errors")},
        "review": [(c["check"], c["passed"], len(c["findings"])) for c in report["review"]],
        "security": [(c["check"], c["passed"], len(c["findings"])) for c in report["security"]],
        "decision": report["decision"]["choice"],
    }


def _orchestrate(
    tmp_path: Path, out: Path, port: int, env: dict[str, str]
) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        _codeguild("generate", BOOKSTORE, "-o", str(out), "-q", "--json", "--grpc-port", str(port)),
        env=env,
        stdout=(tmp_path / "orchestrator.out").open("wb"),
        stderr=(tmp_path / "orchestrator.err").open("wb"),
    )


def test_three_workers_build_the_same_project_as_one_process(
    tmp_path: Path, workers: Workers
) -> None:
    local_env = _env(tmp_path)
    local = subprocess.run(
        _codeguild("generate", BOOKSTORE, "-o", str(tmp_path / "local"), "-q", "--json"),
        env=local_env,
        capture_output=True,
        timeout=600,
    )
    assert local.returncode == 0, local.stderr.decode()[-3000:]

    port = _free_port()
    env = _env(tmp_path, CODEGUILD_REMOTE_ROLES=ALL_ROLES)
    orchestrator = _orchestrate(tmp_path, tmp_path / "remote", port, env)
    for name in ("w1", "w2", "w3"):
        workers.start(name, port, env)
    assert orchestrator.wait(timeout=600) == 0, (tmp_path / "orchestrator.err").read_text()[-3000:]

    local_root, remote_root = tmp_path / "local/bookstore-api", tmp_path / "remote/bookstore-api"
    local_files, remote_files = _project(local_root), _project(remote_root)
    assert sorted(remote_files) == sorted(local_files)
    differing = [p for p in local_files if local_files[p] != remote_files[p]]
    assert differing == []
    local_report = json.loads((local_root / REPORT_JSON).read_text())
    remote_report = json.loads((remote_root / REPORT_JSON).read_text())
    assert _comparable(remote_report) == _comparable(local_report)
    # every task really ran on a worker, and the work was spread over them
    agents = {t["name"]: t["agent"] for t in remote_report["tasks"]}
    assert all("@w" in agent for agent in agents.values()), agents
    assert len({agent.split("@")[1] for agent in agents.values()}) >= 2, agents


def test_a_worker_killed_mid_task_loses_nothing(
    tmp_path: Path, workers: Workers, database_url: str
) -> None:
    port = _free_port()
    env = _env(tmp_path, database_url, CODEGUILD_REMOTE_ROLES="tester,reviewer,security")
    orchestrator = _orchestrate(tmp_path, tmp_path / "remote", port, env)
    slow = {**env, DELAY_ENV: "run_tests=6"}  # test hook: run_tests waits before it starts
    for name in ("w1", "w2", "w3"):
        workers.start(name, port, slow)
    victim = None
    deadline = time.monotonic() + 300
    while victim is None and time.monotonic() < deadline:
        assert orchestrator.poll() is None, (tmp_path / "orchestrator.err").read_text()[-3000:]
        victim = next(
            (n for n in workers.procs if "test delay task=run_tests" in workers.log(n)), None
        )
        time.sleep(0.1)
    assert victim is not None, "no worker started run_tests"
    workers.procs[victim].send_signal(signal.SIGKILL)
    workers.procs[victim].wait(timeout=10)

    assert orchestrator.wait(timeout=600) == 0, (tmp_path / "orchestrator.err").read_text()[-3000:]
    report = json.loads((tmp_path / "remote/bookstore-api" / REPORT_JSON).read_text())
    run_tests = next(t for t in report["tasks"] if t["name"] == "run_tests")
    assert run_tests["state"] == "succeeded"
    assert not run_tests["agent"].endswith(f"@{victim}")
    assert run_tests["attempts"] == 1  # re-queued, not charged against its retries

    async def recorded() -> tuple[list[Any], list[Any]]:
        store = await Store.open(env["CODEGUILD_DATABASE_URL"], blob_dir=tmp_path / "blobs")
        try:
            (run,) = await store.runs.list()
            attempts = await store.tasks.attempts(run.id)
            return list(attempts), [e.event for e in await store.events.list(run.id)]
        finally:
            await store.close()

    rows, events = asyncio.run(recorded())
    succeeded: dict[str, int] = {}
    for row in rows:
        if row.state == "succeeded":
            succeeded[row.task] = succeeded.get(row.task, 0) + 1
    assert succeeded == {t["name"]: 1 for t in report["tasks"]}
    killed = [r for r in rows if r.task == "run_tests" and r.agent == f"tester@{victim}"]
    assert len(killed) == 1 and killed[0].state != "succeeded"
    # the lost attempt is closed with why, not left "running" for ever
    assert killed[0].state == "cancelled" and killed[0].finished_at is not None
    assert killed[0].error == "interrupted: unhealthy"
    assert not [r for r in rows if r.finished_at is None]
    # the remote agents' progress became the run's events, and the loss is on record
    progress = [e for e in events if e.kind == "progress" and e.task == "run_tests"]
    assert any("sandbox" in e.message and "@w" in (e.agent or "") for e in progress)
    retried = [e for e in events if e.kind == "retrying" and e.task == "run_tests"]
    assert retried and f"tester@{victim}" in retried[0].message


def _squash(text: str) -> str:
    return " ".join(text.split())


def test_wrong_version_and_unknown_role_are_refused_clearly(
    tmp_path: Path, workers: Workers
) -> None:
    port = _free_port()
    env = _env(tmp_path, CODEGUILD_REMOTE_ROLES="tester", CODEGUILD_REMOTE_WAIT_S="15")
    orchestrator = _orchestrate(tmp_path, tmp_path / "remote", port, env)

    old = subprocess.run(
        _codeguild(
            "worker",
            "--roles",
            "tester",
            "--orchestrator",
            f"127.0.0.1:{port}",
            "--protocol-version",
            "99",
        ),
        env=env,
        capture_output=True,
        timeout=60,
    )
    assert old.returncode == 2
    message = _squash(old.stderr.decode())
    assert "[worker_refused]" in message
    assert "this orchestrator speaks version 1, the worker" in message
    assert "speaks version 99" in message

    painter = subprocess.run(
        _codeguild("worker", "--roles", "tester,painter", "--orchestrator", f"127.0.0.1:{port}"),
        env=env,
        capture_output=True,
        timeout=60,
    )
    assert painter.returncode == 2
    message = _squash(painter.stderr.decode())
    assert "[unknown_role]" in message
    assert "Unknown role 'painter'; known roles: " + ", ".join(KNOWN_ROLES) in message

    # with no acceptable worker, the orchestrating run stops with a clear error
    assert orchestrator.wait(timeout=120) != 0
    error = _squash((tmp_path / "orchestrator.err").read_text())
    assert "No worker registered for the remote role(s) tester within 15s" in error
