"""Python source snippets that are already in ruff-format shape (line length 100).

Generated code must pass ``ruff format --check`` without being run through a formatter (writing a
component is pure, no subprocess), so every line whose length depends on user-chosen names is built
here: it stays on one line when it fits and is otherwise exploded one item per line with a trailing
comma, the "magic trailing comma" shape the formatter keeps as it is.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

LINE_LENGTH = 100
# ruff's default line length: imports longer than this are split so that they stay sorted under
# the default settings too (the trailing comma then keeps them split at length 100)
IMPORT_LENGTH = 88
INDENT = "    "


def py_str(text: str) -> str:
    """A string literal the formatter leaves alone: double quotes unless that forces escapes."""
    body = text.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t")
    if '"' in body and "'" not in body:
        return f"'{body}'"
    return '"' + body.replace('"', '\\"') + '"'


def py_literal(value: object) -> str:
    """A Python literal for a JSON-like scalar used in generated tests."""
    if isinstance(value, str):
        return py_str(value)
    if value is None or isinstance(value, bool | int | float):
        return repr(value)
    raise TypeError(f"no literal for {type(value).__name__}: only str/int/float/bool/None")


def call(head: str, args: Sequence[str], *, indent: int = 0, tail: str = "") -> str:
    """``head(arg, ...)tail`` on one line if it fits, else one argument per line.

    ``head`` is everything before the opening parenthesis (``"def create_book"``, ``"x = f"``),
    ``tail`` everything after the closing one (``" -> BookRead:"``).
    """
    pad = INDENT * indent
    one_line = f"{pad}{head}({', '.join(args)}){tail}"
    if len(one_line) <= LINE_LENGTH or not args:
        return one_line
    inner = "".join(f"{pad}{INDENT}{arg},\n" for arg in args)
    return f"{pad}{head}(\n{inner}{pad}){tail}"


def import_from(module: str, names: Sequence[str], *, importer: str = "") -> str:
    """``from module import a, b`` sorted the way ruff's isort sorts (constants, classes, rest).

    A project module whose dotted path alone overflows the line (a long package name and a long
    resource name) is imported relative to the ``importer`` module when one is given; isort wants
    relative imports in a section of their own, after the others (see :func:`is_relative`).
    """
    if importer and len(f"from {module} import (") > LINE_LENGTH:
        module = _relative(importer, module)

    def order(name: str) -> tuple[int, str]:
        if name.isupper() and len(name) > 1:
            return (0, name)
        if name[:1].isupper():
            return (1, name)
        return (2, name)

    ordered = sorted(set(names), key=order)
    one_line = f"from {module} import {', '.join(ordered)}"
    if len(one_line) <= IMPORT_LENGTH:
        return one_line
    inner = "".join(f"{INDENT}{name},\n" for name in ordered)
    return f"from {module} import (\n{inner})"


def is_relative(import_line: str) -> bool:
    return import_line.startswith("from .")


def _relative(importer: str, module: str) -> str:
    here = importer.split(".")[:-1]
    there = module.split(".")
    common = 0
    while common < min(len(here), len(there)) and here[common] == there[common]:
        common += 1
    return "." * (len(here) - common + 1) + ".".join(there[common:])


def docstring(text: str, *, indent: int = 0) -> str:
    """A docstring on one line if it fits, else wrapped, closing quotes on a line of their own."""
    pad = INDENT * indent
    one_line = f'{pad}"""{text}"""'
    if len(one_line) <= LINE_LENGTH:
        return one_line
    # the one-line form overflows by its quotes alone when the text fits the width: wrap it
    # narrower so that at least one word moves to the second line
    width = min(LINE_LENGTH - len(pad) - 3, len(text) - 1)
    lines = textwrap.wrap(text, width=width, break_long_words=False)
    body = "\n".join(f"{pad}{line}" for line in lines[1:])
    return f'{pad}"""{lines[0]}\n{body}\n{pad}"""'
