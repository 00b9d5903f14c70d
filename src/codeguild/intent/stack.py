"""Tech stack from the gazetteer, with versions, defaults per project type, and constraints.

A technology counts when the text asks to use it: not where it is turned down ("not FastAPI",
"I thought about SvelteKit but ..."), and not where only another system uses it ("the props
talk MQTT to a bridge box another vendor maintains, this API never touches that"). The programs
that import a library do count: "a module my Django app imports" asks for Django.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from codeguild.intent.constraints import extract_constraints
from codeguild.intent.gazetteer import DEFAULTS, ENGINE_STACK, LABELS, MAPPED, candidates
from codeguild.intent.models import Constraints, ProjectType, TechStack
from codeguild.intent.product_names import unlisted_products
from codeguild.intent.rejection import is_rejected


@dataclass
class StackResult:
    tech_stack: TechStack
    constraints: Constraints
    assumptions: list[str] = field(default_factory=list)


# A sentence about software the project does not build or touch.
_FOREIGN = re.compile(
    r"\b(?:another|a different|an external|the other|a separate|a third[- ]party|some other)\s+"
    r"(?:\w+\s+)?(?:team|vendor|company|agency|supplier|contractor|department|provider)"
    r"\s+(?:maintains|owns|runs|builds|built|operates|manages|looks after)\b"
    r"|\b(?:maintained|owned|run|operated|managed) by (?:another|a different|an external"
    r"|the other|a separate|a third[- ]party) \w+"
    r"|\b(?:never|doesn'?t|does not|won'?t|will not|must not) (?:touch|talk to|connect to)"
    r"(?:es)?\b|\bout of scope\b|\bnot part of (?:this|the) (?:project|service|api|app)\b",
    re.IGNORECASE,
)


def _foreign_spans(text: str) -> list[tuple[int, int]]:
    spans = []
    for m in re.finditer(r"[^.!?\n]+", text):
        if _FOREIGN.search(m.group(0)):
            spans.append((m.start(), m.end()))
    return spans


def _named_stack(text: str) -> tuple[TechStack, list[str]]:
    stack = TechStack(language=[], testing=[])
    named: list[str] = []
    foreign = _foreign_spans(text)

    def asked_for(start: int, end: int) -> bool:
        if any(a <= start < b for a, b in foreign):
            return False
        return not is_rejected(text, start, end)

    def add(name: str, slot: str, version: str | None) -> None:
        named.append(name)
        bucket: list[str] = getattr(stack, slot)
        bucket.append(name)
        if version:
            stack.versions[name] = version
            if slot in {"database", "backend"}:
                stack.other.append(f"{name} {version}")

    for tech in candidates(text):
        if tech.name in named:
            continue
        m = next((m for m in tech.mentions(text) if asked_for(*m.span())), None)
        if m:
            add(tech.name, tech.slot, m.group(1))
    for name, start, end in unlisted_products(text):
        if name not in named and asked_for(start, end):
            add(name, "other", None)
    return stack, named


def _fill_defaults(stack: TechStack, project_type: ProjectType) -> None:
    slots = {"language": ["python"], "testing": ["pytest"], **DEFAULTS[project_type]}
    for slot, names in slots.items():
        bucket: list[str] = getattr(stack, slot)
        # only fill a slot the user left empty: a named Postgres replaces the default SQLite
        if slot in {"database", "language", "testing"} and bucket:
            continue
        for name in names:
            if name not in bucket and not _conflicts(name, bucket):
                bucket.append(name)
                stack.defaults.append(name)


def extract_stack(text: str, project_type: ProjectType) -> StackResult:
    stack, named = _named_stack(text)
    _fill_defaults(stack, project_type)
    result = StackResult(tech_stack=stack, constraints=extract_constraints(text, project_type))
    for name in named:
        if name in MAPPED:
            result.assumptions.append(
                f"{LABELS.get(name, name)} was named; the built-in engine generates "
                f"{ENGINE_STACK[project_type]}, so it maps to {MAPPED[name]}."
            )
    return result


def _conflicts(default: str, chosen: list[str]) -> bool:
    web = {"fastapi", "flask", "django"}
    cli = {"typer", "click", "argparse"}
    return any((default in group and c in group) for group in (web, cli) for c in chosen)
