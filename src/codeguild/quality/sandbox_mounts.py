"""What of the host's filesystem a sandboxed run sees, and what it wrote outside its box.

Planned once per host from the interpreter's own paths (``plan_mounts``) and applied in every
run's private mount namespace by ``sandbox_mount_setup``:

- the whole tree is read-only, except the box (bound back read-write at its own path);
- the world-writable dirs (``COVERED``) are swapped for fresh per-run dirs, so whatever the run
  leaves in /tmp, /var/tmp or /dev/shm lands next to the box, is listed in the result
  (``contained_writes``) and deleted with it;
- the home dirs of real users (``HIDDEN``) and dirs the sandbox uid cannot traverse are covered by
  an empty read-only tmpfs; the interpreter's own paths inside them are bound back read-only.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

COVERED = ("/tmp", "/var/tmp", "/dev/shm")  # nosec B108
HIDDEN = ("/root", "/home")
#: the label a result's ``stopped_by`` carries when the run wrote outside its box
WRITES_CONTAINED = "writes_contained"
SETUP_SCRIPT = Path(__file__).with_name("sandbox_mount_setup.py")
_SAFE_PATH = "/usr/local/bin:/usr/bin:/bin"
_PROBE_TIMEOUT_S = 60.0
_LISTED_MAX = 20
_WALK_MAX_ENTRIES = 20_000

Keeps = tuple[tuple[str, tuple[str, ...]], ...]


@dataclass(frozen=True)
class MountPlan:
    """The mounts each run's namespace gets (dirs are real paths on the host)."""

    covers: Keeps = ()  # world-writable dir -> interpreter paths in it; swapped per run
    hides: Keeps = ()  # dir -> interpreter paths in it; covered by an empty read-only tmpfs
    readonly: bool = False  # everything else read-only

    @property
    def confines_writes(self) -> bool:
        return self.readonly and bool(self.covers)


def interpreter_paths() -> tuple[str, ...]:
    """Real paths of every directory our interpreter reads at startup (prefixes, sys.path)."""
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
        return tuple(
            sorted({os.path.realpath(p) for p in json.loads(out) if p and os.path.isdir(p)})
        )
    except (OSError, subprocess.SubprocessError, ValueError):
        return ()


def blocked_dirs(paths: Iterable[str], uid: int) -> set[str]:
    """For each path, its first ancestor ``uid`` cannot traverse (neither owner nor o+x)."""
    blocked: set[str] = set()
    for path in paths:
        parts = Path(path).parts
        for depth in range(1, len(parts)):
            ancestor = Path(*parts[:depth])
            try:
                st = ancestor.stat()
            except OSError:
                break
            if st.st_uid != uid and not st.st_mode & 0o001:
                blocked.add(str(ancestor))
                break
    blocked.discard("/")
    return blocked


def _kept(paths: Iterable[str], directory: str) -> tuple[str, ...]:
    """The outermost of ``paths`` inside ``directory`` (nested ones come along with it)."""
    kept: list[str] = []
    for path in sorted(p for p in paths if Path(p).is_relative_to(directory) and p != directory):
        if not any(Path(path).is_relative_to(k) for k in kept):
            kept.append(path)
    return tuple(kept)


def _existing_dirs(candidates: Iterable[str]) -> list[str]:
    found: list[str] = []
    for candidate in candidates:
        real = os.path.realpath(candidate)
        if real != "/" and os.path.isdir(real) and real not in found:
            found.append(real)
    return found


def plan_mounts(paths: tuple[str, ...], blocked: set[str], *, confine: bool) -> MountPlan:
    """Mounts for runs: full confinement, or (``confine=False``) only the ``blocked`` dirs
    remapped so the sandbox uid can reach the interpreter."""
    covers = _existing_dirs(COVERED) if confine else []
    hide_dirs = _existing_dirs([*sorted(blocked), *(HIDDEN if confine else ())])
    # Nested mounts would cover each other: a dir inside another is handled by the outer one.
    outer = [
        d
        for d in [*covers, *hide_dirs]
        if not any(d != o and Path(d).is_relative_to(o) for o in [*covers, *hide_dirs])
    ]
    return MountPlan(
        covers=tuple((d, _kept(paths, d)) for d in covers if d in outer),
        hides=tuple((d, _kept(paths, d)) for d in hide_dirs if d in outer and d not in covers),
        readonly=confine,
    )


def shadow_name(cover: str) -> str:
    return cover.strip("/").replace("/", "-")


def prepare_outside(mounts: MountPlan, box: Path) -> Path | None:
    """Per-run stand-ins for the covered dirs, next to the box; None when nothing is covered."""
    if not mounts.covers:
        return None
    outside = Path(tempfile.mkdtemp(prefix="codeguild-outside-", dir=box.parent))
    for cover, _ in mounts.covers:
        shadow = outside / shadow_name(cover)
        shadow.mkdir()
        shadow.chmod(0o1777)  # like /tmp: anyone may create, only the owner may delete
    return outside


def setup_argv(mounts: MountPlan, box: Path, outside: Path | None) -> list[str]:
    """The command prefix that applies ``mounts`` in the run's namespace (run as root)."""
    if mounts.covers and outside is None:
        raise ValueError("covered dirs need the run's outside dir (prepare_outside)")
    spec = {
        "box": str(box),
        "readonly": mounts.readonly,
        "covers": [
            [cover, str(outside / shadow_name(cover)), list(keeps)]
            for cover, keeps in mounts.covers
            if outside is not None
        ],
        "hides": [[hidden, list(keeps)] for hidden, keeps in mounts.hides],
    }
    return [sys.executable, "-I", "-S", str(SETUP_SCRIPT), json.dumps(spec)]


def _scaffolding(cover: str, paths: Iterable[str]) -> set[Path]:
    """Dirs the setup itself created in a shadow: mount points of the box and kept paths."""
    made: set[Path] = set()
    for path in paths:
        if Path(path).is_relative_to(cover) and path != cover:
            parts = Path(path).relative_to(cover).parts
            made.update(Path(*parts[:depth]) for depth in range(1, len(parts) + 1))
    return made


def contained_writes(mounts: MountPlan, box: Path, outside: Path | None) -> tuple[list[str], int]:
    """What the run created in the covered dirs, as paths it saw (e.g. ``/tmp/x``): up to
    ``_LISTED_MAX`` of them, and how many in all."""
    if outside is None:
        return [], 0
    listed: list[str] = []
    total = seen = 0
    for cover, keeps in mounts.covers:
        shadow = outside / shadow_name(cover)
        made = _scaffolding(cover, [str(box), *keeps])
        for dirpath, dirnames, filenames in os.walk(shadow):
            rel_dir = Path(dirpath).relative_to(shadow)
            for name in sorted([*dirnames, *filenames]):
                seen += 1
                if seen > _WALK_MAX_ENTRIES:
                    return listed, total
                if rel_dir / name in made:
                    continue
                total += 1
                if len(listed) < _LISTED_MAX:
                    listed.append(str(Path(cover) / rel_dir / name))
    return listed, total
