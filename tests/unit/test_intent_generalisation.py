"""The rules that make the keyword classifier and the entity reader generalise: typos in cue
words, negated and in-passing mentions, how the project is used, head nouns, pronouns, compound
nouns and software words that name records."""

from __future__ import annotations

from pathlib import Path

import pytest

from codeguild.config import Settings
from codeguild.intent.classify import score_project_type
from codeguild.intent.cuetext import corrected, cue_text, uses_remote_service
from codeguild.intent.entities import extract_entities
from codeguild.intent.evaluation import load_split, split_files
from codeguild.intent.heads import resolve_pronoun, verb_before
from codeguild.intent.models import ProjectCategory
from codeguild.intent.processor import IntentProcessor
from codeguild.intent.similar import SimilarRequestCache

WEB, CLI, LIB = ProjectCategory.WEB_API, ProjectCategory.CLI_TOOL, ProjectCategory.LIBRARY
APP, ETL = ProjectCategory.WEB_APP, ProjectCategory.DATA_PIPELINE


@pytest.mark.parametrize(
    ("typo", "word"),
    [("comand", "command"), ("utilty", "utility"), ("servce", "service"), ("libary", "library")],
)
def test_misspelt_cue_words_are_read_as_spelt(typo: str, word: str) -> None:
    assert corrected(typo) == word


@pytest.mark.parametrize("word", ["scripts", "commands", "modules", "models", "servers"])
def test_real_words_and_inflections_are_left_alone(word: str) -> None:
    assert corrected(word) == word


def test_an_api_the_software_calls_is_not_what_it_is() -> None:
    text = cue_text("A CLI that calls the GitHub REST API to list stale pull requests")
    assert "cli" in text and "api" not in text
    # the verb stays: "client library for" still says library
    assert "client library for" in cue_text("A client library for our billing HTTP API")


def test_an_api_to_build_is_not_taken_for_one_in_passing() -> None:
    assert "api" in cue_text("Students submit answers through an API")
    assert "rest api" in cue_text("I want to build a REST API for books")


def test_negated_kinds_are_blanked() -> None:
    assert "website" not in cue_text("Not a website, just a JSON backend for a mobile app")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a thing I run in my terminal that renames photos by date", CLI),
        ("Give me a command I can run from cron on my server that backs up a database", CLI),
        ("Write me a CLI that talks to our REST API to create users in bulk", CLI),
        ("comand line utilty that convers markdown notes into a static html site", CLI),
        ("a devops helper you run in CI that fails the build on latest tags", CLI),
        ("A library that wraps the OpenWeather HTTP API so our scripts can call it", LIB),
        ("Code I can drop into other projects to compute shipping costs", LIB),
        ("Small lib to talk to the Mailgun API from our Django views", LIB),
        ("something my team can call over HTTP to look up loyalty cards", WEB),
        ("expose the inventory over a JSON interface so the POS terminals can query it", WEB),
        ("something people use in the browser to plan group trips", APP),
        ("Build a site where parents sign their kids up for summer camps", APP),
        ("Each night, export yesterday's sales from Shopify and load them into our warehouse", ETL),
        ("Continuously read readings from MQTT and store 5-minute rollups in InfluxDB", ETL),
        ("Our Android app needs somewhere to save high scores and fetch a leaderboard.", WEB),
        ("Create an app backend that our React frontend team can build against.", WEB),
        ("I want to type `budget add 12.50 groceries` to log spending.", CLI),
        ("A git pre-commit hook that blocks commits containing secrets.", CLI),
        ("Reusable validation rules that our other services can share as a dependency.", LIB),
        ("Make a kanban style task board for the team that runs in Chrome.", APP),
        ("Incrementally replicate the orders table from MySQL to Postgres.", ETL),
    ],
)
def test_indirect_wordings_of_the_project_type(text: str, expected: ProjectCategory) -> None:
    assert score_project_type(text).project_type is expected


def test_remote_service_detection() -> None:
    assert uses_remote_service("a cli that talks to our rest api")
    assert not uses_remote_service("build a rest api for books")


def test_a_verb_after_a_plural_subject_is_not_a_compound() -> None:
    assert verb_before("runners log runs", len("runners "))
    assert not verb_before("manage purchase orders", len("manage "))
    names = [e.name for e in extract_entities("runners log runs (distance, duration)").entities]
    assert names == ["Run"]


def test_they_takes_the_last_plural_noun_of_the_sentence_before() -> None:
    assert resolve_pronoun("they have a name", "staff check dogs in and out").startswith(
        "the dogs have"
    )
    found = extract_entities(
        "We run a dog daycare. Staff check dogs in and out. They have a name and a breed."
    ).entities
    assert [(e.name, [f.name for f in e.fields]) for e in found] == [("Dog", ["name", "breed"])]


def test_them_with_a_field_list_names_what_was_said_before() -> None:
    found = extract_entities(
        "A service that accepts GitHub push events, stores them (repository, branch, pusher)"
    ).entities
    assert "Event" in {e.name for e in found} or "PushEvent" in {e.name for e in found}
    assert all(e.name != "Store" for e in found)


def test_three_word_compound_keeps_the_nearest_modifier() -> None:
    found = extract_entities(
        "HTTP API to manage employee expense claims: each claim has an amount and a status."
    ).entities
    assert [e.name for e in found] == ["ExpenseClaim"]
    assert {f.name for f in found[0].fields} == {"amount", "status"}


def test_software_words_with_attributes_are_records() -> None:
    found = extract_entities(
        "A RESTful endpoint set for a gym: members (name, email) and classes (name, capacity)."
    ).entities
    assert [e.name for e in found] == ["Member", "Class"]
    board = extract_entities(
        "A kanban board for our team: boards, columns and cards (title, assignee)."
    ).entities
    assert {e.name for e in board} == {"Board", "Column", "Card"}


def test_formats_in_parentheses_are_not_attributes() -> None:
    assert extract_entities("convert files (csv, json) to yaml").entities == []


def test_a_heading_before_entities_is_not_one() -> None:
    found = extract_entities(
        "api for hotel bookings: rooms (number, nightly rate) and reservations (guest name, "
        "check out)"
    ).entities
    assert [e.name for e in found] == ["Room", "Reservation"]


def test_the_audience_of_an_api_is_not_an_entity() -> None:
    found = extract_entities(
        "Endpoints for our partners to submit quotes; quotes have a premium and a start date."
    ).entities
    assert [e.name for e in found] == ["Quote"]


def test_a_parent_named_after_the_fields_becomes_a_foreign_key() -> None:
    found = extract_entities(
        "a pallet has a barcode and a weight in kg, and belongs to a shelf."
    ).entities
    pallet = next(e for e in found if e.name == "Pallet")
    assert "shelf_id" in {f.name for f in pallet.fields}


def test_a_program_using_a_remote_api_keeps_no_records_of_its_own() -> None:
    processor = IntentProcessor(
        Settings(intent_classifier="keywords", intent_cache_size=0), cache=SimilarRequestCache(0)
    )
    intent = processor.process("Write me a CLI that talks to our REST API to create users in bulk.")
    assert intent.classification is not None
    assert intent.classification.category is CLI
    assert intent.entities == []
    sdk = processor.process(
        "A Python client library for our billing HTTP API: functions to create invoices and "
        "list payments, with retries."
    )
    assert sdk.entities == []
    # a CLI that stores its own records keeps them
    todo = processor.process("A todo CLI to add, list, complete and delete todo items.")
    assert [e.name for e in todo.entities] == ["TodoItem"]


def test_the_tune_split_reads_every_tune_file(tmp_path: Path) -> None:
    case = '[[case]]\nid = "{id}"\ntype = "cli_tool"\ntext = "A CLI."\n'
    (tmp_path / "tune.toml").write_text(case.format(id="a"))
    (tmp_path / "tune2.toml").write_text(case.format(id="b"))
    (tmp_path / "heldout.toml").write_text(case.format(id="c"))
    assert [p.name for p in split_files(tmp_path, "tune")] == ["tune.toml", "tune2.toml"]
    assert [c.id for c in load_split(tmp_path, "tune")] == ["a", "b"]
    assert [c.id for c in load_split(tmp_path, "heldout")] == ["c"]
    (tmp_path / "tune3.toml").write_text(case.format(id="a"))
    with pytest.raises(ValueError, match="more than once"):
        load_split(tmp_path, "tune")
    with pytest.raises(ValueError, match="unknown split"):
        split_files(tmp_path, "train")


def _shape(text: str) -> dict[str, set[str]]:
    return {e.name: {f.name for f in e.fields} for e in extract_entities(text).entities}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "REST API.\n- Book: title, author, year\n- Author: name, country",
            {"Book": {"title", "author_id", "year"}, "Author": {"name", "country"}},
        ),
        (
            "Keep a record of each patient's name, date of birth and blood type.",
            {"Patient": {"name", "date_of_birth", "blood_type"}},
        ),
        (
            "For each product we need a name, a price and a stock count.",
            {"Product": {"name", "price", "stock_count"}},
        ),
        (
            "Backend where products should include a name and a price.",
            {"Product": {"name", "price"}},
        ),
        (
            "Entities:\nCustomer { name: string, email: string }",
            {"Customer": {"name", "email"}},
        ),
        (
            "| Entity | Fields |\n|---|---|\n| Invoice | number, amount, due date |",
            {"Invoice": {"number", "amount", "due_date"}},
        ),
        ("Tables:\nusers - id, username, email", {"User": {"username", "email"}}),
        (
            "Model: ServiceVisit(date, cost).",
            {"ServiceVisit": {"date", "cost"}},
        ),
        ("Song fields: title, artist, length in seconds.", {"Song": {"title", "artist", "length"}}),
        (
            "api to keep track of vinyl records i own: artist, album title, year",
            {"VinylRecord": {"artist", "album_title", "year"}},
        ),
        (
            "Build a REST API to store Employee records (first name, last name, salary).",
            {"Employee": {"first_name", "last_name", "salary"}},
        ),
        ("Enrollment has a date.", {"Enrollment": {"date"}}),
    ],
)
def test_more_shapes_of_a_record_and_its_fields(text: str, expected: dict[str, set[str]]) -> None:
    assert _shape(text) == expected


def test_the_named_thing_in_a_field_list_is_a_reference() -> None:
    found = _shape("Members borrow books. A loan records the member, the book and a return date.")
    assert found["Loan"] == {"member_id", "book_id", "return_date"}
    # "the doctor" names nothing the text keeps records of: a plain field
    assert "doctor" in _shape("Each appointment has the doctor and the time slot.")["Appointment"]


def test_a_collection_field_of_another_record_becomes_its_parent() -> None:
    found = _shape("A playlist contains songs. Song fields: title, artist.")
    assert found["Song"] == {"title", "artist", "playlist_id"}


def test_ability_is_not_a_record_shape() -> None:
    assert "Farmer" not in _shape("an api where farmers can record fields (name, area, crop)")


def test_a_list_after_a_heading_that_names_the_software_is_its_records() -> None:
    found = _shape("Build the server part of a chat app: rooms, messages and members.")
    assert set(found) == {"Room", "Message", "Member"}
    # a list of actions is not
    assert _shape("A tool: renames files, prints a summary") == {}
