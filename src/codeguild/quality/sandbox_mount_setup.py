"""The sandbox's filesystem setup, run as root inside the run's private mount namespace.

Usage: python -I -S sandbox_mount_setup.py SPEC_JSON COMMAND...

Started by ``unshare`` (a new mount namespace) and followed by ``setpriv`` (the uid and
capability drop), so this is the only code that holds mount privileges, and it never sees
untrusted input: SPEC_JSON is built by ``sandbox_mounts.setup_argv``. It imports the standard
library only, because ``-I -S`` keeps site-packages (and this package) off ``sys.path``.

Order matters: every path that is about to be covered (the box, the per-run shadow dirs, the
interpreter paths re-exposed in hidden dirs) is opened first, and later bound back through
``/proc/self/fd``, since covering ``/tmp`` also covers a box that lives under it.
"""

from __future__ import annotations

import ctypes
import json
import os
import sys

MS_RDONLY = 0x1
MS_NOSUID = 0x2
MS_NODEV = 0x4
MS_NOEXEC = 0x8
MS_REMOUNT = 0x20
MS_NOATIME = 0x400
MS_NODIRATIME = 0x800
MS_BIND = 0x1000
MS_REC = 0x4000
MS_PRIVATE = 0x40000
MS_RELATIME = 0x200000
AT_FDCWD = -100
AT_RECURSIVE = 0x8000
MOUNT_ATTR_RDONLY = 0x1
SYS_MOUNT_SETATTR = 442  # the same number on every architecture (added in Linux 5.12)
SETUP_FAILED = 125

_FLAG_NAMES = {
    "nosuid": MS_NOSUID,
    "nodev": MS_NODEV,
    "noexec": MS_NOEXEC,
    "noatime": MS_NOATIME,
    "nodiratime": MS_NODIRATIME,
    "relatime": MS_RELATIME,
}

_libc = ctypes.CDLL(None, use_errno=True)


class _MountAttr(ctypes.Structure):
    _fields_ = [
        ("attr_set", ctypes.c_uint64),
        ("attr_clr", ctypes.c_uint64),
        ("propagation", ctypes.c_uint64),
        ("userns_fd", ctypes.c_uint64),
    ]


def _check(result: int, what: str) -> None:
    if result != 0:
        errno = ctypes.get_errno()
        raise OSError(errno, f"{what}: {os.strerror(errno)}")


def _mount(source: str | None, target: str, fstype: str | None, flags: int, data: str = "") -> None:
    _check(
        _libc.mount(
            source.encode() if source else None,
            target.encode(),
            fstype.encode() if fstype else None,
            ctypes.c_ulong(flags),
            data.encode() if data else None,
        ),
        f"mount {source or '-'} on {target}",
    )


def _bind(fd: int, target: str, flags: int) -> None:
    """Bind what ``fd`` points at onto ``target``, then set the new mount's own flags."""
    _mount(f"/proc/self/fd/{fd}", target, None, MS_BIND)
    _mount(None, target, None, MS_REMOUNT | MS_BIND | flags)


def _unescape(field: str) -> str:
    # mountinfo writes space, tab, newline and backslash as octal escapes
    for code in ("\\040", "\\011", "\\012", "\\134"):
        field = field.replace(code, chr(int(code[1:], 8)))
    return field


def _remount_each_read_only() -> None:
    """Kernels before 5.12: remount every mount point read-only, keeping its other flags."""
    with open("/proc/self/mountinfo", encoding="utf-8") as handle:
        mounts = {}
        for line in handle:
            fields = line.split()
            mounts[_unescape(fields[4])] = fields[5].split(",")
    for point, options in mounts.items():
        flags = MS_REMOUNT | MS_BIND | MS_RDONLY
        for option in options:
            flags |= _FLAG_NAMES.get(option, 0)
        try:
            _mount(None, point, None, flags)
        except OSError as exc:
            if exc.errno not in (2, 22):  # ENOENT, EINVAL: covered by a later mount
                raise


def _make_read_only() -> None:
    attr = _MountAttr(MOUNT_ATTR_RDONLY, 0, 0, 0)
    result = _libc.syscall(
        SYS_MOUNT_SETATTR, AT_FDCWD, b"/", AT_RECURSIVE, ctypes.byref(attr), ctypes.sizeof(attr)
    )
    if result != 0:
        if ctypes.get_errno() not in (38, 1):  # ENOSYS, EPERM from a seccomp filter
            _check(result, "mount_setattr / read-only")
        _remount_each_read_only()


def _open(path: str) -> int:
    return os.open(path, os.O_PATH | os.O_DIRECTORY)


def _strings(value: object) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError(f"expected a list of paths, got {value!r}")
    return list(value)


def _entries(value: object, width: int) -> list[list[object]]:
    if not isinstance(value, list) or not all(
        isinstance(e, list) and len(e) == width for e in value
    ):
        raise ValueError(f"expected a list of {width}-item lists, got {value!r}")
    return value


def setup(spec: dict[str, object]) -> None:
    box = spec.get("box")
    if box is not None and not isinstance(box, str):
        raise ValueError(f"box must be a path, got {box!r}")
    covers = [
        (str(d), str(s), _strings(keeps)) for d, s, keeps in _entries(spec.get("covers", []), 3)
    ]
    hides = [(str(d), _strings(keeps)) for d, keeps in _entries(spec.get("hides", []), 2)]
    _mount(None, "/", None, MS_REC | MS_PRIVATE)
    box_fd = _open(box) if box else None
    shadow_fds = [(cover, _open(shadow)) for cover, shadow, _ in covers]
    keeps = [k for _, _, ks in covers for k in ks] + [k for _, ks in hides for k in ks]
    keep_fds = [(keep, _open(keep)) for keep in keeps]
    if spec.get("readonly"):
        _make_read_only()
    for cover, fd in shadow_fds:
        _bind(fd, cover, MS_NOSUID | MS_NODEV)
    for hidden, _ in hides:
        _mount("codeguild-hide", hidden, "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755,size=1m")
    for keep, fd in keep_fds:
        os.makedirs(keep, exist_ok=True)
        _bind(fd, keep, MS_RDONLY | MS_NOSUID | MS_NODEV)
    if box is not None and box_fd is not None:
        os.makedirs(box, exist_ok=True)
        _bind(box_fd, box, MS_NOSUID | MS_NODEV)
        # The cwd inherited from the launcher is the box's original, now read-only, mount.
        os.chdir(box)
    for hidden, _ in hides:
        _mount(None, hidden, None, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV)
    for fd in [fd for _, fd in shadow_fds + keep_fds] + ([box_fd] if box_fd is not None else []):
        os.close(fd)


def main(argv: list[str]) -> int:
    if len(argv) < 3:
        sys.stderr.write("usage: sandbox_mount_setup.py SPEC_JSON COMMAND...\n")
        return SETUP_FAILED
    try:
        setup(json.loads(argv[1]))
    except (OSError, ValueError, KeyError, TypeError) as exc:
        sys.stderr.write(f"codeguild sandbox mount setup failed: {exc}\n")
        return SETUP_FAILED
    try:
        os.execv(argv[2], argv[2:])
    except OSError as exc:
        sys.stderr.write(f"codeguild sandbox could not start {argv[2]!r}: {exc}\n")
    return SETUP_FAILED


if __name__ == "__main__":
    sys.exit(main(sys.argv))
