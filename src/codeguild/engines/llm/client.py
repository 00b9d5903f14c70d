"""One model call, done properly: cache, budget, retries, streaming and token accounting.

Built on the official ``openai`` package pointed at any OpenAI-compatible ``base_url``; the
package's own retries are off because ours honour the budget and record every retry.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass
from typing import Any

import openai

from codeguild.engines.llm.budget import Budget
from codeguild.engines.llm.cache import CompletionCache
from codeguild.engines.llm.errors import LLMCallError
from codeguild.engines.llm.settings import LLMConfig
from codeguild.engines.llm.usage import (
    CallUsage,
    UsageLedger,
    estimate_prompt_tokens,
    estimate_tokens,
)
from codeguild.store.memory import SharedMemoryStore

log = logging.getLogger(__name__)

Messages = list[dict[str, Any]]


@dataclass(frozen=True)
class Completion:
    text: str
    usage: CallUsage
    cached: bool
    key: str
    role: str


class LLMClient:
    """Chat completions with an exact cache, a budget and bounded retries."""

    def __init__(
        self,
        config: LLMConfig,
        *,
        store: SharedMemoryStore | None = None,
        budget: Budget | None = None,
        ledger: UsageLedger | None = None,
    ) -> None:
        self.config = config
        self.budget = budget or Budget()
        self.ledger = ledger or UsageLedger(config.model, config.base_url, config.prices)
        self.cache = (
            CompletionCache(store, ttl_s=config.cache_ttl_s)
            if store is not None and config.cache
            else None
        )
        self._openai = openai.AsyncOpenAI(
            base_url=config.base_url,
            api_key=config.api_key,
            timeout=config.timeout_s,
            max_retries=0,
        )

    async def close(self) -> None:
        await self._openai.close()

    def _params(self, response_format: dict[str, Any] | None) -> dict[str, Any]:
        params: dict[str, Any] = {"temperature": self.config.temperature}
        if self.config.max_output_tokens is not None:
            params["max_tokens"] = self.config.max_output_tokens
        if response_format is not None:
            params["response_format"] = response_format
        return params

    async def complete(
        self,
        role: str,
        messages: Messages,
        *,
        stream: bool = False,
        response_format: dict[str, Any] | None = None,
        repair: bool = False,
    ) -> Completion:
        """One completion: from the cache, or from the server within budget and retries.

        The answer is not cached here: call :meth:`remember` once it proved usable.
        """
        model = self.config.model_for(role)
        params = self._params(response_format)
        key = CompletionCache.key(model, messages, params)
        if self.cache is not None:
            hit = await self.cache.get(key)
            if hit is not None:
                self.ledger.record_cache_hit(role)
                log.debug("llm cache hit role=%s key=%s", role, key[:12])
                return Completion(hit.text, hit.usage, True, key, role)
        self.budget.check(f"the {role} step")
        text, usage = await self._with_retries(role, model, messages, params, stream)
        cost = self.ledger.record_call(role, usage, repair=repair)
        self.budget.charge(usage.total_tokens, cost)
        if self.budget.exhausted:
            self.ledger.report.budget_exhausted = True
            self.ledger.report.stop_reason = f"budget reached ({self.budget.describe()})"
        return Completion(text, usage, False, key, role)

    async def remember(self, *completions: Completion) -> None:
        if self.cache is None:
            return
        for c in completions:
            if not c.cached:
                await self.cache.put(c.key, c.text, c.usage)

    async def _with_retries(
        self, role: str, model: str, messages: Messages, params: dict[str, Any], stream: bool
    ) -> tuple[str, CallUsage]:
        attempt = 0
        while True:
            started = time.perf_counter()
            try:
                if stream:
                    return await self._streamed(model, messages, params)
                return await self._whole(model, messages, params)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                attempt += 1
                delay = self.config.retry.delay(attempt, exc)
                if delay is None:
                    raise LLMCallError(
                        _describe(exc, model, self.config.base_url, attempt)
                    ) from exc
                self.ledger.record_retry()
                log.warning(
                    "llm retry role=%s attempt=%d error=%s after_ms=%.0f wait_s=%.2f",
                    role,
                    attempt,
                    type(exc).__name__,
                    (time.perf_counter() - started) * 1000,
                    delay,
                )
                await asyncio.sleep(delay)

    async def _whole(
        self, model: str, messages: Messages, params: dict[str, Any]
    ) -> tuple[str, CallUsage]:
        # typed loosely on purpose: messages and params are plain JSON for any compatible server
        create: Any = self._openai.chat.completions.create
        response = await create(model=model, messages=messages, stream=False, **params)
        text = (response.choices[0].message.content or "") if response.choices else ""
        return text, _usage(response.usage, messages, text)

    async def _streamed(
        self, model: str, messages: Messages, params: dict[str, Any]
    ) -> tuple[str, CallUsage]:
        create: Any = self._openai.chat.completions.create
        stream = await create(
            model=model,
            messages=messages,
            stream=True,
            stream_options={"include_usage": True},
            **params,
        )
        parts: list[str] = []
        reported = None
        async with stream:
            async for chunk in stream:
                if chunk.choices and chunk.choices[0].delta.content:
                    parts.append(chunk.choices[0].delta.content)
                if chunk.usage is not None:
                    reported = chunk.usage
        text = "".join(parts)
        return text, _usage(reported, messages, text)


def _usage(reported: Any, messages: Messages, text: str) -> CallUsage:
    prompt = getattr(reported, "prompt_tokens", None)
    completion = getattr(reported, "completion_tokens", None)
    if prompt is None or completion is None:
        return CallUsage(estimate_prompt_tokens(messages), estimate_tokens(text), estimated=True)
    return CallUsage(int(prompt), int(completion))


def _describe(exc: Exception, model: str, base_url: str, attempts: int) -> str:
    where = f"model {model!r} at {base_url}"
    tries = f"after {attempts} attempt(s)"
    if isinstance(exc, openai.APITimeoutError):
        return (
            f"The call to {where} timed out {tries}. "
            "Raise CODEGUILD_LLM_TIMEOUT_S or check the server."
        )
    if isinstance(exc, openai.APIConnectionError):
        return (
            f"Cannot reach {where} {tries}: {exc}. "
            "Check CODEGUILD_LLM_BASE_URL and that the server runs."
        )
    if isinstance(exc, openai.RateLimitError):
        return (
            f"{where} kept rate-limiting (HTTP 429) {tries}, or asked to wait longer than "
            "CODEGUILD_LLM_RETRY_AFTER_MAX_S. Wait, or raise your rate limit."
        )
    if isinstance(exc, openai.AuthenticationError | openai.PermissionDeniedError):
        return f"{where} refused the API key (HTTP {exc.status_code}). Check CODEGUILD_LLM_API_KEY."
    if isinstance(exc, openai.NotFoundError):
        return (
            f"{where} answered 404: is the model name right (CODEGUILD_LLM_MODEL) "
            "and does the URL end in /v1?"
        )
    if isinstance(exc, openai.APIStatusError):
        return f"{where} failed with HTTP {exc.status_code} {tries}: {exc.message}"
    return f"The call to {where} failed {tries}: {type(exc).__name__}: {exc}"
