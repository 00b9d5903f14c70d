"""A web API whose text names no entity gets one assumed resource, marked as such and left out
of extraction scores (as stack defaults are)."""

from __future__ import annotations

from codeguild.config import Settings
from codeguild.intent.evaluation import EvalCase, evaluate
from codeguild.intent.models import ProjectIntent
from codeguild.intent.processor import IntentProcessor
from codeguild.intent.similar import SimilarRequestCache


def _process(text: str) -> ProjectIntent:
    settings = Settings(intent_classifier="keywords", intent_cache_size=0)  # type: ignore[arg-type]
    return IntentProcessor(settings, cache=SimilarRequestCache(0)).process(text)


def test_a_web_api_without_entities_gets_one_assumed_resource() -> None:
    intent = _process("A small REST API with health and version endpoints, in FastAPI.")
    assert len(intent.entities) == 1
    assumed = intent.entities[0]
    assert assumed.assumed and assumed.fields
    assert any(f"one {assumed.name} resource" in a for a in intent.assumptions)


def test_named_entities_are_not_assumed() -> None:
    intent = _process("A REST API to manage books (title, isbn, price) and their authors (name).")
    assert {e.name for e in intent.entities} >= {"Book", "Author"}
    assert not any(e.assumed for e in intent.entities)


def test_evaluation_scores_only_entities_taken_from_the_text() -> None:
    case = EvalCase(
        id="probe-01",
        text="A small REST API with health and version endpoints, in FastAPI.",
        type="web_api",
        stack=frozenset({"fastapi"}),
        entities=frozenset(),
        fields={},
        constraints=frozenset(),
    )
    report = evaluate([case], _process)
    assert report.entity_f1 == 1.0 and report.field_f1 == 1.0
    assert not report.misses
