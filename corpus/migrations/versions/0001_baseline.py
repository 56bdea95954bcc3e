"""Baseline: the schema as ``create_all`` made it before migrations (corpus, case law, accounts, sessions, API keys,
feedback, audit, jobs, conversations).

The tables are a frozen copy here (never the live models: those change with later revisions). On an empty database
this creates them all. On a database that ``create_all`` made before migrations existed it creates only what is
missing — a table the commands that ran never created, the columns ``api_keys.expires_at`` and ``audit_log.target``
that older databases lack, an index — and keeps every row: that is how an existing ``~/.thuky`` database is adopted.

Revision ID: 0001_baseline
Revises:
Create Date: 2026-05-20
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001_baseline"
down_revision = None
branch_labels = None
depends_on = None

META = sa.MetaData()


def _index(name: str, table: str, columns: list[str], unique: bool = False) -> sa.Index:
    t = META.tables[table]
    return sa.Index(name, *(t.c[c] for c in columns), unique=unique)


sa.Table(
    "audit_log",
    META,
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("username", sa.String(length=64), nullable=True),
    sa.Column("action", sa.String(length=40), nullable=False),
    sa.Column("method", sa.String(length=8), nullable=False),
    sa.Column("path", sa.Text(), nullable=False),
    sa.Column("question", sa.Text(), nullable=True),
    sa.Column("status", sa.Integer(), nullable=False),
    sa.Column("client", sa.String(length=64), nullable=True),
    sa.Column("target", sa.String(length=64), nullable=True),
    sa.PrimaryKeyConstraint("id"),
)

_index("ix_audit_log_at", "audit_log", ["at"], unique=False)
_index("ix_audit_user_at", "audit_log", ["username", "at"], unique=False)

sa.Table(
    "cases",
    META,
    sa.Column("pk", sa.Integer(), nullable=False),
    sa.Column("corpus", sa.String(length=64), nullable=False),
    sa.Column("case_id", sa.String(length=200), nullable=False),
    sa.Column("kind", sa.String(length=20), nullable=False),
    sa.Column("title", sa.Text(), nullable=False),
    sa.Column("number", sa.String(length=100), nullable=True),
    sa.Column("date", sa.Date(), nullable=True),
    sa.Column("court", sa.Text(), nullable=True),
    sa.Column("court_level", sa.String(length=40), nullable=True),
    sa.Column("case_type", sa.String(length=80), nullable=True),
    sa.Column("matter", sa.Text(), nullable=True),
    sa.Column("outcome", sa.String(length=40), nullable=True),
    sa.Column("parties", sa.JSON(), nullable=False),
    sa.Column("sections", sa.JSON(), nullable=False),
    sa.Column("citations", sa.JSON(), nullable=False),
    sa.Column("precedents_cited", sa.JSON(), nullable=False),
    sa.Column("officials", sa.JSON(), nullable=False),
    sa.Column("data", sa.JSON(), nullable=False),
    sa.Column("source", sa.Text(), nullable=True),
    sa.Column("ingested_at", sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint("pk"),
    sa.UniqueConstraint("corpus", "case_id", name="uq_case_corpus_id"),
)

_index("ix_cases_corpus", "cases", ["corpus"], unique=False)

sa.Table(
    "conversations",
    META,
    sa.Column("id", sa.String(length=36), nullable=False),
    sa.Column("owner", sa.String(length=200), nullable=True),
    sa.Column("corpus", sa.String(length=64), nullable=False),
    sa.Column("title", sa.Text(), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint("id"),
)

_index("ix_conversations_owner", "conversations", ["owner"], unique=False)

sa.Table(
    "deleted_documents",
    META,
    sa.Column("pk", sa.Integer(), nullable=False),
    sa.Column("corpus", sa.String(length=64), nullable=False),
    sa.Column("doc_id", sa.String(length=200), nullable=False),
    sa.Column("deleted_by", sa.String(length=100), nullable=True),
    sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint("pk"),
    sa.UniqueConstraint("corpus", "doc_id", name="uq_deleted_corpus_doc"),
)

_index("ix_deleted_documents_corpus", "deleted_documents", ["corpus"], unique=False)

sa.Table(
    "documents",
    META,
    sa.Column("pk", sa.Integer(), nullable=False),
    sa.Column("corpus", sa.String(length=64), nullable=False),
    sa.Column("doc_id", sa.String(length=200), nullable=False),
    sa.Column("title", sa.Text(), nullable=False),
    sa.Column("doc_type", sa.String(length=40), nullable=False),
    sa.Column("number", sa.String(length=100), nullable=True),
    sa.Column("issuer", sa.Text(), nullable=True),
    sa.Column("issued_date", sa.Date(), nullable=True),
    sa.Column("effective_date", sa.Date(), nullable=True),
    sa.Column("expiry_date", sa.Date(), nullable=True),
    sa.Column("status", sa.String(length=40), nullable=False),
    sa.Column("aliases", sa.JSON(), nullable=False),
    sa.Column("source", sa.Text(), nullable=True),
    sa.Column("source_format", sa.String(length=40), nullable=True),
    sa.Column("extra", sa.JSON(), nullable=False),
    sa.Column("preamble", sa.Text(), nullable=False),
    sa.Column("n_articles", sa.Integer(), nullable=False),
    sa.Column("n_clauses", sa.Integer(), nullable=False),
    sa.Column("n_points", sa.Integer(), nullable=False),
    sa.Column("ingested_at", sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint("pk"),
    sa.UniqueConstraint("corpus", "doc_id", name="uq_document_corpus_id"),
)

_index("ix_documents_corpus", "documents", ["corpus"], unique=False)

sa.Table(
    "feedback",
    META,
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("username", sa.String(length=64), nullable=False),
    sa.Column("session_id", sa.String(length=36), nullable=True),
    sa.Column("question", sa.Text(), nullable=False),
    sa.Column("answer_text", sa.Text(), nullable=True),
    sa.Column("rating", sa.String(length=8), nullable=False),
    sa.Column("comment", sa.Text(), nullable=True),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint("id"),
)

_index("ix_feedback_username", "feedback", ["username"], unique=False)

sa.Table(
    "jobs",
    META,
    sa.Column("id", sa.String(length=36), nullable=False),
    sa.Column("kind", sa.String(length=20), nullable=False),
    sa.Column("corpus", sa.String(length=64), nullable=False),
    sa.Column("filename", sa.Text(), nullable=True),
    sa.Column("username", sa.String(length=64), nullable=False),
    sa.Column("status", sa.String(length=10), nullable=False),
    sa.Column("progress", sa.Float(), nullable=False),
    sa.Column("message", sa.Text(), nullable=False),
    sa.Column("documents", sa.JSON(), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint("id"),
)


sa.Table(
    "source_files",
    META,
    sa.Column("pk", sa.Integer(), nullable=False),
    sa.Column("corpus", sa.String(length=64), nullable=False),
    sa.Column("path", sa.Text(), nullable=False),
    sa.Column("content_hash", sa.String(length=64), nullable=False),
    sa.Column("doc_ids", sa.JSON(), nullable=False),
    sa.Column("ingested_at", sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint("pk"),
    sa.UniqueConstraint("corpus", "path", name="uq_source_corpus_path"),
)

_index("ix_source_files_corpus", "source_files", ["corpus"], unique=False)

sa.Table(
    "users",
    META,
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("username", sa.String(length=64), nullable=False),
    sa.Column("role", sa.String(length=20), nullable=False),
    sa.Column("password_hash", sa.Text(), nullable=True),
    sa.Column("disabled", sa.Boolean(), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint("id"),
    sa.UniqueConstraint("username"),
)


sa.Table(
    "api_keys",
    META,
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("user_id", sa.Integer(), nullable=False),
    sa.Column("name", sa.String(length=100), nullable=False),
    sa.Column("prefix", sa.String(length=16), nullable=False),
    sa.Column("key_hash", sa.String(length=64), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("revoked", sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
    sa.PrimaryKeyConstraint("id"),
    sa.UniqueConstraint("key_hash"),
)

_index("ix_api_keys_user_id", "api_keys", ["user_id"], unique=False)

sa.Table(
    "auth_tokens",
    META,
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("user_id", sa.Integer(), nullable=False),
    sa.Column("token_hash", sa.String(length=64), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("revoked", sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
    sa.PrimaryKeyConstraint("id"),
    sa.UniqueConstraint("token_hash"),
)

_index("ix_auth_tokens_user_id", "auth_tokens", ["user_id"], unique=False)

sa.Table(
    "cross_references",
    META,
    sa.Column("pk", sa.Integer(), nullable=False),
    sa.Column("document_pk", sa.Integer(), nullable=False),
    sa.Column("source_article", sa.String(length=20), nullable=False),
    sa.Column("text", sa.Text(), nullable=False),
    sa.Column("document_ref", sa.Text(), nullable=True),
    sa.Column("target_doc_id", sa.String(length=200), nullable=True),
    sa.Column("target_article", sa.String(length=20), nullable=True),
    sa.Column("target_clause", sa.String(length=20), nullable=True),
    sa.Column("target_point", sa.String(length=10), nullable=True),
    sa.ForeignKeyConstraint(["document_pk"], ["documents.pk"], ondelete="CASCADE"),
    sa.PrimaryKeyConstraint("pk"),
)

_index("ix_cross_references_document_pk", "cross_references", ["document_pk"], unique=False)
_index("ix_cross_references_target_doc_id", "cross_references", ["target_doc_id"], unique=False)

sa.Table(
    "turns",
    META,
    sa.Column("pk", sa.Integer(), nullable=False),
    sa.Column("conversation_id", sa.String(length=36), nullable=False),
    sa.Column("question", sa.Text(), nullable=False),
    sa.Column("standalone", sa.Text(), nullable=True),
    sa.Column("answer_text", sa.Text(), nullable=False),
    sa.Column("answer", sa.JSON(), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(["conversation_id"], ["conversations.id"], ondelete="CASCADE"),
    sa.PrimaryKeyConstraint("pk"),
)

_index("ix_turns_conversation_id", "turns", ["conversation_id"], unique=False)

sa.Table(
    "units",
    META,
    sa.Column("pk", sa.Integer(), nullable=False),
    sa.Column("document_pk", sa.Integer(), nullable=False),
    sa.Column("kind", sa.String(length=10), nullable=False),
    sa.Column("ordinal", sa.Integer(), nullable=False),
    sa.Column("article_no", sa.String(length=20), nullable=False),
    sa.Column("clause_no", sa.String(length=20), nullable=True),
    sa.Column("point_no", sa.String(length=10), nullable=True),
    sa.Column("title", sa.Text(), nullable=False),
    sa.Column("text", sa.Text(), nullable=False),
    sa.Column("path", sa.JSON(), nullable=False),
    sa.Column("repealed", sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(["document_pk"], ["documents.pk"], ondelete="CASCADE"),
    sa.PrimaryKeyConstraint("pk"),
)

_index("ix_units_address", "units", ["document_pk", "article_no", "clause_no", "point_no"], unique=False)


def upgrade() -> None:
    bind = op.get_bind()
    inspector = sa.inspect(bind)
    present = set(inspector.get_table_names())
    META.create_all(bind, tables=[t for t in META.sorted_tables if t.name not in present])
    for table in META.sorted_tables:
        if table.name not in present:
            continue
        columns = {c["name"] for c in inspector.get_columns(table.name)}
        for column in table.columns:
            if column.name not in columns:
                if not column.nullable:
                    raise RuntimeError(
                        f"cannot adopt the database: table {table.name} lacks the required column {column.name}"
                    )
                op.add_column(table.name, sa.Column(column.name, column.type, nullable=True))
        indexes = {i["name"] for i in inspector.get_indexes(table.name)}
        for index in table.indexes:
            if index.name not in indexes:
                op.create_index(index.name, table.name, [c.name for c in index.columns], unique=index.unique)


def downgrade() -> None:
    bind = op.get_bind()
    META.drop_all(bind)
