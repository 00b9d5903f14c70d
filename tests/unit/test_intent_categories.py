"""Project categories beyond what the engines build: web apps, data pipelines and unknown."""

from __future__ import annotations

import pytest

from codeguild.config import Settings
from codeguild.errors import IntentError
from codeguild.intent.models import ProjectCategory, ProjectType
from codeguild.intent.processor import IntentProcessor
from codeguild.intent.similar import SimilarRequestCache

WEB_APP = (
    "A web app with a React frontend where members browse events and sign up on a page; "
    "events have a title, a date and a venue."
)
PIPELINE = (
    "An ETL pipeline that extracts orders from PostgreSQL every night, aggregates revenue per "
    "day and loads it into BigQuery. Orchestrate with Airflow."
)


def _processor(**overrides: object) -> IntentProcessor:
    settings = Settings(intent_classifier="keywords", intent_cache_size=0, **overrides)  # type: ignore[arg-type]
    return IntentProcessor(settings, cache=SimilarRequestCache(0))


def test_web_app_is_built_as_its_api_and_says_so() -> None:
    intent = _processor().process(WEB_APP)
    assert intent.classification is not None
    assert intent.classification.category is ProjectCategory.WEB_APP
    assert intent.project_type is ProjectType.WEB_API
    assert any("A web app was asked for" in a and "no pages" in a for a in intent.assumptions)
    assert [e.name for e in intent.entities] == ["Event"]
    assert "react" in intent.tech_stack.other and "react" not in intent.tech_stack.defaults


def test_data_pipeline_is_built_as_a_command_and_says_so() -> None:
    intent = _processor().process(PIPELINE)
    assert intent.classification is not None
    assert intent.classification.category is ProjectCategory.DATA_PIPELINE
    assert intent.project_type is ProjectType.CLI_TOOL
    assert any("data pipeline was asked for" in a for a in intent.assumptions)
    assert {"airflow", "postgresql", "bigquery"} <= {
        *intent.tech_stack.other,
        *intent.tech_stack.database,
    }
    assert "other:schedule=daily" in {c.key for c in intent.constraints.parsed}


@pytest.mark.parametrize(("text", "kind"), [(WEB_APP, "web app"), (PIPELINE, "data pipeline")])
def test_unsupported_kinds_can_stop_with_a_clear_error(text: str, kind: str) -> None:
    with pytest.raises(IntentError) as err:
        _processor(intent_unsupported="error").process(text)
    message = str(err.value)
    assert f"asks for a {kind}" in message
    assert "--type" in message and "CODEGUILD_INTENT_UNSUPPORTED" in message


def test_forced_type_wins_over_the_category() -> None:
    intent = _processor(intent_unsupported="error").process(WEB_APP, project_type="web_api")
    assert intent.project_type is ProjectType.WEB_API
    assert intent.classification is not None
    assert intent.classification.method == "forced"
    assert intent.confidence["project_type"] == 1.0


def test_text_without_any_type_cue_is_unknown_with_a_message() -> None:
    intent = _processor().process("Convert roman numerals to integers and back.")
    assert intent.classification is not None
    assert intent.classification.category is ProjectCategory.UNKNOWN
    assert any("unknown" in a and "pass the type explicitly" in a for a in intent.assumptions)


def test_low_confidence_records_the_assumption_with_the_runner_up() -> None:
    intent = _processor().process("A tool with a web page to convert files.")
    assert intent.confidence["project_type"] < 0.6
    assert any(a.startswith("The project type is uncertain") for a in intent.assumptions)


def test_every_category_has_scores_in_the_classification() -> None:
    intent = _processor().process(PIPELINE)
    assert intent.classification is not None
    assert set(intent.classification.scores) == {
        "web_api",
        "cli_tool",
        "library",
        "web_app",
        "data_pipeline",
    }


def test_moscow_sections_set_feature_priorities() -> None:
    text = (
        "Helpdesk API with tickets (subject, status).\n\n"
        "Must have:\n* pagination of tickets\n"
        "Should have:\n* search tickets by status\n"
        "Could have:\n* CSV export\n"
        "Won't have:\n* email notifications\n\n"
        "Non-functional: rate limiting."
    )
    priority = {f.name: (f.priority, f.type) for f in _processor().process(text).features}
    assert priority["pagination"] == ("p0", "core")
    assert priority["search"] == ("p1", "core")
    assert priority["export"] == ("p2", "data")
    assert priority["notifications"] == ("p3", "integration")
    assert priority["rate_limiting"] == ("p1", "security")
