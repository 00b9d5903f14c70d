"""IntentProcessor end to end: the reference requirements in detail, then varied wordings."""

from __future__ import annotations

import sys
import time

import pytest

from codeguild.config import Settings
from codeguild.errors import IntentError, RequirementError
from codeguild.intent.models import ProjectIntent, ProjectType
from codeguild.intent.processor import IntentProcessor
from codeguild.intent.similar import SimilarRequestCache

BOOKSTORE = (
    "Build a REST API for a bookstore with books (title, author, price, published year) and "
    "authors (name, country). Users must log in with JWT to create, update or delete; anyone "
    "can read."
)
CSV_JSON = (
    "A command line tool that converts CSV files to JSON and back, with options to pick columns "
    "and to pretty-print."
)
ISBN = (
    "A small Python library for parsing and validating ISBN-10 and ISBN-13 numbers, converting "
    "between them."
)


@pytest.fixture(scope="module")
def processor() -> IntentProcessor:
    return IntentProcessor()


def fields(intent: ProjectIntent, entity: str) -> dict[str, tuple[str, str | None]]:
    found = next(e for e in intent.entities if e.name == entity)
    return {f.name: (f.type, f.references) for f in found.fields}


def assert_valid_name(intent: ProjectIntent) -> None:
    package = intent.package
    assert package.isidentifier() and package.isascii() and package[0].isalpha()
    assert len(intent.name) <= 40
    assert package not in sys.stdlib_module_names and package != "codeguild"


def test_reference_bookstore(processor: IntentProcessor) -> None:
    intent = processor.process(BOOKSTORE)
    assert intent.project_type is ProjectType.WEB_API
    assert intent.name == "bookstore-api"
    assert [e.name for e in intent.entities] == ["Book", "Author"]
    assert fields(intent, "Book") == {
        "title": ("str", None),
        "author_id": ("int", "Author"),
        "price": ("decimal", None),
        "published_year": ("int", None),
    }
    assert fields(intent, "Author") == {"name": ("str", None), "country": ("str", None)}
    assert intent.auth is not None
    assert intent.auth.protect_writes is True and intent.auth.protect_reads is False
    auth = next(f for f in intent.features if f.name == "user_authentication")
    assert auth.type == "security" and auth.priority == "p0" and auth.acceptance_criteria
    assert intent.has_feature("manage_books") and intent.has_feature("manage_authors")
    books = next(f for f in intent.features if f.name == "manage_books")
    assert any("POST /books" in c and "201" in c for c in books.acceptance_criteria)
    assert any("404" in c for c in books.acceptance_criteria)
    assert any("422" in c for c in books.acceptance_criteria)
    assert intent.confidence["project_type"] >= 0.6
    assert intent.commands == []
    assert {"fastapi", "sqlalchemy"} <= set(intent.tech_stack.backend)
    assert intent.tech_stack.database == ["sqlite"]
    assert "fastapi" in intent.tech_stack.defaults
    assert intent.summary.endswith(".") and intent.summary.count(".") == 1
    assert intent.requirement == BOOKSTORE


def test_reference_csv_json_cli(processor: IntentProcessor) -> None:
    intent = processor.process(CSV_JSON)
    assert intent.project_type is ProjectType.CLI_TOOL
    assert {"csv", "json"} <= set(intent.domains)
    assert intent.entities == []
    commands = {c.name: c for c in intent.commands}
    assert set(commands) == {"csv-to-json", "json-to-csv"}
    for command in commands.values():
        assert command.options == ["columns", "pretty"]
    assert intent.name in {"csv-json-converter", "csv-json-cli"}
    assert intent.auth is None
    assert intent.tech_stack.backend == ["typer"]
    assert_valid_name(intent)


def test_reference_isbn_library(processor: IntentProcessor) -> None:
    intent = processor.process(ISBN)
    assert intent.project_type is ProjectType.LIBRARY
    assert "isbn" in intent.domains
    assert intent.entities == []
    assert [c.name for c in intent.commands] == ["parse", "validate", "convert"]
    assert intent.name.startswith("isbn")
    assert intent.tech_stack.backend == ["stdlib"]
    assert_valid_name(intent)


def test_forced_type_has_full_confidence(processor: IntentProcessor) -> None:
    intent = processor.process(ISBN, project_type="cli_tool")
    assert intent.project_type is ProjectType.CLI_TOOL
    assert intent.confidence["project_type"] == 1.0
    assert intent.name.endswith("-cli") or "isbn" in intent.name
    assert processor.process(ISBN, ProjectType.WEB_API).project_type is ProjectType.WEB_API


def test_unknown_forced_type_is_an_intent_error(processor: IntentProcessor) -> None:
    with pytest.raises(IntentError, match="Choose one of"):
        processor.process(ISBN, project_type="mobile_app")


def test_no_type_cue_defaults_to_data_service_with_assumption(processor: IntentProcessor) -> None:
    intent = processor.process("track expenses with amount, category, date and note")
    assert intent.project_type is ProjectType.WEB_API
    assert intent.confidence["project_type"] < 0.6
    assert any(
        a.startswith("No project type was named; assumed web API") for a in intent.assumptions
    )


def test_no_type_cue_without_data_defaults_to_library(processor: IntentProcessor) -> None:
    intent = processor.process("Convert roman numerals to integers and back.")
    assert intent.project_type is ProjectType.LIBRARY
    assert "roman_numerals" in intent.domains
    assert any("assumed library" in a for a in intent.assumptions)


def test_reads_protected_when_all_endpoints_require_login(processor: IntentProcessor) -> None:
    intent = processor.process(
        "A blog backend with posts and comments. Each post has a title, body and published_at. "
        "Comments belong to a post. All endpoints require authentication."
    )
    assert intent.auth is not None and intent.auth.protect_reads is True
    assert fields(intent, "Comment")["post_id"] == ("int", "Post")
    assert fields(intent, "Post")["published_at"] == ("datetime", None)


def test_named_stack_is_recorded_and_mapped(processor: IntentProcessor) -> None:
    intent = processor.process(
        "Develop a Flask API backed by PostgreSQL 16 for a movie rental store where each rental "
        "has a start date and an end date. Handle 1000 concurrent users with p99 < 200 ms and "
        "10k requests per second. GDPR compliant, HTTPS only, OAuth2, deploy on Kubernetes."
    )
    assert "flask" in intent.tech_stack.backend
    assert intent.tech_stack.database == ["postgresql"]
    assert "postgresql 16" in intent.tech_stack.other
    assert any("PostgreSQL" in a and "SQLite" in a for a in intent.assumptions)
    assert any("Flask" in a and "FastAPI" in a for a in intent.assumptions)
    assert intent.constraints.performance == [
        "handle 1000 concurrent users",
        "handle 10000 requests per second",
        "p99 latency < 200 ms",
    ]
    assert {"GDPR compliance", "HTTPS/TLS only", "OAuth2"} <= set(intent.constraints.security)
    assert intent.constraints.deployment == ["kubernetes"]
    assert intent.name == "movie-rental-store-api"
    assert [e.name for e in intent.entities] == ["Rental"]


def test_priorities_follow_cue_words(processor: IntentProcessor) -> None:
    intent = processor.process(
        "An inventory API for products with a name and price. It must support pagination. "
        "It should support search by name. It could export data to CSV. Docker won't be needed."
    )
    priority = {f.name: f.priority for f in intent.features}
    assert priority["pagination"] == "p0"
    assert priority["search"] == "p1"
    assert priority["export"] == "p2"
    assert priority["containerization"] == "p3"


def test_processing_is_fast() -> None:
    # the keyword path with the similar-request cache off: every call does the full extraction
    settings = Settings(intent_classifier="keywords", intent_cache_size=0)
    processor = IntentProcessor(settings, cache=SimilarRequestCache(0))
    processor.process(BOOKSTORE)  # warm regex caches
    started = time.perf_counter()
    for _ in range(20):
        processor.process(BOOKSTORE)
    assert (time.perf_counter() - started) / 20 < 0.02


def test_bad_input_is_refused(processor: IntentProcessor) -> None:
    with pytest.raises(RequirementError):
        processor.process("tell me a joke")
