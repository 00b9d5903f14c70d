"""Performance constraints: a measure, a comparison and a number with its unit.

Each rule reads one way of stating a demand: concurrency ("1,000 concurrent applicants", "20k
people at once"), rates ("<noun> per <unit>"), percentiles ("p95 must stay under 80 ms"), the
time one call or page takes ("each lookup under 1 ms"), how long a run may take ("must finish
within 4 hours"), stream lag and uptime. Units are kept as the text gives them.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from codeguild.intent.models import ConstraintValue
from codeguild.intent.quantities import NUM, TIME_UNIT, fmt, number, time_unit

Found = tuple[ConstraintValue, str]

# The comparison words that make a figure a bound.
_BELOW = (
    r"(?:<=?|≤|under|below|less than|lower than|within|at most|no more than|not more than"
    r"|max(?:imum)?(?: of)?|faster than|in under|in less than|in at most|in)"
)
_CEILING = re.compile(
    r"(?:under|below|less than|fewer than|at most|no more than|not more than|max(?:imum)?"
    r"|never more than|<=?)\s*$"
)
# People, not things: any of these at once is concurrent users.
_NOT_PEOPLE = {
    "connections": "connections",
    "websockets": "connections",
    "sockets": "connections",
    "streams": "streams",
    "jobs": "jobs",
    "requests": "requests",
    "queries": "queries",
    "uploads": "uploads",
    "downloads": "downloads",
    "workers": "workers",
    "tasks": "tasks",
    "devices": "devices",
    "sensors": "devices",
}
_RATE_UNITS = {"sec": "second", "s": "second", "min": "minute", "h": "hour", "hr": "hour"}
_RATE_ALIASES = {"reqs": "requests", "req": "requests", "calls": "requests", "hits": "requests"}
# Nouns that, per unit of time, are a load on the system rather than a fact about the world.
_LOAD_NOUNS = (
    r"requests|reqs?|calls|hits|events|messages|records|rows|transactions|orders|queries|jobs"
    r"|files|documents|writes|reads|inserts|updates|uploads|downloads|readings|emails"
    r"|notifications|images|pages|page views|searches|lookups|payments|bookings|tickets"
    r"|sign-?ups|submissions|items|points|samples|logs|log lines|lines|tweets|posts|clicks"
    r"|impressions|metrics|measurements|scans|webhooks|api calls|operations|ops"
)
_DEMAND = re.compile(
    r"\b(?:handle|handles|handling|process|processes|ingest|ingests|serve|serves|sustain"
    r"|support|cope with|up to|peaks? of|peak|throughput|absorb|accept|receive)\b[^.;]{0,20}$"
)


@dataclass(frozen=True, slots=True)
class _Rule:
    pattern: re.Pattern[str]
    build: Callable[[re.Match[str]], Found | None]


def _perf(name: str, op: str, value: float, unit: str, text: str) -> Found:
    value_ = ConstraintValue(kind="performance", name=name, op=op, value=value, unit=unit)  # type: ignore[arg-type]
    return value_, text


def _bound(m: re.Match[str]) -> str:
    """'<=' when the figure is a ceiling ("under 1 million rows a day"), else '>='.

    "up to N" and "about N" state capacity the system must cope with, so they stay '>='."""
    before = m.string[max(0, m.start() - 20) : m.start()]
    return "<=" if _CEILING.search(before) else ">="


def _people(noun: str) -> str:
    return _NOT_PEOPLE.get(noun, "users")


def _concurrent(m: re.Match[str]) -> Found | None:
    n = number(m.group(1))
    noun = _people(m.group(2))
    return _perf(f"concurrent_{noun}", ">=", n, "", f"handle {fmt(n)} concurrent {noun}")


def _at_once(m: re.Match[str]) -> Found | None:
    if re.fullmatch(
        r"m?s|secs?|seconds?|mins?|minutes?|hours?|hrs?|days?|weeks?|months?|years?"
        r"|times?",
        m.group(2),
    ):
        return None
    return _concurrent(m)


def _rate(m: re.Match[str]) -> Found | None:
    raw_noun = re.sub(r"[\s-]+", "_", m.group(2))
    noun = _RATE_ALIASES.get(raw_noun, raw_noun)
    before = m.string[max(0, m.start() - 40) : m.start()]
    if not re.fullmatch(_LOAD_NOUNS, m.group(2)) and not _DEMAND.search(before):
        return None  # "2 sessions a week" is a fact about members, not a load
    n = number(m.group(1))
    unit = _RATE_UNITS.get(m.group(3), m.group(3))
    op = _bound(m)
    verb = "handle" if op == ">=" else "at most"
    return _perf(f"{noun}_per_{unit}", op, n, "", f"{verb} {fmt(n)} {noun} per {unit}")


def _short_rate(m: re.Match[str]) -> Found | None:
    n = number(m.group(1))
    noun = "transactions" if m.group(2) == "tps" else "requests"
    return _perf(f"{noun}_per_second", ">=", n, "", f"handle {fmt(n)} {noun} per second")


def _percentile(m: re.Match[str]) -> Found | None:
    p = m.group(1) or m.group(2)
    value, unit = float(m.group(3)), time_unit(m.group(4))
    return _perf(f"latency_p{p}", "<", value, unit, f"p{p} latency < {fmt(value)} {unit}")


def _percentile_after(m: re.Match[str]) -> Found | None:
    """'within 150 ms at the 99th percentile'."""
    p = m.group(3) or m.group(4)
    value, unit = float(m.group(1)), time_unit(m.group(2))
    return _perf(f"latency_p{p}", "<", value, unit, f"p{p} latency < {fmt(value)} {unit}")


def _response(m: re.Match[str]) -> Found | None:
    value, unit = float(m.group(1)), time_unit(m.group(2))
    at_percentile = r"\s+(?:at|for)\s+(?:the\s+)?(?:p\d|\d{2}(?:th|st|nd|rd) percentile)"
    if unit not in {"ms", "s"} or re.match(at_percentile, m.string[m.end() :]):
        return None  # a percentile after the figure is read by the percentile rule
    return _perf("response_time", "<", value, unit, f"response time < {fmt(value)} {unit}")


def _run_time(m: re.Match[str]) -> Found | None:
    value, unit = number(m.group(1)), time_unit(m.group(2))
    return _perf("run_time", "<=", value, unit, f"finishes within {fmt(value)} {unit}")


def _lag(m: re.Match[str]) -> Found | None:
    value, unit = number(m.group(1)), time_unit(m.group(2))
    return _perf("lag", "<", value, unit, f"end-to-end lag < {fmt(value)} {unit}")


def _uptime(m: re.Match[str]) -> Found | None:
    pct = float(next(g for g in m.groups() if g))
    return _perf("uptime", ">=", pct, "%", f"{fmt(pct)}% uptime")


def _scale(m: re.Match[str]) -> Found | None:
    n = number(m.group(1))
    op = _bound(m)
    verb = "scale to" if op == ">=" else "at most"
    return _perf(m.group(2), op, n, "", f"{verb} {fmt(n)} {m.group(2)}")


def _r(pattern: str, build: Callable[[re.Match[str]], Found | None]) -> _Rule:
    return _Rule(re.compile(pattern), build)


_DUR = rf"(\d+(?:\.\d+)?)\s*{TIME_UNIT}"
_FILLER = r"(?:\s+(?:\w+|[\w-]+))?"  # one word: "p95 latency", "lag has", "pages must"
# Order matters: a span read by an earlier (more specific) rule is not read again.
RULES: list[_Rule] = [
    _r(
        rf"{NUM}\s*\+?\s*(?:simultaneous|concurrent|parallel)\s+([a-z]+)",
        _concurrent,
    ),
    _r(rf"{NUM}\s*\+?\s*active\s+(users|sessions|connections)\b", _concurrent),
    _r(
        rf"{NUM}\s+(?:[a-z-]+\s+)?([a-z]+)(?:\s+[a-z]+ing)?\s+(?:at once|at the same time"
        r"|simultaneously|concurrently|in parallel)\b",
        _at_once,
    ),
    _r(
        rf"(?:cope with|withstand)\s+(?:up to |about |around |roughly )?{NUM}\s+([a-z]+)",
        _at_once,
    ),
    _r(
        rf"{NUM}\s*\b((?:{_LOAD_NOUNS})|[a-z]+s)\s*(?:per|/|a|an|each|every)\s*"
        r"(second|sec|s|minute|min|hour|hr|h|day|week|month|year)\b",
        _rate,
    ),
    _r(rf"{NUM}\s*(rps|qps|req/s|requests/s|tps)\b", _short_rate),
    _r(
        r"(?:\bp(\d{2}(?:\.\d+)?)\b|\b(\d{2}(?:\.\d+)?)(?:th|st|nd|rd) percentile\b)"
        r"(?:\s+(?:latency|response times?))?(?:\s+(?:must|should|has to|needs to|to|will"
        rf"|shall))?(?:\s+(?:stay|be|remain|keep|kept))?(?:\s+well)?\s*:?\s*{_BELOW}?\s*{_DUR}",
        _percentile,
    ),
    _r(
        rf"{_BELOW}\s*{_DUR}\s+(?:at|for)\s+(?:the\s+)?(?:p(\d{{2}}(?:\.\d+)?)\b"
        r"|(\d{2}(?:\.\d+)?)(?:th|st|nd|rd) percentile\b)",
        _percentile_after,
    ),
    _r(rf"{_BELOW}\s*{_DUR}\s+(?:old|stale|behind)\b", _lag),
    _r(
        r"\b(?:end[- ]to[- ]end\s+)?(?:lag|delay|staleness|freshness)\b(?:\s+(?:must|should"
        r"|has to|needs to|to|will))?(?:\s+(?:stay|be|remain|kept))?\s*(?:of\s+)?"
        rf"{_BELOW}\s*{_DUR}",
        _lag,
    ),
    _r(
        r"\b(?:finish|finishes|finished|complete|completes|completed|done|be done"
        r"|run|runs|take|takes)\b(?:\s+(?:\w+\s+){0,3}?)?\s*(?:within|in under|in less than"
        r"|in at most|under|less than|at most|no more than)\s*(\d+(?:\.\d+)?|an?)\s*"
        r"(mins?|minutes?|h|hrs?|hours?)\b",
        _run_time,
    ),
    _r(
        r"\b(?:respond\w*|responses?|response times?|latency|return\w*|answer\w*|repl(?:y|ies)"
        r"|comput\w*|lookups?|calls?|quer(?:y|ies)|load(?:s|ed)?|render\w*|rendered|evaluat\w*"
        r"|validat\w*|check(?:s|ed)?|searche?s?|results?|solv\w*|generat\w*|process\w*)\b"
        rf"(?:[^.;,\d]{{0,40}}?)\s*{_BELOW}\s*{_DUR}",
        _response,
    ),
    _r(
        r"(\d+(?:\.\d+)?)\s*%\s*(?:uptime|availability|available|sla)"
        r"|(?:uptime|availability|sla)\b[^.;\d]{0,20}?(\d+(?:\.\d+)?)\s*%"
        r"|\b(?:up|available|online|reachable|running)\s+(?:for\s+)?(\d+(?:\.\d+)?)\s*%"
        r"\s+of the time",
        _uptime,
    ),
    _r(
        rf"{NUM}\s*(users|records|rows|items|files|documents|products|customers|devices)\b"
        r"(?! must| should| per| a day| each)",
        _scale,
    ),
]
