"""Generic library synthesis: validated dataclasses, collections, and functions from the intent."""

from __future__ import annotations

from dataclasses import dataclass

from codeguild.engines.builtin.naming import safe_identifier, snake, words
from codeguild.engines.builtin.recipes.entities import EntityInfo, FieldInfo, entity_infos
from codeguild.intent.models import ProjectIntent

# Integers and numbers whose names say they cannot be negative.
_NON_NEGATIVE = frozenset(
    {
        "age",
        "amount",
        "calories",
        "capacity",
        "cost",
        "count",
        "duration",
        "fee",
        "hours",
        "length",
        "minutes",
        "pages",
        "price",
        "quantity",
        "qty",
        "rating",
        "salary",
        "score",
        "seconds",
        "servings",
        "size",
        "stock",
        "total",
        "weight",
        "year",
    }
)
_PY_TYPES = {
    "str": "str",
    "text": "str",
    "email": "str",
    "url": "str",
    "int": "int",
    "float": "float",
    "decimal": "float",
    "bool": "bool",
    "date": "dt.date",
    "datetime": "dt.datetime",
}
_SAMPLES: dict[str, tuple[str, str]] = {
    "str": ('"First {label}"', '"Second {label}"'),
    "text": ('"Some notes"', '"Other notes"'),
    "email": ('"ada@example.com"', '"grace@example.com"'),
    "url": ('"https://example.com/a"', '"https://example.org/b"'),
    "int": ("4", "12"),
    "float": ("12.5", "3.25"),
    "decimal": ("19.99", "5.5"),
    "bool": ("True", "False"),
    "date": ("dt.date(2024, 1, 15)", "dt.date(2024, 2, 20)"),
    "datetime": ("dt.datetime(2024, 1, 15, 9, 30)", "dt.datetime(2024, 2, 20, 18, 0)"),
}
_JSON_SAMPLES: dict[str, tuple[str, str]] = {
    "date": ('"2024-01-15"', '"2024-02-20"'),
    "datetime": ('"2024-01-15T09:30:00"', '"2024-02-20T18:00:00"'),
    "bool": ("true", "false"),
}
#: per type: a wrong value and a fragment of the error message it must cause
_BAD: dict[str, tuple[str, str]] = {
    "str": ('"   "', "must not be empty"),
    "text": ("42", "must be a string"),
    "email": ('"not-an-email"', "e-mail"),
    "url": ('"not a url"', "URL"),
    "int": ('"3"', "whole number"),
    "float": ('"3.5"', "number"),
    "decimal": ('"3.5"', "number"),
    "bool": ('"yes"', "True or False"),
    "date": ('"2024-01-15"', "date"),
    "datetime": ('"2024-01-15"', "datetime"),
}


def non_negative(f: FieldInfo) -> bool:
    return f.is_numeric and any(w in _NON_NEGATIVE for w in words(f.name))


def py_type(f: FieldInfo) -> str:
    return _PY_TYPES.get(f.type, "str")


def annotation(f: FieldInfo) -> str:
    base = py_type(f)
    if f.is_bool:
        return base
    return base if f.required else f"{base} | None"


def default(f: FieldInfo) -> str:
    """`` = None`` / `` = False`` for optional fields, nothing for required ones."""
    if f.is_bool:
        return " = False"
    return "" if f.required else " = None"


def sample(f: FieldInfo, which: int = 0) -> str:
    return _SAMPLES.get(f.type, _SAMPLES["str"])[which].format(label=f.label.lower())


def json_sample(f: FieldInfo, which: int = 0) -> str:
    return _JSON_SAMPLES.get(f.type, (sample(f, 0), sample(f, 1)))[which]


def bad_value(f: FieldInfo) -> tuple[str, str]:
    if non_negative(f):
        return ("-1", "must not be negative")
    return _BAD.get(f.type, _BAD["str"])


@dataclass(frozen=True)
class LibraryFunction:
    """A function the intent names, mapped to a known behaviour on an entity."""

    name: str
    behaviour: str  # validate | parse | format | to_json | from_json | to_csv | from_csv | ...
    entity: EntityInfo
    description: str = ""


@dataclass(frozen=True)
class LibraryPlan:
    entities: tuple[EntityInfo, ...]
    functions: tuple[LibraryFunction, ...]
    unmapped: tuple[str, ...] = ()

    @property
    def primary(self) -> EntityInfo:
        return self.entities[0]


_PREFIXES = {
    "validate": "validate",
    "check": "validate",
    "verify": "validate",
    "parse": "parse",
    "load": "parse",
    "read": "parse",
    "format": "format",
    "render": "format",
    "describe": "format",
    "display": "format",
    "create": "create",
    "make": "create",
    "new": "create",
    "build": "create",
}
_CONVERSIONS = frozenset({"json", "csv", "dict"})


def _entity_for(rest: list[str], plan_entities: list[EntityInfo]) -> EntityInfo:
    joined = "_".join(rest)
    for entity in plan_entities:
        if entity.kind in joined or snake(entity.plural) in joined:
            return entity
    return plan_entities[0]


def _behaviour(name_words: list[str]) -> str | None:
    if len(name_words) >= 2 and name_words[0] in ("to", "from") and name_words[-1] in _CONVERSIONS:
        return f"{name_words[0]}_{name_words[-1]}"
    if name_words[:2] == ["is", "valid"]:
        return "validate"
    return _PREFIXES.get(name_words[0]) if name_words else None


def _defaults(entities: list[EntityInfo]) -> list[LibraryFunction]:
    found = []
    for e in entities:
        found += [
            LibraryFunction(f"parse_{e.kind}", "parse", e),
            LibraryFunction(f"format_{e.kind}", "format", e),
            LibraryFunction(f"validate_{e.kind}", "validate", e),
        ]
    primary = entities[0]
    found += [
        LibraryFunction(f"{primary.plural}_to_json", "to_json", primary),
        LibraryFunction(f"{primary.plural}_from_json", "from_json", primary),
        LibraryFunction(f"{primary.plural}_to_csv", "to_csv", primary),
        LibraryFunction(f"{primary.plural}_from_csv", "from_csv", primary),
    ]
    return found


def plan_library(intent: ProjectIntent, claimed: frozenset[str] = frozenset()) -> LibraryPlan:
    """Entities plus default functions, plus every intent command that maps to a behaviour."""
    entities = entity_infos(intent)
    functions = _defaults(entities)
    taken = {f.name for f in functions} | {e.name for e in entities}
    unmapped: list[str] = []
    for command in intent.commands:
        name = safe_identifier(command.name)
        if name in taken or name in claimed:
            continue
        name_words = words(command.name)
        behaviour = _behaviour(name_words)
        if behaviour is None:
            unmapped.append(name)
            continue
        entity = _entity_for(name_words[1:], entities)
        functions.append(LibraryFunction(name, behaviour, entity, command.description))
        taken.add(name)
    return LibraryPlan(tuple(entities), tuple(functions), tuple(unmapped))
