"""Consensus among voters (agents, checks, people): a weighted vote with quorum and tie-breaks.

Rule (:func:`consensus`): every voter casts one vote (a voter that raises, times out, returns None
or an unknown choice abstains, recorded with its error). Each vote counts with the voter's weight
(given, e.g. ``manager.agent_score``, or 1.0). Quorum: the participating weight must be at least
``quorum`` times the total weight, with at least one vote, else there is no decision and the
choice falls back to ``tie_break`` (the safe option) or None. With quorum, the choice with the
highest weighted total wins; a tie goes to ``tie_break`` when it is among the tied, else to the
tied choice with the heaviest single vote, else to the alphabetically first.

Voters that raise are captured in the :class:`Decision`, never re-raised; ``asyncio.CancelledError``
always propagates (voters run under :func:`~codeguild.orchestration.patterns.parallel`).
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from codeguild.orchestration.patterns import (
    PatternError,
    Step,
    StepResult,
    _describe,
    parallel,
)


@dataclass(frozen=True)
class Ballot:
    """What a voter returns: its choice and why."""

    choice: str
    reason: str = ""


VoteSource = Ballot | str | Callable[[], Awaitable[Ballot | str | None]]


@dataclass(frozen=True)
class VoteRecord:
    voter: str
    choice: str | None  # None: abstained
    weight: float
    reason: str = ""
    error: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "weight": round(self.weight, 4)}


@dataclass
class Decision:
    """The outcome of a vote: the choice, whether quorum was met, the rule applied, every vote."""

    choice: str | None
    reached: bool
    rule: str
    votes: list[VoteRecord]
    totals: dict[str, float]
    participation: float

    def as_dict(self) -> dict[str, Any]:
        return {
            "pattern": "consensus",
            "choice": self.choice,
            "reached": self.reached,
            "rule": self.rule,
            "participation": round(self.participation, 4),
            "totals": {c: round(t, 4) for c, t in self.totals.items()},
            "votes": [v.as_dict() for v in self.votes],
        }


async def consensus(
    voters: Mapping[str, VoteSource],
    *,
    weights: Mapping[str, float] | Callable[[str], float] | None = None,
    quorum: float = 0.5,
    tie_break: str | None = None,
    choices: Sequence[str] | None = None,
    timeout_s: float | None = None,
) -> Decision:
    """Let ``voters`` (name -> a ballot, a choice, or an async callable returning one) decide.

    Callables vote concurrently, each within ``timeout_s``. See the module docstring for the rule.
    """
    if not voters:
        raise PatternError("consensus() needs at least one voter.")
    if not 0.0 <= quorum <= 1.0:
        raise PatternError(
            f"quorum is the share of the total weight that must vote, between 0 and 1; "
            f"got {quorum!r}."
        )
    if choices is not None and tie_break is not None and tie_break not in choices:
        raise PatternError(
            f"tie_break {tie_break!r} is not one of the choices: {', '.join(choices)}."
        )
    weight_of = _weights(list(voters), weights)
    calls = {n: _as_call(source, timeout_s) for n, source in voters.items()}
    outcome = await parallel(calls)
    votes = [_record(b, weight_of[b.name], choices) for b in outcome.branches]
    return _decide(votes, quorum, tie_break)


def _weights(
    names: list[str], weights: Mapping[str, float] | Callable[[str], float] | None
) -> dict[str, float]:
    if weights is None:
        return dict.fromkeys(names, 1.0)
    if isinstance(weights, Mapping):
        missing = [n for n in names if n not in weights]
        if missing:
            raise PatternError(
                f"No weight for voter(s) {', '.join(map(repr, missing))}.",
                hint="Give a weight for every voter, or weights=None to count votes equally.",
            )
        found = {n: weights[n] for n in names}
    else:
        found = {n: weights(n) for n in names}
    for name, weight in found.items():
        if (
            isinstance(weight, bool)
            or not isinstance(weight, int | float)
            or not (math.isfinite(weight) and weight >= 0)
        ):
            raise PatternError(
                f"Voter {name!r} has weight {weight!r}; weights must be finite numbers >= 0."
            )
    return {n: float(w) for n, w in found.items()}


def _as_call(source: VoteSource, timeout_s: float | None) -> Step:
    async def call() -> Ballot | str | None:
        if not callable(source):
            return source
        try:
            return await asyncio.wait_for(source(), timeout_s)
        except TimeoutError as exc:
            raise TimeoutError(f"no vote within {timeout_s:g}s") from exc

    return call


def _record(branch: StepResult, weight: float, choices: Sequence[str] | None) -> VoteRecord:
    def abstain(error: str) -> VoteRecord:
        return VoteRecord(branch.name, None, weight, error=error)

    if branch.error is not None:
        return abstain(_describe(branch.error) or "")
    ballot = branch.value
    if isinstance(ballot, str):
        ballot = Ballot(ballot)
    if ballot is None:
        return VoteRecord(branch.name, None, weight, reason="abstained")
    if not isinstance(ballot, Ballot):
        return abstain(f"returned {type(ballot).__name__}, expected a Ballot, a choice or None")
    if choices is not None and ballot.choice not in choices:
        return abstain(f"invalid choice {ballot.choice!r}; choices: {', '.join(choices)}")
    return VoteRecord(branch.name, ballot.choice, weight, ballot.reason)


def _decide(votes: list[VoteRecord], quorum: float, tie_break: str | None) -> Decision:
    cast = [v for v in votes if v.choice is not None]
    total = sum(v.weight for v in votes)
    participating = sum(v.weight for v in cast)
    participation = participating / total if total > 0 else 0.0
    totals: dict[str, float] = {}
    for vote in cast:
        assert vote.choice is not None
        totals[vote.choice] = totals.get(vote.choice, 0.0) + vote.weight
    totals = dict(sorted(totals.items(), key=lambda item: (-item[1], item[0])))
    if not cast or participation < quorum:
        fallback = f"fell back to tie_break {tie_break!r}" if tie_break else "no decision"
        rule = (
            f"no quorum: {participation:.0%} of the voting weight took part, "
            f"{quorum:.0%} needed; {fallback}"
        )
        return Decision(tie_break, False, rule, votes, totals, participation)
    top = max(totals.values())
    tied = sorted(c for c, t in totals.items() if math.isclose(t, top, rel_tol=1e-9, abs_tol=1e-12))
    if len(tied) == 1:
        choice, rule = tied[0], "highest weighted total"
    elif tie_break in tied:
        choice, rule = tie_break, f"tie between {', '.join(tied)}: tie_break {tie_break!r}"
    else:
        heaviest = {c: max(v.weight for v in cast if v.choice == c) for c in tied}
        best = max(heaviest.values())
        leaders = [c for c in tied if heaviest[c] == best]
        choice = leaders[0]
        how = "heaviest single vote" if len(leaders) == 1 else "alphabetically first"
        rule = f"tie between {', '.join(tied)}: {how}"
    return Decision(choice, True, rule, votes, totals, participation)
