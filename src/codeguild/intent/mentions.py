"""Software the requirement mentions without asking for it: another system's API, and the
programs that will use the project.

"asks our LIMS (over its REST API)" names an API that exists; "a package our Django and Flask
services both import" names the services that import the package. Either way the kind of software
named is not the kind to build, so the classifier reads the text with those noun phrases blanked.
Who uses the project still matters (services importing it make it a library), so the usage cues
read the text before the consumers are blanked.
"""

from __future__ import annotations

import re

# An API that belongs to someone else: "its REST API", "their endpoints", "the LIMS's API".
_OWNED_API = re.compile(
    r"\b(?:its|his|her|their|[\w-]+'s|[\w-]+s')\s+((?:own\s+)?(?:[\w.-]+\s+){0,2}?"
    r"(?:(?:rest(?:ful)?|http|web|graphql|json|public|private|internal)\s+)*"
    r"(?:apis?|endpoints?|web ?services?|webhooks?))\b",
    re.IGNORECASE,
)
# Kinds of software that, as the subject of a verb of using, are the project's users.
_SOFTWARE = (
    r"(?:apps?|applications?|services|microservices|sites|websites|web ?apps?|front-?ends?"
    r"|back-?ends?|scripts|tools|clis?|pipelines|jobs|notebooks?|programs|projects"
    r"|code ?bases?|systems|views|handlers|bots|dashboards?|storefronts?|portals?)"
)
_USING = (
    r"(?:import|imports|embed|embeds|call|calls|consume|consumes|depend on|depends on|query"
    r"|queries|fetch|fetches|pull|pulls|poll|polls|hit|hits|talk to|talks to|connect to"
    r"|connects to|send|sends|post|posts|push|pushes|share|rely on|relies on|read from"
    r"|reads from|build against|will use|can use|use it|uses it)"
)
_CONSUMER = re.compile(
    r"\b(?:my|our|their|your|other|partner|existing|these|those|[\w-]+'s)\s+"
    rf"(?:[\w.+-]+\s+(?:and\s+[\w.+-]+\s+)?){{0,3}}?{_SOFTWARE}"
    r"(?=\s+(?:(?:also|both|all|then|directly|easily|already|just|only)\s+)?"
    r"(?:(?:can|could|will|would|should|must|may|both|all|also|then|need to|needs to)\s+)?"
    rf"{_USING}\b)",
    re.IGNORECASE,
)


def _blank(m: re.Match[str]) -> str:
    return " " * len(m.group(0))


def _blank_owned(m: re.Match[str]) -> str:
    """Keep the owner ("the LIMS's"), blank what it owns ("REST API")."""
    whole, owned = m.group(0), m.group(1)
    return whole[: len(whole) - len(owned)] + " " * len(owned)


def blank_foreign_apis(text: str) -> str:
    """``text`` without the APIs that belong to another system."""
    return _OWNED_API.sub(_blank_owned, text)


def blank_consumers(text: str) -> str:
    """``text`` without the programs named as the project's users; their verbs stay."""
    return _CONSUMER.sub(_blank, text)
