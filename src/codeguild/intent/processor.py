"""IntentProcessor: requirement text -> ProjectIntent, by rules only (no model, no network)."""

from __future__ import annotations

import logging
import re
import time

from codeguild.errors import IntentError
from codeguild.intent.classify import ASSUMPTION_THRESHOLD, score_project_type
from codeguild.intent.commands import extract_commands
from codeguild.intent.entities import extract_entities
from codeguild.intent.features import detect_auth, extract_features
from codeguild.intent.fields import default_fields
from codeguild.intent.guard import check_requirement
from codeguild.intent.inflect import pascal, plural
from codeguild.intent.lexicon import MANAGEMENT_VERBS, find_domains
from codeguild.intent.models import Entity, ProjectIntent, ProjectType
from codeguild.intent.naming import project_name, summary
from codeguild.intent.stack import extract_stack

log = logging.getLogger(__name__)

_TYPE_ALIASES = {
    "api": ProjectType.WEB_API,
    "web": ProjectType.WEB_API,
    "webapi": ProjectType.WEB_API,
    "rest": ProjectType.WEB_API,
    "cli": ProjectType.CLI_TOOL,
    "cli_tool": ProjectType.CLI_TOOL,
    "tool": ProjectType.CLI_TOOL,
    "lib": ProjectType.LIBRARY,
    "library": ProjectType.LIBRARY,
    "package": ProjectType.LIBRARY,
}
_DATA_SERVICE = re.compile(rf"\b(?:{MANAGEMENT_VERBS})\b|\bcrud\b|\bstores?\b|\bdatabase\b")
_TYPE_LABEL = {
    ProjectType.WEB_API: "web API",
    ProjectType.CLI_TOOL: "command line tool",
    ProjectType.LIBRARY: "library",
}


def coerce_project_type(value: ProjectType | str) -> ProjectType:
    """Accept a ProjectType or its name/alias ('web_api', 'web-api', 'cli', 'lib')."""
    if isinstance(value, ProjectType):
        return value
    key = str(value).strip().lower().replace("-", "_").replace(" ", "_")
    try:
        return ProjectType(key)
    except ValueError:
        if key in _TYPE_ALIASES:
            return _TYPE_ALIASES[key]
    choices = ", ".join(t.value for t in ProjectType)
    raise IntentError(
        f"Unknown project type {value!r}.", hint=f"Choose one of: {choices} (or leave it unset)."
    )


class IntentProcessor:
    """Turns a plain-language requirement into a ProjectIntent with every guess made explicit."""

    def process(self, text: str, project_type: ProjectType | str | None = None) -> ProjectIntent:
        started = time.perf_counter()
        cleaned = check_requirement(text)
        lower = cleaned.lower()
        assumptions: list[str] = []
        forced = coerce_project_type(project_type) if project_type is not None else None
        wants_auth = detect_auth(lower) is not None
        extraction = extract_entities(cleaned, auth=wants_auth)
        score = score_project_type(cleaned, describes_records=extraction.described > 0)
        if forced is not None:
            ptype, confidence = forced, 1.0
        elif score.project_type is None:
            data_service = bool(extraction.entities) and (
                extraction.described > 0 or wants_auth or bool(_DATA_SERVICE.search(lower))
            )
            ptype = ProjectType.WEB_API if data_service else ProjectType.LIBRARY
            confidence = 0.3
            reason = (
                "it describes data records to store and manage"
                if data_service
                else "it describes behaviour to reuse rather than a service or a command"
            )
            assumptions.append(
                f"No project type was named; assumed {_TYPE_LABEL[ptype]} because {reason}."
            )
        else:
            ptype, confidence = score.project_type, score.confidence
        if forced is None and score.project_type is not None and confidence < ASSUMPTION_THRESHOLD:
            runner_up = sorted(
                (t for t in ProjectType if t is not ptype), key=lambda t: -score.scores[t]
            )[0]
            cues = ", ".join(f"'{c}'" for c in score.cues[ptype][:3]) or "weak cues"
            assumptions.append(
                f"The project type is uncertain (confidence {confidence:.2f}); assumed "
                f"{_TYPE_LABEL[ptype]} from {cues} over {_TYPE_LABEL[runner_up]}. "
                "Pass the type explicitly to override."
            )
        if wants_auth and ptype is not ProjectType.WEB_API:
            extraction = extract_entities(cleaned, auth=False)
        entities = extraction.entities
        assumptions.extend(extraction.assumptions)
        if ptype is ProjectType.WEB_API and not entities:
            entities = [self._fallback_entity(lower)]
            assumptions.append(
                f"No data entities were named; the API manages one {entities[0].name} resource "
                f"with {', '.join(f.name for f in entities[0].fields)}."
            )
        field_words = frozenset(f.name for e in entities for f in e.fields)
        commands = extract_commands(cleaned, ptype, field_words)
        feature_set = extract_features(cleaned, ptype, entities, commands)
        stack = extract_stack(cleaned, ptype)
        assumptions.extend(stack.assumptions)
        domains = find_domains(cleaned)
        name = project_name(cleaned, ptype, entities, commands, domains)
        conf = {"project_type": round(confidence, 2)}
        if entities:
            conf["entities"] = round(0.4 + 0.5 * extraction.described / len(entities), 2)
        intent = ProjectIntent(
            requirement=cleaned,
            project_type=ptype,
            name=name,
            summary=summary(ptype, name, entities, commands, feature_set.auth is not None),
            entities=entities,
            features=feature_set.features,
            commands=commands,
            auth=feature_set.auth,
            domains=domains,
            tech_stack=stack.tech_stack,
            constraints=stack.constraints,
            assumptions=list(dict.fromkeys(assumptions)),
            confidence=conf,
        )
        log.info(
            "intent processed type=%s confidence=%.2f entities=%d commands=%d ms=%.1f",
            ptype.value,
            confidence,
            len(entities),
            len(commands),
            (time.perf_counter() - started) * 1000,
        )
        return intent

    @staticmethod
    def _fallback_entity(lower: str) -> Entity:
        m = re.search(
            r"\b(?:for|of|about|to manage|to track)\s+(?:an?|the|my|our)?\s*([a-z]+)\b", lower
        )
        word = m.group(1) if m else "item"
        from codeguild.intent.textutil import is_noun_candidate

        if not is_noun_candidate(word):
            word = "item"
        return Entity(name=pascal(word), plural=plural(word), fields=default_fields(word))
