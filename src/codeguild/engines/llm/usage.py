"""Token accounting per call and per run: usage from the server, estimated when it is absent."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, Field

# ~4 characters per token holds for English prose and code within ~20% on BPE tokenizers; an
# estimate is only used when the server sends no usage, and is flagged as such
_CHARS_PER_TOKEN = 4
_TOKENS_PER_MESSAGE = 4


def estimate_tokens(text: str) -> int:
    return math.ceil(len(text) / _CHARS_PER_TOKEN) if text else 0


def estimate_prompt_tokens(messages: Sequence[dict[str, Any]]) -> int:
    return sum(_TOKENS_PER_MESSAGE + estimate_tokens(str(m.get("content") or "")) for m in messages)


@dataclass(frozen=True)
class CallUsage:
    """Tokens of one completion; ``estimated`` when the server did not report them."""

    prompt_tokens: int
    completion_tokens: int
    estimated: bool = False

    @property
    def total_tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens

    def as_dict(self) -> dict[str, Any]:
        return {
            "prompt_tokens": self.prompt_tokens,
            "completion_tokens": self.completion_tokens,
            "estimated": self.estimated,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CallUsage:
        return cls(
            int(data.get("prompt_tokens", 0)),
            int(data.get("completion_tokens", 0)),
            bool(data.get("estimated", False)),
        )


@dataclass(frozen=True)
class Prices:
    """Money per 1,000 tokens, in the currency the user prices in (reported as ``cost``)."""

    input_per_1k: float = 0.0
    output_per_1k: float = 0.0

    def cost(self, usage: CallUsage) -> float:
        return (
            usage.prompt_tokens * self.input_per_1k + usage.completion_tokens * self.output_per_1k
        ) / 1000


class RoleUsage(BaseModel):
    calls: int = 0
    cache_hits: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost: float = 0.0


class UsageReport(BaseModel):
    """What the model calls of a run cost; ``as_dict()`` goes into the run report as ``llm``."""

    model: str
    base_url: str
    calls: int = Field(0, description="HTTP calls that returned a completion")
    cache_hits: int = Field(0, description="Completions answered from the cache (no call)")
    retries: int = Field(0, description="Failed attempts that were retried")
    repairs: int = Field(0, description="Extra calls made to repair invalid output")
    estimated_calls: int = Field(0, description="Calls whose usage the server did not report")
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost: float = 0.0
    budget: dict[str, float] | None = None
    budget_exhausted: bool = False
    stop_reason: str | None = None
    by_role: dict[str, RoleUsage] = Field(default_factory=dict)

    @property
    def total_tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens

    def as_dict(self) -> dict[str, Any]:
        data = self.model_dump(mode="json")
        data["total_tokens"] = self.total_tokens
        data["cost"] = round(self.cost, 6)
        return data


class UsageLedger:
    """Running totals of one engine; every call and cache hit is recorded here."""

    def __init__(self, model: str, base_url: str, prices: Prices) -> None:
        self.prices = prices
        self.report = UsageReport(model=model, base_url=base_url)

    def _role(self, role: str) -> RoleUsage:
        return self.report.by_role.setdefault(role, RoleUsage())

    def record_call(self, role: str, usage: CallUsage, *, repair: bool = False) -> float:
        cost = self.prices.cost(usage)
        r = self.report
        r.calls += 1
        r.repairs += int(repair)
        r.estimated_calls += int(usage.estimated)
        r.prompt_tokens += usage.prompt_tokens
        r.completion_tokens += usage.completion_tokens
        r.cost += cost
        role_usage = self._role(role)
        role_usage.calls += 1
        role_usage.prompt_tokens += usage.prompt_tokens
        role_usage.completion_tokens += usage.completion_tokens
        role_usage.cost += cost
        return cost

    def record_cache_hit(self, role: str) -> None:
        self.report.cache_hits += 1
        self._role(role).cache_hits += 1

    def record_retry(self) -> None:
        self.report.retries += 1
