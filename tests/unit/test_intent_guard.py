"""Bad requirements are refused with a message that says what was wrong and what to do."""

from __future__ import annotations

import pytest

from codeguild.errors import CodeguildError, RequirementError
from codeguild.intent.guard import MAX_REQUIREMENT_CHARS, check_requirement


@pytest.mark.parametrize("text", ["", "   ", "\n\t  \n"])
def test_empty_requirement_is_refused_with_an_example(text: str) -> None:
    with pytest.raises(RequirementError, match="empty") as err:
        check_requirement(text)
    assert "For example" in str(err.value)


def test_too_long_requirement_names_size_and_limit() -> None:
    text = "Build a REST API for books. " * 1000
    with pytest.raises(RequirementError) as err:
        check_requirement(text)
    message = str(err.value)
    assert f"{len(text):,}" in message
    assert f"{MAX_REQUIREMENT_CHARS:,}" in message


def test_requirement_at_the_limit_is_accepted() -> None:
    text = ("Build a CLI tool. " * 2000)[:MAX_REQUIREMENT_CHARS]
    assert check_requirement(text).startswith("Build a CLI tool.")


@pytest.mark.parametrize(
    "text",
    [
        "Build an API\x00\x00 for books",
        "".join(chr(c) for c in range(1, 32)) * 4 + "build an api",
        "\ufffd\ufffd\ufffd\ufffd\ufffd build an api \ufffd\ufffd\ufffd\ufffd\ufffd",
    ],
)
def test_binary_junk_is_refused(text: str) -> None:
    with pytest.raises(RequirementError, match=r"binary|NUL"):
        check_requirement(text)


@pytest.mark.parametrize(
    "text",
    [
        "Erstelle eine REST API für eine Buchhandlung mit Büchern und Autoren, die sich anmelden.",
        "Crea una API REST para una librería con libros y autores que se pueden registrar.",
        "Créer une API REST pour une librairie avec des livres et des auteurs qui est rapide.",
        "创建一个用于管理图书和作者的应用程序接口",
        "Создайте REST API для книжного магазина с книгами и авторами",  # noqa: RUF001
    ],
)
def test_non_english_is_refused_and_asks_for_english(text: str) -> None:
    with pytest.raises(RequirementError) as err:
        check_requirement(text)
    message = str(err.value)
    assert "English" in message
    assert "Rephrase" in message


@pytest.mark.parametrize(
    "text",
    ["hello", "what's the weather in Paris today?", "tell me a joke", "Good morning, how are you?"],
)
def test_non_software_requests_are_refused_with_an_example(text: str) -> None:
    with pytest.raises(RequirementError, match="does not ask for software") as err:
        check_requirement(text)
    assert "For example" in str(err.value)


def test_requirement_error_is_a_codeguild_error_with_stable_code() -> None:
    with pytest.raises(CodeguildError) as err:
        check_requirement("")
    assert err.value.code == "invalid_requirement"


@pytest.mark.parametrize(
    "text",
    [
        "todo CLI",
        "A library for slugs",
        "products with a name, price and stock quantity",
        "Build a café menu API with prices in €",  # accented Latin letters are still English
    ],
)
def test_short_or_keyword_requirements_pass(text: str) -> None:
    assert check_requirement(text)


def test_cleaning_normalises_whitespace_quotes_and_controls() -> None:
    raw = "  Build   a \u201cCLI\u201d\u00a0tool\u200b\r\nthat   converts\tfiles  "
    assert check_requirement(raw) == 'Build a "CLI" tool\nthat converts files'
