"""Constraints (performance, security, deployment, other) as text and as structured values."""

from __future__ import annotations

from codeguild.intent.models import Constraints, ConstraintValue, ProjectType
from codeguild.intent.performance import RULES
from codeguild.intent.policies import deployment, other, security
from codeguild.intent.quantities import number
from codeguild.intent.schedules import deadlines, schedules

__all__ = ["extract_constraints", "number"]


def _runs_on_a_schedule(project_type: ProjectType | None) -> bool:
    """Whether a schedule or a finish time can be the project's own.

    A service runs all the time and a library runs when called, so a periodic job inside them
    is a feature ("a daily job should email the partners"), not how often the project runs.
    Data pipelines are built as command line tools, so those are the types that run on one."""
    return project_type is None or project_type is ProjectType.CLI_TOOL


def extract_constraints(text: str, project_type: ProjectType | None = None) -> Constraints:
    """Constraints named in ``text``, each as a sentence and as a structured value."""
    lower = text.lower()
    found = Constraints()
    seen: set[str] = set()

    def add(value: ConstraintValue, sentence: str) -> None:
        if value.key in seen:
            return
        seen.add(value.key)
        found.parsed.append(value)
        bucket: list[str] = getattr(found, value.kind)
        if sentence not in bucket:
            bucket.append(sentence)

    covered: list[tuple[int, int]] = []
    for rule in RULES:
        for m in rule.pattern.finditer(lower):
            # a span already read by a more specific rule ("10k concurrent users") is not read
            # again by a general one ("10k users")
            if any(a <= m.start() < b for a, b in covered):
                continue
            built = rule.build(m)
            if built is not None:
                covered.append((m.start(), m.end()))
                add(*built)
    for value, sentence in (*security(lower), *deployment(lower), *other(lower)):
        add(value, sentence)
    if _runs_on_a_schedule(project_type):
        for schedule in schedules(lower):
            add(
                ConstraintValue(kind="other", name="schedule", op="=", value=schedule),
                f"runs {schedule}",
            )
        for deadline in deadlines(lower):
            add(
                ConstraintValue(kind="other", name="deadline", op="=", value=deadline),
                f"finished before {deadline}",
            )
    return found
