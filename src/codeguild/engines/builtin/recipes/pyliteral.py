"""Python literals for generated code, formatted the way ruff's formatter leaves them alone."""

from __future__ import annotations

import json
import textwrap
from typing import Any

#: generated lines stay under the shortest line length a project may format with (ruff's
#: default 88), so the output is stable under both the project's config and ruff's defaults
MAX_LINE = 80


def py_literal(value: Any, indent: int = 0) -> str:
    """``value`` as Python source: one line when it fits, else exploded with trailing commas.

    Strings use double quotes (as ruff formats them); the trailing commas of exploded
    collections stop the formatter from joining them again at any line length.
    """
    flat = _flat(value)
    if indent + len(flat) <= MAX_LINE or not isinstance(value, list | tuple) or not value:
        return flat
    return _exploded(value, indent)


def _exploded(value: list[Any] | tuple[Any, ...], indent: int) -> str:
    if not value:
        return _flat(value)
    opening, closing = ("[", "]") if isinstance(value, list) else ("(", ")")
    pad = " " * (indent + 4)
    items = "".join(f"{pad}{py_literal(v, indent + 4)},\n" for v in value)
    return f"{opening}\n{items}{' ' * indent}{closing}"


def _flat(value: Any) -> str:
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return "[" + ", ".join(_flat(v) for v in value) + "]"
    if isinstance(value, tuple):
        inner = ", ".join(_flat(v) for v in value)
        return f"({inner},)" if len(value) == 1 else f"({inner})"
    return repr(value)


def assignment(name: str, value: Any, indent: int = 0) -> str:
    """``name = <literal>``, exploded when the whole line would not fit."""
    flat = _flat(value)
    if indent + len(name) + 3 + len(flat) <= MAX_LINE or not isinstance(value, list | tuple):
        return f"{name} = {flat}"
    return f"{name} = {_exploded(value, indent)}"


def docstring(text: str, indent: int) -> str:
    """A triple-quoted docstring of ``text``, wrapped to fit, safe whatever the text holds."""
    clean = " ".join(text.replace("\\", "/").replace('"', "'").split()) or "No description."
    if not clean.endswith((".", "!", "?")):
        clean += "."
    lines = textwrap.wrap(clean, width=MAX_LINE - indent - 6)
    if len(lines) == 1:
        return f'"""{lines[0]}"""'
    pad = " " * indent
    body = "\n".join(f"{pad}{line}" if i else line for i, line in enumerate(lines))
    return f'"""{body}\n{pad}"""'
