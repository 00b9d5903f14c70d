"""The reviewer: syntax, lint and format, typing, complexity and cross-file consistency."""

from __future__ import annotations

from codeguild.agents.base import REVIEW, RunContext, TaskResult, TaskSpec
from codeguild.agents.checks import run_checks
from codeguild.quality.report import CheckName, QualityThresholds

REVIEW_CHECKS: tuple[CheckName, ...] = ("syntax", "best_practice", "complexity", "consistency")


class ReviewerAgent:
    def __init__(
        self, name: str = "reviewer", *, thresholds: QualityThresholds | None = None
    ) -> None:
        self.name = name
        self.capabilities = frozenset({REVIEW})
        self._thresholds = thresholds or QualityThresholds()

    async def execute(self, task: TaskSpec, ctx: RunContext) -> TaskResult:
        ctx.progress(task.name, "syntax, ruff, mypy, complexity and consistency checks", None)
        return await run_checks(ctx.workspace.root, REVIEW_CHECKS, self._thresholds)
