"""The quality report: six checks, each judged against configurable thresholds.

A check groups the results of one or more tools (security = bandit + secrets + dangerous calls);
its verdict comes from the thresholds here, not from the tools' own exit codes, so one config
decides what "good enough" means for every project.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from codeguild.quality.findings import SEVERITY_RANK, CheckResult, Finding, Severity, TestRunResult

CheckName = Literal[
    "syntax", "security", "complexity", "best_practice", "consistency", "dependencies"
]
CHECK_NAMES: tuple[CheckName, ...] = (
    "syntax",
    "security",
    "complexity",
    "best_practice",
    "consistency",
    "dependencies",
)
#: results that are reported but never fail their check on their own (see ``judge``)
_INFORMATIONAL = frozenset({"licenses"})


class QualityThresholds(BaseModel):
    """What a project must meet to pass; the defaults are what generated projects are held to."""

    max_complexity: int = Field(10, ge=1, description="Highest cyclomatic complexity per function")
    min_maintainability: float = Field(20.0, ge=0, le=100, description="Lowest MI per module")
    max_severity: Severity = Field(
        "low", description="Highest finding severity a passing check may contain"
    )
    max_lint_violations: int = Field(0, ge=0, description="ruff violations allowed")
    require_formatted: bool = Field(True, description="Fail when ruff format would change a file")
    mypy: Literal["off", "report", "fail"] = Field(
        "report", description="off: not run; report: findings shown, never failing; fail: gating"
    )
    fail_on_tool_error: bool = Field(
        True, description="A tool that could not run fails its check (else it is only reported)"
    )

    @classmethod
    def from_settings(cls) -> QualityThresholds:
        """Thresholds with the values set in codeguild's config (CODEGUILD_MAX_COMPLEXITY)."""
        from codeguild.config import get_settings

        return cls(max_complexity=get_settings().max_complexity)


class QualityCheck(BaseModel):
    """One of the six checks: its verdict, the tool results behind it and why it failed."""

    name: CheckName
    passed: bool
    results: list[CheckResult] = Field(default_factory=list)
    reasons: list[str] = Field(default_factory=list, description="Why it failed, one per cause")

    @property
    def findings(self) -> list[Finding]:
        return [f for r in self.results for f in r.findings]


class QualityReport(BaseModel):
    """The verdict on a whole project."""

    root: str
    passed: bool
    checks: dict[CheckName, QualityCheck]
    thresholds: QualityThresholds
    tests: TestRunResult | None = None
    duration_s: float = 0.0

    @property
    def failed(self) -> list[str]:
        names: list[str] = [name for name, check in self.checks.items() if not check.passed]
        if self.tests is not None and not self.tests.ok:
            names.append("tests")
        return names

    def findings(self, min_severity: Severity = "info") -> list[Finding]:
        floor = SEVERITY_RANK[min_severity]
        return [
            f
            for check in self.checks.values()
            for f in check.findings
            if SEVERITY_RANK[f.severity] >= floor
        ]

    def summary(self) -> str:
        """One line per check, for logs and the CLI."""
        lines = []
        for name, check in self.checks.items():
            mark = "pass" if check.passed else "FAIL"
            detail = (
                "; ".join(check.reasons) if check.reasons else f"{len(check.findings)} finding(s)"
            )
            lines.append(f"{name:<14} {mark}  {detail}")
        if self.tests is not None:
            t = self.tests
            lines.append(
                f"{'tests':<14} {'pass' if t.ok else 'FAIL'}  {t.passed} passed, {t.failed} "
                f"failed, {t.errors} errors"
                + (f"; stopped by {', '.join(t.stopped_by)}" if t.stopped_by else "")
            )
        return "\n".join(lines)


def _result_reasons(result: CheckResult, thresholds: QualityThresholds) -> list[str]:
    """Why one tool's result fails its check under ``thresholds`` (empty: it does not)."""
    if result.error is not None:
        return (
            [f"{result.check} could not run: {result.error}"]
            if thresholds.fail_on_tool_error
            else []
        )
    if result.check in _INFORMATIONAL:
        return []
    if result.check == "mypy":
        failing = thresholds.mypy == "fail" and bool(result.findings)
        return [f"mypy: {len(result.findings)} type error(s)"] if failing else []
    if result.check == "ruff":
        over = len(result.findings) > thresholds.max_lint_violations
        limit = thresholds.max_lint_violations
        return [f"ruff: {len(result.findings)} violation(s), limit {limit}"] if over else []
    if result.check == "ruff-format":
        failing = thresholds.require_formatted and bool(result.findings)
        return [f"ruff format: {len(result.findings)} file(s) unformatted"] if failing else []
    if result.check in ("syntax", "complexity"):
        # Their thresholds are applied while measuring: every finding is over a limit.
        return [f"{result.check}: {len(result.findings)} finding(s)"] if result.findings else []
    ceiling = SEVERITY_RANK[thresholds.max_severity]
    worse = [f for f in result.findings if SEVERITY_RANK[f.severity] > ceiling]
    if worse:
        return [f"{result.check}: {len(worse)} finding(s) above {thresholds.max_severity}"]
    return []


def judge(
    name: CheckName, results: list[CheckResult], thresholds: QualityThresholds
) -> QualityCheck:
    """The verdict of one check from its tools' results."""
    reasons = [reason for result in results for reason in _result_reasons(result, thresholds)]
    return QualityCheck(name=name, passed=not reasons, results=results, reasons=reasons)
