"""The reviewer: syntax, lint and format, typing, complexity and cross-file consistency.

When the run's engine can review code (it has a ``review`` method, as the LLM engine does), the
tools' findings are followed by a model review of the project's Python files, reported as one
more check result named ``llm-review`` (with its own entry in ``verdicts``). Its verdict rule:

- model findings are advisory: they are reported but do not fail the review, except
- a finding of severity ``high`` fails the review (``ok`` False, the ``llm-review`` check and
  verdict not passed), so the fix round gets the file and the finding like any tool's;
- a model review that could not be done (unusable answer, failed call, spent budget) is noted in
  the check's ``error`` and never fails or crashes the review.

The built-in engine has no ``review``: its reviews are the tools' alone, unchanged.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any

from codeguild.agents.base import REVIEW, RunContext, TaskResult, TaskSpec, Workspace
from codeguild.agents.checks import run_checks
from codeguild.quality.findings import CheckResult, Finding
from codeguild.quality.report import CheckName, QualityThresholds

log = logging.getLogger(__name__)

REVIEW_CHECKS: tuple[CheckName, ...] = ("syntax", "best_practice", "complexity", "consistency")
LLM_CHECK = "llm-review"
#: the only model severity that fails a review; lower ones are advisory
FAILING_SEVERITY = "high"
_SOURCE_SUFFIXES = (".py", ".pyi")


class ReviewerAgent:
    def __init__(
        self, name: str = "reviewer", *, thresholds: QualityThresholds | None = None
    ) -> None:
        self.name = name
        self.capabilities = frozenset({REVIEW})
        self._thresholds = thresholds or QualityThresholds()

    async def execute(self, task: TaskSpec, ctx: RunContext) -> TaskResult:
        ctx.progress(task.name, "syntax, ruff, mypy, complexity and consistency checks", None)
        result = await run_checks(ctx.workspace.root, REVIEW_CHECKS, self._thresholds)
        if not callable(getattr(ctx.engine, "review", None)):
            return result
        ctx.progress(task.name, "model review of the source files", None)
        return with_llm_review(result, await llm_review(ctx, result))


async def llm_review(ctx: RunContext, tools: TaskResult) -> CheckResult:
    """Ask the engine for its review of the workspace's Python files; never raises."""
    started = time.perf_counter()
    error: str | None
    tool_findings = [f for c in tools.data.get("checks", []) for f in c.get("findings", [])]
    try:
        files = await asyncio.to_thread(_sources, ctx.workspace)
        engine: Any = ctx.engine
        if hasattr(engine, "areview"):
            found = await engine.areview(ctx.intent, files, tool_findings)
        else:  # a sync-only engine: keep its blocking call off the event loop
            found = await asyncio.to_thread(engine.review, ctx.intent, files, tool_findings)
    except Exception as exc:  # an advisory check must not take the review down with it
        log.warning("llm review failed: %s: %s", type(exc).__name__, exc)
        found, error = [], f"{type(exc).__name__}: {exc}"
    else:
        error = getattr(found, "error", None)
    findings = [f if isinstance(f, Finding) else Finding.model_validate(f) for f in found]
    high = sum(f.severity == FAILING_SEVERITY for f in findings)
    return CheckResult(
        check=LLM_CHECK,
        passed=high == 0,
        findings=findings,
        metrics={"findings": float(len(findings)), "high": float(high)},
        error=error,
        duration_s=round(time.perf_counter() - started, 3),
        details={"advisory_below": FAILING_SEVERITY, "notes": dict(getattr(found, "notes", {}))},
    )


def with_llm_review(tools: TaskResult, review: CheckResult) -> TaskResult:
    """The tools' result with the model review appended and judged by the rule above."""
    high = int(review.metrics.get("high", 0))
    reasons = [f"{LLM_CHECK}: {high} finding(s) of severity {FAILING_SEVERITY}"] if high else []
    data = dict(tools.data)
    data["checks"] = [*data.get("checks", []), review.model_dump()]
    data["verdicts"] = {
        **data.get("verdicts", {}),
        LLM_CHECK: {"passed": review.passed, "reasons": reasons},
    }
    if review.error:
        note = f"model review unavailable ({review.error[:120]})"
    else:
        note = f"model review: {len(review.findings)} finding(s)"
    summary = f"{tools.summary}; {'; '.join(reasons) if reasons else note}"
    return TaskResult(ok=tools.ok and review.passed, files=tools.files, summary=summary, data=data)


def _sources(workspace: Workspace) -> dict[str, str]:
    """The workspace's Python files (the engine bounds and filters them further)."""
    files: dict[str, str] = {}
    for rel in workspace.files():
        if rel.endswith(_SOURCE_SUFFIXES):
            try:
                files[rel] = (workspace.root / rel).read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                continue
    return files
