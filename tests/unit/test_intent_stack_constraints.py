"""Tech stack aliases, versions and defaults; constraints as structured values."""

from __future__ import annotations

import pytest

from codeguild.intent.constraints import extract_constraints, number
from codeguild.intent.models import ProjectType
from codeguild.intent.stack import extract_stack


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("backed by postgres", "postgresql"),
        ("data in pg", "postgresql"),
        ("PostgreSQL 16 database", "postgresql"),
        ("a React frontend", "react"),
        ("built with next.js", "next.js"),
        ("NextJS pages", "next.js"),
        ("uses k8s", "kubernetes"),
        ("a Click CLI", "click"),
        ("pretty output with Rich", "rich"),
        ("fetch pages using requests", "requests"),
        ("a PySpark job", "spark"),
        ("mongo for storage", "mongodb"),
    ],
)
def test_aliases_name_the_canonical_technology(text: str, name: str) -> None:
    stack = extract_stack(text, ProjectType.WEB_API).tech_stack
    named = {*stack.language, *stack.backend, *stack.database, *stack.other, *stack.testing}
    assert name in named and name not in stack.defaults


@pytest.mark.parametrize(
    "text",
    ["a click count per link", "it handles many requests per second", "react to events"],
)
def test_ordinary_words_are_not_technologies(text: str) -> None:
    stack = extract_stack(text, ProjectType.CLI_TOOL).tech_stack
    assert not {"click", "requests", "react"} & {*stack.backend, *stack.other}


def test_versions_are_kept_and_defaults_are_marked() -> None:
    stack = extract_stack(
        "FastAPI with PostgreSQL 16, SQLAlchemy 2.0 and Python 3.12", ProjectType.WEB_API
    ).tech_stack
    assert stack.versions == {"postgresql": "16", "sqlalchemy": "2.0", "python": "3.12"}
    assert stack.database == ["postgresql"]
    assert "sqlite" not in stack.database
    assert "uvicorn" in stack.defaults and "fastapi" not in stack.defaults
    assert "pytest" in stack.defaults and "python" not in stack.defaults


def test_defaults_follow_the_project_type() -> None:
    cli = extract_stack("convert files", ProjectType.CLI_TOOL).tech_stack
    assert cli.backend == ["typer"] and set(cli.defaults) == {"python", "pytest", "typer"}


def _keys(text: str) -> set[str]:
    return {c.key for c in extract_constraints(text).parsed}


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("handle 1000 concurrent users", "performance:concurrent_users>=1000"),
        ("10k simultaneous connections", "performance:concurrent_connections>=10000"),
        ("p99 < 200 ms", "performance:latency_p99<200ms"),
        ("p95 latency below 1.5 s", "performance:latency_p95<1.5s"),
        ("respond in under 300 ms", "performance:response_time<300ms"),
        ("serve 2,000 requests per second", "performance:requests_per_second>=2000"),
        ("500 rps", "performance:requests_per_second>=500"),
        ("2 million records per day", "performance:records_per_day>=2000000"),
        ("under 1 million rows a day", "performance:rows_per_day<=1000000"),
        ("99.95% uptime", "performance:uptime>=99.95%"),
        ("login with OAuth 2.0", "security:oauth2"),
        ("PCI-DSS applies", "security:pci_dss"),
        ("must be SOC 2 ready", "security:soc2"),
        ("all data encrypted in transit", "security:tls"),
        ("encrypt data at rest", "security:encryption"),
        ("role based permissions", "security:rbac"),
        ("deploy with docker-compose", "deployment:docker_compose"),
        ("host it on Cloud Run", "deployment:gcp"),
        ("Python 3.12 only", "other:python_version=3.12"),
        ("no external dependencies", "other:stdlib_only"),
        ("a nightly job", "other:schedule=daily"),
        ("runs every 15 minutes", "other:schedule=15min"),
        ("refreshed hourly", "other:schedule=hourly"),
    ],
)
def test_constraints_become_structured_values(text: str, key: str) -> None:
    assert key in _keys(text)


def test_measures_are_not_schedules_and_specific_beats_general() -> None:
    assert _keys("a chart of daily sales") == set()
    assert _keys("10k concurrent users") == {"performance:concurrent_users>=10000"}
    assert "security:encryption" not in _keys("all traffic encrypted in transit")


def test_text_form_is_kept_for_readers_of_the_lists() -> None:
    found = extract_constraints("1000 concurrent users, p99 < 200 ms, GDPR, on Kubernetes")
    assert found.performance == ["handle 1000 concurrent users", "p99 latency < 200 ms"]
    assert found.security == ["GDPR compliance"]
    assert found.deployment == ["kubernetes"]


@pytest.mark.parametrize(
    ("raw", "value"), [("10k", 1e4), ("1,000", 1e3), ("2 million", 2e6), ("1.5m", 1.5e6)]
)
def test_numbers_with_multipliers(raw: str, value: float) -> None:
    assert number(raw) == value
