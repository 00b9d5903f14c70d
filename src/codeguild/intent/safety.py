"""Prompt-injection detection and escaping of free text carried from the requirement.

Identifiers in the intent are already sanitised (snake_case, PascalCase, kebab-case). Free text
(the requirement, feature descriptions, summaries) is escaped so that no context it is rendered
into later (a Python docstring, Markdown, HTML, a shell line, a Jinja template) executes or
interprets part of it.
"""

from __future__ import annotations

import re

from codeguild.intent.models import ProjectIntent

_INJECTION = re.compile(
    r"\b(?:ignore|disregard|forget|override|bypass)\s+(?:(?:all|any|the|your|my|of|these)\s+)*"
    r"(?:previous|prior|above|earlier|preceding|system|original|safety)\s+"
    r"(?:instructions?|prompts?|rules|messages?|directions|guidelines|context)"
    r"|\b(?:print|reveal|show|leak|output|dump|expose|exfiltrate|send|tell me|display)\s+(?:me\s+)?"
    r"(?:all\s+)?(?:of\s+)?your\s+(?:own\s+)?(?:secrets?|system prompt|prompt|instructions"
    r"|api[- ]?keys?|credentials|passwords?|environment(?: variables)?|env\w*|tokens?|keys"
    r"|config\w*)"
    r"|\b(?:reveal|leak|dump|exfiltrate)\s+(?:the\s+|all\s+)?(?:secrets?|credentials|api[- ]?keys"
    r"|environment variables|system prompt)"
    r"|\byou are now (?:an? )?(?:unrestricted|jailbroken|dan|evil|different)\b|\bjailbreak"
    r"|\b(?:enter|enable|activate) developer mode\b|\b(?:your|the) system prompt\b",
    re.IGNORECASE,
)
_TAG = re.compile(r"<(?=[a-zA-Z/!?])")
_TEMPLATE = re.compile(r"\{(?=[{%#])|(?<=[}%#])\}")


def find_injection(text: str) -> str | None:
    """The first phrase that speaks to the generator instead of describing software, if any."""
    m = _INJECTION.search(text)
    return m.group(0) if m else None


def escape_text(text: str) -> str:
    """``text`` with what could execute or break out of a quoted context neutralised.

    Triple quotes become one, backticks become quotes, tag openers and template delimiters are
    split, shell substitutions lose their ``$``-paren pairing, and backslashes are doubled.
    """
    text = text.replace("\\", "\\\\")
    text = text.replace('"""', '"').replace("'''", "'").replace("`", "'")
    text = _TAG.sub("&lt;", text)
    text = _TEMPLATE.sub(lambda m: m.group(0) + " ", text)
    return text.replace("$(", "$ (").replace("${", "$ {")


def escape_intent(intent: ProjectIntent) -> ProjectIntent:
    """The intent with every free-text field escaped (identifiers are left as they are)."""
    for feature in intent.features:
        # acceptance criteria are written from identifiers, never copied from the text
        feature.description = escape_text(feature.description)
    for command in intent.commands:
        command.description = escape_text(command.description)
    intent.summary = escape_text(intent.summary)
    intent.assumptions = [escape_text(a) for a in intent.assumptions]
    intent.requirement = escape_text(intent.requirement)
    return intent
