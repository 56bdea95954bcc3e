"""Database tables for the corpus (SQLAlchemy 2.x; SQLite by default, PostgreSQL by URL).

One row per document, one row per addressable unit (Điều, Khoản, Điểm) and one per cross-reference found in an article.
A corpus is a name that scopes everything: the same law from two sources never collides.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


class DocumentRow(Base):
    __tablename__ = "documents"
    __table_args__ = (UniqueConstraint("corpus", "doc_id", name="uq_document_corpus_id"),)

    pk: Mapped[int] = mapped_column(Integer, primary_key=True)
    corpus: Mapped[str] = mapped_column(String(64), index=True)
    doc_id: Mapped[str] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(Text)
    doc_type: Mapped[str] = mapped_column(String(40))
    number: Mapped[str | None] = mapped_column(String(100))
    issuer: Mapped[str | None] = mapped_column(Text)
    issued_date: Mapped[dt.date | None] = mapped_column(Date)
    effective_date: Mapped[dt.date | None] = mapped_column(Date)
    expiry_date: Mapped[dt.date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(40))
    aliases: Mapped[list] = mapped_column(JSON, default=list)
    source: Mapped[str | None] = mapped_column(Text)
    source_format: Mapped[str | None] = mapped_column(String(40))
    extra: Mapped[dict] = mapped_column(JSON, default=dict)
    preamble: Mapped[str] = mapped_column(Text, default="")
    n_articles: Mapped[int] = mapped_column(Integer, default=0)
    n_clauses: Mapped[int] = mapped_column(Integer, default=0)
    n_points: Mapped[int] = mapped_column(Integer, default=0)
    ingested_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class UnitRow(Base):
    """An addressable unit: kind 'article' (Điều), 'clause' (Khoản) or 'point' (Điểm)."""

    __tablename__ = "units"
    __table_args__ = (Index("ix_units_address", "document_pk", "article_no", "clause_no", "point_no"),)

    pk: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_pk: Mapped[int] = mapped_column(ForeignKey("documents.pk", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(10))
    ordinal: Mapped[int] = mapped_column(Integer)
    article_no: Mapped[str] = mapped_column(String(20))
    clause_no: Mapped[str | None] = mapped_column(String(20))
    point_no: Mapped[str | None] = mapped_column(String(10))
    title: Mapped[str] = mapped_column(Text, default="")
    text: Mapped[str] = mapped_column(Text)
    path: Mapped[list] = mapped_column(JSON, default=list)
    repealed: Mapped[bool] = mapped_column(Boolean, default=False)


class CrossReferenceRow(Base):
    """A citation found inside an article's text, resolved (when possible) to a document of the same corpus."""

    __tablename__ = "cross_references"

    pk: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_pk: Mapped[int] = mapped_column(ForeignKey("documents.pk", ondelete="CASCADE"), index=True)
    source_article: Mapped[str] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(Text)
    document_ref: Mapped[str | None] = mapped_column(Text)
    target_doc_id: Mapped[str | None] = mapped_column(String(200), index=True)
    target_article: Mapped[str | None] = mapped_column(String(20))
    target_clause: Mapped[str | None] = mapped_column(String(20))
    target_point: Mapped[str | None] = mapped_column(String(10))


class SourceFileRow(Base):
    """What was ingested from which file, and its content hash: re-ingesting an unchanged file changes nothing."""

    __tablename__ = "source_files"
    __table_args__ = (UniqueConstraint("corpus", "path", name="uq_source_corpus_path"),)

    pk: Mapped[int] = mapped_column(Integer, primary_key=True)
    corpus: Mapped[str] = mapped_column(String(64), index=True)
    path: Mapped[str] = mapped_column(Text)
    content_hash: Mapped[str] = mapped_column(String(64))
    doc_ids: Mapped[list] = mapped_column(JSON, default=list)
    ingested_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class DeletedDocumentRow(Base):
    """A document an administrator deleted: every read path leaves it out — also an index built before the delete,
    in any process, after a restart — until a source file holding it is stored again."""

    __tablename__ = "deleted_documents"
    __table_args__ = (UniqueConstraint("corpus", "doc_id", name="uq_deleted_corpus_doc"),)

    pk: Mapped[int] = mapped_column(Integer, primary_key=True)
    corpus: Mapped[str] = mapped_column(String(64), index=True)
    doc_id: Mapped[str] = mapped_column(String(200))
    deleted_by: Mapped[str | None] = mapped_column(String(100))
    deleted_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class CaseRow(Base):
    """A judgment (bản án) or precedent (án lệ) with its structure: header fields, parties, sections and the
    provisions it cites (as written; resolved against a law corpus when read). ``data`` holds what only one kind has
    (a precedent's situation and solution) and the source's own fields."""

    __tablename__ = "cases"
    __table_args__ = (UniqueConstraint("corpus", "case_id", name="uq_case_corpus_id"),)

    pk: Mapped[int] = mapped_column(Integer, primary_key=True)
    corpus: Mapped[str] = mapped_column(String(64), index=True)
    case_id: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(Text)
    number: Mapped[str | None] = mapped_column(String(100))
    date: Mapped[dt.date | None] = mapped_column(Date)
    court: Mapped[str | None] = mapped_column(Text)
    court_level: Mapped[str | None] = mapped_column(String(40))
    case_type: Mapped[str | None] = mapped_column(String(80))
    matter: Mapped[str | None] = mapped_column(Text)
    outcome: Mapped[str | None] = mapped_column(String(40))
    parties: Mapped[list] = mapped_column(JSON, default=list)
    sections: Mapped[list] = mapped_column(JSON, default=list)
    citations: Mapped[list] = mapped_column(JSON, default=list)
    precedents_cited: Mapped[list] = mapped_column(JSON, default=list)
    officials: Mapped[list] = mapped_column(JSON, default=list)
    data: Mapped[dict] = mapped_column(JSON, default=dict)
    source: Mapped[str | None] = mapped_column(Text)
    ingested_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
