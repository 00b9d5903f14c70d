"""Agent performance scoring: each agent's track record of results and the scores derived from it.

Pure logic, no I/O. An agent's score for a capability is in (0, 1]: its success-rate EWMA times
its speed relative to the fastest peer with history (so the score means the same for 10 ms and
10 min tasks). An agent without history scores 1.0, so new agents get tried.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

T = TypeVar("T")

#: weight of the newest observation in the success-rate and latency averages
EWMA_ALPHA = 0.3


@dataclass(slots=True)
class CapabilityStats:
    """Moving averages of one agent's results for one capability."""

    success: float = 1.0  # optimistic prior so new agents get tried
    latency_s: float | None = None
    runs: int = 0


def relative_score(stats: CapabilityStats | None, fastest: float | None) -> float:
    """Success rate times speed relative to ``fastest``; 1.0 without history."""
    if stats is None:
        return 1.0
    if stats.latency_s is None or fastest is None:
        return stats.success
    # relative speed, so the score means the same for 10 ms and 10 min tasks
    speed = fastest / stats.latency_s if stats.latency_s > 0 else 1.0
    return stats.success * speed


@dataclass(slots=True)
class TrackRecord:
    """One agent's results: run counts, total time, and averages per capability."""

    completed: int = 0
    failed: int = 0
    total_duration_s: float = 0.0
    stats: dict[str, CapabilityStats] = field(default_factory=dict)

    def observe(self, capability: str, ok: bool, duration_s: float) -> float:
        """Count one run and move the capability's averages (once per task: kept in one call);
        returns the new latency average."""
        stats = self.stats.get(capability)
        if stats is None:
            stats = self.stats[capability] = CapabilityStats()
        stats.runs += 1
        stats.success += EWMA_ALPHA * ((1.0 if ok else 0.0) - stats.success)
        latency = stats.latency_s
        after = stats.latency_s = (
            duration_s if latency is None else latency + EWMA_ALPHA * (duration_s - latency)
        )
        self.total_duration_s += duration_s
        if ok:
            self.completed += 1
        else:
            self.failed += 1
        return after

    @property
    def mean_duration_s(self) -> float | None:
        runs = self.completed + self.failed
        return (self.total_duration_s / runs) if runs else None

    def score(self, capability: str, fastest: float | None) -> float:
        return relative_score(self.stats.get(capability), fastest)

    def mean_score(self, fastest: Callable[[str], float | None]) -> float:
        """Mean score over the capabilities with history (1.0 without history)."""
        measured = [c for c in sorted(self.stats) if self.stats[c].runs]
        if not measured:
            return 1.0
        return sum(self.score(c, fastest(c)) for c in measured) / len(measured)
