"""Generated web APIs really work: their own tests pass, ruff and bandit are clean, OpenAPI exports.

Each intent's project is written component by component (in blueprint order, checking that a
component's ``needs`` were written first) to a temp dir; the checks run as subprocesses with this
interpreter, two projects at a time.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from radon.complexity import cc_visit

from codeguild.engines.builtin.web_api import WebApiBuilder
from codeguild.intent.models import AuthSpec, Entity, EntityField, ProjectIntent

pytestmark = pytest.mark.integration


def _f(name: str, type_: str = "str", **extra: object) -> EntityField:
    return EntityField(name=name, type=type_, **extra)  # type: ignore[arg-type]


def _intent(name: str, entities: list[Entity], auth: AuthSpec | None = None) -> ProjectIntent:
    return ProjectIntent(
        requirement=f"Build a REST API: {name}.",
        project_type="web_api",
        name=name,
        summary=f"A REST API for {name.replace('-', ' ')}.",
        entities=entities,
        auth=auth,
    )


INTENTS: dict[str, ProjectIntent] = {
    "bookstore": _intent(
        "bookstore-api",
        [
            Entity(
                name="Book",
                plural="books",
                fields=[
                    _f("title"),
                    _f("author_id", "int", references="Author"),
                    _f("price", "decimal"),
                    _f("published_year", "int"),
                ],
            ),
            Entity(name="Author", plural="authors", fields=[_f("name"), _f("country")]),
        ],
        AuthSpec(protect_writes=True, protect_reads=False),
    ),
    "blog": _intent(
        "blog-api",
        [
            Entity(
                name="Post",
                plural="posts",
                fields=[
                    _f("title"),
                    _f("body", "text"),
                    _f("published", "bool"),
                    _f("author_id", "int", references="User"),
                ],
            ),
            Entity(
                name="Comment",
                plural="comments",
                fields=[
                    _f("post_id", "int", references="Post"),
                    _f("body", "text"),
                    _f("created_at", "datetime"),
                ],
            ),
        ],
        AuthSpec(),
    ),
    "inventory": _intent(
        "inventory-service",
        [
            Entity(
                name="Product",
                plural="products",
                fields=[
                    _f("name"),
                    _f("sku", unique=True),
                    _f("price", "decimal"),
                    _f("quantity", "int"),
                    _f("in_stock", "bool"),
                    _f("weight", "float", required=False),
                ],
            )
        ],
    ),
    "clinic": _intent(
        "clinic-api",
        [
            Entity(
                name="Appointment",
                plural="appointments",
                fields=[
                    _f("patient_id", "int", references="Patient"),
                    _f("starts_at", "datetime"),
                    _f("duration_minutes", "int"),
                    _f("notes", "text", required=False),
                ],
            ),
            Entity(
                name="Patient",
                plural="patients",
                fields=[
                    _f("full_name"),
                    _f("email", "email", unique=True),
                    _f("birth_date", "date"),
                    _f("phone", required=False),
                ],
            ),
        ],
        AuthSpec(protect_writes=True),
    ),
    "library": _intent(
        "library-api",
        [
            Entity(
                name="Loan",
                plural="loans",
                fields=[
                    _f("book_id", "int", references="Book"),
                    _f("member_id", "int", references="members"),
                    _f("due_date", "date"),
                    _f("returned", "bool", required=False),
                ],
            ),
            Entity(
                name="Book",
                plural="books",
                fields=[_f("title"), _f("isbn", unique=True), _f("pages", "int")],
            ),
            Entity(name="Member", plural="members", fields=[_f("name"), _f("email", "email")]),
        ],
    ),
    "private-notes": _intent(
        "private-notes",
        [Entity(name="Note", plural="notes", fields=[_f("title"), _f("content", "text")])],
        AuthSpec(protect_writes=True, protect_reads=True),
    ),
    "todo": _intent(
        "todo-api",
        [
            Entity(
                name="Task",
                plural="tasks",
                fields=[_f("title"), _f("done", "bool"), _f("priority", "int")],
            )
        ],
    ),
    "bookmarks": _intent(
        "bookmarks",
        [
            Entity(
                name="Bookmark",
                plural="bookmarks",
                fields=[
                    _f("url", "url", unique=True),
                    _f("title"),
                    _f("description", "text", required=False),
                    _f("rating", "int"),
                    _f("latitude", "float", required=False),
                ],
            )
        ],
    ),
    # awkward on purpose: long names, keywords, reserved names, a reference cycle, a
    # self-reference, an entity without fields, an unknown reference and a 'User' entity
    "awkward": _intent(
        "awkward-corp-records",
        [
            Entity(
                name="InsuranceClaimAdjustmentRecord",
                plural="insurance_claim_adjustment_records",
                fields=[
                    _f("claimant_contact_email_address", "email"),
                    _f("class"),
                    _f("from", "date"),
                    _f("id", "int"),
                    _f("metadata", "text"),
                    _f("adjusted_amount_in_local_currency", "decimal", required=False),
                    _f("responsible_department_identifier", "int", references="Department"),
                    _f("ledger", "int", references="NoSuchThing"),
                ],
            ),
            Entity(
                name="Department",
                plural="departments",
                fields=[_f("name"), _f("manager_id", "int", references="Employee")],
            ),
            Entity(
                name="Employee",
                plural="employees",
                fields=[_f("name"), _f("department_id", "int", references="Department")],
            ),
            Entity(
                name="Category",
                plural="categories",
                fields=[_f("name", unique=True), _f("parent_id", "int", references="Category")],
            ),
            Entity(name="Tag", plural="tags", fields=[]),
            Entity(name="User", plural="users", fields=[_f("nickname")]),
        ],
        AuthSpec(protect_writes=True),
    ),
}


@dataclass
class Report:
    """What the checks of one generated project found."""

    tests_passed: int = 0
    failures: list[str] = field(default_factory=list)
    openapi_paths: list[str] = field(default_factory=list)


def _write_project(intent: ProjectIntent, root: Path) -> tuple[str, ...]:
    builder = WebApiBuilder()
    blueprint = builder.blueprint(intent)
    written: set[str] = set()
    for component in blueprint.components:
        for need in component.needs:
            needed = blueprint.component(need).files
            assert set(needed) <= written, f"{component.name} written before {need}"
        files = builder.write_component(intent, component.name)
        assert set(files) == set(component.files), component.name
        for rel, text in files.items():
            target = root / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
        written |= set(files)
    assert blueprint.openapi_export is not None
    return blueprint.openapi_export


def _run(argv: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "APP_SECRET_KEY"}}
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return subprocess.run(
        argv, cwd=cwd, env=env, capture_output=True, text=True, timeout=180, check=False
    )


def _check(intent: ProjectIntent, root: Path) -> Report:
    report = Report()
    export = _write_project(intent, root)
    py = sys.executable
    tests = _run([py, "-m", "pytest", "-p", "no:cacheprovider", "-x"], root)
    match = re.search(r"(\d+) passed", tests.stdout)
    report.tests_passed = int(match.group(1)) if match else 0
    if tests.returncode != 0:
        report.failures.append(f"pytest:\n{tests.stdout[-4000:]}\n{tests.stderr[-2000:]}")
    checks = {
        "ruff check": [py, "-m", "ruff", "check", "--no-cache", "."],
        "ruff check (defaults)": [py, "-m", "ruff", "check", "--no-cache", "--isolated", "."],
        "ruff format": [py, "-m", "ruff", "format", "--no-cache", "--check", "."],
        "bandit": [py, "-m", "bandit", "-r", ".", "-q", "-ll"],
    }
    for label, argv in checks.items():
        done = _run(argv, root)
        if done.returncode != 0:
            report.failures.append(f"{label}:\n{done.stdout[-3000:]}{done.stderr[-1000:]}")
    for path in root.rglob("*.py"):
        for block in cc_visit(path.read_text(encoding="utf-8")):
            if block.complexity > 10:
                report.failures.append(f"complexity {block.complexity}: {path.name}:{block.name}")
    exported = _run([py if export[0] == "python" else export[0], *export[1:]], root)
    try:
        report.openapi_paths = sorted(json.loads(exported.stdout)["paths"])
    except (json.JSONDecodeError, KeyError):
        report.failures.append(f"openapi export:\n{exported.stdout[:500]}{exported.stderr[-1500:]}")
    return report


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Report]:
    """Every project checked once, two at a time (each check is a subprocess)."""
    with ThreadPoolExecutor(max_workers=2) as pool:
        futures = {
            key: pool.submit(_check, intent, tmp_path_factory.mktemp(key))
            for key, intent in INTENTS.items()
        }
        return {key: future.result() for key, future in futures.items()}


@pytest.mark.parametrize("key", sorted(INTENTS))
def test_generated_project_is_clean_and_its_tests_pass(
    reports: dict[str, Report], key: str
) -> None:
    report = reports[key]
    assert not report.failures, "\n\n".join(report.failures)
    assert report.tests_passed >= 5


@pytest.mark.parametrize("key", sorted(INTENTS))
def test_openapi_export_lists_every_resource(reports: dict[str, Report], key: str) -> None:
    paths = reports[key].openapi_paths
    intent = INTENTS[key]
    assert "/health" in paths
    resource_paths = [p for p in paths if p.count("/") == 1 and p not in ("/health", "/auth")]
    assert len(resource_paths) == len(intent.entities)
    for path in resource_paths:
        assert f"{path}/{{item_id}}" in paths
    assert ("/auth/token" in paths) == (intent.auth is not None)


def test_bookstore_paths_are_the_plural_names(reports: dict[str, Report]) -> None:
    paths = reports["bookstore"].openapi_paths
    assert {"/books", "/books/{item_id}", "/authors", "/authors/{item_id}"} <= set(paths)
    assert {"/auth/register", "/auth/token"} <= set(paths)
