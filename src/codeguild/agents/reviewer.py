"""The reviewer: syntax, lint, formatting and complexity of the whole project."""

from __future__ import annotations

import asyncio

from codeguild.agents.base import REVIEW, RunContext, TaskResult, TaskSpec
from codeguild.agents.checks import run_checks
from codeguild.quality.complexity import complexity
from codeguild.quality.lint import ruff_check, ruff_format_check
from codeguild.quality.syntax import check_syntax


class ReviewerAgent:
    def __init__(self, name: str = "reviewer", *, max_complexity: int = 10) -> None:
        self.name = name
        self.capabilities = frozenset({REVIEW})
        self._max_cc = max_complexity

    async def execute(self, task: TaskSpec, ctx: RunContext) -> TaskResult:
        root = ctx.workspace.root
        ctx.progress(task.name, "syntax, ruff, format and complexity checks", None)
        return await run_checks(
            asyncio.to_thread(check_syntax, root),
            ruff_check(root),
            ruff_format_check(root),
            asyncio.to_thread(complexity, root, self._max_cc),
        )
