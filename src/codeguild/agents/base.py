"""The small protocol every agent speaks, and the task/result types it exchanges."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from codeguild.context import Append, SharedContext
from codeguild.engines.base import Blueprint, Engine
from codeguild.intent.models import ProjectIntent

# Capabilities an agent can offer; a task asks for exactly one.
PLAN = "plan"
CODE = "code"
WRITE_TESTS = "write_tests"
RUN_TESTS = "run_tests"
REVIEW = "review"
DOCUMENT = "document"
SECURITY = "security"
CAPABILITIES = frozenset({PLAN, CODE, WRITE_TESTS, RUN_TESTS, REVIEW, DOCUMENT, SECURITY})

#: shared-context key: what the coder could not fix, one note per failed revision (any writer)
FIX_NOTES_KEY = "coder.fix_notes"


def run_shared_context() -> SharedContext:
    """A run's shared context with every key agents write, declared with how writes combine.

    Undeclared keys are refused, so a new key is declared here, next to the others.
    """
    return SharedContext({FIX_NOTES_KEY: Append()})


@dataclass(frozen=True)
class TaskSpec:
    """One node of the task graph: what to do, with which capability, after which tasks."""

    name: str
    capability: str
    component: str | None = None
    #: what to do when a capability covers several actions (e.g. "export_openapi" for DOCUMENT)
    action: str = ""
    depends_on: tuple[str, ...] = ()
    priority: str = "p1"
    estimate_s: float = 0.1
    description: str = ""


@dataclass
class TaskResult:
    """What a task produced. ``ok`` False means the task ran but its check failed (not a crash)."""

    ok: bool = True
    files: list[str] = field(default_factory=list)
    summary: str = ""
    data: dict[str, Any] = field(default_factory=dict)


class Workspace:
    """The project folder being written (a temp dir until the run finishes)."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def write(self, rel_path: str, text: str) -> Path:
        target = (self.root / rel_path).resolve()
        if not target.is_relative_to(self.root.resolve()):
            raise ValueError(f"refusing to write outside the project: {rel_path!r}")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        return target

    def read(self, rel_path: str) -> str:
        return (self.root / rel_path).read_text(encoding="utf-8")

    def files(self) -> list[str]:
        return sorted(
            p.relative_to(self.root).as_posix()
            for p in self.root.rglob("*")
            if p.is_file() and "__pycache__" not in p.parts
        )


@dataclass
class RunContext:
    """Everything a task may read or write during one run."""

    run_id: str
    intent: ProjectIntent
    engine: Engine
    blueprint: Blueprint
    workspace: Workspace
    #: results of finished tasks by task name (read-only for agents)
    results: dict[str, TaskResult] = field(default_factory=dict)
    #: state agents share; writes name their writer and combine by each key's reducer
    shared: SharedContext = field(default_factory=run_shared_context)
    #: progress callback: (task name, message, fraction 0..1 or None)
    progress: Callable[[str, str, float | None], None] = lambda _t, _m, _f: None


@runtime_checkable
class Agent(Protocol):
    """An agent has a name, offers capabilities and executes tasks asking for one of them."""

    name: str
    capabilities: frozenset[str]

    async def execute(self, task: TaskSpec, ctx: RunContext) -> TaskResult: ...
