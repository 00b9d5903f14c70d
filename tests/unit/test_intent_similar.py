"""The similar-request cache: near-duplicates reuse an intent; a changed requirement never does."""

from __future__ import annotations

import threading

import pytest

from codeguild.config import Settings
from codeguild.intent import embeddings
from codeguild.intent.processor import IntentProcessor
from codeguild.intent.similar import SimilarRequestCache, content_tokens, same_content

BOOKS = "Build a REST API for a bookstore with books (title, author, price) and authors (name)."


def _processor(cache: SimilarRequestCache, classifier: str = "keywords") -> IntentProcessor:
    settings = Settings(intent_classifier=classifier)  # type: ignore[arg-type]
    return IntentProcessor(settings, cache=cache)


@pytest.mark.parametrize(
    "variant",
    [
        "please build a rest api for a bookstore with books (title, author, price) and authors "
        "(name)",
        "Create a REST API for a bookstore, with authors (name) and books (title, author, price).",
        "Build a REST API for a bookstore with books (title, autor, price) and authors (name).",
    ],
)
def test_near_duplicate_reuses_the_intent_and_reports_the_hit(variant: str) -> None:
    cache = SimilarRequestCache(capacity=8, threshold=0.9)
    processor = _processor(cache)
    first = processor.process(BOOKS)
    again = processor.process(variant)
    assert first.similar_request is None
    assert again.similar_request is not None
    assert again.similar_request.method == "tokens"
    assert again.similar_request.similarity >= 0.9
    assert again.requirement == variant.strip()
    assert [e.name for e in again.entities] == [e.name for e in first.entities]
    assert cache.hits == 1


@pytest.mark.parametrize(
    "variant",
    [
        BOOKS + " Books also have an isbn.",
        BOOKS.replace("price", "price, stock"),
        BOOKS.replace("REST API", "command line tool"),
    ],
)
def test_a_requirement_with_other_content_is_not_a_hit(variant: str) -> None:
    processor = _processor(SimilarRequestCache(capacity=8, threshold=0.5))
    processor.process(BOOKS)
    assert processor.process(variant).similar_request is None


def test_forced_type_and_classifier_are_separate_scopes() -> None:
    processor = _processor(SimilarRequestCache(capacity=8))
    processor.process(BOOKS)
    assert processor.process(BOOKS, project_type="library").similar_request is None


def test_capacity_bounds_the_cache_and_zero_turns_it_off() -> None:
    cache = SimilarRequestCache(capacity=2)
    processor = _processor(cache)
    for text in (BOOKS, "A CLI that converts CSV files to JSON.", "A library to slugify titles."):
        processor.process(text)
    assert len(cache) == 2
    assert processor.process(BOOKS).similar_request is None  # evicted first
    off = _processor(SimilarRequestCache(capacity=0))
    off.process(BOOKS)
    assert off.process(BOOKS).similar_request is None


def test_concurrent_use_is_safe() -> None:
    cache = SimilarRequestCache(capacity=16)
    processor = _processor(cache)
    texts = [BOOKS, "A CLI that converts CSV files to JSON.", "A library to slugify titles."]
    errors: list[BaseException] = []

    def work() -> None:
        try:
            for _ in range(20):
                for text in texts:
                    processor.process(text)
        except BaseException as exc:  # collected for the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert len(cache) == 3 and cache.hits >= 200


def test_content_comparison_ignores_fillers_plurals_and_one_typos() -> None:
    a = set(content_tokens("Please build a simple API for books with titles"))
    b = set(content_tokens("an api for book with title"))
    assert same_content(a, b)
    assert same_content(set(content_tokens("invoices api")), set(content_tokens("invoces api")))
    assert not same_content(set(content_tokens("books api")), set(content_tokens("boats api")))


def test_embedding_cache_hits_a_paraphrase_when_the_extra_is_installed() -> None:
    if not embeddings.available():
        pytest.skip("the nlp extra is not installed")
    processor = _processor(SimilarRequestCache(capacity=8, threshold=0.9), "embedding")
    processor.process(BOOKS)
    again = processor.process(BOOKS.lower().rstrip(".") + " please")
    assert again.similar_request is not None and again.similar_request.method == "embedding"
