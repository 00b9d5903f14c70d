"""The entities a generic project manages: from the intent, or derived from the requirement."""

from __future__ import annotations

import re
from dataclasses import dataclass

from codeguild.engines.builtin.naming import kebab, pascal, safe_identifier, snake, title, words
from codeguild.intent.models import Entity, EntityField, ProjectIntent

# Words that name the kind of program rather than what it manages.
_NOT_NOUNS = frozenset(
    {
        "a",
        "an",
        "the",
        "my",
        "your",
        "our",
        "their",
        "simple",
        "small",
        "tiny",
        "basic",
        "command",
        "line",
        "cli",
        "tool",
        "tools",
        "app",
        "application",
        "program",
        "script",
        "utility",
        "library",
        "lib",
        "package",
        "module",
        "python",
        "py",
        "manager",
        "management",
        "tracker",
        "tracking",
        "keeper",
        "system",
        "service",
        "api",
        "json",
        "file",
        "files",
        "store",
        "data",
        "local",
        "personal",
        "collection",
        "list",
        "set",
        "group",
        "bunch",
        "number",
        "kind",
        "sort",
        "type",
        "database",
        "catalog",
        "catalogue",
        "inventory",
        "of",
        "to",
        "for",
        "with",
        "and",
        "in",
        "on",
        "from",
        "that",
        "which",
        "all",
        "each",
        "every",
        "some",
        "many",
        "things",
        "stuff",
    }
)
# Words after which the managed noun usually follows: "track my books", "a list of recipes".
_TRIGGERS = (
    "manag",
    "track",
    "keep",
    "organi",
    "stor",
    "record",
    "log",
    "list",
    "catalog",
    "collect",
)
_WORDS = re.compile(r"[a-z]+")
_TODO = re.compile(r"\bto-?do\b|\btasks?\b", re.IGNORECASE)
# Names the generated code already uses (parameters, imports, model methods): a field with one
# of these names gets a distinct identifier; its stored key stays the field's name.
_TAKEN = frozenset(
    {
        "any",
        "app",
        "as_json",
        "csv",
        "dt",
        "filters",
        "fmt",
        "from_dict",
        "given",
        "io",
        "json",
        "kind",
        "limit",
        "output",
        "path",
        "query",
        "re",
        "record",
        "record_id",
        "rows",
        "source",
        "store",
        "target",
        "to_dict",
        "typer",
        "types",
        "values",
    }
)
_DONE_FIELDS = ("done", "completed", "complete", "finished", "is_done")


@dataclass(frozen=True)
class FieldInfo:
    """One field of a generated entity, with the identifiers the templates need."""

    name: str
    type: str
    required: bool

    @property
    def param(self) -> str:
        ident = safe_identifier(self.name)
        return f"{ident}_value" if ident in _TAKEN else ident

    @property
    def option(self) -> str:
        return f"--{kebab(self.param)}"

    @property
    def label(self) -> str:
        return title(self.name)

    @property
    def is_bool(self) -> bool:
        return self.type == "bool"

    @property
    def is_numeric(self) -> bool:
        return self.type in ("int", "float", "decimal")


@dataclass(frozen=True)
class EntityInfo:
    """An entity with its generated names: class, storage kind, plural and module."""

    name: str
    kind: str
    plural: str
    fields: tuple[FieldInfo, ...]

    @property
    def label(self) -> str:
        return " ".join(words(self.name)) or self.kind

    @property
    def a_label(self) -> str:
        """The label with its indefinite article: 'an expense', 'a book'."""
        return f"{'an' if self.label[:1].lower() in 'aeiou' else 'a'} {self.label}"

    @property
    def done_field(self) -> FieldInfo | None:
        return next((f for f in self.fields if f.is_bool and f.name in _DONE_FIELDS), None)


_IRREGULAR = {
    "people": "person",
    "children": "child",
    "men": "man",
    "women": "woman",
    "mice": "mouse",
}


def singular(word: str) -> str:
    """A naive English singular, good enough for identifiers: 'categories' -> 'category'."""
    lower = word.lower()
    if lower in _IRREGULAR:
        return _IRREGULAR[lower]
    if lower.endswith("ies") and len(lower) > 4:
        return word[:-3] + "y"
    if lower.endswith(("sses", "xes", "ches", "shes")):
        return word[:-2]
    if lower.endswith("s") and not lower.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def plural_of(word: str) -> str:
    lower = word.lower()
    for many, one in _IRREGULAR.items():
        if lower == one:
            return word[:1] + many[1:]
    if lower.endswith("y") and lower[-2:-1] not in "aeiou":
        return word[:-1] + "ies"
    if lower.endswith(("s", "x", "ch", "sh")):
        return word + "es"
    return word + "s"


def _could_be_noun(token: str) -> bool:
    # gerunds ("logging workouts") and "track" ("keep track of") precede the noun
    gerund = token.endswith("ing") and len(token) > 5
    return token not in _NOT_NOUNS and token != "track" and not gerund


def _noun_after_trigger(tokens: list[str]) -> str | None:
    for index, token in enumerate(tokens):
        if not (token.startswith(_TRIGGERS) or token in ("of", "for")):
            continue
        noun = next((t for t in tokens[index + 1 :] if _could_be_noun(t)), None)
        if noun is not None and len(noun) > 2:
            return noun
    return None


def main_noun(intent: ProjectIntent) -> str:
    """The thing the requirement manages: 'track my books' -> 'Book'; 'Item' if none found."""
    if _TODO.search(intent.requirement) or "todo" in intent.domains:
        return "Task"
    noun = _noun_after_trigger(_WORDS.findall(intent.requirement.lower()))
    if noun is not None:
        return pascal(singular(noun))
    candidates = [w for w in words(intent.name) if w not in _NOT_NOUNS and len(w) > 2]
    return pascal(singular(candidates[-1])) if candidates else "Item"


def _default_entity(intent: ProjectIntent) -> Entity:
    name = main_noun(intent)
    if name == "Task":
        fields = [EntityField(name="title"), EntityField(name="done", type="bool", required=False)]
    else:
        fields = [EntityField(name="name")]
    return Entity(name=name, plural=snake(plural_of(name)), fields=fields)


def _field_infos(entity: Entity) -> tuple[FieldInfo, ...]:
    seen: set[str] = set()
    fields = []
    for f in entity.fields:
        name = snake(f.name)
        # the store assigns ids itself; a second field with the same identifier would clash
        if not name or name == "id" or safe_identifier(name) in seen:
            continue
        seen.add(safe_identifier(name))
        fields.append(FieldInfo(name=name, type=f.type, required=f.required and f.type != "bool"))
    if not any(not f.is_bool for f in fields):
        fields.insert(0, FieldInfo(name="name", type="str", required=True))
    # required first: Python (and so typer) needs parameters without defaults before the rest
    return tuple(sorted(fields, key=lambda f: not f.required))


def entity_infos(intent: ProjectIntent, with_done: bool = False) -> list[EntityInfo]:
    """The intent's entities (or one derived from the requirement) with generated names.

    ``with_done`` adds a ``done`` flag to the first entity when it has no done-like field, for
    projects whose commands mark things as done.
    """
    entities = list(intent.entities) or [_default_entity(intent)]
    infos: list[EntityInfo] = []
    kinds: set[str] = set()
    for entity in entities:
        kind = safe_identifier(entity.name)
        if kind in kinds:
            continue
        kinds.add(kind)
        plural = snake(entity.plural) or snake(plural_of(entity.name))
        infos.append(EntityInfo(pascal(entity.name) or "Item", kind, plural, _field_infos(entity)))
    first = infos[0]
    if with_done and first.done_field is None:
        done = FieldInfo(name="done", type="bool", required=False)
        infos[0] = EntityInfo(first.name, first.kind, first.plural, (*first.fields, done))
    return infos
