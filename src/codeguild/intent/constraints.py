"""Constraints (performance, security, deployment, other) as text and as structured values."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from codeguild.intent.models import Constraints, ConstraintValue

_NUM = r"(\d[\d,]*(?:\.\d+)?\s*(?:k|m|million|thousand|billion|bn)?)"
_MULTIPLIERS = {"k": 1e3, "thousand": 1e3, "m": 1e6, "million": 1e6, "billion": 1e9, "bn": 1e9}
_UNITS = {"second": "second", "sec": "second", "s": "second", "minute": "minute", "min": "minute"}
_UNITS |= {"hour": "hour", "h": "hour", "day": "day"}
_RATE_NOUNS = {"requests": "requests", "reqs": "requests", "req": "requests", "calls": "requests"}


def number(raw: str) -> float:
    """'10k' -> 10000, '1,000' -> 1000, '2 million' -> 2000000."""
    raw = raw.replace(",", "").strip().lower()
    m = re.match(r"(\d+(?:\.\d+)?)\s*([a-z]*)", raw)
    if not m:
        return 0.0
    return float(m.group(1)) * _MULTIPLIERS.get(m.group(2), 1.0)


def _fmt(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def _ms(value: str, unit: str) -> float:
    return float(value) * (1000 if unit.startswith("s") else 1)


@dataclass(frozen=True, slots=True)
class _Rule:
    kind: str
    pattern: re.Pattern[str]
    build: Callable[[re.Match[str]], tuple[ConstraintValue, str] | None]


def _rule(kind: str, pattern: str, build: Callable[..., object]) -> _Rule:
    return _Rule(kind, re.compile(pattern), build)  # type: ignore[arg-type]


def _perf(name: str, op: str, value: float, unit: str, text: str) -> tuple[ConstraintValue, str]:
    return ConstraintValue(kind="performance", name=name, op=op, value=value, unit=unit), text  # type: ignore[arg-type]


def _concurrent(m: re.Match[str]) -> tuple[ConstraintValue, str]:
    n = number(m.group(1))
    noun = "users" if m.group(2) in {"users", "sessions"} else m.group(2)
    return _perf(f"concurrent_{noun}", ">=", n, "", f"handle {_fmt(n)} concurrent {noun}")


def _bound(m: re.Match[str]) -> str:
    """'<=' when the figure is a ceiling ("under 1 million rows a day"), else '>='."""
    before = m.string[max(0, m.start() - 16) : m.start()]
    return (
        "<="
        if re.search(r"(?:under|below|less than|fewer than|at most|up to)\s*$", before)
        else ">="
    )


def _rate(m: re.Match[str]) -> tuple[ConstraintValue, str]:
    n = number(m.group(1))
    noun = _RATE_NOUNS.get(m.group(2), m.group(2))
    unit = _UNITS.get(m.group(3), m.group(3))
    op = _bound(m)
    verb = "handle" if op == ">=" else "at most"
    return _perf(f"{noun}_per_{unit}", op, n, "", f"{verb} {_fmt(n)} {noun} per {unit}")


def _rps(m: re.Match[str]) -> tuple[ConstraintValue, str]:
    n = number(m.group(1))
    return _perf("requests_per_second", ">=", n, "", f"handle {_fmt(n)} requests per second")


def _percentile(m: re.Match[str]) -> tuple[ConstraintValue, str]:
    ms = _ms(m.group(2), m.group(3))
    return _perf(f"latency_p{m.group(1)}", "<", ms, "ms", f"p{m.group(1)} latency < {_fmt(ms)} ms")


def _response(m: re.Match[str]) -> tuple[ConstraintValue, str]:
    ms = _ms(m.group(1), m.group(2))
    return _perf("response_time", "<", ms, "ms", f"response time < {_fmt(ms)} ms")


def _uptime(m: re.Match[str]) -> tuple[ConstraintValue, str]:
    pct = float(m.group(1) or m.group(2))
    return _perf("uptime", ">=", pct, "%", f"{_fmt(pct)}% uptime")


def _scale(m: re.Match[str]) -> tuple[ConstraintValue, str]:
    n = number(m.group(1))
    op = _bound(m)
    verb = "scale to" if op == ">=" else "at most"
    return _perf(m.group(2), op, n, "", f"{verb} {_fmt(n)} {m.group(2)}")


_PERFORMANCE = [
    _rule(
        "performance",
        rf"{_NUM}\s*\+?\s*(?:simultaneous|concurrent|parallel|active)\s+"
        r"(users|connections|clients|sessions)",
        _concurrent,
    ),
    _rule(
        "performance",
        rf"{_NUM}\s*(requests|reqs?|calls|events|messages|records|rows|transactions|orders"
        r"|queries|jobs|files|documents)\s*(?:per|/|a|an|each)\s*(second|sec|s|minute|min|hour|h"
        r"|day)\b",
        _rate,
    ),
    _rule("performance", rf"{_NUM}\s*(?:rps|qps|req/s)\b", _rps),
    _rule(
        "performance",
        r"\bp(\d{2,3})\s*(?:latency\s*)?(?:<=?|under|below|of|less than|within|at most)\s*"
        r"(\d+(?:\.\d+)?)\s*(ms|milliseconds|s|sec|seconds)\b",
        _percentile,
    ),
    _rule(
        "performance",
        r"(?:latency|response times?|respond\w*|responses?)(?:\s+(?:of|is|are|should be|must be"
        r"|in|times?))?\s*(?:<=?|under|below|less than|within|at most|faster than)\s*"
        r"(\d+(?:\.\d+)?)\s*(ms|milliseconds|s|sec|seconds)\b",
        _response,
    ),
    _rule(
        "performance",
        r"(\d+(?:\.\d+)?)\s*%\s*(?:uptime|availability)|(?:uptime|availability) of\s*"
        r"(\d+(?:\.\d+)?)\s*%",
        _uptime,
    ),
    _rule(
        "performance",
        rf"{_NUM}\s*(users|records|rows|items|files|documents|products|customers|devices)\b"
        r"(?! must| should| per| a day| each)",
        _scale,
    ),
]


def _named(kind: str, name: str, text: str) -> Callable[[re.Match[str]], object]:
    return lambda _m: (ConstraintValue(kind=kind, name=name), text)  # type: ignore[arg-type]


_SECURITY_NAMES: list[tuple[str, str, str]] = [
    (r"\boauth ?2?(?:\.0)?\b", "oauth2", "OAuth2"),
    (r"\bgdpr\b", "gdpr", "GDPR compliance"),
    (r"\bhipaa\b", "hipaa", "HIPAA compliance"),
    (r"\bpci(?:[- ]?dss)?\b", "pci_dss", "PCI DSS compliance"),
    (r"\bsoc ?2\b", "soc2", "SOC 2 compliance"),
    (r"\biso ?27001\b", "iso27001", "ISO 27001 compliance"),
    (r"\bhttps\b|\btls\b|\bssl\b|\bencrypted in transit\b", "tls", "HTTPS/TLS only"),
    (r"\brate[- ]limit\w*|\bthrottl\w*", "rate_limiting", "rate limiting"),
    (r"\bencrypt\w*\b(?![^.;]{0,25}\bin transit)", "encryption", "encryption"),
    (r"\bcors\b", "cors", "CORS policy"),
    (r"\b(?:2fa|mfa|two[- ]factor|multi[- ]factor)\b", "mfa", "multi-factor authentication"),
    (r"\bowasp\b", "owasp", "OWASP top 10"),
    (r"\bsso\b|\bsingle sign[- ]on\b|\bsaml\b", "sso", "single sign-on"),
    (
        r"\bhash(?:ed|ing|es)? (?:the |user )?passwords?\b"
        r"|\bpasswords? (?:are |must be |should be )?hashed|\bbcrypt\b|\bargon2\b",
        "hashed_passwords",
        "hashed passwords",
    ),
    (
        r"\brole[- ]based\b|\brbac\b|\badmins? only\b|\bonly admins?\b|\bvisible to admins\b",
        "rbac",
        "role-based access control",
    ),
]
_DEPLOYMENT_NAMES: list[tuple[str, str, str]] = [
    (r"\bdocker[- ]compose\b", "docker_compose", "docker compose"),
    (r"\bdocker(?![- ]compose)\w*|\bcontaineri[sz]\w*", "docker", "docker"),
    (r"\bkubernetes\b|\bk8s\b|\bhelm\b", "kubernetes", "kubernetes"),
    (
        r"\baws\b|\bamazon web services\b|\blambda\b|\becs\b|\bec2\b|\beks\b|\bfargate\b",
        "aws",
        "aws",
    ),
    (r"\bgcp\b|\bgoogle cloud\b|\bcloud run\b|\bgke\b|\bapp engine\b", "gcp", "gcp"),
    (r"\bazure\b", "azure", "azure"),
    (r"\bheroku\b", "heroku", "heroku"),
    (r"\bvercel\b", "vercel", "vercel"),
    (r"\bfly\.io\b", "fly_io", "fly.io"),
    (r"\bserverless\b", "serverless", "serverless"),
    (r"\bgithub actions\b|\bgitlab ci\b|\bci/cd\b|\bci pipeline\b", "ci_cd", "ci/cd pipeline"),
]
_OTHER_NAMES: list[tuple[str, str, str]] = [
    (
        r"\b(?:no|without|zero) (?:external |third[- ]party |runtime )?(?:dependencies|deps)\b"
        r"|\bdependency[- ]free\b|\bstdlib only\b|\bstandard library only\b"
        r"|\bonly (?:the )?(?:python )?standard library\b",
        "stdlib_only",
        "standard library only",
    ),
    (r"\boffline\b", "offline", "works offline"),
    (r"\bcross[- ]platform\b|\bwindows\b", "cross_platform", "cross-platform"),
]
# A frequency word is a schedule when it qualifies a run, not a measure ("daily sales chart").
_RUN_WORDS = (
    r"(?:jobs?|etl|elt|pipelines?|batch\w*|runs?|refresh\w*|sync\w*|exports?|imports?|loads?"
    r"|reports?|aggregates?|schedul\w*|cron|ingest\w*|updat\w*|backups?|execut\w*)"
)
_SCHEDULES: list[tuple[str, str]] = [
    (r"\bnightly\b|\bevery night\b|\beach night\b", "daily"),
    (r"\bevery (\d+) (?:minutes|mins)\b", "{0}min"),
    (r"\bevery hour\b|\bonce an hour\b", "hourly"),
    (r"\bevery day\b|\bonce a day\b", "daily"),
    (r"\bevery week\b|\bonce a week\b", "weekly"),
]


def _schedule(lower: str) -> str | None:
    for pattern, template in _SCHEDULES:
        m = re.search(pattern, lower)
        if m:
            return template.format(*m.groups())
    for word, value in (("hourly", "hourly"), ("daily", "daily"), ("weekly", "weekly")):
        near = rf"\b{word}\s+(?:\w+\s+)?{_RUN_WORDS}\b|\b{_RUN_WORDS}\s+(?:\w+\s+)?{word}\b"
        if re.search(near, lower) or re.match(rf"\W*{word}\b", lower):
            return value
    return None


def _named_rules(kind: str, table: list[tuple[str, str, str]]) -> list[_Rule]:
    return [_rule(kind, pattern, _named(kind, name, text)) for pattern, name, text in table]


_RULES: list[_Rule] = [
    *_PERFORMANCE,
    *_named_rules("security", _SECURITY_NAMES),
    *_named_rules("deployment", _DEPLOYMENT_NAMES),
    *_named_rules("other", _OTHER_NAMES),
]


def extract_constraints(text: str) -> Constraints:
    """Constraints named in ``text``, each as a sentence and as a structured value."""
    lower = text.lower()
    found = Constraints()
    seen: set[str] = set()

    def add(value: ConstraintValue, sentence: str) -> None:
        if value.key in seen:
            return
        seen.add(value.key)
        found.parsed.append(value)
        bucket: list[str] = getattr(found, value.kind)
        if sentence not in bucket:
            bucket.append(sentence)

    covered: list[tuple[int, int]] = []
    for rule in _RULES:
        for m in rule.pattern.finditer(lower):
            # a span already read by a more specific rule ("10k concurrent users") is not read
            # again by a general one ("10k users")
            if any(a <= m.start() < b for a, b in covered):
                continue
            built = rule.build(m)
            if built is None:
                continue
            if rule.kind == "performance":
                covered.append((m.start(), m.end()))
            add(*built)
            if rule.kind != "performance":
                break
    version = re.search(r"\bpython ?(3\.\d+)\b", lower)
    if version:
        add(
            ConstraintValue(kind="other", name="python_version", op="=", value=version.group(1)),
            f"python {version.group(1)}",
        )
    schedule = _schedule(lower)
    if schedule:
        add(
            ConstraintValue(kind="other", name="schedule", op="=", value=schedule),
            f"runs {schedule}",
        )
    return found
