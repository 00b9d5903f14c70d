"""Stack phenomena, each with invented wordings: aliases and compounds, optional choices,
rejected choices, things only another system uses, and products the gazetteer does not list."""

from __future__ import annotations

import pytest

from codeguild.intent.models import ProjectType
from codeguild.intent.stack import extract_stack


def _named(text: str) -> set[str]:
    s = extract_stack(text, ProjectType.WEB_API).tech_stack
    named = {*s.language, *s.backend, *s.database, *s.other, *s.testing}
    return {n for n in named if " " not in n} - set(s.defaults)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("We'd like React, or maybe Vue, for the front end.", {"react", "vue"}),
        ("A Flask-based admin and pure-Python helpers.", {"flask", "python"}),
        ("Uses the Shopify Admin API and keeps orders in SQLite.", {"shopify", "sqlite"}),
        ("Render PDFs with WeasyPrint and send them through Mailgun.", {"weasyprint", "mailgun"}),
        ("a module our Django app imports", {"django"}),
    ],
)
def test_asked_for(text: str, expected: set[str]) -> None:
    assert _named(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Backend in Node.js? No, let's do Django.", {"django"}),
        ("Use Postgres rather than MySQL.", {"postgresql"}),
        ("We do not want Airflow; Prefect instead.", {"prefect"}),
        ("We considered MongoDB, but relational fits better, so PostgreSQL.", {"postgresql"}),
        ("Rust was proposed, but the team knows Python.", {"python"}),
        ("SciPy is fine, but please no pandas.", {"scipy"}),
        ("we would prefer Vue over Angular", {"vue"}),
    ],
)
def test_rejected_choices_are_left_out(text: str, expected: set[str]) -> None:
    assert _named(text) == expected


def test_software_another_team_runs_is_left_out() -> None:
    text = (
        "The kiosks speak MQTT to a gateway that another vendor maintains; this service never "
        "touches that. Store check-ins in Postgres."
    )
    assert _named(text) == {"postgresql"}


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Pull the day's bookings from our class booking system (Bookwhen).", "bookwhen"),
        ("Match artists through the DiscoGraph API.", "discograph"),
        ("Fine to depend on shapelyx for the geometry.", "shapelyx"),
    ],
)
def test_products_the_gazetteer_does_not_list(text: str, name: str) -> None:
    assert name in _named(text)


@pytest.mark.parametrize(
    "text",
    [
        "Members can use their phones to check in.",
        "Monday is fine for the first release.",
        "One vendor uses ISBNs, the other its own ids.",
        "Hand out a printed leaflet at the door.",
    ],
)
def test_ordinary_words_are_not_products(text: str) -> None:
    assert _named(text) == set()
