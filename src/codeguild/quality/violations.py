"""Naming what the sandbox stopped: limits hit by a run, derived from its exit and counters.

Pure logic: the sandbox gathers the evidence (exit status, timeout flag, output byte counts, the
pids cgroup's failure counter, files left at the size limit, the tails of its output) and this
module turns it into stable labels a report can show and a test can assert on.
"""

from __future__ import annotations

import signal
from dataclasses import dataclass

WALL_TIMEOUT = "wall_timeout"
CPU_LIMIT = "cpu_limit (SIGXCPU)"
MEMORY_LIMIT = "memory_limit"
FILE_SIZE_LIMIT = "file_size_limit"
PIDS_LIMIT = "pids_limit"
OUTPUT_TRUNCATED = "output_truncated"
OUTPUT_LIMIT = "output_limit"
NETWORK_BLOCKED = "network_blocked"
PERMISSION_DENIED = "permission_denied"

# Evidence in the program's own error output: the limit made a call fail and the program said so.
# Python turns ENOMEM into MemoryError, EFBIG into OSError 27 (it ignores SIGXFSZ) and EAGAIN
# from fork() into BlockingIOError, so the exit status alone cannot tell these apart.
_OUTPUT_MARKERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (MEMORY_LIMIT, ("MemoryError", "Cannot allocate memory", "std::bad_alloc")),
    (FILE_SIZE_LIMIT, ("File too large", "[Errno 27]")),
    (PIDS_LIMIT, ("Resource temporarily unavailable", "[Errno 11]")),
    (NETWORK_BLOCKED, ("Network is unreachable", "[Errno 101]")),
    (PERMISSION_DENIED, ("Permission denied", "Operation not permitted", "Read-only file system")),
)


@dataclass(frozen=True)
class RunEvidence:
    """What the sandbox observed about one finished run."""

    exit_code: int | None
    timed_out: bool = False
    output_truncated: bool = False
    output_limit_hit: bool = False
    pids_limit_hits: int = 0
    files_at_size_limit: int = 0
    output_tail: str = ""  # the last bytes of stdout and stderr


def signal_name(number: int) -> str:
    try:
        return signal.Signals(number).name
    except ValueError:
        return f"signal {number}"


def _from_signal(evidence: RunEvidence) -> str | None:
    code = evidence.exit_code
    if code is None or code >= 0:
        return None
    number = -code
    if number == signal.SIGXCPU:
        return CPU_LIMIT
    if number == signal.SIGXFSZ:
        return FILE_SIZE_LIMIT
    if evidence.timed_out or evidence.output_limit_hit:
        return None  # our own SIGKILL: the timeout or output label says why
    # SIGKILL not sent by us: the CPU hard limit (soft limit + 1 s, for programs that ignore
    # SIGXCPU) or the kernel's OOM killer.
    return f"killed ({signal_name(number)})"


def stopped_by(evidence: RunEvidence) -> list[str]:
    """Labels of every limit the run ran into, most decisive first, without duplicates."""
    labels: list[str] = []
    if evidence.timed_out:
        labels.append(WALL_TIMEOUT)
    if evidence.output_limit_hit:
        labels.append(OUTPUT_LIMIT)
    by_signal = _from_signal(evidence)
    if by_signal is not None:
        labels.append(by_signal)
    if evidence.pids_limit_hits > 0:
        labels.append(PIDS_LIMIT)
    if evidence.files_at_size_limit > 0:
        labels.append(FILE_SIZE_LIMIT)
    for label, markers in _OUTPUT_MARKERS:
        if any(marker in evidence.output_tail for marker in markers):
            labels.append(label)
    if evidence.output_truncated:
        labels.append(OUTPUT_TRUNCATED)
    return list(dict.fromkeys(labels))
