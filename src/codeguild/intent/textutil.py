"""Small text helpers shared by the extractors: sentences, list items, noun checks."""

from __future__ import annotations

import re
from functools import lru_cache

from codeguild.intent.gazetteer import is_technology
from codeguild.intent.language import ENGLISH_STOPWORDS
from codeguild.intent.lexicon import NON_ENTITY_NOUNS, word_set

_ABBREVIATIONS = re.compile(r"\b(?:e\.g|i\.e|etc|vs|approx)\.", re.IGNORECASE)
_SENTENCE_END = re.compile(r"(?<=[.!?;])\s+|\n+")
_ITEM_SPLIT = re.compile(
    # "small/medium/large" lists three values; "mg/l" is one unit
    r"\s*(?:,|;|(?<!\b\w)(?<!\b\w\w)/(?!\w\b)|&|\band/or\b|\bas well as\b|\band\b|\bor\b"
    r"|\bplus\b)\s*|\s+\+\s+"
)
_PAIRS = re.compile(r"\b(?:date and time|terms and conditions|questions and answers)\b")
# nouns that look like gerunds
_ING_NOUNS = word_set(
    """listing building booking meeting painting wedding parking recording posting holding
    offering ceiling earring clothing bedding filling pudding sibling duckling seedling reading
    rating sighting drawing finding filing"""
)
_NOT_NOUNS = word_set(
    """also then back able both either other same such well very each every many much more most few
    new old own all"""
)


def sentences(text: str) -> list[str]:
    """Split lower-cased ``text`` into sentences; abbreviations lose their dots first."""
    text = _ABBREVIATIONS.sub(lambda m: m.group(0)[:-1].replace(".", ""), text)
    parts = (s.strip().rstrip(".!?;").strip() for s in _SENTENCE_END.split(text))
    return [s for s in parts if s]


def split_items(content: str) -> list[str]:
    """Split an enumeration ("a, b and c (x, y)") into items, keeping parentheses whole."""
    groups: list[str] = []

    def hide(m: re.Match[str]) -> str:
        groups.append(m.group(0))
        return f"\x01{len(groups) - 1}\x01"

    masked = re.sub(r"\([^()]*\)", hide, content)
    # fixed pairs that name one attribute ("date and time") are not two items
    masked = _PAIRS.sub(lambda m: m.group(0).replace(" and ", "_and_"), masked)
    parts = _ITEM_SPLIT.split(masked)
    restored = (re.sub(r"\x01(\d+)\x01", lambda m: groups[int(m.group(1))], p) for p in parts)
    return [p.strip().replace("_and_", " and ") for p in restored if p and p.strip()]


def strip_parentheticals(text: str) -> str:
    return re.sub(r"\s*\([^()]*\)", "", text)


def is_noun_candidate(word: str) -> bool:
    """Whether ``word`` could name a domain thing (not a function word or software term)."""
    if "-" in word and word.endswith("s") and all(p.isalpha() for p in word.split("-")):
        word = word.replace("-", "")  # a hyphenated plural is a noun: "fill-ups", "check-ins"
    return (
        len(word) >= 3
        and word.isalpha()
        and word.isascii()
        and word not in ENGLISH_STOPWORDS
        and word not in NON_ENTITY_NOUNS
        and word not in _NOT_NOUNS
        # a gerund has no plural: "outings", "screenings" are nouns
        and (
            not word.endswith(("ing", "ly"))
            or word in _ING_NOUNS
            or (word.endswith("ings") and len(word) > 6)
        )
    )


@lru_cache(maxsize=4096)
def names_technology(phrase: str) -> bool:
    """Whether ``phrase`` is just a technology's name; remembered, since the scanners ask about
    the same list items many times and the gazetteer tries every technology in turn."""
    return is_technology(phrase)
