"""Reject requirements the rule-based processor cannot turn into a project, and tidy the rest."""

from __future__ import annotations

import logging
import re
import unicodedata

from codeguild.errors import RequirementError
from codeguild.intent.classify import score_project_type
from codeguild.intent.gazetteer import names_a_technology
from codeguild.intent.language import profile
from codeguild.intent.lexicon import SOFTWARE_CUE
from codeguild.intent.safety import find_injection

log = logging.getLogger(__name__)

MAX_REQUIREMENT_CHARS = 20_000
# an example invocation in backticks ("type `budget add 12.50`") is about a program
_COMMAND_EXAMPLE = re.compile(r"`[a-z][\w.-]* [^`]+`", re.IGNORECASE)
# Share of junk characters above which the input is treated as binary rather than text.
_JUNK_SHARE = 0.05
_EXAMPLE = (
    'For example: "Build a REST API for a bookstore with books (title, author, price) and '
    'authors (name)" or "A command line tool that converts CSV files to JSON".'
)
_ASCII_PUNCTUATION = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u2013": "-",
        "\u2014": " - ",
        "\u2212": "-",
        "\u00a0": " ",
        "\u2026": "...",
    }
)
_SCRIPT_LABELS = {"CJK": "Chinese/Japanese (CJK)", "HANGUL": "Korean (Hangul)"}
_SPACES = re.compile(r"[ \t\f\v]+")
_BLANK_LINES = re.compile(r"\n{3,}")
# Asking for a piece of writing ("write me a poem about cats") is not asking for software, though
# "write" starts many software requests; the span is left out before looking for cues. The piece
# must end its phrase, so in "write a cover letter generator" the letter is what the program makes.
_PROSE_ASK = re.compile(
    r"\b(?:writ(?:e|es|ing)|wrote|compos(?:e|es|ing)|draft|pen|recite|tell|come up with)"
    r" (?:me |us |him |her |them )?(?:an? |the |some |my |our |one |short |little |funny |nice )*"
    r"(?:[\w'-]+ ){0,2}?(?:poems?|poetry|stor(?:y|ies)|essays?|songs?|lyrics|haikus?|limericks?"
    r"|sonnets?|letters?|speech(?:es)?|jokes?|novels?|toasts?|eulogy|eulogies|tweets?|captions?"
    r"|slogans?|rhymes?|riddles?|paragraphs?|blog posts?|articles?|greeting cards?"
    r"|birthday cards?)"
    r"(?=\s*(?:[.,;:!?]|$)|\s+(?:about|for|on|to|that|which|where|with|in|of|and|or|like|as)\b)",
    re.IGNORECASE,
)
# Keyword evidence for a project type at or above this counts as asking for software: one
# distinctive cue ("interactive prompt", "into Mailchimp audiences") or two weak ones. A single
# weak cue ("daily", "print", "options") turns up in everyday sentences too.
_TYPE_EVIDENCE = 2.0


def _script_label(script: str) -> str:
    return _SCRIPT_LABELS.get(script, script.title())


def _is_junk(ch: str) -> bool:
    if ch in "\t\n\r":
        return False
    if ch == "\ufffd":
        return True
    # Cc control, Cs surrogate, Co private use, Cn unassigned: none belong in a requirement.
    return unicodedata.category(ch) in {"Cc", "Cs", "Co", "Cn"}


def _clean(text: str) -> str:
    text = unicodedata.normalize("NFC", text).translate(_ASCII_PUNCTUATION)
    text = "".join(ch for ch in text if not _is_junk(ch) and unicodedata.category(ch) != "Cf")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def _describes_records(text: str) -> bool:
    """A bare data model ("products with a name, price and stock") is a request for software."""
    # imported here: entity extraction is heavier than the guard and only needed on this path
    from codeguild.intent.entities import extract_entities

    return extract_entities(text).described > 0


def _asks_for_software(text: str) -> bool:
    """Whether ``text`` names something to build, a task software does, or how it will be used."""
    text = _PROSE_ASK.sub(" ", text)
    if SOFTWARE_CUE.search(text) or _COMMAND_EXAMPLE.search(text) or names_a_technology(text):
        return True
    # the classifier's own cues read how the thing is used ("an interactive prompt where I type
    # ...", "feed the contacts into Mailchimp audiences overnight") where no cue word names it
    if max(score_project_type(text).scores.values()) >= _TYPE_EVIDENCE:
        return True
    return _describes_records(text)


def check_requirement(text: str) -> str:
    """Return ``text`` cleaned for processing, or raise RequirementError saying what to fix."""
    if not isinstance(text, str):
        raise RequirementError(
            f"The requirement must be text, not {type(text).__name__}.",
            hint="Pass the requirement as a plain string.",
        )
    if not text.strip():
        raise RequirementError(
            "The requirement is empty.",
            hint=f"Describe the software you want in a sentence or two. {_EXAMPLE}",
        )
    size = len(text)
    if size > MAX_REQUIREMENT_CHARS:
        raise RequirementError(
            f"The requirement is {size:,} characters long; the limit is "
            f"{MAX_REQUIREMENT_CHARS:,} characters.",
            hint="Shorten it to the essentials: what to build, its data, and its rules.",
        )
    if "\x00" in text:
        raise RequirementError(
            "The requirement contains NUL bytes, so it looks like binary data, not text.",
            hint="Pass the requirement as plain text (not a binary file's contents).",
        )
    junk = sum(_is_junk(ch) or not (ch.isprintable() or ch in "\t\n\r") for ch in text)
    if junk / size > _JUNK_SHARE:
        raise RequirementError(
            f"The requirement looks like binary data: {junk} of its {size} characters are "
            "control, replacement or non-printable characters.",
            hint="Pass the requirement as plain UTF-8 text.",
        )
    cleaned = _clean(text)
    if not cleaned:
        raise RequirementError(
            "The requirement has no readable text once control characters are removed.",
            hint=f"Describe the software you want in plain text. {_EXAMPLE}",
        )
    injected = find_injection(cleaned)
    if injected:
        raise RequirementError(
            f"The requirement contains an instruction addressed to the generator ({injected!r}) "
            "instead of a description of software; such text is never followed.",
            hint=f"Remove it and describe what to build. {_EXAMPLE}",
        )
    lang = profile(cleaned)
    if not lang.looks_english:
        detected = (
            f"mostly {_script_label(lang.dominant_script)} script"
            if lang.non_latin_share > 0.3
            else "mostly not English"
        )
        raise RequirementError(
            f"The requirement is {detected}; the built-in engine reads English requirements.",
            hint="Rephrase the requirement in English.",
        )
    if not _asks_for_software(cleaned):
        raise RequirementError(
            "The text does not ask for software: it names nothing to build (no API, command line "
            "tool, library, app, or task such as parse, convert, track or move data between "
            "systems).",
            hint=f"State what to build and what it should do. {_EXAMPLE}",
        )
    log.debug("requirement accepted chars=%d words=%d", len(cleaned), lang.words)
    return cleaned
