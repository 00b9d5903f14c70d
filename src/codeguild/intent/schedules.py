"""How often the project runs, and the time by which a run must be done.

A frequency is the project's schedule when it qualifies a run: a sentence opening ("Every night
at 02:00, export ..."), an adverb ("refreshed hourly", "bring ... into the warehouse daily"), or
an adjective before a run noun ("a nightly job"). It is not one when it measures something ("a
daily sales chart", "the weekly class schedule", "nightly rate"), when someone else does the
thing ("the board asks for these figures every quarter", "Employees submit timesheets every
week"), or when the sentence describes how things are done today.
"""

from __future__ import annotations

import re

_DAYS = r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
_MONTH_DAY = r"(?:first|1st|last|\d{1,2}(?:st|nd|rd|th)|final)"
# (pattern, value template); group 1, when present, fills "{0}"
_PHRASES: list[tuple[str, str]] = [
    (r"\bevery (\d+) (?:minutes|mins|min)\b", "{0}min"),
    (r"\bevery (\d+) (?:hours|hrs|h)\b", "{0}h"),
    (r"\bevery (?:quarter[- ]hour|quarter of an hour)\b", "15min"),
    (r"\bevery half(?:[- ]an)?[- ]hour\b|\btwice an hour\b", "30min"),
    (r"\b(?:every|each) hour\b|\bonce an hour\b|\bon the hour\b", "hourly"),
    (
        r"\b(?:every|each) (?:day|night|morning|evening|weekday|working day|business day)\b"
        r"|\bonce a (?:day|night)\b|\bat midnight\b|\bon weekdays\b|\bweekdays at\b",
        "daily",
    ),
    (
        rf"\b(?:every|each) (?:week|weekend|{_DAYS})\b|\bonce a week\b|\b{_DAYS}s\b"
        rf"|\bon {_DAYS}s\b",
        "weekly",
    ),
    (
        rf"\b(?:every|each) month\b|\bonce a month\b|\b(?:on )?the {_MONTH_DAY}(?: day)? of "
        r"(?:every|each|the) month\b|\b(?:at the )?end of (?:every|each) month\b",
        "monthly",
    ),
    (r"\b(?:every|each) quarter\b|\bonce a quarter\b", "quarterly"),
    (r"\b(?:every|each) year\b|\bonce a year\b", "yearly"),
]
_ADJECTIVES = {
    "nightly": "daily",
    "daily": "daily",
    "hourly": "hourly",
    "weekly": "weekly",
    "monthly": "monthly",
    "quarterly": "quarterly",
}
# Nouns that name a run, so "<frequency> <noun>" is a schedule.
_RUN_NOUNS = re.compile(
    r"(?:jobs?|etl|elt|pipelines?|batch\w*|runs?|refresh\w*|sync\w*|exports?|imports?|loads?"
    r"|reports?|aggregat\w*|rollups?|snapshots?|summar(?:y|ies)|backups?|cron\w*|dags?|tasks?"
    r"|ingest\w*|extracts?|updates?|digests?|scrap\w*|crawl\w*|process\w*|workflows?)$"
)
# Words after a frequency that show it is an adverb, not an adjective before a noun.
_ADVERB_FOLLOWERS = re.compile(
    r"(?:at|from|into|to|and|or|on|in|via|with|by|for|using|through|so|then|it|we|the|a|an"
    r"|around|before|after|between|starting|during)$"
)
_STATUS_QUO = re.compile(
    r"^\W*(?:today|currently|right now|at the moment|at present|nowadays|until now|so far"
    r"|these days|at the minute)\b|\bused to\b|\bby hand\b|\bmanually\b"
)
# Someone other than the project is the subject of the clause with the frequency.
_AGENT = re.compile(
    r"(?:^|\b(?:the|our|each|every|their|my|all)\s+)(?:[a-z-]+\s+)?(?:teams?|employees?|staff"
    r"|users?|members?|customers?|vendors?|suppliers?|board|managers?|people|volunteers?"
    r"|clients?|partners?|providers?|students?|teachers?|patients?|parents?|visitors?"
    r"|accountants?|analysts?|auditors?)\s+(?:\w+ly\s+)?(?!is\b|are\b|was\b|were\b|has\b"
    r"|have\b|should\b|must\b|will\b|can\b|from\b|into\b|to\b|in\b|on\b|at\b|with\b|and\b"
    r"|or\b|of\b|for\b|by\b|via\b|table|data\b|records?\b|list)[a-z]+s?\b"
)

# "I go foraging every weekend": a person's habit; "we want it to run every night" is not one.
_PERSON = re.compile(
    r"^(?:i|we|he|she|they)\s+(?:\w+ly\s+)?(?!want|need|would|'d|expect|like|plan|run|execute"
    r"|trigger|schedule|kick|start|use|call|have|get|should|must|will|can)[a-z]+s?\b"
)
# The input comes in on its own clock: "readings land in an S3 bucket every 6 minutes".
_ARRIVAL = re.compile(
    r"\b(?:arriv\w*|land|lands|landing|dropped|delivered|uploaded|appear\w*|come in|comes in"
    r"|published|posted|sent)\b"
)


def _clause(lower: str, start: int) -> str:
    """The clause that holds position ``start``, up to it."""
    head = lower[:start]
    cut = max(head.rfind(c) for c in ".;:!?\n")
    return head[cut + 1 :]


def _sentence(lower: str, start: int) -> str:
    head = lower[:start]
    cut = max(head.rfind(c) for c in ".!?\n")
    return head[cut + 1 :]


def _counts(lower: str, start: int) -> bool:
    """Whether the frequency at ``start`` is how often the project runs."""
    if _STATUS_QUO.search(_sentence(lower, start)):
        return False
    clause = _clause(lower, start).strip()
    # an arrival verb opening the clause is an order to the project ("land the charges in
    # Snowflake every day"), not the input's own clock
    arrives = any(a.start() > 0 for a in _ARRIVAL.finditer(clause))
    return not (_AGENT.search(clause) or _PERSON.search(clause) or arrives)


def schedules(lower: str) -> list[str]:
    """Every schedule the text gives the project, in order of appearance."""
    found: list[tuple[int, str]] = []
    taken: list[tuple[int, int]] = []
    for pattern, template in _PHRASES:
        for m in re.finditer(pattern, lower):
            if _counts(lower, m.start()):
                found.append((m.start(), template.format(*m.groups())))
            taken.append((m.start(), m.end()))
    for m in re.finditer(r"\b(nightly|daily|hourly|weekly|monthly|quarterly)\b", lower):
        if any(a <= m.start() < b for a, b in taken):
            continue
        after = re.match(r"\s*([a-z-]+)", lower[m.end() :])
        # an adjective before a noun that is not a run measures something ("nightly rate")
        word = after.group(1) if after else ""
        if word and not _RUN_NOUNS.match(word) and not _ADVERB_FOLLOWERS.match(word):
            continue
        if _counts(lower, m.start()):
            found.append((m.start(), _ADJECTIVES[m.group(1)]))
    return list(dict.fromkeys(value for _, value in sorted(found)))


_TIME = r"(\d{1,2})(?:[:.h](\d{2}))?\s*(am|pm|a\.m\.|p\.m\.)?"
_DEADLINE = re.compile(
    rf"\b(?:before|by|no later than|not later than|latest by|at the latest by)\s+{_TIME}(?!\s*%)"
)


def deadlines(lower: str) -> list[str]:
    """Clock times a run has to be finished by ("finished before 06:00" -> '06:00')."""
    found: list[str] = []
    for m in _DEADLINE.finditer(lower):
        hour, minute, half = int(m.group(1)), m.group(2), m.group(3)
        if minute is None and half is None:
            continue  # "by 2" is not a time
        if _ARRIVAL.search(_clause(lower, m.start())):
            continue  # when the input comes in, not when the output is due
        if half and half.startswith("p") and hour < 12:
            hour += 12
        if half and half.startswith("a") and hour == 12:
            hour = 0
        if hour > 23:
            continue
        found.append(f"{hour:02d}:{minute or '00'}")
    return list(dict.fromkeys(found))
