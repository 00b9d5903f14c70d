"""Collaboration patterns usable from agents and the planner: sequential, parallel and iterative.
Each returns a typed outcome with ``as_dict()`` for the run report. (Consensus lives in
:mod:`codeguild.orchestration.consensus`; its names are re-exported here.)

Exceptions from steps and branches are captured in the outcome, never lost and never re-raised by
the pattern; ``asyncio.CancelledError`` (and other BaseExceptions) always propagate, after the
pattern's own child tasks are cancelled and awaited.
"""

from __future__ import annotations

import asyncio
import importlib
import json
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from codeguild.errors import CodeguildError

if TYPE_CHECKING:
    from codeguild.orchestration.consensus import (
        Ballot,
        Decision,
        VoteRecord,
        VoteSource,
        consensus,
    )

__all__ = [
    "Ballot",
    "Decision",
    "IterationOutcome",
    "ParallelOutcome",
    "PatternError",
    "Round",
    "SequenceOutcome",
    "Step",
    "StepResult",
    "Steps",
    "Verdict",
    "VoteRecord",
    "VoteSource",
    "consensus",
    "iterate",
    "parallel",
    "sequential",
]


Step = Callable[[], Awaitable[Any]]
Steps = Mapping[str, Step] | Sequence[Step]


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


# -- sequential and parallel ----------------------------------------------------------------


class PatternError(CodeguildError):
    """A pattern was called with arguments it cannot work with."""

    code = "invalid_pattern"


@dataclass
class StepResult:
    """How one step, branch or voter call ended: succeeded, failed, skipped or cancelled."""

    name: str
    status: str = "cancelled"
    value: Any = None
    error: BaseException | None = None
    duration_s: float = 0.0
    note: str = ""

    @property
    def ok(self) -> bool:
        return self.status == "succeeded"

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "status": self.status,
            "value": _jsonable(self.value),
            "error": _describe(self.error),
            "duration_s": round(self.duration_s, 4),
            "note": self.note,
        }


@dataclass
class SequenceOutcome:
    steps: list[StepResult]
    #: the failed step that stopped the sequence, None when it ran to the end
    stopped_at: str | None = None

    @property
    def ok(self) -> bool:
        return all(step.ok for step in self.steps)

    def as_dict(self) -> dict[str, Any]:
        return {
            "pattern": "sequential",
            "ok": self.ok,
            "stopped_at": self.stopped_at,
            "steps": [step.as_dict() for step in self.steps],
        }


@dataclass
class ParallelOutcome:
    branches: list[StepResult]

    @property
    def ok(self) -> bool:
        return all(branch.ok for branch in self.branches)

    @property
    def successes(self) -> dict[str, Any]:
        return {b.name: b.value for b in self.branches if b.ok}

    @property
    def failures(self) -> dict[str, StepResult]:
        return {b.name: b for b in self.branches if b.status == "failed"}

    @property
    def errors(self) -> dict[str, BaseException]:
        """Every branch's exception, by branch name."""
        return {b.name: b.error for b in self.branches if b.error is not None}

    def as_dict(self) -> dict[str, Any]:
        counts = {s: sum(b.status == s for b in self.branches) for s in _STATUSES}
        return {
            "pattern": "parallel",
            "ok": self.ok,
            "counts": counts,
            "branches": [b.as_dict() for b in self.branches],
        }


_STATUSES = ("succeeded", "failed", "skipped", "cancelled")


async def sequential(
    steps: Steps,
    *,
    continue_on_failure: bool = False,
    is_failure: Callable[[Any], bool] | None = None,
) -> SequenceOutcome:
    """Run ``steps`` one after another; stop at the first failure unless ``continue_on_failure``.

    A step fails when it raises, or when ``is_failure(result)`` is true (e.g. a TaskResult with
    ``ok`` False). Steps after a stop are recorded as skipped.
    """
    named = _named(steps, "step")
    results = [StepResult(name, status="skipped") for name, _ in named]
    stopped_at: str | None = None
    for (name, fn), result in zip(named, results, strict=True):
        if stopped_at is not None:
            result.note = f"not run: step {stopped_at!r} failed"
            continue
        await _run_one(fn, result, is_failure)
        if not result.ok and not continue_on_failure:
            stopped_at = name
    return SequenceOutcome(results, stopped_at)


async def parallel(
    branches: Steps,
    *,
    limit: int | None = None,
    fail_fast: bool = False,
    is_failure: Callable[[Any], bool] | None = None,
) -> ParallelOutcome:
    """Run ``branches`` concurrently (at most ``limit`` at once) and collect every outcome.

    Results keep the input order. With ``fail_fast`` the first failure cancels the branches still
    running or waiting; they are recorded as cancelled. A branch fails as in :func:`sequential`.
    """
    named = _named(branches, "branch")
    if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int) or limit < 1):
        raise PatternError(
            f"parallel() needs limit to be a positive integer or None, got {limit!r}.",
            hint="Use limit=None to run every branch at once.",
        )
    gate = asyncio.Semaphore(limit) if limit else None
    results = {name: StepResult(name) for name, _ in named}
    tasks: dict[str, asyncio.Task[None]] = {}
    started: set[str] = set()
    first_failure: list[str] = []

    async def run(name: str, fn: Step) -> None:
        if gate is not None:
            await gate.acquire()
        try:
            started.add(name)
            await _run_one(fn, results[name], is_failure)
        finally:
            if gate is not None:
                gate.release()
        if fail_fast and results[name].status == "failed" and not first_failure:
            first_failure.append(name)
            for other, task in tasks.items():
                if other != name:
                    task.cancel()

    for name, fn in named:
        tasks[name] = asyncio.create_task(run(name, fn), name=f"branch:{name}")
    if tasks:
        try:
            await asyncio.wait(tasks.values())
        except asyncio.CancelledError:
            for task in tasks.values():
                task.cancel()
            await asyncio.gather(*tasks.values(), return_exceptions=True)
            raise
    for name, task in tasks.items():
        if task.cancelled():
            why = f"branch {first_failure[0]!r} failed (fail_fast)" if first_failure else "cancel"
            when = "interrupted" if name in started else "cancelled before it started"
            results[name].note = f"{when}: {why}"
        elif (exc := task.exception()) is not None:
            raise exc  # a BaseException such as KeyboardInterrupt: never swallowed
    return ParallelOutcome([results[name] for name, _ in named])


async def _run_one(fn: Step, result: StepResult, is_failure: Callable[[Any], bool] | None) -> None:
    started = time.perf_counter()
    try:
        value = await fn()
    except Exception as exc:
        result.status, result.error = "failed", exc
    else:
        result.value = value
        if is_failure is not None and is_failure(value):
            result.status, result.note = "failed", "the result was judged a failure"
        else:
            result.status = "succeeded"
    finally:
        result.duration_s = time.perf_counter() - started


def _named(calls: Steps, what: str) -> list[tuple[str, Step]]:
    """(name, callable) pairs: mapping keys, or each callable's __name__ made unique."""
    if isinstance(calls, Mapping):
        pairs = [(str(name), fn) for name, fn in calls.items()]
    else:
        pairs = []
        for index, fn in enumerate(calls):
            base = getattr(fn, "__name__", "") or f"{what}{index}"
            taken = {n for n, _ in pairs}
            pairs.append((base if base not in taken else f"{base}#{index}", fn))
    for name, fn in pairs:
        if not callable(fn):
            raise PatternError(
                f"The {what} {name!r} is {type(fn).__name__}, not a callable.",
                hint="Pass async functions taking no arguments, e.g. lambda: agent.run(task).",
            )
    return pairs


def _describe(error: BaseException | None) -> str | None:
    return None if error is None else f"{type(error).__name__}: {error}"


def _jsonable(value: Any) -> Any:
    if hasattr(value, "as_dict"):
        return value.as_dict()
    try:
        json.dumps(value)
    except (TypeError, ValueError):
        return repr(value)
    return value


# consensus.py builds on parallel() above, so its names are loaded on first use, not at import
_CONSENSUS_NAMES = frozenset({"Ballot", "Decision", "VoteRecord", "VoteSource", "consensus"})


def __getattr__(name: str) -> Any:
    if name in _CONSENSUS_NAMES:
        return getattr(importlib.import_module("codeguild.orchestration.consensus"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
