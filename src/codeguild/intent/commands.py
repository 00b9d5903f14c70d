"""CLI commands and library functions the requirement names, with their options."""

from __future__ import annotations

import keyword
import re
from dataclasses import dataclass

from codeguild.intent.inflect import snake
from codeguild.intent.language import ENGLISH_STOPWORDS
from codeguild.intent.lexicon import COMMAND_VERBS, META_VERBS, word_set
from codeguild.intent.models import Command, ProjectType

_TOKEN = re.compile(r"[a-z][a-z0-9_]*(?:-[a-z0-9_]+)*|[,.;:!?()]")
_STEM_SPELLING = {"summarise": "summarize", "normalise": "normalize", "analyse": "analyze"}
_OPTION_ALIASES = {
    "pretty-print": "pretty",
    "pretty print": "pretty",
    "pretty": "pretty",
    "indentation": "indent",
    "dry run": "dry-run",
    "dry-run": "dry-run",
    "output file": "output",
    "output path": "output",
    "output": "output",
    "input file": "input",
    "verbose output": "verbose",
    "verbosity": "verbose",
    "separator": "delimiter",
    "delimiter": "delimiter",
    "case insensitive": "ignore-case",
    "case-insensitive": "ignore-case",
    "ignore case": "ignore-case",
    "number of results": "limit",
    "maximum number": "limit",
}
_OPTION_VERBS = word_set(
    """pick select choose set specify enable disable control toggle change give pass use include
    exclude skip print write read show limit sort filter define configure adjust override add
    customize customise provide turn"""
)
_OPTION_PHRASE = re.compile(
    r"\b(?:options?|flags?|switch(?:es)?|arguments?|parameters?)\s*(?:to|for|that|:|like|such as"
    r"|including)\s+(.+?)(?=[.;!?]|$)"
)
_DASHED = re.compile(r"(?<![\w-])--([a-z][a-z0-9-]*)")
_CONVERT = re.compile(
    r"\bconver(?:t|ts|ting|sion|ter|ts?)\w*\s+(?:(?:between|from)\s+)?(?:the\s+)?([a-z][a-z0-9-]*)"
    r"(?:\s+(?:files?|data|documents?|strings?|values?|numbers?|text|format))?\s+(?:to|into|and)\s+"
    r"([a-z][a-z0-9-]*)(\s+and\s+back|\s+and\s+vice[- ]versa"
    r"|\s+(?:in\s+)?both\s+(?:ways|directions)|\s+back and forth)?"
)
_BETWEEN = re.compile(
    r"\bconver\w*\s+(?:\w+\s+)?between\s+([a-z][a-z0-9-]*)\s+and\s+([a-z][a-z0-9-]*)"
)
_NAMED = re.compile(
    r"\b(?:sub)?(?:commands?|functions?|methods?)\s*(?::|called|named|like|such as|including)?\s*"
    r"((?:`?[a-z][a-z0-9_-]*`?(?:\(\))?\s*(?:,\s*(?:and\s+)?|\s+and\s+|\s+or\s+)?)+)"
)
_IDENT = re.compile(r"`([A-Za-z_][\w-]*)(?:\(\))?`|\b([a-z]+(?:_[a-z0-9]+)+)\b")
_NOT_FORMATS = word_set("""them it each other one these those a an the""")
_VERB_LEAD = word_set("""to can will should must and or also then could would may""")
_NOMINALS = {
    "validation": "validate",
    "conversion": "convert",
    "generation": "generate",
    "calculation": "calculate",
    "verification": "verify",
    "encryption": "encrypt",
    "decryption": "decrypt",
    "compression": "compress",
    "extraction": "extract",
    "normalization": "normalize",
    "normalisation": "normalize",
    "deduplication": "deduplicate",
    "translation": "translate",
    "transformation": "transform",
    "summarization": "summarize",
}
_LISTED_BEFORE = re.compile(
    r"\b((?:[a-z][a-z0-9_]*(?: [a-z][a-z0-9_]*)?(?:\s*,\s*(?:and\s+|or\s+)?|\s+and\s+|\s+or\s+))+"
    r"[a-z][a-z0-9_]*(?: [a-z][a-z0-9_]*)?)\s+(?:functions|methods|commands|sub-?commands)\b"
)
_THIRD_LEAD = word_set("""that which it and also then or""")
_ARTICLES = word_set("""a an the this that my your todo to-do shopping""")
_OBJECT_STOP = re.compile(r"[,.;:!?(]|\s(?:with|into|from|so|that|which|and then|using|via)\s")


@dataclass(frozen=True, slots=True)
class _Found:
    name: str
    pos: int
    description: str


def verb_lemma(token: str) -> str | None:
    """The base form of ``token`` when it is a known command verb ('validating' -> 'validate')."""
    token = _STEM_SPELLING.get(token, token)
    if token in _NOMINALS:
        return _NOMINALS[token]
    candidates = [token]
    if token.endswith("ing") and len(token) > 5:
        stem = token[:-3]
        candidates += [stem, stem + "e"]
        if len(stem) > 2 and stem[-1] == stem[-2]:
            candidates.append(stem[:-1])
    if token.endswith("ies"):
        candidates.append(token[:-3] + "y")
    if token.endswith("es"):
        candidates.append(token[:-2])
    if token.endswith("s"):
        candidates.append(token[:-1])
    for cand in candidates:
        cand = _STEM_SPELLING.get(cand, cand)
        if cand in COMMAND_VERBS and cand not in META_VERBS:
            return cand
    return None


def _option_name(phrase: str) -> str | None:
    phrase = re.sub(r"^(?:to|for|the|a|an|and|or)\s+", "", phrase.strip(" `'\""))
    phrase = re.sub(r"^(?:to|for|the|a|an)\s+", "", phrase)
    for alias, name in _OPTION_ALIASES.items():
        if re.search(rf"\b{re.escape(alias)}\b", phrase):
            return name
    words = [w for w in re.findall(r"[a-z][a-z0-9-]*", phrase) if w not in {"the", "a", "an"}]
    if words and words[0] in _OPTION_VERBS and len(words) > 1:
        words = words[1:]
    words = [w for w in words if w not in {"by", "of", "to", "in", "on", "which", "what", "how"}]
    if not words:
        return None
    name = "-".join(words[:2])
    return name if len(name) <= 30 else None


def _options(lower: str) -> tuple[list[tuple[str, int]], list[tuple[int, int]]]:
    """Option names with positions, and the spans of text that describe them."""
    found: list[tuple[str, int]] = []
    spans: list[tuple[int, int]] = []
    for m in _OPTION_PHRASE.finditer(lower):
        spans.append(m.span(1))
        for part in re.split(r"\s*(?:,|;|\band\b|\bor\b)\s*", m.group(1)):
            name = _option_name(part)
            if name:
                found.append((name, m.start()))
    for m in _DASHED.finditer(lower):
        found.append((m.group(1), m.start()))
        spans.append(m.span())
    return found, spans


def _object_after(text: str, pos: int) -> str:
    tail = text[pos:].lstrip()
    cut = _OBJECT_STOP.search(" " + tail)
    phrase = tail[: max(0, cut.start() - 1)] if cut else tail
    words: list[str] = []
    for i, word in enumerate(phrase.split()[:6]):
        # "scores passwords and generates ...": the object ends where the next verb starts
        following = phrase.split()[i + 1 : i + 2]
        if word.lower() in {"and", "or"} and following and verb_lemma(following[0].lower()):
            break
        words.append(word)
    return " ".join(words)


def _single_ok(word: str, lemma: str, prev: str) -> bool:
    """Whether one verb token, on its own, reads as an action the software performs."""
    if word.endswith("ing"):
        return prev not in _ARTICLES
    if word != lemma and word.endswith("s"):
        return prev in _THIRD_LEAD
    if word in _NOMINALS:
        return prev not in _ARTICLES
    return word == lemma and prev in _VERB_LEAD


def _verbs(
    lower: str, original: str, spans: list[tuple[int, int]], exclude: frozenset[str]
) -> list[_Found]:
    tokens = [
        m
        for m in _TOKEN.finditer(lower)
        if not any(a <= m.start() < b for a, b in spans) and m.group() not in exclude
    ]
    found: list[_Found] = []
    i = 0
    while i < len(tokens):
        lemma = verb_lemma(tokens[i].group())
        if lemma is None:
            i += 1
            continue
        run = [(lemma, tokens[i])]
        j = i + 1
        # an enumeration: verb (, verb)* (and|or) verb
        while j + 1 < len(tokens) and tokens[j].group() in {",", "and", "or"}:
            k = j + 1 if tokens[j + 1].group() not in {"and", "or"} else j + 2
            nxt = verb_lemma(tokens[k].group()) if k < len(tokens) else None
            if nxt is None:
                break
            run.append((nxt, tokens[k]))
            j = k + 1
        prev = tokens[i - 1].group() if i else ""
        word = tokens[i].group()
        # an enumeration counts only when its first verb is used as a verb
        if _single_ok(word, lemma, prev) or (len(run) >= 2 and prev in {"", ":", "to", "can"}):
            obj = _object_after(original, run[-1][1].end())
            for lem, _tok in run:
                desc = f"{lem.capitalize()} {obj}".strip()
                found.append(_Found(lem, run[0][1].start(), desc))
            i = j if len(run) >= 2 else i + 1
        else:
            i += 1
    return found


def _conversions(lower: str, original: str) -> list[_Found]:
    found: list[_Found] = []
    for m in _CONVERT.finditer(lower):
        src, dst = m.group(1), m.group(2)
        if src in _NOT_FORMATS or dst in _NOT_FORMATS or src == dst:
            continue
        s_label, d_label = original[m.start(1) : m.end(1)], original[m.start(2) : m.end(2)]
        found.append(_Found(f"{src}-to-{dst}", m.start(), f"Convert {s_label} to {d_label}"))
        if m.group(3):
            found.append(
                _Found(f"{dst}-to-{src}", m.start() + 1, f"Convert {d_label} to {s_label}")
            )
    for m in _BETWEEN.finditer(lower):
        a, b = m.group(1), m.group(2)
        if a in _NOT_FORMATS or b in _NOT_FORMATS or a == b:
            continue
        found.append(_Found(f"{a}-to-{b}", m.start(), f"Convert {a} to {b}"))
        found.append(_Found(f"{b}-to-{a}", m.start() + 1, f"Convert {b} to {a}"))
    return found


def _explicit(lower: str, original: str) -> list[_Found]:
    found: list[_Found] = []
    for m in _NAMED.finditer(lower):
        for item in re.split(r"\s*(?:,|\band\b|\bor\b)\s*", m.group(1)):
            name = item.strip(" `()")
            if name and (
                verb_lemma(name.split("_")[0].split("-")[0]) or "_" in name or "`" in item
            ):
                found.append(_Found(name, m.start(1), _describe(name)))
    for m in _LISTED_BEFORE.finditer(lower):
        for item in re.split(r"\s*(?:,|\band\b|\bor\b)\s*", m.group(1)):
            words = [w for w in item.split() if w not in ENGLISH_STOPWORDS]
            name = snake(" ".join(words))
            if name and name not in {"helper", "utility", "several", "some", "many", "few"}:
                found.append(_Found(name, m.start(1), _describe(name)))
    for m in _IDENT.finditer(original):
        name = (m.group(1) or m.group(2) or "").lower()
        first = re.split(r"[_-]", name)[0]
        named = (
            m.group(1) or verb_lemma(first) or first in {"to", "from", "is", "has", "get", "set"}
        )
        if named and not name.startswith("-"):
            found.append(_Found(name, m.start(), _describe(name)))
    return found


def _describe(name: str) -> str:
    return " ".join(re.split(r"[_-]+", name)).capitalize()


def _render(name: str, project_type: ProjectType) -> str:
    if project_type is ProjectType.LIBRARY:
        ident = snake(name)
        return f"{ident}_" if keyword.iskeyword(ident) else ident
    return snake(name).replace("_", "-")


def extract_commands(
    text: str, project_type: ProjectType, exclude: frozenset[str] = frozenset()
) -> list[Command]:
    """Commands of a CLI tool or public functions of a library; empty for web APIs.

    ``exclude`` holds words already known to be something else (entity field names such as
    "rating"), so they are not read as verbs.
    """
    if project_type is ProjectType.WEB_API:
        return []
    lower = text.lower()
    options, spans = _options(lower)
    conversions = _conversions(lower, text)
    explicit = _explicit(lower, text)
    verbs = _verbs(lower, text, spans, exclude)
    prefixes = {re.split(r"[_-]", f.name)[0] for f in explicit}
    if conversions:
        prefixes.add("convert")
    verbs = [v for v in verbs if v.name not in prefixes]
    commands: dict[str, Command] = {}
    positions: dict[str, int] = {}
    for f in sorted(conversions + explicit + verbs, key=lambda f: f.pos):
        name = _render(f.name, project_type)
        if name and name not in commands:
            commands[name] = Command(name=name, description=f.description)
            positions[name] = f.pos
    if options and commands:
        starts = [0, *(m.end() for m in re.finditer(r"[.!?;\n]", lower))]

        def sentence_of(pos: int) -> int:
            return max(s for s in starts if s <= pos)

        for opt, pos in options:
            same = [n for n, p in positions.items() if sentence_of(p) == sentence_of(pos)]
            for name in same or list(commands):
                if opt not in commands[name].options:
                    commands[name].options.append(opt)
    return list(commands.values())
