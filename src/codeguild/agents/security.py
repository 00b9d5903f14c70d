"""The security agent: bandit, a secrets scan and the dependency-pin check."""

from __future__ import annotations

import asyncio

from codeguild.agents.base import SECURITY, RunContext, TaskResult, TaskSpec
from codeguild.agents.checks import run_checks
from codeguild.quality.security import bandit_scan, dependency_pins, secrets_scan


class SecurityAgent:
    def __init__(self, name: str = "security") -> None:
        self.name = name
        self.capabilities = frozenset({SECURITY})

    async def execute(self, task: TaskSpec, ctx: RunContext) -> TaskResult:
        root = ctx.workspace.root
        ctx.progress(task.name, "bandit, secrets scan and dependency pins", None)
        return await run_checks(
            bandit_scan(root),
            asyncio.to_thread(secrets_scan, root),
            asyncio.to_thread(dependency_pins, root),
        )
