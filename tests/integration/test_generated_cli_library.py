"""Generated CLI tools and libraries really work: own tests pass, ruff/bandit/radon are clean.

Each intent's project is written component by component in blueprint order (checking that a
component's ``needs`` were written first) into a temp dir. The checks run as subprocesses with
this interpreter, two projects at a time, once for the module; each test asserts on one result.
"""

from __future__ import annotations

import ast
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

from codeguild.engines.builtin.cli_tool import CliToolBuilder
from codeguild.engines.builtin.library import LibraryBuilder
from codeguild.intent.models import Command, Entity, EntityField, ProjectIntent

pytestmark = pytest.mark.integration


def _f(name: str, type_: str = "str", **extra: object) -> EntityField:
    return EntityField(name=name, type=type_, **extra)  # type: ignore[arg-type]


def _intent(
    kind: str,
    name: str,
    requirement: str,
    commands: tuple[str | Command, ...] = (),
    **extra: object,
) -> ProjectIntent:
    return ProjectIntent(
        requirement=requirement,
        project_type=kind,  # type: ignore[arg-type]
        name=name,
        summary=requirement.split(".")[0] + ".",
        commands=[c if isinstance(c, Command) else Command(name=c) for c in commands],
        **extra,  # type: ignore[arg-type]
    )


INTENTS: dict[str, ProjectIntent] = {
    "csv_json": _intent(
        "cli_tool",
        "csv-json-converter",
        "A command line tool that converts CSV files to JSON and back, with options to pick "
        "columns and to pretty-print.",
        (
            Command(name="csv-to-json", options=["columns", "pretty"]),
            Command(name="json-to-csv", options=["columns", "pretty"]),
        ),
        domains=["csv", "json"],
    ),
    "isbn": _intent(
        "library",
        "isbn-tools",
        "A small Python library for parsing and validating ISBN-10 and ISBN-13 numbers, "
        "converting between them.",
        ("parse", "validate", "convert"),
        domains=["isbn"],
    ),
    "todo": _intent(
        "cli_tool",
        "todo-cli",
        "A todo CLI to add tasks, list them, mark them done and delete them.",
        ("add", "list", "done", "delete"),
        domains=["todo"],
    ),
    "expenses": _intent(
        "cli_tool",
        "expense-tracker",
        "A CLI expense tracker: record expenses with amount, category and date, list them, "
        "search, export to CSV and show totals.",
        ("add", "list", "search", "export", "import", "summary", "remove"),
        entities=[
            Entity(
                name="Expense",
                plural="expenses",
                fields=[
                    _f("amount", "decimal"),
                    _f("category"),
                    _f("date", "date"),
                    _f("note", "text", required=False),
                ],
            )
        ],
    ),
    # no domain tag: the keywords of the requirement must still select the recipe
    "text_stats": _intent(
        "cli_tool",
        "wordy",
        "A CLI that counts lines, words and characters in text files and shows the most "
        "frequent words.",
    ),
    "checksum": _intent(
        "cli_tool",
        "filesum",
        "A command line tool to compute SHA-256 or MD5 checksums of files and verify them.",
        domains=["checksum"],
    ),
    "temperature": _intent(
        "cli_tool",
        "temp-convert",
        "A CLI temperature converter between Celsius, Fahrenheit and Kelvin.",
        ("convert",),
        domains=["temperature"],
    ),
    "roman": _intent(
        "library",
        "roman-numerals",
        "A library to convert integers to Roman numerals and back with strict validation.",
        ("to_roman", "from_roman"),
        domains=["roman_numerals"],
    ),
    "slug": _intent(
        "library", "slugger", "A library to slugify article titles for URLs.", domains=["slug"]
    ),
    "statistics": _intent(
        "library",
        "quickstats",
        "A library of basic statistics: mean, median, mode, standard deviation, percentiles.",
        domains=["statistics"],
    ),
    "password": _intent(
        "library",
        "pwcheck",
        "A library that scores password strength and explains how to improve a password.",
        domains=["password"],
    ),
    "recipe_book": _intent(
        "library",
        "recipe-book",
        "A recipe book library with recipes and their ingredients.",
        entities=[
            Entity(
                name="Recipe",
                plural="recipes",
                fields=[_f("title"), _f("servings", "int"), _f("minutes", "int")],
            ),
            Entity(
                name="Ingredient",
                plural="ingredients",
                fields=[
                    _f("name"),
                    _f("quantity", "float"),
                    _f("unit", required=False),
                    _f("recipe_id", "int", references="Recipe"),
                ],
            ),
        ],
    ),
    "custom_functions": _intent(
        "library",
        "contact-kit",
        "A library for contacts with name, email, website and birthday, with functions "
        "validate_contact, parse_contact, format_contact, to_json and from_csv.",
        ("validate_contact", "parse_contact", "format_contact", "to_json", "from_csv", "merge"),
        entities=[
            Entity(
                name="Contact",
                plural="contacts",
                fields=[
                    _f("name"),
                    _f("email", "email"),
                    _f("website", "url", required=False),
                    _f("birthday", "date", required=False),
                    _f("favourite", "bool", required=False),
                ],
            )
        ],
    ),
    "no_domain_cli": _intent(
        "cli_tool", "greeter", "A command line tool that keeps a list of people to greet."
    ),
    "multi_entity_cli": _intent(
        "cli_tool",
        "shelf",
        "A CLI to manage books and authors.",
        ("add", "list", "stats", "export"),
        entities=[
            Entity(
                name="Book",
                plural="books",
                fields=[_f("title"), _f("pages", "int"), _f("published", "datetime")],
            ),
            Entity(name="Author", plural="authors", fields=[_f("name"), _f("email", "email")]),
        ],
    ),
    # library recipes reached from a CLI: one command per function
    "roman_isbn_cli": _intent(
        "cli_tool",
        "numtool",
        "A command line tool to convert numbers to Roman numerals and back and to check ISBNs.",
        ("to-roman", "check"),
        domains=["roman_numerals"],
    ),
    # field names that collide with the generated code's own names (store, limit, type, id)
    "reserved_names_cli": _intent(
        "cli_tool",
        "price-watch",
        "A CLI price tracker: record prices of products at a store, with the date and a link.",
        ("add", "history", "report", "find", "mark-done"),
        entities=[
            Entity(
                name="Price Entry",
                plural="price_entries",
                fields=[
                    _f("product"),
                    _f("store"),
                    _f("price", "decimal"),
                    _f("seen_at", "datetime"),
                    _f("link", "url", required=False),
                    _f("limit", "int", required=False),
                    _f("type", required=False),
                    _f("id", "int"),
                ],
            )
        ],
    ),
    "reserved_names_library": _intent(
        "library",
        "stock-lib",
        "A library for a store's inventory of products.",
        ("validate", "format_product", "to_csv", "from_json", "make_product", "restock"),
        entities=[
            Entity(
                name="Product",
                plural="products",
                fields=[
                    _f("type"),
                    _f("store"),
                    _f("price", "float"),
                    _f("supplier_email", "email", required=False),
                    _f("in_stock", "bool"),
                    _f("to_dict"),
                ],
            )
        ],
    ),
    "email_and_luhn": _intent(
        "library",
        "checkers",
        "Validate email addresses and URLs, and check credit card numbers with the Luhn algorithm.",
    ),
}


@dataclass
class Outcome:
    """What the checks of one generated project found."""

    root: Path
    files: dict[str, str]
    runs: dict[str, subprocess.CompletedProcess[str]] = field(default_factory=dict)


def _write(intent: ProjectIntent, root: Path) -> dict[str, str]:
    builder = CliToolBuilder() if intent.project_type == "cli_tool" else LibraryBuilder()
    blueprint = builder.blueprint(intent)
    written: set[str] = set()
    files: dict[str, str] = {}
    for component in blueprint.components:
        assert set(component.needs) <= written, f"{component.name} before {component.needs}"
        produced = builder.write_component(intent, component.name)
        assert set(produced) == set(component.files), component.name
        for rel, text in produced.items():
            (root / rel).parent.mkdir(parents=True, exist_ok=True)
            (root / rel).write_text(text, encoding="utf-8")
        files |= produced
        written.add(component.name)
    return files


_CHECKS: dict[str, list[str]] = {
    "pytest": ["-m", "pytest", "-o", "addopts=", "-q", "-p", "no:cacheprovider"],
    "ruff_check": ["-m", "ruff", "check", "--no-cache", "."],
    "ruff_format": ["-m", "ruff", "format", "--no-cache", "--check", "."],
    "ruff_check_defaults": ["-m", "ruff", "check", "--no-cache", "--isolated", "."],
    "ruff_format_defaults": ["-m", "ruff", "format", "--no-cache", "--isolated", "--check", "."],
    "bandit": ["-m", "bandit", "-q", "-r", ".", "-c", "pyproject.toml", "-f", "json"],
}


def _check(key: str, root: Path, package: str, is_cli: bool) -> Outcome:
    outcome = Outcome(root, _write(INTENTS[key], root))
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    checks = dict(_CHECKS)
    if is_cli:
        checks["help"] = ["-m", package, "--help"]
    for name, args in checks.items():
        outcome.runs[name] = subprocess.run(
            [sys.executable, *args],
            cwd=root,
            capture_output=True,
            text=True,
            timeout=240,
            env=env,
            check=False,
        )
    return outcome


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Outcome]:
    jobs = {
        key: (
            tmp_path_factory.mktemp(key),
            intent.package,
            intent.project_type == "cli_tool",
        )
        for key, intent in INTENTS.items()
    }
    with ThreadPoolExecutor(max_workers=2) as pool:
        futures = {key: pool.submit(_check, key, *job) for key, job in jobs.items()}
        return {key: future.result() for key, future in futures.items()}


def _output(run: subprocess.CompletedProcess[str]) -> str:
    return (run.stdout + run.stderr)[-3000:]


@pytest.mark.parametrize("key", INTENTS)
def test_own_tests_pass(outcomes: dict[str, Outcome], key: str) -> None:
    run = outcomes[key].runs["pytest"]
    assert run.returncode == 0, _output(run)
    passed = re.search(r"(\d+) passed", run.stdout)
    assert passed is not None
    assert int(passed.group(1)) >= 5


@pytest.mark.parametrize("key", INTENTS)
@pytest.mark.parametrize(
    "check", ["ruff_check", "ruff_format", "ruff_check_defaults", "ruff_format_defaults"]
)
def test_ruff_is_clean(outcomes: dict[str, Outcome], key: str, check: str) -> None:
    run = outcomes[key].runs[check]
    assert run.returncode == 0, _output(run)


@pytest.mark.parametrize("key", INTENTS)
def test_bandit_has_no_medium_or_high_findings(outcomes: dict[str, Outcome], key: str) -> None:
    run = outcomes[key].runs["bandit"]
    results = json.loads(run.stdout)["results"]
    serious = [r for r in results if r["issue_severity"] in ("MEDIUM", "HIGH")]
    assert not serious, serious


@pytest.mark.parametrize("key", INTENTS)
def test_complexity_and_docstrings(outcomes: dict[str, Outcome], key: str) -> None:
    python = {p: t for p, t in outcomes[key].files.items() if p.endswith(".py")}
    too_complex = [
        (path, block.name, block.complexity)
        for path, text in python.items()
        for block in cc_visit(text)
        if block.complexity > 10
    ]
    assert not too_complex
    undocumented = [
        (path, node.name)
        for path, text in python.items()
        if not path.startswith("tests/")
        for node in ast.parse(text).body
        if isinstance(node, ast.FunctionDef | ast.ClassDef)
        and not node.name.startswith("_")
        and node.name not in ("register", "main")
        and ast.get_docstring(node) is None
    ]
    assert not undocumented


@pytest.mark.parametrize("key", [k for k, i in INTENTS.items() if i.project_type == "cli_tool"])
def test_cli_runs_as_a_subprocess(outcomes: dict[str, Outcome], key: str) -> None:
    run = outcomes[key].runs["help"]
    assert run.returncode == 0, _output(run)
    assert "Usage" in run.stdout


@pytest.mark.parametrize("key", INTENTS)
def test_docs_cover_install_usage_and_tests(outcomes: dict[str, Outcome], key: str) -> None:
    readme = outcomes[key].files["README.md"]
    for heading in ("## Install", "## Test", "pytest"):
        assert heading in readme
    assert "## Examples" in readme or "## Usage" in readme


@pytest.mark.parametrize("key", [k for k, i in INTENTS.items() if i.project_type == "library"])
def test_api_md_lists_every_exported_name(outcomes: dict[str, Outcome], key: str) -> None:
    files = outcomes[key].files
    package = INTENTS[key].package
    init = ast.parse(files[f"{package}/__init__.py"])
    exported = next(
        ast.literal_eval(node.value)
        for node in init.body
        if isinstance(node, ast.Assign) and ast.unparse(node.targets[0]) == "__all__"
    )
    api = files["API.md"]
    missing = [name for name in exported if f"{name}(" not in api and f"class {name}" not in api]
    assert not missing
    assert not [d for d in ("requirements.txt",) if "==" in files[d]], "a library has no deps"
