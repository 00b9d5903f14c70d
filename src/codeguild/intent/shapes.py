"""More ways a requirement describes one record and its fields, sentence by sentence.

"- Book: title, author, year", "Song fields: title, artist", "each patient's name, date of birth
and blood type", "for each product we need a name and a price", "products should include a
name", "Enrollment has a date", "Customer { name: string, email: string }".
"""

from __future__ import annotations

import re

from codeguild.intent.collector import Collector, could_be_noun
from codeguild.intent.compounds import VERBS
from codeguild.intent.entity_patterns import CLAUSE_START, SECTION_WORDS, W
from codeguild.intent.fields import parse_field
from codeguild.intent.inflect import is_plural
from codeguild.intent.layouts import rewrite_layouts
from codeguild.intent.lexicon import COMMAND_VERBS, word_set
from codeguild.intent.textutil import is_noun_candidate, names_technology, split_items

_BULLET = r"^(?:[-*\u2022]|\d+[.)])?\s*"
# "Book: title, author" at the start of a line; "Song fields: ..." names the record too
_HEADING = re.compile(
    # two words only behind a bullet ("- ski set: brand, ..."); "data pipeline: ingest ..." at
    # the start of a prose line is a heading
    rf"(?:{_BULLET}({W})|^(?:[-*\u2022]|\d+[.)])\s*({W}\s+"
    rf"(?!(?:fields|attributes|properties|columns|details|data|info)\b){W}))"
    r"(?:\s+(?:fields|attributes|properties|columns|details|data|info))?\s*:\s*"
    r"([^:]+)$"
)
# "training session fields: date, ...": the word "fields" marks a record's layout anywhere
_LAYOUT_HEADING = re.compile(
    rf"\b({W}\s+{W})\s+(?:fields|attributes|properties|columns)\s*:\s*([^:]+)$"
)
# "store for each barrel its wood type and volume"; "line items, each with a price"
_STORE_FOR_EACH = re.compile(
    r"\b(?:store|keep|record|track|save|log)s?\s+for (?:each|every)\s+"
    rf"({W}(?:\s+(?!(?:its|their|the)\b){W})?)\s+(.+)"
)
_EACH_WITH_AFTER = re.compile(rf"\b({W}(?:\s+{W})?),\s+each\s+(?:with|having|has|holding)\s+(.+)")
_OWNED_HEADING = re.compile(
    rf"\b({W}(?:\s+{W})?)\s+(?:that\s+|which\s+)?(?:i|we|you|they|people|users|customers)"
    r"\s+(?:own|have|sell|collect|keep|track|manage|store|rent|make|use)\s*:\s*([^:]+)$"
)
_POSSESSIVE = re.compile(
    # "their owner's name" inside a list is a field of the record being described
    rf"(?<!with )\b(?:each|every|the|a|an|their|our)\s+({W})'s\s+"
    r"((?:[\w -]+,\s*)+(?:and\s+)?[\w -]+)"
)
_FOR_EACH = re.compile(
    rf"\bfor (?:each|every) ({W}(?:\s+(?!(?:we|you|i|it|they|the)\b){W})?)(?:,)?\s+"
    r"(?:(?:we|you|i|it|they|the system|the app)\s+)?(?:'d like|would like|need|needs|want"
    r"|keep track of|store|stores|keep|keeps|track|record|should (?:have|store|keep|record)"
    r"|must (?:have|store|keep|record))\s*:?\s+(?:to (?:store|know|keep|record)\s+)?(.+)"
)
_MODAL_HAS = re.compile(
    # obligation, not ability: "farmers can record fields" says what farmers do
    rf"^(?:the\s+)?({W})\s+(?:should|must|will|need to)\s+(?:have|include|contain)\s+"
    r"(?!to\b|access\b|many\b|multiple\b)(.+)"
)
_BARE_HAS = re.compile(
    # "hive have name, location" is written by someone whose English is not native
    rf"^({W})\s+(?:has|have|contains|includes|holds|stores|records)\s+(?!to\b|been\b|access\b"
    r"|many\b|multiple\b|several\b)(.+)"
)
_CLAUSE_STOP = re.compile(
    r"\s+(?:which|that|so that|so|but|while|when|because|if)\s|[;]|,?\s+(?:and\s+)?(?:each|every)\s"
)
# words that head a line without naming a record ("NFR: ...", "Project: ...")
_NOT_RECORDS = word_set(
    """nfr nfrs project brief context goal goals usage example note notes stack tech constraint
    constraints non-functional functional scope output input api ui cli todo deployment
    performance security summary overview description title"""
)
_EACH_COLON = re.compile(
    rf"\b(?:each|every|per)\s+({W}(?:\s+{W})?)\s*(?::|\s[-\u2013]|,\s*(?:its|their)\b)\s*([^:]+)$"
)
# attributes before "of each X": "record the name, breed and date of birth of each horse"
_OF_EACH = re.compile(
    r"\b(?:record|store|keep|track|know|capture|save|hold|log)s?\s+(?:the\s+)?([^:]+?)\s+"
    rf"of (?:each|every)\s+({W})\b"
)
# "for shipments we need: a tracking code, ...": a plural record, then what is kept about it
_FOR_PLURAL = re.compile(
    rf"\bfor (?:(?:our|the|all|their)\s+)?({W}(?:\s+{W})?)\s*,?\s+(?:we|i|you|it)\s+"
    r"(?:need|want|store|keep|track|record|must store|should store)(?:\s+to (?:store|know|keep))?"
    r"\s*:?\s+(.+)"
)
_BRACES = re.compile(r"\{([^{}]*)\}")
# where the rows are kept, not what they are: "fixtures sheet columns", "orders table fields"
_CONTAINER = re.compile(r"\s+(?:sheet|tab|spreadsheet|table|file|export|csv|list)$")
# "a Rule object (frequency, ...)", "a Traverse class": a type the code defines, named as
# code names it, is no record ("collection objects" of a museum are)
_CODE_TYPE = re.compile(
    r"(?<=[a-z,(] )[A-Z][A-Za-z]*\s+"
    r"(?:objects?|class(?:es)?|instances?|structs?|dataclass(?:es)?|enums?)\b"
)
# "type SamplingSite { name: String! }": a schema's declaration keyword and required marks
_SCHEMA_KEYWORD = re.compile(
    r"^[ \t]*(?:type|input|interface|model|record|struct)[ \t]+(?=[A-Z])", re.M
)
# "A customer is simple: name, address", "the members are real records: number, name",
# "a queue entry is: singer name + song title"
_IS_COLON = re.compile(
    rf"^(?:(?:the|an?|each|every|our)\s+)?({W}(?:\s+{W})?)\s+(?:is|are)\b[^:,]{{0,60}}:\s*([^:]+)$"
)
# "flavours: each has a name, a base and a price"
_HEADING_EACH = re.compile(
    rf"^({W}(?:\s+{W})?)\s*:\s*(?:each|every one)(?:\s+(?:one|of them))?\s+"
    r"(?:has|have|holds|records|stores|keeps|with)\s+(.+)$"
)
# "bidders register with a name and an email": people who give their details are records
_REGISTER_WITH = re.compile(
    rf"^(?:the\s+)?({W}(?:\s+{W})?)\s+(?:register|sign up|enrol|enroll|are registered|check in"
    r"|join)\s+with\s+(.+)$"
)
# "for a player we keep the name": one record of a kind, then what is kept about it
_FOR_ONE = re.compile(
    rf"\bfor (?:a|an|one) ({W}(?:\s+(?!(?:we|you|i|it|they|the)\b){W})?),?\s+"
    r"(?:we|i|you|they|the system|the app)\s+(?:need|want|store|keep|record|track|note"
    r"|keep track of|should (?:store|keep|record)|must (?:store|keep|record))\s*:?\s+(.+)"
)


_TABLE_ROW = re.compile(r"^\s*\|\s*([\w ]+?)\s*\|\s*([^|\n]+?)\s*\|.*$", re.MULTILINE)
_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{3,}.*$", re.MULTILINE)
# one line only: "data\n- scholarship: ..." is a heading above a bullet, not "data - ..."
_DASH_HEADING = re.compile(
    r"^([ \t]*(?:(?:[-*]|\d+[.)])[ \t]+)?[a-z][\w]*(?: [a-z]\w*)?)[ \t]+[-\u2013][ \t]+(?=\w)",
    re.MULTILINE,
)
# "orchid seedlings - cross name, sown on, germination rate": a dash before a list
_DASH_LIST = re.compile(r"(?<=[a-z]s)[ \t]+[-\u2013][ \t]+(?=[a-z][^.\n]*,)")
# markdown emphasis and title lines carry no record layout of their own
_EMPHASIS = re.compile(r"\*\*|__|`")
_TITLE_LINE = re.compile(r"^[ \t]*#+[ \t].*$", re.MULTILINE)
_DECLARED_NAME = re.compile(r"\b([A-Z][a-z]+)([A-Z][a-z]+)\b(?=\s*[({|:])")
# a function signature ("expand(rule, start, end) -> list[Occurrence]") lists parameters,
# not a record's attributes; a call nested one deep ("to_text(parse(s))") is one too
_CALL_ARGS = r"\((?:[^()\n]|\([^()\n]*\))*\)"
# "order_lines(sku, qty)" may be a table; "to_text(rule)" and "get_rate(day)" are calls
_CALL_VERBS = "|".join(sorted(COMMAND_VERBS | VERBS | {"to", "from", "is", "has", "set", "as"}))
_SIGNATURE = re.compile(
    rf"\b[a-z_][a-z0-9_.]*{_CALL_ARGS}\s*(?:->|\u2192)\s*[\w\[\]., |]*(?<=[\]\w])"
    rf"|\b(?:{_CALL_VERBS})_[a-z0-9_]+{_CALL_ARGS}"
)


# "every contact (QSO): callsign, ...": an alias between a record and its attributes
_ALIAS_BEFORE_COLON = re.compile(r"[ \t]*\([^(),:\n]{1,30}\)(?=[ \t]*:)")
# "artist (-> Artist)": the arrow says the field links to a record; its name says which
_REFERENCE = re.compile(r"[ \t]*\(?[ \t]*(?:->|\u2192)[ \t]*[A-Za-z_]\w*[ \t]*\)?")
# "cameras (brand, shutter tested (y/n))": a parenthesis inside a field list
_NESTED = re.compile(r"\(([^()]*)\(([^()]*)\)")
_INNER_TYPE = re.compile(
    r"^\s*(?:y/n|yes/no|true/false|bool|boolean|int|integer|date|datetime|decimal|float|text"
    r"|string)\s*$",
    re.IGNORECASE,
)


def _flatten_inner(m: re.Match[str]) -> str:
    inner = m.group(2)
    note = f" as {inner.strip()}" if _INNER_TYPE.match(inner) else ""
    return f"({m.group(1).rstrip()}{note}"


def normalise_layout(text: str) -> str:
    """Layouts that say "record: fields" another way, rewritten to it: ``Customer { name }``,
    ``ServiceVisit(date)``, table rows ``| Invoice | number, amount |``, ``users - id, name``.
    Returns lower-case text."""
    text = _SIGNATURE.sub(" ", _EMPHASIS.sub("", _TITLE_LINE.sub("", rewrite_layouts(text))))
    text = _REFERENCE.sub("", _ALIAS_BEFORE_COLON.sub("", text))
    text = _CODE_TYPE.sub(" ", _SCHEMA_KEYWORD.sub("", text).replace("!", ""))
    while _NESTED.search(text):
        text = _NESTED.sub(_flatten_inner, text)
    text = _DECLARED_NAME.sub(r"\1 \2", text).lower()
    text = _BRACES.sub(lambda m: "(" + m.group(1).replace(";", ",") + ")", text)
    text = _TABLE_RULE.sub("", text)
    text = _TABLE_ROW.sub(lambda m: f"- {m.group(1)}: {m.group(2)}", text)
    text = _DASH_HEADING.sub(r"\1: ", text)
    return _DASH_LIST.sub(": ", text)


def _fields(col: Collector, items: list[str]) -> int:
    return sum(1 for item in items if parse_field(item, col.text) is not None)


def _record(
    col: Collector,
    phrase: str,
    items: list[str],
    pos: int,
    min_fields: int = 2,
    *,
    determined: bool = False,
) -> None:
    word = phrase.split()[-1]
    if word in SECTION_WORDS or word in _NOT_RECORDS:
        return
    if word in COMMAND_VERBS and not (determined and _fields(col, items) >= 3):
        return  # "- export: csv, json" names a command; "- round: title, number, quiz" a record
    if names_technology(word):
        return
    # in a defining slot a compound names its record even with a software head ("order lines")
    noun_like = is_noun_candidate(word) or (
        determined and (could_be_noun(word) or " " in phrase.strip())
    )
    if not noun_like or _fields(col, items) < min_fields:
        return
    noun = col.noun(phrase, determined=determined)
    if noun:
        col.add_fields(col.add(noun, pos), items)


def _clause(rest: str) -> str:
    cut = _CLAUSE_STOP.search(rest)
    return rest[: cut.start()] if cut else rest


def scan_shapes(sentence: str, offset: int, col: Collector) -> None:
    """Add the records ``sentence`` describes in one of the shapes above."""
    heading = _HEADING.match(sentence)
    named = heading and (heading.group(1) or heading.group(2))
    if heading and named and not is_plural(named.split()[-1]):
        # plural headings are read by the entity scanner already
        _record(col, named, split_items(heading.group(3)), offset, determined=True)
    owned = _OWNED_HEADING.search(sentence)
    if owned:
        _record(col, owned.group(1), split_items(owned.group(2)), offset + owned.start())
    for m in _POSSESSIVE.finditer(sentence):
        if re.search(r"\b(?:given|takes|accepts|from|by)\s*$", sentence[: m.start()]):
            continue  # "given a driver's age and postcode": what a function is handed
        items = split_items(_clause(m.group(2)))
        _record(col, m.group(1), items, offset + m.start(), determined=True)
    for m in _FOR_EACH.finditer(sentence):
        items = split_items(_clause(m.group(2)))
        _record(col, m.group(1), items, offset + m.start(), determined=True)
    for m in _OF_EACH.finditer(sentence):
        items = split_items(m.group(1))
        _record(col, m.group(2), items, offset + m.start(2), determined=True)
    for m in _FOR_PLURAL.finditer(sentence):
        if is_plural(m.group(1).split()[-1]):
            _record(col, m.group(1), split_items(_clause(m.group(2))), offset + m.start(1))
    layout = _LAYOUT_HEADING.search(sentence)
    if layout:
        phrase = _CONTAINER.sub("", layout.group(1))
        _record(col, phrase, split_items(layout.group(2)), offset, determined=True)
    for regex in (_STORE_FOR_EACH, _EACH_WITH_AFTER):
        for m in regex.finditer(sentence):
            items = split_items(_clause(m.group(2)))
            _record(col, m.group(1), items, offset + m.start(1), determined=True)
    for regex in (_IS_COLON, _HEADING_EACH):
        lead = regex.match(sentence)
        # "Judging is chaos: paper forms, ...": a record is named with an article or in the
        # plural ("A customer is simple:", "Skaters are the heart of it:")
        if lead and (
            regex is _HEADING_EACH
            or is_plural(lead.group(1).split()[-1])
            or sentence[: lead.start(1)].strip()
        ):
            items = split_items(_clause(lead.group(2)))
            _record(col, lead.group(1), items, offset, determined=True)
    joined = _REGISTER_WITH.match(sentence)
    if joined and is_plural(joined.group(1).split()[-1]):
        _record(col, joined.group(1), split_items(_clause(joined.group(2))), offset)
    for m in _FOR_ONE.finditer(sentence):
        items = split_items(_clause(m.group(2)))
        _record(col, m.group(1), items, offset + m.start(1), determined=True)
    for m in _EACH_COLON.finditer(sentence):
        # "we record every visit: the pet, the vet and the date"
        _record(col, m.group(1), split_items(m.group(2)), offset + m.start(), determined=True)
    # a clause after a colon or "where" starts afresh: "a backend where products should ..."
    parts = [sentence] + [sentence[m.end() :].lstrip() for m in CLAUSE_START.finditer(sentence)]
    for part in parts:
        for regex in (_MODAL_HAS, _BARE_HAS):
            lead = regex.match(part)
            if lead:
                items = split_items(_clause(lead.group(2)))
                _record(col, lead.group(1), items, offset, min_fields=1)
