"""The sandbox against hostile code: each test checks the sandbox held AND the host is intact."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import shutil
import socket
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from codeguild.quality import sandbox_host, sandbox_mounts
from codeguild.quality.sandbox import Sandbox, SandboxLimits
from codeguild.quality.testrun import run_tests

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the sandbox is Linux-only"),
]

FAST = SandboxLimits(cpu_s=10, memory_mb=1024, nproc=32, fsize_mb=8, wall_s=8.0)


@pytest.fixture(scope="module")
def box() -> Sandbox:
    return Sandbox()


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    root.mkdir()
    (root / "keep.txt").write_text("original\n")
    (root / "pkg").mkdir()
    (root / "pkg" / "mod.py").write_text("VALUE = 1\n")
    return root


@pytest.fixture
def host_dir() -> Iterator[Path]:
    """A root-owned directory every uid can traverse but only root can write; outside /tmp,
    which each confined run replaces with its own."""
    base = "/run" if os.access("/run", os.W_OK) else None
    path = Path(tempfile.mkdtemp(prefix="codeguild-host-", dir=base))
    path.chmod(0o755)
    yield path
    shutil.rmtree(path)


def _uid_switched(box: Sandbox) -> bool:
    return bool(box.isolation_report()["uid_switch"])


def _empty_group(group: Path) -> bool:
    try:
        return not (group / "cgroup.procs").read_text().strip()
    except OSError:
        return False  # removed meanwhile


def _procs_with(marker: str) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                cmdline = (entry / "cmdline").read_bytes()
            except OSError:
                continue
            if marker.encode() in cmdline:
                found.append(int(entry.name))
    return found


async def test_isolation_report_is_explicit(box: Sandbox) -> None:
    report = box.isolation_report()
    assert {"uid", "network", "pids_limit", "filesystem", "degraded_reasons"} <= set(report)
    assert report["network"] in ("namespace", "none-isolated")
    assert report["filesystem"] in ("mount-namespace", "copy-only")
    if report["filesystem"] == "copy-only":
        assert any("copy-only" in r for r in report["degraded_reasons"])  # type: ignore[attr-defined]
    if os.geteuid() == 0:
        assert report["uid_switch"] or report["degraded_reasons"], "root without a reason"


def _require_confined(box: Sandbox) -> None:
    report = box.isolation_report()
    if report["filesystem"] != "mount-namespace":
        pytest.skip(f"writes are not confined on this host: {report['degraded_reasons']}")


async def test_host_tmp_is_out_of_sight_and_the_box_stays_writable(
    box: Sandbox, project: Path
) -> None:
    _require_confined(box)
    host_file = Path(tempfile.mkdtemp(prefix="codeguild-host-")) / "host-only.txt"
    host_file.write_text("host /tmp content")
    code = (
        "import os, tempfile\n"
        f"print('host file visible:', os.path.exists({str(host_file)!r}))\n"
        "seen = [n for n in os.listdir('/tmp') if n.startswith('codeguild-host')]\n"
        "print('in /tmp:', seen)\n"
        "open('pkg/new.py', 'w').write('X = 2')\n"
        "with tempfile.NamedTemporaryFile(dir='/tmp') as handle:\n"
        "    handle.write(b'scratch')\n"
        "print('tmpdir', tempfile.gettempdir() == os.path.join(os.getcwd(), 'tmp'))\n"
    )
    try:
        result = await box.run(["python", "-c", code], project, collect=["pkg/new.py"])
    finally:
        shutil.rmtree(host_file.parent)
    assert result.exit_code == 0, result.stderr
    assert "host file visible: False" in result.stdout
    assert "in /tmp: []" in result.stdout
    assert "tmpdir True" in result.stdout
    assert result.files == {"pkg/new.py": "X = 2"}
    assert result.contained_writes == [] and "writes_contained" not in result.stopped_by


async def test_home_dirs_are_hidden_but_the_interpreter_stays_reachable(
    box: Sandbox, project: Path
) -> None:
    _require_confined(box)
    code = (
        "import os, sys\n"
        "print(sorted(os.listdir('/home')) if os.path.isdir('/home') else [])\n"
        "print(os.path.isdir(sys.base_prefix))\n"
    )
    result = await box.run(["python", "-c", code], project)
    assert result.exit_code == 0, result.stderr
    listed, reachable = result.stdout.splitlines()
    assert listed == "[]"
    assert reachable == "True"


async def test_confinement_degrades_with_a_recorded_reason(
    project: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    if os.geteuid() != 0:
        pytest.skip("the mount setup is only attempted as root")
    # A setup program that cannot start stands in for a host that refuses the mounts.
    monkeypatch.setattr(sandbox_mounts, "SETUP_SCRIPT", project / "missing-setup.py")
    monkeypatch.setattr(sandbox_host, "_PLANS", {})
    degraded = Sandbox(uid=65532)
    with caplog.at_level(logging.WARNING, logger="codeguild.quality.sandbox_host"):
        report = degraded.isolation_report()
    assert report["filesystem"] == "copy-only"
    [reason] = [r for r in report["degraded_reasons"] if "mount namespace" in r]  # type: ignore[attr-defined]
    assert "/tmp" in reason and "copy-only" in reason
    assert any("mount namespace" in r.getMessage() for r in caplog.records)
    result = await degraded.run(["python", "-c", "print('still runs')"], project)
    assert result.stdout.strip() == "still runs"
    assert result.isolation["filesystem"] == "copy-only"


async def test_fork_bomb_is_bounded_and_host_stays_responsive(box: Sandbox, project: Path) -> None:
    bomb = (
        "import os\nwhile True:\n    try:\n        os.fork()\n    except OSError:\n        pass\n"
    )
    limits = SandboxLimits(cpu_s=10, nproc=32, wall_s=4.0)
    # Other sandboxes on this host may come and go meanwhile: only new, empty groups are ours.
    groups_before = set(Path("/sys/fs/cgroup/pids").glob("codeguild-*"))
    run = asyncio.create_task(box.run(["python", "-c", bomb], project, limits=limits))
    await asyncio.sleep(1.5)
    started = time.perf_counter()
    probe = await asyncio.create_subprocess_exec(sys.executable, "-c", "print(1)")
    await probe.wait()
    assert time.perf_counter() - started < 3.0, "host starved by the fork bomb"
    result = await run
    assert result.timed_out
    assert result.duration_s < limits.wall_s + 3.0
    left = set(Path("/sys/fs/cgroup/pids").glob("codeguild-*")) - groups_before
    assert not [g for g in left if _empty_group(g)]


async def test_memory_hog_gets_memory_error(box: Sandbox, project: Path) -> None:
    hog = "x = bytearray(3 * 1024 ** 3)\nprint('allocated')"
    result = await box.run(["python", "-c", hog], project, limits=FAST)
    assert result.exit_code != 0
    assert "allocated" not in result.stdout
    assert "MemoryError" in result.stderr


async def test_infinite_loop_times_out_and_whole_group_is_killed(
    box: Sandbox, project: Path
) -> None:
    marker = "98765.4321"
    code = f"import subprocess\nsubprocess.Popen(['sleep', '{marker}'])\nwhile True:\n    pass\n"
    limits = SandboxLimits(cpu_s=30, wall_s=2.0)
    result = await box.run(["python", "-c", code], project, limits=limits)
    assert result.timed_out
    assert result.exit_code is None
    assert 2.0 <= result.duration_s < 5.0
    await asyncio.sleep(0.2)
    assert _procs_with(marker) == [], "a child of the killed run survived"


async def test_writing_outside_the_box_is_refused(
    box: Sandbox, project: Path, host_dir: Path
) -> None:
    if not _uid_switched(box):
        pytest.skip(f"no uid switch on this host: {box.isolation_report()['degraded_reasons']}")
    target = host_dir / "pwned.txt"
    code = f"open({str(target)!r}, 'w').write('x')"
    result = await box.run(["python", "-c", code], project, limits=FAST)
    assert result.exit_code != 0
    # Refused by the read-only view of the host when confined, by permissions otherwise.
    assert "PermissionError" in result.stderr or "Read-only file system" in result.stderr
    assert "permission_denied" in result.stopped_by
    assert not target.exists()


async def test_reading_a_root_only_file_is_refused(
    box: Sandbox, project: Path, host_dir: Path
) -> None:
    if not _uid_switched(box):
        pytest.skip(f"no uid switch on this host: {box.isolation_report()['degraded_reasons']}")
    secret = host_dir / "secret.txt"
    secret.write_text("top-secret-value")
    secret.chmod(0o600)
    result = await box.run(["python", "-c", f"print(open({str(secret)!r}).read())"], project)
    assert result.exit_code != 0
    assert "top-secret-value" not in result.stdout
    assert "PermissionError" in result.stderr


async def test_no_network_to_a_listening_host_socket(box: Sandbox, project: Path) -> None:
    if box.isolation_report()["network"] != "namespace":
        pytest.skip("no network namespace on this host")
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    server.setblocking(False)
    port = server.getsockname()[1]
    try:
        # The listener works from the host: the refusal below is the sandbox's doing.
        socket.create_connection(("127.0.0.1", port), timeout=2).close()
        server.accept()[0].close()
        code = f"import socket\nsocket.create_connection(('127.0.0.1', {port}), timeout=3)"
        result = await box.run(["python", "-c", code], project, limits=FAST)
        assert result.exit_code != 0
        assert "OSError" in result.stderr or "Error" in result.stderr
        with pytest.raises(BlockingIOError):
            server.accept()
    finally:
        server.close()


async def test_environment_is_scrubbed(
    box: Sandbox, project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-parent-secret")
    monkeypatch.setenv("DATABASE_URL", "postgresql://u:p@db/x")
    code = "import json, os; print(json.dumps(dict(os.environ)))"
    result = await box.run(["python", "-c", code], project, env={"APP_MODE": "test"})
    env = json.loads(result.stdout)
    assert "OPENAI_API_KEY" not in env and "DATABASE_URL" not in env
    assert "sk-parent-secret" not in result.stdout
    assert env["APP_MODE"] == "test"
    assert env["PYTHONHASHSEED"] == "0"
    assert env["HOME"] == env["TMPDIR"].rsplit("/", 1)[0]


async def test_huge_file_write_hits_efbig(box: Sandbox, project: Path) -> None:
    code = (
        "import errno\ntry:\n    open('big.bin', 'wb').write(b'0' * (4 * 1024 * 1024))\n"
        "except OSError as exc:\n    print('errno', exc.errno == errno.EFBIG)\n"
    )
    limits = SandboxLimits(fsize_mb=1, wall_s=10.0)
    result = await box.run(["python", "-c", code], project, limits=limits)
    assert "errno True" in result.stdout


async def test_original_project_is_never_modified(box: Sandbox, project: Path) -> None:
    before = {p: p.read_bytes() for p in project.rglob("*") if p.is_file()}
    code = (
        "import os, shutil\nfor n in os.listdir('.'):\n"
        "    shutil.rmtree(n) if os.path.isdir(n) else os.remove(n)\n"
        "open('new.txt', 'w').write('x')\nprint(sorted(os.listdir('.')))"
    )
    result = await box.run(["python", "-c", code], project, collect=["new.txt"])
    assert result.exit_code == 0, result.stderr
    assert result.files == {"new.txt": "x"}
    assert {p: p.read_bytes() for p in project.rglob("*") if p.is_file()} == before


async def test_collect_does_not_follow_symlinks_out_of_the_box(
    box: Sandbox, project: Path, host_dir: Path
) -> None:
    secret = host_dir / "secret.txt"
    secret.write_text("host-only")
    code = f"import os; os.symlink({str(secret)!r}, 'report.xml')"
    result = await box.run(["python", "-c", code], project, collect=["report.xml"])
    assert result.exit_code == 0, result.stderr
    assert result.files == {}


async def test_degrades_with_a_recorded_reason_when_the_probe_fails(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if os.geteuid() != 0:
        pytest.skip("the uid-switch degrade path only exists when running as root")
    # A probe that cannot succeed stands in for an interpreter the uid cannot read.
    monkeypatch.setattr(sandbox_host, "_PROBE_CODE", "raise SystemExit(3)")
    monkeypatch.setattr(sandbox_host, "_PLANS", {})
    degraded = Sandbox(uid=65533)
    report = degraded.isolation_report()
    assert report["uid_switch"] is False
    assert report["interpreter"] == "host-root"
    assert any("65533" in r for r in report["degraded_reasons"])  # type: ignore[union-attr]
    result = await degraded.run(["python", "-c", "print('still runs')"], project)
    assert result.stdout.strip() == "still runs"
    assert result.isolation["degraded_reasons"] == report["degraded_reasons"]


def _test_project(root: Path, test_body: str) -> Path:
    (root / "calc").mkdir(parents=True)
    (root / "calc" / "__init__.py").write_text(
        "def add(a, b):\n    return a + b\n\n\ndef unused(a):\n    if a:\n        return 1\n"
        "    return 2\n"
    )
    (root / "tests").mkdir()
    (root / "tests" / "test_calc.py").write_text("from calc import add\n\n\n" + test_body)
    return root


async def test_run_tests_passing_project_with_coverage(tmp_path: Path, box: Sandbox) -> None:
    body = (
        "def test_add():\n    assert add(1, 2) == 3\n\n\n"
        "def test_add_neg():\n    assert add(-1, 1) == 0\n"
    )
    result = await run_tests(_test_project(tmp_path / "p", body), package="calc", sandbox=box)
    assert result.ok, result.output_tail
    assert (result.passed, result.failed, result.errors) == (2, 0, 0)
    assert result.coverage_percent is not None and 40.0 < result.coverage_percent < 100.0
    assert {t["name"] for t in result.tests} == {
        "tests.test_calc::test_add",
        "tests.test_calc::test_add_neg",
    }
    assert result.isolation["network"] == box.isolation_report()["network"]


async def test_run_tests_failing_project(tmp_path: Path, box: Sandbox) -> None:
    body = (
        "def test_ok():\n    assert add(1, 1) == 2\n\n\n"
        "def test_bad():\n    assert add(2, 2) == 5\n"
    )
    result = await run_tests(_test_project(tmp_path / "p", body), sandbox=box)
    assert not result.ok
    assert (result.passed, result.failed) == (1, 1)
    [failed] = [t for t in result.tests if t["outcome"] == "failed"]
    assert failed["name"] == "tests.test_calc::test_bad"
    assert "assert 4 == 5" in str(failed["message"])
    assert result.coverage_percent is None


async def test_run_tests_with_tmp_path_and_scratch_files(tmp_path: Path, box: Sandbox) -> None:
    body = (
        "import os\nimport tempfile\n\n\n"
        "def test_tmp_path(tmp_path):\n"
        "    (tmp_path / 'f.txt').write_text('x')\n"
        "    assert (tmp_path / 'f.txt').read_text() == 'x'\n\n\n"
        "def test_scratch_in_tmp():\n"
        "    with tempfile.NamedTemporaryFile(dir='/tmp') as handle:\n"
        "        handle.write(b'y')\n"
        "    assert add(1, 1) == 2\n"
    )
    result = await run_tests(_test_project(tmp_path / "p", body), sandbox=box)
    assert result.ok, result.output_tail
    assert (result.passed, result.failed, result.errors) == (2, 0, 0)
    assert "writes_contained" not in result.stopped_by


async def test_run_tests_without_tests_fails_clearly(tmp_path: Path, box: Sandbox) -> None:
    (tmp_path / "p").mkdir()
    (tmp_path / "p" / "main.py").write_text("print('no tests here')\n")
    result = await run_tests(tmp_path / "p", sandbox=box)
    assert result.exit_code == 5
    assert not result.ok
    assert "no tests" in result.output_tail
