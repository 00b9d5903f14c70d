"""From the classifier's category to a project type the engines build, with the assumptions made.

The engines build web_api, cli_tool and library projects. A web_app request is built as the web API
behind it, and a data_pipeline as a command line tool that runs its steps, each recorded as an
assumption; with ``CODEGUILD_INTENT_UNSUPPORTED=error`` such requests stop with an IntentError
instead. A text with no type cue at all ("unknown") gets the documented default.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from codeguild.errors import IntentError
from codeguild.intent.classify import CATEGORIES
from codeguild.intent.models import ProjectCategory, ProjectType
from codeguild.intent.zeroshot import Decision

LABELS: dict[ProjectCategory, str] = {
    ProjectCategory.WEB_API: "web API",
    ProjectCategory.CLI_TOOL: "command line tool",
    ProjectCategory.LIBRARY: "library",
    ProjectCategory.WEB_APP: "web app",
    ProjectCategory.DATA_PIPELINE: "data pipeline",
    ProjectCategory.UNKNOWN: "unknown",
}
NEAREST: dict[ProjectCategory, tuple[ProjectType, str]] = {
    ProjectCategory.WEB_APP: (
        ProjectType.WEB_API,
        "the web API behind it (its data and rules as JSON endpoints; no pages or frontend)",
    ),
    ProjectCategory.DATA_PIPELINE: (
        ProjectType.CLI_TOOL,
        "a command line tool that runs the steps (schedule it with cron or an orchestrator)",
    ),
}
_BUILDABLE = ", ".join(t.value for t in ProjectType)


@dataclass(frozen=True, slots=True)
class TypeChoice:
    category: ProjectCategory
    project_type: ProjectType
    confidence: float
    assumptions: list[str] = field(default_factory=list)


def _runner_up(decision: Decision, best: ProjectCategory) -> ProjectCategory:
    others = [c for c in CATEGORIES if c is not best]
    return max(others, key=lambda c: decision.scores.get(c, 0.0))


def _uncertainty_note(decision: Decision, category: ProjectCategory) -> str:
    cues = ", ".join(f"'{c}'" for c in decision.keywords.cues.get(category, [])[:3])
    evidence = cues or "weak cues"
    if decision.method != "keywords":
        evidence += " and the closest label description"
    return (
        f"The project type is uncertain (confidence {decision.confidence:.2f}); assumed "
        f"{LABELS[category]} from {evidence} over {LABELS[_runner_up(decision, category)]}. "
        "Pass the type explicitly to override."
    )


def decide_type(
    decision: Decision,
    forced: ProjectType | None,
    has_data: bool,
    threshold: float,
    unsupported: Literal["nearest", "error"],
) -> TypeChoice:
    """The buildable type for ``decision``; ``has_data`` means the text describes records."""
    if forced is not None:
        return TypeChoice(ProjectCategory(forced.value), forced, 1.0)
    category = decision.category
    notes: list[str] = []
    if category is ProjectCategory.UNKNOWN:
        ptype = ProjectType.WEB_API if has_data else ProjectType.LIBRARY
        reason = (
            "it describes data records to store and manage"
            if has_data
            else "it describes behaviour to reuse rather than a service or a command"
        )
        notes.append(
            f"No project type was named; assumed {LABELS[ProjectCategory(ptype.value)]} because "
            f"{reason}. The requested kind is unknown: nothing points at a web API, command line "
            "tool, library, web app or data pipeline; pass the type explicitly to choose."
        )
        return TypeChoice(category, ptype, 0.3, notes)
    if category in NEAREST:
        ptype, built_as = NEAREST[category]
        if unsupported == "error":
            raise IntentError(
                f"The requirement asks for a {LABELS[category]}, which the engines do not build "
                f"yet (they build {_BUILDABLE}).",
                hint=f"Pass --type {ptype.value} to build {built_as}, or set "
                "CODEGUILD_INTENT_UNSUPPORTED=nearest to do that automatically.",
            )
        notes.append(
            f"A {LABELS[category]} was asked for; the engines do not build one yet, so this "
            f"builds {built_as}."
        )
    else:
        ptype = ProjectType(category.value)
    if decision.confidence < threshold:
        notes.append(_uncertainty_note(decision, category))
    return TypeChoice(category, ptype, decision.confidence, notes)
