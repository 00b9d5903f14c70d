"""One entity field from a phrase: snake_case name, type by name heuristics, safe renames."""

from __future__ import annotations

import keyword
import re
from dataclasses import dataclass

from codeguild.intent.compounds import VERBS
from codeguild.intent.field_types import UNIT_HINT, UNIT_TYPES, drop_in_phrase, type_by_name
from codeguild.intent.inflect import is_plural, snake
from codeguild.intent.lexicon import COMMAND_VERBS, word_set
from codeguild.intent.models import EntityField, FieldType

_ARTICLES = re.compile(
    r"^(?:(?:a|an|the|its|their|his|her|some|any|one|each|every|own|also|optionally|maybe"
    # a second verb inside one list: "are identified by a code and have a title"
    r"|(?:has|have|having)(?=\s+(?:a|an|the|some|its|their)\b))\s+)+"
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
    "free text": "str",
    "whole number": "int",
    "yes/no": "bool",
    "y/n": "bool",
    "true/false": "bool",
    "email": "email",
    "url": "url",
}
_EXPLICIT_TYPE = re.compile(
    r"^(?P<name>.+?)\s*(?::\s*|\s+as\s+(?:an?\s+)?|\s*\(\s*(?:an?\s+)?|\s+of\s+type\s+)"
    r"(?P<type>" + "|".join(_TYPE_WORDS) + r")\b(?:\s*\)?$|[^()]*\)$)"
)
# Qualifiers that follow a field name but are not part of it ("price in euros").
_TRAILER = re.compile(
    r"\s+(?:as|for|from|with|which|that|using|like|e\.g\.|such as|between|up to|\(|-)\b.*$"
    # "a description of the item": the record it belongs to, said again
    r"|\s+of\s+(?:the|its|their|this|that)\s.*$"
    # "a hammer price once it is sold": when the value is set, not part of its name
    r"|\s+(?:once|when|until|unless|if)(?:\s.*)?$"
)
# "insurance value" and "market value" are names; "price value" says the word twice
_NOISE_SUFFIX = re.compile(
    r"\s+(?:field|attribute|property|column|flag|info)$|(?<=price|total|count) value$"
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
    "query": "query_text",
    "format": "format_name",
    "id": "",
}


@dataclass(frozen=True, slots=True)
class ParsedField:
    """A field parsed from text, with a note when it had to be renamed."""

    field: EntityField
    note: str | None = None


def _clean_phrase(phrase: str) -> str:
    phrase = phrase.strip().strip(".,;:!?\"'`*").strip()
    phrase = _ARTICLES.sub("", phrase.lower())
    return phrase


# A list item that is a clause about behaviour ("with search by name", "saving to JSON"), not an
# attribute: it starts with a linking word, or carries a preposition of action or an action verb.
_CLAUSE = re.compile(
    r"^(?:with|plus|also|that|which|who|so|to|for|whether)\b"
    r"|\b(?:by|to|into|via|using|when|if|them|it|they)\b"
    r"|\b(?:search\w*|sav(?:e|es|ing)|export\w*|import\w*|sort\w*|filter\w*|load\w*|print\w*"
    # verbs, not the nouns made from them: "manager name", "supporter email"
    r"|show\w*|delet\w*|support(?:s|ed|ing)?|allow\w*|convert\w*|validat\w*"
    r"|manag(?:e|es|ed|ing))\b"
)


# a relative clause after the noun: "the vet who saw it", "the wall it is on"
_RELATIVE = re.compile(r"(?<=[a-z])\s+(?:who|whom|it|they|he|she|we|you)\s+[a-z].*$")
_PERCENT = re.compile(r"\b(?:as an? |in )(?:percentage|percent)\b|%")


# a count up to an event, or things for a purpose: "days to germination", "pieces to practise"
_MEASURE_TO = re.compile(r"^[a-z]+s to [a-z]+$")
# who did something to the record: "checked by", "approved by"
_DONE_BY = re.compile(r"^[a-z]+ed by$")
# "with my phone": what the speaker uses, not an attribute of the record
_INSTRUMENT = re.compile(
    r"^(?:my|our|your)\s+(?:phone|laptop|tablet|computer|pc|camera|car|hands|own hands)\b"
)
# "courier: Courier" declares a link to another record by its name; the name is the field
_ENTITY_TYPED = re.compile(r"^([a-z][a-z_ ]*?)\s*:\s*[a-z_]+$")


# what the software is, never one of its records' attributes
_SOFTWARE_HEAD = re.compile(
    r"(?:^|\s)(?:app|apps|api|apis|backend|frontend|cli|dashboard|dashboards|script|scripts"
    r"|library|package|tool|tools|helper|program|utility|bot|plugin"
    # a body of records, not one value: "the customer data", "their records"
    r"|data|information|records)$"
)
# a participle and its preposition name one attribute: "booked for date", "paid with"
_PARTICIPLE_PREP = re.compile(
    r"^(?:[a-z]{3,}ed|paid|left|sent|made|built|held|sold|bought|brought|taken|given|seen|won"
    r"|lost|found|set|put)\s+(?:back\s+)?(?:for|with|from|at|on|by|until|in)(?:\s+[a-z]+)?$"
)


# words before an attribute that carry no name: "and of course the swimmer", "which horse"
_FILLER = re.compile(
    r"^(?:(?:of course|obviously|finally|then|also)\s+)?(?:the\s+)?"
    r"(?:which\s+(?=[a-z]+$))?"
)


def _is_sentence(raw: str) -> bool:
    """A list item that is a clause of its own: "customers leave reviews" (someone does),
    "publish a snapshot" (something to do), "about 90 teams" (a figure)."""
    words = raw.split()
    if len(words) >= 3 and is_plural(words[0]) and words[1] in VERBS:
        return True
    if len(words) >= 3 and words[1] in _LINKING_VERBS:
        return True  # "parcel is for one household" says something about the record
    if len(words) >= 3 and words[1] in _OBJECT_STARTS:
        return True  # a noun is not followed by an article: "start a game", "send the report"
    if len(words) >= 2 and words[0] in _VERB_PHRASE_STARTS and words[1] in _OBJECT_STARTS:
        return True
    return bool(_FIGURE.search(raw))


_VERB_PHRASE_STARTS = VERBS | COMMAND_VERBS
_LINKING_VERBS = frozenset(
    {"is", "are", "was", "were", "can", "will", "must", "should", "has", "have", "belongs"}
)
_OBJECT_STARTS = frozenset({"a", "an", "the", "it", "them", "their", "its", "all", "every"})
# a number before a plural noun: "about 90 teams", "up to 50 points"
_FIGURE = re.compile(r"\b\d[\d,.]*\s+[a-z]|(?:^|\s)\d{2,}(?:[,.]\d+)*(?:\s|$)")


def parse_field(phrase: str, text: str) -> ParsedField | None:
    """Turn one list item ("a due date", "price (decimal)", "optional notes") into a field.

    ``text`` is the whole requirement, consulted for context (e.g. named priority levels).
    Returns None when the phrase does not name a field.
    """
    raw = _RELATIVE.sub("", _clean_phrase(phrase)).replace("'s ", " ")
    raw = _FILLER.sub("", raw)
    # a parenthesis annotates ("score (integer from 1 to 10)"), it is no clause of its own
    bare = re.sub(r"\s*\([^()]*\)", "", raw)
    if _is_sentence(bare) or _INSTRUMENT.match(bare) or bare.startswith("no "):
        # "have no accounts" says what is not kept
        return None
    if _SOFTWARE_HEAD.search(bare) or _SOFTWARE_HEAD.search(_TRAILER.sub("", bare)):
        return None  # "a simple web app", "a dashboard": what is built, not an attribute
    single = len(drop_in_phrase(bare).split()) == 1  # "load in kg" is a load, not an action
    if (
        _CLAUSE.search(bare)
        and not single
        and not (_MEASURE_TO.match(bare) or _DONE_BY.match(bare) or _PARTICIPLE_PREP.match(bare))
    ):
        return None
    required = not _OPTIONAL.search(raw)
    unique = bool(_UNIQUE.search(raw))
    raw = _UNIQUE.sub("", _OPTIONAL.sub("", raw)).strip()
    raw = _ARTICLES.sub("", raw)
    explicit: FieldType | None = None
    match = _EXPLICIT_TYPE.match(raw)
    if match:
        raw, explicit = match["name"].strip(), _TYPE_WORDS[match["type"]]
    else:
        raw = _ENTITY_TYPED.sub(r"\1", raw)
    if _PERCENT.search(raw) and explicit is None:
        explicit = "float"  # "humidity as a percentage", "discount in percent"
        raw = _PERCENT.sub("", raw).strip()
    if re.search(r"[<>=%]|^\d", raw):
        return None
    unit = UNIT_HINT.search(raw)
    if unit and explicit is None:
        explicit = UNIT_TYPES[unit.group(1)]
    if not _PARTICIPLE_PREP.match(re.sub(r"\s*\(.*$", "", raw)):
        raw = _TRAILER.sub("", drop_in_phrase(raw))
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
    field_type = explicit or type_by_name(name, text.lower())
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
