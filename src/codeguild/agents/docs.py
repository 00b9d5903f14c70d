"""The documentation agent: README and API docs, and the OpenAPI document of a web API."""

from __future__ import annotations

import json

from codeguild.agents.base import DOCUMENT, RunContext, TaskResult, TaskSpec
from codeguild.agents.writing import write_component
from codeguild.quality.sandbox import Sandbox, SandboxLimits

EXPORT_OPENAPI = "export_openapi"


class DocsAgent:
    def __init__(self, name: str = "documenter", *, sandbox: Sandbox | None = None) -> None:
        self.name = name
        self.capabilities = frozenset({DOCUMENT})
        self._sandbox = sandbox or Sandbox()

    async def execute(self, task: TaskSpec, ctx: RunContext) -> TaskResult:
        if task.action == EXPORT_OPENAPI:
            return await self._export_openapi(task, ctx)
        return write_component(task, ctx)

    async def _export_openapi(self, task: TaskSpec, ctx: RunContext) -> TaskResult:
        argv = ctx.blueprint.openapi_export
        if not argv:
            return TaskResult(ok=True, summary="no OpenAPI document for this project type")
        # importing the app runs generated code, so it happens in the sandbox like the tests
        ctx.progress(task.name, "importing the app in the sandbox to export its OpenAPI", None)
        result = await self._sandbox.run(
            argv, ctx.workspace.root, limits=SandboxLimits(cpu_s=30, wall_s=60.0)
        )
        try:
            document = json.loads(result.stdout)
        except json.JSONDecodeError:
            tail = (result.stderr or result.stdout)[-2000:]
            return TaskResult(
                ok=False,
                summary="the app could not be imported to export its OpenAPI document",
                data={"exit_code": result.exit_code, "output_tail": tail},
            )
        ctx.workspace.write("openapi.json", json.dumps(document, indent=2, sort_keys=True) + "\n")
        paths = sorted(document.get("paths", {}))
        return TaskResult(
            ok=True,
            files=["openapi.json"],
            summary=f"openapi.json with {len(paths)} path(s)",
            data={"paths": paths},
        )
