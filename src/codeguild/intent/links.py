"""How records link to each other, and which drafts the text says are not stored.

"belongs to a project, a judge and a criterion" lists three parents; "members can book many
classes" is many-to-many and adds no field; "a playlist contains songs" makes each song belong
to a playlist; "contractors are not stored separately" drops Contractor.
"""

from __future__ import annotations

import re

from codeguild.intent.collector import Collector
from codeguild.intent.heads import Draft
from codeguild.intent.inflect import is_plural, plural, singular
from codeguild.intent.lexicon import word_set
from codeguild.intent.models import EntityField
from codeguild.intent.textutil import split_items

_LISTED_PARENT = re.compile(r"^(?:to\s+)?(?:an?|the|one)\s+([a-z][a-z-]*(?:\s+[a-z][a-z-]*)?)$")


def listed_parents(rest: str, col: Collector) -> list[tuple[str, ...]]:
    """ "belongs to a project, a judge and a criterion": every parent of the list."""
    found = []
    for item in split_items(rest)[:4]:
        m = _LISTED_PARENT.match(item.strip())
        noun = col.noun(m.group(1)) if m else None
        if noun is None:
            break
        found.append(noun)
    return found


# verbs by which a record takes part in others without owning them: "members can book many
# classes", "a volunteer joins many teams"; many-to-many links add no field
_ASSOCIATION_VERBS = word_set(
    """book books attend attends join joins follow follows take takes enrol enrols enroll
    enrolls like likes borrow borrows visit visits use uses appear appears cover covers
    share shares tag tags"""
)


def shared_link(
    m: re.Match[str], lower: str, parent: tuple[str, ...], child: tuple[str, ...]
) -> bool:
    """Whether the link is many-to-many: an association verb, or the text also says that one
    child belongs to many parents ("an object can appear in many loan agreements")."""
    between = lower[m.end(1) : m.start(2)].split()
    if any(word in _ASSOCIATION_VERBS for word in between):
        return True
    back = rf"\b{child[-1]}\b[^.;\n]{{0,60}}\bmany\s+(?:[a-z]+\s+)?{plural(parent[-1])}\b"
    return re.search(back, lower) is not None


_NOT_STORED = re.compile(
    r"\b([a-z]+)\s+(?:are|is)\s+(?:only\s+[a-z ]{0,30}?\s+and\s+(?:are|is)\s+)?(?:not|never)"
    r"\s+(?:stored|kept|saved|tracked|persisted)\b"
)
_NOTHING_STORED = re.compile(
    r"\bnothing\s+(?:gets|is|will be)\s+(?:saved|stored|kept|persisted)"
    r"|\b(?:stores|saves|keeps|persists)\s+nothing\b|\bno data (?:is|gets) (?:stored|saved)"
    # "it does not save anything", "we don't persist any data"
    r"|\b(?:does not|doesn'?t|do not|don'?t|will not|won'?t|never)\s+(?:save|store|persist|keep)"
    # not "we don't store anything about them": that speaks of some records only
    r"\s+(?:anything|any data)\b(?!\s+(?:about|of|on|for|from|beyond|else|other|but))"
    r"|\bno (?:storage|persistence) (?:at all|of any kind)\b"
)


# "we don't track machines", "score cards are out of scope": named, then ruled out
_NOT_KEPT = re.compile(
    r"\b(?:we|i|you|it|they)\s+(?:don'?t|do not|won'?t|will not|never|doesn'?t|does not)\s+"
    r"(?:need to\s+)?(?:track|store|keep|save|record|manage)\s+(?:the\s+|any\s+|our\s+)?"
    r"([a-z]+(?:\s+[a-z]+)?)\b"
    r"|\b([a-z]+(?:\s+[a-z]+)?)\s+(?:are|is)\s+(?:out of scope|not part of)"
)


def drop_unstored(drafts: dict[str, Draft], text: str) -> None:
    """What the text says is not stored ("contractors are not stored separately", "nothing
    gets saved anywhere") is no record of the project."""
    if _NOTHING_STORED.search(text):
        drafts.clear()
        return
    for m in _NOT_STORED.finditer(text):
        drafts.pop(singular(m.group(1)), None)
    for m in _NOT_KEPT.finditer(text):
        words = (m.group(1) or m.group(2)).split()
        for key in (singular(words[-1]), "_".join([*words[:-1], singular(words[-1])])):
            draft = drafts.get(key)
            if draft is not None and not draft.fields:
                del drafts[key]


def drop_loose_modifiers(drafts: dict[str, Draft]) -> None:
    """ "residents report repairs ...; a repair ticket has ...": a bare noun that only
    qualifies a described record elsewhere, with nothing of its own, is that record said
    loosely, not a record of its own."""
    linked = {p for d in drafts.values() for p in d.parents}
    for key, draft in list(drafts.items()):
        if len(draft.words) != 1 or draft.fields or draft.parents or draft.defined:
            continue
        if key in linked:
            continue
        if any(
            key in other.words[:-1] and other.fields
            for other in drafts.values()
            if other is not draft
        ):
            del drafts[key]


def collections_as_children(drafts: dict[str, Draft]) -> None:
    """ "A playlist contains songs" with Song a record: each song belongs to a playlist."""
    for draft in drafts.values():
        for name in draft.fields:
            child = drafts.get(singular(name)) if is_plural(name) else None
            if child is not None and child is not draft and draft.key not in child.parents:
                child.parents.append(draft.key)


def link_fields(draft: Draft, keys: dict[str, str]) -> list[EntityField]:
    """The draft's fields with entity-valued ones turned into foreign keys."""
    result: list[EntityField] = []
    seen: set[str] = set()
    for parsed in draft.fields.values():
        f = parsed.field
        target = f.name[:-3] if f.name.endswith("_id") else f.name
        if singular(target) != target and singular(target) in keys:
            continue  # "products with ... and suppliers": a related collection, not a column
        if target in keys and target != draft.key:
            f = EntityField(
                name=f"{target}_id", type="int", required=f.required, references=keys[target]
            )
        if f.name not in seen:
            seen.add(f.name)
            result.append(f)
    for parent in draft.parents:
        name = f"{parent}_id"
        if parent in keys and parent != draft.key and name not in seen:
            seen.add(name)
            result.append(EntityField(name=name, type="int", references=keys[parent]))
    return result
