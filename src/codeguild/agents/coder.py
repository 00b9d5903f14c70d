"""The coder: writes code and configuration components, and fixes what the checks flagged."""

from __future__ import annotations

from codeguild.agents.base import CODE, RunContext, TaskResult, TaskSpec
from codeguild.agents.writing import write_component
from codeguild.quality.lint import ruff_fix


class CoderAgent:
    def __init__(self, name: str = "coder") -> None:
        self.name = name
        self.capabilities = frozenset({CODE})

    async def execute(self, task: TaskSpec, ctx: RunContext) -> TaskResult:
        return write_component(task, ctx)

    async def fix(self, ctx: RunContext, failed_files: set[str]) -> list[str]:
        """One fix round: lint/format autofix, then rewrite any flagged file from its component.

        Returns what was done, one line each, for the report.
        """
        actions: list[str] = []
        changed = await ruff_fix(ctx.workspace.root)
        if changed:
            actions.append(f"ruff --fix and format changed {len(changed)} file(s): {changed}")
        # a file the autofix just changed keeps that change; only files it could not touch are
        # candidates for a rewrite (e.g. a syntax error, or a file damaged after it was written)
        rewritten = self._rewrite(ctx, failed_files - set(changed))
        if rewritten:
            actions.append(f"regenerated {len(rewritten)} file(s) from the engine: {rewritten}")
        return actions

    def _rewrite(self, ctx: RunContext, failed_files: set[str]) -> list[str]:
        """Regenerate flagged files whose content differs from what the engine produces."""
        rewritten: list[str] = []
        for component in ctx.blueprint.components:
            if not failed_files.intersection(component.files):
                continue
            for path, text in ctx.engine.write_component(ctx.intent, component.name).items():
                target = ctx.workspace.root / path
                current = target.read_text(encoding="utf-8") if target.exists() else None
                if path in failed_files and current != text:
                    ctx.workspace.write(path, text)
                    rewritten.append(path)
        return rewritten
