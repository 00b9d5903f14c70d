"""The tables of the durable store (typed SQLAlchemy 2 models; the migrations create them).

ORM objects stay inside ``codeguild.store.db``: repositories hand out plain dataclasses.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, cast

from sqlalchemy import (
    JSON,
    BigInteger,
    DateTime,
    Float,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

# stable constraint names so migrations can refer to them on every dialect
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_N_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

JsonDoc = JSON().with_variant(JSONB(), "postgresql")
# SQLite only auto-increments INTEGER PRIMARY KEY; PostgreSQL gets a 64-bit identity
BigId = BigInteger().with_variant(Integer(), "sqlite")


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on both dialects (SQLite drops the zone on its own)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class RunRow(Base):
    __tablename__ = "runs"
    __table_args__ = (Index("ix_runs_lease", "lease_expires_at", "lease_owner"),)

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    requirement: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(32), index=True)
    project_name: Mapped[str | None] = mapped_column(String(200))
    project_type: Mapped[str | None] = mapped_column(String(64))
    output_dir: Mapped[str | None] = mapped_column(Text)
    intent: Mapped[dict[str, Any] | None] = mapped_column(JsonDoc)
    plan: Mapped[dict[str, Any] | None] = mapped_column(JsonDoc)
    report: Mapped[dict[str, Any] | None] = mapped_column(JsonDoc)
    error: Mapped[str | None] = mapped_column(Text)
    # per-run event counter: bumping it row-locks the run, which makes seq assignment atomic
    last_event_seq: Mapped[int] = mapped_column(BigInteger, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # the serve process running the run (orchestrator replicas; see store.db.run_leases)
    lease_owner: Mapped[str | None] = mapped_column(String(200))
    lease_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    fencing_token: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")


class AgentRow(Base):
    __tablename__ = "agents"

    name: Mapped[str] = mapped_column(String(200), primary_key=True)
    capabilities: Mapped[list[str]] = mapped_column(JsonDoc)
    capacity: Mapped[int] = mapped_column(Integer, default=1)
    kind: Mapped[str] = mapped_column(String(16), default="local")
    state: Mapped[str] = mapped_column(String(32), default="idle")
    last_heartbeat: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class TaskRow(Base):
    __tablename__ = "agent_tasks"
    __table_args__ = (
        Index("ix_agent_tasks_claim", "run_id", "state", "priority"),
        UniqueConstraint("run_id", "name"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    run_id: Mapped[str] = mapped_column(ForeignKey("runs.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))
    capability: Mapped[str] = mapped_column(String(64))
    component: Mapped[str | None] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(64), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    priority: Mapped[str] = mapped_column(String(8), default="p1")
    estimate_s: Mapped[float] = mapped_column(Float, default=0.0)
    state: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    agent: Mapped[str | None] = mapped_column(String(200))
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    duration_s: Mapped[float | None] = mapped_column(Float)
    error: Mapped[str | None] = mapped_column(Text)
    result: Mapped[dict[str, Any] | None] = mapped_column(JsonDoc)
    lease_owner: Mapped[str | None] = mapped_column(String(200))
    lease_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    fencing_token: Mapped[int] = mapped_column(BigInteger, default=0)


class TaskAttemptRow(Base):
    """One try of a task; its (run_id, task, attempt) key makes recording idempotent."""

    __tablename__ = "task_attempts"
    __table_args__ = (
        UniqueConstraint("run_id", "task", "attempt"),
        ForeignKeyConstraint(
            ["run_id", "task"], ["agent_tasks.run_id", "agent_tasks.name"], ondelete="CASCADE"
        ),
        Index("ix_task_attempts_agent_capability", "agent", "capability"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    run_id: Mapped[str] = mapped_column(String(64))
    task: Mapped[str] = mapped_column(String(200))
    attempt: Mapped[int] = mapped_column(Integer)
    capability: Mapped[str] = mapped_column(String(64))
    agent: Mapped[str | None] = mapped_column(String(200))
    state: Mapped[str] = mapped_column(String(16), default="running")
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    duration_s: Mapped[float | None] = mapped_column(Float)
    error: Mapped[str | None] = mapped_column(Text)


class TaskDependencyRow(Base):
    __tablename__ = "task_dependencies"
    __table_args__ = (
        ForeignKeyConstraint(
            ["run_id", "task"], ["agent_tasks.run_id", "agent_tasks.name"], ondelete="CASCADE"
        ),
        ForeignKeyConstraint(
            ["run_id", "depends_on"],
            ["agent_tasks.run_id", "agent_tasks.name"],
            ondelete="CASCADE",
        ),
    )

    run_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    task: Mapped[str] = mapped_column(String(200), primary_key=True)
    depends_on: Mapped[str] = mapped_column(String(200), primary_key=True)


class BlobRow(Base):
    """Content by hash: small content inline, large content as a file in the blob directory."""

    __tablename__ = "artifact_blobs"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int] = mapped_column(BigInteger)
    storage: Mapped[str] = mapped_column(String(8))  # "inline" | "blob"
    data: Mapped[bytes | None] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ArtifactRow(Base):
    __tablename__ = "task_artifacts"
    __table_args__ = (UniqueConstraint("run_id", "task", "path"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    run_id: Mapped[str] = mapped_column(ForeignKey("runs.id", ondelete="CASCADE"))
    task: Mapped[str] = mapped_column(String(200))
    path: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(ForeignKey("artifact_blobs.sha256"), index=True)
    size: Mapped[int] = mapped_column(BigInteger)
    storage: Mapped[str] = mapped_column(String(8))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CollaborationRow(Base):
    __tablename__ = "agent_collaborations"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    run_id: Mapped[str] = mapped_column(ForeignKey("runs.id", ondelete="CASCADE"), index=True)
    pattern: Mapped[str] = mapped_column(String(32))
    participants: Mapped[list[str]] = mapped_column(JsonDoc)
    outcome: Mapped[dict[str, Any] | None] = mapped_column(JsonDoc)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ContextRow(Base):
    __tablename__ = "shared_context"

    run_id: Mapped[str] = mapped_column(ForeignKey("runs.id", ondelete="CASCADE"), primary_key=True)
    key: Mapped[str] = mapped_column(String(300), primary_key=True)
    value: Mapped[Any] = mapped_column(JsonDoc)
    writer: Mapped[str | None] = mapped_column(String(200))
    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class EventRow(Base):
    __tablename__ = "events"
    __table_args__ = (UniqueConstraint("run_id", "seq"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    run_id: Mapped[str] = mapped_column(ForeignKey("runs.id", ondelete="CASCADE"))
    seq: Mapped[int] = mapped_column(BigInteger)
    kind: Mapped[str] = mapped_column(String(32))
    task: Mapped[str | None] = mapped_column(String(200))
    agent: Mapped[str | None] = mapped_column(String(200))
    message: Mapped[str] = mapped_column(Text, default="")
    data: Mapped[dict[str, Any]] = mapped_column(JsonDoc)
    at: Mapped[datetime] = mapped_column(UTCDateTime)


def _table(model: type[Base]) -> Table:
    return cast(Table, model.__table__)


# Core handles for the repositories (they run Core statements: fast, and nothing ORM leaks out)
runs = _table(RunRow)
agents = _table(AgentRow)
tasks = _table(TaskRow)
task_attempts = _table(TaskAttemptRow)
task_dependencies = _table(TaskDependencyRow)
artifact_blobs = _table(BlobRow)
task_artifacts = _table(ArtifactRow)
collaborations = _table(CollaborationRow)
shared_context = _table(ContextRow)
events = _table(EventRow)
