"""Record layouts written as code or documents, rewritten to "record: field (type), ..." lines.

A requirement often pastes its data model instead of describing it: a SQL ``CREATE TABLE``, a
YAML or JSON sketch, a table with one row per field, or a heading over a bulleted list of
attributes. Each becomes one line the sentence scanners read like "Book: title, year (int)".
"""

from __future__ import annotations

import re

from codeguild.intent.inflect import singular
from codeguild.intent.lexicon import word_set

_FENCE = re.compile(r"^[ \t]*```[\w-]*[ \t]*$", re.MULTILINE)

# SQL column types, as the type words the field parser knows
_SQL_TYPES = (
    (re.compile(r"^(?:var)?char|^text|^string|^citext|^nvarchar"), "string"),
    (re.compile(r"^(?:big|small|tiny)?(?:int|integer|serial)\d*\b|^bigserial"), "integer"),
    (re.compile(r"^(?:numeric|decimal|money)"), "decimal"),
    (re.compile(r"^(?:real|float|double)"), "float"),
    (re.compile(r"^bool"), "bool"),
    (re.compile(r"^timestamp|^datetime"), "timestamp"),
    (re.compile(r"^date\b"), "date"),
)
_CREATE_TABLE = re.compile(
    r"\bcreate\s+table\s+(?:if\s+not\s+exists\s+)?[`\"]?(\w+)[`\"]?\s*\(", re.IGNORECASE
)
_SQL_NOT_COLUMN = re.compile(
    r"^(?:primary|foreign|unique|constraint|check|index|key)\b|^id\b", re.IGNORECASE
)


def _declared(name: str, fields: list[str]) -> str:
    """One line declaring a record by name, "- water butt (capacity (int), label)": the way a
    model is written when its name alone says it is a record ("score", "round" included)."""
    return f"- {name} ({', '.join(fields)})"


def _closing(text: str, start: int) -> int:
    """Index of the parenthesis closing the one opened just before ``start``, or -1."""
    depth = 1
    for i in range(start, len(text)):
        if text[i] == "(":
            depth += 1
        elif text[i] == ")":
            depth -= 1
            if depth == 0:
                return i
    return -1


def _split_top(body: str) -> list[str]:
    """Split on commas outside parentheses: "venue varchar(120), drive_date date"."""
    parts: list[str] = []
    current: list[str] = []
    depth = 0
    for ch in body:
        depth += (ch == "(") - (ch == ")")
        if ch == "," and depth == 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
    parts.append("".join(current))
    return [p.strip() for p in parts if p.strip()]


def _sql_column(definition: str) -> str | None:
    if _SQL_NOT_COLUMN.match(definition):
        return None
    words = definition.replace("`", "").replace('"', "").split()
    if not words:
        return None
    kind = words[1].lower() if len(words) > 1 else ""
    for regex, word in _SQL_TYPES:
        if regex.match(kind):
            # a column that references another table is a link; its type is the link's
            linked = re.search(r"\breferences\b", definition, re.IGNORECASE)
            return words[0] if linked else f"{words[0]} ({word})"
    return words[0]


def _rewrite_sql(text: str) -> str:
    out, last = [], 0
    for m in _CREATE_TABLE.finditer(text):
        if m.start() < last:
            continue
        end = _closing(text, m.end())
        if end < 0:
            break
        columns = [c for c in map(_sql_column, _split_top(text[m.end() : end])) if c]
        name = m.group(1).replace("_", " ")
        out.append(text[last : m.start()] + f"\n{_declared(name, columns)}\n")
        last = end + 1
        if text[last : last + 1] == ";":
            last += 1
    return "".join(out) + text[last:]


# "plot:" over indented "plot_code: string" lines (a YAML sketch), or a class of a model
# ("class Loan(models.Model):" over "due_on = models.DateField()")
_BLOCK_HEAD = re.compile(
    r"^([ \t]*)(?:class[ \t]+)?([A-Za-z][\w ]{0,40}?)[ \t]*(?:\([^()\n]*\))?[ \t]*:[ \t]*(?:#.*)?$"
)
_BLOCK_LINE = re.compile(r"^([ \t]*)(?:-[ \t]+)?([A-Za-z_][\w ]{0,40}?)[ \t]*[:=][ \t]*([^#\n]*)")
_DECLARED = word_set(
    """str string text int integer float double decimal bool boolean date datetime timestamp
    email url"""
)
# the type a model library's column or annotation declares, most specific first
_CODE_TYPES = (
    (re.compile(r"foreignkey|relationship|references|onetoone|manytomany", re.I), ""),
    (re.compile(r"datetime|timestamp", re.I), "datetime"),
    (re.compile(r"\bdate\b|datefield", re.I), "date"),
    (re.compile(r"\bbool|booleanfield|\bboolean", re.I), "bool"),
    (re.compile(r"decimal|numeric", re.I), "decimal"),
    (re.compile(r"float|double", re.I), "float"),
    (re.compile(r"\bint\b|integer", re.I), "int"),
    (re.compile(r"textfield|\btext\b", re.I), "text"),
    (re.compile(r"email", re.I), "email"),
    (re.compile(r"\burl", re.I), "url"),
    (re.compile(r"\bstr\b|string|charfield|varchar", re.I), "str"),
)


def _typed(name: str, value: str) -> str:
    plain = value.strip().strip("\"'").lower()
    if plain in _DECLARED:
        return f"{name} ({plain})"
    if re.search(r"[.(\[]", value):
        for regex, kind in _CODE_TYPES:
            if regex.search(value):
                return f"{name} ({kind})" if kind else name
    return name


def _rewrite_blocks(text: str) -> str:
    lines = text.split("\n")
    out: list[str] = []
    i = 0
    while i < len(lines):
        head = _BLOCK_HEAD.match(lines[i])
        fields: list[str] = []
        j = i + 1
        while head and j < len(lines):
            line = _BLOCK_LINE.match(lines[j])
            # indented below the head; or, where indentation was lost, a "key: value" line
            # (a line with no value is the next head)
            if not line or len(line.group(1)) < len(head.group(1)):
                break
            value = re.sub(r"\([^()]*\)", "", line.group(3))
            if len(line.group(1)) == len(head.group(1)) and (not value.strip() or "," in value):
                break  # "- owners: full name, phone" is a record of its own
            fields.append(_typed(line.group(2).strip(), line.group(3)))
            j += 1
        if head and len(fields) >= 2:
            out.append(_declared(head.group(2).strip().replace("_", " "), fields))
            i = j
            continue
        out.append(lines[i])
        i += 1
    return "\n".join(out)


_JSON_OBJECT = re.compile(r"\{[^{}]*\"\w+\"\s*:[^{}]*\}")
_JSON_PAIR = re.compile(r"\"(\w+)\"\s*:\s*(\"[^\"]*\"|[-\d.]+|true|false|null|\[[^\]]*\])")
_ARTICLE_NOUN = re.compile(r"\b(?:an?|the|each|every|one)\s+([a-z]+)\b")
_COUNTED = re.compile(
    r"\b(?:many|multiple|several|some|list of|array of|one or more)\s+(?:[a-z]+\s+)?([a-z]{3,}s)\b"
)


def _json_type(value: str) -> str:
    if value in {"true", "false"}:
        return " (bool)"
    if re.fullmatch(r"-?\d+\.\d+", value):
        return " (float)"
    return ""


def _antecedent(before: str) -> str | None:
    """The record an example block shows: the things the sentence leading to it counts
    ("each manifest contains many containers, for example:"), else its first noun after an
    article ("A manifest looks like this:")."""
    sentence = re.split(r"[.!?]\s|\n\s*\n", before.lower().rstrip())[-1]
    counted = _COUNTED.findall(sentence)
    if counted:
        word = counted[-1]
        return word[:-3] + "y" if word.endswith("ies") else word[:-1]
    m = _ARTICLE_NOUN.search(sentence)
    return m.group(1) if m else None


def _rewrite_json(text: str) -> str:
    def sub(m: re.Match[str]) -> str:
        pairs = [f"{k}{_json_type(v)}" for k, v in _JSON_PAIR.findall(m.group(0))]
        if len(pairs) < 2:
            return m.group(0)
        before = text[: m.start()]
        if re.search(r"[A-Za-z]\w*[ \t]*\Z", before):
            return "{" + ", ".join(pairs) + "}"  # "Customer {...}": the name is right there
        noun = _antecedent(before)
        if noun is None:
            return m.group(0)
        return f"\neach {noun} has {', '.join(pairs[:-1])} and {pairs[-1]}.\n"

    return _JSON_OBJECT.sub(sub, text)


_TABLE_LINE = re.compile(r"^[ \t]*\|(.+)\|[ \t]*$")
_RECORD_COLUMNS = frozenset({"record", "entity", "table", "model", "resource", "object"})
_FIELD_COLUMNS = frozenset({"field", "column", "attribute", "property", "name"})


def _cells(line: str) -> list[str]:
    return [c.strip() for c in line.strip().strip("|").split("|")]


def _rewrite_field_tables(text: str) -> str:
    """A table with one row per field ("| Show | title | string |") as one line per record."""
    lines = text.split("\n")
    out: list[str] = []
    i = 0
    while i < len(lines):
        header = _cells(lines[i]) if _TABLE_LINE.match(lines[i]) else []
        names = [h.lower() for h in header]
        if len(names) >= 2 and names[0] in _RECORD_COLUMNS and names[1] in _FIELD_COLUMNS:
            typed = len(names) > 2
            records: dict[str, list[str]] = {}
            j = i + 1
            while j < len(lines) and _TABLE_LINE.match(lines[j]):
                row = _cells(lines[j])
                j += 1
                if len(row) < 2 or set(row[0]) <= set("-: ") or not row[0] or not row[1]:
                    continue
                kind = row[2].lower() if typed and len(row) > 2 else ""
                kind = {"whole numbers": "integer", "whole number": "integer"}.get(kind, kind)
                field = _typed(row[1], kind) if kind in _DECLARED else row[1]
                records.setdefault(row[0], []).append(field)
            out.extend(_declared(name, fields) for name, fields in records.items())
            i = j
            continue
        out.append(lines[i])
        i += 1
    return "\n".join(out)


# a heading line ("## Artist", "Tools", "* Buses") over a bulleted list of short attributes
_HEADING_LINE = re.compile(
    r"^([ \t]*)((?:[-*\u2022][ \t]+)?)(?:#{1,6}[ \t]+)?"
    r"([A-Za-z][\w-]*(?:[ \t]+[\w-]+){0,2})[ \t]*:?$"
)
_BULLET_LINE = re.compile(r"^([ \t]*)(?:[-*\u2022]|\d+[.)])[ \t]+(.+?)[ \t]*$")
# an item that links the record rather than describing it: "belongs to a work order"
_LINK_ITEM = re.compile(r"^(?:belongs to|references|refers to|is part of|linked to)\s")


def _short_item(item: str) -> bool:
    bare = re.sub(r"\([^()]*\)", "", item)
    return len(bare.split()) <= 5 and not re.search(r"[.:;!?](?:\s|$)", bare)


def _section(name: str, items: list[str]) -> str:
    fields = [i for i in items if not _LINK_ITEM.match(i)]
    links = [i for i in items if _LINK_ITEM.match(i)]
    line = f"{name}: {', '.join(fields)}"
    if links:
        words = name.lower().split()
        record = " ".join([*words[:-1], singular(words[-1])])
        line += "".join(f". each {record} {i}" for i in links)
    return line


def _flat_sections(items: list[str]) -> list[tuple[str, list[str]]] | None:
    """A bulleted list whose nesting was lost ("* Buses", "* fleet number", ...): capitalised
    items head the lower-case attributes after them, when every head has two or more."""
    if not items or not items[0][:1].isupper():
        return None
    sections: list[tuple[str, list[str]]] = []
    for item in items:
        if item[:1].isupper():
            sections.append((item, []))
        else:
            sections[-1][1].append(item)
    if len(sections) < 2 or any(len(fields) < 2 for _, fields in sections):
        return None
    if any(len(head.split()) > 3 for head, _ in sections):
        return None
    return sections


def _rewrite_flat_lists(text: str) -> str:
    lines = text.split("\n")
    out: list[str] = []
    i = 0
    while i < len(lines):
        j = i
        items: list[str] = []
        while j < len(lines):
            bullet = _BULLET_LINE.match(lines[j])
            if not bullet or not _short_item(bullet.group(2)):
                break
            items.append(bullet.group(2))
            j += 1
        sections = _flat_sections(items) if len(items) >= 6 else None
        if sections:
            for head, fields in sections:
                out.append(_section(head, fields))
            i = j
            continue
        out.append(lines[i])
        i += 1
    return "\n".join(out)


def _rewrite_bullet_sections(text: str) -> str:
    lines = text.split("\n")
    out: list[str] = []
    i = 0
    while i < len(lines):
        head = _HEADING_LINE.match(lines[i])
        items: list[str] = []
        j = i + 1
        while head and j < len(lines):
            bullet = _BULLET_LINE.match(lines[j])
            # under a bulleted heading only the bullets indented below it are its items
            nested = (
                not head.group(2) or len(bullet.group(1)) > len(head.group(1)) if bullet else False
            )
            if not bullet or not nested or not _short_item(bullet.group(2)):
                break
            items.append(bullet.group(2))
            j += 1
        if head and len(items) >= 2:
            out.append(_section(head.group(3), items))
            i = j
            continue
        out.append(lines[i])
        i += 1
    return "\n".join(out)


def rewrite_layouts(text: str) -> str:
    """``text`` with pasted data models rewritten to one "record: fields" line each."""
    text = _FENCE.sub("", text)
    if "(" in text:
        text = _rewrite_sql(text)
    if "|" in text:
        text = _rewrite_field_tables(text)
    if "{" in text:
        text = _rewrite_json(text)
    return _rewrite_flat_lists(_rewrite_bullet_sections(_rewrite_blocks(text)))
