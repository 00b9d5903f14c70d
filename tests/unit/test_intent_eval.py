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
# only; type, stack, entity, field, field types, constraints):
# - heldout.toml (43): 0.977, 0.952, 0.937, 0.957, 0.984, 0.974
# - heldout2.toml (44, written blind later, relabelled blind by the data README's exact rules):
#   0.977, 0.968, 0.596, 0.653, 0.927, 0.906
# - heldout3.toml (60, written blind with tune3.toml; on the code before it: 0.983, 0.939, 0.662,
#   0.734, 0.899, 0.729): 0.983, 0.984, 0.857, 0.893, 0.992, 0.981
# - heldout4.toml (50, written blind with tune4.toml; on the code before either: 0.94, 0.994,
#   0.654, 0.772, 0.881, 0.671): 0.94, 0.994, 0.832, 0.865, 0.904, 0.918
# A held-out file without floors here is still scored by the bench; add its floors once measured.
HELDOUT_FLOORS: dict[str, dict[str, float]] = {
    "heldout.toml": {
        "type_accuracy": 0.95,
        "stack_f1": 0.93,
        "entity_f1": 0.90,
        "field_f1": 0.93,
        "field_type_accuracy": 0.95,
        "constraint_f1": 0.94,
    },
    "heldout2.toml": {
        "type_accuracy": 0.93,
        "stack_f1": 0.94,
        "entity_f1": 0.57,
        "field_f1": 0.62,
        "field_type_accuracy": 0.90,
        "constraint_f1": 0.88,
    },
    "heldout3.toml": {
        "type_accuracy": 0.95,
        "stack_f1": 0.95,
        "entity_f1": 0.83,
        "field_f1": 0.86,
        "field_type_accuracy": 0.96,
        "constraint_f1": 0.95,
    },
    "heldout4.toml": {
        "type_accuracy": 0.92,
        "stack_f1": 0.96,
        "entity_f1": 0.80,
        "field_f1": 0.83,
        "field_type_accuracy": 0.88,
        "constraint_f1": 0.89,
    },
}
# the tune split (tune 46 + tune2 148 + tune3 100 + tune4 80): type 0.979, stack 1.0, entity
# 0.966, field 0.971, field types 0.992, constraints 0.998
TUNE_FLOORS = {
    "type_accuracy": 0.96,
    "stack_f1": 0.98,
    "entity_f1": 0.94,
    "field_f1": 0.95,
    "field_type_accuracy": 0.97,
    "constraint_f1": 0.97,
}
# the embedding path differs from the keyword path in the project type, and through it in what
# the type decides (e.g. whether a program keeps records): type 0.977, 0.932, 0.983 and 0.96
# held-out; the gated path (auto) chooses the same category as the always-blended one
EMBEDDING_TYPE_FLOORS = {
    "heldout.toml": 0.95,
    "heldout2.toml": 0.90,
    "heldout3.toml": 0.95,
    "heldout4.toml": 0.94,
}


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
