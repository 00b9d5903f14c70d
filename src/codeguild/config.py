"""All settings in one place: environment variables prefixed ``CODEGUILD_``."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

#: the shipped JWT signing key: fine on a laptop, refused in production mode
DEFAULT_JWT_SECRET = "codeguild-insecure-default-signing-key-change-me"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="CODEGUILD_", extra="ignore")

    # durable state: None means the embedded defaults (a SQLite file under the user's data dir,
    # an in-process memory store)
    database_url: str | None = Field(None, description="SQLite or PostgreSQL URL")
    redis_url: str | None = Field(None, description="Redis URL for the shared memory store")
    persist: bool = Field(True, description="Record runs in the database (needed to resume)")
    result_cache_ttl_s: float = Field(
        3600.0, gt=0, description="How long check results are reused for identical projects"
    )

    # limits on the requirement text
    max_requirement_chars: int = Field(20_000, ge=100)

    # sandboxed test run of the generated project
    sandbox_cpu_s: int = Field(120, ge=1, description="CPU seconds for a sandboxed run")
    sandbox_memory_mb: int = Field(2048, ge=128, description="Memory limit (MB)")
    sandbox_wall_s: float = Field(180.0, gt=0, description="Wall-clock limit of a sandboxed run")
    sandbox_nproc: int = Field(128, ge=8, description="Process limit inside the sandbox")

    # quality thresholds
    max_complexity: int = Field(10, ge=1, description="Highest cyclomatic complexity per function")
    fix_rounds: int = Field(1, ge=0, le=5, description="Coder fix rounds after a failed check")

    # scheduling
    task_timeout_s: float = Field(300.0, gt=0)
    task_retries: int = Field(1, ge=0, le=5, description="Retries of a task that raised an error")
    max_parallel_tasks: int | None = Field(
        None, ge=1, description="Cap on tasks running at once (default: the agents' capacity)"
    )

    # the LLM engine: any OpenAI-compatible chat-completions server (OpenAI, vLLM, Ollama, ...)
    llm_base_url: str | None = Field(
        None, description="Base URL of the chat-completions server, e.g. .../v1"
    )
    llm_model: str | None = Field(None, description="Model name the server knows")
    llm_api_key: SecretStr | None = Field(
        None, description="API key (local servers usually accept any value)"
    )
    llm_role_models: dict[str, str] = Field(
        default_factory=dict,
        description='Per-role model overrides as JSON, e.g. {"docs": "small-model"}; roles: '
        "intent, plan, code, tests, docs, fix",
    )
    llm_temperature: float = Field(0.0, ge=0.0, le=2.0)
    llm_max_output_tokens: int | None = Field(None, ge=1, description="Cap per completion")
    llm_timeout_s: float = Field(120.0, gt=0, description="Timeout of one HTTP call")
    llm_max_retries: int = Field(3, ge=0, le=10, description="Retries on 429, 5xx and timeouts")
    llm_backoff_s: float = Field(0.5, ge=0, description="First retry delay (doubles, jittered)")
    llm_retry_after_max_s: float = Field(
        60.0, ge=0, description="Longest Retry-After honoured; longer waits fail the call"
    )
    llm_repair_rounds: int = Field(
        1, ge=0, le=5, description="Rounds to repair invalid structured output or code"
    )
    llm_structured_output: Literal["json_schema", "json_object", "none"] = Field(
        "json_schema", description="How JSON answers are requested from the server"
    )
    llm_price_input_per_1k: float = Field(0.0, ge=0, description="Price per 1k prompt tokens")
    llm_price_output_per_1k: float = Field(0.0, ge=0, description="Price per 1k completion tokens")
    llm_budget: str | None = Field(
        None, description="Default per-run budget: tokens ('200000') or money ('$0.50')"
    )
    llm_cache: bool = Field(True, description="Cache completions in the shared memory store")
    llm_cache_ttl_s: float = Field(7 * 24 * 3600.0, gt=0, description="Completion cache TTL")

    # the REST API and web page (``codeguild serve``)
    api_host: str = Field("127.0.0.1", description="Interface the API listens on")
    api_port: int = Field(8000, ge=1, le=65535, description="Port the API listens on")
    production: bool = Field(
        False, description="Production mode: refuse to start with an insecure JWT signing key"
    )
    jwt_secret: str = Field(
        DEFAULT_JWT_SECRET, description="Signing key of the API's JWTs (set it in production)"
    )
    token_expiry_s: int = Field(3600, ge=10, description="Lifetime of an access token (seconds)")
    data_dir: Path | None = Field(
        None, description="Where the API writes generated projects (default: the user data dir)"
    )
    max_request_bytes: int = Field(1_000_000, ge=1024, description="Largest request body")
    generate_burst: int = Field(5, ge=1, description="Generations a user may start back to back")
    generate_per_minute: float = Field(
        10.0, gt=0, description="Sustained generations per user per minute (token bucket refill)"
    )
    max_concurrent_generations: int = Field(
        4, ge=1, description="Generations running at once in one API process"
    )


@cache
def get_settings() -> Settings:
    return Settings()
