"""Typed request and response bodies of the API (they are also its OpenAPI schema)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from codeguild.intent.models import ProjectType

Role = Literal["admin", "developer", "viewer"]
NAME_PATTERN = r"^[A-Za-z0-9_.\-]{1,64}$"
REQUIREMENT_EXAMPLE = (
    "A Python library that converts temperatures between Celsius, Fahrenheit and Kelvin."
)


class TokenRequest(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"username": "alice", "password": "s3cret-passw0rd"}]}
    )
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=256)


class TokenResponse(BaseModel):
    access_token: str
    token_type: Literal["bearer"] = "bearer"
    expires_in: int = Field(description="Seconds until the token expires.", examples=[3600])
    username: str
    role: Role


class UserCreate(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"username": "bob", "password": "a-long-passphrase", "role": "developer"}]
        }
    )
    username: str = Field(pattern=NAME_PATTERN)
    password: str = Field(min_length=8, max_length=256)
    role: Role = "developer"


class UserOut(BaseModel):
    id: str
    username: str
    role: Role
    created_at: datetime


class ApiKeyCreate(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"username": "ci-bot", "name": "nightly builds"}]}
    )
    username: str = Field(min_length=1, max_length=64, description="The user the key acts as.")
    name: str = Field(min_length=1, max_length=100, description="What the key is for.")


class ApiKeyOut(BaseModel):
    id: str
    name: str
    prefix: str = Field(description="First characters of the key, to recognise it.")
    user_id: str
    created_at: datetime
    revoked_at: datetime | None = None


class ApiKeyCreated(ApiKeyOut):
    key: str = Field(description="The key itself: shown once, stored only as a hash.")


class AgentRegistration(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"name": "worker-1", "capabilities": ["write_code"], "capacity": 2}]
        }
    )
    name: str = Field(pattern=NAME_PATTERN)
    capabilities: list[str] = Field(min_length=1, max_length=50)
    capacity: int = Field(1, ge=1, le=1000)


class AgentOut(BaseModel):
    name: str
    kind: Literal["local", "remote"]
    capabilities: list[str]
    capacity: int
    state: str
    busy: int = 0
    completed: int = 0
    failed: int = 0
    last_heartbeat: datetime | None = None


class AgentsStatus(BaseModel):
    agents: list[AgentOut]
    active_runs: int
    queue_depth: int


class GenerateRequest(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"requirement": REQUIREMENT_EXAMPLE}]}
    )
    requirement: str = Field(
        min_length=1, description="What to build, in plain language (length limit in config)."
    )
    project_type: ProjectType | None = Field(
        None, description="Force a project type instead of inferring it."
    )


class ProjectLinks(BaseModel):
    self: str
    progress: str
    events: str
    artifacts: str
    zip: str
    cancel: str


class ProjectCreated(BaseModel):
    id: str
    status: str
    links: ProjectLinks


class ProjectOut(BaseModel):
    id: str
    owner: str
    requirement: str
    status: str = Field(description="queued | running | succeeded | failed | cancelled")
    project_type: str | None = None
    project_name: str | None = None
    result: str | None = Field(None, description="The run's verdict: passed, failed, ...")
    error: str | None = None
    shared: bool = Field(description="True when the project is someone else's, shared with you.")
    created_at: datetime
    finished_at: datetime | None = None
    links: ProjectLinks


class TaskStateOut(BaseModel):
    name: str
    capability: str
    depends_on: list[str]
    state: str = Field(description="pending | queued | running | succeeded | failed | ...")
    agent: str | None = None
    message: str = ""
    duration_s: float | None = None


class ProgressOut(BaseModel):
    project_id: str
    status: str
    stage: str | None = None
    percent: float = Field(ge=0, le=100)
    tasks: list[TaskStateOut]


class ArtifactFile(BaseModel):
    path: str
    size: int


class ArtifactListing(BaseModel):
    project_id: str
    project_name: str | None
    files: list[ArtifactFile]
    total_bytes: int


class ShareRequest(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"username": "carol"}]})
    username: str = Field(min_length=1, max_length=64)


class ShareOut(BaseModel):
    project_id: str
    shared_with: list[str]


class StreamTicket(BaseModel):
    ticket: str
    expires_in: int
    url: str = Field(description="The events URL with the ticket, ready for EventSource.")


class TaskSubmit(BaseModel):
    """One unit of work for the guild. Today's only type turns a requirement into a project."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"type": "generate_project", "requirement": REQUIREMENT_EXAMPLE}]
        }
    )
    type: Literal["generate_project"] = "generate_project"
    requirement: str = Field(min_length=1)
    project_type: ProjectType | None = None


class TaskStatusOut(BaseModel):
    task_id: str
    type: Literal["generate_project"] = "generate_project"
    state: str
    percent: float = Field(ge=0, le=100)
    project_id: str
    links: ProjectLinks


class Health(BaseModel):
    status: Literal["ok"] = "ok"


class Ready(BaseModel):
    status: Literal["ready"] = "ready"
    database: str
