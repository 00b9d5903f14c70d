"""Requirements worded in ways the engine was not written against still give passing projects."""

from __future__ import annotations

from pathlib import Path

import pytest

from codeguild.pipeline import Pipeline

pytestmark = pytest.mark.e2e

VARIED = {
    "recipes-api": "I need a backend service to store recipes. Each recipe has a title, a "
    "description, the number of servings and the cooking time in minutes. Ingredients have a name "
    "and a quantity and each ingredient belongs to a recipe.",
    "gym-api": "Create an HTTP API for a gym: members (name, email, joined date, active) and "
    "classes (title, starts at, capacity). Staff must sign in with a token to change data.",
    "inventory-api": "REST API to track inventory: products with name, sku, price and stock "
    "quantity; warehouses with name and city.",
    "blog-api": "Develop a blog backend with posts (title, body, published) and comments "
    "(author name, text). Each comment belongs to a post.",
    "clinic-api": "Build a web service for a clinic with patients (full name, email, birthday) and "
    "appointments (scheduled at, reason). An appointment belongs to a patient. All endpoints "
    "require authentication.",
    "events-api": "Make a REST API for events with a name, a venue, a start date and a "
    "ticket price",
    "library-api": "We want an API for a lending library: members, loans with a due date, and "
    "items with a title and an isbn.",
    "todo-cli": "Write a CLI to manage a todo list: add a task, list tasks, mark a task as done "
    "and delete a task. Each task has a title, a due date and a priority.",
    "expenses-cli": "A terminal tool to track expenses with amount, category, date and note, with "
    "a command to show a summary.",
    "wordcount-cli": "A command-line program that counts lines, words and characters in text "
    "files and shows the most frequent words.",
    "checksum-cli": "Command line utility to compute SHA-256 checksums of files and verify them.",
    "temperature-cli": "A CLI that converts temperatures between Celsius, Fahrenheit and Kelvin.",
    "roman-lib": "A Python package with functions to convert integers to Roman numerals and back, "
    "with validation.",
    "slug-lib": "Library that turns titles into URL slugs.",
    "stats-lib": "A small library for descriptive statistics: mean, median, mode and standard "
    "deviation of a list of numbers.",
    "luhn-lib": "A module to validate credit card numbers with the Luhn checksum.",
    "contacts-lib": "A Python library to manage an address book of contacts with name, email and "
    "phone, with search by name and saving to JSON.",
    "password-lib": "Write a library that scores password strength and explains what is weak.",
}


@pytest.mark.parametrize("key", sorted(VARIED))
async def test_varied_requirement_gives_a_passing_project(tmp_path: Path, key: str) -> None:
    report = await Pipeline().generate(VARIED[key], tmp_path)
    assert report.status == "passed", (report.stop_reason, report.iterations)
    assert report.tests is not None
    assert report.tests["passed"] >= 3 and report.tests["failed"] == 0
    project = Path(report.output_dir)
    assert (project / "README.md").is_file()
    assert (project / "codeguild-report.json").is_file()
