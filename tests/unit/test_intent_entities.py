"""Entities, fields, field types, foreign keys and naming from requirement text."""

from __future__ import annotations

import pytest

from codeguild.intent.entities import extract_entities
from codeguild.intent.fields import parse_field
from codeguild.intent.inflect import plural, singular
from codeguild.intent.models import Entity


def fields_of(entity: Entity) -> dict[str, tuple[str, str | None]]:
    return {f.name: (f.type, f.references) for f in entity.fields}


def by_name(text: str, *, auth: bool = False) -> dict[str, Entity]:
    return {e.name: e for e in extract_entities(text, auth=auth).entities}


@pytest.mark.parametrize(
    ("single", "many"),
    [
        ("book", "books"),
        ("category", "categories"),
        ("address", "addresses"),
        ("status", "statuses"),
        ("person", "people"),
        ("child", "children"),
        ("box", "boxes"),
        ("movie", "movies"),
        ("expense", "expenses"),
        ("shelf", "shelves"),
        ("day", "days"),
    ],
)
def test_singular_and_plural_round_trip(single: str, many: str) -> None:
    assert plural(single) == many
    assert singular(many) == single
    assert singular(single) == single


def test_parenthesised_field_lists_and_entity_fk() -> None:
    found = by_name(
        "A REST API with books (title, author, price, published year) and authors (name, country)."
    )
    assert list(found) == ["Book", "Author"]
    assert fields_of(found["Book"]) == {
        "title": ("str", None),
        "author_id": ("int", "Author"),
        "price": ("decimal", None),
        "published_year": ("int", None),
    }
    assert fields_of(found["Author"]) == {"name": ("str", None), "country": ("str", None)}
    assert found["Book"].plural == "books"


def test_each_x_has_fields() -> None:
    book = by_name("An API where each book has a title, an author and a price.")["Book"]
    assert fields_of(book) == {
        "title": ("str", None),
        "author": ("str", None),
        "price": ("decimal", None),
    }


def test_with_fields_and_compound_field_names() -> None:
    product = by_name("A service for products with a name, price and stock quantity.")["Product"]
    assert fields_of(product) == {
        "name": ("str", None),
        "price": ("decimal", None),
        "stock_quantity": ("int", None),
    }


def test_task_fields_with_date_priority_and_flag() -> None:
    task = by_name("manage tasks: each task has a title, a due date, a priority and a done flag")[
        "Task"
    ]
    assert fields_of(task) == {
        "title": ("str", None),
        "due_date": ("date", None),
        "priority": ("int", None),
        "done": ("bool", None),
    }


def test_priority_is_a_label_when_levels_are_named() -> None:
    task = by_name("Each task has a title and a priority (low, medium or high).")["Task"]
    assert fields_of(task)["priority"] == ("str", None)


def test_track_expenses_with_fields() -> None:
    expense = by_name("A CLI to track expenses with amount, category, date and note.")["Expense"]
    assert fields_of(expense) == {
        "amount": ("decimal", None),
        "category": ("str", None),
        "date": ("date", None),
        "note": ("text", None),
    }


def test_entities_without_fields_get_defaults_and_an_assumption() -> None:
    result = extract_entities("An API to manage customers and suppliers.")
    assert [e.name for e in result.entities] == ["Customer", "Supplier"]
    assert all(fields_of(e) == {"name": ("str", None)} for e in result.entities)
    assert any("No fields were given for Customer" in a for a in result.assumptions)
    assert result.described == 0


def test_belongs_to_and_has_many_put_the_fk_on_the_many_side() -> None:
    found = by_name(
        "An API for orders and customers. An order belongs to a customer. Orders have many items."
    )
    assert fields_of(found["Order"])["customer_id"] == ("int", "Customer")
    assert fields_of(found["Item"])["order_id"] == ("int", "Order")
    assert "order_id" not in fields_of(found["Customer"])


def test_relation_clause_with_second_parent_and_fields() -> None:
    loan = by_name(
        "Members and books. A loan belongs to a member and references a book, with a due date "
        "and a returned flag."
    )["Loan"]
    assert fields_of(loan) == {
        "due_date": ("date", None),
        "returned": ("bool", None),
        "member_id": ("int", "Member"),
        "book_id": ("int", "Book"),
    }


def test_users_who_log_in_are_not_an_entity() -> None:
    found = by_name("Users must log in to manage users and projects.", auth=True)
    assert "User" not in found
    assert "Project" in found


def test_software_nouns_are_never_entities() -> None:
    text = (
        "A command line tool that converts CSV files to JSON and back, with options to pick "
        "columns. The API has endpoints and the library exposes functions for data."
    )
    assert extract_entities(text).entities == []


def test_compound_generic_head_becomes_one_entity() -> None:
    found = by_name("A CLI to add, list, complete and delete todo items.")
    assert list(found) == ["TodoItem"]
    assert found["TodoItem"].plural == "todo_items"
    assert fields_of(found["TodoItem"])["done"] == ("bool", None)


def test_reserved_field_names_are_renamed_and_id_dropped() -> None:
    result = extract_entities("Assets (id, type, class, from, name).")
    asset = result.entities[0]
    assert [f.name for f in asset.fields] == ["kind", "category", "source", "name"]
    assert any("renamed to 'kind'" in a for a in result.assumptions)
    assert any("'id' field" in a for a in result.assumptions)


@pytest.mark.parametrize(
    ("phrase", "name", "ftype"),
    [
        ("a published year", "published_year", "int"),
        ("the total cost", "total_cost", "decimal"),
        ("salary", "salary", "decimal"),
        ("an email address", "email_address", "email"),
        ("website", "website", "url"),
        ("a short bio", "short_bio", "text"),
        ("created_at", "created_at", "datetime"),
        ("timestamp", "timestamp", "datetime"),
        ("birthday", "birthday", "date"),
        ("deadline", "deadline", "date"),
        ("is_active", "is_active", "bool"),
        ("completed", "completed", "bool"),
        ("latitude", "latitude", "float"),
        ("a score", "score", "float"),
        ("number of pages", "number_of_pages", "int"),
        ("phone number", "phone_number", "str"),
        ("age: int", "age", "int"),
        ("rating as a float", "rating", "float"),
        ("cooking time in minutes", "cooking_time", "int"),
        ("weight in kg", "weight", "float"),
        ("colour", "colour", "str"),
    ],
)
def test_field_types_by_name(phrase: str, name: str, ftype: str) -> None:
    parsed = parse_field(phrase, phrase)
    assert parsed is not None
    assert (parsed.field.name, parsed.field.type) == (name, ftype)


def test_optional_and_unique_markers() -> None:
    optional = parse_field("optional notes", "")
    unique = parse_field("a unique email", "")
    assert optional is not None and optional.field.required is False
    assert unique is not None and unique.field.unique is True and unique.field.type == "email"


def test_measurements_are_not_fields() -> None:
    assert parse_field("p99 < 200 ms", "") is None
    assert parse_field("1000 users", "") is None
