"""Blueprint pieces the ``cli_tool`` and ``library`` builders share: recipe components, the
blueprint of a Python package project, and the dispatch from a component name to its writer."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial

from codeguild.engines.base import Blueprint, Component
from codeguild.engines.builtin.fitting import fit_files
from codeguild.engines.builtin.recipes import Recipe
from codeguild.errors import IntentError
from codeguild.intent.models import ProjectIntent

#: writes one component: relative POSIX path -> text
Writer = Callable[[], dict[str, str]]

PACKAGE_SCAFFOLD_FILES = (
    "pyproject.toml",
    "requirements.txt",
    "requirements-dev.txt",
    ".gitignore",
)


@dataclass(frozen=True)
class PackageKind:
    """What tells one kind of Python package project's blueprint from another's."""

    #: the project type, as errors name it
    project_type: str
    scaffold_description: str
    #: files of the ``core`` component, relative to the package
    core_modules: tuple[str, ...]
    core_description: str
    #: tests of the package as a whole, written once ``core`` exists
    package_tests: Component
    docs_files: tuple[str, ...]
    docs_description: str
    #: ``{package}`` stands for the package
    run_command: str
    #: what the requested names the builder could not map are, e.g. ``"Commands"``
    unmapped_kind: str


@dataclass
class PackageComponents:
    """A package project's components as a builder adds them, in blueprint order on the way out.

    The blueprint lists the scaffold, the code components, ``core`` (which needs every code
    component added with ``core_need``), the tests, the package's own tests and the docs.
    """

    package: str
    code: list[Component] = field(default_factory=list)
    tests: list[Component] = field(default_factory=list)
    core_needs: list[str] = field(default_factory=list)

    def add(
        self, code: Component, tests: Component | None = None, *, core_need: bool = True
    ) -> None:
        self.code.append(code)
        if core_need:
            self.core_needs.append(code.name)
        if tests is not None:
            self.tests.append(tests)

    def add_recipe(self, recipe: Recipe, name: str, test_needs: tuple[str, ...]) -> None:
        """The recipe's modules as component ``name``, and its tests."""
        code = Component(
            name,
            "code",
            tuple(f"{self.package}/{f.path}" for f in recipe.modules),
            description=recipe.summary,
        )
        tests = Component(
            f"tests_{recipe.name}",
            "tests",
            tuple(f"tests/{f.path}" for f in recipe.tests),
            needs=test_needs,
            description=f"Tests of {', '.join(recipe.api)}.",
        )
        self.add(code, tests)

    def blueprint(self, kind: PackageKind, unmapped: Sequence[str]) -> Blueprint:
        """The blueprint; ``unmapped`` requested names become a note."""
        pkg = self.package
        core = Component(
            "core",
            "code",
            tuple(f"{pkg}/{m}" for m in kind.core_modules),
            needs=tuple(self.core_needs),
            description=kind.core_description,
        )
        components = (
            Component(
                "scaffold",
                "config",
                PACKAGE_SCAFFOLD_FILES,
                description=kind.scaffold_description,
            ),
            *self.code,
            core,
            *self.tests,
            kind.package_tests,
            Component(
                "docs", "docs", kind.docs_files, needs=("core",), description=kind.docs_description
            ),
        )
        notes = (f"{kind.unmapped_kind} without a known mapping: {', '.join(unmapped)}.",)
        return Blueprint(
            package=pkg,
            components=components,
            run_command=kind.run_command.format(package=pkg),
            test_command="pytest",
            openapi_export=None,
            notes=notes if unmapped else (),
        )


def recipe_writers(intent: ProjectIntent, recipe: Recipe, name: str) -> dict[str, Writer]:
    """Writers of the components :meth:`PackageComponents.add_recipe` adds."""
    return {
        name: partial(recipe.module_files, intent),
        f"tests_{recipe.name}": partial(recipe.test_files, intent),
    }


def unknown_component(
    project_type: str, intent: ProjectIntent, component: str, known: Iterable[str]
) -> IntentError:
    """The error for a component name the project's blueprint does not have."""
    return IntentError(
        f"The {project_type} blueprint of {intent.name!r} has no component {component!r}.",
        hint=f"Use one of: {', '.join(sorted(known))}.",
    )


def write_with(
    writers: Mapping[str, Writer], project_type: str, intent: ProjectIntent, component: str
) -> dict[str, str]:
    """Run the writer of ``component``, or raise :func:`unknown_component`'s error."""
    if component not in writers:
        raise unknown_component(project_type, intent, component, writers)
    return fit_files(writers[component]())
