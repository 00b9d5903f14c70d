"""Technologies the intent recognises: canonical name -> stack slot and alias patterns.

Patterns are matched case-insensitively unless the entry is marked case-sensitive (for names that
are also ordinary words: "Rich", "Click"). A version right after a name ("PostgreSQL 16",
"SQLAlchemy 2.0") is captured.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from codeguild.intent.models import ProjectType
from codeguild.intent.technologies import ENTRIES


@dataclass(frozen=True, slots=True)
class Tech:
    name: str
    slot: str  # the TechStack list it belongs to
    pattern: re.Pattern[str]
    # the same name without the leading boundary check, so the regex engine can skip ahead to
    # the name's first letters; ``mentions`` applies the check instead
    body: re.Pattern[str] | None = None
    #: text every mention starts with (case-folded), one per alias; None when an alias has no
    #: literal start, so the technology is always scanned for
    anchors: tuple[str, ...] | None = None

    def mentions(self, text: str) -> Iterator[re.Match[str]]:
        """Every place ``text`` names this technology (group 1 is a version, if any)."""
        if self.body is None:
            yield from self.pattern.finditer(text)
            return
        for m in self.body.finditer(text):
            i = m.start()
            if i == 0 or not re.match(r"[\w.-]", text[i - 1]) or text[max(0, i - 5) : i] == "pure-":
                yield m


# (canonical, slot, alias pattern, case-sensitive)
_ENTRIES: list[tuple[str, str, str, bool]] = [
    # languages
    ("python", "language", r"python(?:3)?", False),
    ("typescript", "language", r"typescript", False),
    ("javascript", "language", r"javascript|vanilla js", False),
    ("node.js", "language", r"node\.?js", False),
    ("go", "language", r"golang|go lang", False),
    ("rust", "language", r"rust(?= (?:crate|library|binary|cli|service))|in rust", False),
    ("java", "language", r"java(?!script)(?= |,|\.|$)", False),
    # databases and stores
    ("postgresql", "database", r"postgres(?:ql)?|\bpg\b|psql|timescale(?:db)?", False),
    ("mysql", "database", r"mysql|mariadb", False),
    ("sqlite", "database", r"sqlite3?", False),
    ("mongodb", "database", r"mongo(?:db)?", False),
    ("redis", "database", r"redis", False),
    ("elasticsearch", "database", r"elastic ?search|opensearch", False),
    ("bigquery", "database", r"big ?query", False),
    ("snowflake", "database", r"snowflake", False),
    ("redshift", "database", r"redshift", False),
    ("dynamodb", "database", r"dynamo ?db", False),
    ("cassandra", "database", r"cassandra", False),
    ("duckdb", "database", r"duck ?db", False),
    # Python frameworks and libraries
    ("fastapi", "backend", r"fast-?api", False),
    ("flask", "backend", r"flask", False),
    ("django", "backend", r"django", False),
    ("sqlalchemy", "backend", r"sql ?alchemy", False),
    ("sqlmodel", "backend", r"sqlmodel", False),
    ("alembic", "backend", r"alembic", False),
    ("uvicorn", "backend", r"uvicorn", False),
    ("celery", "backend", r"celery", False),
    ("typer", "backend", r"typer", False),
    ("click", "backend", r"click(?= (?:library|framework|cli|for))|python click", False),
    ("click", "backend", r"(?<!\. )(?<!^)Click", True),
    ("argparse", "backend", r"argparse", False),
    ("rich", "backend", r"(?<!\. )(?<!^)Rich|rich library", True),
    ("pydantic", "backend", r"pydantic", False),
    ("httpx", "backend", r"httpx", False),
    (
        "requests",
        "backend",
        r"(?:using|with|via|uses|on) (?:the )?requests(?! per| a | each)"
        r"|requests library|python-requests",
        False,
    ),
    ("aiohttp", "backend", r"aiohttp", False),
    ("beautifulsoup", "backend", r"beautiful ?soup|bs4", False),
    ("scrapy", "backend", r"scrapy", False),
    ("graphql", "backend", r"graphql|strawberry", False),
    ("grpc", "backend", r"grpc", False),
    ("jinja2", "backend", r"jinja2?", False),
    ("pandas", "backend", r"pandas", False),
    ("numpy", "backend", r"numpy", False),
    ("polars", "backend", r"polars", False),
    (
        "spark",
        "backend",
        r"py ?spark|apache spark|spark(?= job| cluster| streaming|,| to| and)",
        False,
    ),
    ("airflow", "other", r"airflow", False),
    ("prefect", "other", r"prefect", False),
    ("dagster", "other", r"dagster", False),
    ("dbt", "other", r"dbt", False),
    ("kafka", "other", r"kafka", False),
    ("rabbitmq", "other", r"rabbit ?mq", False),
    ("s3", "other", r"s3|amazon s3", False),
    # frontend
    ("react", "other", r"react(?:\.?js)?(?! to\b)", False),
    ("next.js", "other", r"next\.?js", False),
    ("vue", "other", r"vue(?:\.?js)?", False),
    ("angular", "other", r"angular(?:js)?", False),
    ("svelte", "other", r"svelte(?:kit)?", False),
    ("htmx", "other", r"htmx", False),
    ("tailwind", "other", r"tailwind(?: ?css)?", False),
    ("bootstrap", "other", r"bootstrap(?! (?:the|a|script|new))", False),
    ("chart.js", "other", r"chart\.?js", False),
    # infrastructure and services
    ("docker", "other", r"docker(?:file)?|docker[- ]compose", False),
    ("kubernetes", "other", r"kubernetes|k8s", False),
    ("nginx", "other", r"nginx", False),
    ("prometheus", "other", r"prometheus", False),
    ("grafana", "other", r"grafana", False),
    ("terraform", "other", r"terraform", False),
    ("stripe", "other", r"stripe", False),
    ("salesforce", "other", r"salesforce", False),
    ("zendesk", "other", r"zendesk", False),
    ("slack", "other", r"slack", False),
    ("github", "other", r"github(?! actions)", False),
    ("twilio", "other", r"twilio", False),
    ("sendgrid", "other", r"sendgrid", False),
    # more stores, services and tools people name; all in "other" so the engines' database
    # and framework choices are untouched
    ("influxdb", "other", r"influx ?db", False),
    ("clickhouse", "other", r"clickhouse", False),
    ("neo4j", "other", r"neo4j", False),
    ("firebase", "other", r"firebase|firestore", False),
    ("supabase", "other", r"supabase", False),
    ("mqtt", "other", r"mqtt", False),
    ("kinesis", "other", r"kinesis", False),
    ("sqs", "other", r"(?:amazon |aws )?sqs", False),
    ("shopify", "other", r"shopify", False),
    ("hubspot", "other", r"hubspot", False),
    ("jira", "other", r"jira", False),
    ("mailgun", "other", r"mailgun", False),
    ("paypal", "other", r"paypal", False),
    ("auth0", "other", r"auth0", False),
    ("keycloak", "other", r"keycloak", False),
    ("sentry", "other", r"sentry", False),
    ("datadog", "other", r"datadog", False),
    ("discord", "other", r"discord", False),
    ("telegram", "other", r"telegram", False),
    ("openai", "other", r"openai", False),
    ("streamlit", "other", r"streamlit", False),
    ("tkinter", "other", r"tkinter", False),
    ("electron", "other", r"electron(?:\.js|js)?(?= app| desktop|,|\.|$)", False),
    ("express", "other", r"express\.?js", False),
    ("nestjs", "other", r"nest\.?js", False),
    ("jquery", "other", r"jquery", False),
    ("d3", "other", r"d3(?:\.js)?", False),
    # a leaflet is also a printed flyer
    ("leaflet", "other", r"[Ll]eaflet\.?js|(?<!\. )(?<!^)Leaflet", True),
    ("matplotlib", "other", r"matplotlib", False),
    ("plotly", "other", r"plotly", False),
    ("scikit-learn", "other", r"scikit-learn|sklearn", False),
    ("pytorch", "other", r"py ?torch", False),
    ("tensorflow", "other", r"tensorflow", False),
    ("gunicorn", "other", r"gunicorn", False),
    ("ansible", "other", r"ansible", False),
    ("minio", "other", r"minio", False),
    ("meilisearch", "other", r"meilisearch", False),
    # testing
    ("pytest", "testing", r"pytest", False),
    ("hypothesis", "testing", r"hypothesis", False),
    ("unittest", "testing", r"unittest", False),
]
_ENTRIES += ENTRIES
_VERSION = r"(?:[ -]?v?(\d+(?:\.\d+)*)(?![\d%]))?"
# A name inside a hyphenated compound still names it: "pure-Python", "Django-based".
_PREFIX = r"(?:(?<=\bpure-)|(?<![\w.-]))"
_SUFFIX = r"(?=-(?:based|powered|backed|driven|only|first|native)\b)|(?![\w-])"


def _compile(pattern: str, case_sensitive: bool, prefix: str = _PREFIX) -> re.Pattern[str]:
    flags = 0 if case_sensitive else re.IGNORECASE
    return re.compile(rf"{prefix}(?:{pattern}){_VERSION}(?:{_SUFFIX})", flags)


def _branches(pattern: str) -> list[str]:
    """The alternatives of ``pattern`` at its top level (``|`` outside groups and classes)."""
    parts, depth, start, i, in_class = [], 0, 0, 0, False
    while i < len(pattern):
        c = pattern[i]
        if c == "\\":
            i += 2
            continue
        if in_class:
            in_class = c != "]"
        elif c == "[":
            in_class = True
        elif c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
        elif c == "|" and depth == 0:
            parts.append(pattern[start:i])
            start = i + 1
        i += 1
    return [*parts, pattern[start:]]


_LOOKBEHIND = re.compile(r"\(\?<[!=](?:\\.|[^()\\])*\)")


def _anchors(pattern: str) -> tuple[str, ...] | None:
    """The literal text each alternative of ``pattern`` must start with, case-folded; None when
    one has fewer than two sure characters (it then cannot rule a technology out)."""
    anchors = []
    for branch in _branches(pattern):
        while True:  # zero-width checks in front of a name consume nothing
            if branch.startswith("\\b"):
                branch = branch[2:]
            elif (lookbehind := _LOOKBEHIND.match(branch)) is not None:
                branch = branch[lookbehind.end() :]
            else:
                break
        literal = re.match(r"[\w ,'&:/@#-]*", branch)
        run = literal.group(0) if literal else ""
        if branch[len(run) : len(run) + 1] in {"?", "*", "{"}:
            run = run[:-1]  # the last character is optional
        if len(run) < 2:
            return None
        anchors.append(run.casefold())
    return tuple(anchors)


TECHNOLOGIES: list[Tech] = [
    Tech(n, slot, _compile(p, cs), _compile(p, cs, prefix=""), _anchors(p))
    for n, slot, p, cs in _ENTRIES
]


def candidates(text: str) -> list[Tech]:
    """The technologies ``text`` may name, in gazetteer order: a substring test on each
    alias's literal start rules most of the hundreds of entries out before any regex runs."""
    folded = text.casefold()
    return [t for t in TECHNOLOGIES if t.anchors is None or any(a in folded for a in t.anchors)]


DEFAULTS: dict[ProjectType, dict[str, list[str]]] = {
    ProjectType.WEB_API: {"backend": ["fastapi", "sqlalchemy", "uvicorn"], "database": ["sqlite"]},
    ProjectType.CLI_TOOL: {"backend": ["typer"]},
    ProjectType.LIBRARY: {"backend": ["stdlib"]},
}
# What the built-in engine generates instead of a named stack it has no templates for.
MAPPED: dict[str, str] = {
    "postgresql": "SQLite through SQLAlchemy; point DATABASE_URL at PostgreSQL to use it",
    "mysql": "SQLite through SQLAlchemy; point DATABASE_URL at MySQL to use it",
    "mongodb": "relational SQLite tables through SQLAlchemy (documents become rows)",
    "redis": "no cache layer; data lives in SQLite",
    "flask": "equivalent FastAPI routes",
    "django": "FastAPI routes with SQLAlchemy models instead of Django views and ORM",
    "graphql": "REST endpoints",
    "click": "a Typer CLI (Typer is built on Click)",
    "argparse": "a Typer CLI",
    "react": "no frontend; the API serves JSON",
    "next.js": "no frontend; the API serves JSON",
    "vue": "no frontend; the API serves JSON",
    "angular": "no frontend; the API serves JSON",
    "svelte": "no frontend; the API serves JSON",
    "celery": "no task queue; work runs in the request",
}
LABELS = {
    "postgresql": "PostgreSQL",
    "mysql": "MySQL",
    "mongodb": "MongoDB",
    "redis": "Redis",
    "flask": "Flask",
    "django": "Django",
    "graphql": "GraphQL",
    "click": "Click",
    "argparse": "argparse",
    "react": "React",
    "next.js": "Next.js",
    "vue": "Vue",
    "angular": "Angular",
    "svelte": "Svelte",
    "celery": "Celery",
}
ENGINE_STACK = {
    ProjectType.WEB_API: "FastAPI + SQLAlchemy on SQLite",
    ProjectType.CLI_TOOL: "a Typer CLI",
    ProjectType.LIBRARY: "a standard-library Python package",
}


def is_technology(phrase: str) -> bool:
    """Whether ``phrase`` is just the name of a technology ("stripe", "PostgreSQL 16")."""
    phrase = phrase.strip()
    return any(t.pattern.fullmatch(phrase) for t in candidates(phrase))


def names_a_technology(text: str) -> bool:
    """Whether ``text`` names a database, framework or service: a sign it is about software.
    Languages do not count ("java" is also coffee)."""
    return any(t.slot != "language" and t.pattern.search(text) for t in candidates(text))
