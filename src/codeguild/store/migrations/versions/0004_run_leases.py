"""Run ownership for orchestrator replicas: the lease on a run and its fencing token.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26

The serve process that runs a project holds ``lease_owner`` until ``lease_expires_at`` and
renews it; another replica takes over a run whose lease expired and bumps ``fencing_token``, so
the old owner's late writes are refused. Types are spelled out so this revision never changes.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("runs") as batch:
        batch.add_column(sa.Column("lease_owner", sa.String(length=200), nullable=True))
        batch.add_column(sa.Column("lease_expires_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(
            sa.Column("fencing_token", sa.BigInteger(), nullable=False, server_default="0")
        )
    # the recovery loop's scan: owned runs by expiry
    op.create_index("ix_runs_lease", "runs", ["lease_expires_at", "lease_owner"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_runs_lease", table_name="runs")
    with op.batch_alter_table("runs") as batch:
        batch.drop_column("fencing_token")
        batch.drop_column("lease_expires_at")
        batch.drop_column("lease_owner")
