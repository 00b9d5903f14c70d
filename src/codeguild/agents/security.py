"""The security agent: bandit (OWASP-mapped), dangerous calls, secrets, pins and advisories."""

from __future__ import annotations

from codeguild.agents.base import SECURITY, RunContext, TaskResult, TaskSpec
from codeguild.agents.checks import run_checks
from codeguild.quality.report import CheckName, QualityThresholds

SECURITY_CHECKS: tuple[CheckName, ...] = ("security", "dependencies")


class SecurityAgent:
    def __init__(
        self, name: str = "security", *, thresholds: QualityThresholds | None = None
    ) -> None:
        self.name = name
        self.capabilities = frozenset({SECURITY})
        self._thresholds = thresholds or QualityThresholds()

    async def execute(self, task: TaskSpec, ctx: RunContext) -> TaskResult:
        ctx.progress(task.name, "bandit, dangerous calls, secrets, pins and advisories", None)
        return await run_checks(ctx.workspace.root, SECURITY_CHECKS, self._thresholds)
