"""Records read across the whole text: what is managed ("manage books and members"), what is
declared ("entities: A, B"), and how records link ("each loan belongs to a member", "a playlist
contains many songs")."""

from __future__ import annotations

import re

from codeguild.intent.collector import Collector, names_someone
from codeguild.intent.compounds import VERBS
from codeguild.intent.entity_patterns import (
    ABOUT,
    ACTOR_NEXT,
    BELONGS,
    CLAUSE_END,
    DECLARED,
    HEADING_NEXT,
    MANAGE,
    MANY,
    MORE_PARENTS,
    REST_FIELDS,
)
from codeguild.intent.inflect import is_plural
from codeguild.intent.lexicon import COMMAND_VERBS
from codeguild.intent.links import listed_parents, shared_link
from codeguild.intent.list_cues import noun_not_verb
from codeguild.intent.textutil import split_items, strip_parentheticals

_PERMISSION = re.compile(
    r"\bonly\s+(?:the\s+)?[a-z]+(?:\s+[a-z]+)?\s+(?:can\s+|may\s+|are allowed to\s+)?$"
)


_COUNT = re.compile(r"^(?:\d+|two|three|four|five|six|seven|eight|nine|ten|twelve|a few|few)$")


def _clause(rest: str) -> str:
    cut = CLAUSE_END.search(rest)
    return rest[: cut.start()] if cut else rest


def scan_relations(lower: str, col: Collector) -> None:
    """Add the records and links ``lower`` states across its sentences."""
    for regex in (MANAGE, ABOUT):
        for m in regex.finditer(lower):
            if regex is MANAGE and noun_not_verb(lower, m.start()):
                continue
            if regex is MANAGE and _PERMISSION.search(lower[max(0, m.start() - 40) : m.start()]):
                continue  # "only admins edit rosters" says who may, not what is kept
            if re.search(r"\b(?:not|don'?t|never|no longer)\s+$", lower[: m.start()]):
                continue  # "we don't manage students as such"
            if regex is ABOUT and ACTOR_NEXT.match(lower, m.end(1)):
                continue  # "endpoints for our partners to submit quotes": who uses it
            if HEADING_NEXT.match(lower, m.end(1)):
                continue  # "api for hotel bookings: rooms (...), reservations (...)"
            listed = split_items(m.group(1))
            if re.match(r"\s+(?:who|whose)\b", lower[m.end(1) :]):
                # "list the members who haven't renewed": people picked out by a query
                listed = listed[:-1]
            for i, item in enumerate(listed):
                words = item.split()
                if words and _COUNT.match(words[0]) and names_someone(words[-1]):
                    continue  # "an app for the two drivers": who uses it, counted
                noun = col.noun(item) if words and is_plural(words[-1]) else None
                if (
                    len(words) == 2
                    and len(listed) >= 2
                    and is_plural(words[-1])
                    and words[0] not in VERBS | COMMAND_VERBS
                ):
                    # an item of a list of things managed is a noun phrase: "interpreters,
                    # interpreting requests and invoices"; "submit claims" is an action
                    noun = col.noun(item, determined=True) or noun
                if noun and len(words) <= 3:
                    col.add(noun, m.start(1) + i)
    for m in DECLARED.finditer(lower):
        for i, item in enumerate(split_items(strip_parentheticals(m.group(1)))):
            noun = col.noun(item)
            if noun:
                col.add(noun, m.start(1) + i).defined = True  # "entities: A, B and C"
    for m in BELONGS.finditer(lower):
        # what belongs to something is a thing: "each result belongs to a game"
        # "a grooming appointment is for one dog": after a determiner, the whole phrase
        determined = bool(re.search(r"\b(?:an?|each|every|the)\s+$", lower[: m.start(1)]))
        child = col.noun(m.group(1), determined=determined) or col.noun(m.group(1), determined=True)
        parent = col.noun(m.group(2)) or col.noun(m.group(2), determined=True)
        if child and parent and child != parent:
            col.add(parent, m.start(2))
            draft = col.add(child, m.start(1))
            draft.parents.append("_".join(parent))
            # the rest of the clause: "... and references a book, with a due date"
            rest = re.split(r"[.;!?\n]", lower[m.end() :], maxsplit=1)[0]
            for other in listed_parents(rest, col):
                if other != child:
                    col.add(other, m.end())
                    draft.parents.append("_".join(other))
            for more in MORE_PARENTS.finditer(rest):
                named = col.noun(more.group(1) or more.group(2))
                if named and named != child:
                    col.add(named, m.end() + more.start())
                    draft.parents.append("_".join(named))
            described = REST_FIELDS.search(rest)
            subject = rest[: described.start()].split() if described else []
            if described and subject and is_plural(subject[-1]):
                described = None  # "..., and livery clients have a name": another record
            if described:
                col.add_fields(draft, split_items(_clause(described.group(1))))
    for m in MANY.finditer(lower):
        if lower[: m.start(1)].rstrip().endswith((" can", " may", " will", " to")):
            continue  # "an object can appear in many loans": "appear" is a verb
        parent = col.noun(m.group(1))
        child = col.noun(m.group(2)) or col.noun(m.group(2), determined=True)
        if parent and child and parent != child and is_plural(m.group(2).split()[-1]):
            col.add(parent, m.start(1))
            drafted = col.add(child, m.start(2))
            if not shared_link(m, lower, parent, child):
                drafted.parents.append("_".join(parent))
