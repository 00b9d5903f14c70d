"""What a recipe is: a working implementation for one recognised problem domain."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property

from codeguild.engines.builtin.rendering import render
from codeguild.intent.models import ProjectIntent, ProjectType


@dataclass(frozen=True)
class RecipeFile:
    """One generated file: ``path`` inside the package (modules) or ``tests/`` (tests)."""

    path: str
    template: str


@dataclass(frozen=True)
class Recipe:
    """A specialised, tested implementation the builders drop into a project when it matches.

    A recipe matches when one of its ``domain_sets`` is contained in ``intent.domains`` or when
    one of its ``keywords`` (regular expressions, case-insensitive) occurs in the requirement:
    the intent processor may miss a domain that the raw text still names.
    """

    name: str
    summary: str
    project_types: frozenset[ProjectType]
    domain_sets: tuple[frozenset[str], ...]
    keywords: tuple[str, ...]
    modules: tuple[RecipeFile, ...]
    tests: tuple[RecipeFile, ...]
    #: public functions (library) or command names (cli) the recipe provides
    api: tuple[str, ...]
    #: modules (names without ``.py``) that expose ``register(app)`` for the CLI
    command_modules: tuple[str, ...] = ()
    #: README usage lines; ``{prog}`` is the console script, ``{package}`` the package
    usage: tuple[str, ...] = field(default_factory=tuple)
    #: for library recipes offered as CLI commands: (argv, expected output fragment, exit code)
    cli_examples: tuple[tuple[tuple[str, ...], str, int], ...] = ()

    @cached_property
    def _patterns(self) -> tuple[re.Pattern[str], ...]:
        return tuple(re.compile(k, re.IGNORECASE) for k in self.keywords)

    def serves(self, project_type: ProjectType) -> bool:
        return project_type in self.project_types

    def matches(self, intent: ProjectIntent) -> bool:
        """True when the intent's domains or its requirement text name this recipe's domain."""
        return self.serves(intent.project_type) and self.names_domain_of(intent)

    def names_domain_of(self, intent: ProjectIntent) -> bool:
        """Whether the intent is about this recipe's domain, whatever its project type."""
        tags = {_normalise_tag(d) for d in intent.domains}
        if any(s <= tags for s in self.domain_sets):
            return True
        text = f"{intent.requirement}\n{intent.summary}"
        return any(p.search(text) for p in self._patterns)

    def module_files(self, intent: ProjectIntent) -> dict[str, str]:
        return {
            f"{intent.package}/{f.path}": render(f.template, **_context(intent))
            for f in self.modules
        }

    def test_files(self, intent: ProjectIntent) -> dict[str, str]:
        return {f"tests/{f.path}": render(f.template, **_context(intent)) for f in self.tests}

    def usage_lines(self, intent: ProjectIntent) -> list[str]:
        return [u.format(prog=intent.name, package=intent.package) for u in self.usage]


def _normalise_tag(tag: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", tag.lower()).strip("_")


def _context(intent: ProjectIntent) -> dict[str, object]:
    return {"package": intent.package, "prog": intent.name, "intent": intent}
