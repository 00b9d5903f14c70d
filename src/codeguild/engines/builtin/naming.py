"""Identifier helpers for generated code: case conversions and names that are safe in Python."""

from __future__ import annotations

import keyword
import re

_WORD = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|\d+")
_RESERVED = frozenset(keyword.kwlist) | frozenset(keyword.softkwlist) | {"self", "cls", "id"}


def words(text: str) -> list[str]:
    """Split identifier-ish text into lower-case words: 'PublishedYear' -> ['published', 'year']."""
    return [w.lower() for w in _WORD.findall(text)]


def snake(text: str) -> str:
    return "_".join(words(text))


def pascal(text: str) -> str:
    return "".join(w.capitalize() for w in words(text))


def kebab(text: str) -> str:
    return "-".join(words(text))


def title(text: str) -> str:
    """Human title: 'published_year' -> 'Published year'."""
    joined = " ".join(words(text))
    return joined[:1].upper() + joined[1:]


def safe_identifier(name: str) -> str:
    """A snake_case identifier that is not a Python keyword/builtin-ish reserved name."""
    ident = snake(name) or "item"
    if ident[0].isdigit():
        ident = f"n_{ident}"
    if ident in _RESERVED:
        ident = f"{ident}_"
    return ident
