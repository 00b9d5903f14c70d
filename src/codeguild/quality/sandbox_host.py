"""How a sandboxed command is launched on this host: probed once, then reused.

The host is probed once per (uid, gid) for what it offers (network namespaces, a private mount
namespace that confines writes to the box, a pids cgroup, whether the unprivileged uid can read
our interpreter); whatever could not be obtained is logged as a WARNING and listed in the plan's
``report["degraded_reasons"]``, never dropped silently.
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import os
import resource
import shlex
import shutil
import subprocess
import sys
import tempfile
import threading
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from codeguild.quality.sandbox_mounts import (
    MountPlan,
    blocked_dirs,
    interpreter_paths,
    plan_mounts,
    prepare_outside,
    setup_argv,
)

log = logging.getLogger(__name__)

NOBODY = 65534
PIDS_CGROUP = Path("/sys/fs/cgroup/pids")
_COPY_IGNORE = shutil.ignore_patterns(".git", ".venv", "venv", "__pycache__", "node_modules")
_SAFE_PATH = "/usr/local/bin:/usr/bin:/bin"
_PROBE_TIMEOUT_S = 60.0
_UNCONFINED = (
    "writes outside the box are held by file permissions only; /tmp, /var/tmp and /dev/shm stay "
    "writable (filesystem: copy-only)"
)
_PROBE_CODE = "import os, sys, pytest; sys.stdout.write(os.path.realpath(os.__file__))"


@dataclass(frozen=True)
class SandboxLimits:
    """Per-run resource limits (seconds, MiB, counts)."""

    cpu_s: int = 60
    memory_mb: int = 2048
    nproc: int = 128
    fsize_mb: int = 64
    nofile: int = 512
    wall_s: float = 120.0
    output_mb: int = 256  # stdout + stderr together; beyond it the run is killed


@dataclass(frozen=True)
class HostPlan:
    """How to launch a command on this host, decided once by probing."""

    uid: int | None  # uid to switch to; None: keep ours
    gid: int | None
    unshare: tuple[str, ...] = ()  # `unshare ...` prefix when namespaces work
    setpriv: str | None = None
    mounts: MountPlan | None = None  # applied in the run's own mount namespace
    cgroup: bool = False
    report: dict[str, object] = field(default_factory=dict)


def sandbox_env(box: Path, extra: Mapping[str, str] | None) -> dict[str, str]:
    # Built from scratch: nothing of the parent's environment (API keys, DATABASE_URL) leaks in.
    env = {
        "PATH": f"{Path(sys.executable).parent}:{_SAFE_PATH}",
        "HOME": str(box),
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        "PYTHONDONTWRITEBYTECODE": "1",
        "PYTHONHASHSEED": "0",
        "TMPDIR": str(box / "tmp"),
    }
    env.update(extra or {})
    return env


def _traversable(path: str, uid: int | None) -> bool:
    """Whether ``uid`` (None: ourselves) can reach ``path`` through every ancestor directory."""
    if uid is None:
        return True
    current = Path(path)
    for directory in [*reversed(current.parents), current]:
        try:
            st = directory.stat()
        except OSError:
            return False
        if st.st_uid != uid and not st.st_mode & 0o001:
            return False
    return True


def own_process_count() -> int:
    uid = os.getuid()
    count = 0
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                count += entry.stat().st_uid == uid
    return count


def preexec_for(
    limits: SandboxLimits, plan: HostPlan, cgroup: Path | None, nproc_base: int
) -> Callable[[], None]:
    def setup() -> (
        None
    ):  # runs in the forked child, before exec: no logging, no allocation-heavy work
        mib = 1024 * 1024
        resource.setrlimit(resource.RLIMIT_CPU, (limits.cpu_s, limits.cpu_s + 1))
        resource.setrlimit(resource.RLIMIT_AS, (limits.memory_mb * mib,) * 2)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limits.fsize_mb * mib,) * 2)
        resource.setrlimit(resource.RLIMIT_NOFILE, (limits.nofile,) * 2)
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        # NPROC counts every process of the uid; without a uid switch our own count is the base.
        resource.setrlimit(resource.RLIMIT_NPROC, (limits.nproc + nproc_base,) * 2)
        if cgroup is not None:
            (cgroup / "cgroup.procs").write_text(str(os.getpid()))
        if plan.uid is not None and plan.setpriv is None:
            os.setgroups([])
            os.setgid(plan.gid if plan.gid is not None else plan.uid)
            os.setuid(plan.uid)

    return setup


# PID 1 of a pid namespace ignores every signal it has no handler for, including SIGXCPU from
# RLIMIT_CPU and its own kill(); and `unshare` does not pass a child's death by signal on. So the
# command runs as the child of this tiny init, which reports a signal as the shell's 128 + N.
_INIT_SCRIPT = '"$@"\nstatus=$?\nexit "$status"'
_SIGNAL_BASE = 128


def uses_init(plan: HostPlan) -> bool:
    return "--pid" in plan.unshare


def decode_exit(plan: HostPlan, returncode: int | None) -> int | None:
    """The command's exit status in subprocess convention (``-N``: killed by signal N)."""
    if (
        returncode is not None
        and uses_init(plan)
        and _SIGNAL_BASE < returncode <= _SIGNAL_BASE + 64
    ):
        return _SIGNAL_BASE - returncode
    return returncode


def launch_command(
    plan: HostPlan, argv: list[str], box: Path, outside: Path | None = None
) -> list[str]:
    """The full command line: namespaces, mount setup, privilege drop, init, then ``argv``."""
    cmd = list(argv)
    if uses_init(plan):
        cmd = ["/bin/sh", "-c", _INIT_SCRIPT, "sandbox-init", *cmd]
    if plan.setpriv is not None:
        drop = ["--inh-caps=-all", "--bounding-set=-all", "--no-new-privs"]
        if plan.uid is not None:
            gid = plan.gid if plan.gid is not None else plan.uid
            drop = [f"--reuid={plan.uid}", f"--regid={gid}", "--clear-groups", *drop]
        cmd = [plan.setpriv, *drop, *cmd]
    if plan.mounts is not None:
        cmd = [*setup_argv(plan.mounts, box, outside), *cmd]
    return [*plan.unshare, *cmd]


def prepare_box(source: Path | None, plan: HostPlan, subdirs: Sequence[str] = ()) -> Path:
    base = tempfile.gettempdir()
    if not _traversable(base, plan.uid):
        # A TMPDIR under a private home would lock the unprivileged uid out; mkdtemp below
        # still makes a fresh, unguessable directory.
        base = "/tmp"  # nosec B108
    box = Path(tempfile.mkdtemp(prefix="codeguild-box-", dir=base))
    try:
        if source is not None:
            # symlinks=True: a link to a root-only file must not be dereferenced by us (as root).
            shutil.copytree(source, box, symlinks=True, ignore=_COPY_IGNORE, dirs_exist_ok=True)
        for sub in ("tmp", *subdirs):
            (box / sub).mkdir(parents=True, exist_ok=True)
        if plan.uid is not None:
            gid = plan.gid if plan.gid is not None else plan.uid
            for dirpath, dirnames, filenames in os.walk(box):
                os.chown(dirpath, plan.uid, gid, follow_symlinks=False)
                for name in [*dirnames, *filenames]:
                    os.chown(os.path.join(dirpath, name), plan.uid, gid, follow_symlinks=False)
    except BaseException:
        shutil.rmtree(box, ignore_errors=True)
        raise
    return box


def _run_sync(plan: HostPlan, argv: list[str], box: Path) -> tuple[int, str]:
    """A blocking launch in ``box`` for probes only (detection happens in a worker thread)."""
    outside = prepare_outside(plan.mounts, box) if plan.mounts is not None else None
    try:
        done = subprocess.run(
            launch_command(plan, argv, box, outside),
            cwd=box,
            env=sandbox_env(box, None),
            capture_output=True,
            timeout=_PROBE_TIMEOUT_S,
            start_new_session=True,
            preexec_fn=preexec_for(SandboxLimits(), plan, None, 0),
            check=False,
        )
    except (OSError, subprocess.SubprocessError) as exc:
        return -1, str(exc)
    finally:
        if outside is not None:
            shutil.rmtree(outside, ignore_errors=True)
    out = done.stdout if done.returncode == 0 else done.stderr or done.stdout
    return done.returncode, out.decode("utf-8", "replace")[-400:]


def _probe_interpreter(plan: HostPlan) -> tuple[bool, str]:
    box = prepare_box(None, plan)
    try:
        code, out = _run_sync(plan, [sys.executable, "-c", _PROBE_CODE], box)
    finally:
        shutil.rmtree(box, ignore_errors=True)
    # An interpreter that cannot reach its own prefix may still start with some other stdlib it
    # finds on the host; that is not the environment the project's tests were written against.
    expected = os.path.realpath(os.__file__)
    if code == 0 and out.strip() != expected:
        return False, f"the interpreter loaded {out.strip()!r} instead of {expected!r}"
    return code == 0, out.strip()


def _probe_confinement(plan: HostPlan) -> tuple[bool, str]:
    """Whether writes to the covered dirs stay off the host while the box stays writable
    (checked from the host afterwards)."""
    covers = [cover for cover, _ in plan.mounts.covers] if plan.mounts is not None else []
    if not covers:
        return False, "none of /tmp, /var/tmp, /dev/shm found to cover"
    box = prepare_box(None, plan)
    marker = f"codeguild-probe-{uuid.uuid4().hex[:12]}"
    targets = [Path(cover) / marker for cover in covers]
    script = "set -e; " + "".join(f": > {shlex.quote(str(t))}; " for t in targets) + ": > box-ok"
    try:
        code, out = _run_sync(plan, ["/bin/sh", "-c", script], box)
        box_ok = (box / "box-ok").exists()
    finally:
        shutil.rmtree(box, ignore_errors=True)
    leaked = [t for t in targets if t.exists()]
    for path in leaked:
        with contextlib.suppress(OSError):
            path.unlink()
    if leaked:
        return False, f"writes reached the host: {', '.join(map(str, leaked))}"
    if code != 0 or not box_ok:
        return False, out.strip() or f"exit status {code}"
    return True, ""


def _pick_mounts(
    plan: HostPlan, paths: tuple[str, ...], uid_blocked: set[str], reasons: list[str]
) -> tuple[HostPlan, str]:
    """Confine writes with a private mount namespace when the host allows it."""
    confined = dataclasses.replace(plan, mounts=plan_mounts(paths, uid_blocked, confine=True))
    ok, why = _probe_confinement(confined)
    if ok:
        return confined, "mount-namespace"
    reasons.append(f"private mount namespace setup failed ({why[-200:]}): {_UNCONFINED}")
    if not uid_blocked:
        return plan, "copy-only"
    # Still worth a namespace: it lets the sandbox uid reach an interpreter under a private dir.
    return dataclasses.replace(plan, mounts=plan_mounts(paths, uid_blocked, confine=False)), (
        "copy-only"
    )


def _namespace_prefix(is_root: bool) -> tuple[str, ...]:
    unshare = shutil.which("unshare")
    if unshare is None:
        return ()
    user = () if is_root else ("--user", "--map-root-user")
    full = (*user, "--net", "--pid", "--fork", "--kill-child", "--mount-proc")
    for variant in (full, (*user, "--net")):
        try:
            ok = subprocess.run(
                [unshare, *variant, "true"], capture_output=True, timeout=30, check=False
            )
        except (OSError, subprocess.SubprocessError):
            continue
        if ok.returncode == 0:
            return (unshare, *variant)
    return ()


def _cgroup_usable() -> bool:
    probe = PIDS_CGROUP / f"codeguild-probe-{os.getpid()}"
    try:
        probe.mkdir()
        probe.rmdir()
    except OSError:
        return False
    return True


def _detect(uid: int, gid: int) -> HostPlan:
    is_root = os.geteuid() == 0
    reasons: list[str] = []
    notes: list[str] = []
    prefix = _namespace_prefix(is_root)
    if not prefix:
        reasons.append("network namespace unavailable (no usable `unshare`): network is open")
    setpriv = shutil.which("setpriv") if is_root else None
    cgroup = _cgroup_usable()
    if is_root and prefix and setpriv is None:
        # The uid switch must come after `unshare`; without setpriv it can only happen in
        # preexec_fn, before unshare, which then lacks the privilege to create the namespace.
        reasons.append("`setpriv` missing: network namespace given up to keep the uid switch")
        prefix = ()
    plan = HostPlan(
        uid=uid if is_root else None,
        gid=gid if is_root else None,
        unshare=prefix,
        setpriv=setpriv,
        cgroup=cgroup,
    )
    interpreter, filesystem = "direct", "copy-only"
    if is_root:
        paths = interpreter_paths()
        blocked = blocked_dirs(paths, uid)
        if "--mount-proc" in prefix:  # --mount-proc implies a private mount namespace
            plan, filesystem = _pick_mounts(plan, paths, blocked, reasons)
        else:
            reasons.append(f"no private mount namespace: {_UNCONFINED}")
        ok, why = _probe_interpreter(plan)
        if ok and blocked and plan.mounts is not None:
            interpreter = "remapped"
        if not ok:
            reasons.append(
                f"uid {uid} cannot use the interpreter {sys.executable} ({why[-200:]}); "
                "running as root without capabilities instead"
            )
            mounts = plan.mounts if filesystem == "mount-namespace" else None
            plan = dataclasses.replace(plan, uid=None, gid=None, mounts=mounts)
            interpreter = "host-root"
    else:
        notes.append(f"not root: running as our own uid {os.getuid()}, no uid switch possible")
        reasons.append(f"not root, so no mount setup: {_UNCONFINED}")
    if not cgroup and plan.uid is None:
        reasons.append("no pids cgroup and no uid switch: process count limited by rlimit only")
    report: dict[str, object] = {
        "uid": plan.uid if plan.uid is not None else os.getuid(),
        "gid": plan.gid if plan.gid is not None else os.getgid(),
        "uid_switch": plan.uid is not None,
        "network": "namespace" if prefix else "none-isolated",
        "pid_namespace": "--pid" in prefix,
        "pids_limit": "cgroup" if cgroup else "rlimit",
        "filesystem": filesystem,
        "interpreter": interpreter,
        "capabilities": "dropped" if setpriv is not None or plan.uid is not None else "kept",
        "degraded_reasons": reasons,
        "notes": notes,
    }
    for reason in reasons:
        log.warning("sandbox isolation degraded: %s", reason)
    return dataclasses.replace(plan, cgroup=cgroup, report=report)


_PLANS: dict[tuple[int, int], HostPlan] = {}
_PLANS_LOCK = threading.Lock()


def host_plan(uid: int, gid: int) -> HostPlan:
    with _PLANS_LOCK:
        if (uid, gid) not in _PLANS:
            _PLANS[(uid, gid)] = _detect(uid, gid)
        return _PLANS[(uid, gid)]
