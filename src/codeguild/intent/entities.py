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
    ANNOTATION,
    AUTH_SUBJECTS,
    BELONGS_TAIL,
    CLAUSE_END,
    CLAUSE_START,
    COLON,
    EACH_WITH,
    ENUMERATION,
    FIELD_LIST,
    HAS,
    HEADING_NEXT,
    PAREN,
    PLURAL_HAS,
    SCREEN_WORDS,
    SOFTWARE_HEADS,
    TRAILING_WITH,
    VERB_HEADS,
    WITH,
)
from codeguild.intent.fields import default_fields
from codeguild.intent.heads import (
    Draft,
    drop_aside,
    merge_heads,
    resolve_it,
    resolve_pronoun,
    verb_before,
)
from codeguild.intent.inflect import is_plural, pascal, plural_phrase, singular
from codeguild.intent.lexicon import (
    DOMAIN_CAPABLE,
    NON_ENTITY_NOUNS,
)
from codeguild.intent.links import (
    collections_as_children,
    drop_loose_modifiers,
    drop_unstored,
    link_fields,
)
from codeguild.intent.list_cues import (
    after_quantity,
    has_field_list,
    imperative_verb,
    lists_attributes,
    lists_kinds,
    reads_as_prose,
    section_heading,
    someone_notes,
    typed_attributes,
)
from codeguild.intent.models import Entity
from codeguild.intent.relations import scan_relations
from codeguild.intent.roles import scan_roles
from codeguild.intent.shapes import normalise_layout, scan_shapes
from codeguild.intent.textutil import (
    is_noun_candidate,
    names_technology,
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
        if not words or not is_plural(words[-1]) or len(words) > 2 or bare[0].isdigit():
            return None
        noun = col.noun(bare)
        if noun is None:
            return None
        found.append(noun)
    return found or None


def _scan_sentence(sentence: str, offset: int, col: Collector) -> None:
    for m in PAREN.finditer(sentence):
        # "patients (with name and date of birth)": the list after "with"
        content = re.sub(r"^\s*(?:with|having|including)\s+", "", m.group(2))
        if ANNOTATION.match(content) or not re.search(r"[a-z]", content):
            continue
        items = split_items(content)
        if reads_as_prose(items) or lists_kinds(items) or after_quantity(sentence, m.start()):
            continue  # comments, examples of kinds, or "up to 50 points (lat/lng)"
        head = m.group(1).split()
        if (
            not is_plural(head[-1])
            and (
                len(items) < 2
                or _has_article(sentence, m, head)
                # "a parcel size (small/medium/large)": one value of a compound attribute
                or (len(head) > 1 and sentence[: m.start()].rstrip().endswith((" a", " an")))
                or _in_list(sentence, m)
            )
        ):
            continue  # "a priority (low, medium or high)" annotates a field, not an entity
        if len(items) < 2 and len(head) > 1 and head[-2] in VERBS:
            continue  # "approve orders (role-based)" annotates an action
        phrase = m.group(1)
        if len(head) > 1 and (
            verb_before(sentence, m.start(1)) or imperative_verb(sentence, m.start(1), head[-2])
        ):
            phrase = head[-1]  # "runners log runs (distance)": "log" is what runners do
        if _software_word_as_record(head[-1], items):
            col.add((singular(head[-1]),), offset + m.start())  # "classes (name, capacity)"
        noun = col.noun(phrase)
        if len(items) >= 2 and sentence[: m.start()].strip() in {"", "-", "*"}:
            # "WaterTest(tank, tested at, ph)" opening a line declares a record by its name
            noun = col.noun(phrase, determined=True) or noun
        if noun:
            draft = col.add(noun, offset + m.start())
            draft.defined = draft.defined or (is_plural(head[-1]) and len(items) >= 2)
            col.add_fields(draft, items)
    for m in HAS.finditer(sentence):
        noun = col.noun(m.group(1), determined=True)
        items = split_items(_clause(m.group(2)))
        # "the consortium has 23 branches" says nothing about a record's attributes
        if noun and ("_".join(noun) in col.drafts or lists_attributes(items, col, least=1)):
            draft = col.add(noun, offset + m.start())
            col.add_fields(draft, items)
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
            and not someone_notes(lead)
        ):
            noun = col.noun(lead.group(1), determined=True)
            listed = split_items(_clause(lead.group(2)))
            if noun and ("_".join(noun) in col.drafts or lists_attributes(listed, col, least=1)):
                # "skippers have no accounts" describes nothing
                draft = col.add(noun, offset + at)
                draft.defined = True  # "gardens have a name": defined in the plural
                col.add_fields(draft, listed)
                _parent_in_tail(lead.group(2), draft, col)
    for m in EACH_WITH.finditer(sentence):
        noun = col.noun(m.group(1), determined=True)
        if noun:
            col.add_fields(col.add(noun, offset + m.start()), split_items(_clause(m.group(2))))
    for m in WITH.finditer(sentence):
        items = split_items(_clause(m.group(2)))
        if all(names_technology(item) for item in items):
            continue  # "tickets with Stripe" names a service to use, not attributes
        if m.group(1) in VERB_HEADS:
            continue  # "works with sync and async code" is a verb phrase
        children = _plural_items(items, col)
        head = m.group(1)
        if re.search(r"\d", sentence[max(0, m.start() - 24) : m.start()]):
            continue  # "1000 concurrent users with ..." is a load figure, not a record type
        if head in SCREEN_WORDS or (singular(head) in SCREEN_WORDS and not is_plural(head)):
            continue  # "a dashboard with occupancy stats" shows records, it keeps none
        noun = col.noun(head) or col.noun(_with_modifier(sentence, m.start(1), head))
        articled = _has_article(sentence, m)
        before = sentence[: m.start(1)].split()
        if (
            len(before) >= 2
            and before[-2] in {"a", "an", "each", "every"}
            and noun is not None
            and is_noun_candidate(before[-1])
        ):
            # "log a range session with the lane number": the compound after the article
            compound = col.noun(f"{before[-1]} {head}", determined=True)
            if compound and len(compound) == 2:
                noun, articled = compound, True
        if children and verb_before(sentence, m.start(1)):
            continue  # "agents authenticate with api keys": how someone does something
        if children and (not is_plural(head) or noun is None):
            for i, child in enumerate(children):
                col.add(child, offset + m.start(2) + i)
        elif (
            noun
            and (is_plural(head) or "_".join(noun) in col.drafts or articled)
            and lists_attributes(items, col, least=1)
        ):
            col.add_fields(col.add(noun, offset + m.start()), items)
    colon = COLON.search(sentence)
    # items with field lists of their own ("for kids: questions (prompt, ...)") are entities
    # under a heading, not the fields of what precedes the colon
    if (
        colon
        and section_heading(colon.group(1))
        and not typed_attributes(split_items(colon.group(2)), col)
    ):
        colon = None  # "Steps: extract, clean, load" heads a part of the document
    if (
        colon
        # "the members are real records: ..." says what the members are
        and not re.search(r"\b(?:is|are|was|were)\s+$", sentence[: colon.start(1)])
        # "an incident report captures: ...": a determiner and a noun before the heading make
        # its last word the verb
        and not (
            " " in colon.group(1)
            and re.search(r"\b(?:an?|each|every|the|one)\s+[a-z]+\s+$", sentence[: colon.start(1)])
        )
        and not has_field_list(colon.group(2))
        and not HEADING_NEXT.match(sentence, colon.end(1))
    ):
        items = split_items(colon.group(2))
        phrase = _before_place(sentence[: colon.end(1)]) or colon.group(1)
        if " " in phrase and imperative_verb(sentence, colon.start(1), phrase.split()[0]):
            phrase = phrase.split()[-1]  # "an app to track expenses: amount, ..."
        plural_head = is_plural(phrase.split()[-1])
        # a plural heading over its attributes defines the record: "cleaning tasks: room, ..."
        noun = col.noun(phrase, determined=plural_head)
        # "squad picks: captain flag": one attribute is enough under a plural heading that
        # opens the sentence, when it reads as one ("captain flag", "kick-off time")
        single = (
            plural_head and len(items) == 1 and sentence[: colon.start(1)].strip() in {"", "the"}
        )
        if (
            noun
            and lists_attributes(
                items, col, least=1 if single and typed_attributes(items, col, least=1) else 2
            )
            and not lists_kinds(items)
            and (plural_head or "_".join(noun) in col.drafts)
            and not after_quantity(sentence, colon.start(1))
        ):
            draft = col.add(noun, offset + colon.start())
            draft.defined = draft.defined or plural_head
            col.add_fields(draft, items)


_PLACE_AFTER = re.compile(
    r"([a-z][a-z-]*(?:\s+[a-z][a-z-]*)?)\s+(?:from|in|on|at|via|through)\s+[^:,]{1,40}$"
)


def _before_place(heading: str) -> str | None:
    """The record before a phrase of place or source: "log fuel fill-ups from the drivers'
    app: plate, litres" describes fuel fill-ups, not the app."""
    m = _PLACE_AFTER.search(heading)
    return m.group(1) if m and is_plural(m.group(1).split()[-1]) else None


def _with_modifier(sentence: str, start: int, head: str) -> str:
    """The head with the word before it: "menu items with a price" names MenuItems."""
    before = sentence[:start].split()
    return f"{before[-1]} {head}" if before and before[-1].isalpha() else head


def _parent_in_tail(rest: str, draft: Draft, col: Collector) -> None:
    """ "Each ticket has a subject ..., and belongs to a customer": the parent at the end."""
    tail = BELONGS_TAIL.search(rest)
    parent = col.noun(tail.group(1), determined=True) if tail else None
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
        and not any(item in NON_ENTITY_NOUNS or names_technology(item) for item in items)
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


def _in_list(sentence: str, m: re.Match[str]) -> bool:
    """The match is an item of a comma-separated list ("subject, priority (low, high)")."""
    return sentence[: m.start()].rstrip().endswith(",")


def _has_article(sentence: str, m: re.Match[str], head: list[str] | None = None) -> bool:
    start = m.start() + (len(m.group(1)) - len(head[-1]) if head else 0)
    before = sentence[:start].split()
    # "see each child (first name, group)" describes a record; "a priority (low, high)" a value
    articles = {"a", "an"} if head else {"a", "an", "each", "every"}
    return bool(before) and before[-1] in articles


def extract_entities(text: str, *, auth: bool = False) -> EntityExtraction:
    """Find the entities of ``text``. With ``auth``, users are the login subject, not an entity."""
    lower = normalise_layout(text)
    col = Collector(lower)
    offset = 0
    previous = ""
    said = lower
    for sentence in sentences(lower):
        start = lower.find(sentence[:20], offset)
        offset = max(offset, start)
        spelled = drop_aside(resolve_it(sentence, previous))
        if spelled != sentence:
            said = said.replace(sentence, spelled, 1)
        resolved = resolve_pronoun(spelled, previous)
        scan_roles(resolved, offset, col)
        _scan_enumeration(resolved, offset, col)
        _scan_sentence(resolved, offset, col)
        scan_shapes(resolved, offset, col)
        previous = spelled
    # the links between records read across sentences, with "it" said out
    scan_relations(said, col)
    assumptions = list(dict.fromkeys(col.notes))
    if auth:
        for key in [k for k in col.drafts if k in AUTH_SUBJECTS]:
            del col.drafts[key]
            assumptions.append(
                f"'{key}' is the login subject: user accounts come with authentication, so no "
                f"separate {pascal(key)} entity is generated."
            )
    drop_unstored(col.drafts, lower)
    merge_heads(col.drafts, lower)
    drop_loose_modifiers(col.drafts)
    collections_as_children(col.drafts)
    drafts = sorted(col.drafts.values(), key=lambda d: d.pos)
    keys = {d.key: pascal(d.key) for d in drafts}
    entities: list[Entity] = []
    described = 0
    linked = {p for d in drafts for p in d.parents} | {d.key for d in drafts if d.parents}
    named_only = frozenset(
        keys[d.key] for d in drafts if not d.fields and not d.defined and d.key not in linked
    )
    for draft in drafts:
        fields = link_fields(draft, keys)
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
