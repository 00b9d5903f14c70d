"""Entity extraction on pasted data models and on prose that describes records indirectly.

Every text here is written for its phenomenon: SQL, YAML, model classes, JSON examples, tables
with one row per field, headings over bullets, pronouns, asides, links stated by number, and
nouns that name screens or code types rather than records.
"""

from __future__ import annotations

import pytest

from codeguild.intent.entities import extract_entities
from codeguild.intent.fields import parse_field


def entities(text: str) -> dict[str, dict[str, str]]:
    found = extract_entities(text).entities
    return {e.name: {f.name: f.type for f in e.fields} for e in found}


def test_sql_create_table_declares_records_and_column_types() -> None:
    found = entities(
        "A small API for the allotment society.\n\n"
        "CREATE TABLE water_butt (\n  id serial primary key,\n  capacity_litres integer,\n"
        "  installed_on date,\n  label varchar(40)\n);\n"
        "CREATE TABLE refill (\n  id serial primary key,\n"
        "  water_butt_id integer references water_butt(id),\n  refilled_at timestamp,\n"
        "  topped_up boolean\n);"
    )
    assert found["WaterButt"] == {"capacity_litres": "int", "installed_on": "date", "label": "str"}
    assert found["Refill"]["refilled_at"] == "datetime"
    assert found["Refill"]["topped_up"] == "bool"
    assert "water_butt_id" in found["Refill"]


@pytest.mark.parametrize("indent", ["  ", ""])
def test_yaml_sketch_lists_fields_under_each_record(indent: str) -> None:
    # the same sketch with its indentation lost, as a pasted text often arrives
    text = (
        "Backend for our beekeeping club.\n\napiary:\n"
        f"{indent}site_name: string\n{indent}hive_count: int\n"
        f"hive_check:\n{indent}apiary: apiary\n{indent}checked_on: date\n{indent}queen_seen: bool\n"
    )
    found = entities(text)
    assert found["Apiary"] == {"site_name": "str", "hive_count": "int"}
    assert found["HiveCheck"]["queen_seen"] == "bool"
    assert "apiary_id" in found["HiveCheck"]


def test_model_classes_declare_records_with_their_column_types() -> None:
    found = entities(
        "Web app for a repair cafe. The models so far:\n\n"
        "class Visitor(models.Model):\n    full_name = models.CharField(max_length=80)\n"
        "    first_visit = models.DateField()\n\n"
        "class Repair(models.Model):\n"
        "    visitor = models.ForeignKey(Visitor, on_delete=models.CASCADE)\n"
        "    fixed = models.BooleanField(default=False)\n"
        "    cost = models.DecimalField(max_digits=6)\n"
    )
    assert found["Visitor"] == {"full_name": "str", "first_visit": "date"}
    assert found["Repair"]["fixed"] == "bool"
    assert found["Repair"]["cost"] == "decimal"
    assert "visitor_id" in found["Repair"]


def test_json_example_describes_the_record_named_before_it() -> None:
    found = entities(
        "Couriers post delivery scans to our API. A scan looks like this:\n\n"
        '{\n  "parcel_code": "PX-1",\n  "scanned_at": "2025-01-01T10:00:00Z",\n'
        '  "signed": true,\n  "weight_kg": 2.5\n}\n'
    )
    # "delivery scans" names the record; the example shortens it
    assert found["DeliveryScan"] == {
        "parcel_code": "str",
        "scanned_at": "datetime",
        "signed": "bool",
        "weight_kg": "float",
    }


def test_table_with_one_row_per_field_groups_rows_by_record() -> None:
    found = entities(
        "Choir library API.\n\n| Entity | Attribute | Type |\n|---|---|---|\n"
        "| Score | title | string |\n| Score | voices | int |\n"
        "| Rehearsal | held on | date |\n| Rehearsal | hall | |\n"
    )
    assert found["Score"] == {"title": "str", "voices": "int"}
    assert found["Rehearsal"] == {"held_on": "date", "hall": "str"}


@pytest.mark.parametrize(
    "text",
    [
        "Web app for a bike co-op.\n\n## Bike\n- frame number\n- colour\n- donated on\n\n"
        "## Volunteer\n- nickname\n- phone number\n",
        "Web app for a bike co-op.\n\nBikes\n- frame number\n- colour\n- donated on\n\n"
        "Volunteers\n- nickname\n- phone number\n",
        # nesting lost: capitalised headings over lower-case attributes
        "Web app for a bike co-op.\n\n* Bikes\n* frame number\n* colour\n* donated on\n"
        "* Volunteers\n* nickname\n* phone number\n",
    ],
)
def test_heading_over_bullets_is_a_record_with_fields(text: str) -> None:
    found = entities(text)
    assert set(found["Bike"]) == {"frame_number", "colour", "donated_on"}
    assert set(found["Volunteer"]) == {"nickname", "phone_number"}


def test_function_signatures_and_code_types_are_not_records() -> None:
    found = entities(
        "A library that splits bills. API sketch: split(total, people) -> list[Share]; "
        "to_text(share) -> str. It returns a list of Share objects (person, amount)."
    )
    assert found == {}


def test_it_stands_for_the_record_said_before() -> None:
    found = entities(
        "The heart of the app is the greenhouse. It has a name and a floor area. "
        "Then the sowing. It records the sown on date and the tray count, and it belongs to "
        "a greenhouse."
    )
    assert set(found["Greenhouse"]) == {"name", "floor_area"}
    assert {"sown_on_date", "tray_count", "greenhouse_id"} <= set(found["Sowing"])


def test_an_aside_between_subject_and_verb_is_skipped() -> None:
    found = entities(
        "Lockers, which students rent by the term, have a locker number and a floor. "
        "The tenants, on the other hand, are real records: student number, name."
    )
    assert set(found["Locker"]) == {"locker_number", "floor"}
    assert set(found["Tenant"]) == {"student_number", "name"}


@pytest.mark.parametrize(
    "link",
    [
        "each tasting is for one wine",
        "a tasting is made of one wine",
        "every tasting is with exactly one wine",
    ],
)
def test_a_parent_stated_by_number_is_a_foreign_key(link: str) -> None:
    found = entities(f"Wines have a vintage and a grape. {link} and has a score and a note.")
    assert {"wine_id", "score"} <= set(found["Tasting"])


def test_a_record_introduced_by_is_or_by_each_has() -> None:
    found = entities(
        "A ferry is simple: name, capacity, home port. Crossings: each has a departure time "
        "and a fare."
    )
    assert set(found["Ferry"]) == {"name", "capacity", "home_port"}
    assert set(found["Crossing"]) == {"departure_time", "fare"}


def test_screens_reports_and_ruled_out_nouns_are_not_records() -> None:
    found = entities(
        "Dog walkers have a name and a phone number. The owner gets a dashboard with weekly "
        "totals, and there is a map with live positions. We don't track leads, and invoices "
        "are out of scope."
    )
    assert set(found) == {"DogWalker"}


def test_people_who_register_with_details_are_records() -> None:
    found = entities("Runners register with a name, an email and a club. Races have a date.")
    assert set(found["Runner"]) == {"name", "email", "club"}


def test_a_noun_that_only_qualifies_a_described_record_is_not_another_record() -> None:
    found = entities(
        "Tenants report leaks. A leak report has a flat number, a photo url and a fixed flag."
    )
    assert set(found) == {"LeakReport"}


def test_a_single_attribute_under_a_plural_heading() -> None:
    found = entities(
        "Teams: name, colour. Team sheets: kick-off time. Each team sheet belongs to a team."
    )
    assert found["TeamSheet"]["kick_off_time"] == "datetime"


def test_a_section_word_over_typed_attributes_is_a_record() -> None:
    found = entities("Sources: title, publisher, source url. Steps: fetch, clean, load.")
    assert set(found) == {"Source"}
    assert found["Source"]["source_url"] == "url"


@pytest.mark.parametrize(
    ("phrase", "name", "kind"),
    [
        ("booked for date", "booked_for_date", "date"),
        ("paid with (cash or card)", "paid_with", "str"),
        ("order in queue (integer)", "order_in_queue", "int"),
        ("depth in metres", "depth", "float"),
        ("nitrate in mg/l", "nitrate", "float"),
        ("a hammer price once it is sold", "hammer_price", "decimal"),
        ("which boat", "boat", "str"),
    ],
)
def test_field_names_keep_participles_and_plain_in_phrases(
    phrase: str, name: str, kind: str
) -> None:
    parsed = parse_field(phrase, "")
    assert parsed is not None
    assert (parsed.field.name, parsed.field.type) == (name, kind)


@pytest.mark.parametrize("phrase", ["a simple web app", "the customer data", "an admin dashboard"])
def test_software_and_bodies_of_data_are_not_attributes(phrase: str) -> None:
    assert parse_field(phrase, "") is None


def test_permissions_credentials_and_counted_people_are_not_records() -> None:
    found = entities(
        "A web app for the three organisers and the treasurer. Boats have a name and a length "
        "in metres. Organisers authenticate with access tokens. Only admins edit moorings. "
        "Skippers themselves have no accounts."
    )
    assert set(found) == {"Boat"}


def test_a_participle_names_a_kind_under_a_heading() -> None:
    found = entities("Spare parts: part number, bin. Used tyres: tread depth, brand.")
    assert set(found) == {"SparePart", "UsedTyre"}


def test_a_coordinated_clause_describes_its_own_subject() -> None:
    found = entities(
        "Each canoe belongs to a club, and clubs have a name, a secretary and a postcode."
    )
    assert set(found["Club"]) == {"name", "secretary", "postcode"}
    assert "club_id" in found["Canoe"]
    assert "secretary" not in found["Canoe"]


def test_a_verb_before_an_attribute_head_is_part_of_its_name() -> None:
    found = entities("Speakers: display name, list price, track title as string.")
    assert set(found["Speaker"]) == {"display_name", "list_price", "track_title"}


def test_saying_nothing_is_saved_leaves_no_records_but_a_scoped_no_does() -> None:
    assert entities("Tiles have a colour and a size, but the tool does not save anything.") == {}
    found = entities("Tiles have a colour and a size. We don't store anything about installers.")
    assert set(found) == {"Tile"}
