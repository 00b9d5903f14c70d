"""What an engine offers the agents: a blueprint of the project and the files of each component."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal, Protocol, runtime_checkable

from codeguild.intent.models import ProjectIntent

ComponentKind = Literal["config", "code", "tests", "docs"]


@dataclass(frozen=True)
class Component:
    """A unit of work the planner turns into one task: a set of files written together.

    ``needs`` names other components that must be written first (e.g. the routes of an entity
    need the shared models module); the planner turns them into task dependencies.
    """

    name: str
    kind: ComponentKind
    files: tuple[str, ...]
    needs: tuple[str, ...] = ()
    description: str = ""


@dataclass(frozen=True)
class Blueprint:
    """The whole project as components, plus how to run and test it."""

    package: str
    components: tuple[Component, ...]
    run_command: str = ""
    test_command: str = "pytest"
    #: shell-free argv used to export an OpenAPI document inside the sandbox, when the project
    #: is a web API; ``None`` otherwise.
    openapi_export: tuple[str, ...] | None = None
    notes: tuple[str, ...] = field(default_factory=tuple)

    def component(self, name: str) -> Component:
        for c in self.components:
            if c.name == name:
                return c
        raise KeyError(name)


class Engine(Protocol):
    """Agents call these; they never know which engine answers."""

    name: str

    def blueprint(self, intent: ProjectIntent) -> Blueprint:
        """Describe the project's components (pure: no I/O)."""
        ...

    def write_component(self, intent: ProjectIntent, component: str) -> dict[str, str]:
        """Return the files of one component: relative POSIX path -> text (pure: no I/O)."""
        ...


@dataclass(frozen=True)
class Feedback:
    """Why a component's files must change, bounded so it fits a prompt.

    ``targets`` are the files to rewrite; ``failures`` are trimmed tracebacks of failing tests;
    ``findings`` maps a file to the reviewers' one-line findings; ``files`` holds the current text
    of the targets and ``related`` read-only context (e.g. the failing test module).
    """

    targets: tuple[str, ...]
    failures: tuple[str, ...] = ()
    findings: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    files: Mapping[str, str] = field(default_factory=dict)
    related: Mapping[str, str] = field(default_factory=dict)


@runtime_checkable
class AsyncEngine(Protocol):
    """Optional: an engine whose work does I/O offers awaitable variants of the protocol."""

    async def ablueprint(self, intent: ProjectIntent) -> Blueprint: ...

    async def awrite_component(self, intent: ProjectIntent, component: str) -> dict[str, str]: ...


@runtime_checkable
class RevisingEngine(Protocol):
    """Optional: an engine that can rewrite a component's files from test and review feedback."""

    async def revise(
        self, intent: ProjectIntent, component: str, feedback: Feedback
    ) -> dict[str, str]:
        """Return the rewritten files (relative path -> text); unchanged targets may be left out."""
        ...
