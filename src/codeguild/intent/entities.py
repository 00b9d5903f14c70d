"""Domain entities and their fields from requirement text, by patterns over sentences.

Patterns read: "books (title, author)", "each book has a title and an author", "products with a
name and price", "manage books and authors", "an order belongs to a customer", "orders have many
items". Fields that name another entity become foreign keys.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from codeguild.intent.compounds import VERBS, is_modifier_noun
from codeguild.intent.fields import ParsedField, default_fields, parse_field
from codeguild.intent.gazetteer import is_technology
from codeguild.intent.inflect import is_plural, pascal, plural_phrase, singular
from codeguild.intent.lexicon import (
    GENERIC_HEADS,
    MANAGEMENT_VERBS,
    word_set,
)
from codeguild.intent.models import Entity, EntityField
from codeguild.intent.textutil import (
    is_noun_candidate,
    sentences,
    split_items,
    strip_parentheticals,
)

_W = r"[a-z][a-z0-9_-]*"
_PAREN = re.compile(rf"({_W}(?:\s+{_W})?)\s*\(([^()]*)\)")
_HAS = re.compile(
    rf"\b(?:each|every|an?|the|one|any)\s+({_W}(?:\s+{_W})?)\s+(?:has|have|should have|must have"
    r"|will have|needs|contains?|includes?|consists of|is described by|holds|stores|gets)"
    r"\s+(?!to\b|been\b|access\b)(.+)"
)
_PLURAL_HAS = re.compile(
    rf"^(?:the\s+)?({_W}(?:\s+{_W})?)\s+(?:have|contain|include|consist of|need|store|hold)\s+"
    r"(?!to\b|been\b)(.+)"
)
_WITH = re.compile(
    rf"\b({_W})\s+(?:with|having|containing|that (?:have|has|contain|store)s?"
    r"|which (?:have|has|contain)|including|consisting of|storing)\s+"
    r"(?:(?:the\s+)?(?:fields?|attributes?|properties|columns)\s*:?\s*)?(.+)"
)
_COLON = re.compile(rf"\b({_W}(?:\s+{_W})?)\s*:(?!\s*(?:each|every)\b)\s*([^:]+)$")
_SEP = r"\s*(?:,\s*(?:and\s+|or\s+)?|\s+and\s+|\s+or\s+|\s*&\s*)"
_ITEM = (
    rf"(?!(?:and|or|a|an|the)\b){_W}(?:\s+(?!(?:and|or|with|for|in|to|from|by|belongs|has|have"
    rf"|is|are|needs|contains|includes|references|gets)\b){_W})?"
)
_NOUN_LIST = rf"{_ITEM}(?:{_SEP}(?:the\s+|their\s+)?{_ITEM})*"
_MANAGE = re.compile(
    rf"\b(?:{MANAGEMENT_VERBS})\b\s+(?:(?:their|your|my|the|our|all|new|existing|multiple|many"
    rf"|different|user|personal)\s+)?({_NOUN_LIST})"
)
_ABOUT = re.compile(
    r"\b(?:api|service|backend|app|application|system|endpoints?|database|tracker|manager)\s+"
    rf"(?:for|of|about|to manage|to track|that manages|that tracks|managing|tracking)\s+"
    rf"(?:(?:the|their|your|my|our|all)\s+)?({_NOUN_LIST})"
)
_DECLARED = re.compile(
    r"\b(?:entities|models|resources|tables|collections|objects|record types)\s*(?::|called|named"
    rf"|like|such as)?\s*((?:{_W}\s*(?:\([^()]*\))?\s*(?:,\s*(?:and\s+)?|\s+and\s+|\s*[.;]|$))+)"
)
# words that end a noun phrase
_STOP = (
    r"(?:and|or|with|for|in|to|from|by|on|at|of|has|have|is|are|was|were|which|that|who|when"
    r"|where|if|but|so|can|must|should|will|may|each|every|also|via|using|as)"
)
_BELONGS = re.compile(
    rf"\b({_W}(?:\s+{_W})?)\s+(?:belongs? to|(?:is|are) (?:owned|written|assigned|created|placed"
    r"|authored|made) by|(?:is|are) (?:linked|assigned) to|(?:is|are) part of|references?"
    r"|refers to)"
    rf"\s+(?:an?|one|the|exactly one|a single|its|their)?\s*({_W}(?:\s+(?!{_STOP}\b){_W})?)"
)
_MORE_PARENTS = re.compile(
    r"(?:,\s*|\s+)(?:and\s+)?(?:belongs? to|references?|refers to|is linked to|is for)\s+"
    rf"(?:an?|one|the|exactly one|a single)?\s*({_W})"
    rf"|^\s*(?:,\s*|\s+)and\s+(?:an?|one|the|its|their)\s+({_W})\b(?!\s+(?:has|have|is|are))"
)
_REST_FIELDS = re.compile(r"(?:,\s*|\s+)(?:and\s+)?(?:with|has|have|having|stores?)\s+(.+)$")
_ACTION_ITEM = re.compile(
    r"^(?:show|list|add|create|update|delete|remove|export|import|print|send|compute|calculate"
    r"|generate|display|allow|support|let|track|manage|view|edit|search)\s+\w+"
)
_MANY = re.compile(
    rf"\b({_W})\s+(?:can\s+|may\s+|will\s+)?(?:{_W}\s+)?(?:many|multiple|several|one or more"
    rf"|zero or more|a list of|lots of|any number of)\s+({_W}(?:\s+{_W})?)"
)
_TO_MANY_ITEM = re.compile(
    r"^(?:many|multiple|several|one or more|zero or more|a list of|lots of|any number of|a set of)"
    rf"\s+({_W}(?:\s+{_W})?)$"
)
_CLAUSE_END = re.compile(
    r"\s+(?:which|that|where|so that|so|but|while|when|because|if)\s|\s+and\s+(?:can|should|must"
    r"|is|are|users?|it|they|we|the (?:api|app|tool|cli|service))\b"
    r"|,?\s+(?:and\s+)?(?:each|every)\s|[:;]"
)
_ANNOTATION = re.compile(
    r"^\s*(?:eg|ie|optional|like|such as|see|for example|in|as|at|on|and|or)\b"
)
_AUTH_SUBJECTS = {"user", "account", "login"}
# management verbs that are also nouns, and the words after which they are verbs
_NOUN_VERBS = word_set("list lists record records log logs book books store stores")
_VERB_CONTEXT = word_set(
    """to can will should must may might could would and or also then users user i we you they
    it please that which who easily quickly app tool api service cli script can't cannot"""
)
# headings of a requirements document ("Steps: extract, clean, load"), never record types
_SECTION_WORDS = word_set(
    """sources steps requirements notes goals rules features background purpose scope behaviour
    behavior quality stack constraints deliverables tasks outputs inputs examples commands
    options entities models tables resources"""
)
# third-person verbs that read like plural nouns before "with"
_VERB_HEADS = frozenset({"works", "comes", "deals", "integrates", "plays", "helps", "starts"})


@dataclass
class _Draft:
    words: tuple[str, ...]
    pos: int
    fields: dict[str, ParsedField] = field(default_factory=dict)
    parents: list[str] = field(default_factory=list)

    @property
    def key(self) -> str:
        return "_".join(self.words)


@dataclass
class EntityExtraction:
    """Entities found, plus what was assumed while finding them."""

    entities: list[Entity]
    assumptions: list[str]
    described: int  # entities the text gave fields for (the rest got defaults)


class _Collector:
    def __init__(self, text: str) -> None:
        self.text = text
        self.drafts: dict[str, _Draft] = {}
        self.notes: list[str] = []

    def noun(self, phrase: str) -> tuple[str, ...] | None:
        """Entity words for a noun phrase ("todo items" -> ('todo', 'item')), or None."""
        words = strip_parentheticals(phrase).strip(" .,;:!?").split()
        if not words:
            return None
        head = words[-1]
        if head in GENERIC_HEADS and len(words) > 1 and is_noun_candidate(words[-2]):
            return (singular(words[-2]) if words[-2] != "todo" else "todo", singular(head))
        if not is_noun_candidate(head):
            return None
        if len(words) > 1 and is_modifier_noun(words[-2]):
            # a noun before the head makes a compound ("purchase orders" -> PurchaseOrder)
            return (words[-2], singular(head))
        return (singular(head),)

    def add(self, words: tuple[str, ...], pos: int) -> _Draft:
        key = "_".join(words)
        if key not in self.drafts:
            self.drafts[key] = _Draft(words=words, pos=pos)
        draft = self.drafts[key]
        draft.pos = min(draft.pos, pos)  # entities are listed in order of first mention
        return draft

    def add_fields(self, draft: _Draft, items: list[str]) -> None:
        for item in items:
            to_many = _TO_MANY_ITEM.match(item.strip())
            if to_many:
                child = self.noun(to_many.group(1))
                if child:
                    self.add(child, draft.pos + 1).parents.append(draft.key)
                continue
            if _ACTION_ITEM.match(item.strip()):
                continue
            parsed = parse_field(item, self.text)
            if parsed is None:
                continue
            if parsed.note:
                self.notes.append(parsed.note)
            if parsed.field.name != "id":
                draft.fields.setdefault(parsed.field.name, parsed)


def _clause(rest: str) -> str:
    cut = _CLAUSE_END.search(rest)
    return rest[: cut.start()] if cut else rest


def _plural_items(items: list[str], col: _Collector) -> list[tuple[str, ...]] | None:
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


def _scan_sentence(sentence: str, offset: int, col: _Collector) -> None:
    for m in _PAREN.finditer(sentence):
        content = m.group(2)
        if _ANNOTATION.match(content) or not re.search(r"[a-z]", content):
            continue
        items = split_items(content)
        head = m.group(1).split()
        if not is_plural(head[-1]) and (
            len(items) < 2 or _has_article(sentence, m, head) or _in_list(sentence, m)
        ):
            continue  # "a priority (low, medium or high)" annotates a field, not an entity
        if len(items) < 2 and len(head) > 1 and head[-2] in VERBS:
            continue  # "approve orders (role-based)" annotates an action
        noun = col.noun(m.group(1))
        if noun:
            col.add_fields(col.add(noun, offset + m.start()), items)
    for m in _HAS.finditer(sentence):
        noun = col.noun(m.group(1))
        if noun:
            col.add_fields(col.add(noun, offset + m.start()), split_items(_clause(m.group(2))))
    # a clause after a colon starts afresh: "a URL shortener: links have a url and a code"
    heads = [(sentence, 0)] + [
        (sentence[i + 1 :].lstrip(), i) for i, ch in enumerate(sentence) if ch == ":"
    ]
    for part, at in heads:
        lead = _PLURAL_HAS.match(part)
        if (
            lead
            and is_plural(lead.group(1).split()[-1])
            and not lead.group(2).startswith(("many", "multiple", "several"))
        ):
            noun = col.noun(lead.group(1))
            if noun:
                col.add_fields(col.add(noun, offset + at), split_items(_clause(lead.group(2))))
    for m in _WITH.finditer(sentence):
        items = split_items(_clause(m.group(2)))
        if all(is_technology(item) for item in items):
            continue  # "tickets with Stripe" names a service to use, not attributes
        if m.group(1) in _VERB_HEADS:
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
    colon = _COLON.search(sentence)
    if colon and colon.group(1).split()[-1] not in _SECTION_WORDS:
        items = split_items(colon.group(2))
        noun = col.noun(colon.group(1))
        plural_head = is_plural(colon.group(1).split()[-1])
        if noun and len(items) >= 2 and (plural_head or "_".join(noun) in col.drafts):
            col.add_fields(col.add(noun, offset + colon.start()), items)


def _noun_not_verb(lower: str, start: int) -> bool:
    """A word like "list" or "record" used as a noun ("waiting list entries", "maintenance
    record belongs"): the word before it is neither a subject, a modal nor a clause start."""
    verb = lower[start:].split(maxsplit=1)[0]
    if verb not in _NOUN_VERBS:
        return False
    before = lower[max(0, start - 30) : start].rstrip()
    if not before or before[-1] in ",.;:!?-*(\n":
        return False
    return before.split()[-1] not in _VERB_CONTEXT


def _in_list(sentence: str, m: re.Match[str]) -> bool:
    """The match is an item of a comma-separated list ("subject, priority (low, high)")."""
    return sentence[: m.start()].rstrip().endswith(",")


def _has_article(sentence: str, m: re.Match[str], head: list[str] | None = None) -> bool:
    start = m.start() + (len(m.group(1)) - len(head[-1]) if head else 0)
    before = sentence[:start].split()
    return bool(before) and before[-1] in {"a", "an", "each", "every"}


def _scan_lists(lower: str, col: _Collector) -> None:
    for regex in (_MANAGE, _ABOUT):
        for m in regex.finditer(lower):
            if regex is _MANAGE and _noun_not_verb(lower, m.start()):
                continue
            for i, item in enumerate(split_items(m.group(1))):
                words = item.split()
                noun = col.noun(item) if words and is_plural(words[-1]) else None
                if noun and len(words) <= 2:
                    col.add(noun, m.start(1) + i)
    for m in _DECLARED.finditer(lower):
        for i, item in enumerate(split_items(strip_parentheticals(m.group(1)))):
            noun = col.noun(item)
            if noun:
                col.add(noun, m.start(1) + i)
    for m in _BELONGS.finditer(lower):
        child, parent = col.noun(m.group(1)), col.noun(m.group(2))
        if child and parent and child != parent:
            col.add(parent, m.start(2))
            draft = col.add(child, m.start(1))
            draft.parents.append("_".join(parent))
            # the rest of the clause: "... and references a book, with a due date"
            rest = re.split(r"[.;!?\n]", lower[m.end() :], maxsplit=1)[0]
            for more in _MORE_PARENTS.finditer(rest):
                other = col.noun(more.group(1) or more.group(2))
                if other and other != child:
                    col.add(other, m.end() + more.start())
                    draft.parents.append("_".join(other))
            described = _REST_FIELDS.search(rest)
            if described:
                col.add_fields(draft, split_items(_clause(described.group(1))))
    for m in _MANY.finditer(lower):
        parent, child = col.noun(m.group(1)), col.noun(m.group(2))
        if parent and child and parent != child and is_plural(m.group(2).split()[-1]):
            col.add(parent, m.start(1))
            col.add(child, m.start(2)).parents.append("_".join(parent))


def _link_fields(draft: _Draft, keys: dict[str, str]) -> list[EntityField]:
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


def _merge_heads(drafts: dict[str, _Draft]) -> None:
    """A bare head ("orders") is the one compound that ends in it ("purchase orders")."""
    for key, draft in list(drafts.items()):
        if len(draft.words) != 1:
            continue
        compounds = [d for d in drafts.values() if len(d.words) > 1 and d.words[-1] == key]
        if len(compounds) != 1:
            continue
        target = compounds[0]
        for name, parsed in draft.fields.items():
            target.fields.setdefault(name, parsed)
        target.parents.extend(p for p in draft.parents if p != target.key)
        target.pos = min(target.pos, draft.pos)
        del drafts[key]
        for other in drafts.values():
            other.parents = [target.key if p == key else p for p in other.parents]


def extract_entities(text: str, *, auth: bool = False) -> EntityExtraction:
    """Find the entities of ``text``. With ``auth``, users are the login subject, not an entity."""
    lower = text.lower()
    col = _Collector(lower)
    offset = 0
    for sentence in sentences(lower):
        start = lower.find(sentence[:20], offset)
        offset = max(offset, start)
        _scan_sentence(sentence, offset, col)
    _scan_lists(lower, col)
    assumptions = list(dict.fromkeys(col.notes))
    if auth:
        for key in [k for k in col.drafts if k in _AUTH_SUBJECTS]:
            del col.drafts[key]
            assumptions.append(
                f"'{key}' is the login subject: user accounts come with authentication, so no "
                f"separate {pascal(key)} entity is generated."
            )
    _merge_heads(col.drafts)
    drafts = sorted(col.drafts.values(), key=lambda d: d.pos)
    keys = {d.key: pascal(d.key) for d in drafts}
    entities: list[Entity] = []
    described = 0
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
    return EntityExtraction(entities=entities, assumptions=assumptions, described=described)
