"""The built-in engine: deterministic synthesis of a project from its intent, no model needed."""

from __future__ import annotations

from typing import Protocol

from codeguild.engines.base import Blueprint
from codeguild.errors import IntentError
from codeguild.intent.models import ProjectIntent, ProjectType


class ProjectBuilder(Protocol):
    """Synthesis rules for one project type."""

    def blueprint(self, intent: ProjectIntent) -> Blueprint: ...

    def write_component(self, intent: ProjectIntent, component: str) -> dict[str, str]: ...


def _builders() -> dict[ProjectType, ProjectBuilder]:
    # imported here so a broken builder for one type does not break the others at import time
    from codeguild.engines.builtin.cli_tool import CliToolBuilder
    from codeguild.engines.builtin.library import LibraryBuilder
    from codeguild.engines.builtin.web_api import WebApiBuilder

    return {
        ProjectType.WEB_API: WebApiBuilder(),
        ProjectType.CLI_TOOL: CliToolBuilder(),
        ProjectType.LIBRARY: LibraryBuilder(),
    }


class BuiltinEngine:
    name = "builtin"

    def __init__(self) -> None:
        self._by_type = _builders()

    def _builder(self, intent: ProjectIntent) -> ProjectBuilder:
        try:
            return self._by_type[intent.project_type]
        except KeyError:
            supported = ", ".join(t.value for t in self._by_type)
            raise IntentError(
                f"The built-in engine cannot build a {intent.project_type!s} project.",
                hint=f"Choose one of: {supported} (--type).",
            ) from None

    def blueprint(self, intent: ProjectIntent) -> Blueprint:
        return self._builder(intent).blueprint(intent)

    def write_component(self, intent: ProjectIntent, component: str) -> dict[str, str]:
        return self._builder(intent).write_component(intent, component)
