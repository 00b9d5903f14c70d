"""The report's verdicts come from the thresholds, not from the tools' own pass flags."""

from __future__ import annotations

from codeguild.quality.findings import CheckResult, Finding
from codeguild.quality.report import QualityThresholds, judge


def _result(check: str, *severities: str, error: str | None = None) -> CheckResult:
    findings = [
        Finding(check=check, file="a.py", message="m", severity=s)  # type: ignore[arg-type]
        for s in severities
    ]
    return CheckResult(check=check, passed=not findings, findings=findings, error=error)


def test_severity_ceiling() -> None:
    results = [_result("bandit", "low"), _result("secrets", "low")]
    assert judge("security", results, QualityThresholds()).passed
    failed = judge("security", [_result("bandit", "medium")], QualityThresholds())
    assert not failed.passed and failed.reasons == ["bandit: 1 finding(s) above low"]
    assert judge(
        "security", [_result("bandit", "medium")], QualityThresholds(max_severity="high")
    ).passed


def test_mypy_is_reported_unless_configured_to_gate() -> None:
    mypy = [_result("ruff"), _result("mypy", "low", "low")]
    assert judge("best_practice", mypy, QualityThresholds()).passed
    assert not judge("best_practice", mypy, QualityThresholds(mypy="fail")).passed


def test_lint_budget_and_format_requirement() -> None:
    lint = [_result("ruff", "low", "low"), _result("ruff-format", "low")]
    assert not judge("best_practice", lint, QualityThresholds()).passed
    lenient = QualityThresholds(max_lint_violations=2, require_formatted=False)
    assert judge("best_practice", lint, lenient).passed


def test_a_tool_that_could_not_run_fails_unless_told_otherwise() -> None:
    broken = [_result("bandit", error="bandit is not installed")]
    assert not judge("security", broken, QualityThresholds()).passed
    assert judge("security", broken, QualityThresholds(fail_on_tool_error=False)).passed


def test_licenses_never_fail_the_dependency_check() -> None:
    results = [_result("pins"), _result("advisories"), _result("licenses", "high")]
    assert judge("dependencies", results, QualityThresholds()).passed
