"""Initial schema: runs, agents, tasks (+ attempts, dependencies), artifacts, context, events.

Revision ID: 0001
Revises:
Create Date: 2026-11-26

Types are spelled out here (not imported from the models) so this revision never changes.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON_DOC = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
# SQLite only auto-increments an INTEGER PRIMARY KEY
BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "agents",
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("capabilities", JSON_DOC, nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("state", sa.String(length=32), nullable=False),
        sa.Column("last_heartbeat", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_agents")),
    )
    op.create_table(
        "artifact_blobs",
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("storage", sa.String(length=8), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("sha256", name=op.f("pk_artifact_blobs")),
    )
    op.create_table(
        "runs",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("requirement", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("project_name", sa.String(length=200), nullable=True),
        sa.Column("project_type", sa.String(length=64), nullable=True),
        sa.Column("output_dir", sa.Text(), nullable=True),
        sa.Column("intent", JSON_DOC, nullable=True),
        sa.Column("plan", JSON_DOC, nullable=True),
        sa.Column("report", JSON_DOC, nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("last_event_seq", sa.BigInteger(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_runs")),
    )
    with op.batch_alter_table("runs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_runs_created_at"), ["created_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_runs_status"), ["status"], unique=False)

    op.create_table(
        "agent_collaborations",
        sa.Column("id", BIG_ID, autoincrement=True, nullable=False),
        sa.Column("run_id", sa.String(length=64), nullable=False),
        sa.Column("pattern", sa.String(length=32), nullable=False),
        sa.Column("participants", JSON_DOC, nullable=False),
        sa.Column("outcome", JSON_DOC, nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["runs.id"],
            name=op.f("fk_agent_collaborations_run_id_runs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agent_collaborations")),
    )
    with op.batch_alter_table("agent_collaborations", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_agent_collaborations_run_id"), ["run_id"], unique=False
        )

    op.create_table(
        "agent_tasks",
        sa.Column("id", BIG_ID, autoincrement=True, nullable=False),
        sa.Column("run_id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("capability", sa.String(length=64), nullable=False),
        sa.Column("component", sa.String(length=200), nullable=True),
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("priority", sa.String(length=8), nullable=False),
        sa.Column("estimate_s", sa.Float(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("agent", sa.String(length=200), nullable=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("duration_s", sa.Float(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("result", JSON_DOC, nullable=True),
        sa.Column("lease_owner", sa.String(length=200), nullable=True),
        sa.Column("lease_expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("fencing_token", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["run_id"], ["runs.id"], name=op.f("fk_agent_tasks_run_id_runs"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agent_tasks")),
        sa.UniqueConstraint("run_id", "name", name=op.f("uq_agent_tasks_run_id_name")),
    )
    with op.batch_alter_table("agent_tasks", schema=None) as batch_op:
        batch_op.create_index("ix_agent_tasks_claim", ["run_id", "state", "priority"], unique=False)

    op.create_table(
        "events",
        sa.Column("id", BIG_ID, autoincrement=True, nullable=False),
        sa.Column("run_id", sa.String(length=64), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("task", sa.String(length=200), nullable=True),
        sa.Column("agent", sa.String(length=200), nullable=True),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("data", JSON_DOC, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["run_id"], ["runs.id"], name=op.f("fk_events_run_id_runs"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_events")),
        sa.UniqueConstraint("run_id", "seq", name=op.f("uq_events_run_id_seq")),
    )
    op.create_table(
        "shared_context",
        sa.Column("run_id", sa.String(length=64), nullable=False),
        sa.Column("key", sa.String(length=300), nullable=False),
        sa.Column("value", JSON_DOC, nullable=False),
        sa.Column("writer", sa.String(length=200), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["run_id"], ["runs.id"], name=op.f("fk_shared_context_run_id_runs"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("run_id", "key", name=op.f("pk_shared_context")),
    )
    op.create_table(
        "task_artifacts",
        sa.Column("id", BIG_ID, autoincrement=True, nullable=False),
        sa.Column("run_id", sa.String(length=64), nullable=False),
        sa.Column("task", sa.String(length=200), nullable=False),
        sa.Column("path", sa.Text(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("storage", sa.String(length=8), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["run_id"], ["runs.id"], name=op.f("fk_task_artifacts_run_id_runs"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["sha256"],
            ["artifact_blobs.sha256"],
            name=op.f("fk_task_artifacts_sha256_artifact_blobs"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_task_artifacts")),
        sa.UniqueConstraint(
            "run_id", "task", "path", name=op.f("uq_task_artifacts_run_id_task_path")
        ),
    )
    with op.batch_alter_table("task_artifacts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_task_artifacts_sha256"), ["sha256"], unique=False)

    op.create_table(
        "task_attempts",
        sa.Column("id", BIG_ID, autoincrement=True, nullable=False),
        sa.Column("run_id", sa.String(length=64), nullable=False),
        sa.Column("task", sa.String(length=200), nullable=False),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column("capability", sa.String(length=64), nullable=False),
        sa.Column("agent", sa.String(length=200), nullable=True),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("duration_s", sa.Float(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["run_id", "task"],
            ["agent_tasks.run_id", "agent_tasks.name"],
            name=op.f("fk_task_attempts_run_id_task_agent_tasks"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_task_attempts")),
        sa.UniqueConstraint(
            "run_id", "task", "attempt", name=op.f("uq_task_attempts_run_id_task_attempt")
        ),
    )
    with op.batch_alter_table("task_attempts", schema=None) as batch_op:
        batch_op.create_index(
            "ix_task_attempts_agent_capability", ["agent", "capability"], unique=False
        )

    op.create_table(
        "task_dependencies",
        sa.Column("run_id", sa.String(length=64), nullable=False),
        sa.Column("task", sa.String(length=200), nullable=False),
        sa.Column("depends_on", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["run_id", "depends_on"],
            ["agent_tasks.run_id", "agent_tasks.name"],
            name=op.f("fk_task_dependencies_run_id_depends_on_agent_tasks"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["run_id", "task"],
            ["agent_tasks.run_id", "agent_tasks.name"],
            name=op.f("fk_task_dependencies_run_id_task_agent_tasks"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("run_id", "task", "depends_on", name=op.f("pk_task_dependencies")),
    )


def downgrade() -> None:
    op.drop_table("task_dependencies")
    with op.batch_alter_table("task_attempts", schema=None) as batch_op:
        batch_op.drop_index("ix_task_attempts_agent_capability")

    op.drop_table("task_attempts")
    with op.batch_alter_table("task_artifacts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_task_artifacts_sha256"))

    op.drop_table("task_artifacts")
    op.drop_table("shared_context")
    op.drop_table("events")
    with op.batch_alter_table("agent_tasks", schema=None) as batch_op:
        batch_op.drop_index("ix_agent_tasks_claim")

    op.drop_table("agent_tasks")
    with op.batch_alter_table("agent_collaborations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_agent_collaborations_run_id"))

    op.drop_table("agent_collaborations")
    with op.batch_alter_table("runs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_runs_status"))
        batch_op.drop_index(batch_op.f("ix_runs_created_at"))

    op.drop_table("runs")
    op.drop_table("artifact_blobs")
    op.drop_table("agents")
