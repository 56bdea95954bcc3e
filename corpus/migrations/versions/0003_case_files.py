"""Case files uploaded into a conversation and their passages (with their vectors), deleted with the conversation.

Revision ID: 0003_case_files
Revises: 0002_job_leases_rate_limits
Create Date: 2026-05-21
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_case_files"
down_revision = "0002_job_leases_rate_limits"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "case_files",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("conversation_id", sa.String(length=36), nullable=False),
        sa.Column("owner", sa.String(length=200), nullable=True),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("media_type", sa.String(length=10), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("pages", sa.Integer(), nullable=False),
        sa.Column("passages", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("job_id", sa.String(length=36), nullable=True),
        sa.Column("reading", sa.JSON(), nullable=True),
        sa.Column("pending_pages", sa.JSON(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["conversation_id"], ["conversations.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_case_files_conversation_id", "case_files", ["conversation_id"], unique=False)
    op.create_index("ix_case_files_owner", "case_files", ["owner"], unique=False)
    op.create_table(
        "case_file_passages",
        sa.Column("pk", sa.Integer(), nullable=False),
        sa.Column("file_id", sa.String(length=36), nullable=False),
        sa.Column("ordinal", sa.Integer(), nullable=False),
        sa.Column("page", sa.Integer(), nullable=False),
        sa.Column("paragraph", sa.Integer(), nullable=False),
        sa.Column("part", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("tokens", sa.JSON(), nullable=False),
        sa.Column("vector", sa.LargeBinary(), nullable=True),
        sa.ForeignKeyConstraint(["file_id"], ["case_files.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("pk"),
    )
    op.create_index("ix_case_file_passages_file_id", "case_file_passages", ["file_id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_case_file_passages_file_id", table_name="case_file_passages")
    op.drop_table("case_file_passages")
    op.drop_index("ix_case_files_owner", table_name="case_files")
    op.drop_index("ix_case_files_conversation_id", table_name="case_files")
    op.drop_table("case_files")
