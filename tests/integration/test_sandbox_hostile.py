"""The hostile corpus (tests/data/hostile): for each attack, the sandbox returns within its limit,
the host is unharmed (checked after the run) and the result names what was stopped and why."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import socket
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from codeguild.quality.sandbox import Sandbox, SandboxLimits, SandboxResult
from codeguild.quality.testrun import run_tests

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the sandbox is Linux-only"),
]

CORPUS = Path(__file__).resolve().parents[1] / "data" / "hostile"
FAST = SandboxLimits(cpu_s=5, memory_mb=512, nproc=32, fsize_mb=8, wall_s=8.0)


@pytest.fixture(scope="module")
def box() -> Sandbox:
    return Sandbox()


def visible_base() -> str | None:
    """Where a host folder stays in the sandbox's view: each run gets a /tmp of its own."""
    return "/run" if os.access("/run", os.W_OK) else None


@pytest.fixture
def host_dir() -> Iterator[Path]:
    """A root-owned folder every uid may enter but only its owner may change."""
    path = Path(tempfile.mkdtemp(prefix="codeguild-host-", dir=visible_base()))
    path.chmod(0o755)
    yield path
    shutil.rmtree(path)


def _corpus_digest() -> dict[str, bytes]:
    return {str(p): p.read_bytes() for p in CORPUS.rglob("*") if p.is_file()}


@pytest.fixture(autouse=True)
def corpus_untouched() -> Iterator[None]:
    """Whatever the attack did in its box, the folder it was copied from is unchanged."""
    before = _corpus_digest()
    yield
    assert _corpus_digest() == before


def _require(box: Sandbox, key: str, wanted: object) -> None:
    report = box.isolation_report()
    if report[key] != wanted:
        pytest.skip(f"{key} is {report[key]!r} here: {report['degraded_reasons']}")


def _procs_with(marker: str) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if marker.encode() in (entry / "cmdline").read_bytes():
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


async def _attack(
    box: Sandbox, name: str, *args: str, limits: SandboxLimits = FAST
) -> SandboxResult:
    return await box.run(["python", "attack.py", *args], CORPUS / name, limits=limits)


async def test_fork_bomb_is_held_by_the_pids_limit(box: Sandbox) -> None:
    marker = f"bomb-{uuid.uuid4().hex}"
    limits = SandboxLimits(cpu_s=10, nproc=32, wall_s=3.0)
    run = asyncio.create_task(_attack(box, "fork_bomb", marker, limits=limits))
    await asyncio.sleep(1.5)
    assert len(_procs_with(marker)) <= limits.nproc + 2
    started = time.perf_counter()
    probe = await asyncio.create_subprocess_exec(sys.executable, "-c", "pass")
    await probe.wait()
    assert time.perf_counter() - started < 3.0, "host starved by the fork bomb"
    result = await run
    assert result.duration_s < limits.wall_s + 3.0
    assert "wall_timeout" in result.stopped_by and "pids_limit" in result.stopped_by
    await asyncio.sleep(0.2)
    assert _procs_with(marker) == [], "a forked child outlived the run"


async def test_infinite_loop_is_stopped_by_the_cpu_limit(box: Sandbox) -> None:
    limits = SandboxLimits(cpu_s=1, wall_s=10.0)
    result = await _attack(box, "infinite_loop", limits=limits)
    assert result.duration_s < 5.0
    assert result.exit_code == -24  # SIGXCPU
    assert result.stopped_by == ["cpu_limit (SIGXCPU)"]


async def test_memory_blowup_gets_memory_error(box: Sandbox) -> None:
    result = await _attack(box, "memory_blowup", limits=SandboxLimits(memory_mb=384, wall_s=10))
    assert result.exit_code == 1 and not result.timed_out
    assert "MemoryError" in result.stderr
    assert "memory_limit" in result.stopped_by
    assert "allocated 384 MiB" not in result.stdout


async def test_100mb_file_write_is_cut_at_the_file_size_limit(box: Sandbox, tmp_path: Path) -> None:
    boxes_before = set(Path(tempfile.gettempdir()).glob("codeguild-box-*"))
    result = await _attack(box, "big_file")
    assert "wrote 100 MB" not in result.stdout
    assert "file_size_limit" in result.stopped_by
    assert not (CORPUS / "big_file" / "big.bin").exists()
    leftover = set(Path(tempfile.gettempdir()).glob("codeguild-box-*")) - boxes_before
    assert not leftover, "the box (with its 8 MB file) was not removed"


async def test_socket_to_a_host_listener_is_refused(box: Sandbox) -> None:
    _require(box, "network", "namespace")
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    server.setblocking(False)
    try:
        result = await _attack(box, "socket_local", str(server.getsockname()[1]))
        assert result.exit_code != 0 and "connected" not in result.stdout
        assert "network_blocked" in result.stopped_by
        with pytest.raises(BlockingIOError):
            server.accept()  # nothing ever reached the listener
    finally:
        server.close()


async def test_socket_to_a_public_address_fails_fast(box: Sandbox) -> None:
    # Skipped without a namespace: this test must never send real traffic from the host.
    _require(box, "network", "namespace")
    result = await _attack(box, "socket_public", "1.1.1.1", "53")
    assert result.exit_code != 0 and "connected" not in result.stdout
    assert result.duration_s < 2.0, "the connect waited instead of failing at once"
    assert "network_blocked" in result.stopped_by


async def test_ssh_keys_and_environment_secrets_stay_out_of_reach(
    box: Sandbox, host_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _require(box, "uid_switch", True)
    home = host_dir / "home"
    (home / ".ssh").mkdir(parents=True)
    key = home / ".ssh" / "id_rsa"
    key.write_text("-----FAKE KEY codeguild-hostile-test-----\n")
    key.chmod(0o600)
    home.chmod(0o700)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "host-secret-value-123")
    monkeypatch.setenv("CODEGUILD_LLM_API_KEY", "host-llm-key-456")
    result = await _attack(box, "read_secrets", str(key))
    loot = json.loads(result.stdout)
    assert "codeguild-hostile-test" not in result.stdout
    assert str(loot[str(key)]).startswith("refused")
    assert "host-secret-value-123" not in result.stdout and "host-llm-key-456" not in result.stdout
    assert not any(name.startswith("CODEGUILD_") for name in loot["env"])  # type: ignore[union-attr]
    assert "permission_denied" in result.stopped_by
    assert key.read_text().startswith("-----FAKE KEY")


async def test_deleting_files_outside_the_box_is_refused(box: Sandbox, host_dir: Path) -> None:
    _require(box, "uid_switch", True)
    victim = host_dir / "precious.txt"
    victim.write_text("keep me")
    victim.chmod(0o666)  # even a world-writable file cannot be unlinked from a root-owned folder
    result = await _attack(box, "delete_outside", str(host_dir))
    assert "deleted" not in result.stdout
    assert victim.read_text() == "keep me"
    assert "permission_denied" in result.stopped_by


async def test_writes_outside_the_box_never_reach_the_host(box: Sandbox, host_dir: Path) -> None:
    _require(box, "filesystem", "mount-namespace")
    name = f"codeguild-left-{uuid.uuid4().hex[:12]}"
    victim = host_dir / "shared.log"
    victim.write_text("host log\n")
    victim.chmod(0o666)  # anyone may write it: only the read-only view keeps it intact
    boxes_before = set(Path(tempfile.gettempdir()).glob("codeguild-*"))
    result = await _attack(box, "write_outside", name, str(victim))
    outcome = json.loads(result.stdout)
    targets = [p for p in outcome if p != str(victim)]
    assert {f"{d}/{name}" for d in ("/tmp", "/var/tmp", "/dev/shm")} < set(targets)
    assert any(p.endswith("-beside-the-box") for p in targets)
    for path in targets:
        assert outcome[path] == "written", outcome  # the run sees its writes succeed ...
        assert not Path(path).exists(), f"{path} reached the host"  # ... the host never does
    assert victim.read_text() == "host log\n"
    assert "Read-only file system" in outcome[str(victim)]
    assert sorted(result.contained_writes) == sorted(targets)
    assert result.isolation["contained_writes"] == result.contained_writes
    assert "writes_contained" in result.stopped_by and "permission_denied" in result.stopped_by
    assert set(Path(tempfile.gettempdir()).glob("codeguild-*")) == boxes_before


async def test_a_test_that_never_ends_hits_the_wall_clock(box: Sandbox) -> None:
    limits = SandboxLimits(wall_s=4.0)
    result = await run_tests(CORPUS / "endless_test", sandbox=box, limits=limits)
    assert result.timed_out and not result.ok
    assert result.duration_s < limits.wall_s + 3.0
    assert result.stopped_by == ["wall_timeout"]
    assert "wall-clock" in result.output_tail


def _rss_bytes() -> int:
    return int(Path("/proc/self/statm").read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE")


async def test_1gb_of_output_is_truncated_without_buffering_it(box: Sandbox) -> None:
    baseline = _rss_bytes()
    peak = baseline
    limits = SandboxLimits(output_mb=2048, wall_s=30.0)
    run = asyncio.create_task(_attack(box, "output_flood", limits=limits))
    while not run.done():
        peak = max(peak, _rss_bytes())
        await asyncio.sleep(0.05)
    result = run.result()
    assert result.exit_code == 0
    assert result.stdout_bytes == 1024**3
    assert len(result.stdout) < 70 * 1024
    assert result.stopped_by == ["output_truncated"]
    assert peak - baseline < 100 * 1024 * 1024, "the host buffered the output"


async def test_output_beyond_the_limit_stops_the_run(box: Sandbox) -> None:
    result = await _attack(box, "output_flood", limits=SandboxLimits(output_mb=16))
    assert result.stdout_bytes < 1024**3
    assert result.stopped_by[0] == "output_limit"
    assert "output_truncated" in result.stopped_by
