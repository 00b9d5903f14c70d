"""English noun number and identifier casing for entity and field names."""

from __future__ import annotations

import re
from functools import lru_cache

from codeguild.intent.lexicon import word_set

_IRREGULAR_PLURALS = {
    "person": "people",
    "child": "children",
    "man": "men",
    "woman": "women",
    "mouse": "mice",
    "goose": "geese",
    "foot": "feet",
    "tooth": "teeth",
    "ox": "oxen",
    "datum": "data",
    "criterion": "criteria",
    "analysis": "analyses",
    "axis": "axes",
    "thesis": "theses",
    "crisis": "crises",
    "index": "indexes",
    "leaf": "leaves",
    "life": "lives",
    "knife": "knives",
    "wife": "wives",
    "half": "halves",
    "shelf": "shelves",
    "thief": "thieves",
    "wolf": "wolves",
    "loaf": "loaves",
    "hero": "heroes",
    "potato": "potatoes",
    "tomato": "tomatoes",
    "echo": "echoes",
    "quiz": "quizzes",
    "cactus": "cacti",
    "alumnus": "alumni",
}
_IRREGULAR_SINGULARS = {plural: singular for singular, plural in _IRREGULAR_PLURALS.items()}
_UNCOUNTABLE = word_set(
    """series species news equipment information software music feedback staff furniture inventory
    metadata media sheep fish deer luggage"""
)
# Nouns ending in -ie whose plural is -ies but whose singular is not -y.
_IE_NOUNS = word_set(
    """movie cookie calorie pie tie zombie rookie selfie genie lie die hippie prairie eerie
    smoothie brownie goalie auntie sortie"""
)
# Nouns ending in -us whose plural is -uses (not -i) and that otherwise look plural.
_US_NOUNS = word_set(
    """status bus virus campus bonus census corpus focus genus surplus chorus prospectus syllabus
    apparatus nexus plus minus"""
)
_SINGULAR_S = word_set(
    """news gas lens atlas canvas alias bias chaos address class access process business glass boss
    pass mass kiss dress this yes series species always is was has does its us plus minus
    christmas analysis basis axis thesis crisis ios macos"""
)
_VES_NOUNS = {v: k for k, v in _IRREGULAR_PLURALS.items() if v.endswith("ves")}


@lru_cache(maxsize=8192)
def singular(word: str) -> str:
    """The singular of an English noun in lower case: 'categories' -> 'category'."""
    w = word.lower()
    if w in _IRREGULAR_SINGULARS:
        return _IRREGULAR_SINGULARS[w]
    if w in _UNCOUNTABLE or w in _SINGULAR_S or w in _US_NOUNS or w in _IRREGULAR_PLURALS:
        return w
    if w.endswith("ies") and len(w) > 4:
        return w[:-1] if w[:-1] in _IE_NOUNS else w[:-3] + "y"
    if w in _VES_NOUNS:
        return _VES_NOUNS[w]
    if w.endswith("uses") and w[:-2] in _US_NOUNS:
        return w[:-2]
    if w.endswith(("sses", "xes", "ches", "shes", "zzes")):
        return w[:-2]
    if w.endswith("oes") and w[:-2] in _IRREGULAR_PLURALS:
        return w[:-2]
    if w.endswith("s") and not w.endswith(("ss", "us", "is")) and len(w) > 2:
        return w[:-1]
    return w


def plural(word: str) -> str:
    """The plural of an English noun in lower case: 'address' -> 'addresses'."""
    w = word.lower()
    if w in _IRREGULAR_PLURALS:
        return _IRREGULAR_PLURALS[w]
    if w in _UNCOUNTABLE or w in _IRREGULAR_SINGULARS:
        return w
    if w in _IE_NOUNS:
        return w + "s"
    if w.endswith("y") and len(w) > 1 and w[-2] not in "aeiou":
        return w[:-1] + "ies"
    if w.endswith(("s", "x", "z", "ch", "sh")):
        return w + "es"
    return w + "s"


@lru_cache(maxsize=8192)
def is_plural(word: str) -> bool:
    """Whether ``word`` reads as a plural noun (its singular differs from it)."""
    w = word.lower()
    return w in _IRREGULAR_SINGULARS or singular(w) != w


def plural_phrase(words: list[str]) -> str:
    """Pluralise the head (last word) of a compound noun: ['todo', 'item'] -> 'todo_items'."""
    return "_".join([*words[:-1], plural(words[-1])])


_NON_IDENT = re.compile(r"[^a-z0-9]+")


def snake(text: str) -> str:
    """'Published Year' / 'published-year' -> 'published_year' (ASCII only)."""
    return _NON_IDENT.sub("_", text.lower()).strip("_")


def pascal(text: str) -> str:
    """'todo item' -> 'TodoItem'."""
    return "".join(part.capitalize() for part in snake(text).split("_") if part)


def kebab(text: str) -> str:
    return snake(text).replace("_", "-")
