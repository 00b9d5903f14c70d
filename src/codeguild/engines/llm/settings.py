"""The LLM engine's configuration, read once from Settings (``CODEGUILD_LLM_*``)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from codeguild.config import Settings
from codeguild.engines.llm.errors import LLMConfigError
from codeguild.engines.llm.retry import RetryPolicy
from codeguild.engines.llm.usage import Prices

Role = Literal["intent", "plan", "code", "tests", "docs", "fix", "review"]
ROLES: tuple[str, ...] = ("intent", "plan", "code", "tests", "docs", "fix", "review")
#: local servers (Ollama, llama.cpp, LM Studio) accept any key, but the client needs one
PLACEHOLDER_KEY = "not-needed"


def is_configured(settings: Settings) -> bool:
    return bool(settings.llm_base_url and settings.llm_model)


@dataclass(frozen=True)
class LLMConfig:
    base_url: str
    model: str
    api_key: str = PLACEHOLDER_KEY
    role_models: Mapping[str, str] = field(default_factory=dict)
    temperature: float = 0.0
    max_output_tokens: int | None = None
    timeout_s: float = 120.0
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    repair_rounds: int = 1
    structured_output: Literal["json_schema", "json_object", "none"] = "json_schema"
    prices: Prices = field(default_factory=Prices)
    cache: bool = True
    cache_ttl_s: float = 7 * 24 * 3600.0

    def __post_init__(self) -> None:
        unknown = sorted(set(self.role_models) - set(ROLES))
        if unknown:
            raise LLMConfigError(
                f"Unknown role(s) in the per-role model overrides: {unknown}.",
                hint=f"Use the roles {', '.join(ROLES)} in CODEGUILD_LLM_ROLE_MODELS.",
            )

    def model_for(self, role: str) -> str:
        return self.role_models.get(role, self.model)

    @classmethod
    def from_settings(cls, settings: Settings) -> LLMConfig:
        if not is_configured(settings):
            raise LLMConfigError(
                "The LLM engine needs a server and a model.",
                hint="Set CODEGUILD_LLM_BASE_URL and CODEGUILD_LLM_MODEL (and "
                "CODEGUILD_LLM_API_KEY for hosted APIs), or use --engine builtin.",
            )
        assert settings.llm_base_url is not None and settings.llm_model is not None
        key = settings.llm_api_key.get_secret_value() if settings.llm_api_key else ""
        return cls(
            base_url=settings.llm_base_url,
            model=settings.llm_model,
            api_key=key or PLACEHOLDER_KEY,
            role_models=dict(settings.llm_role_models),
            temperature=settings.llm_temperature,
            max_output_tokens=settings.llm_max_output_tokens,
            timeout_s=settings.llm_timeout_s,
            retry=RetryPolicy(
                max_retries=settings.llm_max_retries,
                backoff_s=settings.llm_backoff_s,
                retry_after_max_s=settings.llm_retry_after_max_s,
            ),
            repair_rounds=settings.llm_repair_rounds,
            structured_output=settings.llm_structured_output,
            prices=Prices(settings.llm_price_input_per_1k, settings.llm_price_output_per_1k),
            cache=settings.llm_cache,
            cache_ttl_s=settings.llm_cache_ttl_s,
        )
