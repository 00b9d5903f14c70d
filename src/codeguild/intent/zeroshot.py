"""Project category by zero-shot similarity to label descriptions, blended with keyword scores.

Each category is described in a few plain sentences; the requirement's embedding is compared with
them (cosine) and the similarities become a distribution. Keyword evidence is blended in because
the sentence model sees topic more than form: "an API for a todo app" is about an app, but asks
for an API. Without the nlp extra only the keyword scores decide.

``keywords_decide`` says when the model can be skipped: the blend gives the labels a fixed share,
so a keyword lead larger than that share can never be overturned, and asking the model (and paying
its load time) would change nothing but the reported confidence.
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass
from typing import Any

from codeguild.intent import embeddings
from codeguild.intent.classify import CATEGORIES, TypeScore, score_project_type
from codeguild.intent.models import ProjectCategory

LABEL_DESCRIPTIONS: dict[ProjectCategory, tuple[str, ...]] = {
    ProjectCategory.WEB_API: (
        "A REST API backend: a web service with HTTP endpoints that stores records in a "
        "database and returns JSON.",
        "A microservice or server exposing endpoints to create, read, update and delete "
        "resources, with authentication.",
    ),
    ProjectCategory.CLI_TOOL: (
        "A command line tool run in a terminal with arguments, flags and subcommands.",
        "A small script or shell utility that reads files and prints results to the console.",
        "A program a person or a cron job runs from the shell; it takes arguments and exits "
        "with a status code.",
    ),
    ProjectCategory.LIBRARY: (
        "A reusable Python library or package of functions and classes that other code imports.",
        "An SDK or module with a typed public API of functions, published to a package index.",
        "Code that developers pip install and import into their own programs; it runs no "
        "server and has no user interface.",
    ),
    ProjectCategory.WEB_APP: (
        "A website or web application with pages and a user interface that people use in a "
        "browser.",
        "A frontend with forms, a dashboard and charts, built with a framework such as React, "
        "Vue or server-rendered templates.",
    ),
    ProjectCategory.DATA_PIPELINE: (
        "A data pipeline or ETL job that extracts data from sources, transforms it and loads it "
        "into a warehouse.",
        "A scheduled batch or streaming job that ingests events, aggregates them and writes the "
        "results to storage.",
    ),
}
# Softmax temperature over cosine similarities: the labels' similarities differ by a few hundredths
# to a few tenths, so a low temperature is needed to turn them into a decisive distribution.
_TEMPERATURE = 0.04
# Weight of the keyword distribution in the blend; the rest is the embedding's.
KEYWORD_WEIGHT = 0.6
# The embedding distribution moves any category by less than 1, so its share of the blend shifts
# the margin between two categories by less than (1 - KEYWORD_WEIGHT); a keyword margin of at
# least this much decides the category whatever the labels say.
DECISIVE_MARGIN = (1 - KEYWORD_WEIGHT) / KEYWORD_WEIGHT
# Below this best similarity the text resembles no label: with no keyword either, it is unknown.
_MIN_SIMILARITY = 0.3
# Highest confidence of a decision the label descriptions make without any keyword support.
_ALONE_CONFIDENCE = 0.5


@dataclass(frozen=True, slots=True)
class Decision:
    """A category with its confidence, how it was decided, and the evidence."""

    category: ProjectCategory
    confidence: float
    method: str  # "keywords" or "embedding+keywords"
    scores: dict[ProjectCategory, float]
    keywords: TypeScore
    vector: Any = None  # the requirement's embedding, reused by the similar-request cache

    @property
    def model_consulted(self) -> bool:
        return self.vector is not None


class _LabelMatrix:
    """Embeddings of the label descriptions, computed once per process."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._rows: Any = None
        self._owners: list[ProjectCategory] = []

    def get(self) -> tuple[Any, list[ProjectCategory]]:
        if self._rows is None:
            with self._lock:
                if self._rows is None:
                    owners = [c for c in CATEGORIES for _ in LABEL_DESCRIPTIONS[c]]
                    texts = [d for c in CATEGORIES for d in LABEL_DESCRIPTIONS[c]]
                    self._owners = owners
                    self._rows = embeddings.encode(texts)
        return self._rows, self._owners


_LABELS = _LabelMatrix()


def warm_up() -> None:
    """Load the model and embed the labels now rather than on the first requirement."""
    _LABELS.get()


def _keyword_distribution(score: TypeScore) -> dict[ProjectCategory, float]:
    positive = {c: max(0.0, score.scores[c]) for c in CATEGORIES}
    total = sum(positive.values())
    return {c: v / total for c, v in positive.items()} if total else {}


def _softmax(values: dict[ProjectCategory, float]) -> dict[ProjectCategory, float]:
    top = max(values.values())
    exps = {c: math.exp((v - top) / _TEMPERATURE) for c, v in values.items()}
    total = sum(exps.values())
    return {c: v / total for c, v in exps.items()}


def _margin(dist: dict[ProjectCategory, float]) -> tuple[ProjectCategory, float]:
    ranked = sorted(dist.items(), key=lambda kv: kv[1], reverse=True)
    return ranked[0][0], ranked[0][1] - ranked[1][1]


def keywords_decide(score: TypeScore) -> bool:
    """True when the keyword scores fix the category that blending with embeddings would give.

    No keyword at all is never decisive: then the label descriptions are the only evidence.
    """
    keyword = _keyword_distribution(score)
    if not keyword:
        return False
    return _margin(keyword)[1] >= DECISIVE_MARGIN


def embed(text: str) -> Any:
    """The requirement's embedding (the first call loads the model and the labels)."""
    _LABELS.get()
    return embeddings.encode([text])[0]


def classify(
    text: str, *, describes_records: bool, vector: Any = None, score: TypeScore | None = None
) -> Decision:
    """Decide the category of ``text``; with its embedding ``vector`` the labels vote too.

    ``score`` is the keyword verdict when the caller has it already (it must be for ``text``).
    """
    if score is None:
        score = score_project_type(text, describes_records=describes_records)
    if vector is None:
        category = score.project_type or ProjectCategory.UNKNOWN
        return Decision(category, score.confidence, "keywords", dict(score.scores), score)
    rows, owners = _LABELS.get()
    sims: dict[ProjectCategory, float] = {}
    for owner, similarity in zip(owners, (rows @ vector).tolist(), strict=True):
        sims[owner] = max(sims.get(owner, -1.0), float(similarity))
    embedded = _softmax(sims)
    keyword = _keyword_distribution(score)
    if keyword:
        # the labels weigh the kinds the text gives evidence for; they do not bring in a kind
        # no word of the text supports (a long brief's topic can resemble any label)
        blend = {
            c: KEYWORD_WEIGHT * keyword[c] + (1 - KEYWORD_WEIGHT) * embedded[c] * (keyword[c] > 0)
            for c in CATEGORIES
        }
    else:
        blend = embedded
    category, margin = _margin(blend)
    if not keyword:
        # the labels alone were right 85% of the time on the tuning half: without a single
        # keyword the choice is a guess to be stated, however wide its margin
        margin = min(margin, _ALONE_CONFIDENCE)
        if max(sims.values()) < _MIN_SIMILARITY:
            category = ProjectCategory.UNKNOWN
    rounded = {c: round(v, 3) for c, v in blend.items()}
    return Decision(category, round(margin, 2), "embedding+keywords", rounded, score, vector)
