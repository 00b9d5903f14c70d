"""Agent performance math in Python: the SQLite twin of the SQL in migration 0002."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

from codeguild.store.db.records import AgentPerformance


def percentile_cont(values: Sequence[float], fraction: float) -> float | None:
    """PostgreSQL's ``percentile_cont``: linear interpolation between the closest ranks."""
    if not values:
        return None
    ordered = sorted(values)
    position = fraction * (len(ordered) - 1)
    low = math.floor(position)
    high = math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def performance_row(
    agent: str, capability: str, states: Sequence[str], durations: Sequence[float | None]
) -> AgentPerformance:
    """One agent_performance row from its finished attempts' states and durations."""
    runs = len(states)
    successes = sum(1 for s in states if s == "succeeded")
    measured = [d for d in durations if d is not None]
    return AgentPerformance(
        agent=agent,
        capability=capability,
        runs=runs,
        successes=successes,
        success_rate=successes / runs if runs else 0.0,
        mean_duration_s=sum(measured) / len(measured) if measured else None,
        p95_duration_s=percentile_cont(measured, 0.95),
    )


def agent_score(agent: str, capability: str, performance: Iterable[AgentPerformance]) -> float:
    """Success rate with an optimistic prior times speed relative to the fastest peer; (0, 1]."""
    rows = [p for p in performance if p.capability == capability]
    mine = next((p for p in rows if p.agent == agent), None)
    if mine is None:
        return 1.0
    success = (mine.successes + 1) / (mine.runs + 1)
    positive = [p.mean_duration_s for p in rows if p.mean_duration_s and p.mean_duration_s > 0]
    if not positive or not mine.mean_duration_s:
        return success
    return success * (min(positive) / mine.mean_duration_s)
