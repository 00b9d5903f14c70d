"""IntentProcessor: requirement text -> ProjectIntent, by rules only (no model, no network)."""

from __future__ import annotations

import logging
import re
import time
from typing import Any

from codeguild.config import Settings, get_settings
from codeguild.errors import IntentError
from codeguild.intent import embeddings, zeroshot
from codeguild.intent.category import decide_type
from codeguild.intent.classify import score_project_type
from codeguild.intent.commands import extract_commands
from codeguild.intent.cuetext import uses_remote_service
from codeguild.intent.entities import extract_entities
from codeguild.intent.features import detect_auth, extract_features
from codeguild.intent.fields import default_fields
from codeguild.intent.guard import check_requirement
from codeguild.intent.inflect import pascal, plural
from codeguild.intent.lexicon import MANAGEMENT_VERBS, find_domains
from codeguild.intent.models import (
    Classification,
    Entity,
    EntityRole,
    ProjectCategory,
    ProjectIntent,
    ProjectType,
)
from codeguild.intent.naming import project_name, summary
from codeguild.intent.safety import escape_intent, escape_text
from codeguild.intent.similar import SimilarRequestCache
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
_SHARED_CACHE: SimilarRequestCache | None = None


def shared_cache(settings: Settings) -> SimilarRequestCache:
    """The process-wide similar-request cache, sized by the current settings."""
    global _SHARED_CACHE
    if _SHARED_CACHE is None:
        _SHARED_CACHE = SimilarRequestCache(0, 1.0)
    _SHARED_CACHE.capacity = settings.intent_cache_size
    _SHARED_CACHE.threshold = settings.intent_cache_threshold
    return _SHARED_CACHE


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


# categories whose projects may act on records kept elsewhere rather than store them
_PROGRAMS = frozenset({ProjectCategory.CLI_TOOL, ProjectCategory.LIBRARY})
#: what the entities of a project that keeps no records of its own are (see Entity.role)
_ENTITY_ROLES: dict[ProjectCategory, EntityRole] = {
    ProjectCategory.LIBRARY: "type",
    ProjectCategory.DATA_PIPELINE: "data",
}


class IntentProcessor:
    """Turns a plain-language requirement into a ProjectIntent with every guess made explicit.

    The project category comes from keyword scores, blended with zero-shot sentence embeddings
    when the nlp extra is installed (``CODEGUILD_INTENT_CLASSIFIER``): always in ``embedding``
    mode, and in ``auto`` mode ("gated") only when the keywords do not decide the category, so a
    process whose requirements are all clear never loads the model. Near-duplicates of earlier
    requirements reuse their intent from a process-wide cache; it compares embeddings in
    ``embedding`` mode only, so that it never loads the model by itself.
    """

    def __init__(
        self, settings: Settings | None = None, *, cache: SimilarRequestCache | None = None
    ) -> None:
        settings = settings or get_settings()
        self.threshold = settings.intent_confidence_threshold
        self.unsupported = settings.intent_unsupported
        mode = settings.intent_classifier
        if mode == "embedding" and not embeddings.available():
            raise embeddings.EmbeddingUnavailableError(
                "CODEGUILD_INTENT_CLASSIFIER=embedding needs the nlp extra; it is not installed.",
                hint="Install it (pip install 'codeguild[nlp]') or use 'auto' or 'keywords'.",
            )
        self.use_embeddings = mode == "embedding" or (mode == "auto" and embeddings.available())
        self.mode: str = (
            "embedding" if mode == "embedding" else "gated" if self.use_embeddings else "keywords"
        )
        embeddings.set_threads(settings.intent_torch_threads)
        self.cache = cache if cache is not None else shared_cache(settings)

    @property
    def method(self) -> str:
        return "embedding+keywords" if self.use_embeddings else "keywords"

    def _embed(self, cleaned: str) -> Any:
        if not self.use_embeddings:
            return None
        try:
            return zeroshot.embed(cleaned)
        except embeddings.EmbeddingUnavailableError as exc:
            # auto mode degrades to keywords for the rest of the process, loudly
            log.warning("embedding classifier unavailable, using keywords: %s", exc)
            self.use_embeddings = False
            self.mode = "keywords"
            return None

    def process(self, text: str, project_type: ProjectType | str | None = None) -> ProjectIntent:
        started = time.perf_counter()
        cleaned = check_requirement(text)
        forced = coerce_project_type(project_type) if project_type is not None else None
        # only the always-embedding mode compares requests by embedding: elsewhere the token
        # cosine does, so a near-duplicate of a clear requirement never loads the model
        vector = self._embed(cleaned) if self.mode == "embedding" else None
        scope = f"{forced or 'detect'}:{self.mode}"
        cached = self.cache.lookup(escape_text(cleaned), scope, vector)
        if cached is not None:
            log.info(
                "intent reused from a similar request similarity=%.3f ms=%.1f",
                cached.similar_request.similarity if cached.similar_request else 0.0,
                (time.perf_counter() - started) * 1000,
            )
            return cached
        intent = escape_intent(self._extract(cleaned, forced, vector))
        self.cache.store(intent.requirement, scope, intent, vector)
        log.info(
            "intent processed type=%s category=%s confidence=%.2f entities=%d commands=%d ms=%.1f",
            intent.project_type.value,
            intent.classification.category.value if intent.classification else "",
            intent.confidence.get("project_type", 0.0),
            len(intent.entities),
            len(intent.commands),
            (time.perf_counter() - started) * 1000,
        )
        return intent

    def _extract(self, cleaned: str, forced: ProjectType | None, vector: Any) -> ProjectIntent:
        lower = cleaned.lower()
        wants_auth = detect_auth(lower) is not None
        extraction = extract_entities(cleaned, auth=wants_auth)
        describes_records = extraction.described > 0
        score = score_project_type(cleaned, describes_records=describes_records)
        if (
            vector is None
            and self.mode == "gated"
            and forced is None
            and not zeroshot.keywords_decide(score)
        ):
            vector = self._embed(cleaned)
        decision = zeroshot.classify(
            cleaned, describes_records=describes_records, vector=vector, score=score
        )
        has_data = bool(extraction.entities) and (
            extraction.described > 0 or wants_auth or bool(_DATA_SERVICE.search(lower))
        )
        typing = decide_type(decision, forced, has_data, self.threshold, self.unsupported)
        ptype = typing.project_type
        assumptions = list(typing.assumptions)
        if wants_auth and ptype is not ProjectType.WEB_API:
            extraction = extract_entities(cleaned, auth=False)
        if typing.category is ProjectCategory.DATA_PIPELINE or (
            typing.category in _PROGRAMS and uses_remote_service(lower)
        ):
            # "a CLI that creates users through our API": the users live elsewhere
            extraction = extraction.kept_by_a_program()
        entities = extraction.entities
        role = _ENTITY_ROLES.get(typing.category)
        if role is not None:  # described shapes still feed the engine; nothing is stored
            entities = [e.model_copy(update={"role": role}) for e in entities]
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
        conf = {"project_type": round(typing.confidence, 2)}
        if entities:
            conf["entities"] = round(0.4 + 0.5 * extraction.described / len(entities), 2)
        return ProjectIntent(
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
            classification=Classification(
                category=typing.category,
                method="forced" if forced is not None else decision.method,  # type: ignore[arg-type]
                scores={c.value: round(v, 3) for c, v in decision.scores.items()},
                model_consulted=decision.model_consulted,
            ),
        )

    @staticmethod
    def _fallback_entity(lower: str) -> Entity:
        m = re.search(
            r"\b(?:for|of|about|to manage|to track)\s+(?:an?|the|my|our)?\s*([a-z]+)\b", lower
        )
        word = m.group(1) if m else "item"
        from codeguild.intent.textutil import is_noun_candidate

        if not is_noun_candidate(word):
            word = "item"
        return Entity(
            name=pascal(word), plural=plural(word), fields=default_fields(word), assumed=True
        )
