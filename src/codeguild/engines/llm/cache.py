"""The exact completion cache: answers keyed by (model, messages, params), with a TTL."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from codeguild.engines.llm.usage import CallUsage
from codeguild.store.memory import ResultCache, SharedMemoryStore, input_hash

log = logging.getLogger(__name__)

#: bump when the cached value's shape changes, so old entries are never misread
CACHE_VERSION = 1


@dataclass(frozen=True)
class CachedCompletion:
    text: str
    usage: CallUsage


class CompletionCache:
    """Completions in a SharedMemoryStore (in-process or Redis, so replicas share answers).

    Only answers that passed validation are stored; a bad answer is never replayed.
    """

    def __init__(self, store: SharedMemoryStore, *, ttl_s: float) -> None:
        self._cache = ResultCache(store, ttl_s=ttl_s, prefix="llm-completion", single_flight=False)

    @staticmethod
    def key(model: str, messages: list[dict[str, Any]], params: dict[str, Any]) -> str:
        return input_hash(CACHE_VERSION, model, messages, params)

    async def get(self, key: str) -> CachedCompletion | None:
        found, value = await self._cache.lookup(key)
        if not found:
            return None
        try:
            return CachedCompletion(value["text"], CallUsage.from_dict(value["usage"]))
        except (KeyError, TypeError):
            log.warning("llm cache entry unreadable key=%s; ignoring it", key[:12])
            return None

    async def put(self, key: str, text: str, usage: CallUsage) -> None:
        await self._cache.put(key, {"text": text, "usage": usage.as_dict()})
