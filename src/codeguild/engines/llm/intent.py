"""The intent via the model: structured output merged with the rule-based reading.

Rules win where the requirement was explicit (they are deterministic and cite the text); the
model fills what the rules missed. Which source gave which field is recorded in the assumptions.
"""

from __future__ import annotations

import json

from pydantic import BaseModel, ConfigDict, Field

from codeguild.engines.llm.answers import ask_model
from codeguild.engines.llm.client import LLMClient
from codeguild.engines.llm.prompts import messages
from codeguild.intent.classify import ASSUMPTION_THRESHOLD
from codeguild.intent.models import (
    Command,
    Constraints,
    Entity,
    Feature,
    ProjectIntent,
    ProjectType,
)

_FALLBACK_ENTITY_NOTE = "No data entities were named"


class IntentDraft(BaseModel):
    """What the intent model answers (a subset of ProjectIntent the rules cannot be sure of)."""

    model_config = ConfigDict(extra="ignore")

    project_type: ProjectType | None = None
    summary: str = ""
    entities: list[Entity] = Field(default_factory=list)
    features: list[Feature] = Field(default_factory=list)
    commands: list[Command] = Field(default_factory=list)
    dependencies: list[str] = Field(default_factory=list, description="PyPI distributions")
    constraints: Constraints = Field(default_factory=Constraints)
    assumptions: list[str] = Field(default_factory=list)


def _rule_view(intent: ProjectIntent) -> str:
    # run metadata (how the type was decided, a similar-request hit) stays out of the prompt so
    # that the same requirement gives the same prompt, and the completion cache answers it
    data = intent.model_dump(
        mode="json",
        exclude={
            "requirement",
            "confidence",
            "tech_stack",
            "domains",
            "classification",
            "similar_request",
        },
    )
    return json.dumps(data, indent=1)


async def llm_intent(text: str, rule_based: ProjectIntent, client: LLMClient) -> ProjectIntent:
    """Ask the model for the intent and merge it with ``rule_based`` (see the module docstring)."""
    prompt = messages(
        "intent analyst",
        "intent",
        requirement=text,
        rule_based=_rule_view(rule_based),
        schema=json.dumps(IntentDraft.model_json_schema()),
    )
    draft = await ask_model(client, "intent", prompt, IntentDraft, what="project intent")
    return merge_intent(rule_based, draft)


def merge_intent(rules: ProjectIntent, draft: IntentDraft) -> ProjectIntent:
    """Rules win on what the requirement made explicit; the model fills the rest."""
    sources: dict[str, str] = {}

    def pick(field: str, explicit: bool, llm_value: object, rule_value: object) -> object:
        use_llm = not explicit and bool(llm_value)
        sources[field] = "llm" if use_llm else "rules"
        return llm_value if use_llm else rule_value

    type_explicit = rules.confidence.get("project_type", 0.0) >= ASSUMPTION_THRESHOLD
    project_type = pick("project_type", type_explicit, draft.project_type, rules.project_type)
    guessed_entity = any(a.startswith(_FALLBACK_ENTITY_NOTE) for a in rules.assumptions)
    entities = pick(
        "entities", bool(rules.entities) and not guessed_entity, draft.entities, rules.entities
    )
    commands = pick("commands", bool(rules.commands), draft.commands, rules.commands)
    summary = pick("summary", False, draft.summary.strip(), rules.summary)
    features = _merge_features(rules.features, draft.features)
    sources["features"] = "rules+llm" if len(features) > len(rules.features) else "rules"
    stack = rules.tech_stack.model_copy(deep=True)
    stack.other = list(dict.fromkeys([*stack.other, *draft.dependencies]))
    constraints = Constraints(
        **{
            k: list(dict.fromkeys([*getattr(rules.constraints, k), *getattr(draft.constraints, k)]))
            for k in Constraints.model_fields
        }
    )
    note = "Sources: " + ", ".join(f"{k}={v}" for k, v in sorted(sources.items())) + "."
    assumptions = list(dict.fromkeys([*rules.assumptions, *draft.assumptions, note]))
    confidence = dict(rules.confidence)
    if sources["project_type"] == "llm":
        # the model decided where the rules were unsure: not a certainty either
        confidence["project_type"] = max(confidence.get("project_type", 0.0), 0.6)
    return rules.model_copy(
        update={
            "project_type": project_type,
            "summary": summary,
            "entities": entities,
            "features": features,
            "commands": commands,
            "tech_stack": stack,
            "constraints": constraints,
            "assumptions": assumptions,
            "confidence": confidence,
        }
    )


def _merge_features(rules: list[Feature], llm: list[Feature]) -> list[Feature]:
    by_name = {f.name: f for f in llm}
    merged = [
        f.model_copy(update={"acceptance_criteria": by_name[f.name].acceptance_criteria})
        if not f.acceptance_criteria and f.name in by_name
        else f
        for f in rules
    ]
    known = {f.name for f in rules}
    return merged + [f for f in llm if f.name not in known]
