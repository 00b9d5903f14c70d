"""Project category by weighted keyword scoring, with a confidence from the score margin.

This is the classifier that needs no model; ``zeroshot`` blends it with sentence embeddings when
the nlp extra is installed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from codeguild.intent.cuetext import cue_text
from codeguild.intent.mentions import blank_consumers, blank_foreign_apis
from codeguild.intent.models import ProjectCategory
from codeguild.intent.usage import USAGE_CUES

_WEB, _CLI, _LIB = ProjectCategory.WEB_API, ProjectCategory.CLI_TOOL, ProjectCategory.LIBRARY
_APP, _ETL = ProjectCategory.WEB_APP, ProjectCategory.DATA_PIPELINE
#: the categories a classifier chooses between (UNKNOWN is the absence of evidence)
CATEGORIES: tuple[ProjectCategory, ...] = (_WEB, _CLI, _LIB, _APP, _ETL)

# (pattern, type, weight). Negative weights take back a cue that a more specific phrase explains.
_CUES: list[tuple[str, ProjectCategory, float]] = [
    # "encrypted at rest" is about storage, not REST
    (r"(?<!\bat )\brest(?:ful)?\b", _WEB, 3),
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
    (r"\b(?:management )?system\b|\bplatform\b", _WEB, 1),
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
        r"\b(?:web[- ]?)?app(?:lication)?'?s? (?:back-?end|api)\b"
        r"|\bapi for (?:an?|the|my|our) \w+ app"
        r"|\bback-?end (?:for|of) (?:an?|the|my|our) (?:\w+ ){0,2}app\b",
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
    (r"\b(?:pages?|portfolio|gallery|forms?|charts?|visitors?|drag and drop)\b", _APP, 1.5),
    # a site people visit; "on site", "site visits" and "the solar site" are places
    (
        r"(?<!\bon )(?<!\bon-)(?<!\bsolar )(?<!\bbuilding )(?<!\bconstruction )(?<!\bwork )"
        r"\bsite\b(?! (?:visits?|managers?|surveys?|inspections?|engineers?|staff|address))",
        _APP,
        2.5,
    ),
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
        # a "batch number" or "stock batch" is a record of goods, not a way of processing
        r"\bingest(?:s|ed|ing|ion)?\b|\bbatch(?:es)? (?:jobs?|process\w*|runs?|mode|loads?"
        r"|imports?|exports?|window)\b|\bin batches\b|\b(?:nightly|daily|hourly) batch\b"
        r"|\bstream(?:ing)? (?:processing|job)",
        _ETL,
        3,
    ),
    (r"\b(?:airflow|prefect|dagster|dbt|spark|pyspark|beam|flink|luigi)\b", _ETL, 3),
    (r"\b(?:kafka|rabbitmq|kinesis|pub/?sub)\b", _ETL, 1.5),
    (
        r"\b(?:bigquery|snowflake|redshift|data ?lake|data warehouse|warehouse (?:table|database)"
        r"|analytics (?:database|db|warehouse)|parquet|(?:into|to) (?:the |our |a )?warehouse)\b",
        _ETL,
        3,
    ),
    (r"\bcron\b", _ETL, 1.5),
    (r"\b(?:aggregat\w*|deduplicat\w*|enrich\w*|transforms?|anonymi[sz]\w*)\b", _ETL, 1.5),
    (r"\b(?:roll-?ups?|downsampl\w*|continuously|time[- ]series)\b", _ETL, 1.5),
    (
        r"\b(?:extract\w*|pulls?|reads?|consumes?|exports?|copy|copies|fetch\w*|collects?)\b[^.]{0,80}\b(?:loads?|writes?|stores?|appends?|publish\w*)\b[^.]{0,30}\b(?:into|to|in)\b",
        _ETL,
        2,
    ),
    (r"\bsync(?:s|ing|hroni[sz]\w*)?\b[^.]{0,60}\bto\b|\bscrap(?:e|es|ing)\b|\bjob\b", _ETL, 1.5),
    (r"\b(?:log ?in|logged[- ]in|sign ?in|jwt|oauth2?|authenticat\w*|bearer)\b", _WEB, 1),
    (r"\bconcurrent users\b|\brequests per second\b|\brps\b|\blatency\b", _WEB, 1.5),
    (r"\bjson (?:responses?|body|payloads?)\b", _WEB, 1),
    (r"\bcommand[- ]line\b|\bcmd[- ]line\b", _CLI, 4),
    # how it is used: run by a person or cron, typed into, imported by other code
    (
        r"\b(?:run|type|call|invoke|execute|launch)\w* (?:it |them |this )?(?:from|in|on|via) "
        r"(?:the |my |a |our )?(?:cron\w*|shell|terminal|command line|command prompt|laptop"
        r"|console|ci|jenkins|github actions|pre-commit)\b",
        _CLI,
        3,
    ),
    (r"\b(?:an?|the) command (?:i|we|you|that|to)\b|\btype (?:\w+ )?commands?\b", _CLI, 3),
    (
        r"\bexits? (?:code|status|non-?zero|with (?:an? )?(?:code|status|error))"
        r"|\bfails? the build",
        _CLI,
        2,
    ),
    (
        r"\b(?:other|our|my|their) (?:\w+ )?(?:code|devs|developers|teams|projects|scripts|apps?"
        r"|programs|tools|micro-?services|services|libraries|modules)"
        r" (?:can |will |could )?(?:import|pip install|depend on|share|reuse|vendor)"
        r"|\b(?:other|our|my|their) (?:\w+ )?(?:code|scripts|programs) (?:can |will )?call"
        r"|\bimports? it\b|\bused by other (?:tools|code|projects|programs|libraries|modules)",
        _LIB,
        3,
    ),
    (
        r"\b(?:as an? |a )?(?:shared )?dependenc(?:y|ies)\b|\breusable\b"
        r"|\breturns? (?:an? |the )?(?:dicts?|lists?|objects?|dataclass\w*|tuples?|iterators?)\b",
        _LIB,
        2,
    ),
    (r"\bdecorators?\b|\bcontext managers?\b|\bpure[- ]python\b", _LIB, 2),
    (
        r"\b(?:used?|open|opens|viewed|runs?|works?) in (?:(?:a|the|their|any) (?:web )?browser"
        r"|chrome|firefox|safari|edge)\b",
        _APP,
        3,
    ),
    (r"\badmin (?:interface|area|console|site|dashboard)\b|\binterface\b|\bkanban\b", _APP, 1.5),
    # used from a phone: a mobile app needs a backend to talk to
    (r"\b(?:android|ios|iphone|mobile|flutter|react native)(?: app)?\b", _WEB, 2.5),
    (
        r"\b(?:type|run|call|enter)\s+`|\bexecutables?\b"
        r"|\b(?:an?|one|single|the|static) binary\b(?! (?:file|format|data|protocol))",
        _CLI,
        3,
    ),
    (r"\b(?:git |pre-commit |pre-push |commit )hooks?\b|\bpre-commit\b", _CLI, 3),
    (
        r"\breplicat\w*|\bincremental(?:ly)?\b|\bchange data capture\b|\bcdc\b"
        r"|\b(?:every|each) (?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b"
        r"|\breporting (?:database|db|tables?)\b",
        _ETL,
        3,
    ),
    (r"\b(?:call(?:ed|s)?|hit|reach(?:ed)?|talk to) (?:it )?over (?:http|the network)", _WEB, 3),
    # other software uses it over the network: "so the POS terminals can query it"
    (
        r"\b(?:clients?|apps?|terminals|devices|tools|front-?ends?|services|partners|devs"
        r"|developers|robots|integrations) (?:can |will |could |should |would )?(?:call|query"
        r"|hit|poll|fetch from|talk to|connect to) (?:it|this|us)\b",
        _WEB,
        3,
    ),
    (r"\bexpos(?:e|es|ing)\b[^.;]{0,40}\b(?:over|via|through)\b|\bserver[- ]side\b", _WEB, 2.5),
    (r"\bjson (?:interface|over http)\b", _WEB, 2),
    (
        r"\b(?:drop|use|include|reuse|embed|vendor)\w* (?:it |this )?in(?:to)? (?:other|our|my"
        r"|their|any) (?:\w+ )?(?:projects?|code ?bases?|code|apps?|services)\b|\blib\b",
        _LIB,
        3,
    ),
    (
        r"\b(?:build|create|make|design|develop|want|need)\w* (?:me |us )?(?:an? |the |our |my )?"
        r"(?:[\w-]+ ){0,2}(?:web ?)?sites?\b",
        _APP,
        2.5,
    ),
    (r"\bstatic (?:html )?(?:web ?)?site generator\b", _CLI, 3),
    (
        r"\b(?:into|to|generat\w*|render\w*|produc\w*|outputs?) (?:an? |the )?static (?:html )?"
        r"(?:web ?)?(?:sites?|pages?|websites?)\b",
        _APP,
        -4,
    ),
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
    # "a library's books" is the institution; the software is never a possessor
    (r"\blibrar(?:y|ies)\b(?!'s)", _LIB, 4),
    (r"\blibrary (?:management|system|catalog|members|loans|app|api)", _LIB, -4),
    (r"\b(?:public|school|city|local|university) library\b", _LIB, -4),
    # a library that lends things, or one a town owns, is an institution
    (
        r"\b[\w-]+'s (?:[\w-]+ )?library\b|\blibrar(?:y|ies) (?:lends?|loans?|members?|patrons?"
        r"|borrowers?|cards?|staff|volunteers?|opening|branch\w*|building|visitors?)\b",
        _LIB,
        -4,
    ),
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
_USAGE = [(re.compile(p, re.IGNORECASE), t, w) for p, t, w in USAGE_CUES]

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
    used = blank_foreign_apis(cue_text(text))
    # what the software is, read without the programs that will use it; how it is used, with them
    kind = blank_consumers(used)
    for table, source in ((_COMPILED, kind), (_USAGE, used)):
        for regex, ptype, weight in table:
            hits = regex.findall(source)
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
