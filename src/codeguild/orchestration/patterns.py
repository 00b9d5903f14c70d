"""Collaboration patterns above one scheduled graph: the iterative improve-and-recheck loop."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Verdict:
    """The outcome of one evaluation: passed, and what failed (check name -> detail)."""

    passed: bool
    failures: dict[str, str] = field(default_factory=dict)
    data: dict[str, Any] = field(default_factory=dict)


@dataclass
class Round:
    number: int
    actions: list[str]
    verdict: Verdict
    duration_s: float


@dataclass
class IterationOutcome:
    first: Verdict
    rounds: list[Round]
    final: Verdict
    stop_reason: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "stop_reason": self.stop_reason,
            "passed": self.final.passed,
            "initial_failures": self.first.failures,
            "rounds": [
                {
                    "round": r.number,
                    "actions": r.actions,
                    "passed": r.verdict.passed,
                    "failures": r.verdict.failures,
                    "duration_s": round(r.duration_s, 3),
                }
                for r in self.rounds
            ],
        }


async def iterate(
    first: Verdict,
    improve: Callable[[Verdict], Awaitable[list[str]]],
    evaluate: Callable[[], Awaitable[Verdict]],
    *,
    max_rounds: int,
) -> IterationOutcome:
    """Improve and re-evaluate until the verdict passes, nothing changes, or rounds run out.

    ``improve`` returns the actions it took; an empty list means it had no fix to offer, which ends
    the loop early rather than re-running checks that cannot change.
    """
    verdict = first
    rounds: list[Round] = []
    if verdict.passed:
        return IterationOutcome(first, rounds, verdict, "quality threshold met on the first pass")
    for number in range(1, max_rounds + 1):
        started = time.perf_counter()
        actions = await improve(verdict)
        if not actions:
            return IterationOutcome(
                first, rounds, verdict, f"no fix available in round {number}; checks still fail"
            )
        verdict = await evaluate()
        rounds.append(Round(number, actions, verdict, time.perf_counter() - started))
        if verdict.passed:
            return IterationOutcome(
                first, rounds, verdict, f"quality threshold met after round {number}"
            )
    return IterationOutcome(first, rounds, verdict, f"round limit reached ({max_rounds})")
