"""Project category by weighted keyword scoring, with a confidence from the score margin.

This is the classifier that needs no model; ``zeroshot`` blends it with sentence embeddings when
the nlp extra is installed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from codeguild.intent.models import ProjectCategory

_WEB, _CLI, _LIB = ProjectCategory.WEB_API, ProjectCategory.CLI_TOOL, ProjectCategory.LIBRARY
_APP, _ETL = ProjectCategory.WEB_APP, ProjectCategory.DATA_PIPELINE
#: the categories a classifier chooses between (UNKNOWN is the absence of evidence)
CATEGORIES: tuple[ProjectCategory, ...] = (_WEB, _CLI, _LIB, _APP, _ETL)

# (pattern, type, weight). Negative weights take back a cue that a more specific phrase explains.
_CUES: list[tuple[str, ProjectCategory, float]] = [
    (r"\brest(?:ful)?\b", _WEB, 3),
    (r"\bapis?\b", _WEB, 2),
    (
        r"\b(?:clean|simple|public|pythonic|typed|fluent|small|nice|intuitive|python) api\b",
        _WEB,
        -2,
    ),
    (r"\b(?:clean|simple|public|pythonic|typed|fluent|small|nice|intuitive|python) api\b", _LIB, 1),
    (r"\bendpoints?\b", _WEB, 3),
    (r"\bhttps?\b", _WEB, 2),
    (r"\b(?:web ?service|microservice|web server|web backend)s?\b", _WEB, 3),
    (r"\bservices?\b", _WEB, 1),
    (r"\b(?:management )?system\b|\bplatform\b|\bportal\b", _WEB, 1),
    (r"\bback-?end\b", _WEB, 3),
    (r"\bcrud\b", _WEB, 2),
    (r"\bserver\b", _WEB, 1.5),
    (r"\bgraphql\b|\bopenapi\b|\bswagger\b", _WEB, 3),
    (r"\bwebhooks?\b", _WEB, 2),
    (r"\b(?:get|post|put|patch|delete) /", _WEB, 3),
    (r"\broutes?\b", _WEB, 1),
    (r"\b(?:fastapi|flask|django|express)\b", _WEB, 3),
    (r"\bweb\b", _WEB, 1),
    (r"\bweb[- ]?app(?:lication)?s?\b|\bwebsites?\b|\bweb ?sites?\b|\bweb[- ]based\b", _APP, 4),
    (
        r"\bweb[- ]?app(?:lication)?'?s? (?:back-?end|api)\b|\bapi for (?:an?|the|my|our) \w+ app",
        _APP,
        -5,
    ),
    (r"\b(?:front-?end|user interface|web ui|ui|ux|gui|browser|spa|single[- ]page)\b", _APP, 3),
    (
        r"\b(?:full[- ]stack|responsive|landing page|home ?page|admin (?:page|panel|ui)"
        r"|dashboard)\b",
        _APP,
        3,
    ),
    (r"\b(?:pages?|site|portfolio|gallery|forms?|charts?|visitors?|drag and drop)\b", _APP, 1.5),
    (
        r"\b(?:react|vue|angular|svelte|next\.?js|nuxt|htmx|tailwind|bootstrap|templates?)\b",
        _APP,
        3,
    ),
    (r"\b(?:html|css|chart\.js)\b", _APP, 1.5),
    # sites the software reads from are sources, not something to build
    (r"\b(?:scrap\w*|crawl\w*|from|monitor\w*)\s+(?:\w+\s+){0,3}web ?sites?\b", _APP, -4),
    (r"\b(?:pipelines?|etl|elt)\b", _ETL, 4),
    (r"\b(?:ci|ci/cd|deployment|build|release) pipelines?\b", _ETL, -4),
    (
        r"\bingest(?:s|ed|ing|ion)?\b|\bbatch(?: job| process\w*)?\b"
        r"|\bstream(?:ing)? (?:processing|job)",
        _ETL,
        3,
    ),
    (r"\b(?:airflow|prefect|dagster|dbt|spark|pyspark|beam|flink|luigi)\b", _ETL, 3),
    (r"\b(?:kafka|rabbitmq|kinesis|pub/?sub)\b", _ETL, 1.5),
    (
        r"\b(?:bigquery|snowflake|redshift|data ?lake|data warehouse|warehouse (?:table|database)"
        r"|analytics (?:database|db|warehouse)|parquet)\b",
        _ETL,
        3,
    ),
    (
        r"\b(?:nightly|hourly|daily|weekly|every (?:\d+ )?(?:day|night|hour|minutes?|week)|cron)\b",
        _ETL,
        1.5,
    ),
    (r"\b(?:aggregat\w*|deduplicat\w*|enrich\w*|transforms?|anonymi[sz]\w*)\b", _ETL, 1.5),
    (
        r"\b(?:extract\w*|pulls?|reads?|consumes?)\b[^.]{0,80}\b(?:loads?|writes?|stores?|appends?|publish\w*)\b[^.]{0,30}\b(?:into|to)\b",
        _ETL,
        2,
    ),
    (r"\bsync(?:s|ing|hroni[sz]\w*)?\b[^.]{0,60}\bto\b|\bscrap(?:e|es|ing)\b|\bjob\b", _ETL, 1.5),
    (r"\b(?:log ?in|logged[- ]in|sign ?in|jwt|oauth2?|authenticat\w*|bearer)\b", _WEB, 1),
    (r"\bconcurrent users\b|\brequests per second\b|\brps\b|\blatency\b", _WEB, 1.5),
    (r"\bjson (?:responses?|body|payloads?)\b", _WEB, 1),
    (r"\bcommand[- ]line\b", _CLI, 4),
    (r"\bcli\b", _CLI, 4),
    (r"\bterminal\b", _CLI, 3),
    (r"\bshell\b", _CLI, 2),
    (r"\bconsole\b", _CLI, 2),
    (r"\bscripts?\b", _CLI, 2),
    (r"\bsub-?commands?\b", _CLI, 3),
    (r"(?:^|\s)--[a-z]", _CLI, 2),
    (r"\bflags\b|\bcli flags?\b|\bcommand[- ]line flags?\b", _CLI, 1),
    (r"\boptions?\b", _CLI, 1),
    (r"\bstd(?:in|out|err)\b|\bpiped?\b", _CLI, 2),
    (r"\bfiles?\b|\bfolders?\b|\bdirector(?:y|ies)\b", _CLI, 1),
    (r"\btool\b", _CLI, 1.5),
    (r"\butility\b", _CLI, 1),
    (r"\b(?:typer|click|argparse)\b", _CLI, 3),
    (r"\bprints?\b", _CLI, 1),
    (r"\bcommands?\b", _CLI, 1),
    (r"\blibrar(?:y|ies)\b", _LIB, 4),
    (r"\blibrary (?:management|system|catalog|members|loans|app|api)", _LIB, -4),
    (r"\b(?:public|school|city|local|university) library\b", _LIB, -4),
    (r"\bpackages?\b", _LIB, 2.5),
    (r"\bmodules?\b", _LIB, 2.5),
    (r"\bsdk\b|\bpypi\b", _LIB, 4),
    (r"\bfunctions? (?:for|to|that|which|called|named)\b", _LIB, 3),
    (r"\bfunctions?\b", _LIB, 1.5),
    (r"\bimportable\b|\bpip[- ]installable\b|\bimport(?:ed)? (?:it|in|from)\b", _LIB, 3),
    (r"\bclass(?:es)?\b", _LIB, 1),
    (r"\bhelpers?\b|\bwrappers?\b", _LIB, 2),
    (r"\butilities\b", _LIB, 1.5),
    (r"\bpython (?:library|package|module)\b", _LIB, 2),
    (r"\b(?:type hints|typed|docstrings)\b", _LIB, 1),
]
_COMPILED = [(re.compile(p, re.IGNORECASE), t, w) for p, t, w in _CUES]

# Below this confidence the chosen type is reported as an assumption.
ASSUMPTION_THRESHOLD = 0.6


@dataclass(frozen=True, slots=True)
class TypeScore:
    """The classifier's verdict; ``scores`` keeps every type's evidence for reporting."""

    project_type: ProjectCategory | None
    confidence: float
    scores: dict[ProjectCategory, float]
    cues: dict[ProjectCategory, list[str]]


def score_project_type(text: str, *, describes_records: bool = False) -> TypeScore:
    """Score ``text`` for each project type; ``project_type`` is None when nothing matched."""
    scores = dict.fromkeys(CATEGORIES, 0.0)
    cues: dict[ProjectCategory, list[str]] = {t: [] for t in CATEGORIES}
    for regex, ptype, weight in _COMPILED:
        hits = regex.findall(text)
        if hits:
            # A word said many times is still one cue; a second mention adds a little.
            scores[ptype] += weight * (1.0 + 0.25 * min(len(hits) - 1, 2))
            if weight > 0:
                cues[ptype].append(hits[0] if isinstance(hits[0], str) else regex.pattern)
    if describes_records and max(scores.values()) > 0:
        # records with fields are what a data service stores: a nudge between named types,
        # never a type on its own (no cue at all is the caller's documented default)
        scores[_WEB] += 1.0
    ranked = sorted(scores.items(), key=lambda kv: kv[1], reverse=True)
    (best, top), (_, second) = ranked[0], ranked[1]
    if top <= 0:
        return TypeScore(None, 0.0, scores, cues)
    confidence = max(0.0, min(1.0, (top - max(second, 0.0)) / (top + 1.0)))
    return TypeScore(best, round(confidence, 2), scores, cues)
