"""More ways a requirement describes one record and its fields, sentence by sentence.

"- Book: title, author, year", "Song fields: title, artist", "each patient's name, date of birth
and blood type", "for each product we need a name and a price", "products should include a
name", "Enrollment has a date", "Customer { name: string, email: string }".
"""

from __future__ import annotations

import re

from codeguild.intent.collector import Collector
from codeguild.intent.entity_patterns import CLAUSE_START, SECTION_WORDS, W
from codeguild.intent.fields import parse_field
from codeguild.intent.gazetteer import is_technology
from codeguild.intent.inflect import is_plural
from codeguild.intent.lexicon import COMMAND_VERBS, word_set
from codeguild.intent.textutil import is_noun_candidate, split_items

_BULLET = r"^(?:[-*\u2022]|\d+[.)])?\s*"
# "Book: title, author" at the start of a line; "Song fields: ..." names the record too
_HEADING = re.compile(
    rf"{_BULLET}({W})(?:\s+(?:fields|attributes|properties|columns|details|data|info))?\s*:\s*"
    r"([^:]+)$"
)
_OWNED_HEADING = re.compile(
    rf"\b({W}(?:\s+{W})?)\s+(?:that\s+|which\s+)?(?:i|we|you|they|people|users|customers)"
    r"\s+(?:own|have|sell|collect|keep|track|manage|store|rent|make|use)\s*:\s*([^:]+)$"
)
_POSSESSIVE = re.compile(
    rf"\b(?:each|every|the|a|an|their|our)\s+({W})'s\s+((?:[\w -]+,\s*)+(?:and\s+)?[\w -]+)"
)
_FOR_EACH = re.compile(
    rf"\bfor (?:each|every) ({W})(?:,)?\s+(?:(?:we|you|i|it|they|the system|the app)\s+)?"
    r"(?:need|needs|want|store|stores|keep|keeps|track|record|should (?:have|store|keep|record)"
    r"|must (?:have|store|keep|record))\s+(?:to (?:store|know|keep|record)\s+)?(.+)"
)
_MODAL_HAS = re.compile(
    # obligation, not ability: "farmers can record fields" says what farmers do
    rf"^(?:the\s+)?({W})\s+(?:should|must|will|need to)\s+(?:have|include|contain)\s+"
    r"(?!to\b|access\b|many\b|multiple\b)(.+)"
)
_BARE_HAS = re.compile(
    rf"^({W})\s+(?:has|contains|includes|holds|stores|records)\s+(?!to\b|been\b|access\b"
    r"|many\b|multiple\b|several\b)(.+)"
)
_CLAUSE_STOP = re.compile(r"\s+(?:which|that|so that|so|but|while|when|because|if)\s|[;]")
# words that head a line without naming a record ("NFR: ...", "Project: ...")
_NOT_RECORDS = word_set(
    """nfr nfrs project brief context goal goals usage example note notes stack tech constraint
    constraints non-functional functional scope output input api ui cli todo deployment
    performance security summary overview description title"""
)
_BRACES = re.compile(r"\{([^{}]*)\}")


_TABLE_ROW = re.compile(r"^\s*\|\s*([\w ]+?)\s*\|\s*([^|\n]+?)\s*\|.*$", re.MULTILINE)
_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{3,}.*$", re.MULTILINE)
_DASH_HEADING = re.compile(
    r"^(\s*(?:[-*]\s+)?[a-z][\w]*(?: [a-z]\w*)?)\s+[-\u2013]\s+(?=\w)", re.MULTILINE
)
_DECLARED_NAME = re.compile(r"\b([A-Z][a-z]+)([A-Z][a-z]+)\b(?=\s*[({])")


def normalise_layout(text: str) -> str:
    """Layouts that say "record: fields" another way, rewritten to it: ``Customer { name }``,
    ``ServiceVisit(date)``, table rows ``| Invoice | number, amount |``, ``users - id, name``.
    Returns lower-case text."""
    text = _DECLARED_NAME.sub(r"\1 \2", text).lower()
    text = _BRACES.sub(lambda m: "(" + m.group(1).replace(";", ",") + ")", text)
    text = _TABLE_RULE.sub("", text)
    text = _TABLE_ROW.sub(lambda m: f"{m.group(1)}: {m.group(2)}", text)
    return _DASH_HEADING.sub(r"\1: ", text)


def _fields(col: Collector, items: list[str]) -> int:
    return sum(1 for item in items if parse_field(item, col.text) is not None)


def _record(col: Collector, phrase: str, items: list[str], pos: int, min_fields: int = 2) -> None:
    word = phrase.split()[-1]
    if word in SECTION_WORDS or word in _NOT_RECORDS or word in COMMAND_VERBS:
        return
    if is_technology(word):
        return
    if not is_noun_candidate(word) or _fields(col, items) < min_fields:
        return
    noun = col.noun(phrase)
    if noun:
        col.add_fields(col.add(noun, pos), items)


def _clause(rest: str) -> str:
    cut = _CLAUSE_STOP.search(rest)
    return rest[: cut.start()] if cut else rest


def scan_shapes(sentence: str, offset: int, col: Collector) -> None:
    """Add the records ``sentence`` describes in one of the shapes above."""
    heading = _HEADING.match(sentence)
    if heading and not is_plural(heading.group(1)):
        # plural headings are read by the entity scanner already
        _record(col, heading.group(1), split_items(heading.group(2)), offset)
    owned = _OWNED_HEADING.search(sentence)
    if owned:
        _record(col, owned.group(1), split_items(owned.group(2)), offset + owned.start())
    for m in _POSSESSIVE.finditer(sentence):
        _record(col, m.group(1), split_items(_clause(m.group(2))), offset + m.start())
    for m in _FOR_EACH.finditer(sentence):
        _record(col, m.group(1), split_items(_clause(m.group(2))), offset + m.start())
    # a clause after a colon or "where" starts afresh: "a backend where products should ..."
    parts = [sentence] + [sentence[m.end() :].lstrip() for m in CLAUSE_START.finditer(sentence)]
    for part in parts:
        for regex in (_MODAL_HAS, _BARE_HAS):
            lead = regex.match(part)
            if lead:
                items = split_items(_clause(lead.group(2)))
                _record(col, lead.group(1), items, offset, min_fields=1)
