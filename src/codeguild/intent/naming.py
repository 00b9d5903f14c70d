"""A short kebab-case project name and a one-sentence summary."""

from __future__ import annotations

import keyword
import re
import sys

from codeguild.intent.inflect import kebab, singular
from codeguild.intent.language import ENGLISH_STOPWORDS
from codeguild.intent.lexicon import AGENT_NOUNS, word_set
from codeguild.intent.models import Command, Entity, ProjectType

_SUFFIX = {ProjectType.WEB_API: "api", ProjectType.CLI_TOOL: "cli", ProjectType.LIBRARY: "tools"}
_TYPE_PHRASE = {
    ProjectType.WEB_API: "REST API",
    ProjectType.CLI_TOOL: "command line tool",
    ProjectType.LIBRARY: "Python library",
}
_AGENT_SUFFIXES = tuple(set(AGENT_NOUNS.values()) | {"api", "cli", "tools", "service", "app"})
# Distribution names that would shadow what generated projects import.
_TAKEN = word_set(
    """codeguild fastapi typer pytest sqlalchemy pydantic uvicorn click httpx jwt requests flask
    django test tests app api cli src lib main setup site project tool tools library"""
)
_NAMED_THING = re.compile(
    r"\b([a-z]+(?:[ -][a-z]+)?)[ -](tracker|manager|converter|validator|parser|generator|"
    r"calculator|counter|checker|formatter|scanner|analy[sz]er|planner|organi[sz]er|logger)\b"
)
# Domain tags that describe a format or plumbing more than what the project is about.
_WEAK_DOMAINS = frozenset(
    {"url", "hashing", "checksum", "bookstore", "library_system", "json", "csv", "yaml", "markdown"}
)


def _valid(name: str) -> bool:
    package = name.replace("-", "_")
    return (
        bool(re.fullmatch(r"[a-z][a-z0-9]*(?:-[a-z0-9]+)*", name))
        and len(name) <= 40
        and package not in sys.stdlib_module_names
        and package not in _TAKEN
        and not keyword.iskeyword(package)
    )


_FILLER = word_set(
    """a an the my our your simple small basic minimal tiny new python rest restful http web json
    crud online local command line cli api tool app service little quick personal modern flask
    django fastapi typer click postgres postgresql sqlite mysql mongodb redis docker graphql async
    secure fast lightweight"""
)
_PROJECT_NOUN = re.compile(
    r"\b([a-z]+(?:[ -][a-z]+){0,2})[ -](?:management system|system|api|service|backend|app"
    r"|application|cli|tool|utility|library|package|module|platform|website|script)\b"
)
_FOR_A = re.compile(r"\bfor (?:a|an|the|my|our) ([a-z]+(?: [a-z]+){0,2})")
_VERB_OBJECT = re.compile(
    r"\b(track|manag|convert|validat|pars|generat|calculat|count|check|format|scan|analy[sz])"
    r"(?:e|es|s|ing|ed|ion)?\s+(?:the\s+|my\s+|your\s+|their\s+|all\s+)?([a-z]+)\b"
)
_STEMS = {
    "manag": "manage",
    "validat": "validate",
    "pars": "parse",
    "generat": "generate",
    "calculat": "calculate",
    "analys": "analyze",
    "analyz": "analyze",
}


def _name_words(phrase: str, *, from_start: bool = False) -> list[str]:
    """The naming words of a phrase: contiguous content words, fillers dropped.

    A function word breaks the phrase: ``from_start`` keeps what precedes the break ("for a
    bookstore with books"), otherwise what follows it ("build a bookstore api").
    """
    words: list[str] = []
    for word in re.split(r"[ -]", phrase):
        if word in ENGLISH_STOPWORDS or not word.isalpha():
            if from_start and words:
                break
            words = []
            continue
        if word not in _FILLER:
            words.append(word)
    return words[-3:]


def _candidates(
    lower: str,
    project_type: ProjectType,
    entities: list[Entity],
    commands: list[Command],
    domains: list[str],
) -> list[str]:
    suffix = _SUFFIX[project_type]
    found: list[str] = []
    thing = _NAMED_THING.search(lower)
    if thing and _name_words(thing.group(1)):
        found.append(f"{singular(_name_words(thing.group(1))[-1])}-{thing.group(2)}")
    conversions = [c.name for c in commands if "-to-" in c.name or "_to_" in c.name]
    if conversions and project_type is not ProjectType.WEB_API:
        parts = re.split(r"[-_]to[-_]", conversions[0])
        found.append(f"{kebab(parts[0])}-{kebab(parts[1])}-converter")
    verb_object = _VERB_OBJECT.search(lower)
    if verb_object and entities:
        stem = _STEMS.get(verb_object.group(1), verb_object.group(1))
        noun = verb_object.group(2)
        if noun.isalpha() and noun not in ENGLISH_STOPWORDS and stem in AGENT_NOUNS:
            found.append(f"{singular(noun)}-{AGENT_NOUNS[stem]}")
    strong = [d for d in domains if d not in _WEAK_DOMAINS]
    for regex in (_PROJECT_NOUN, _FOR_A):
        m = regex.search(lower)
        words = _name_words(m.group(1), from_start=regex is _FOR_A) if m else []
        if words and not (project_type is not ProjectType.WEB_API and strong):
            found.append("-".join([*words, suffix]))
    if strong:
        found.append(f"{kebab(strong[0])}-{suffix}")
    if entities:
        found.append(f"{kebab(entities[0].name)}-{suffix}")
    if verb_object and verb_object.group(2).isalpha():
        stem = _STEMS.get(verb_object.group(1), verb_object.group(1))
        if stem in AGENT_NOUNS and verb_object.group(2) not in ENGLISH_STOPWORDS:
            found.append(f"{singular(verb_object.group(2))}-{AGENT_NOUNS[stem]}")
    if commands:
        found.append(f"{kebab(commands[0].name)}-{suffix}")
    found.append(f"my-{suffix}")
    return found


def project_name(
    text: str,
    project_type: ProjectType,
    entities: list[Entity],
    commands: list[Command],
    domains: list[str],
) -> str:
    """A kebab-case name that is also a valid, unclaimed Python package name."""
    suffix = _SUFFIX[project_type]
    for cand in _candidates(text.lower(), project_type, entities, commands, domains):
        cand = re.sub(r"-+", "-", cand).strip("-")
        if cand.endswith(f"-{suffix}") and cand[: -len(suffix) - 1].endswith(_AGENT_SUFFIXES):
            cand = cand[: -len(suffix) - 1]
        if len(cand) > 40:
            cand = cand[:40].rsplit("-", 1)[0]
        if _valid(cand):
            return cand
        if _valid(f"{cand}-project"):
            return f"{cand}-project"
    return f"generated-{suffix}"


def summary(
    project_type: ProjectType,
    name: str,
    entities: list[Entity],
    commands: list[Command],
    auth: bool,
) -> str:
    """One sentence saying what the project is and does."""
    what = f"A {_TYPE_PHRASE[project_type]} ({name})"
    if entities:
        names = [e.plural.replace("_", " ") for e in entities]
        listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + f" and {names[-1]}"
        does = f"that manages {listed}"
    elif commands:
        verbs = [c.name for c in commands[:5]]
        kind = "commands" if project_type is ProjectType.CLI_TOOL else "functions"
        does = f"with the {kind} " + ", ".join(verbs)
    else:
        does = "built from the requirement"
    extra = " behind JWT authentication" if auth else ""
    return f"{what} {does}{extra}."
