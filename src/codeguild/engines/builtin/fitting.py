"""Fitting generated source to the line limit whatever the length of the names in it.

Templates are written in ruff-format shape for ordinary names; a long entity, field or package
name can push a line past the limit, and the formatter neither wraps docstrings nor splits strings.
Writing a component is pure (no formatter subprocess), so every over-long line is reshaped here:

* a one-line docstring is wrapped, its closing quotes on a line of their own;
* a full-line comment is wrapped into several;
* the last bracket pair of a call, definition or literal is exploded one item per line with a
  trailing comma, the "magic trailing comma" shape the formatter keeps at every line length
  (a comprehension, which takes no trailing comma, is split before ``for``/``if`` instead);
* ``from module import a, b`` is parenthesised and exploded the same way.

Lines that are already short enough are never touched, so output for ordinary names is unchanged.
"""

from __future__ import annotations

import io
import re
import textwrap
import tokenize
from dataclasses import dataclass

#: ruff's default line length, the shortest a generated project may be checked with
DEFAULT_LIMIT = 88
#: the generated projects' own line length: the formatter leaves docstrings and comments alone,
#: so wrapping one that is shorter would only make the shape depend on the line length
HARD_LIMIT = 100
INDENT = "    "

_OPENING = {"(": ")", "[": "]", "{": "}"}
_CLOSING = frozenset(_OPENING.values())
_DOCSTRING = re.compile(r'^(?P<pad>\s*)"""(?P<text>(?:(?!""").)+)"""$')
_IMPORT = re.compile(r"^(?P<pad>\s*)from (?P<module>[\w.]+) import (?P<names>[\w, ]+)$")
_SIMPLE_TAIL = re.compile(r"^[)\]}]+(?: -> [^=]+)?[:,]?$")
_FENCE = re.compile(r"^```(?:python|py)\s*$")
_STRING_STARTS = frozenset(
    getattr(tokenize, name)
    for name in ("FSTRING_START", "TSTRING_START")
    if hasattr(tokenize, name)
)
_STRING_ENDS = frozenset(
    getattr(tokenize, name) for name in ("FSTRING_END", "TSTRING_END") if hasattr(tokenize, name)
)


@dataclass(frozen=True)
class _Token:
    kind: str  # "open", "close", "comma", "keyword" or "other"
    text: str
    start: int
    end: int
    depth: int  # bracket depth before the token


def fit_source(text: str, limit: int = DEFAULT_LIMIT) -> str:
    """Python source with every over-long line reshaped (see the module docstring)."""
    lines = text.split("\n")
    if all(len(line) <= limit for line in lines):
        return text
    in_strings = _multiline_string_lines(text)
    out: list[str] = []
    for number, line in enumerate(lines, start=1):
        if len(line) <= limit or number in in_strings:
            out.append(line)
        else:
            out.extend(fit_line(line, limit))
    return "\n".join(out)


def fit_markdown(text: str, limit: int = DEFAULT_LIMIT) -> str:
    """Markdown whose fenced Python examples are fitted (the formatter formats those too)."""
    lines = text.split("\n")
    out: list[str] = []
    block: list[str] | None = None
    for line in lines:
        if block is None:
            out.append(line)
            if _FENCE.match(line.strip()):
                block = []
        elif line.strip() == "```":
            out.extend(fit_source("\n".join(block), limit).split("\n"))
            out.append(line)
            block = None
        else:
            block.append(line)
    if block is not None:
        out.extend(block)
    return "\n".join(out)


def fit_line(line: str, limit: int = DEFAULT_LIMIT) -> list[str]:
    """``line`` as one or more lines within ``limit``, or unchanged when it has no safe split."""
    if len(line) <= limit:
        return [line]
    stripped = line.lstrip()
    pad = line[: len(line) - len(stripped)]
    if stripped.startswith("#"):
        return _comment(pad, stripped, limit) if len(line) > HARD_LIMIT else [line]
    docstring = _DOCSTRING.match(line)
    if docstring:
        if len(line) <= HARD_LIMIT:
            return [line]
        return _docstring(pad, docstring.group("text"), min(limit, HARD_LIMIT))
    imported = _IMPORT.match(line)
    if imported:
        names = [n.strip() for n in imported.group("names").split(",") if n.strip()]
        head = f"{pad}from {imported.group('module')} import ("
        return [head, *(f"{pad}{INDENT}{n}," for n in names), f"{pad})"]
    tokens = _tokens(stripped)
    if tokens is None:
        return [line]
    split = _split(stripped, tokens)
    if split is None:
        return [line]
    head, items, tail, comma = split
    inner = pad + INDENT
    body = [f"{inner}{item}{',' if comma else ''}" for item in items]
    fitted = [f"{pad}{head}"]
    for item_line in body:
        fitted.extend(fit_line(item_line, limit))
    return [*fitted, f"{pad}{tail}"]


def _comment(pad: str, stripped: str, limit: int) -> list[str]:
    text = stripped.lstrip("#").strip()
    width = max(limit - len(pad) - 2, 20)
    return [f"{pad}# {part}" for part in textwrap.wrap(text, width, break_long_words=False)]


def _docstring(pad: str, text: str, limit: int) -> list[str]:
    width = max(limit - len(pad), 20)
    wrapped = textwrap.wrap(text.strip(), width - 3, break_long_words=False)
    return [f'{pad}"""{wrapped[0]}', *(f"{pad}{part}" for part in wrapped[1:]), f'{pad}"""']


def _multiline_string_lines(text: str) -> set[int]:
    """Numbers of the lines inside (or continuing) a string that spans lines."""
    inside: set[int] = set()
    try:
        for tok in tokenize.generate_tokens(io.StringIO(text).readline):
            if tok.start[0] != tok.end[0] and tok.type != tokenize.NL:
                inside.update(range(tok.start[0] + 1, tok.end[0] + 1))
    except (tokenize.TokenError, SyntaxError):
        pass
    return inside


def _tokens(stripped: str) -> list[_Token] | None:
    """The line's tokens with their bracket depth, strings (f-strings too) as one token each."""
    out: list[_Token] = []
    depth = 0
    nested = 0
    string_start = 0
    try:
        for tok in tokenize.generate_tokens(io.StringIO(stripped + "\n").readline):
            if tok.start[0] != 1 or tok.type in (tokenize.NEWLINE, tokenize.NL, tokenize.ENDMARKER):
                continue
            if tok.type in _STRING_STARTS:
                nested += 1
                string_start = tok.start[1] if nested == 1 else string_start
                continue
            if tok.type in _STRING_ENDS:
                nested -= 1
                if nested == 0:
                    out.append(_Token("other", "", string_start, tok.end[1], depth))
                continue
            if nested:
                continue
            kind = "other"
            if tok.type == tokenize.OP and tok.string in _OPENING:
                kind = "open"
            elif tok.type == tokenize.OP and tok.string in _CLOSING:
                kind = "close"
                depth -= 1
            elif tok.type == tokenize.OP and tok.string == ",":
                kind = "comma"
            elif tok.type == tokenize.NAME and tok.string in ("for", "if", "lambda"):
                kind = "keyword"
            elif tok.type == tokenize.COMMENT:
                return None  # a trailing comment would end up inside the brackets
            out.append(_Token(kind, tok.string, tok.start[1], tok.end[1], depth))
            if kind == "open":
                depth += 1
            if depth < 0:
                return None
    except (tokenize.TokenError, SyntaxError, IndentationError):
        return None
    return out if depth == 0 else None


def _split(stripped: str, tokens: list[_Token]) -> tuple[str, list[str], str, bool] | None:
    """(head, items, tail, trailing comma?) for exploding the line's last splittable bracket."""
    pairs: list[tuple[int, int]] = []
    stack: list[int] = []
    for index, tok in enumerate(tokens):
        if tok.kind == "open":
            stack.append(index)
        elif tok.kind == "close" and stack:
            opening = stack.pop()
            if not stack:
                pairs.append((opening, index))
    for opening, closing in reversed(pairs):
        inner = tokens[opening + 1 : closing]
        head = stripped[: tokens[opening].end]
        tail = stripped[tokens[closing].start :]
        if not inner or not _SIMPLE_TAIL.match(tail):
            return None  # the formatter would rather split an operator here
        top = [t for t in inner if t.depth == tokens[opening].depth + 1]
        if _is_subscript(tokens, opening) and not any(t.kind == "comma" for t in top):
            continue  # a trailing comma would make the index a tuple
        words = {t.text for t in top if t.kind == "keyword"}
        if "lambda" in words or ("for" in words and tokens[opening].text == "("):
            continue
        if "for" in words:
            return head, _parts(stripped, inner, top, {"for", "if"}), tail, False
        if tokens[opening].text == "(" and not _is_call(tokens, opening):
            continue  # a parenthesised expression: a trailing comma would make it a tuple
        return head, _parts(stripped, inner, top, None), tail, True
    return None


def _parts(
    stripped: str, inner: list[_Token], top: list[_Token], keywords: set[str] | None
) -> list[str]:
    """The bracket's content cut at top-level commas, or before the given keywords."""
    cuts: list[tuple[int, int]] = []  # (end of a part, start of the next)
    for tok in top:
        if keywords is None and tok.kind == "comma":
            cuts.append((tok.start, tok.end))
        elif keywords is not None and tok.kind == "keyword" and tok.text in keywords:
            cuts.append((tok.start, tok.start))
    start = inner[0].start
    parts: list[str] = []
    for end, following in cuts:
        parts.append(stripped[start:end].strip())
        start = following
    parts.append(stripped[start : inner[-1].end].strip())
    return [p for p in parts if p]


def _is_subscript(tokens: list[_Token], opening: int) -> bool:
    if tokens[opening].text != "[" or opening == 0:
        return False
    before = tokens[opening - 1]
    return before.kind == "close" or (before.kind == "other" and _is_name(before.text))


def _is_call(tokens: list[_Token], opening: int) -> bool:
    if opening == 0:
        return False
    before = tokens[opening - 1]
    return before.kind == "close" or (before.kind == "other" and _is_name(before.text))


def _is_name(text: str) -> bool:
    return text.isidentifier() and text not in (
        "and", "or", "not", "in", "is", "return", "yield", "await", "else", "assert", "raise",
        "del", "import", "from", "with", "as", "while", "elif", "if", "for", "lambda",
    )  # fmt: skip


def fit_files(files: dict[str, str], limit: int = DEFAULT_LIMIT) -> dict[str, str]:
    """Every Python file and Markdown example of a component fitted to ``limit``."""
    fitted = {}
    for path, text in files.items():
        if path.endswith(".py"):
            text = fit_source(text, limit)
        elif path.endswith(".md"):
            text = fit_markdown(text, limit)
        fitted[path] = text
    return fitted
