"""sequential, parallel and consensus: every outcome recorded, errors kept, rules applied."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from codeguild.agents.base import RunContext, TaskResult, TaskSpec
from codeguild.orchestration.manager import AgentManager
from codeguild.orchestration.patterns import (
    Ballot,
    PatternError,
    consensus,
    parallel,
    sequential,
)


def returns(value: Any, delay: float = 0.0) -> Callable[[], Awaitable[Any]]:
    async def step() -> Any:
        await asyncio.sleep(delay)
        return value

    return step


def raises(exc: Exception, delay: float = 0.0) -> Callable[[], Awaitable[Any]]:
    async def step() -> Any:
        await asyncio.sleep(delay)
        raise exc

    return step


# -- sequential -----------------------------------------------------------------------------


async def test_sequential_stops_at_the_first_failure_and_skips_the_rest() -> None:
    ran: list[str] = []

    def track(name: str, fn: Callable[[], Awaitable[Any]]) -> Callable[[], Awaitable[Any]]:
        async def step() -> Any:
            ran.append(name)
            return await fn()

        return step

    error = ValueError("schema mismatch")
    outcome = await sequential(
        {
            "plan": track("plan", returns("p")),
            "code": track("code", raises(error)),
            "test": track("test", returns("t")),
        }
    )
    assert ran == ["plan", "code"]
    assert [s.status for s in outcome.steps] == ["succeeded", "failed", "skipped"]
    assert outcome.stopped_at == "code" and not outcome.ok
    assert outcome.steps[1].error is error
    data = outcome.as_dict()
    assert data["steps"][1]["error"] == "ValueError: schema mismatch"
    assert data["steps"][2]["note"] == "not run: step 'code' failed"
    assert json.loads(json.dumps(data)) == data


async def test_sequential_can_continue_and_judge_results() -> None:
    outcome = await sequential(
        [returns(TaskResult(ok=False)), raises(RuntimeError("x")), returns(TaskResult())],
        continue_on_failure=True,
        is_failure=lambda r: isinstance(r, TaskResult) and not r.ok,
    )
    assert [s.status for s in outcome.steps] == ["failed", "failed", "succeeded"]
    assert outcome.steps[0].note == "the result was judged a failure"
    assert outcome.stopped_at is None
    # anonymous callables get unique names
    assert [s.name for s in outcome.steps] == ["step", "step#1", "step#2"]


async def test_non_callables_are_rejected_with_the_fix() -> None:
    with pytest.raises(PatternError) as info:
        await sequential({"plan": "not a function"})  # type: ignore[dict-item]
    assert str(info.value) == (
        "The step 'plan' is str, not a callable. "
        "Pass async functions taking no arguments, e.g. lambda: agent.run(task)."
    )
    assert info.value.code == "invalid_pattern"


# -- parallel -------------------------------------------------------------------------------


async def test_parallel_keeps_every_success_and_every_exception() -> None:
    boom, bust = RuntimeError("boom"), KeyError("bust")
    outcome = await parallel(
        {
            "a": returns(1, 0.01),
            "b": raises(boom),
            "c": returns(3),
            "d": raises(bust, 0.005),
        }
    )
    assert [b.name for b in outcome.branches] == ["a", "b", "c", "d"]  # input order
    assert outcome.successes == {"a": 1, "c": 3}
    assert outcome.errors == {"b": boom, "d": bust}
    assert set(outcome.failures) == {"b", "d"}
    assert outcome.as_dict()["counts"] == {
        "succeeded": 2,
        "failed": 2,
        "skipped": 0,
        "cancelled": 0,
    }


async def test_parallel_runs_concurrently_within_the_limit() -> None:
    running = peak = 0

    async def work() -> None:
        nonlocal running, peak
        running += 1
        peak = max(peak, running)
        await asyncio.sleep(0.01)
        running -= 1

    started = time.perf_counter()
    outcome = await parallel([work] * 6, limit=2)
    elapsed = time.perf_counter() - started
    assert outcome.ok and peak == 2
    assert 0.025 < elapsed < 0.2  # three waves of 10 ms, not six
    unlimited = await parallel([work] * 6)
    assert unlimited.ok and peak == 6
    with pytest.raises(PatternError) as info:
        await parallel([work], limit=0)
    assert str(info.value) == (
        "parallel() needs limit to be a positive integer or None, got 0. "
        "Use limit=None to run every branch at once."
    )


async def test_fail_fast_cancels_running_and_waiting_branches() -> None:
    finished: list[str] = []

    async def slow() -> None:
        await asyncio.sleep(1)
        finished.append("slow")

    outcome = await parallel(
        {"slow": slow, "fails": raises(ValueError("bad"), 0.01), "queued": slow},
        limit=2,
        fail_fast=True,
    )
    by_name = {b.name: b for b in outcome.branches}
    assert by_name["fails"].status == "failed"
    assert by_name["slow"].status == by_name["queued"].status == "cancelled"
    assert by_name["slow"].note == "interrupted: branch 'fails' failed (fail_fast)"
    assert (
        by_name["queued"].note == "cancelled before it started: branch 'fails' failed (fail_fast)"
    )
    assert finished == []


async def test_cancelling_parallel_cancels_its_branches() -> None:
    cancelled: list[str] = []

    async def slow() -> None:
        try:
            await asyncio.sleep(5)
        except asyncio.CancelledError:
            cancelled.append("slow")
            raise

    runner = asyncio.create_task(parallel([slow, slow]))
    await asyncio.sleep(0.01)
    runner.cancel()
    with pytest.raises(asyncio.CancelledError):
        await runner
    assert cancelled == ["slow", "slow"]


async def test_parallel_of_nothing_is_an_empty_success() -> None:
    outcome = await parallel({})
    assert outcome.ok and outcome.branches == []


# -- consensus ------------------------------------------------------------------------------


async def test_weighted_majority_records_every_vote() -> None:
    decision = await consensus(
        {
            "reviewer": returns(Ballot("ship", "clean diff")),
            "security": returns(Ballot("fix", "hardcoded secret")),
            "tester": returns("ship"),
        },
        weights={"reviewer": 0.5, "security": 0.9, "tester": 0.3},
        tie_break="fix",
    )
    assert decision.choice == "fix" and decision.reached
    assert decision.rule == "highest weighted total"
    assert decision.totals == {"fix": 0.9, "ship": 0.8}
    data = decision.as_dict()
    assert data["votes"][1] == {
        "voter": "security",
        "choice": "fix",
        "weight": 0.9,
        "reason": "hardcoded secret",
        "error": None,
    }
    assert json.loads(json.dumps(data)) == data


async def test_ties_go_to_tie_break_then_to_the_heaviest_single_vote() -> None:
    votes = {"a": "ship", "b": "ship", "c": "fix"}
    weights = {"a": 0.5, "b": 0.5, "c": 1.0}
    safe = await consensus(votes, weights=weights, tie_break="fix")
    assert safe.choice == "fix" and safe.rule == "tie between fix, ship: tie_break 'fix'"
    heaviest = await consensus(votes, weights=weights)
    assert heaviest.choice == "fix"
    assert heaviest.rule == "tie between fix, ship: heaviest single vote"
    even = await consensus({"a": "ship", "b": "fix"})
    assert even.choice == "fix" and even.rule == "tie between fix, ship: alphabetically first"


async def test_failing_and_invalid_voters_abstain_and_quorum_decides() -> None:
    async def hangs() -> str:
        await asyncio.sleep(5)
        return "ship"

    decision = await consensus(
        {
            "reviewer": returns("ship"),
            "security": raises(ConnectionError("scanner down")),
            "tester": hangs,
            "docs": returns("shipp"),
        },
        choices=("ship", "fix"),
        tie_break="fix",
        quorum=0.5,
        timeout_s=0.02,
    )
    votes = {v.voter: v for v in decision.votes}
    assert votes["security"].choice is None
    assert votes["security"].error == "ConnectionError: scanner down"
    assert votes["tester"].error == "TimeoutError: no vote within 0.02s"
    assert votes["docs"].error == "invalid choice 'shipp'; choices: ship, fix"
    assert decision.participation == 0.25
    assert not decision.reached and decision.choice == "fix"
    assert decision.rule == (
        "no quorum: 25% of the voting weight took part, 50% needed; fell back to tie_break 'fix'"
    )
    lenient = await consensus({"a": returns("ship"), "b": returns(None)}, quorum=0.5)
    assert lenient.reached and lenient.choice == "ship"
    assert lenient.votes[1].reason == "abstained"


async def test_weights_can_come_from_the_agent_manager() -> None:
    class Voter:
        def __init__(self, name: str) -> None:
            self.name = name
            self.capabilities = frozenset({"review"})

        async def execute(self, task: TaskSpec, ctx: RunContext) -> TaskResult:
            return TaskResult()

    manager = AgentManager()
    good, flaky = Voter("good"), Voter("flaky")
    manager.register(good)
    manager.register(flaky)
    assert [await manager.acquire("review"), await manager.acquire("review")] == [good, flaky]
    manager.release(good, "review", ok=True, duration_s=0.1)
    manager.release(flaky, "review", ok=False, duration_s=0.1)
    decision = await consensus(
        {"good": "ship", "flaky": "fix"}, weights=manager.agent_score, quorum=0.5
    )
    assert decision.choice == "ship"
    assert decision.votes[1].weight == pytest.approx(0.7)


async def test_consensus_argument_errors_say_what_to_fix() -> None:
    cases: list[tuple[dict[str, Any], dict[str, Any], str]] = [
        ({}, {}, "consensus() needs at least one voter."),
        (
            {"a": "ship"},
            {"quorum": 1.5},
            "quorum is the share of the total weight that must vote, between 0 and 1; got 1.5.",
        ),
        (
            {"a": "ship"},
            {"choices": ["ship", "fix"], "tie_break": "defer"},
            "tie_break 'defer' is not one of the choices: ship, fix.",
        ),
        (
            {"a": "ship", "b": "fix"},
            {"weights": {"a": 1.0}},
            "No weight for voter(s) 'b'. Give a weight for every voter, or weights=None to count "
            "votes equally.",
        ),
        (
            {"a": "ship"},
            {"weights": {"a": float("nan")}},
            "Voter 'a' has weight nan; weights must be finite numbers >= 0.",
        ),
    ]
    for voters, kwargs, message in cases:
        with pytest.raises(PatternError) as info:
            await consensus(voters, **kwargs)
        assert str(info.value) == message
