"""Redis failure paths, for real: nothing listening at start, and a server killed mid-run.

A private redis-server runs on a free 127.0.0.1 port, started and killed by the test.
"""

from __future__ import annotations

import asyncio
import os
import shlex
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator

import pytest

from codeguild.store.memory import SharedMemoryStore, StoreUnavailableError, open_memory_store
from codeguild.store.memory.redis_backend import ReconnectPolicy, RedisBackend

REDIS_SERVER = shutil.which("redis-server")
# under CI a missing redis-server must fail (RedisProcess.start asserts), never skip
pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(
        REDIS_SERVER is None and os.environ.get("CI", "").lower() != "true",
        reason="redis-server is not installed",
    ),
]

FAST = ReconnectPolicy(retries=5, base_s=0.05, cap_s=0.4, connect_timeout_s=0.5)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class RedisProcess:
    """A throwaway redis-server on 127.0.0.1:port."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        assert REDIS_SERVER is not None, "redis-server is required (apt-get install redis-server)"
        args = f"--bind 127.0.0.1 --port {self.port} --save '' --appendonly no --daemonize no"
        self.proc = subprocess.Popen(
            [REDIS_SERVER, *shlex.split(args)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return
            except OSError:
                time.sleep(0.01)
        raise RuntimeError(f"redis-server did not start on port {self.port}")

    def kill(self) -> None:
        if self.proc is not None:
            self.proc.kill()
            self.proc.wait()
            self.proc = None


@pytest.fixture
def server() -> Iterator[RedisProcess]:
    proc = RedisProcess(free_port())
    proc.start()
    yield proc
    proc.kill()


def store_for(port: int, password: str | None = None) -> SharedMemoryStore:
    auth = f":{password}@" if password else ""
    backend = RedisBackend(f"redis://{auth}127.0.0.1:{port}/0", FAST)
    return SharedMemoryStore(backend, namespace="failover")


async def test_unreachable_at_start_names_the_url_masks_the_password_and_says_how_to_start() -> (
    None
):
    port = free_port()
    store = open_memory_store(f"redis://user:s3cret@127.0.0.1:{port}/0")
    started = time.monotonic()
    with pytest.raises(StoreUnavailableError) as info:
        await store.connect()
    assert time.monotonic() - started < 3
    message = str(info.value)
    assert info.value.code == "store_unavailable"
    assert f"redis://user:***@127.0.0.1:{port}/0" in message
    assert "s3cret" not in message
    assert f"redis-server --daemonize yes --bind 127.0.0.1 --port {port}" in message
    await store.close()


async def test_first_command_without_connect_also_reports_unreachable() -> None:
    store = store_for(free_port())
    with pytest.raises(StoreUnavailableError, match="Cannot reach Redis"):
        await store.get("k")
    await store.close()


async def test_reconnects_after_a_restart_then_fails_clearly_when_it_stays_down(
    server: RedisProcess,
) -> None:
    store = store_for(server.port)
    await store.connect()
    await store.set("before", 1)
    sub = await store.subscribe("events").start()

    # killed mid-run and back 0.3 s later: inside the retry budget, so the caller sees nothing
    server.kill()
    restart = asyncio.get_running_loop().run_in_executor(None, _restart_later, server, 0.3)
    await store.set("after", 2)
    await restart
    assert await store.get("after") == 2
    assert await store.incr("n") == 1

    # the subscription re-subscribed on its own after the reconnect
    async def delivered() -> bool:
        await store.publish("events", "after restart")
        try:
            return bool(await sub.get(timeout=0.1) == "after restart")
        except TimeoutError:
            return False

    deadline = time.monotonic() + 5
    while not await delivered():
        assert time.monotonic() < deadline, "subscription did not recover after the restart"

    # gone for good: bounded retries, then a clear error that names the URL and resume
    server.kill()
    started = time.monotonic()
    with pytest.raises(StoreUnavailableError) as info:
        await store.get("after")
    elapsed = time.monotonic() - started
    assert elapsed < FAST.worst_case_s() + 5 * FAST.connect_timeout_s + 1
    message = str(info.value)
    assert f"127.0.0.1:{server.port}" in message
    assert "codeguild resume" in message
    assert "5 attempts" in message
    await sub.aclose()
    await store.close()


async def test_subscription_ends_with_the_error_when_redis_stays_down(
    server: RedisProcess,
) -> None:
    store = store_for(server.port)
    await store.connect()
    async with store.subscribe("events") as sub:
        await store.publish("events", "one")
        assert await sub.get(timeout=2) == "one"
        server.kill()
        with pytest.raises(StoreUnavailableError, match="Lost the connection"):
            await sub.get(timeout=FAST.worst_case_s() + 5)
    await store.close()


def _restart_later(server: RedisProcess, delay_s: float) -> None:
    time.sleep(delay_s)
    server.start()
