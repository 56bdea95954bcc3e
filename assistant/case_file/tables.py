"""The tables of case files (hồ sơ) uploaded into a conversation: the file, and its passages with their vectors.

Both belong to one conversation and are deleted with it. The pages' text waits in ``pending_pages`` only until the job
that splits, embeds and reads the file has run (then it is cleared): nothing of a file lives outside these rows.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, deferred, mapped_column

from corpus.tables import Base, utcnow


class CaseFileRow(Base):
    __tablename__ = "case_files"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    conversation_id: Mapped[str] = mapped_column(ForeignKey("conversations.id", ondelete="CASCADE"), index=True)
    owner: Mapped[str | None] = mapped_column(String(200), index=True)
    name: Mapped[str] = mapped_column(Text)
    media_type: Mapped[str] = mapped_column(String(10))  # pdf, docx, html, text
    size: Mapped[int] = mapped_column(Integer)
    pages: Mapped[int] = mapped_column(Integer)
    passages: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(10), default="queued")  # queued, running, done, failed
    message: Mapped[str] = mapped_column(Text, default="")
    job_id: Mapped[str | None] = mapped_column(String(36))
    reading: Mapped[dict | None] = mapped_column(JSON)
    pending_pages: Mapped[list | None] = deferred(mapped_column(JSON))  # the pages' text, until the job has run
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class CaseFilePassageRow(Base):
    __tablename__ = "case_file_passages"

    pk: Mapped[int] = mapped_column(Integer, primary_key=True)
    file_id: Mapped[str] = mapped_column(ForeignKey("case_files.id", ondelete="CASCADE"), index=True)
    ordinal: Mapped[int] = mapped_column(Integer)
    page: Mapped[int] = mapped_column(Integer)
    paragraph: Mapped[int] = mapped_column(Integer)
    part: Mapped[int] = mapped_column(Integer, default=1)
    text: Mapped[str] = mapped_column(Text)
    tokens: Mapped[list] = mapped_column(JSON, default=list)  # word-segmented, for BM25
    vector: Mapped[bytes | None] = mapped_column(LargeBinary)  # float32, L2-normalised; None without a model
