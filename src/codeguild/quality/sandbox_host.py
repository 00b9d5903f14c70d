"""How a sandboxed command is launched on this host: probed once, then reused.

The host is probed once per (uid, gid) for what it offers (network namespaces, a pids cgroup,
whether the unprivileged uid can read our interpreter); whatever could not be obtained is logged
as a WARNING and listed in the plan's ``report["degraded_reasons"]``, never dropped silently.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import resource
import shlex
import shutil
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

log = logging.getLogger(__name__)

NOBODY = 65534
PIDS_CGROUP = Path("/sys/fs/cgroup/pids")
_COPY_IGNORE = shutil.ignore_patterns(".git", ".venv", "venv", "__pycache__", "node_modules")
_SAFE_PATH = "/usr/local/bin:/usr/bin:/bin"
_PROBE_TIMEOUT_S = 60.0
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
    remap: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (hidden dir, paths re-exposed in it)
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


def _remap_script(remap: tuple[tuple[str, tuple[str, ...]], ...]) -> str:
    """Shell run as root in the private mount namespace: hide each blocking directory under a
    tmpfs and bind back only the interpreter's own paths, so the unprivileged uid can reach them
    without seeing anything else there."""
    lines = ["set -e"]
    for hidden, keep in remap:
        h = shlex.quote(hidden)
        lines += ["s=$(mktemp -d)", f'mount --bind {h} "$s"']
        lines.append(f"mount -t tmpfs -o mode=0755,size=1m codeguild-remap {h}")
        for rel in keep:
            target = shlex.quote(f"{hidden}/{rel}")
            lines += [
                f"mkdir -p {target}",
                f'mount --bind "$s"/{shlex.quote(rel)} {target}',
                f"mount -o remount,bind,ro {target}",
            ]
        lines += ['umount -l "$s"', 'rmdir "$s"']
    lines.append('exec "$@"')
    return "\n".join(lines)


def launch_command(plan: HostPlan, argv: list[str]) -> list[str]:
    cmd = list(argv)
    if uses_init(plan):
        cmd = ["/bin/sh", "-c", _INIT_SCRIPT, "sandbox-init", *cmd]
    if plan.setpriv is not None:
        drop = ["--inh-caps=-all", "--bounding-set=-all", "--no-new-privs"]
        if plan.uid is not None:
            gid = plan.gid if plan.gid is not None else plan.uid
            drop = [f"--reuid={plan.uid}", f"--regid={gid}", "--clear-groups", *drop]
        cmd = [plan.setpriv, *drop, *cmd]
    if plan.remap:
        cmd = ["/bin/sh", "-c", _remap_script(plan.remap), "sandbox-remap", *cmd]
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


def _run_sync(plan: HostPlan, argv: list[str], cwd: Path, timeout: float) -> tuple[int, str]:
    """A blocking launch for probes only (detection happens in a worker thread)."""
    cmd = launch_command(plan, argv)
    try:
        done = subprocess.run(
            cmd,
            cwd=cwd,
            env=sandbox_env(cwd, None),
            capture_output=True,
            timeout=timeout,
            start_new_session=True,
            preexec_fn=preexec_for(SandboxLimits(), plan, None, 0),
            check=False,
        )
    except (OSError, subprocess.SubprocessError) as exc:
        return -1, str(exc)
    out = done.stdout if done.returncode == 0 else done.stderr or done.stdout
    return done.returncode, out.decode("utf-8", "replace")[-400:]


def _probe_interpreter(plan: HostPlan) -> tuple[bool, str]:
    box = prepare_box(None, plan)
    try:
        code, out = _run_sync(plan, [sys.executable, "-c", _PROBE_CODE], box, _PROBE_TIMEOUT_S)
    finally:
        shutil.rmtree(box, ignore_errors=True)
    # An interpreter that cannot reach its own prefix may still start with some other stdlib it
    # finds on the host; that is not the environment the project's tests were written against.
    expected = os.path.realpath(os.__file__)
    if code == 0 and out.strip() != expected:
        return False, f"the interpreter loaded {out.strip()!r} instead of {expected!r}"
    return code == 0, out.strip()


def _blocked_paths(uid: int) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """For each directory the uid cannot traverse, the interpreter paths inside it."""
    code = (
        "import json, os, sys; print(json.dumps([sys.prefix, sys.base_prefix, sys.exec_prefix,"
        " os.path.dirname(os.path.realpath(sys.executable))] + sys.path))"
    )
    try:
        out = subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            timeout=_PROBE_TIMEOUT_S,
            cwd="/",
            env={"PATH": _SAFE_PATH},
            check=True,
        ).stdout
        paths = {os.path.realpath(p) for p in json.loads(out) if p and os.path.isdir(p)}
    except (OSError, subprocess.SubprocessError, ValueError):
        return ()
    groups: dict[str, set[str]] = {}
    for path in paths:
        parts = Path(path).parts
        for depth in range(1, len(parts)):
            ancestor = Path(*parts[:depth])
            st = ancestor.stat()
            if st.st_uid != uid and not st.st_mode & 0o001:
                groups.setdefault(str(ancestor), set()).add(str(Path(*parts[depth:])))
                break
    result = []
    for hidden, rels in sorted(groups.items()):
        if hidden == "/" or Path(tempfile.gettempdir()).is_relative_to(hidden):
            continue
        kept: list[str] = []
        for rel in sorted(rels):
            if not any(Path(rel).is_relative_to(k) for k in kept):
                kept.append(rel)
        result.append((hidden, tuple(kept)))
    return tuple(result)


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
    interpreter = "direct"
    if is_root:
        ok, why = _probe_interpreter(plan)
        remap = _blocked_paths(uid) if not ok and "--mount-proc" in prefix else ()
        if not ok and remap:
            remapped = HostPlan(plan.uid, plan.gid, prefix, setpriv, remap, cgroup)
            ok, why = _probe_interpreter(remapped)
            if ok:
                plan, interpreter = remapped, "remapped"
        if not ok:
            reasons.append(
                f"uid {uid} cannot use the interpreter {sys.executable} ({why[-200:]}); "
                "running as root without capabilities instead"
            )
            plan = HostPlan(None, None, prefix, setpriv, (), cgroup)
            interpreter = "host-root"
    else:
        notes.append(f"not root: running as our own uid {os.getuid()}, no uid switch possible")
    if not cgroup and plan.uid is None:
        reasons.append("no pids cgroup and no uid switch: process count limited by rlimit only")
    report: dict[str, object] = {
        "uid": plan.uid if plan.uid is not None else os.getuid(),
        "gid": plan.gid if plan.gid is not None else os.getgid(),
        "uid_switch": plan.uid is not None,
        "network": "namespace" if prefix else "none-isolated",
        "pid_namespace": "--pid" in prefix,
        "pids_limit": "cgroup" if cgroup else "rlimit",
        "filesystem": "copy-only",
        "interpreter": interpreter,
        "capabilities": "dropped" if setpriv is not None or plan.uid is not None else "kept",
        "degraded_reasons": reasons,
        "notes": notes,
    }
    for reason in reasons:
        log.warning("sandbox isolation degraded: %s", reason)
    return HostPlan(plan.uid, plan.gid, plan.unshare, plan.setpriv, plan.remap, cgroup, report)


_PLANS: dict[tuple[int, int], HostPlan] = {}
_PLANS_LOCK = threading.Lock()


def host_plan(uid: int, gid: int) -> HostPlan:
    with _PLANS_LOCK:
        if (uid, gid) not in _PLANS:
            _PLANS[(uid, gid)] = _detect(uid, gid)
        return _PLANS[(uid, gid)]
