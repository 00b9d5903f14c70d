"""Auto mode asks the embedding model only when the keywords do not decide the project category.

A process whose requirements are all clear must never load the model (its load costs seconds per
process); an unclear requirement must still be blended with the label descriptions, and the
skipped cases must get exactly the category the blend would have given.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from codeguild.config import Settings
from codeguild.intent import embeddings, zeroshot
from codeguild.intent.classify import CATEGORIES, TypeScore, score_project_type
from codeguild.intent.entities import extract_entities
from codeguild.intent.evaluation import load_split
from codeguild.intent.features import detect_auth
from codeguild.intent.guard import check_requirement
from codeguild.intent.models import ProjectCategory
from codeguild.intent.processor import IntentProcessor
from codeguild.intent.similar import SimilarRequestCache

DATA = Path(__file__).resolve().parent.parent / "data" / "intents"
CLEAR = (
    "Build a REST API for a bookstore with books (title, author, price, published year) and "
    "authors (name, country). Users must log in with JWT to create, update or delete; anyone "
    "can read."
)
# no keyword cue at all: only the label descriptions can say what this is
UNCLEAR = "Something to keep track of my houseplants and remind me when to water them."

# Runs in a fresh process, so that no other test has loaded the model already.
_CHILD = textwrap.dedent(
    """
    import json, sys
    from codeguild.config import Settings
    from codeguild.intent import embeddings
    from codeguild.intent.processor import IntentProcessor
    from codeguild.intent.similar import SimilarRequestCache

    processor = IntentProcessor(
        Settings(intent_classifier="auto"), cache=SimilarRequestCache(capacity=8)
    )
    out = []
    for text in json.loads(sys.argv[1]):
        intent = processor.process(text)
        out.append({
            "consulted": intent.classification.model_consulted,
            "method": intent.classification.method,
            "category": intent.classification.category.value,
            "similar": intent.similar_request.method if intent.similar_request else None,
        })
    print(json.dumps({"loaded": embeddings.loaded(), "load_seconds": embeddings.load_seconds(),
                      "mode": processor.mode, "intents": out}))
    """
)


def _fresh_process(texts: list[str]) -> dict[str, object]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CODEGUILD_INTENT_")}
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, json.dumps(texts)],
        capture_output=True,
        text=True,
        check=True,
        env=env,
        timeout=120,
    )
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def _require_extra() -> None:
    if embeddings.available():
        return
    if os.environ.get("CI") == "true":
        pytest.fail("the nlp extra is not installed; `make test` installs it (pip install .[nlp])")
    pytest.skip("the nlp extra is not installed")


def _score(**scores: float) -> TypeScore:
    full = dict.fromkeys(CATEGORIES, 0.0)
    full.update({ProjectCategory(k): v for k, v in scores.items()})
    return TypeScore(None, 0.0, full, {c: [] for c in CATEGORIES})


def test_keywords_decide_only_with_a_lead_the_labels_cannot_overturn() -> None:
    assert not zeroshot.keywords_decide(_score())  # no cue: the labels are the only evidence
    assert zeroshot.keywords_decide(_score(web_api=7.0))
    assert zeroshot.keywords_decide(_score(web_api=9.0, cli_tool=1.0))  # margin 0.8
    assert not zeroshot.keywords_decide(_score(web_api=5.0, cli_tool=3.0))  # margin 0.25
    assert not zeroshot.keywords_decide(_score(library=4.0, web_api=4.0))
    # negative evidence takes nothing from the distribution's total
    assert zeroshot.keywords_decide(_score(cli_tool=4.0, web_app=-4.0))


def test_clear_requirements_never_load_the_model_in_auto_mode() -> None:
    near_duplicate = "please " + CLEAR.lower().replace(",", " ,").rstrip(".")
    result = _fresh_process(
        [CLEAR, near_duplicate, "A command line tool that converts CSV files to JSON."]
    )
    assert result["loaded"] is False and result["load_seconds"] is None
    intents = result["intents"]
    assert isinstance(intents, list)
    assert [i["consulted"] for i in intents] == [False, False, False]
    assert [i["method"] for i in intents] == ["keywords"] * 3
    assert [i["category"] for i in intents] == ["web_api", "web_api", "cli_tool"]
    # the near-duplicate was found by the token cosine, without an embedding
    assert intents[1]["similar"] == "tokens"


def test_an_unclear_requirement_loads_the_model_in_auto_mode() -> None:
    _require_extra()
    result = _fresh_process([CLEAR, UNCLEAR])
    assert result["mode"] == "gated"
    assert result["loaded"] is True
    intents = result["intents"]
    assert isinstance(intents, list)
    assert intents[0]["consulted"] is False
    assert intents[1]["consulted"] is True
    assert intents[1]["method"] == "embedding+keywords"


def test_embedding_mode_still_consults_the_model_every_time() -> None:
    _require_extra()
    settings = Settings(intent_classifier="embedding", intent_cache_size=0)
    intent = IntentProcessor(settings, cache=SimilarRequestCache(0)).process(CLEAR)
    assert intent.classification is not None
    assert intent.classification.model_consulted
    assert intent.classification.method == "embedding+keywords"


def test_auto_mode_cache_compares_tokens_even_once_the_model_is_loaded() -> None:
    _require_extra()
    settings = Settings(intent_classifier="auto")
    processor = IntentProcessor(settings, cache=SimilarRequestCache(capacity=8))
    first = processor.process(UNCLEAR)
    assert first.classification is not None and first.classification.model_consulted
    again = processor.process("Please " + UNCLEAR.lower())
    assert again.similar_request is not None
    assert again.similar_request.method == "tokens"


def test_skipping_the_model_never_changes_the_category_on_the_tune_split() -> None:
    """Where the gate skips the model, the blend would have chosen the keywords' category."""
    _require_extra()
    texts = [check_requirement(c.text) for c in load_split(DATA, "tune")]
    vectors = embeddings.encode(texts)
    skipped = 0
    for text, vector in zip(texts, vectors, strict=True):
        described = extract_entities(text, auth=detect_auth(text.lower()) is not None).described
        score = score_project_type(text, describes_records=described > 0)
        if not zeroshot.keywords_decide(score):
            continue
        skipped += 1
        keywords = zeroshot.classify(text, describes_records=described > 0, score=score)
        blended = zeroshot.classify(
            text, describes_records=described > 0, vector=vector, score=score
        )
        assert blended.category is keywords.category, text
    assert skipped > len(texts) // 2  # most requirements are clear
