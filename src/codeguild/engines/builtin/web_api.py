"""The built-in engine's ``web_api`` builder: a FastAPI + SQLAlchemy project from an intent.

The project is cut into components along real boundaries (scaffold, core, models, auth, one API
module and one test module per resource, the app wiring, docs) so the planner can write the
independent ones in parallel. Writing a component is pure and deterministic.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from codeguild.engines.base import Blueprint, Component
from codeguild.engines.builtin.fitting import fit_files
from codeguild.engines.builtin.project_files import common_files
from codeguild.engines.builtin.rendering import render
from codeguild.engines.builtin.web_api_pycode import LINE_LENGTH
from codeguild.engines.builtin.web_api_spec import ApiSpec, Resource, build_spec
from codeguild.engines.builtin.web_api_tests import TestWriter
from codeguild.engines.builtin.web_api_writers import CodeWriter
from codeguild.errors import IntentError
from codeguild.intent.models import ProjectIntent

logger = logging.getLogger(__name__)

DEPENDENCIES = ("fastapi", "sqlalchemy", "uvicorn", "pydantic")
DEV_DEPENDENCIES = ["pytest", "httpx", "pytest-cov", "ruff"]
_SCAFFOLD_FILES = (
    "pyproject.toml",
    "requirements.txt",
    "requirements-dev.txt",
    ".gitignore",
    "Dockerfile",
    ".dockerignore",
)


def _api(r: Resource) -> str:
    return f"api_{r.module}"


def _tests(r: Resource) -> str:
    return f"tests_{r.module}"


class WebApiBuilder:
    """Synthesis rules for ``web_api`` intents (see the module docstring)."""

    def blueprint(self, intent: ProjectIntent) -> Blueprint:
        spec = build_spec(intent)
        pkg = spec.package
        code = CodeWriter(spec)
        components: list[Component] = [
            Component(
                "scaffold",
                "config",
                _SCAFFOLD_FILES,
                description="Pinned dependencies, tool configuration, Dockerfile.",
            ),
            Component(
                "core",
                "code",
                code.core_files(),
                description="Settings, database session, pagination, shared validation.",
            ),
            Component(
                "models",
                "code",
                (f"{pkg}/models.py",),
                needs=("core",),
                description="SQLAlchemy tables of every resource.",
            ),
        ]
        api_needs: tuple[str, ...] = ("models",)
        if spec.auth is not None:
            components.append(
                Component(
                    "auth",
                    "code",
                    code.auth_files(),
                    needs=("core",),
                    description="Users, password hashing, JWT tokens, current_user dependency.",
                )
            )
            api_needs += ("auth",)
        for r in spec.resources:
            components.append(
                Component(
                    _api(r),
                    "code",
                    (f"{pkg}/schemas/{r.module}.py", f"{pkg}/routers/{r.module}.py"),
                    needs=api_needs,
                    description=f"Schemas and CRUD routes of {r.path}.",
                )
            )
        app_needs = (
            ("core",) + (("auth",) if spec.auth else ()) + tuple(_api(r) for r in spec.resources)
        )
        components.append(
            Component(
                "app",
                "code",
                (f"{pkg}/main.py",),
                needs=app_needs,
                description="The FastAPI application wiring every router.",
            )
        )
        components += self._test_components(spec)
        components.append(
            Component(
                "docs",
                "docs",
                ("README.md", "API.md"),
                needs=("scaffold", "app"),
                description="README (install, run, test, config, auth) and the endpoint list.",
            )
        )
        export = (
            "import json; from {pkg}.main import app; print(json.dumps(app.openapi(), indent=2))"
        )
        return Blueprint(
            package=pkg,
            components=tuple(components),
            run_command=f"uvicorn {pkg}.main:app --reload",
            test_command="pytest",
            openapi_export=("python", "-c", export.format(pkg=pkg)),
            notes=spec.notes,
        )

    def _test_components(self, spec: ApiSpec) -> list[Component]:
        components = [
            Component(
                "tests_common",
                "tests",
                (
                    "tests/__init__.py",
                    "tests/conftest.py",
                    "tests/factories.py",
                    "tests/test_app.py",
                ),
                needs=("app",),
                description="Fixtures (isolated database, auth headers), payload factories.",
            )
        ]
        for r in spec.resources:
            components.append(
                Component(
                    _tests(r),
                    "tests",
                    (f"tests/test_{r.module}.py",),
                    needs=("tests_common", _api(r)),
                    description=f"CRUD, pagination, validation and auth tests of {r.path}.",
                )
            )
        if spec.auth is not None:
            components.append(
                Component(
                    "tests_auth",
                    "tests",
                    ("tests/test_auth.py",),
                    needs=("tests_common", "auth"),
                    description="Register, token, password hashing and 401 tests.",
                )
            )
        return components

    def write_component(self, intent: ProjectIntent, component: str) -> dict[str, str]:
        spec = build_spec(intent)
        writer = self._writers(intent, spec).get(component)
        if writer is None:
            known = ", ".join(c.name for c in self.blueprint(intent).components)
            raise IntentError(
                f"The web_api builder has no component {component!r}.",
                hint=f"Use one of the blueprint's components: {known}.",
            )
        # the web API's own shapes are made for line length 100 (see web_api_pycode)
        files = fit_files(writer(), LINE_LENGTH)
        logger.debug("web_api component=%s files=%d", component, len(files))
        return files

    def _writers(
        self, intent: ProjectIntent, spec: ApiSpec
    ) -> dict[str, Callable[[], dict[str, str]]]:
        code = CodeWriter(spec)
        tests = TestWriter(spec)
        writers: dict[str, Callable[[], dict[str, str]]] = {
            "scaffold": lambda: _scaffold(intent, spec),
            "core": code.core,
            "models": code.models,
            "app": code.app,
            "tests_common": tests.common,
            "docs": lambda: _docs(intent, spec),
        }
        if spec.auth is not None:
            writers["auth"] = code.auth
            writers["tests_auth"] = tests.auth
        for r in spec.resources:
            writers[_api(r)] = partial(code.resource, r)
            writers[_tests(r)] = partial(tests.resource, r)
        return writers


def _dependencies(spec: ApiSpec) -> list[str]:
    return list(DEPENDENCIES) + (["pyjwt"] if spec.auth is not None else [])


def _scaffold(intent: ProjectIntent, spec: ApiSpec) -> dict[str, str]:
    if spec.package != intent.package:
        # the shared pyproject template derives the package from the name: keep them in step
        intent = intent.model_copy(update={"name": spec.package.replace("_", "-")})
    files = common_files(intent, _dependencies(spec), DEV_DEPENDENCIES)
    files["Dockerfile"] = render("web_api/Dockerfile.j2", spec=spec)
    files[".dockerignore"] = render("web_api/dockerignore.j2")
    return files


@dataclass(frozen=True)
class Endpoint:
    """One route, as the docs list it."""

    method: str
    path: str
    summary: str
    auth: bool
    responses: str


def endpoints(spec: ApiSpec) -> list[Endpoint]:
    """Every route of the generated API, in the order the docs show them."""
    reads, writes = spec.protect_reads, spec.protect_writes or spec.protect_reads
    routes = [Endpoint("GET", "/health", "Liveness probe", False, "200")]
    if spec.auth is not None:
        routes += [
            Endpoint("POST", "/auth/register", "Create a user", False, "201, 409, 422"),
            Endpoint("POST", "/auth/token", "Get a bearer token", False, "200, 401, 422"),
            Endpoint("GET", "/auth/me", "The current user", True, "200, 401"),
        ]
    for r in spec.resources:
        one, item = r.one, f"{r.path}/{{item_id}}"
        routes += [
            Endpoint("POST", r.path, f"Create {one}", writes, "201, 409, 422"),
            Endpoint("GET", r.path, f"List {r.label_plural} (paginated)", reads, "200, 422"),
            Endpoint("GET", item, f"Get {one}", reads, "200, 404"),
            Endpoint("PUT", item, f"Replace {one}", writes, "200, 404, 409, 422"),
            Endpoint("PATCH", item, f"Update some fields of {one}", writes, "200, 404, 409, 422"),
            Endpoint("DELETE", item, f"Delete {one}", writes, "204, 404, 409"),
        ]
    if spec.auth is None:
        return routes
    # 401 is a possible answer of every protected route
    return [
        Endpoint(e.method, e.path, e.summary, e.auth, e.responses + ", 401")
        if e.auth and "401" not in e.responses
        else e
        for e in routes
    ]


def _docs(intent: ProjectIntent, spec: ApiSpec) -> dict[str, str]:
    context = {
        "intent": intent,
        "spec": spec,
        "dependencies": _dependencies(spec),
        "endpoints": endpoints(spec),
    }
    return {
        "README.md": render("web_api/README.md.j2", **context),
        "API.md": render("web_api/API.md.j2", **context),
    }
