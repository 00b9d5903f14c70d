"""The shared shape of every quality check's output: findings and a pass/fail verdict."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

Severity = Literal["info", "low", "medium", "high"]
SEVERITY_RANK: dict[str, int] = {"info": 0, "low": 1, "medium": 2, "high": 3}


class Finding(BaseModel):
    check: str = Field(description="Which check found it: syntax, ruff, complexity, bandit, ...")
    file: str
    line: int | None = None
    rule: str = ""
    severity: Severity = "low"
    message: str
    fix_hint: str = ""
    owasp: str | None = Field(
        default=None, description="OWASP Top 10 (2021) category, e.g. 'A03:2021 Injection'."
    )


class CheckResult(BaseModel):
    check: str
    passed: bool
    findings: list[Finding] = Field(default_factory=list)
    metrics: dict[str, float] = Field(default_factory=dict)
    error: str | None = Field(default=None, description="Set when the check itself could not run.")
    duration_s: float = 0.0
    details: dict[str, Any] = Field(
        default_factory=dict, description="Check-specific extras (licenses, skipped reason, ...)."
    )


class TestRunResult(BaseModel):
    """Parsed outcome of a sandboxed pytest run."""

    __test__ = False  # not a pytest test class

    passed: int = 0
    failed: int = 0
    errors: int = 0
    skipped: int = 0
    duration_s: float = 0.0
    coverage_percent: float | None = None
    tests: list[dict[str, object]] = Field(
        default_factory=list, description="name, outcome, duration_s, message per test"
    )
    exit_code: int | None = None
    timed_out: bool = False
    output_tail: str = ""
    isolation: dict[str, object] = Field(
        default_factory=dict, description="What the sandbox actually obtained (uid, netns, ...)."
    )
    stopped_by: list[str] = Field(
        default_factory=list,
        description="Limits the sandbox enforced on this run: wall_timeout, cpu_limit, ...",
    )

    @property
    def ok(self) -> bool:
        total = self.passed + self.failed + self.errors
        return total > 0 and self.failed == 0 and self.errors == 0 and not self.timed_out
