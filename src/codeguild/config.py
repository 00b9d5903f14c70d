"""All settings in one place: environment variables prefixed ``CODEGUILD_``."""

from __future__ import annotations

from functools import cache

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="CODEGUILD_", extra="ignore")

    # durable state: None means the embedded defaults (a SQLite file under the user's data dir,
    # an in-process memory store)
    database_url: str | None = Field(None, description="SQLite or PostgreSQL URL")
    redis_url: str | None = Field(None, description="Redis URL for the shared memory store")
    persist: bool = Field(True, description="Record runs in the database (needed to resume)")

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


@cache
def get_settings() -> Settings:
    return Settings()
