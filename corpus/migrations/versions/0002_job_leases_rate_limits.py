"""Jobs claimed by any worker process with a lease; rate-limit buckets shared by every replica.

- ``jobs``: ``payload`` (the work's inputs: the parsed documents of an upload), ``upload`` (the uploaded file itself,
  so a worker on another machine can store it; cleared when the job ends), ``worker`` and ``lease_until`` (who holds it
  and until when: a worker renews its lease while it works; a killed worker's job is claimed again once its lease
  expires), ``attempts``; an index on (status, created_at) for the claim query.
- ``rate_limits``: one token bucket per caller key.

Revision ID: 0002_job_leases_rate_limits
Revises: 0001_baseline
Create Date: 2026-05-20
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_job_leases_rate_limits"
down_revision = "0001_baseline"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("jobs") as batch:
        batch.add_column(sa.Column("payload", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("upload", sa.LargeBinary(), nullable=True))
        batch.add_column(sa.Column("worker", sa.String(length=100), nullable=True))
        batch.add_column(sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"))
    op.create_index("ix_jobs_status_created", "jobs", ["status", "created_at"], unique=False)
    op.create_table(
        "rate_limits",
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("tokens", sa.Float(), nullable=False),
        sa.Column("updated_at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )


def downgrade() -> None:
    op.drop_table("rate_limits")
    op.drop_index("ix_jobs_status_created", table_name="jobs")
    with op.batch_alter_table("jobs") as batch:
        for column in ("attempts", "lease_until", "worker", "upload", "payload"):
            batch.drop_column(column)
