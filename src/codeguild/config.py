"""All settings in one place: environment variables prefixed ``CODEGUILD_``."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

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

    # the intent processor
    intent_classifier: Literal["auto", "embedding", "keywords"] = Field(
        "auto",
        description="Project-type classifier: embedding (needs the nlp extra), keywords, or auto "
        "(embedding when the extra is installed)",
    )
    intent_confidence_threshold: float = Field(
        0.6, ge=0.0, le=1.0, description="Below this confidence the type becomes an assumption"
    )
    intent_unsupported: Literal["nearest", "error"] = Field(
        "nearest",
        description="A web_app or data_pipeline request: build the nearest buildable type "
        "(recorded as an assumption) or stop with an error",
    )
    intent_torch_threads: int = Field(
        1, ge=1, le=64, description="Torch threads of the embedding model (one is fastest here)"
    )
    intent_cache_size: int = Field(
        256, ge=0, description="Intents kept for similar requests (0 turns the cache off)"
    )
    intent_cache_threshold: float = Field(
        0.9, ge=0.5, le=1.0, description="Similarity from which a request reuses a stored intent"
    )

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
    api_access_log: bool = Field(
        False, description="Log one line per API request (off: it costs ~10% of a fast request)"
    )

    # orchestrator replicas: several `codeguild serve` processes share one database; each run is
    # leased to the process running it, and a run whose owner died is resumed by another
    replica_id: str | None = Field(
        None, description="This serve process's name in run leases (default: host-pid-random)"
    )
    run_lease_s: float = Field(
        30.0, gt=0, description="Lease on a running run; another replica resumes it after this"
    )
    run_lease_renew_s: float | None = Field(
        None, gt=0, description="How often the lease is renewed (default: a third of the lease)"
    )
    recovery: bool = Field(True, description="Resume runs whose owner's lease expired")
    recovery_interval_s: float = Field(
        5.0, gt=0, description="How often a serve process looks for runs to take over"
    )

    # agents as gRPC workers (``codeguild worker``) and the orchestrator's gRPC server
    grpc_host: str = Field("127.0.0.1", description="Interface the orchestrator's gRPC listens on")
    grpc_port: int = Field(50051, ge=1, le=65535, description="Port of the orchestrator's gRPC")
    grpc_serve: bool = Field(True, description="`codeguild serve` also serves gRPC for workers")
    grpc_tls_cert: Path | None = Field(None, description="PEM certificate of this side (TLS)")
    grpc_tls_key: Path | None = Field(None, description="PEM private key of grpc_tls_cert")
    grpc_tls_ca: Path | None = Field(
        None, description="PEM CA that signed the other side's certificate (mutual TLS on servers)"
    )
    grpc_max_message_mb: int = Field(
        64, ge=1, le=2047, description="Largest gRPC message (a task carries the project's files)"
    )
    grpc_keepalive_s: float = Field(20.0, gt=0, description="gRPC keepalive ping interval")
    grpc_call_timeout_s: float = Field(
        10.0, gt=0, description="Deadline of register/heartbeat and other short calls"
    )
    grpc_retry_attempts: int = Field(
        4, ge=1, le=20, description="Tries of a call that fails with UNAVAILABLE"
    )
    grpc_retry_backoff_s: float = Field(0.1, ge=0, description="First retry delay (doubles)")
    grpc_retry_max_backoff_s: float = Field(5.0, gt=0, description="Longest retry delay")
    grpc_heartbeat_s: float = Field(2.0, gt=0, description="Worker heartbeat interval")
    grpc_heartbeat_timeout_s: float = Field(
        6.0, gt=0, description="Silence after which a worker's agents are unhealthy"
    )
    remote_roles: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="Roles whose tasks must go to workers, e.g. tester,reviewer (comma-separated)",
    )
    remote_scratch_dir: Path | None = Field(
        None,
        description="Where a worker copies each task's project (default: the system temp dir; "
        "a tmpfs such as /dev/shm makes small tasks much faster)",
    )
    remote_wait_s: float = Field(
        60.0, gt=0, description="How long a run waits for workers of the remote roles"
    )

    @field_validator("remote_roles", mode="before")
    @classmethod
    def _split_roles(cls, value: object) -> object:
        if isinstance(value, str):
            return [r.strip() for r in value.split(",") if r.strip()]
        return value


@cache
def get_settings() -> Settings:
    return Settings()
