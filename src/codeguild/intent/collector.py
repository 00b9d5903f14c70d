"""The entity drafts found so far, and how a noun phrase becomes an entity's words."""

from __future__ import annotations

import re

from codeguild.intent.compounds import VERBS, is_modifier_noun
from codeguild.intent.entity_patterns import ACTION_ITEM, TO_MANY_ITEM
from codeguild.intent.fields import parse_field
from codeguild.intent.heads import Draft
from codeguild.intent.inflect import plural, singular
from codeguild.intent.lexicon import COMMAND_VERBS, DOMAIN_CAPABLE, GENERIC_HEADS
from codeguild.intent.textutil import is_noun_candidate, strip_parentheticals

# a command verb and its object: "tail nginx logs", "send the report"; a field is a noun phrase
_ACTION_PHRASE = re.compile(
    rf"^(?:{'|'.join(sorted(COMMAND_VERBS))})\s+(?:(?:the|a|an|all|every|their|its)\s+\w+|\w+\s+\w+)"
)
_KNOWN_THING = re.compile(r"^the ([a-z]+)$")
_PEOPLE = frozenset({"user", "staff", "person", "child", "customer", "client", "patient"})


def _names_someone(word: str) -> bool:
    """Whether ``word`` names a person ("employee", "member", "student"): records *of* them."""
    word = singular(word)
    return word in _PEOPLE or word.endswith(("ee", "er", "or", "ent", "ant", "ist", "ian"))


class Collector:
    """Entity drafts as the scanners find them, keyed by their words."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.drafts: dict[str, Draft] = {}
        self.notes: list[str] = []

    def noun(self, phrase: str) -> tuple[str, ...] | None:
        """Entity words for a noun phrase ("todo items" -> ('todo', 'item')), or None."""
        words = strip_parentheticals(phrase).strip(" .,;:!?").split()
        if not words:
            return None
        head = words[-1]
        if (
            head in GENERIC_HEADS
            and len(words) > 1
            and is_noun_candidate(words[-2])
            and words[-2] not in VERBS  # "put items in a cart"
        ):
            if head.startswith("record") and _names_someone(words[-2]):
                return (singular(words[-2]),)  # "employee records" keep Employees
            return (singular(words[-2]) if words[-2] != "todo" else "todo", singular(head))
        if not is_noun_candidate(head) and not (
            singular(head) in DOMAIN_CAPABLE and singular(head) in self.drafts
        ):
            return None  # a software word, unless it was already shown to be a record
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
            if ACTION_ITEM.match(item.strip()) or _ACTION_PHRASE.match(item.strip()):
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
