"""Two `codeguild serve` processes on one PostgreSQL database: one is killed (kill -9) or stopped
(SIGTERM) mid-run and the other finishes the run; every task succeeds exactly once."""

from __future__ import annotations

import asyncio
import io
import os
import signal
import socket
import subprocess
import sys
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import conftest_store
import httpx
import pytest
from sqlalchemy import func, select

from codeguild.recording import CRASH_ENV
from codeguild.store.db import Store, upgrade_sync
from codeguild.store.db.models import task_attempts, tasks

pytestmark = pytest.mark.integration

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from bench.examples import EXAMPLES  # noqa: E402

PASSWORD = "replica-test-password"
SECRET = "replica-test-signing-key-" + "x" * 40
RUN_TIMEOUT_S = 300.0


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Replica:
    """One `codeguild serve` process on its own ports and data folder."""

    def __init__(self, name: str, url: str, root: Path, **env: str) -> None:
        self.name = name
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = root / f"{name}.log"
        self.data_dir = root / f"data-{name}"
        inherited = {k: v for k, v in os.environ.items() if k != CRASH_ENV}
        self.env = {
            **inherited,
            "CODEGUILD_DATABASE_URL": url,
            "CODEGUILD_BLOB_DIR": str(root / "blobs"),
            "CODEGUILD_DATA_DIR": str(self.data_dir),
            "CODEGUILD_JWT_SECRET": SECRET,
            "CODEGUILD_REPLICA_ID": name,
            # short enough for a quick takeover, long enough for the pauses of a loaded machine
            "CODEGUILD_RUN_LEASE_S": "10",
            "CODEGUILD_RUN_LEASE_RENEW_S": "1",
            "CODEGUILD_RECOVERY_INTERVAL_S": "0.5",
            "CODEGUILD_GRPC_SERVE": "false",
            "CODEGUILD_GRPC_PORT": str(_free_port()),
            **env,
        }
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> Replica:
        with self.log.open("ab") as log:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "codeguild", "serve", "--port", str(self.port)],
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            assert self.proc.poll() is None, self.tail()
            try:
                if httpx.get(f"{self.base}/ready", timeout=2).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        raise AssertionError(f"{self.name} did not become ready:\n{self.tail()}")

    def wait(self, timeout: float) -> int:
        assert self.proc is not None
        return self.proc.wait(timeout=timeout)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=10)

    def tail(self, chars: int = 4000) -> str:
        return self.log.read_text(errors="replace")[-chars:] if self.log.exists() else ""

    def client(self) -> httpx.Client:
        client = httpx.Client(base_url=self.base, timeout=30)
        token = client.post("/api/auth/token", json={"username": "dev", "password": PASSWORD})
        assert token.status_code == 200, token.text
        client.headers["Authorization"] = f"Bearer {token.json()['access_token']}"
        return client


@pytest.fixture
def database_url() -> Iterator[str]:
    for url in conftest_store.fresh_postgres_database():
        upgrade_sync(url)
        from codeguild.api.admin import add_user

        asyncio.run(add_user("dev", PASSWORD, "developer", database_url=url))
        yield url


@pytest.fixture
def replicas() -> Iterator[list[Replica]]:
    started: list[Replica] = []
    yield started
    for replica in started:
        replica.stop()


def _wait_finished(client: httpx.Client, project_id: str, owner: Replica) -> dict[str, Any]:
    deadline = time.monotonic() + RUN_TIMEOUT_S
    while time.monotonic() < deadline:
        body = client.get(f"/api/projects/{project_id}").json()
        if body["status"] in ("succeeded", "failed", "cancelled"):
            return dict(body)
        time.sleep(0.5)
    raise AssertionError(f"the run did not finish on {owner.name}:\n{owner.tail()}")


def _zip_files(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


async def _ledger(url: str, run_id: str) -> tuple[dict[str, int], dict[str, str], Any]:
    """Successful attempts per task, each task's state, and the run record."""
    async with await Store.open(url, upgrade=False) as store:
        async with store.db.engine.connect() as conn:
            wins = dict(
                (
                    await conn.execute(
                        select(task_attempts.c.task, func.count())
                        .where(
                            task_attempts.c.run_id == run_id,
                            task_attempts.c.state == "succeeded",
                        )
                        .group_by(task_attempts.c.task)
                    )
                ).all()
            )
            states = dict(
                (
                    await conn.execute(
                        select(tasks.c.name, tasks.c.state).where(tasks.c.run_id == run_id)
                    )
                ).all()
            )
        return wins, states, await store.runs.get(run_id)


def _submit(replica: Replica) -> tuple[httpx.Client, str]:
    client = replica.client()
    created = client.post("/api/projects/generate", json={"requirement": EXAMPLES["bookstore"]})
    assert created.status_code == 202, created.text
    return client, created.json()["id"]


def _check_exactly_once(url: str, project_id: str, new_owner: str) -> None:
    wins, states, run = asyncio.run(_ledger(url, project_id))
    assert states and set(states.values()) == {"succeeded"}, states
    assert wins == dict.fromkeys(states, 1), wins  # each task succeeded exactly once
    assert str(run.status) == "succeeded" and run.report is not None
    assert run.fencing_token >= 2  # taken over once at least: the first owner is fenced out
    assert run.lease_owner is None  # released when the project was recorded
    assert f"data-{new_owner}" in run.report["output_dir"]  # written by the new owner


def test_a_killed_replicas_run_is_finished_by_the_other(
    database_url: str, replicas: list[Replica], tmp_path: Path
) -> None:
    a = Replica("replica-a", database_url, tmp_path, **{CRASH_ENV: "after_tasks:3"})
    b = Replica("replica-b", database_url, tmp_path)
    replicas += [a.start(), b.start()]

    _, project_id = _submit(a)
    assert a.wait(timeout=RUN_TIMEOUT_S) == -signal.SIGKILL, a.tail()

    b_client = b.client()
    done = _wait_finished(b_client, project_id, b)
    assert done["status"] == "succeeded", (done, b.tail())
    progress = b_client.get(f"/api/projects/{project_id}/progress").json()
    assert progress["percent"] == 100.0
    assert {t["state"] for t in progress["tasks"]} == {"succeeded"}, progress
    assert "taking over run=" + project_id in b.tail(200_000)

    zipped = b_client.get(f"/api/projects/{project_id}/artifacts.zip")
    assert zipped.status_code == 200, zipped.text
    from_b = _zip_files(zipped.content)
    assert any(name.endswith("/README.md") for name in from_b), sorted(from_b)
    _check_exactly_once(database_url, project_id, b.name)

    # a third replica that never saw the run serves the same files, from the database
    c = Replica("replica-c", database_url, tmp_path)
    replicas.append(c.start())
    c_client = c.client()
    listing = c_client.get(f"/api/projects/{project_id}/artifacts").json()
    assert {f["path"] for f in listing["files"]} == {n.split("/", 1)[1] for n in from_b}
    from_c = _zip_files(c_client.get(f"/api/projects/{project_id}/artifacts.zip").content)
    assert from_c == from_b


def test_a_stopped_replica_hands_its_run_over_at_once(
    database_url: str, replicas: list[Replica], tmp_path: Path
) -> None:
    """A rolling upgrade: SIGTERM releases the lease, so the other replica resumes the run
    without waiting for the (here long) lease to expire."""
    slow = {"CODEGUILD_RUN_LEASE_S": "120", "CODEGUILD_RUN_LEASE_RENEW_S": "5"}
    a = Replica("replica-a", database_url, tmp_path, **slow)
    b = Replica("replica-b", database_url, tmp_path, **slow)
    replicas += [a.start(), b.start()]

    a_client, project_id = _submit(a)
    deadline = time.monotonic() + RUN_TIMEOUT_S
    while time.monotonic() < deadline:  # stop it once some work is done, but not all
        progress = a_client.get(f"/api/projects/{project_id}/progress").json()
        if [t["state"] for t in progress["tasks"]].count("succeeded") >= 2:
            break
        time.sleep(0.05)
    assert a.proc is not None
    stopped_at = time.monotonic()
    a.proc.send_signal(signal.SIGTERM)
    assert a.wait(timeout=60) in (0, -signal.SIGTERM), a.tail()  # uvicorn re-raises it

    assert "handed run=" + project_id in a.tail(200_000)
    while "taking over run=" + project_id not in b.tail(200_000):
        # within a recovery interval or so, not after the 120 s lease ran out
        assert time.monotonic() - stopped_at < 20, b.tail()
        time.sleep(0.1)
    done = _wait_finished(b.client(), project_id, b)
    assert done["status"] == "succeeded", (done, b.tail())
    _check_exactly_once(database_url, project_id, b.name)
