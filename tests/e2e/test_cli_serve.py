"""`codeguild users add` then `codeguild serve`, as an operator starts the service."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

pytestmark = pytest.mark.e2e


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_first_admin_then_serve_and_log_in(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "CODEGUILD_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'api.db'}",
        "CODEGUILD_DATA_DIR": str(tmp_path / "data"),
    }
    cli = [sys.executable, "-m", "codeguild"]
    added = subprocess.run(
        [*cli, "users", "add", "root-admin", "--password", "a long passphrase"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert added.returncode == 0, added.stderr
    again = subprocess.run(
        [*cli, "users", "add", "root-admin", "--password", "a long passphrase"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert again.returncode == 2 and "Traceback" not in again.stderr

    port = _free_port()
    server = subprocess.Popen(
        [*cli, "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert server.poll() is None, server.stderr.read() if server.stderr else ""
            assert time.monotonic() < deadline, "the server did not come up"
            time.sleep(0.2)
        token = httpx.post(
            f"{base}/api/auth/token",
            json={"username": "root-admin", "password": "a long passphrase"},
            timeout=10,
        )
        assert token.status_code == 200, token.text
        me = httpx.get(
            f"{base}/api/agents/status",
            headers={"Authorization": f"Bearer {token.json()['access_token']}"},
            timeout=10,
        )
        assert me.status_code == 200, me.text
        assert httpx.get(f"{base}/", timeout=10).status_code == 200
    finally:
        server.terminate()
        server.wait(timeout=20)
