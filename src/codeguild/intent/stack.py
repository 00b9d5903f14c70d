"""Tech stack from the gazetteer, with versions, defaults per project type, and constraints."""

from __future__ import annotations

from dataclasses import dataclass, field

from codeguild.intent.constraints import extract_constraints
from codeguild.intent.gazetteer import DEFAULTS, ENGINE_STACK, LABELS, MAPPED, TECHNOLOGIES
from codeguild.intent.models import Constraints, ProjectType, TechStack


@dataclass
class StackResult:
    tech_stack: TechStack
    constraints: Constraints
    assumptions: list[str] = field(default_factory=list)


def _named_stack(text: str) -> tuple[TechStack, list[str]]:
    stack = TechStack(language=[], testing=[])
    named: list[str] = []
    for tech in TECHNOLOGIES:
        m = tech.pattern.search(text)
        if not m or tech.name in named:
            continue
        named.append(tech.name)
        bucket: list[str] = getattr(stack, tech.slot)
        bucket.append(tech.name)
        if m.group(1):
            stack.versions[tech.name] = m.group(1)
            if tech.slot in {"database", "backend"}:
                stack.other.append(f"{tech.name} {m.group(1)}")
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
    result = StackResult(tech_stack=stack, constraints=extract_constraints(text))
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
