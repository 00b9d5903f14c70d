"""The gazetteer's literal pre-check never rules out a technology the text names."""

from __future__ import annotations

from pathlib import Path

import pytest

from codeguild.intent.evaluation import load_split
from codeguild.intent.gazetteer import (
    TECHNOLOGIES,
    _anchors,
    candidates,
    is_technology,
    names_a_technology,
)

DATA = Path(__file__).resolve().parent.parent / "data" / "intents"


@pytest.mark.parametrize(
    ("pattern", "anchors"),
    [
        (r"postgres(?:ql)?|\bpg\b|psql|timescale(?:db)?", ("postgres", "pg", "psql", "timescale")),
        (r"fast-?api", ("fast",)),
        (r"big ?query", ("big",)),
        (r"(?<!\. )(?<!^)Click", ("click",)),
        (r"node\.?js", ("node",)),
        (r"(?:a|b)c", None),  # no literal start: always scanned
        (r"\.net", None),
    ],
)
def test_anchors_are_the_sure_literal_starts(pattern: str, anchors: tuple[str, ...]) -> None:
    assert _anchors(pattern) == anchors


def test_the_pre_check_keeps_every_technology_a_text_names() -> None:
    texts = [case.text for case in load_split(DATA, "tune")]
    texts += ["Uses POSTGRES 16, Fast-API and BigQuery", "\u017fqlite and PyTorch on Kubernetes"]
    for text in texts:
        kept = {id(t) for t in candidates(text)}
        missed = [
            t.name for t in TECHNOLOGIES if id(t) not in kept and next(t.mentions(text), None)
        ]
        assert not missed, (missed, text[:80])


def test_the_yes_no_questions_answer_as_a_full_scan_would() -> None:
    texts = [case.text for case in load_split(DATA, "tune")]
    phrases = ["PostgreSQL 16", " stripe ", "Next.js", "k8s", "books", "Click", "a rich man"]
    for phrase in phrases + [w for text in texts[:60] for w in text.split()]:
        assert is_technology(phrase) == any(
            t.pattern.fullmatch(phrase.strip()) for t in TECHNOLOGIES
        ), phrase
    for text in texts:
        assert names_a_technology(text) == any(
            t.slot != "language" and t.pattern.search(text) for t in TECHNOLOGIES
        ), text[:80]
