"""The requirement as the type classifier should read it: typos in cue words fixed, negated and
in-passing mentions of other kinds of software blanked out.

"A CLI that calls the GitHub REST API" asks for a CLI: the API is something it talks to, not
something to build. "Not a website, just a JSON backend" asks for a backend. Blanking such spans
(instead of teaching every cue about them) keeps the cue table a plain list of evidence.
"""

from __future__ import annotations

import re
from functools import lru_cache

# Words whose misspelling would hide a project type ("comand line utilty", "restful servce").
CUE_WORDS = (
    "command",
    "utility",
    "library",
    "libraries",
    "package",
    "module",
    "pipeline",
    "endpoint",
    "endpoints",
    "service",
    "terminal",
    "console",
    "dashboard",
    "website",
    "browser",
    "frontend",
    "backend",
    "script",
    "function",
    "functions",
    "application",
    "restful",
    "microservice",
    "scheduled",
    "nightly",
    "warehouse",
)
_CUE_SET = frozenset(CUE_WORDS)
_TOKEN = re.compile(r"[a-z]{5,}")

# A negator and the few words it governs, up to punctuation: "not a website", "no UI needed".
_NEGATED = re.compile(
    r"\b(?:not|no|never|without|rather than|instead of|isn'?t|aren'?t|doesn'?t need|don'?t need"
    r"|won'?t be)\s+(?:(?:an?|the|any|need|needs|be|just|only)\s+)*[\w./+-]+(?:\s+[\w./+-]+)?"
    r"(?=\s*(?:[,.;:!?()]|$|\s(?:but|just|only|so|and)\b))",
    re.IGNORECASE,
)
# A word of a name, dots only inside it ("next.js"): "agency." ends a sentence, and the phrase.
_NAME_WORD = r"[\w-]+(?:\.[\w-]+)*"
# A verb of using something that exists, then the thing used: the API, site or database there.
_USES = (
    r"(?:calls?|calling|talks? to|talking to|wraps?|wrapping|wrappers? (?:for|around)|consum(?:e|es"
    r"|ing)|quer(?:y|ies|ying)|hits?|hitting|client (?:library |lib |package |module )?for"
    r"|sdk for|integrat(?:e|es|ing) with|fetch(?:es|ing)? (?:\w+ )?from|pulls? (?:\w+ )?from"
    r"|pulling (?:\w+ )?from|reads? (?:\w+ )?from|posts? (?:\w+ )?to|sends? (?:\w+ )?to"
    r"|fetch(?:es|ing)? (?:[\w']+ ){1,4}from|pulls? (?:[\w']+ ){1,4}from"
    r"|against|through|via)"
)
_IN_PASSING = re.compile(
    # "through an API" is the thing to build; "through the Stripe API" one that exists
    rf"\b{_USES}\s+(?!an?\s)((?:(?:the|our|their|my|its|existing|internal|external|public"
    rf"|third[- ]party|remote)\s+)*(?:{_NAME_WORD}\s+){{0,2}}"
    r"(?:rest(?:ful)?\s+|http\s+|web\s+|graphql\s+|json\s+)?(?:apis?|endpoints?|services?))\b",
    re.IGNORECASE,
)
# The code that will use the project, not the project: "from our Django views", "in my Flask app".
_CONSUMER = re.compile(
    rf"\b(?:from|in|into|inside|by|within) (?:our|my|their|your) (?:existing |own )?{_NAME_WORD} "
    r"(?:views?|apps?|projects?|code ?base|code|services?|backend|handlers?)\b",
    re.IGNORECASE,
)
# The client that will call the project, not the project: "behind our React frontend", "that
# our frontend team can build against".
_CLIENT = re.compile(
    r"\b(?:for|by|from|behind|powering|serving) (?:our|their|the|an?|my) (?:existing |new )?"
    rf"(?:{_NAME_WORD} ){{0,2}}(?:front-?ends?|mobile apps?|ios apps?|android apps?|clients?)\b"
    rf"|\b(?:our|their|the) (?:{_NAME_WORD} ){{0,2}}front-?end (?:team|devs|developers)\b",
    re.IGNORECASE,
)
# Where a program runs, not what it is: "on my server", "to our web server".
_LOCATION = re.compile(
    r"\b(?:on|to|onto) (?:my|our|the|a|their|your) (?:own |linux |home |remote |web |build )?"
    r"servers?\b",
    re.IGNORECASE,
)


def _one_edit(a: str, b: str) -> bool:
    """Whether ``a`` becomes ``b`` by one insertion, deletion, substitution or transposition."""
    if abs(len(a) - len(b)) > 1 or a == b:
        return False
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        if len(diff) == 1:
            return True
        i, j = diff[0], diff[-1]
        return len(diff) == 2 and j == i + 1 and a[i] == b[j] and a[j] == b[i]
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    i = 0
    while i < len(short) and short[i] == long_[i]:
        i += 1
    return short[i:] == long_[i + 1 :]


@lru_cache(maxsize=4096)
def corrected(word: str) -> str:
    """The cue word ``word`` misspells, or ``word`` itself."""
    if word in _CUE_SET or len(word) < 5 or word[:-1] in _CUE_SET or word[:-2] in _CUE_SET:
        return word  # the word or an inflection of it
    for cue in CUE_WORDS:
        # a typo rarely hits the first letter; checking it first keeps this cheap
        if cue[0] == word[0] and _one_edit(word, cue):
            return cue
    return word


def fix_cue_typos(text: str) -> str:
    """``text`` (lower case) with misspelt cue words replaced by their spelling."""
    return _TOKEN.sub(lambda m: corrected(m.group(0)), text)


def _blank(m: re.Match[str]) -> str:
    return " " * len(m.group(0))


def _blank_object(m: re.Match[str]) -> str:
    """Keep the verb ("client library for"), blank what it uses ("our billing HTTP API")."""
    whole, obj = m.group(0), m.group(1)
    return whole[: len(whole) - len(obj)] + " " * len(obj)


def cue_text(text: str) -> str:
    """Lower-cased ``text`` prepared for cue scoring."""
    lower = fix_cue_typos(text.lower())
    lower = _NEGATED.sub(_blank, lower)
    lower = _IN_PASSING.sub(_blank_object, lower)
    lower = _CONSUMER.sub(_blank, lower)
    lower = _CLIENT.sub(_blank, lower)
    return _LOCATION.sub(_blank, lower)


def uses_remote_service(text: str) -> bool:
    """Whether ``text`` has the software use an API or service that exists elsewhere."""
    return _IN_PASSING.search(text) is not None
