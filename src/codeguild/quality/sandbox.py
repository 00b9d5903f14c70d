"""Running untrusted generated code: a throw-away copy, an unprivileged uid, no network, limits,
and (where the host allows) writes confined to the copy.

What the host allows is decided once in ``sandbox_host``; this module runs one command per call:
copy the project, launch, enforce the wall clock, kill everything left, read results back.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

from codeguild.errors import SandboxError
from codeguild.quality.sandbox_host import (
    NOBODY,
    PIDS_CGROUP,
    HostPlan,
    SandboxLimits,
    decode_exit,
    host_plan,
    launch_command,
    own_process_count,
    preexec_for,
    prepare_box,
    sandbox_env,
)
from codeguild.quality.sandbox_mounts import WRITES_CONTAINED, contained_writes, prepare_outside
from codeguild.quality.violations import RunEvidence, stopped_by

__all__ = ["NOBODY", "Sandbox", "SandboxLimits", "SandboxResult"]

log = logging.getLogger(__name__)

OUTPUT_TAIL_BYTES = 64 * 1024
COLLECT_MAX_BYTES = 8 * 1024 * 1024
READ_CHUNK_BYTES = 1024 * 1024
_SIZE_SCAN_MAX_FILES = 20_000


@dataclass
class SandboxResult:
    exit_code: int | None
    stdout: str
    stderr: str
    timed_out: bool
    duration_s: float
    files: dict[str, str] = field(default_factory=dict)
    isolation: dict[str, object] = field(default_factory=dict)
    #: limits the run ran into (see ``codeguild.quality.violations``), e.g. ["wall_timeout"]
    stopped_by: list[str] = field(default_factory=list)
    stdout_bytes: int = 0
    stderr_bytes: int = 0
    #: files and dirs the run made outside its box (e.g. ``/tmp/x``), kept off the host
    contained_writes: list[str] = field(default_factory=list)


def _interpreter(argv: Sequence[str]) -> list[str]:
    if not argv:
        raise SandboxError("Sandbox.run got an empty argv.", hint="Pass the command to run.")
    return [sys.executable if argv[0] == "python" else argv[0], *argv[1:]]


def _make_cgroup(nproc: int) -> Path | None:
    path = PIDS_CGROUP / f"codeguild-{uuid.uuid4().hex[:12]}"
    try:
        path.mkdir()
        (path / "pids.max").write_text(str(nproc))
    except OSError as exc:
        log.warning("sandbox pids cgroup unavailable for this run: %s", exc)
        with contextlib.suppress(OSError):
            path.rmdir()
        return None
    return path


def _kill_cgroup_members(path: Path | None) -> None:
    """SIGKILL whatever is left in the cgroup: processes that escaped the process group."""
    if path is None:
        return
    for _ in range(50):
        try:
            pids = [int(p) for p in (path / "cgroup.procs").read_text().split()]
        except OSError:
            return
        if not pids:
            return
        for pid in pids:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, signal.SIGKILL)
        time.sleep(0.02)


def _remove_cgroup(path: Path | None) -> None:
    if path is None:
        return
    _kill_cgroup_members(path)
    for _ in range(50):
        try:
            path.rmdir()
            return
        except OSError:
            time.sleep(0.02)  # the kernel releases a cgroup a moment after its last process
    log.warning("sandbox could not remove cgroup %s", path)


def _clean_up(cgroup: Path | None, box: Path, outside: Path | None) -> None:
    _remove_cgroup(cgroup)
    shutil.rmtree(box, ignore_errors=True)
    if outside is not None:
        shutil.rmtree(outside, ignore_errors=True)


@dataclass
class _Output:
    """One captured stream: its bounded tail and how much the program really wrote."""

    text: str = ""
    total_bytes: int = 0
    truncated: bool = False


class _OutputBudget:
    """Bytes both streams of a run may still write before the run is killed."""

    def __init__(self, limit_bytes: int) -> None:
        self.left = limit_bytes
        self.exceeded = asyncio.Event()

    def spend(self, count: int) -> None:
        self.left -= count
        if self.left < 0:
            self.exceeded.set()


async def _tail(
    stream: asyncio.StreamReader | None, budget: _OutputBudget, limit: int = OUTPUT_TAIL_BYTES
) -> _Output:
    """Read a stream to its end, keeping only the last ``limit`` bytes (output can be endless)."""
    if stream is None:
        return _Output()
    buf = bytearray()
    total = 0
    while chunk := await stream.read(READ_CHUNK_BYTES):
        total += len(chunk)
        budget.spend(len(chunk))
        buf += chunk
        if len(buf) > 2 * limit:
            del buf[:-limit]
    dropped = total > limit
    text = bytes(buf[-limit:]).decode("utf-8", "replace")
    if dropped:
        text = f"[... {total} bytes of output truncated to the last {limit} ...]\n{text}"
    return _Output(text, total, dropped)


def _pids_limit_hits(path: Path | None) -> int:
    """How often a fork in the run's cgroup was refused by pids.max (the kernel counts them)."""
    if path is None:
        return 0
    try:
        for line in (path / "pids.events").read_text().splitlines():
            key, _, value = line.partition(" ")
            if key == "max":
                return int(value)
    except (OSError, ValueError):
        pass
    return 0


def _files_at_size_limit(box: Path, fsize_mb: int) -> int:
    """Files the run grew to RLIMIT_FSIZE: their writes were cut off there."""
    limit = fsize_mb * 1024 * 1024
    count = seen = 0
    for dirpath, _dirnames, filenames in os.walk(box):
        for name in filenames:
            seen += 1
            if seen > _SIZE_SCAN_MAX_FILES:
                return count  # a run that made this many files is not worth a full walk
            with contextlib.suppress(OSError):
                count += os.lstat(os.path.join(dirpath, name)).st_size >= limit
    return count


def _collect(box: Path, wanted: Sequence[str]) -> dict[str, str]:
    files: dict[str, str] = {}
    real_box = os.path.realpath(box)
    for rel in wanted:
        real = os.path.realpath(box / rel)
        # The sandboxed code owns the box: a symlink it planted must not make us read host files.
        if not real.startswith(real_box + os.sep) or not os.path.isfile(real):
            continue
        try:
            fd = os.open(real, os.O_RDONLY | os.O_NOFOLLOW)
            with os.fdopen(fd, "rb") as handle:
                files[rel] = handle.read(COLLECT_MAX_BYTES).decode("utf-8", "replace")
        except OSError as exc:
            log.warning("sandbox could not collect %s: %s", rel, exc)
    return files


class Sandbox:
    """Runs commands on a throw-away copy of a project with the best isolation the host offers."""

    def __init__(self, uid: int = NOBODY, gid: int | None = None) -> None:
        self.uid = uid
        self.gid = uid if gid is None else gid

    def isolation_report(self) -> dict[str, object]:
        """What this host gives a sandboxed run (probes on first use, then cached)."""
        return dict(host_plan(self.uid, self.gid).report)

    async def run(
        self,
        argv: Sequence[str],
        project_dir: Path,
        *,
        limits: SandboxLimits | None = None,
        env: Mapping[str, str] | None = None,
        collect: Sequence[str] = (),
    ) -> SandboxResult:
        """Run ``argv`` in a copy of ``project_dir``; ``argv[0] == "python"`` is our interpreter.

        ``collect`` names files (relative to the project) read back after the run. Raises
        SandboxError when the command could not be started at all.
        """
        limits = limits or SandboxLimits()
        command = _interpreter(argv)
        if not project_dir.is_dir():
            raise SandboxError(
                f"Project directory {project_dir} does not exist.",
                hint="Pass the folder that holds the generated project.",
            )
        for rel in collect:
            if Path(rel).is_absolute() or ".." in Path(rel).parts:
                raise SandboxError(
                    f"collect path {rel!r} points outside the project.",
                    hint="Name files relative to the project, without '..'.",
                )
        plan = await asyncio.to_thread(host_plan, self.uid, self.gid)
        parents = [str(Path(rel).parent) for rel in collect if Path(rel).parent != Path(".")]
        box = await asyncio.to_thread(prepare_box, project_dir, plan, parents)
        cgroup: Path | None = None
        outside: Path | None = None
        try:
            if plan.mounts is not None:
                outside = await asyncio.to_thread(prepare_outside, plan.mounts, box)
            cgroup = await asyncio.to_thread(_make_cgroup, limits.nproc) if plan.cgroup else None
            isolation = {**plan.report, "limits": asdict(limits)}
            if plan.cgroup and cgroup is None:
                isolation["pids_limit"] = "rlimit"
            nproc_base = await asyncio.to_thread(own_process_count) if plan.uid is None else 0
            return await self._execute(
                launch_command(plan, command, box, outside),
                (box, outside),
                plan,
                limits,
                env,
                collect,
                cgroup,
                nproc_base,
                time.perf_counter(),
                isolation,
            )
        finally:
            # One thread job: a second cancellation while awaiting it cannot skip a step.
            await asyncio.to_thread(_clean_up, cgroup, box, outside)

    async def _execute(
        self,
        cmd: list[str],
        dirs: tuple[Path, Path | None],
        plan: HostPlan,
        limits: SandboxLimits,
        env: Mapping[str, str] | None,
        collect: Sequence[str],
        cgroup: Path | None,
        nproc_base: int,
        started: float,
        isolation: dict[str, object],
    ) -> SandboxResult:
        box, outside = dirs
        try:
            proc = await asyncio.create_subprocess_exec(
                *cmd,
                cwd=str(box),
                env=sandbox_env(box, env),
                stdin=asyncio.subprocess.DEVNULL,
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.PIPE,
                start_new_session=True,
                preexec_fn=preexec_for(limits, plan, cgroup, nproc_base),
            )
        except (OSError, subprocess.SubprocessError) as exc:
            raise SandboxError(
                f"Could not start {cmd[0]!r} in the sandbox: {exc}",
                hint="Check that the command exists and the host allows the isolation setup.",
            ) from exc
        budget = _OutputBudget(limits.output_mb * 1024 * 1024)
        readers = asyncio.gather(_tail(proc.stdout, budget), _tail(proc.stderr, budget))
        try:
            timed_out = await _wait(proc, limits.wall_s, budget)
        finally:
            # Always, not only on timeout: children left behind must not outlive the run.
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(proc.pid, signal.SIGKILL)
            await proc.wait()
            await asyncio.to_thread(_kill_cgroup_members, cgroup)
        try:
            out, err = await asyncio.wait_for(readers, 10.0)
        except TimeoutError:
            readers.cancel()
            out = _Output()
            err = _Output("[sandbox: output pipes held open by an escaped process]")
        duration = time.perf_counter() - started
        files = await asyncio.to_thread(_collect, box, collect)
        exit_code = None if timed_out else decode_exit(plan, proc.returncode)
        evidence = RunEvidence(
            exit_code=exit_code,
            timed_out=timed_out,
            output_truncated=out.truncated or err.truncated,
            output_limit_hit=budget.exceeded.is_set(),
            pids_limit_hits=await asyncio.to_thread(_pids_limit_hits, cgroup),
            files_at_size_limit=await asyncio.to_thread(_files_at_size_limit, box, limits.fsize_mb),
            output_tail=out.text[-4096:] + err.text[-4096:],
        )
        stops = stopped_by(evidence)
        written: list[str] = []
        if plan.mounts is not None:
            written, count = await asyncio.to_thread(contained_writes, plan.mounts, box, outside)
            if count:
                stops.append(WRITES_CONTAINED)
                isolation = {**isolation, "contained_writes": written, "contained_count": count}
        log.info(
            "sandbox run exit=%s stopped_by=%s duration_s=%.2f uid=%s",
            exit_code,
            ",".join(stops) or "-",
            duration,
            isolation.get("uid"),
        )
        return SandboxResult(
            exit_code=exit_code,
            stdout=out.text,
            stderr=err.text,
            timed_out=timed_out,
            duration_s=duration,
            files=files,
            isolation=isolation,
            stopped_by=stops,
            stdout_bytes=out.total_bytes,
            stderr_bytes=err.total_bytes,
            contained_writes=written,
        )


async def _wait(proc: asyncio.subprocess.Process, wall_s: float, budget: _OutputBudget) -> bool:
    """Wait for the process, the wall clock or the output budget; True when the clock ran out."""
    exited = asyncio.ensure_future(proc.wait())
    flooded = asyncio.ensure_future(budget.exceeded.wait())
    try:
        done, _ = await asyncio.wait(
            {exited, flooded}, timeout=wall_s, return_when="FIRST_COMPLETED"
        )
    finally:
        flooded.cancel()
    if not done:
        log.warning("sandbox wall limit %.1fs hit: killing process group", wall_s)
        return True
    if flooded in done and exited not in done:
        log.warning("sandbox output limit hit: killing process group")
    return False
