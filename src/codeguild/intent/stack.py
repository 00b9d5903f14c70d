"""Tech stack (a gazetteer with aliases and defaults per project type) and constraints."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from codeguild.intent.models import Constraints, ProjectType, TechStack

# canonical -> (TechStack list, alias pattern)
_GAZETTEER: dict[str, tuple[str, str]] = {
    "postgresql": ("database", r"postgres(?:ql)?|\bpg\b|psql"),
    "mysql": ("database", r"mysql|mariadb"),
    "sqlite": ("database", r"sqlite3?"),
    "mongodb": ("database", r"mongo(?:db)?"),
    "redis": ("database", r"redis"),
    "fastapi": ("backend", r"fast-?api"),
    "flask": ("backend", r"flask"),
    "django": ("backend", r"django"),
    "sqlalchemy": ("backend", r"sqlalchemy"),
    "uvicorn": ("backend", r"uvicorn"),
    "celery": ("backend", r"celery"),
    "typer": ("backend", r"typer"),
    "click": ("backend", r"click(?= (?:library|framework|cli|for))|python click"),
    "argparse": ("backend", r"argparse"),
    "pydantic": ("backend", r"pydantic"),
    "graphql": ("backend", r"graphql"),
    "react": ("other", r"react(?:\.?js)?"),
    "next.js": ("other", r"next\.?js"),
    "vue": ("other", r"vue(?:\.?js)?"),
    "docker": ("other", r"docker(?:file)?|docker[- ]compose"),
    "kubernetes": ("other", r"kubernetes|k8s"),
    "nginx": ("other", r"nginx"),
    "pytest": ("testing", r"pytest"),
    "hypothesis": ("testing", r"hypothesis"),
    "unittest": ("testing", r"unittest"),
}
_COMPILED = {
    name: (kind, re.compile(rf"\b(?:{pattern})(?:[ -]?v?(\d+(?:\.\d+)*))?\b", re.IGNORECASE))
    for name, (kind, pattern) in _GAZETTEER.items()
}
_DEFAULTS: dict[ProjectType, dict[str, list[str]]] = {
    ProjectType.WEB_API: {"backend": ["fastapi", "sqlalchemy", "uvicorn"], "database": ["sqlite"]},
    ProjectType.CLI_TOOL: {"backend": ["typer"]},
    ProjectType.LIBRARY: {"backend": ["stdlib"]},
}
# What the built-in engine generates instead of a named stack it has no templates for.
_MAPPED: dict[str, str] = {
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
    "celery": "no task queue; work runs in the request",
}

_NUMBER = r"(\d[\d,.]*\s*[km]?)"
_PERFORMANCE = [
    (
        rf"{_NUMBER}\s*(?:\+\s*)?(?:simultaneous|concurrent|parallel)\s+(?:users|connections|clients)",
        "handle {0} concurrent users",
    ),
    (
        rf"{_NUMBER}\s*(?:requests|reqs?|calls)\s*(?:per|/|a)\s*(?:second|sec|s)\b|{_NUMBER}\s*rps\b",
        "handle {0} requests per second",
    ),
    (
        r"\bp(\d{2,3})\s*(?:latency\s*)?(?:<|<=|under|below|of|less than|within)\s*(\d+)\s*ms",
        "p{0} latency < {1} ms",
    ),
    (
        r"(?:latency|response times?|respond)\s*(?:of\s*|is\s*|should be\s*|must be\s*|in\s*)?"
        r"(?:<|<=|under|below|less than|within)\s*(\d+)\s*(ms|milliseconds|s|seconds)\b",
        "response time < {0} {1}",
    ),
    (rf"{_NUMBER}\s*(?:users|records|rows|items|files)\b(?! must| should)", "scale to {0} {_noun}"),
    (r"(\d+(?:\.\d+)?)\s*%\s*uptime|uptime of\s*(\d+(?:\.\d+)?)\s*%", "{0}% uptime"),
]
_SECURITY = [
    (r"\boauth ?2?(?:\.0)?\b", "OAuth2"),
    (r"\bgdpr\b", "GDPR compliance"),
    (r"\bhipaa\b", "HIPAA compliance"),
    (r"\bpci(?:[- ]dss)?\b", "PCI DSS compliance"),
    (r"\bhttps\b|\btls\b|\bssl\b", "HTTPS/TLS only"),
    (r"\brate[- ]limit\w*|\bthrottl\w*", "rate limiting"),
    (r"\bencrypt\w* (?:at rest|data|passwords?|in transit)|\bencryption\b", "encryption"),
    (r"\bcors\b", "CORS policy"),
    (r"\b(?:2fa|mfa|two[- ]factor|multi[- ]factor)\b", "multi-factor authentication"),
    (r"\bowasp\b", "OWASP top 10"),
    (r"\bhash(?:ed|ing)? passwords?\b|\bpasswords? (?:are |must be )?hashed", "hashed passwords"),
    (r"\brole[- ]based\b|\brbac\b|\badmins? only\b", "role-based access control"),
]
_DEPLOYMENT = [
    (r"\bdocker[- ]compose\b", "docker compose"),
    (r"\bdocker\w*|\bcontaineri[sz]\w*", "docker"),
    (r"\bkubernetes\b|\bk8s\b|\bhelm\b", "kubernetes"),
    (r"\baws\b|\bamazon web services\b|\blambda\b|\becs\b|\bec2\b", "aws"),
    (r"\bgcp\b|\bgoogle cloud\b|\bcloud run\b", "gcp"),
    (r"\bazure\b", "azure"),
    (r"\bheroku\b", "heroku"),
    (r"\bserverless\b", "serverless"),
    (r"\bgithub actions\b|\bci/cd\b|\bci pipeline\b", "ci/cd pipeline"),
]
_OTHER = [
    (r"\bpython ?(3\.\d+)\b", "python {0}"),
    (
        r"\b(?:no|without|zero) (?:external |third[- ]party |runtime )?dependencies\b"
        r"|\bstdlib only\b|\bstandard library only\b|\bonly the standard library\b",
        "standard library only",
    ),
    (r"\boffline\b", "works offline"),
    (r"\bcross[- ]platform\b|\bwindows\b", "cross-platform"),
]


@dataclass
class StackResult:
    tech_stack: TechStack
    constraints: Constraints
    assumptions: list[str] = field(default_factory=list)


def _count(raw: str) -> str:
    """'10k' -> '10000', '1,000' -> '1000'; odd strings fall back to their digits."""
    raw = raw.replace(",", "").strip().lower()
    m = re.match(r"\d+(?:\.\d+)?", raw)
    if not m:
        return raw
    factor = 1000 if raw.endswith("k") else 1_000_000 if raw.endswith("m") else 1
    value = float(m.group(0)) * factor
    return str(int(value)) if value.is_integer() else str(value)


def _matches(rules: list[tuple[str, str]], lower: str) -> list[str]:
    found: list[str] = []
    for pattern, template in rules:
        for m in re.finditer(pattern, lower):
            groups = [g for g in m.groups() if g]
            if "{_noun}" in template:
                noun = m.group(0).split()[-1]
                text = template.replace("{_noun}", noun).format(_count(groups[0]))
            elif "{0}" in template and "handle" in template:
                text = template.format(_count(groups[0]))
            else:
                text = template.format(*groups)
            if text not in found:
                found.append(text)
            if "{" not in template:
                break
    return found


def extract_stack(text: str, project_type: ProjectType) -> StackResult:
    lower = text.lower()
    stack = TechStack()
    result = StackResult(tech_stack=stack, constraints=Constraints())
    named: list[str] = []
    for name, (kind, regex) in _COMPILED.items():
        m = regex.search(text)
        if not m:
            continue
        named.append(name)
        bucket: list[str] = getattr(stack, kind)
        if name not in bucket:
            bucket.append(name)
        if m.group(1) and kind in {"database", "backend"}:
            stack.other.append(f"{name} {m.group(1)}")
    for kind, names in _DEFAULTS[project_type].items():
        bucket = getattr(stack, kind)
        # only fill a slot the user left empty: a named Postgres replaces the default SQLite
        if kind == "database" and bucket:
            continue
        for name in names:
            if name not in bucket and not _conflicts(name, bucket):
                bucket.append(name)
                stack.defaults.append(name)
    for name in named:
        if name in _MAPPED:
            result.assumptions.append(
                f"{_GAZETTEER_LABEL.get(name, name)} was named; the built-in engine generates "
                f"{_ENGINE_STACK[project_type]}, so it maps to {_MAPPED[name]}."
            )
    result.constraints = Constraints(
        performance=_matches(_PERFORMANCE, lower),
        security=_matches(_SECURITY, lower),
        deployment=_matches(_DEPLOYMENT, lower),
        other=_matches(_OTHER, lower),
    )
    return result


def _conflicts(default: str, chosen: list[str]) -> bool:
    web = {"fastapi", "flask", "django"}
    cli = {"typer", "click", "argparse"}
    return any((default in group and c in group) for group in (web, cli) for c in chosen)


_GAZETTEER_LABEL = {
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
    "celery": "Celery",
}
_ENGINE_STACK = {
    ProjectType.WEB_API: "FastAPI + SQLAlchemy on SQLite",
    ProjectType.CLI_TOOL: "a Typer CLI",
    ProjectType.LIBRARY: "a standard-library Python package",
}
