"""The tester: writes the test components and runs the project's tests in the sandbox."""

from __future__ import annotations

from codeguild.agents.base import RUN_TESTS, WRITE_TESTS, RunContext, TaskResult, TaskSpec
from codeguild.agents.writing import write_component
from codeguild.quality.findings import TestRunResult
from codeguild.quality.sandbox import Sandbox, SandboxLimits
from codeguild.quality.testrun import run_tests


class TesterAgent:
    def __init__(
        self,
        name: str = "tester",
        *,
        sandbox: Sandbox | None = None,
        limits: SandboxLimits | None = None,
    ) -> None:
        self.name = name
        self.capabilities = frozenset({WRITE_TESTS, RUN_TESTS})
        self._sandbox = sandbox or Sandbox()
        self._limits = limits

    async def execute(self, task: TaskSpec, ctx: RunContext) -> TaskResult:
        if task.capability == WRITE_TESTS:
            return write_component(task, ctx)
        return await self.run(task.name, ctx)

    async def run(self, task_name: str, ctx: RunContext) -> TaskResult:
        ctx.progress(task_name, "running the project's tests in the sandbox", None)
        result: TestRunResult = await run_tests(
            ctx.workspace.root,
            package=ctx.blueprint.package,
            sandbox=self._sandbox,
            limits=self._limits,
        )
        summary = f"{result.passed} passed, {result.failed} failed, {result.errors} errors"
        if result.coverage_percent is not None:
            summary += f", coverage {result.coverage_percent:.0f}%"
        if result.timed_out:
            summary += " (timed out)"
        return TaskResult(ok=result.ok, summary=summary, data={"tests": result.model_dump()})
