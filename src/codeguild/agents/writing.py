"""Writing one blueprint component into the workspace (coder, tester and docs agents)."""

from __future__ import annotations

from codeguild.agents.base import RunContext, TaskResult, TaskSpec
from codeguild.errors import CodeguildError


class ComponentError(CodeguildError):
    """A component cannot be written: unknown, or its prerequisites are missing."""

    code = "component_error"


def write_component(task: TaskSpec, ctx: RunContext) -> TaskResult:
    """Ask the engine for the component's files and write them; reports progress per file."""
    if task.component is None:
        raise ComponentError(f"Task {task.name!r} names no component to write.")
    try:
        component = ctx.blueprint.component(task.component)
    except KeyError:
        raise ComponentError(
            f"Task {task.name!r} asks for component {task.component!r}, "
            "which the blueprint does not have.",
            hint="Re-plan the run; the blueprint and the plan are out of step.",
        ) from None
    present = set(ctx.workspace.files())
    for need in component.needs:
        missing = [f for f in ctx.blueprint.component(need).files if f not in present]
        if missing:
            raise ComponentError(
                f"Component {component.name!r} needs {need!r}, whose files are missing: {missing}.",
                hint="The plan must order the tasks so that prerequisites are written first.",
            )
    files = ctx.engine.write_component(ctx.intent, component.name)
    for i, (path, text) in enumerate(sorted(files.items()), start=1):
        ctx.workspace.write(path, text)
        ctx.progress(task.name, f"wrote {path}", i / len(files))
    lines = sum(text.count("\n") for text in files.values())
    return TaskResult(
        ok=True,
        files=sorted(files),
        summary=f"{len(files)} file(s), {lines} lines",
        data={"lines": lines},
    )
