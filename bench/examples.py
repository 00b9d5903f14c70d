"""The three reference requirements every end-to-end benchmark measures, and the bookstore's
intent built by hand, for benchmarks and tests that start from an intent instead of the text."""

from __future__ import annotations

from pathlib import Path

from codeguild.engines.builtin.engine import BuiltinEngine
from codeguild.intent.models import AuthSpec, Entity, EntityField, ProjectIntent

EXAMPLES = {
    "bookstore": (
        "Build a REST API for a bookstore with books (title, author, price, published year) and "
        "authors (name, country). Users must log in with JWT to create, update or delete; anyone "
        "can read."
    ),
    "csv_tool": (
        "A command line tool that converts CSV files to JSON and back, with options to pick "
        "columns and to pretty-print."
    ),
    "isbn_library": (
        "A small Python library for parsing and validating ISBN-10 and ISBN-13 numbers, "
        "converting between them."
    ),
}


def _field(name: str, type_: str = "str", **extra: object) -> EntityField:
    return EntityField(name=name, type=type_, **extra)  # type: ignore[arg-type]


BOOKSTORE_INTENT = ProjectIntent(
    requirement="Build a REST API for a bookstore with books and authors; JWT for writes.",
    project_type="web_api",
    name="bookstore-api",
    summary="A REST API for a bookstore.",
    entities=[
        Entity(
            name="Book",
            plural="books",
            fields=[
                _field("title"),
                _field("author_id", "int", references="Author"),
                _field("price", "decimal"),
                _field("published_year", "int"),
            ],
        ),
        Entity(name="Author", plural="authors", fields=[_field("name"), _field("country")]),
    ],
    auth=AuthSpec(protect_writes=True, protect_reads=False),
)


def write_builtin_project(intent: ProjectIntent, root: Path) -> Path:
    """Every component the built-in engine writes for ``intent``, under ``root``."""
    engine = BuiltinEngine()
    for component in engine.blueprint(intent).components:
        for rel, text in engine.write_component(intent, component.name).items():
            (root / rel).parent.mkdir(parents=True, exist_ok=True)
            (root / rel).write_text(text, encoding="utf-8")
    return root
