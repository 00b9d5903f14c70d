"""Varied requirements in other domains and wordings: type, entities, fields, auth, commands."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from codeguild.intent.models import ProjectIntent, ProjectType
from codeguild.intent.processor import IntentProcessor

WEB, CLI, LIB = ProjectType.WEB_API, ProjectType.CLI_TOOL, ProjectType.LIBRARY


@dataclass(frozen=True)
class Case:
    text: str
    ptype: ProjectType
    entities: tuple[str, ...] = ()
    # entity -> {field: type or "int->Target"}, a subset that must be present
    fields: dict[str, dict[str, str]] = field(default_factory=dict)
    commands: tuple[str, ...] = ()
    domains: tuple[str, ...] = ()
    auth: bool | None = None
    protect_reads: bool | None = None


CASES = [
    Case(
        "A library management system API: members borrow books. Each book has a title, an ISBN "
        "and a number of copies. Members have a name and an email. A loan belongs to a member and "
        "references a book, with a due date and a returned flag.",
        WEB,
        ("Book", "Member", "Loan"),
        {
            "Loan": {"member_id": "int->Member", "book_id": "int->Book", "returned": "bool"},
            "Member": {"email": "email"},
            "Book": {"number_of_copies": "int"},
        },
    ),
    Case(
        "I want a recipe manager web service. Recipes have a title, instructions, servings and "
        "cooking time in minutes; recipes have many ingredients. Each ingredient has a name, "
        "quantity and unit.",
        WEB,
        ("Recipe", "Ingredient"),
        {
            "Recipe": {"instructions": "text", "servings": "int", "cooking_time": "int"},
            "Ingredient": {"recipe_id": "int->Recipe", "quantity": "int"},
        },
    ),
    Case(
        "Gym tracker API to log workouts and exercises. Each workout has a date, a duration and "
        "notes. An exercise belongs to a workout and has a name, sets, reps and weight.",
        WEB,
        ("Workout", "Exercise"),
        {
            "Exercise": {"workout_id": "int->Workout", "reps": "int", "weight": "float"},
            "Workout": {"date": "date", "notes": "text"},
        },
        domains=("fitness",),
    ),
    Case(
        "An inventory service for products with a name, SKU, price and stock quantity, and "
        "suppliers (name, email, phone number). Should support pagination.",
        WEB,
        ("Product", "Supplier"),
        {
            "Product": {"price": "decimal", "stock_quantity": "int"},
            "Supplier": {"phone_number": "str", "email": "email"},
        },
        domains=("inventory",),
    ),
    Case(
        "A blog with posts and comments: each comment belongs to a post; only logged-in users can "
        "write, but anyone can read.",
        WEB,
        ("Post", "Comment"),
        {"Comment": {"post_id": "int->Post"}},
        auth=True,
        protect_reads=False,
    ),
    Case(
        "Event booking API: users can sign in and book events. Events have a title, a location, "
        "starts_at, capacity and price. Anyone can view events.",
        WEB,
        ("Event",),
        {"Event": {"starts_at": "datetime", "capacity": "int", "price": "decimal"}},
        auth=True,
        protect_reads=False,
    ),
    Case(
        "Create an HTTP service for a pet clinic. Owners have many pets. Each pet has a name, "
        "species, birthday and an owner. Vets (name, specialty) see pets in appointments (date, "
        "reason, vet, pet).",
        WEB,
        ("Owner", "Pet", "Vet", "Appointment"),
        {
            "Pet": {"owner_id": "int->Owner", "birthday": "date"},
            "Appointment": {"vet_id": "int->Vet", "pet_id": "int->Pet"},
        },
    ),
    Case(
        "Service to track employees and departments; an employee belongs to a department; each "
        "department has a name and budget.",
        WEB,
        ("Employee", "Department"),
        {"Employee": {"department_id": "int->Department"}, "Department": {"budget": "decimal"}},
    ),
    Case(
        "A URL shortener service with links (url, slug, clicks, created_at). Everything requires "
        "a JWT token.",
        WEB,
        ("Link",),
        {"Link": {"url": "url", "clicks": "int", "created_at": "datetime"}},
        auth=True,
        protect_reads=True,
    ),
    Case(
        "Backend for a school: students (first name, last name, email, date of birth) enroll in "
        "courses (title, credits).",
        WEB,
        ("Student", "Course"),
        {"Student": {"first_name": "str", "email": "email", "date_of_birth": "date"}},
    ),
    Case(
        "An expense tracker CLI: track expenses with amount, category, date and note, and show "
        "monthly totals.",
        CLI,
        ("Expense",),
        {"Expense": {"amount": "decimal", "date": "date"}},
        domains=("expenses",),
    ),
    Case(
        "A todo CLI to add, list, complete and delete todo items.",
        CLI,
        ("TodoItem",),
        commands=("add", "list", "complete", "delete"),
        domains=("todo",),
    ),
    Case(
        "Command-line app where I can add, edit, remove and search notes.",
        CLI,
        ("Note",),
        commands=("add", "edit", "remove", "search"),
    ),
    Case(
        "A temperature converter tool: convert temperatures between Celsius and Fahrenheit.",
        CLI,
        commands=("celsius-to-fahrenheit", "fahrenheit-to-celsius"),
        domains=("temperature",),
    ),
    Case(
        "A CLI that converts Markdown files to HTML, with an --output option.",
        CLI,
        commands=("markdown-to-html",),
        domains=("markdown", "html"),
    ),
    Case(
        "A script that counts words, lines and characters in text files and prints the top 10 "
        "words.",
        CLI,
        commands=("count",),
        domains=("text_stats",),
    ),
    Case(
        "Build a file checksum tool that computes SHA-256 hashes of files and verifies them "
        "against a manifest.",
        CLI,
        commands=("compute", "verify"),
        domains=("hashing",),
    ),
    Case(
        "A terminal program that converts YAML to JSON and vice versa.",
        CLI,
        commands=("yaml-to-json", "json-to-yaml"),
        domains=("yaml", "json"),
    ),
    Case(
        "A unit converter library that converts between kilometers and miles.",
        LIB,
        commands=("kilometers_to_miles", "miles_to_kilometers"),
        domains=("units",),
    ),
    Case(
        "A Python package to score password strength and generate strong passwords.",
        LIB,
        commands=("score", "generate"),
        domains=("password",),
    ),
    Case(
        "A roman numerals library with functions to_roman and from_roman.",
        LIB,
        commands=("to_roman", "from_roman"),
        domains=("roman_numerals",),
    ),
    Case(
        "Write a slugify library: functions slugify and `unslugify`.",
        LIB,
        commands=("slugify", "unslugify"),
        domains=("slug",),
    ),
    Case(
        "A statistics library with mean, median, mode and standard deviation functions.",
        LIB,
        commands=("mean", "median", "mode", "standard_deviation"),
        domains=("statistics",),
    ),
    Case(
        "A luhn checksum library to validate credit card numbers and compute check digits.",
        LIB,
        commands=("validate", "compute"),
        domains=("luhn",),
    ),
    Case(
        "An SDK module for validating email addresses.",
        LIB,
        commands=("validate",),
        domains=("email_validation",),
    ),
    Case(
        "A library with functions parse_isbn and validate_isbn.",
        LIB,
        commands=("parse_isbn", "validate_isbn"),
        domains=("isbn",),
    ),
    Case(
        "Python library for matrix operations: add, multiply and transpose matrices.",
        LIB,
        commands=("add", "multiply", "transpose"),
        domains=("matrix",),
    ),
    Case(
        "A recipe book library with entities Recipe(title, servings:int, minutes:int) and "
        "Ingredient.",
        LIB,
        ("Recipe", "Ingredient"),
        {"Recipe": {"servings": "int", "minutes": "int", "title": "str"}},
    ),
]


@pytest.fixture(scope="module")
def processor() -> IntentProcessor:
    return IntentProcessor()


def _field_map(intent: ProjectIntent, entity: str) -> dict[str, str]:
    found = next(e for e in intent.entities if e.name == entity)
    return {f.name: f"{f.type}->{f.references}" if f.references else f.type for f in found.fields}


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.text[:40])
def test_varied_requirement(processor: IntentProcessor, case: Case) -> None:
    intent = processor.process(case.text)
    assert intent.project_type is case.ptype
    assert [e.name for e in intent.entities] == list(case.entities) or (
        case.ptype is WEB and not case.entities
    )
    for entity, expected in case.fields.items():
        actual = _field_map(intent, entity)
        assert {k: actual.get(k) for k in expected} == expected
    if case.commands:
        assert [c.name for c in intent.commands] == list(case.commands)
    assert set(case.domains) <= set(intent.domains)
    if case.auth is not None:
        assert (intent.auth is not None) is case.auth
    if case.protect_reads is not None:
        assert intent.auth is not None and intent.auth.protect_reads is case.protect_reads
    package = intent.package
    assert package.isidentifier() and len(intent.name) <= 40
    if case.ptype is WEB:
        assert {f"manage_{e.plural}" for e in intent.entities} <= {f.name for f in intent.features}
