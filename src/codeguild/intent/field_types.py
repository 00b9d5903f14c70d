"""A field's type from its name and unit: "price" is money, "weight in kg" a float, "joined
on" a date, "pages read" a count."""

from __future__ import annotations

import re

from codeguild.intent.inflect import is_plural
from codeguild.intent.lexicon import word_set
from codeguild.intent.models import FieldType

_DECIMAL = word_set(
    """price amount cost total balance salary fee fees wage budget subtotal tax revenue income
    payment discount rent fare tip deposit premium"""
)
_INT = word_set(
    """clicks visits downloads attempts retries plays shares followers year count quantity qty age
    pages rating stock priority servings minutes seconds hours days
    reps sets capacity size level rank position duration calories floor copies votes likes views
    points length number seed round"""
)
_FLOAT = word_set(
    """score weight latitude longitude lat lng lon height width distance percentage percent ratio
    temperature speed depth bmi average rate volume altitude"""
)
_BOOL_WORDS = word_set(
    """done active completed complete enabled disabled flag archived published verified paid
    available visible finished approved deleted read favorite favourite public private featured
    pinned checked resolved closed open returned"""
)
_DATE = word_set("""date birthday birthdate deadline dob day""")
_DATETIME = word_set("""timestamp created updated time datetime modified started ended start end""")
_TEXT = word_set(
    """description notes note bio body content summary comment comments instructions details
    message text abstract review ingredients steps biography"""
)
_NOT_MONEY_HEADS = word_set("""currency type kind category code name id center rate""")
# Numbers that are identifiers, not quantities.
_CODE_NUMBERS = word_set(
    """phone account card serial isbn tracking order invoice model reference passport license
    licence vat tax id registration part mobile contact version house street"""
)


UNIT_HINT = re.compile(
    r"\bin (minutes|mins|seconds|secs|hours|days|weeks|ms|dollars|euros|usd|eur|cents|pounds"
    r"|kg|kilograms|grams|km|kilometers|kilometres|meters|metres|miles|lbs|percent|hectares"
    r"|acres|liters|litres|kw|kwh|mwh|wh|w|cm|mm|m|°c|c|°f|l|ml|mph|mhz|hz|ghz|gsm|mg/l|ppm"
    r"|inches|feet|ft|hands|mg|g|semitones)(?![\w°])"
)
UNIT_TYPES: dict[str, FieldType] = {
    **dict.fromkeys(["minutes", "mins", "seconds", "secs", "hours", "days", "weeks", "ms"], "int"),
    **dict.fromkeys(["dollars", "euros", "usd", "eur", "cents"], "decimal"),
    "semitones": "int",
    **dict.fromkeys(
        ["mhz", "hz", "ghz", "gsm", "mg/l", "ppm", "inches", "feet", "ft", "hands", "mg", "g"],
        "float",
    ),
    **dict.fromkeys(
        [
            "pounds",
            "kg",
            "kilograms",
            "grams",
            "km",
            "kilometers",
            "kilometres",
            "hectares",
            "acres",
            "liters",
            "litres",
            "meters",
            "metres",
            "miles",
            "lbs",
            "percent",
            *["kw", "kwh", "mwh", "wh", "w", "cm", "mm", "m", "°c", "c", "°f", "l", "ml", "mph"],
        ],
        "float",
    ),
}


_PERIOD_WORDS = word_set("""hourly daily nightly weekly monthly yearly annual""")
_DONE_TO = re.compile(r"(?:ed|read|sold|worn|done|spent|seen|won|lost)$")


# units an "in <unit>" phrase names beside those that imply a type
_OTHER_UNITS = word_set(
    """mhz hz ghz gsm mg/l ppm semitones inches feet ft pence gbp chf % bpm years months square
    sq cubic hands"""
)
_IN_PHRASE = re.compile(r"\s+in(?:\s+(\S+)|\s*$)")


def drop_in_phrase(raw: str) -> str:
    """ "weight in kg" and "notes in the margin" qualify a field; "order in sequence" names
    one: a plain word after "in" is part of the name."""
    m = _IN_PHRASE.search(raw)
    if m is None:
        return raw
    word = (m.group(1) or "").strip(".,;:()").lower()
    qualifier = (
        word in UNIT_TYPES
        or word in _OTHER_UNITS
        or word in {"the", "a", "an", "our", "their", "its", "my", "your"}
        or len(word) <= 4
        or not word.isalpha()
    )
    return raw[: m.start()] if qualifier else raw


def type_by_name(name: str, text: str) -> FieldType:
    parts = name.split("_")
    last = parts[-1]
    if name.startswith(("is_", "has_", "can_", "allow_", "should_")) or name.endswith("_flag"):
        return "bool"
    if "email" in parts or name == "e_mail":
        return "email"
    if last in {"url", "website", "link", "homepage", "uri"} or name in {"website", "homepage"}:
        return "url"
    if last == "at" or last in _DATETIME or name.endswith("_time"):
        return "datetime"
    if last in _DATE or "date" in parts or name in {"date_of_birth", "due"}:
        return "date"
    if last == "on" and len(parts) > 1:  # "joined on", "renewal due on"
        return "date"
    if last == "rate" and parts[0] in _PERIOD_WORDS:
        return "decimal"  # "nightly rate", "hourly rate": a price per period
    if (
        len(parts) >= 2
        and is_plural(parts[-2])
        and parts[-2] not in _TEXT
        and _DONE_TO.search(last)
    ):
        return "int"  # "pages read", "items sold", "hours worked": a count of things
    if last in {"percentage", "percent", "pct"}:
        return "float"  # "discount percentage" is a share, not money
    if last in _DECIMAL or (
        parts[0] in _DECIMAL and len(parts) == 2 and last not in _NOT_MONEY_HEADS
    ):
        return "decimal"
    if "_to_" in name and parts[0] in _INT:
        return "int"  # "days to germination" counts days
    if "_per_" in name:
        # a rate takes the type of its quantity; a bare quantity ("target per week") is a count
        quantity = type_by_name(name.split("_per_")[0], text)
        return quantity if quantity != "str" else "int"
    if name.startswith(("min_", "max_", "minimum_", "maximum_")) and len(parts) > 1:
        # a bound has the type of what it bounds: "max temperature", "min price"; a bound on a
        # plural ("max players") counts
        bounded = type_by_name(name.split("_", 1)[1], text)
        return "int" if bounded == "str" and is_plural(last) else bounded
    if name.startswith(("number_of_", "num_")) or "_number_of_" in name or name.endswith("_count"):
        return "int"
    if last == "number":
        return "str" if any(p in _CODE_NUMBERS for p in parts[:-1]) else "int"
    if last == "priority":
        # Named levels ("high/medium/low") are labels, not numbers.
        return "str" if re.search(r"\b(?:high|medium|low|urgent|critical)\b", text) else "int"
    if last in _INT or (parts[0] in {"stock", "year"}):
        return "int"
    if last in _FLOAT:
        return "float"
    if name in _BOOL_WORDS:
        return "bool"
    if last in _TEXT:
        return "text"
    return "str"
