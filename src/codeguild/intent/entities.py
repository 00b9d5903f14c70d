"""Domain entities and their fields from requirement text, by patterns over sentences.

Patterns read: "books (title, author)", "each book has a title and an author", "products with a
name and price", "manage books and authors", "an order belongs to a customer", "orders have many
items". Fields that name another entity become foreign keys.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from codeguild.intent.collector import Collector
from codeguild.intent.compounds import VERBS
from codeguild.intent.entity_patterns import (
    ABOUT,
    ACTOR_NEXT,
    ANNOTATION,
    AUTH_SUBJECTS,
    BELONGS,
    BELONGS_TAIL,
    CLAUSE_END,
    CLAUSE_START,
    COLON,
    DECLARED,
    ENUMERATION,
    FIELD_LIST,
    HAS,
    HEADING_NEXT,
    MANAGE,
    MANY,
    MORE_PARENTS,
    NOUN_VERBS,
    PAREN,
    PLURAL_HAS,
    REST_FIELDS,
    SECTION_WORDS,
    SOFTWARE_HEADS,
    TRAILING_WITH,
    VERB_CONTEXT,
    VERB_HEADS,
    WITH,
)
from codeguild.intent.fields import default_fields
from codeguild.intent.gazetteer import is_technology
from codeguild.intent.heads import Draft, merge_heads, resolve_pronoun, verb_before
from codeguild.intent.inflect import is_plural, pascal, plural_phrase, singular
from codeguild.intent.lexicon import (
    DOMAIN_CAPABLE,
    NON_ENTITY_NOUNS,
)
from codeguild.intent.models import Entity, EntityField
from codeguild.intent.shapes import normalise_layout, scan_shapes
from codeguild.intent.textutil import (
    is_noun_candidate,
    sentences,
    split_items,
    strip_parentheticals,
)


@dataclass
class EntityExtraction:
    """Entities found, plus what was assumed while finding them."""

    entities: list[Entity]
    assumptions: list[str]
    described: int  # entities the text gave fields for (the rest got defaults)
    # names of entities only named (no fields, no relationship): what the project acts on
    # in passing, which only a service that stores records would keep
    named_only: frozenset[str] = frozenset()

    def kept_by_a_program(self) -> EntityExtraction:
        """The entities a command line tool, library or pipeline keeps: those described."""
        kept = [e for e in self.entities if e.name not in self.named_only]
        dropped = tuple(f"No fields were given for {n};" for n in self.named_only)
        notes = [a for a in self.assumptions if not a.startswith(dropped)]
        return EntityExtraction(kept, notes, self.described)


def _clause(rest: str) -> str:
    cut = CLAUSE_END.search(rest)
    return rest[: cut.start()] if cut else rest


def _plural_items(items: list[str], col: Collector) -> list[tuple[str, ...]] | None:
    """Entity words for every item when all items are plural nouns, else None."""
    found = []
    for item in items:
        bare = strip_parentheticals(item).strip()
        words = bare.split()
        if not words or not is_plural(words[-1]) or len(words) > 2:
            return None
        noun = col.noun(bare)
        if noun is None:
            return None
        found.append(noun)
    return found or None


def _scan_sentence(sentence: str, offset: int, col: Collector) -> None:
    for m in PAREN.finditer(sentence):
        content = m.group(2)
        if ANNOTATION.match(content) or not re.search(r"[a-z]", content):
            continue
        items = split_items(content)
        head = m.group(1).split()
        if not is_plural(head[-1]) and (
            len(items) < 2 or _has_article(sentence, m, head) or _in_list(sentence, m)
        ):
            continue  # "a priority (low, medium or high)" annotates a field, not an entity
        if len(items) < 2 and len(head) > 1 and head[-2] in VERBS:
            continue  # "approve orders (role-based)" annotates an action
        phrase = m.group(1)
        if len(head) > 1 and verb_before(sentence, m.start(1)):
            phrase = head[-1]  # "runners log runs (distance)": "log" is what runners do
        if _software_word_as_record(head[-1], items):
            col.add((singular(head[-1]),), offset + m.start())  # "classes (name, capacity)"
        noun = col.noun(phrase)
        if noun:
            draft = col.add(noun, offset + m.start())
            draft.defined = draft.defined or (is_plural(head[-1]) and len(items) >= 2)
            col.add_fields(draft, items)
    for m in HAS.finditer(sentence):
        noun = col.noun(m.group(1))
        if noun:
            draft = col.add(noun, offset + m.start())
            col.add_fields(draft, split_items(_clause(m.group(2))))
            _parent_in_tail(m.group(2), draft, col)
    # a clause after a colon or "where" starts afresh: "a URL shortener: links have a url",
    # "a todo app where tasks have a title"
    heads = [(sentence, 0)] + [
        (sentence[m.end() :].lstrip(), m.start()) for m in CLAUSE_START.finditer(sentence)
    ]
    for part, at in heads:
        lead = PLURAL_HAS.match(part)
        if (
            lead
            and is_plural(lead.group(1).split()[-1])
            and not lead.group(2).startswith(("many", "multiple", "several"))
        ):
            noun = col.noun(lead.group(1))
            if noun:
                draft = col.add(noun, offset + at)
                draft.defined = True  # "gardens have a name": defined in the plural
                col.add_fields(draft, split_items(_clause(lead.group(2))))
                _parent_in_tail(lead.group(2), draft, col)
    for m in WITH.finditer(sentence):
        items = split_items(_clause(m.group(2)))
        if all(is_technology(item) for item in items):
            continue  # "tickets with Stripe" names a service to use, not attributes
        if m.group(1) in VERB_HEADS:
            continue  # "works with sync and async code" is a verb phrase
        children = _plural_items(items, col)
        head = m.group(1)
        if re.search(r"\d", sentence[max(0, m.start() - 24) : m.start()]):
            continue  # "1000 concurrent users with ..." is a load figure, not a record type
        noun = col.noun(head)
        if children and (not is_plural(head) or noun is None):
            for i, child in enumerate(children):
                col.add(child, offset + m.start(2) + i)
        elif noun and (
            is_plural(head) or "_".join(noun) in col.drafts or _has_article(sentence, m)
        ):
            col.add_fields(col.add(noun, offset + m.start()), items)
    colon = COLON.search(sentence)
    # items with field lists of their own ("for kids: questions (prompt, ...)") are entities
    # under a heading, not the fields of what precedes the colon
    if (
        colon
        and colon.group(1).split()[-1] not in SECTION_WORDS
        and not FIELD_LIST.search(colon.group(2))
    ):
        items = split_items(colon.group(2))
        noun = col.noun(colon.group(1))
        plural_head = is_plural(colon.group(1).split()[-1])
        if noun and len(items) >= 2 and (plural_head or "_".join(noun) in col.drafts):
            draft = col.add(noun, offset + colon.start())
            draft.defined = draft.defined or plural_head
            col.add_fields(draft, items)


def _parent_in_tail(rest: str, draft: Draft, col: Collector) -> None:
    """ "Each ticket has a subject ..., and belongs to a customer": the parent at the end."""
    tail = BELONGS_TAIL.search(rest)
    parent = col.noun(tail.group(1)) if tail else None
    if parent and "_".join(parent) != draft.key:
        col.add(parent, draft.pos + 1)
        draft.parents.append("_".join(parent))


def _software_word_as_record(word: str, items: list[str]) -> bool:
    """A plural software word with a list of domain attributes: "classes (name, capacity)",
    "fields (name, area, crop)"; "files (csv, json)" lists formats, not attributes."""
    return (
        is_plural(word)
        and singular(word) in DOMAIN_CAPABLE
        and len(items) >= 2
        and not any(item in NON_ENTITY_NOUNS or is_technology(item) for item in items)
    )


def _scan_enumeration(sentence: str, offset: int, col: Collector) -> None:
    """A list of plural nouns after a colon: every item is a record when one carries fields
    ("for our team: boards, columns and cards (title, description)"), or when the heading names
    the software ("the server part of a chat app: rooms, messages and members")."""
    for m in ENUMERATION.finditer(sentence):
        items = split_items(_clause(TRAILING_WITH.split(m.group(1))[0]))
        heading = sentence[: m.start()].split()
        about_software = bool(heading) and heading[-1] in SOFTWARE_HEADS
        if len(items) < 2 or not (about_software or any(FIELD_LIST.search(i) for i in items)):
            continue
        found: list[tuple[str, ...]] = []
        for item in items:
            words = strip_parentheticals(item).strip().split()
            if not words or len(words) > 2 or not is_plural(words[-1]):
                return
            head = words[-1]
            if not is_noun_candidate(head) and singular(head) not in DOMAIN_CAPABLE:
                return
            noun = col.noun(" ".join(words)) if is_noun_candidate(head) else (singular(head),)
            if noun is None:
                return
            found.append(noun)
        for i, noun in enumerate(found):
            col.add(noun, offset + m.start(1) + i)


def _noun_not_verb(lower: str, start: int) -> bool:
    """A word like "list" or "record" used as a noun ("waiting list entries", "maintenance
    record belongs"): the word before it is neither a subject, a modal nor a clause start."""
    verb = lower[start:].split(maxsplit=1)[0]
    if verb not in NOUN_VERBS:
        return False
    before = lower[max(0, start - 30) : start].rstrip()
    if not before or before[-1] in ",.;:!?-*(\n":
        return False
    return before.split()[-1] not in VERB_CONTEXT


def _in_list(sentence: str, m: re.Match[str]) -> bool:
    """The match is an item of a comma-separated list ("subject, priority (low, high)")."""
    return sentence[: m.start()].rstrip().endswith(",")


def _has_article(sentence: str, m: re.Match[str], head: list[str] | None = None) -> bool:
    start = m.start() + (len(m.group(1)) - len(head[-1]) if head else 0)
    before = sentence[:start].split()
    return bool(before) and before[-1] in {"a", "an", "each", "every"}


def _scan_lists(lower: str, col: Collector) -> None:
    for regex in (MANAGE, ABOUT):
        for m in regex.finditer(lower):
            if regex is MANAGE and _noun_not_verb(lower, m.start()):
                continue
            if regex is ABOUT and ACTOR_NEXT.match(lower, m.end(1)):
                continue  # "endpoints for our partners to submit quotes": who uses it
            if HEADING_NEXT.match(lower, m.end(1)):
                continue  # "api for hotel bookings: rooms (...), reservations (...)"
            for i, item in enumerate(split_items(m.group(1))):
                words = item.split()
                noun = col.noun(item) if words and is_plural(words[-1]) else None
                if noun and len(words) <= 3:
                    col.add(noun, m.start(1) + i)
    for m in DECLARED.finditer(lower):
        for i, item in enumerate(split_items(strip_parentheticals(m.group(1)))):
            noun = col.noun(item)
            if noun:
                col.add(noun, m.start(1) + i).defined = True  # "entities: A, B and C"
    for m in BELONGS.finditer(lower):
        child, parent = col.noun(m.group(1)), col.noun(m.group(2))
        if child and parent and child != parent:
            col.add(parent, m.start(2))
            draft = col.add(child, m.start(1))
            draft.parents.append("_".join(parent))
            # the rest of the clause: "... and references a book, with a due date"
            rest = re.split(r"[.;!?\n]", lower[m.end() :], maxsplit=1)[0]
            for more in MORE_PARENTS.finditer(rest):
                other = col.noun(more.group(1) or more.group(2))
                if other and other != child:
                    col.add(other, m.end() + more.start())
                    draft.parents.append("_".join(other))
            described = REST_FIELDS.search(rest)
            if described:
                col.add_fields(draft, split_items(_clause(described.group(1))))
    for m in MANY.finditer(lower):
        parent, child = col.noun(m.group(1)), col.noun(m.group(2))
        if parent and child and parent != child and is_plural(m.group(2).split()[-1]):
            col.add(parent, m.start(1))
            col.add(child, m.start(2)).parents.append("_".join(parent))


def _collections_as_children(drafts: dict[str, Draft]) -> None:
    """ "A playlist contains songs" with Song a record: each song belongs to a playlist."""
    for draft in drafts.values():
        for name in draft.fields:
            child = drafts.get(singular(name)) if is_plural(name) else None
            if child is not None and child is not draft and draft.key not in child.parents:
                child.parents.append(draft.key)


def _link_fields(draft: Draft, keys: dict[str, str]) -> list[EntityField]:
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


def extract_entities(text: str, *, auth: bool = False) -> EntityExtraction:
    """Find the entities of ``text``. With ``auth``, users are the login subject, not an entity."""
    lower = normalise_layout(text)
    col = Collector(lower)
    offset = 0
    previous = ""
    for sentence in sentences(lower):
        start = lower.find(sentence[:20], offset)
        offset = max(offset, start)
        resolved = resolve_pronoun(sentence, previous)
        _scan_enumeration(resolved, offset, col)
        _scan_sentence(resolved, offset, col)
        scan_shapes(resolved, offset, col)
        previous = sentence
    _scan_lists(lower, col)
    assumptions = list(dict.fromkeys(col.notes))
    if auth:
        for key in [k for k in col.drafts if k in AUTH_SUBJECTS]:
            del col.drafts[key]
            assumptions.append(
                f"'{key}' is the login subject: user accounts come with authentication, so no "
                f"separate {pascal(key)} entity is generated."
            )
    merge_heads(col.drafts, lower)
    _collections_as_children(col.drafts)
    drafts = sorted(col.drafts.values(), key=lambda d: d.pos)
    keys = {d.key: pascal(d.key) for d in drafts}
    entities: list[Entity] = []
    described = 0
    linked = {p for d in drafts for p in d.parents} | {d.key for d in drafts if d.parents}
    named_only = frozenset(
        keys[d.key] for d in drafts if not d.fields and not d.defined and d.key not in linked
    )
    for draft in drafts:
        fields = _link_fields(draft, keys)
        if not any(f.references is None for f in fields):
            defaults = default_fields(draft.key)
            fields = defaults + fields
            names = ", ".join(f"{f.name}: {f.type}" for f in defaults)
            assumptions.append(f"No fields were given for {keys[draft.key]}; assumed {names}.")
        else:
            described += 1
        entities.append(
            Entity(name=keys[draft.key], plural=plural_phrase(list(draft.words)), fields=fields)
        )
    return EntityExtraction(
        entities=entities, assumptions=assumptions, described=described, named_only=named_only
    )
