"""`codeguild serve` serves gRPC for workers next to the API; a worker joins and, on SIGTERM,
deregisters and exits cleanly; a worker that cannot reach its orchestrator keeps trying."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

pytestmark = pytest.mark.integration


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait(check: Callable[[], bool], what: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def _healthy(url: str) -> bool:
    try:
        return httpx.get(url, timeout=1.0).status_code == 200
    except httpx.HTTPError:
        return False


def test_serve_accepts_workers_that_leave_cleanly_on_sigterm(tmp_path: Path) -> None:
    api_port, grpc_port = _free_port(), _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("CODEGUILD_")}
    env.update(
        {
            "CODEGUILD_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'api.db'}",
            "CODEGUILD_BLOB_DIR": str(tmp_path / "blobs"),
            "CODEGUILD_DATA_DIR": str(tmp_path / "data"),
            "CODEGUILD_GRPC_HEARTBEAT_S": "0.3",
        }
    )
    worker_log = tmp_path / "worker.log"
    # the worker starts first: it must keep retrying until the orchestrator is up
    worker = subprocess.Popen(
        [sys.executable, "-m", "codeguild", "worker", "--roles", "reviewer,security",
         "--orchestrator", f"127.0.0.1:{grpc_port}", "--name", "early"],
        env=env, stdout=worker_log.open("wb"), stderr=subprocess.STDOUT,
    )  # fmt: skip
    serve_log = tmp_path / "serve.log"
    server: subprocess.Popen[bytes] | None = None

    def start_server() -> subprocess.Popen[bytes]:
        return subprocess.Popen(
            [sys.executable, "-m", "codeguild", "serve", "--port", str(api_port),
             "--grpc-port", str(grpc_port)],
            env=env, stdout=serve_log.open("ab"), stderr=subprocess.STDOUT,
        )  # fmt: skip

    def logged(text: str) -> int:
        return worker_log.read_text().count(text)

    try:
        _wait(lambda: logged("orchestrator unreachable call=register") > 0, "retry")
        server = start_server()
        _wait(lambda: _healthy(f"http://127.0.0.1:{api_port}/health"), "the API")
        _wait(lambda: logged("worker registered id=early") == 1, "registration")
        time.sleep(1.0)  # a few heartbeats
        # the orchestrator restarts: the worker keeps trying, then registers with the new one
        server.send_signal(signal.SIGTERM)
        assert server.wait(timeout=30) in (0, -signal.SIGTERM)  # uvicorn re-raises the signal
        _wait(lambda: logged("orchestrator unreachable call=heartbeat") > 0, "heartbeat retry")
        server = start_server()
        _wait(lambda: logged("does not know this worker; registering again") == 1, "re-register")
        _wait(lambda: logged("worker registered id=early") == 2, "second registration")
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(timeout=30) == 0
        text = worker_log.read_text()
        assert "worker deregistered id=early" in text
    finally:
        for proc in (worker, server):
            if proc is not None and proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
                try:
                    proc.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    proc.kill()
