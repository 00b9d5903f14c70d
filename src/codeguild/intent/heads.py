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
from codeguild.intent.language import ENGLISH_STOPWORDS
from codeguild.intent.lexicon import DOMAIN_CAPABLE, word_set
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


# "it" as the subject of a describing verb: "It has a make", "..., so it belongs to a customer"
_IT_SUBJECT = re.compile(
    r"(?:^|(?<=[:,;])\s*|\b(?:and|so|but|then)\s+)(it)\s+(?=(?:also\s+|only\s+|just\s+|then\s+)?"
    r"(?:has|is|belongs|records|stores|holds|contains|includes|gets|needs|keeps|captures|comes"
    r"|carries|references|sits|lives|lists|tracks)\b)"
)
_DETERMINED = re.compile(r"\b(?:an?|the|each|every)\s+([a-z]+)(?:\s+([a-z]+))?(?:\s+([a-z]+))?")
# what is being built is no record "it" could stand for
_SOFTWARE = word_set(
    """app api service tool program script cli library package module system backend website
    site database bot dashboard page helper"""
)
# nouns that stand for whatever the sentence is about: "the main thing is the piano"
_PLACEHOLDERS = word_set(
    """thing things part one bit idea point stuff way kind sort record entity object model"""
)
# words after a noun that make it the subject of a description: "each leg result has"
_SUBJECT_NEXT = word_set(
    """is has have are belongs records stores holds contains includes gets needs keeps captures
    also just only then"""
)


def _nounish(word: str) -> bool:
    # software words name records too: "each leg result", "a repair request"
    return is_noun_candidate(word) or singular(word) in DOMAIN_CAPABLE


def _antecedent(text: str) -> str | None:
    """The record "it" stands for: the last subject of a description ("each leg result has"),
    else the last noun a determiner introduces ("Then the visit.", "The main thing is the
    piano.")."""
    found: list[tuple[bool, str]] = []
    for m in _DETERMINED.finditer(text):
        words = [m.group(1)]
        second, after = m.group(2), m.group(3)
        # "a kiln firing": a noun before a word in -ing makes it a noun too
        gerund = bool(second) and second.endswith("ing") and len(second) > 5
        if (
            second
            and second not in _SUBJECT_NEXT  # "the sowing records ...": a verb, not a noun
            and (_nounish(second) or gerund)
            and not second.endswith("ed")
        ):
            words.append(second)
            second = after
        # "a little command line program": the phrase goes on past what is understood
        if (
            second
            and second not in ENGLISH_STOPWORDS
            and second not in _SUBJECT_NEXT
            and not second.endswith(("ed", "s"))
        ):
            continue
        if any(w in _SOFTWARE or w in _PLACEHOLDERS for w in words):
            continue
        # "then the sowing.": a gerund after a determiner is a noun
        lone_gerund = len(words) == 1 and words[0].endswith("ing") and len(words[0]) > 5
        if (_nounish(words[0]) or lone_gerund) and not is_plural(words[-1]):
            found.append((second in _SUBJECT_NEXT, " ".join(words)))
    subjects = [phrase for subject, phrase in found if subject]
    if subjects:
        return subjects[-1]
    return found[-1][1] if found else None


# a non-restrictive aside after the subject: "Households, which are referred to us by social
# workers, have ...", "The members, on the other hand, are ..."
_ASIDE = re.compile(
    r"^((?:(?:the|our|an?|each|every)\s+)?[a-z][\w-]*(?:\s+[a-z][\w-]*)?),\s*"
    r"(?:which|who|whom|on the other hand|however|in turn|by contrast|though|too|as well"
    r"|like|unlike|as|once|when|after|before)\b[^,]{0,80},\s*(?=[a-z])"
)


def drop_aside(sentence: str) -> str:
    """``sentence`` without an aside between its subject and its verb."""
    return _ASIDE.sub(r"\1 ", sentence, count=1)


def resolve_it(sentence: str, previous: str) -> str:
    """``sentence`` with "it", the subject of a describing verb, replaced by the record it
    stands for: the subject earlier in the sentence, else the one the sentence before names."""
    out: list[str] = []
    last = 0
    for m in _IT_SUBJECT.finditer(sentence):
        # the sentence so far with its earlier "it"s said out: "the sowing records ..., and it"
        noun = _antecedent("".join(out) + sentence[last : m.start(1)]) or _antecedent(previous)
        if noun is None:
            continue
        out.append(sentence[last : m.start(1)] + f"the {noun}")
        last = m.end(1)
    return "".join(out) + sentence[last:] if out else sentence


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
