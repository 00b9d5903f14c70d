"""The typed values repositories accept and return (plain dataclasses; no ORM object leaks)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any, Protocol

from codeguild.events import Event


class RunStatus(StrEnum):
    CREATED = "created"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELLED = "cancelled"
    #: stopped without finishing (killed, lost its connection): resumable
    INTERRUPTED = "interrupted"


FINISHED_RUN_STATUSES = frozenset({RunStatus.SUCCEEDED, RunStatus.FAILED, RunStatus.CANCELLED})

#: task states, the same strings as orchestration.outcome.TaskState (store must not import it)
TASK_STATES = frozenset(
    {"pending", "queued", "running", "succeeded", "failed", "skipped", "cancelled"}
)
FINISHED_TASK_STATES = frozenset({"succeeded", "failed", "skipped", "cancelled"})


class TaskLike(Protocol):
    """What upsert_plan reads from a planned task (agents.base.TaskSpec fits)."""

    @property
    def name(self) -> str: ...
    @property
    def capability(self) -> str: ...
    @property
    def component(self) -> str | None: ...
    @property
    def action(self) -> str: ...
    @property
    def depends_on(self) -> Sequence[str]: ...
    @property
    def priority(self) -> str: ...
    @property
    def estimate_s(self) -> float: ...
    @property
    def description(self) -> str: ...


@dataclass(frozen=True, slots=True)
class RunRecord:
    id: str
    requirement: str
    status: RunStatus
    project_name: str | None
    project_type: str | None
    output_dir: str | None
    intent: dict[str, Any] | None
    plan: dict[str, Any] | None
    report: dict[str, Any] | None
    error: str | None
    last_event_seq: int
    created_at: datetime
    updated_at: datetime
    finished_at: datetime | None
    lease_owner: str | None = None
    lease_expires_at: datetime | None = None
    fencing_token: int = 0


@dataclass(frozen=True, slots=True)
class RunFence:
    """The right to write a run's results: held while ``token`` is the run's fencing token."""

    run_id: str
    owner: str
    token: int


@dataclass(frozen=True, slots=True)
class RunClaim:
    """A run leased to one serve process until ``expires_at`` (renewed while it runs)."""

    fence: RunFence
    expires_at: datetime
    status: str

    @property
    def run_id(self) -> str:
        return self.fence.run_id


@dataclass(frozen=True, slots=True)
class StoredTask:
    run_id: str
    name: str
    capability: str
    component: str | None
    action: str
    description: str
    priority: str
    estimate_s: float
    state: str
    attempts: int
    agent: str | None
    started_at: datetime | None
    finished_at: datetime | None
    duration_s: float | None
    error: str | None
    result: dict[str, Any] | None
    depends_on: tuple[str, ...] = ()
    lease_owner: str | None = None
    lease_expires_at: datetime | None = None
    fencing_token: int = 0


@dataclass(frozen=True, slots=True)
class TaskAttempt:
    run_id: str
    task: str
    attempt: int
    capability: str
    agent: str | None
    state: str
    started_at: datetime
    finished_at: datetime | None
    duration_s: float | None
    error: str | None


@dataclass(frozen=True, slots=True)
class TaskClaim:
    """A task leased to one owner; ``fencing_token`` grows with every claim of that task."""

    run_id: str
    task: str
    capability: str
    owner: str
    fencing_token: int
    lease_expires_at: datetime


@dataclass(frozen=True, slots=True)
class StoredEvent:
    """A persisted event: its per-run ``seq`` orders it and lets readers resume after it."""

    id: int
    seq: int
    event: Event


@dataclass(frozen=True, slots=True)
class ArtifactRecord:
    run_id: str
    task: str
    path: str
    sha256: str
    size: int
    storage: str  # "inline" | "blob"
    created_at: datetime


@dataclass(frozen=True, slots=True)
class AgentRecord:
    name: str
    capabilities: tuple[str, ...]
    capacity: int
    kind: str  # "local" | "remote"
    state: str
    last_heartbeat: datetime | None


@dataclass(frozen=True, slots=True)
class AgentPerformance:
    """Finished attempts of one agent for one capability (task type)."""

    agent: str
    capability: str
    runs: int
    successes: int
    success_rate: float
    mean_duration_s: float | None
    p95_duration_s: float | None


@dataclass(frozen=True, slots=True)
class ContextEntry:
    run_id: str
    key: str
    value: Any
    writer: str | None
    version: int
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class CollaborationRecord:
    id: int
    run_id: str
    pattern: str
    participants: tuple[str, ...]
    outcome: dict[str, Any] | None
    created_at: datetime
