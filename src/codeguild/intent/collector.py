"""The entity drafts found so far, and how a noun phrase becomes an entity's words."""

from __future__ import annotations

import re

from codeguild.intent.compounds import VERBS, is_modifier_noun
from codeguild.intent.entity_patterns import ACTION_ITEM, TO_MANY_ITEM
from codeguild.intent.fields import parse_field
from codeguild.intent.heads import Draft
from codeguild.intent.inflect import plural, singular
from codeguild.intent.language import ENGLISH_STOPWORDS
from codeguild.intent.lexicon import (
    COMMAND_VERBS,
    DOMAIN_CAPABLE,
    GENERIC_HEADS,
    META_VERBS,
    word_set,
)
from codeguild.intent.textutil import is_noun_candidate, names_technology, strip_parentheticals

# a command verb and its object: "tail nginx logs", "send the report"; a field is a noun phrase
# "track title as string": an attribute with its type, not "track" and an object
_TYPE_NOTE = re.compile(r"\s+as\s+(?:an?\s+)?[a-z/]+$")
_ACTION_PHRASE = re.compile(
    rf"^(?:{'|'.join(sorted(COMMAND_VERBS))})\s+(?:(?:the|a|an|all|every|their|its)\s+\w+"
    # "rate per word" is an attribute: a preposition follows a noun, an object a verb
    r"|(?!(?:per|of|in|at|for|on)\b)\w+\s+\w+)"
)
_PER_RECORD = re.compile(r"^(?:the\s+)?([a-z]+s)\s+(?:per|for each|for every)\s+([a-z]+)$")
_KNOWN_THING = re.compile(r"^the ([a-z]+)$")
_PEOPLE = frozenset({"user", "staff", "person", "child", "customer", "client", "patient"})


def names_someone(word: str) -> bool:
    """Whether ``word`` names a person ("employee", "member", "student"): records *of* them."""
    word = singular(word)
    return word in _PEOPLE or word.endswith(("ee", "er", "or", "ent", "ant", "ist", "ian"))


# words that label a record's layout ("song fields: title, artist"), never a kind of record
_LAYOUT_WORDS = frozenset({"field", "column", "table", "class"})


# participles before a noun say which ones, not what kind: "existing orders", "pending requests"
_PARTICIPLES = word_set(
    """existing upcoming incoming outgoing pending missing remaining matching ongoing recurring
    following corresponding preceding trending changing coming"""
)
# words before a noun that pick some of them out rather than name a kind
_WHICH_ONES = word_set(
    """new old existing all other various several different multiple individual own same such
    any some many few more most certain current previous next last first recent simple basic
    main whole entire specific particular given selected relevant respective user users two
    three four five six seven eight nine ten twelve dozen hundred"""
)
_PERIODIC = word_set("""daily weekly monthly yearly hourly quarterly nightly""")
# what the software is made of, never the head of a record's name
_ARTEFACTS = word_set(
    """api apis app apps service services server backend frontend website site tool cli library
    package module script endpoint endpoints database file files sdk interface ui system json
    csv field fields column columns attribute attributes property properties function functions
    method methods class classes dataclass dataclasses object objects operation operations"""
)


def _names_a_kind(word: str) -> bool:
    """A word before a head noun in a record's definition that names a kind of it: nouns,
    gerunds, participles and adjectives ("docking station", "treated animal", "daily
    reading", "high score"), not the words that pick some out ("new", "existing")."""
    if not word.isalpha() or len(word) < 3 or word in _WHICH_ONES:
        return False
    if word.endswith("ed") and len(word) > 3:
        return word not in _PARTICIPLES  # "used parts", "tracked shipments"; not "red"
    if word in ENGLISH_STOPWORDS:
        return False
    if word in META_VERBS:
        return False  # "to build timetables: ...": the verb before its object
    if word.endswith("ing"):
        return len(word) > 5 and word not in _PARTICIPLES
    return word in _PERIODIC or is_noun_candidate(word) or is_modifier_noun(word)


def _record_head(word: str) -> bool:
    return (
        word.isalpha()
        and len(word) >= 3
        and word not in ENGLISH_STOPWORDS
        and singular(word) not in _ARTEFACTS
        and not names_technology(word)
    )


def could_be_noun(word: str) -> bool:
    """A word a determiner makes a noun: gerund-like nouns ("outing", "screening") and
    software words that name records in a domain ("route", "request")."""
    return (
        word.isalpha()
        and len(word) >= 4
        and (word.endswith(("ing", "ings")) or singular(word) in DOMAIN_CAPABLE)
    )


class Collector:
    """Entity drafts as the scanners find them, keyed by their words."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.drafts: dict[str, Draft] = {}
        self.notes: list[str] = []

    def noun(self, phrase: str, *, determined: bool = False) -> tuple[str, ...] | None:
        """Entity words for a noun phrase ("todo items" -> ('todo', 'item')), or None.

        ``determined``: the phrase stands where only a noun can ("each outing has ...", "a route
        has ..."), so a word that could be a gerund or a software term is a record here."""
        words = strip_parentheticals(phrase).strip(" .,;:!?").split()
        if not words:
            return None
        head = words[-1]
        if (
            singular(head) in DOMAIN_CAPABLE - _LAYOUT_WORDS
            and len(words) > 1
            and is_noun_candidate(words[-2])
            and is_modifier_noun(words[-2])
        ):
            # a domain noun before a software word names a kind of record: "repair requests",
            # "race results", "shipping routes"
            return (words[-2], singular(head))
        if (
            head in GENERIC_HEADS
            and len(words) > 1
            and is_noun_candidate(words[-2])
            and words[-2] not in VERBS  # "put items in a cart"
        ):
            if head.startswith("record") and names_someone(words[-2]):
                return (singular(words[-2]),)  # "employee records" keep Employees
            return (singular(words[-2]) if words[-2] != "todo" else "todo", singular(head))
        if determined and len(words) > 1 and _names_a_kind(words[-2]) and _record_head(head):
            if len(words) > 2 and is_noun_candidate(words[-3]) and is_modifier_noun(words[-3]):
                # "a guest room booking has": two nouns before the head name its kind
                return (words[-3], words[-2], singular(head))
            # "each rating change has", "docking stations have", "a guest response has"
            return (words[-2], singular(head))
        if determined and singular(head) in _LAYOUT_WORDS and len(words) > 1:
            return None  # "song fields: title, artist" lays out a Song
        if determined and could_be_noun(head):
            return (singular(head),)
        if determined and head in {"people", "persons"}:
            return ("person",)  # "people: given names, surname" describes a Person
        if (
            head in GENERIC_HEADS
            and (len(words) == 1 or not is_noun_candidate(words[-2]))
            and not determined
        ):
            return None  # "update their entries": too generic to name a record by itself
        if not is_noun_candidate(head) and singular(head) not in self.drafts:
            return None  # a software word, unless the text already showed it is a record
        if len(words) > 1 and is_modifier_noun(words[-2]):
            # a noun before the head makes a compound ("purchase orders" -> PurchaseOrder)
            return (words[-2], singular(head))
        return (singular(head),)

    def add(self, words: tuple[str, ...], pos: int) -> Draft:
        key = "_".join(words)
        if key not in self.drafts:
            self.drafts[key] = Draft(words=words, pos=pos)
        draft = self.drafts[key]
        draft.pos = min(draft.pos, pos)  # entities are listed in order of first mention
        return draft

    def add_fields(self, draft: Draft, items: list[str]) -> None:
        for item in items:
            to_many = TO_MANY_ITEM.match(item.strip())
            if to_many:
                child = self.noun(to_many.group(1))
                if child:
                    self.add(child, draft.pos + 1).parents.append(draft.key)
                continue
            bare = _TYPE_NOTE.sub("", item.strip())
            if ACTION_ITEM.match(bare) or _ACTION_PHRASE.match(bare):
                continue
            per = _PER_RECORD.match(item.strip())
            if per and singular(per.group(2)) == draft.words[-1]:
                # "gigs with a venue, plus setlists per gig": records kept for each gig
                child = self.noun(per.group(1))
                if child:
                    self.add(child, draft.pos + 1).parents.append(draft.key)
                    continue
            known = _KNOWN_THING.match(item.strip())
            if known and re.search(rf"\b{re.escape(plural(known.group(1)))}\b", self.text):
                # "a loan records the member and the book" (members borrow books): references
                parent = self.noun(known.group(1))
                if parent and "_".join(parent) != draft.key:
                    self.add(parent, draft.pos)
                    draft.parents.append("_".join(parent))
                    continue
            parsed = parse_field(item, self.text)
            if parsed is None:
                continue
            if parsed.note:
                self.notes.append(parsed.note)
            if parsed.field.name != "id":
                draft.fields.setdefault(parsed.field.name, parsed)
