"""Synthesis rules for ``cli_tool`` projects: a typer app from recipes and/or a generic manager."""

from __future__ import annotations

import logging
import shlex
from dataclasses import dataclass
from functools import lru_cache, partial

from codeguild.engines.base import Blueprint, Component
from codeguild.engines.builtin.blueprints import (
    PackageComponents,
    PackageKind,
    Writer,
    recipe_writers,
    unknown_component,
    write_with,
)
from codeguild.engines.builtin.project_files import common_files
from codeguild.engines.builtin.recipes import RECIPES, Recipe, matching_recipes
from codeguild.engines.builtin.recipes.entities import EntityInfo
from codeguild.engines.builtin.recipes.function_commands import (
    function_commands,
    function_module,
    function_tests,
)
from codeguild.engines.builtin.recipes.generic_cli import (
    CliPlan,
    generic_examples,
    import_block,
    option_param,
    plan_cli,
    python_type,
)
from codeguild.engines.builtin.recipes.generic_cli_tests import cli_test_context
from codeguild.engines.builtin.recipes.introspect import registered_commands
from codeguild.engines.builtin.recipes.pyliteral import assignment, docstring, py_literal
from codeguild.engines.builtin.rendering import render
from codeguild.intent.models import ProjectIntent, ProjectType

logger = logging.getLogger(__name__)

_KIND = PackageKind(
    project_type="cli_tool",
    scaffold_description="Pinned dependencies, console script, ruff/pytest/bandit config.",
    core_modules=("__init__.py", "__main__.py", "cli.py"),
    core_description="The typer app that registers every command module.",
    package_tests=Component(
        "tests_cli",
        "tests",
        ("tests/test_cli.py",),
        needs=("core",),
        description="Help, version and `python -m` entry point.",
    ),
    docs_files=("README.md",),
    docs_description="Install, usage, commands, examples and how to test.",
    run_command="python -m {package} --help",
    unmapped_kind="Commands",
)


@dataclass(frozen=True)
class _CliProject:
    """Everything the components of one CLI project are written from."""

    recipes: tuple[Recipe, ...]
    generic: CliPlan | None
    #: library recipes offered as commands (one per function) when no CLI recipe covers them
    function_recipes: tuple[Recipe, ...] = ()

    def entity_components(self) -> list[tuple[str, EntityInfo]]:
        if self.generic is None:
            return []
        recipe_names = {r.name for r in self.recipes}
        return [
            (f"commands_{e.kind}" + ("_records" if e.kind in recipe_names else ""), e)
            for e in self.generic.entities
        ]


@lru_cache(maxsize=64)
def _project(intent_json: str) -> _CliProject:
    intent = ProjectIntent.model_validate_json(intent_json)
    recipes = tuple(matching_recipes(intent))
    function_recipes = _function_recipes(intent, recipes)
    claimed = frozenset(name for r in recipes for name in r.api)
    claimed |= {n.replace("_", "-") for r in function_recipes for n in r.api}
    # recipes cover the domain; records to manage (entities) still need the generic manager
    has_recipes = bool(recipes or function_recipes)
    generic = plan_cli(intent, claimed) if not has_recipes or intent.entities else None
    logger.info(
        "cli_tool plan project=%s recipes=%s generic=%s",
        intent.name,
        [r.name for r in recipes],
        generic is not None,
    )
    return _CliProject(recipes, generic, function_recipes)


def _function_recipes(intent: ProjectIntent, recipes: tuple[Recipe, ...]) -> tuple[Recipe, ...]:
    """Library recipes of the intent's domain that no CLI recipe already covers."""
    covered = {f.path for r in recipes for f in r.modules}
    return tuple(
        r
        for r in RECIPES
        if ProjectType.LIBRARY in r.project_types
        and r.cli_examples
        and r.names_domain_of(intent)
        and not {f.path for f in r.modules} & covered
    )


def _store_env(intent: ProjectIntent) -> str:
    return f"{intent.package.upper()}_STORE"


class CliToolBuilder:
    """Builds a typer CLI: recipe command modules, a generic JSON-store manager, or both."""

    def _project(self, intent: ProjectIntent) -> _CliProject:
        return _project(intent.model_dump_json())

    def blueprint(self, intent: ProjectIntent) -> Blueprint:
        project = self._project(intent)
        pkg = intent.package
        parts = PackageComponents(pkg)
        for recipe in project.recipes:
            name = f"commands_{recipe.name}"
            parts.add_recipe(recipe, name, test_needs=(name, "core"))
        for recipe in project.function_recipes:
            name = f"commands_{recipe.name}"
            files = (*(f"{pkg}/{f.path}" for f in recipe.modules), f"{pkg}/{name}.py")
            parts.add(
                Component(name, "code", files, description=recipe.summary),
                Component(
                    f"tests_{recipe.name}",
                    "tests",
                    (*(f"tests/{f.path}" for f in recipe.tests), f"tests/test_{name}.py"),
                    needs=(name, "core"),
                    description=f"Tests of the {recipe.name} functions and commands.",
                ),
            )
        if project.generic is not None:
            store = Component(
                "store",
                "code",
                (f"{pkg}/records.py", f"{pkg}/store.py"),
                description="Record schemas, validation and the JSON file store.",
            )
            parts.add(store, core_need=False)
            for name, entity in project.entity_components():
                parts.add(
                    Component(
                        name,
                        "code",
                        (f"{pkg}/{_entity_module(entity)}.py",),
                        needs=("store",),
                        description=f"Commands that manage {entity.plural}.",
                    ),
                    Component(
                        f"tests_{entity.kind}",
                        "tests",
                        (f"tests/test_{entity.kind}_commands.py",),
                        needs=(name, "core"),
                        description=f"Tests of the {entity.label} commands.",
                    ),
                )
        return parts.blueprint(_KIND, project.generic.unmapped if project.generic else ())

    def write_component(self, intent: ProjectIntent, component: str) -> dict[str, str]:
        project = self._project(intent)
        writers: dict[str, Writer] = {
            "scaffold": lambda: self._scaffold(intent),
            "store": lambda: self._store(intent, project),
            "core": lambda: self._core(intent, project),
            "tests_cli": lambda: self._tests_cli(intent, project),
            "docs": lambda: {"README.md": self._readme(intent, project)},
        }
        for recipe in project.recipes:
            writers.update(recipe_writers(intent, recipe, f"commands_{recipe.name}"))
        for recipe in project.function_recipes:
            writers[f"commands_{recipe.name}"] = partial(function_module, intent, recipe)
            writers[f"tests_{recipe.name}"] = partial(function_tests, intent, recipe)
        plan = project.generic
        if plan is not None:
            for name, entity in project.entity_components():
                writers[name] = partial(self._entity_commands, intent, plan, entity)
                writers[f"tests_{entity.kind}"] = partial(self._entity_tests, intent, plan, entity)
        if component == "store" and project.generic is None:
            # only projects with records have a store; the hint names it all the same
            raise unknown_component(_KIND.project_type, intent, component, writers)
        return write_with(writers, _KIND.project_type, intent, component)

    # -- components -------------------------------------------------------------------------

    def _scaffold(self, intent: ProjectIntent) -> dict[str, str]:
        return common_files(intent, ["typer"], scripts={intent.name: f"{intent.package}.cli:app"})

    def _store(self, intent: ProjectIntent, project: _CliProject) -> dict[str, str]:
        assert project.generic is not None
        pkg = intent.package
        context = {"package": pkg, "prog": intent.name, "env": _store_env(intent)}
        return {
            f"{pkg}/records.py": render(
                "cli_tool/generic/records.py.j2", entities=project.generic.entities, **context
            ),
            f"{pkg}/store.py": render("cli_tool/generic/store.py.j2", **context),
        }

    def _entity_commands(
        self, intent: ProjectIntent, plan: CliPlan, entity: EntityInfo
    ) -> dict[str, str]:
        text = render(
            "cli_tool/generic/commands.py.j2",
            option_param=option_param,
            python_type=python_type,
            **_entity_context(intent.package, plan, entity),
        )
        return {f"{intent.package}/{_entity_module(entity)}.py": text}

    def _entity_tests(
        self, intent: ProjectIntent, plan: CliPlan, entity: EntityInfo
    ) -> dict[str, str]:
        text = render(
            "cli_tool/generic/test_commands.py.j2",
            **_entity_context(intent.package, plan, entity),
            **cli_test_context(plan, entity),
        )
        return {f"tests/test_{entity.kind}_commands.py": text}

    def _command_modules(self, project: _CliProject) -> list[tuple[str, EntityInfo | None]]:
        modules: list[tuple[str, EntityInfo | None]] = [
            (m, None) for r in project.recipes for m in r.command_modules
        ]
        modules += [(f"commands_{r.name}", None) for r in project.function_recipes]
        modules += [(_entity_module(e), e) for _, e in project.entity_components()]
        return modules

    def _core(self, intent: ProjectIntent, project: _CliProject) -> dict[str, str]:
        pkg = intent.package
        modules = self._command_modules(project)
        registrations: list[str] = []
        for module, entity in modules:
            group = project.generic.sub_app(entity) if entity and project.generic else None
            if group is None:
                registrations.append(f"{module}.register(app)")
                continue
            var = f"{entity.kind}_app" if entity else "sub_app"
            help_text = py_literal(f"Manage {entity.plural.replace('_', ' ')}." if entity else "")
            registrations += [
                f"{var} = typer.Typer(help={help_text}, no_args_is_help=True)",
                f"{module}.register({var})",
                f'app.add_typer({var}, name="{group}")',
            ]
        names = ["__version__", *sorted(m for m, _ in modules)]
        return {
            f"{pkg}/__init__.py": render(
                "cli_tool/init.py.j2", docstring=docstring(intent.summary, 0)
            ),
            f"{pkg}/__main__.py": render("cli_tool/main.py.j2", package=pkg, prog=intent.name),
            f"{pkg}/cli.py": render(
                "cli_tool/cli.py.j2",
                prog=intent.name,
                imports=import_block(pkg, names),
                docstring=docstring(intent.summary, 4),
                registrations=registrations,
            ),
        }

    def _top_level_commands(self, intent: ProjectIntent, project: _CliProject) -> list[str]:
        names = [c for r in project.recipes for c in r.api]
        for recipe in project.function_recipes:
            source = recipe.module_files(intent)[f"{intent.package}/{recipe.modules[0].path}"]
            names += [c.name for c in function_commands(source)]
        for _, entity in project.entity_components():
            assert project.generic is not None
            group = project.generic.sub_app(entity)
            names += [group] if group else list(project.generic.commands_of(entity))
        return names

    def _tests_cli(self, intent: ProjectIntent, project: _CliProject) -> dict[str, str]:
        text = render(
            "cli_tool/test_cli.py.j2",
            package=intent.package,
            top_level=self._top_level_commands(intent, project),
            assignment=assignment,
        )
        return {"tests/test_cli.py": text}

    def _recipe_rows(self, intent: ProjectIntent, project: _CliProject) -> list[tuple[str, str]]:
        rows = [
            row
            for recipe in project.recipes
            for path, text in recipe.module_files(intent).items()
            if path.rsplit("/", 1)[-1].startswith("commands_")
            for row in registered_commands(text)
        ]
        for recipe in project.function_recipes:
            rows += registered_commands(
                function_module(intent, recipe)[_module_path(intent, recipe)]
            )
        return rows

    def _readme(self, intent: ProjectIntent, project: _CliProject) -> str:
        rows = self._recipe_rows(intent, project)
        examples = [line for r in project.recipes for line in r.usage_lines(intent)]
        examples += [
            shlex.join([intent.name, *args])
            for r in project.function_recipes
            for args, _, code in r.cli_examples
            if code == 0
        ]
        for _, entity in project.entity_components():
            assert project.generic is not None
            group = project.generic.sub_app(entity)
            source = self._entity_commands(intent, project.generic, entity)
            rows += [
                (f"{group} {command}" if group else command, doc)
                for command, doc in registered_commands(next(iter(source.values())))
            ]
            examples += generic_examples(intent.name, group, entity, project.generic)
        return render(
            "cli_tool/README.md.j2",
            prog=intent.name,
            package=intent.package,
            summary=intent.summary,
            requirement=intent.requirement.strip(),
            command_rows=rows,
            store=_store_env(intent) if project.generic else "",
            examples=examples,
        )


def _entity_context(package: str, plan: CliPlan, entity: EntityInfo) -> dict[str, object]:
    """What an entity's command module and its tests are both rendered with."""
    return {
        "package": package,
        "entity": entity,
        "commands": plan.commands_of(entity),
        "names": plan.names,
    }


def _module_path(intent: ProjectIntent, recipe: Recipe) -> str:
    return f"{intent.package}/commands_{recipe.name}.py"


def _entity_module(entity: EntityInfo) -> str:
    return f"commands_{entity.kind}"
