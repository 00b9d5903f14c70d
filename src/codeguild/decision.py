"""The ship/fix decision at the end of a run: a weighted vote of the checking agents.

Rule: every checking agent votes "ship" when its check passed and "fix" otherwise, weighted by its
performance score. The tester and the security agent hold a veto: a project whose tests fail or
that has a security finding above the threshold is never shipped, whatever the vote. Otherwise the
weighted majority decides (a tie means "fix"). The outcome:

- ``passed``: every check passed (the vote is unanimous);
- ``passed_with_warnings``: the vote shipped it although a non-veto check (review, docs) failed;
- ``failed``: a veto was used, or the majority voted "fix".
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from codeguild.agents.base import TaskResult
from codeguild.orchestration.consensus import Ballot, consensus

SHIP = "ship"
FIX = "fix"


@dataclass(frozen=True)
class Voter:
    task: str  # the task whose result the vote is about
    agent: str
    veto: bool


@dataclass
class ShipDecision:
    status: str
    choice: str
    vetoed_by: list[str]
    vote: dict[str, Any]

    def as_dict(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "choice": self.choice,
            "vetoed_by": self.vetoed_by,
            "vote": self.vote,
            "rule": "tester and security veto; otherwise weighted majority, a tie means fix",
        }


async def decide(
    voters: list[Voter],
    results: Mapping[str, TaskResult],
    weight: Callable[[str], float],
) -> ShipDecision:
    """Collect the ballots for the tasks that ran and apply the rule in the module docstring."""
    present = [v for v in voters if v.task in results]
    ballots = {v.agent: _ballot(results[v.task]) for v in present}
    decision = await consensus(
        ballots,
        weights={v.agent: max(weight(v.agent), 0.01) for v in present},
        quorum=1.0,
        tie_break=FIX,
        choices=(SHIP, FIX),
    )
    vetoed = [v.agent for v in present if v.veto and ballots[v.agent].choice == FIX]
    everyone_ships = all(b.choice == SHIP for b in ballots.values())
    if everyone_ships:
        status, choice = "passed", SHIP
    elif vetoed or decision.choice != SHIP:
        status, choice = "failed", FIX
    else:
        status, choice = "passed_with_warnings", SHIP
    return ShipDecision(status=status, choice=choice, vetoed_by=vetoed, vote=decision.as_dict())


def _ballot(result: TaskResult) -> Ballot:
    return Ballot(SHIP if result.ok else FIX, result.summary)
