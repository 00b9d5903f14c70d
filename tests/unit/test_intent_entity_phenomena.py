"""Entity and field extraction on general phenomena of how requirements describe records.

Each test names one phenomenon and checks it on texts written for it, so a rule that only
learned one wording of the evaluation set fails here.
"""

from __future__ import annotations

import pytest

from codeguild.intent.entities import extract_entities
from codeguild.intent.fields import parse_field


def entities(text: str) -> dict[str, dict[str, str]]:
    found = extract_entities(text).entities
    return {e.name: {f.name: f.type for f in e.fields} for e in found}


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Each pressure test has a gauge reading and a pass flag.", "PressureTest"),
        ("A shipping label has a barcode and a carrier.", "ShippingLabel"),
        ("Kennel bookings: dog name, arrival date, departure date.", "KennelBooking"),
        ("Every seating request holds a party size and a time.", "SeatingRequest"),
        ("Tasting results have a score and a judge.", "TastingResult"),
    ],
)
def test_compound_name_with_a_software_or_gerund_head(text: str, name: str) -> None:
    # a defining sentence makes its subject a record even when the head is a software word
    # ("request", "result") or the modifier a gerund ("shipping", "tasting")
    assert name in entities(text)


def test_gerund_nouns_are_records_where_only_a_noun_can_stand() -> None:
    found = entities("For every fitting we store the tailor, the garment and the fitting date.")
    assert set(found["Fitting"]) == {"tailor", "garment", "fitting_date"}


@pytest.mark.parametrize(
    "text",
    [
        "We keep track of every harvest: the field, the crop and the weight in kg.",
        "The app should keep, for every harvest, its field, its crop and its weight in kg.",
        "We want to record the field, crop and weight in kg of each harvest.",
        "For harvests we need: field, crop, weight in kg.",
        "Harvests are stored with a field, a crop and a weight in kg.",
        "Harvests - field, crop, weight in kg.",
    ],
)
def test_attributes_in_many_sentence_shapes(text: str) -> None:
    assert entities(text)["Harvest"] == {"field": "str", "crop": "str", "weight": "float"}


def test_records_named_by_what_people_hand_in() -> None:
    found = entities("A portal where tenants submit damage reports and landlords answer them.")
    assert "DamageReport" in found
    assert entities("I publish recipes on a small site.").keys() == {"Recipe"}


def test_people_doing_things_in_a_program_name_no_records() -> None:
    assert entities("A command line tool: we write changelogs and it turns them into HTML.") == {}


@pytest.mark.parametrize(
    "text",
    [
        "Boats (sailing yachts, dinghies, canoes) can be hired by members.",
        "A tool that renames my photos (holiday snaps, scans) by date.",
        "Crates (just a label for now, crates are not tracked yet) go on shelves.",
        "Given up to 40 stops (lat/lng), return the shortest route.",
    ],
)
def test_parentheses_that_do_not_list_attributes(text: str) -> None:
    found = entities(text)
    assert all(not fields or "name" in fields for fields in found.values())
    assert not any(name in found for name in ("Boat", "Photo", "Crate", "Stop"))


def test_negated_storage_drops_the_record() -> None:
    text = (
        "Each delivery has an address and a courier name. Couriers are not stored here. "
        "Couriers have a van."
    )
    assert "Courier" not in entities(text)
    assert entities("A CLI that reads a GPX file and prints stats; nothing is saved.") == {}


def test_a_determiner_makes_a_management_word_a_noun() -> None:
    found = entities("Rooms have a name. Each booking belongs to a room and has a date.")
    assert set(found) == {"Room", "Booking"}
    assert "room_id" in found["Booking"]


def test_several_parents_in_one_list() -> None:
    text = (
        "Games have a title. Players have a nickname. Venues have a city. "
        "Each result belongs to a game, a player and a venue, and has a rank."
    )
    assert {"game_id", "player_id", "venue_id", "rank"} <= set(entities(text)["Result"])


def test_many_to_many_adds_no_foreign_key() -> None:
    text = "Courses (title, credits) and students (name, email). Students can attend many courses."
    found = entities(text)
    assert "student_id" not in found["Course"]
    owned = entities("Authors (name) and essays (title). An author can write many essays.")
    assert "author_id" in owned["Essay"]


def test_markdown_record_lists() -> None:
    text = (
        "## Data\n"
        "1. **Tool kits** - kit code, location, checked out flag.\n"
        "- **Repair jobs**: reported at, fault description. Each repair job belongs to a tool kit."
    )
    found = entities(text)
    assert found["ToolKit"] == {"kit_code": "str", "location": "str", "checked_out": "bool"}
    assert "tool_kit_id" in found["RepairJob"]


def test_a_clause_after_a_heading_is_not_an_attribute_list() -> None:
    assert entities("Timer for quiz hosts: start a round, send hints and log the winner.") == {}


@pytest.mark.parametrize(
    ("phrase", "name", "ftype"),
    [
        ("the shelf it sits on", "shelf", "str"),
        ("the nurse who took it", "nurse", "str"),
        ("rainfall in mm", "rainfall", "float"),
        ("output in kW", "output", "float"),
        ("humidity as a percentage", "humidity", "float"),
        ("approved by", "approved_by", "str"),
        ("renewed on", "renewed_on", "date"),
        ("min guests", "min_guests", "int"),
        ("max guests", "max_guests", "int"),
        ("hours to completion", "hours_to_completion", "int"),
        ("notes (free text)", "notes", "str"),
        ("stars (integer 1-5)", "stars", "int"),
        ("a summary of the visit", "summary", "text"),
        ("market value", "market_value", "str"),
        ("model", "model", "str"),
        ("owner: Owner", "owner", "str"),
    ],
)
def test_field_phrases(phrase: str, name: str, ftype: str) -> None:
    parsed = parse_field(phrase.lower(), "")
    assert parsed is not None
    assert (parsed.field.name, parsed.field.type) == (name, ftype)


@pytest.mark.parametrize(
    "phrase",
    ["visitors leave comments", "push a nightly snapshot", "about 300 families", "my laptop"],
)
def test_list_items_that_are_not_fields(phrase: str) -> None:
    assert parse_field(phrase, "") is None


def test_records_kept_per_record_are_children() -> None:
    found = entities(
        "An API for our choir: concerts with a venue and a date, plus programmes per concert."
    )
    assert "Programme" in found
    assert "programmes_per_concert" not in found["Concert"]


def test_an_adverb_between_subject_and_verb() -> None:
    assert entities("Lockers only have a code and a floor.")["Locker"] == {
        "code": "str",
        "floor": "int",
    }


@pytest.mark.parametrize(
    ("phrase", "name", "ftype"),
    [
        ("coach name", "coach_name", "str"),
        ("fee per hour", "fee_per_hour", "decimal"),
        ("rating (integer from 1 to 5)", "rating", "int"),
        ("refund percentage", "refund_percentage", "float"),
        ("highest number of guests", "highest_number_of_guests", "int"),
        ("annual premium", "annual_premium", "decimal"),
    ],
)
def test_more_field_phrases(phrase: str, name: str, ftype: str) -> None:
    parsed = parse_field(phrase, "")
    assert parsed is not None
    assert (parsed.field.name, parsed.field.type) == (name, ftype)


def test_a_software_word_given_attributes_is_a_record() -> None:
    text = (
        "A lending shelf: each loan has a due date and belongs to a tool. "
        "Tools have a name and a condition."
    )
    found = entities(text)
    assert set(found["Tool"]) == {"name", "condition"}
    assert "tool_id" in found["Loan"]


def test_a_verb_like_modifier_in_a_subject_names_a_kind() -> None:
    found = entities("Print jobs have a file url and a status; each print job belongs to a member.")
    assert "PrintJob" in found


def test_a_place_or_source_between_the_record_and_its_attributes() -> None:
    found = entities(
        "An API to log meter check-ins from the caretakers' phones: meter code, reading."
    )
    assert set(found["MeterCheckIn"]) == {"meter_code", "reading"}


def test_those_who_list_records_are_not_described_by_them() -> None:
    found = entities("The notice boards list every auction: lot title, reserve price and ends at.")
    assert set(found) == {"Auction"}


def test_a_declared_type_in_parentheses_is_no_record() -> None:
    found = entities("Bands: name, city, line-up (free text).")
    assert found == {"Band": {"name": "str", "city": "str", "line_up": "str"}}


def test_each_with_after_a_plural_and_store_for_each() -> None:
    found = entities("Orders contain order lines, each with a product code and a quantity.")
    assert found["OrderLine"] == {"product_code": "str", "quantity": "int", "order_id": "int"}
    found = entities("Keep for every hive its apiary, its queen colour and the frame count.")
    assert set(found["Hive"]) == {"apiary", "queen_colour", "frame_count"}


def test_with_inside_parentheses_and_a_layout_word_in_prose() -> None:
    found = entities("It keeps tutors (with name and subject) and lessons (with a start time).")
    assert set(found["Tutor"]) == {"name", "subject"}
    assert set(entities("Rehearsal slot fields: weekday, hall.")["RehearsalSlot"]) == {
        "weekday",
        "hall",
    }


def test_done_by_a_record_is_a_parent_but_by_a_means_is_not() -> None:
    text = "Claims are filed by a policyholder. Policyholders have a name. Claims have an amount."
    assert "policyholder_id" in entities(text)["Claim"]
    assert set(entities("Orders are placed by phone. Orders have a total.")) == {"Order"}


def test_a_verb_before_the_heading_noun_is_not_part_of_the_name() -> None:
    assert "Donation" in entities("An app to log donations: donor name, amount, given on.")


@pytest.mark.parametrize(
    ("phrase", "ftype"),
    [
        ("weekly rate", "decimal"),
        ("tickets sold", "int"),
        ("laps completed", "int"),
        ("min temperature", "float"),
        ("max guests", "int"),
        ("seed", "int"),
    ],
)
def test_types_follow_what_the_name_measures(phrase: str, ftype: str) -> None:
    parsed = parse_field(phrase, "")
    assert parsed is not None and parsed.field.type == ftype
