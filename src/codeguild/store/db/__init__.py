"""Durable state in SQLite (embedded default) or PostgreSQL (scaled out), one repository API.

``Store.open()`` connects and migrates; its repositories hand out plain dataclasses.
"""

from codeguild.store.db.agents import AgentRepository
from codeguild.store.db.artifacts import INLINE_LIMIT, ArtifactStore
from codeguild.store.db.collaborations import CollaborationRepository
from codeguild.store.db.context import ContextRepository
from codeguild.store.db.database import Database
from codeguild.store.db.errors import (
    ArtifactCorruptError,
    ArtifactNotFoundError,
    ContextConflictError,
    DependencyCycleError,
    RunNotFoundError,
    StoreError,
    StoreSchemaError,
    StoreUnavailableError,
    TaskNotFoundError,
)
from codeguild.store.db.events import EventRepository
from codeguild.store.db.leases import LeaseLostError, TaskLeases
from codeguild.store.db.migrate import current_revision, head_revision, upgrade, upgrade_sync
from codeguild.store.db.records import (
    AgentPerformance,
    AgentRecord,
    ArtifactRecord,
    CollaborationRecord,
    ContextEntry,
    RunClaim,
    RunFence,
    RunRecord,
    RunStatus,
    StoredEvent,
    StoredTask,
    TaskAttempt,
    TaskClaim,
    TaskLike,
)
from codeguild.store.db.retry import RetryPolicy
from codeguild.store.db.run_leases import RunLeaseHeldError, RunLeases, check_fence
from codeguild.store.db.runs import RunRepository
from codeguild.store.db.store import Store
from codeguild.store.db.tasks import TaskRepository
from codeguild.store.db.url import default_database_url, mask_url, normalise_url

__all__ = [
    "INLINE_LIMIT",
    "AgentPerformance",
    "AgentRecord",
    "AgentRepository",
    "ArtifactCorruptError",
    "ArtifactNotFoundError",
    "ArtifactRecord",
    "ArtifactStore",
    "CollaborationRecord",
    "CollaborationRepository",
    "ContextConflictError",
    "ContextEntry",
    "ContextRepository",
    "Database",
    "DependencyCycleError",
    "EventRepository",
    "LeaseLostError",
    "RetryPolicy",
    "RunClaim",
    "RunFence",
    "RunLeaseHeldError",
    "RunLeases",
    "RunNotFoundError",
    "RunRecord",
    "RunRepository",
    "RunStatus",
    "Store",
    "StoreError",
    "StoreSchemaError",
    "StoreUnavailableError",
    "StoredEvent",
    "StoredTask",
    "TaskAttempt",
    "TaskClaim",
    "TaskLeases",
    "TaskLike",
    "TaskNotFoundError",
    "TaskRepository",
    "check_fence",
    "current_revision",
    "default_database_url",
    "head_revision",
    "mask_url",
    "normalise_url",
    "upgrade",
    "upgrade_sync",
]
