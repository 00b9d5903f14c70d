"""Products the gazetteer does not list, read from how the text introduces them.

Three ways a requirement names a product whatever it is called: in brackets after the kind of
system it is ("our box office system (Spektrix)"), as a camel-case name with an API, SDK or
workspace ("the MusicBrainz API", "a fontTools dependency"), and as the object of a permission
to depend on something ("fine to depend on networkx", "Tesseract is fine").
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from codeguild.intent.gazetteer import is_technology

_SYSTEM_NOUNS = (
    r"system|platform|provider|tool|software|crm|erp|cms|helpdesk|help desk|service|app"
    r"|database|warehouse|broker|queue|store|shop|ticketing|booking|accounting|payroll|till"
    r"|lims|emr|ehr|portal|suite|package|vendor|product"
)
_NAME = r"([A-Z][A-Za-z0-9]*[a-z][A-Za-z0-9]*(?:[ .-][A-Z][A-Za-z0-9]+)?)"
_CAMEL = r"((?:[A-Z][a-z0-9]+|[a-z]+)[A-Z][A-Za-z0-9]*)"
_BRACKETED = re.compile(rf"\b(?:{_SYSTEM_NOUNS})\s*\(\s*(?:called\s+|namely\s+)?{_NAME}\s*\)")
_CAMEL_WITH = re.compile(
    rf"(?<![\w.]){_CAMEL}\s+(?:API|APIs|SDK|base|workspace|account|folder|bucket|webhooks?"
    r"|integration|instance|tenant|library|package|dependency)\b"
)
_TOKEN = r"\b([A-Za-z][\w.+-]*[A-Za-z0-9])"
_PERMITTED = re.compile(
    r"\b(?:(?:may|can|could|might) use|(?:fine|ok|okay|allowed|free) to (?:use|depend on)"
    r"|depend(?:s|ing)? on|built on(?: top of)?|powered by)"
    rf"\s+{_TOKEN}(?=\s*(?:[,.;)]|$|\s+(?:for|as|to|and|is|if|but|where)\b))"
    rf"|(?<![.!?]\s){_TOKEN}\s+(?:is|are)\s+(?:fine|allowed|ok|okay|acceptable)\b"
)
_NOT_NAMES = frozenset(
    {
        *("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"),
        *("january", "february", "march", "april", "may", "june", "july", "august"),
        *("september", "october", "november", "december", "optional", "required", "legacy"),
        *("internal", "external", "new", "old", "beta", "it", "this", "that", "them"),
        *("everything", "anything", "something", "nothing", "python"),
    }
)


def _looks_like_a_name(word: str, mid_sentence: bool) -> bool:
    """Whether ``word`` is spelled like a product rather than an English word."""
    if word.lower() in _NOT_NAMES or is_technology(word):
        return False
    if re.search(r"\d|[a-z][A-Z]", word):
        return True
    if mid_sentence and word[0].isupper() and not word.rstrip("s").isupper():
        return True
    return bool(re.search(r"(?:py|js|db|ql|lib|kit|io|x)$", word)) and word.islower()


def unlisted_products(text: str) -> Iterator[tuple[str, int, int]]:
    """(lowercase name, start, end) of each product named in one of the three ways."""
    for pattern in (_BRACKETED, _CAMEL_WITH):
        for m in pattern.finditer(text):
            word = m.group(1)
            if word.lower() not in _NOT_NAMES and not is_technology(word):
                yield re.sub(r"[ .]+", "-", word.lower()), m.start(1), m.end(1)
    for m in _PERMITTED.finditer(text):
        group = 1 if m.group(1) else 2
        word = m.group(group)
        if not word:
            continue
        start = m.start(group)
        mid = bool(re.search(r"[\w,;]\s+$", text[max(0, start - 3) : start]))
        if _looks_like_a_name(word, mid):
            yield word.lower(), start, m.end(group)
