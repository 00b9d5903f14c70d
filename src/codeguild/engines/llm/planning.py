"""The planner's answer: its JSON shape, and the rules a plan must meet to become a Blueprint."""

from __future__ import annotations

import re
from pathlib import PurePosixPath
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from codeguild.engines.base import Blueprint, Component

#: the engine writes these itself (pinned, with the tool config the checks rely on)
SCAFFOLD = "scaffold"
SCAFFOLD_FILES = ("pyproject.toml", "requirements.txt", "requirements-dev.txt", ".gitignore")
_NAME = re.compile(r"^[a-z][a-z0-9_]{0,62}$")
_DIST = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


class ComponentDraft(BaseModel):
    model_config = ConfigDict(extra="ignore")

    name: str = Field(description="snake_case, unique", examples=["parsing"])
    kind: Literal["code", "tests", "docs"]
    files: list[str] = Field(min_length=1, description="relative POSIX paths")
    needs: list[str] = Field(default_factory=list, description="components written first")
    description: str = ""


class PlanDraft(BaseModel):
    """What the planner model answers."""

    model_config = ConfigDict(extra="ignore")

    components: list[ComponentDraft] = Field(min_length=1)
    dependencies: list[str] = Field(default_factory=list, description="PyPI distributions")
    notes: list[str] = Field(default_factory=list)


def plan_problems(plan: PlanDraft, package: str) -> list[str]:
    """Everything wrong with a plan, each as one sentence the model can act on (empty: fine)."""
    problems: list[str] = []
    names = [c.name for c in plan.components]
    known = set(names)
    for name in sorted({n for n in names if names.count(n) > 1}):
        problems.append(f"component name {name!r} is used more than once")
    for name in names:
        if not _NAME.match(name) or name == SCAFFOLD:
            problems.append(f"component name {name!r} must be snake_case and not {SCAFFOLD!r}")
    seen: dict[str, str] = {}
    for c in plan.components:
        for path in c.files:
            problem = _path_problem(path, c.kind, package)
            if problem:
                problems.append(f"{c.name}: {problem}")
            if path in seen:
                problems.append(f"{path!r} is planned in both {seen[path]!r} and {c.name!r}")
            seen.setdefault(path, c.name)
        for need in c.needs:
            if need not in known:
                problems.append(f"{c.name} needs {need!r}, which is not a planned component")
    kinds = {c.kind for c in plan.components}
    for kind in ("code", "tests"):
        if kind not in kinds:
            problems.append(f"the plan has no {kind!r} component")
    if f"{package}/__init__.py" not in seen:
        problems.append(f"the plan must include {package}/__init__.py")
    for dist in plan.dependencies:
        if not _DIST.match(dist):
            problems.append(f"dependency {dist!r} is not a PyPI distribution name")
    cycle = _cycle({c.name: [n for n in c.needs if n in known] for c in plan.components})
    if cycle:
        problems.append(f"the needs form a cycle: {' -> '.join(cycle)}")
    return problems


def _path_problem(path: str, kind: str, package: str) -> str | None:
    p = PurePosixPath(path)
    if not path or p.is_absolute() or "\\" in path or ".." in p.parts or path.startswith("~"):
        return f"{path!r} must be a relative path inside the project"
    if path in SCAFFOLD_FILES:
        return f"{path!r} is written by the engine; leave it out"
    if kind == "code" and (p.parts[0] != package or p.suffix not in (".py", ".typed", "")):
        return f"code file {path!r} must be a module under {package}/"
    if kind == "tests" and (p.parts[0] != "tests" or p.suffix != ".py"):
        return f"test file {path!r} must be a .py file under tests/"
    if kind == "docs" and p.suffix not in (".md", ".rst", ".txt"):
        return f"docs file {path!r} must be Markdown"
    return None


def _cycle(graph: dict[str, list[str]]) -> list[str] | None:
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in graph.get(node, []):
            if state.get(nxt) == 1:
                return [*path[path.index(nxt) :], nxt]
            if nxt not in state:
                found = visit(nxt)
                if found:
                    return found
        path.pop()
        state[node] = 2
        return None

    for node in graph:
        if node not in state:
            found = visit(node)
            if found:
                return found
    return None


def to_blueprint(plan: PlanDraft, package: str) -> Blueprint:
    """A validated plan as a Blueprint, with the engine's scaffold component first."""
    scaffold = Component(
        SCAFFOLD, "config", SCAFFOLD_FILES, description="Packaging, pinned dev tools, tool config."
    )
    components = [scaffold] + [
        Component(
            c.name,
            c.kind,
            tuple(c.files),
            needs=tuple(dict.fromkeys(c.needs)),
            description=c.description,
        )
        for c in plan.components
    ]
    return Blueprint(
        package=package,
        components=tuple(components),
        run_command=f'python -c "import {package}"',
        test_command="pytest",
        notes=tuple(plan.notes) + tuple(f"dependency: {d}" for d in plan.dependencies),
    )


def dependencies_of(blueprint: Blueprint) -> list[str]:
    prefix = "dependency: "
    return [n[len(prefix) :] for n in blueprint.notes if n.startswith(prefix)]
