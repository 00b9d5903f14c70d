"""The iterative pattern stops for the right reason and records every round."""

from __future__ import annotations

from codeguild.orchestration.patterns import Verdict, iterate


async def test_passing_first_verdict_runs_no_round() -> None:
    calls: list[str] = []

    async def improve(_v: Verdict) -> list[str]:
        calls.append("improve")
        return ["x"]

    async def evaluate() -> Verdict:
        calls.append("evaluate")
        return Verdict(True)

    outcome = await iterate(Verdict(True), improve, evaluate, max_rounds=3)
    assert outcome.final.passed and outcome.rounds == [] and calls == []
    assert "first pass" in outcome.stop_reason


async def test_fix_then_pass_records_the_round() -> None:
    async def improve(_v: Verdict) -> list[str]:
        return ["ruff --fix"]

    async def evaluate() -> Verdict:
        return Verdict(True)

    outcome = await iterate(Verdict(False, {"review": "lint"}), improve, evaluate, max_rounds=2)
    assert outcome.final.passed
    assert [r.actions for r in outcome.rounds] == [["ruff --fix"]]
    assert outcome.as_dict()["initial_failures"] == {"review": "lint"}
    assert "after round 1" in outcome.stop_reason


async def test_round_limit_is_a_hard_bound() -> None:
    evaluations = 0

    async def improve(_v: Verdict) -> list[str]:
        return ["try"]

    async def evaluate() -> Verdict:
        nonlocal evaluations
        evaluations += 1
        return Verdict(False, {"tests": "1 failed"})

    outcome = await iterate(Verdict(False), improve, evaluate, max_rounds=3)
    assert evaluations == 3 and len(outcome.rounds) == 3
    assert not outcome.final.passed
    assert outcome.stop_reason == "round limit reached (3)"


async def test_no_fix_available_stops_without_rechecking() -> None:
    async def improve(_v: Verdict) -> list[str]:
        return []

    async def evaluate() -> Verdict:
        raise AssertionError("must not re-evaluate when nothing changed")

    outcome = await iterate(Verdict(False, {"tests": "x"}), improve, evaluate, max_rounds=3)
    assert not outcome.final.passed and "no fix available" in outcome.stop_reason
