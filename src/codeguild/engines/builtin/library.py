"""Synthesis rules for ``library`` projects: recipe modules and/or generic validated models."""

from __future__ import annotations

import ast
import logging
from dataclasses import dataclass
from functools import lru_cache, partial
from typing import Any

from codeguild import pyast
from codeguild.engines.base import Blueprint, Component
from codeguild.engines.builtin.blueprints import (
    PackageComponents,
    PackageKind,
    Writer,
    recipe_writers,
    write_with,
)
from codeguild.engines.builtin.project_files import common_files
from codeguild.engines.builtin.recipes import Recipe, matching_recipes
from codeguild.engines.builtin.recipes.entities import EntityInfo
from codeguild.engines.builtin.recipes.generic_library import (
    LibraryPlan,
    annotation,
    bad_value,
    default,
    json_sample,
    non_negative,
    plan_library,
    sample,
)
from codeguild.engines.builtin.recipes.introspect import methods_of, public_names
from codeguild.engines.builtin.recipes.pyliteral import assignment, docstring, py_literal
from codeguild.engines.builtin.rendering import render
from codeguild.intent.models import ProjectIntent

logger = logging.getLogger(__name__)

_GENERIC_MODULES = ("models", "repository", "operations")
_KIND = PackageKind(
    project_type="library",
    scaffold_description="Packaging, dev dependencies, ruff/pytest/bandit config.",
    core_modules=("__init__.py", "py.typed"),
    core_description="The package: re-exports the public API.",
    package_tests=Component("tests_package", "tests", ("tests/test_package.py",), needs=("core",)),
    docs_files=("README.md", "API.md"),
    docs_description="README (install, usage, test) and API.md (every public function).",
    run_command='python -c "import {package}"',
    unmapped_kind="Functions",
)


@dataclass(frozen=True)
class _LibraryProject:
    recipes: tuple[Recipe, ...]
    generic: LibraryPlan | None


@lru_cache(maxsize=64)
def _project(intent_json: str) -> _LibraryProject:
    intent = ProjectIntent.model_validate_json(intent_json)
    recipes = tuple(matching_recipes(intent))
    claimed = frozenset(name for r in recipes for name in r.api)
    generic = plan_library(intent, claimed) if not recipes or intent.entities else None
    logger.info(
        "library plan project=%s recipes=%s generic=%s",
        intent.name,
        [r.name for r in recipes],
        generic is not None,
    )
    return _LibraryProject(recipes, generic)


class LibraryBuilder:
    """Builds a stdlib-only Python library: recipe modules, generic models, or both."""

    def _project(self, intent: ProjectIntent) -> _LibraryProject:
        return _project(intent.model_dump_json())

    def blueprint(self, intent: ProjectIntent) -> Blueprint:
        project = self._project(intent)
        pkg = intent.package
        parts = PackageComponents(pkg)
        for recipe in project.recipes:
            name = f"module_{recipe.name}"
            parts.add_recipe(recipe, name, test_needs=(name,))
        if project.generic is not None:
            for module in _GENERIC_MODULES:
                needs = () if module == "models" else ("module_models",)
                parts.add(
                    Component(f"module_{module}", "code", (f"{pkg}/{module}.py",), needs=needs),
                    Component(
                        f"tests_{module}",
                        "tests",
                        (f"tests/test_{module}.py",),
                        needs=(f"module_{module}",),
                    ),
                )
        return parts.blueprint(_KIND, project.generic.unmapped if project.generic else ())

    def write_component(self, intent: ProjectIntent, component: str) -> dict[str, str]:
        project = self._project(intent)
        writers: dict[str, Writer] = {
            "scaffold": lambda: common_files(intent, []),
            "core": lambda: self._core(intent, project),
            "tests_package": lambda: self._tests_package(intent, project),
            "docs": lambda: self._docs(intent, project),
        }
        for recipe in project.recipes:
            writers.update(recipe_writers(intent, recipe, f"module_{recipe.name}"))
        if project.generic is not None:
            for module in _GENERIC_MODULES:
                writers[f"module_{module}"] = partial(self._generic, intent, project, module)
                writers[f"tests_{module}"] = partial(self._generic_tests, intent, project, module)
        return write_with(writers, _KIND.project_type, intent, component)

    # -- generic modules --------------------------------------------------------------------

    def _context(self, intent: ProjectIntent, plan: LibraryPlan) -> dict[str, Any]:
        models = sorted((e.name for e in plan.entities), key=_isort_key)
        return {
            "package": intent.package,
            "entities": plan.entities,
            "functions": plan.functions,
            "function_names": sorted(f.name for f in plan.functions),
            "annotation": annotation,
            "default": default,
            "sample": sample,
            "bad_value": bad_value,
            "types": {
                e.kind: py_literal({f.param: f.type for f in e.fields}) for e in plan.entities
            },
            "checks": {e.kind: {f.name: _check_call(f) for f in e.fields} for e in plan.entities},
            "contexts": {e.kind: _test_context(e) for e in plan.entities},
            "uses_dates": any(
                f.type in ("date", "datetime") for e in plan.entities for f in e.fields
            ),
            "round_trips": _round_trips(plan),
            "import_models": _import_block(f"{intent.package}.models", models),
            "import_models_and_base": _import_block(
                f"{intent.package}.models",
                sorted([*models, "InvalidValueError", "Model"], key=_isort_key),
            ),
            "article": _article,
            "assignment": assignment,
            "import_collections": _import_block(
                f"{intent.package}.repository",
                sorted([*(f"{m}Collection" for m in models), "ItemNotFoundError"], key=_isort_key),
            ),
        }

    def _generic(
        self, intent: ProjectIntent, project: _LibraryProject, module: str
    ) -> dict[str, str]:
        assert project.generic is not None
        text = render(f"library/generic/{module}.py.j2", **self._context(intent, project.generic))
        return {f"{intent.package}/{module}.py": text}

    def _generic_tests(
        self, intent: ProjectIntent, project: _LibraryProject, module: str
    ) -> dict[str, str]:
        assert project.generic is not None
        context = self._context(intent, project.generic)
        text = render(f"library/generic/test_{module}.py.j2", **context)
        return {f"tests/test_{module}.py": text}

    # -- package, tests of the package, docs ----------------------------------------------------

    def _sources(self, intent: ProjectIntent, project: _LibraryProject) -> dict[str, str]:
        """Module name -> rendered source of every code module, in a stable order."""
        sources: dict[str, str] = {}
        for recipe in project.recipes:
            for path, text in recipe.module_files(intent).items():
                sources[path.rsplit("/", 1)[-1].removesuffix(".py")] = text
        if project.generic is not None:
            for module in _GENERIC_MODULES:
                sources[module] = next(iter(self._generic(intent, project, module).values()))
        return sources

    def _exports(self, intent: ProjectIntent, project: _LibraryProject) -> dict[str, list[str]]:
        """Module -> the names the package re-exports (first module wins on a clash)."""
        seen: set[str] = set()
        exports: dict[str, list[str]] = {}
        for module, source in self._sources(intent, project).items():
            names = [
                n.name
                for n in public_names(module, source)
                if n.name not in seen and not (module == "models" and n.name.startswith("check_"))
            ]
            seen.update(names)
            if names:
                exports[module] = sorted(names, key=_isort_key)
        return exports

    def _core(self, intent: ProjectIntent, project: _LibraryProject) -> dict[str, str]:
        exports = self._exports(intent, project)
        imports = [
            _import_block(f"{intent.package}.{m}", names) for m, names in sorted(exports.items())
        ]
        every = sorted((n for names in exports.values() for n in names), key=_isort_key)
        all_block = "__all__ = [\n" + "".join(f'    "{n}",\n' for n in every) + "]"
        return {
            f"{intent.package}/__init__.py": render(
                "library/init.py.j2",
                docstring=docstring(intent.summary, 0),
                imports=imports,
                all_block=all_block,
            ),
            f"{intent.package}/py.typed": "",
        }

    def _tests_package(self, intent: ProjectIntent, project: _LibraryProject) -> dict[str, str]:
        exports = self._exports(intent, project)
        every = sorted(n for names in exports.values() for n in names)
        text = render(
            "library/test_package.py.j2",
            package=intent.package,
            assignment_names=_assignment("EXPECTED", every),
        )
        return {"tests/test_package.py": text}

    def _docs(self, intent: ProjectIntent, project: _LibraryProject) -> dict[str, str]:
        api = []
        modules = []
        for module, source in self._sources(intent, project).items():
            doc = ast.get_docstring(pyast.parse(source)) or ""
            modules.append((module, doc.splitlines()[0] if doc else ""))
            names = [
                {
                    "signature": n.signature,
                    "doc": n.doc,
                    "methods": methods_of(source, n.name) if n.kind == "class" else [],
                }
                for n in public_names(module, source)
            ]
            api.append({"name": module, "doc": doc, "names": names})
        examples = [line for r in project.recipes for line in r.usage_lines(intent)]
        if project.generic is not None:
            examples += _generic_examples(intent.package, project.generic)
        context = {
            "name": intent.name,
            "package": intent.package,
            "summary": intent.summary,
            "requirement": intent.requirement.strip(),
        }
        return {
            "README.md": render(
                "library/README.md.j2", modules=modules, examples=examples, **context
            ),
            "API.md": render("library/API.md.j2", api=api, **context),
        }


def _check_call(f: Any) -> str:
    kind = {
        "str": "text",
        "text": "text",
        "int": "int",
        "float": "number",
        "decimal": "number",
        "bool": "bool",
        "date": "date",
        "datetime": "datetime",
        "email": "email",
        "url": "url",
    }.get(f.type, "text")
    args = [f'"{f.param}"', f"self.{f.param}"]
    if not f.required:
        args.append("required=False")
    if non_negative(f):
        args.append("minimum=0")
    return f"check_{kind}({', '.join(args)})"


def _test_context(entity: EntityInfo) -> dict[str, Any]:
    check = next(f for f in entity.fields if not f.is_bool)
    bad_json = '"not-a-date"' if check.type in ("date", "datetime") else bad_value(check)[0]
    required = [f.param for f in entity.fields if f.required and not f.is_bool]
    return {
        "check": check,
        "required": required,
        "required_constant": f"{entity.kind.upper()}_REQUIRED_FIELDS",
        "required_assignment": assignment(f"{entity.kind.upper()}_REQUIRED_FIELDS", required),
        "bad_json": bad_json,
        "check_json": f"[{json_sample(check, 0)}, {json_sample(check, 1)}]",
        "param_list": [f.param for f in entity.fields],
        "header": ",".join(f.param for f in entity.fields),
    }


def _round_trips(plan: LibraryPlan) -> list[tuple[str, str, str]]:
    by_entity: dict[tuple[str, str], str] = {
        (f.entity.kind, f.behaviour): f.name for f in plan.functions
    }
    pairs = []
    for kind in dict.fromkeys(f.entity.kind for f in plan.functions):
        for fmt in ("json", "csv"):
            to_fn, from_fn = (
                by_entity.get((kind, f"to_{fmt}")),
                by_entity.get((kind, f"from_{fmt}")),
            )
            if to_fn and from_fn:
                pairs.append((to_fn, from_fn, kind))
    return pairs


def _article(word: str) -> str:
    return "an" if word[:1].lower() in "aeiou" else "a"


def _isort_key(name: str) -> tuple[int, str]:
    """isort's order-by-type: CONSTANTS, then Classes, then functions."""
    if name.isupper() and len(name) > 1:
        return (0, name)
    return (1, name) if name[:1].isupper() else (2, name)


def _import_block(module: str, names: list[str]) -> str:
    body = "".join(f"    {n},\n" for n in names)
    return f"from {module} import (\n{body})"


def _assignment(name: str, values: list[str]) -> str:
    body = "".join(f'    "{v}",\n' for v in values)
    return f"{name} = [\n{body}]"


def _generic_examples(package: str, plan: LibraryPlan) -> list[str]:
    entity = plan.primary
    values = "".join(f"    {f.param}={sample(f)},\n" for f in entity.fields)
    check = next(f for f in entity.fields if not f.is_bool)
    bad, problem = bad_value(check)
    lines = ["from pathlib import Path", ""]
    if "dt." in values:
        lines.insert(0, "import datetime as dt")
    lines += [
        f"from {package} import {entity.name}, {entity.name}Collection",
        "",
        f"collection = {entity.name}Collection()",
        f"item = {entity.name}(\n{values})",
        "item_id = collection.add(item)",
        f"collection.find({check.param}={sample(check)})",
        f"collection.update(item_id, {check.param}={sample(check, 1)})",
        f'collection.save(Path("{entity.plural}.json"))',
        f"# {entity.name}({check.param}={bad}, ...) raises ValueError: {problem}",
    ]
    lines += [f"# {fn.name}(): {fn.behaviour.replace('_', ' ')}" for fn in plan.functions[:4]]
    return lines
