"""The intent processor against the labelled evaluation set: held-out scores stay above floors.

The floors sit a little below the measured scores (see bench/intent_eval.py), so a regression
fails here. Only the tune split (every tune*.toml) was looked at while improving the rules; a
held-out failure reports the aggregate scores only, never the cases, so the split stays blind.
"""

from __future__ import annotations

import os
import statistics
from pathlib import Path

import pytest

from codeguild.config import Settings
from codeguild.intent import embeddings
from codeguild.intent.evaluation import (
    EvalReport,
    evaluate,
    load_cases,
    load_split,
    split_files,
)
from codeguild.intent.processor import IntentProcessor
from codeguild.intent.similar import SimilarRequestCache

DATA = Path(__file__).resolve().parent.parent / "data" / "intents"

# Floors per held-out file, each a little below what the keyword path measured on it (aggregates
# only). heldout.toml (43): type 0.953, stack 1.0, entity 0.878, field 0.957, field types 0.967,
# constraints 0.974. heldout2.toml (44, written blind later, then relabelled blind by the exact
# rules of the data README): type 0.909, stack 0.951, entity 0.482, field 0.618, field types
# 0.946, constraints 0.706 (its entity floor moved down with the relabelling, which removed 14
# entities the rules do not count, not with a change of the code). A held-out file without
# floors here is still scored by the bench; add its floors once it is measured.
KEYWORD_FLOORS = {
    "type_accuracy": 0.93,
    "stack_f1": 0.95,
    "entity_f1": 0.85,
    "field_f1": 0.93,
    "field_type_accuracy": 0.95,
    "constraint_f1": 0.94,
}
HELDOUT_FLOORS: dict[str, dict[str, float]] = {
    "heldout.toml": KEYWORD_FLOORS,
    "heldout2.toml": {
        "type_accuracy": 0.88,
        "stack_f1": 0.93,
        "entity_f1": 0.46,
        "field_f1": 0.59,
        "field_type_accuracy": 0.92,
        "constraint_f1": 0.68,
    },
}
# the tune split (tune.toml 46 + tune2.toml 148): type 0.995, stack 0.996, entity 0.898,
# field 0.972, field types 0.978, constraints 0.942
TUNE_FLOORS = {
    "type_accuracy": 0.97,
    "stack_f1": 0.97,
    "entity_f1": 0.87,
    "field_f1": 0.95,
    "field_type_accuracy": 0.96,
    "constraint_f1": 0.92,
}
# the embedding path differs in the project type only (measured 0.977 and 0.932 held-out); the
# gated path (auto) chooses the same category as the always-blended one by construction
EMBEDDING_TYPE_FLOORS = {"heldout.toml": 0.95, "heldout2.toml": 0.90}


def _processor(classifier: str) -> IntentProcessor:
    settings = Settings(intent_classifier=classifier, intent_cache_size=0)  # type: ignore[arg-type]
    return IntentProcessor(settings, cache=SimilarRequestCache(0))


def _check(report: EvalReport, floors: dict[str, float], *, blind: bool = True) -> None:
    metrics = report.metrics()
    low = {k: (metrics[k], floor) for k, floor in floors.items() if metrics[k] < floor}
    detail = "" if blind else f"; misses: {report.misses}"
    assert not low, f"below the floor: {low}{detail}"


def test_eval_set_is_large_varied_and_split() -> None:
    tune, held = load_split(DATA, "tune"), load_split(DATA, "heldout")
    assert len(split_files(DATA, "tune")) >= 2  # tune.toml and tune2.toml at least
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


def _heldout_files() -> list[Path]:
    return [p for p in split_files(DATA, "heldout") if p.name in HELDOUT_FLOORS]


@pytest.mark.parametrize("path", _heldout_files(), ids=lambda p: p.name)
def test_keyword_path_holds_its_heldout_scores(path: Path) -> None:
    report = evaluate(load_cases(path), _processor("keywords").process)
    _check(report, HELDOUT_FLOORS[path.name])


def test_keyword_path_holds_its_tune_scores() -> None:
    report = evaluate(load_split(DATA, "tune"), _processor("keywords").process)
    _check(report, TUNE_FLOORS, blind=False)


def test_keyword_path_is_fast() -> None:
    processor = _processor("keywords")
    cases = load_split(DATA, "heldout")
    evaluate(cases[:3], processor.process)  # warm the regex caches
    medians = [evaluate(cases, processor.process).latency_ms_median for _ in range(3)]
    assert statistics.median(medians) < 20


def _require_extra() -> None:
    if embeddings.available():
        return
    if os.environ.get("CI") == "true":
        pytest.fail("the nlp extra is not installed; `make test` installs it (pip install .[nlp])")
    pytest.skip("the nlp extra is not installed")


@pytest.mark.parametrize("classifier", ["embedding", "auto"])
@pytest.mark.parametrize("path", _heldout_files(), ids=lambda p: p.name)
def test_embedding_path_holds_its_heldout_scores(path: Path, classifier: str) -> None:
    _require_extra()
    processor = _processor(classifier)
    assert processor.use_embeddings
    report = evaluate(load_cases(path), processor.process)
    floors = {**HELDOUT_FLOORS[path.name], "type_accuracy": EMBEDDING_TYPE_FLOORS[path.name]}
    _check(report, floors)
    assert embeddings.load_seconds() is not None


def test_embedding_path_is_under_100_ms_per_requirement() -> None:
    _require_extra()
    processor = _processor("embedding")
    cases = load_split(DATA, "heldout")
    evaluate(cases[:2], processor.process)  # the model loads once per process
    medians = [evaluate(cases, processor.process).latency_ms_median for _ in range(2)]
    assert statistics.median(medians) < 100
