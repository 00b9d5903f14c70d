"""What a list or a parenthesis says: a record's attributes, kinds or examples of a thing, a
comment, steps to take, or a figure ("up to 50 points").

"(title, author, year)" lists attributes; "(tenancy agreements, invoices, manuals)" kinds;
"(just a name for now, contractors are not stored)" comments; "start a game, send hints"
steps.
"""

from __future__ import annotations

import re

from codeguild.intent.collector import Collector, names_someone
from codeguild.intent.compounds import VERBS
from codeguild.intent.entity_patterns import CLAUSE_END, NOUN_VERBS, SECTION_WORDS, VERB_CONTEXT
from codeguild.intent.fields import parse_field
from codeguild.intent.heads import verb_before
from codeguild.intent.inflect import is_plural
from codeguild.intent.language import ENGLISH_STOPWORDS
from codeguild.intent.lexicon import COMMAND_VERBS
from codeguild.intent.textutil import names_technology, split_items, strip_parentheticals


def _clause(rest: str) -> str:
    cut = CLAUSE_END.search(rest)
    return rest[: cut.start()] if cut else rest


_PROSE_WORDS = re.compile(r"\b(?:is|are|was|were|not|no|just|only|over|via|kept|e\.?g)\b")


_TYPE_NOTE = re.compile(r"\s+as\s+(?:an?\s+)?[a-z/]+$")


def reads_as_prose(items: list[str]) -> bool:
    """Parenthesised text that comments rather than lists attributes ("salt water as bool"
    is an attribute with its type)."""
    bare = [_TYPE_NOTE.sub("", i) for i in items]
    return any(len(i.split()) >= 4 or _PROSE_WORDS.search(i) for i in bare)


def imperative_verb(sentence: str, start: int, word: str) -> bool:
    """ "...: log ascents (climber, grade)": a verb opening a clause, said as an instruction."""
    before = sentence[:start].rstrip()
    opens = not before or before[-1] in ":;,(-" or before.endswith((" to", " can"))
    return opens and (word in NOUN_VERBS or word in COMMAND_VERBS or word in VERBS)


def section_heading(phrase: str) -> bool:
    """ "Tasks: ..." heads a part of the document; "cleaning tasks: ..." names a record."""
    words = phrase.split()
    return words[-1] in SECTION_WORDS and (len(words) == 1 or words[-2] in ENGLISH_STOPWORDS)


def lists_kinds(items: list[str]) -> bool:
    """ "(tenancy agreements, invoices, manuals)": mostly plural nouns name kinds or examples."""
    plural = sum(1 for i in items if is_plural(strip_parentheticals(i).split()[-1]))
    return len(items) >= 2 and plural * 2 > len(items)


def lists_attributes(items: list[str], col: Collector, least: int = 2) -> bool:
    """The list opens with an attribute and at least ``least`` items read as attributes, not
    clauses ("it reads a manifest", "start a game, send hints") or actions ("add, multiply and
    transpose")."""
    parsed = [parse_field(i, col.text) is not None for i in items]
    # a lone command verb is an action ("add, multiply"); before a noun it names one ("archive
    # url", "export date")
    found = [
        ok and not (len(i.split()) == 1 and i in COMMAND_VERBS)
        for ok, i in zip(parsed, items, strict=True)
    ]
    return bool(parsed) and parsed[0] and sum(found) >= least


# a figure or an input before a noun: "up to 50 pickup points", "given a driver's age"
_QUANTITY_BEFORE = re.compile(r"(?:\d[\d,.]*[a-z]*|given|takes|accepts)\s+(?:[a-z-]+\s+){0,2}$")


def after_quantity(sentence: str, start: int) -> bool:
    return bool(_QUANTITY_BEFORE.search(sentence[max(0, start - 40) : start]))


def someone_notes(lead: re.Match[str]) -> bool:
    """ "Runners record their races", "landlords list apartments (...)": someone noting things
    down, not a record described by what it notes."""
    verb = lead.string[lead.end(1) : lead.start(2)].split()
    if verb[0] not in _NOTE_VERBS:
        return False
    if re.match(r"(?:their|his|her|our|my|your|every|each|all)\s", lead.group(2)):
        # "cafes list their menu items", "the pages list every screening": records kept, not
        # attributes of the one who lists them
        return True
    item = strip_parentheticals(split_items(_clause(lead.group(2)))[0])
    first = re.split(r"\s(?:with|for|in|from|to|on|at)\s", item)[0].split()
    return names_someone(lead.group(1).split()[-1]) or (bool(first) and is_plural(first[-1]))


_NOTE_VERBS = frozenset({"record", "track", "log", "list"})


_DETERMINERS = frozenset({"a", "an", "the", "each", "every", "my", "our", "its"})


def noun_not_verb(lower: str, start: int) -> bool:
    """A word like "list" or "record" used as a noun ("waiting list entries", "maintenance
    record belongs"): a determiner comes before it, or the word before it is neither a
    subject, a modal nor a clause start."""
    verb = lower[start:].split(maxsplit=1)[0]
    before = lower[max(0, start - 30) : start].rstrip()
    if before and before.split()[-1] in _DETERMINERS:
        return True  # "each booking belongs to a room": a determiner takes a noun
    if verb not in NOUN_VERBS:
        return False
    if not before or before[-1] in ",.;:!?-*(\n":
        return False
    # a plural subject makes it a verb: "tenants log repair requests"
    return before.split()[-1] not in VERB_CONTEXT and not verb_before(lower, start)


_PAREN_LIST = re.compile(r"\(([^()]*,[^()]*)\)")
# a parenthesis that annotates a value: a range, a type, examples ("1-4, integer",
# "arm, back, ...", "e.g. music, geography")
_VALUE_NOTE = re.compile(
    r"\d|\.\.\.|\betc\b|\be\.?g\b|\b(?:int|integer|float|decimal|bool|boolean|date|datetime"
    r"|string|text|yes/no|true/false|optional|required|unique)\b"
)


def has_field_list(text: str) -> bool:
    """Whether ``text`` holds a parenthesised list of attributes ("rooms (number, floor)"),
    not a note on one value ("priority (1-4, integer)", "placement (arm, back, ...)")."""
    return any(not _VALUE_NOTE.search(m.group(1)) for m in _PAREN_LIST.finditer(text))


def typed_attributes(items: list[str], col: Collector, least: int = 2) -> bool:
    """Items that read unmistakably as attributes: each one parses as a field, none is a
    plural, a technology or an action, and one carries a type of its own ("archive url",
    "captain flag"); "fast, secure" or "extract, clean" do not."""
    if len(items) < least:
        return False
    parsed = [parse_field(i, col.text) for i in items]
    if any(
        p is None or is_plural(i.split()[-1]) or names_technology(i) or i.split()[0] in VERBS
        for p, i in zip(parsed, items, strict=True)
    ):
        return False
    return any(p is not None and p.field.type != "str" for p in parsed) or (
        least == 1 and len(items[0].split()) >= 2
    )
