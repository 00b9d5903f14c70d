"""One entity field from a phrase: snake_case name, type by name heuristics, safe renames."""

from __future__ import annotations

import keyword
import re
from dataclasses import dataclass

from codeguild.intent.inflect import snake
from codeguild.intent.lexicon import word_set
from codeguild.intent.models import EntityField, FieldType

_ARTICLES = re.compile(
    r"^(?:(?:a|an|the|its|their|his|her|some|any|one|each|every|own|also|optionally|maybe)\s+)+"
)
_OPTIONAL = re.compile(r"\b(?:optional(?:ly)?|nullable|if any|not required|maybe)\b")
_UNIQUE = re.compile(r"\bunique\b")
# Explicit types users write: "age: int", "price (decimal)", "rating as a float".
_TYPE_WORDS: dict[str, FieldType] = {
    "str": "str",
    "string": "str",
    "text": "text",
    "int": "int",
    "integer": "int",
    "number": "int",
    "float": "float",
    "double": "float",
    "real": "float",
    "decimal": "decimal",
    "money": "decimal",
    "bool": "bool",
    "boolean": "bool",
    "date": "date",
    "datetime": "datetime",
    "timestamp": "datetime",
    "email": "email",
    "url": "url",
}
_EXPLICIT_TYPE = re.compile(
    r"^(?P<name>.+?)\s*(?::\s*|\s+as\s+(?:an?\s+)?|\s*\(\s*|\s+of\s+type\s+)"
    r"(?P<type>" + "|".join(_TYPE_WORDS) + r")\s*\)?$"
)
# Qualifiers that follow a field name but are not part of it ("price in euros").
_TRAILER = re.compile(
    r"\s+(?:in|as|for|from|with|which|that|using|like|e\.g\.|such as|between|up to|\(|-)\b.*$"
)
_NOISE_SUFFIX = re.compile(r"\s+(?:field|value|attribute|property|column|flag|info)$")

_DECIMAL = word_set(
    """price amount cost total balance salary fee fees wage budget subtotal tax revenue income
    payment discount rent fare tip deposit"""
)
_INT = word_set(
    """clicks visits downloads attempts retries plays shares followers year count quantity qty age
    pages rating stock priority servings minutes seconds hours days
    reps sets capacity size level rank position duration calories floor copies votes likes views
    points length number"""
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

# Field names the generated code cannot use as-is: renamed to the nearest safe word.
_RENAMES = {
    "type": "kind",
    "class": "category",
    "from": "source",
    "to": "target",
    "def": "definition",
    "import": "import_name",
    "return": "return_value",
    "global": "global_value",
    "lambda": "lambda_value",
    "pass": "pass_value",
    "in": "in_value",
    "is": "is_value",
    "not": "not_value",
    "and": "and_value",
    "or": "or_value",
    "with": "with_value",
    "self": "self_value",
    "cls": "cls_value",
    "metadata": "meta",
    "registry": "registry_name",
    "schema": "schema_name",
    "json": "json_data",
    "dict": "dict_data",
    "copy": "copy_data",
    "fields": "field_names",
    "validate": "validation",
    "construct": "construction",
    "model": "model_name",
    "query": "query_text",
    "format": "format_name",
    "id": "",
}


_UNIT_HINT = re.compile(
    r"\bin (minutes|mins|seconds|secs|hours|days|weeks|ms|dollars|euros|usd|eur|cents|pounds"
    r"|kg|kilograms|grams|km|kilometers|kilometres|meters|metres|miles|lbs|percent|hectares"
    r"|acres|liters|litres)\b"
)
_UNIT_TYPES: dict[str, FieldType] = {
    **dict.fromkeys(["minutes", "mins", "seconds", "secs", "hours", "days", "weeks", "ms"], "int"),
    **dict.fromkeys(["dollars", "euros", "usd", "eur", "cents"], "decimal"),
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
        ],
        "float",
    ),
}


@dataclass(frozen=True, slots=True)
class ParsedField:
    """A field parsed from text, with a note when it had to be renamed."""

    field: EntityField
    note: str | None = None


def _type_by_name(name: str, text: str) -> FieldType:
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
    if last in _DECIMAL or (
        parts[0] in _DECIMAL and len(parts) == 2 and last not in _NOT_MONEY_HEADS
    ):
        return "decimal"
    if "_per_" in name:
        # a rate takes the type of its quantity; a bare quantity ("target per week") is a count
        quantity = _type_by_name(name.split("_per_")[0], text)
        return quantity if quantity != "str" else "int"
    if name.startswith("number_of_") or name.startswith("num_") or name.endswith("_count"):
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


def _clean_phrase(phrase: str) -> str:
    phrase = phrase.strip().strip(".,;:!?\"'`*").strip()
    phrase = _ARTICLES.sub("", phrase.lower())
    return phrase


# A list item that is a clause about behaviour ("with search by name", "saving to JSON"), not an
# attribute: it starts with a linking word, or carries a preposition of action or an action verb.
_CLAUSE = re.compile(
    r"^(?:with|plus|also|that|which|who|so|to|for)\b"
    r"|\b(?:by|to|into|via|using|when|if|them|it|they)\b"
    r"|\b(?:search\w*|sav(?:e|es|ing)|export\w*|import\w*|sort\w*|filter\w*|load\w*|print\w*"
    r"|show\w*|delet\w*|support\w*|allow\w*|convert\w*|validat\w*|manag\w*)\b"
)


def parse_field(phrase: str, text: str) -> ParsedField | None:
    """Turn one list item ("a due date", "price (decimal)", "optional notes") into a field.

    ``text`` is the whole requirement, consulted for context (e.g. named priority levels).
    Returns None when the phrase does not name a field.
    """
    raw = _clean_phrase(phrase)
    if _CLAUSE.search(raw):
        return None
    required = not _OPTIONAL.search(raw)
    unique = bool(_UNIQUE.search(raw))
    raw = _UNIQUE.sub("", _OPTIONAL.sub("", raw)).strip()
    raw = _ARTICLES.sub("", raw)
    explicit: FieldType | None = None
    match = _EXPLICIT_TYPE.match(raw)
    if match:
        raw, explicit = match["name"].strip(), _TYPE_WORDS[match["type"]]
    if re.search(r"[<>=%]|^\d", raw):
        return None
    unit = _UNIT_HINT.search(raw)
    if unit and explicit is None:
        explicit = _UNIT_TYPES[unit.group(1)]
    raw = _TRAILER.sub("", raw)
    raw = re.sub(r"\s*\(.*$", "", raw)
    if raw.endswith(" flag") or raw.endswith(" boolean"):
        explicit = explicit or "bool"
    raw = _NOISE_SUFFIX.sub("", raw).strip()
    raw = re.sub(r"(?<=\bat) timestamp$", "", raw)  # "expires at timestamp" is expires_at
    name = snake(raw)
    if not name or len(name.split("_")) > 4 or not name[0].isalpha():
        return None
    note = None
    if name in _RENAMES or keyword.iskeyword(name) or keyword.issoftkeyword(name):
        new = _RENAMES.get(name, f"{name}_value")
        if not new:
            return ParsedField(
                EntityField(name="id"),
                note="An 'id' field was named; it is dropped because every entity gets an id.",
            )
        note = f"Field '{name}' is reserved in generated code; renamed to '{new}'."
        name = new
    field_type = explicit or _type_by_name(name, text.lower())
    return ParsedField(
        EntityField(name=name, type=field_type, required=required, unique=unique), note=note
    )


def default_fields(singular_name: str) -> list[EntityField]:
    """Sensible fields for an entity the requirement names without describing it."""
    head = singular_name.split("_")[-1]
    if head in {"comment", "message", "review", "reply"}:
        return [EntityField(name="body", type="text")]
    titled = word_set(
        """task todo note post article book movie film song album event recipe ticket issue story
    page video course project bug goal habit entry chapter episode podcast lesson job assignment
    meeting reminder poll question bookmark"""
    )
    if head not in titled and singular_name not in {"todo_item", "task_item"}:
        return [EntityField(name="name")]
    fields = [EntityField(name="title")]
    if head in {"note", "post", "article", "story", "page", "question", "lesson"}:
        fields.append(EntityField(name="body", type="text"))
    if singular_name in {"todo_item", "task_item"} or head in {
        "task",
        "todo",
        "goal",
        "reminder",
        "bug",
        "issue",
        "ticket",
        "habit",
        "assignment",
    }:
        fields.append(EntityField(name="done", type="bool", required=False))
    return fields
