"""Conversations (phiên hỏi đáp): history persisted in the same database as the corpus, so any worker can continue
one. A conversation's case files (``assistant.case_file``) are deleted with it."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, String, Text, delete, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Mapped, Session, mapped_column

from assistant.case_file.tables import CaseFilePassageRow, CaseFileRow
from assistant.errors import ConversationNotFound
from corpus.tables import Base, utcnow


class ConversationRow(Base):
    __tablename__ = "conversations"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    owner: Mapped[str | None] = mapped_column(String(200), index=True)
    corpus: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class TurnRow(Base):
    __tablename__ = "turns"

    pk: Mapped[int] = mapped_column(Integer, primary_key=True)
    conversation_id: Mapped[str] = mapped_column(ForeignKey("conversations.id", ondelete="CASCADE"), index=True)
    question: Mapped[str] = mapped_column(Text)
    standalone: Mapped[str | None] = mapped_column(Text)
    answer_text: Mapped[str] = mapped_column(Text, default="")
    answer: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


@dataclass
class Turn:
    question: str
    standalone: str | None
    answer_text: str
    answer: dict


@dataclass
class ConversationSummary:
    id: str
    title: str
    corpus: str
    turns: int
    created_at: str
    updated_at: str


class ConversationStore:
    def __init__(self, engine: Engine):
        self.engine = engine  # its schema is the database's (corpus.database migrations)

    def create(self, corpus: str, owner: str | None = None, title: str = "") -> str:
        cid = str(uuid.uuid4())
        with Session(self.engine) as s, s.begin():
            s.add(ConversationRow(id=cid, owner=owner, corpus=corpus, title=title[:200]))
        return cid

    def _row(self, s: Session, cid: str, owner: str | None) -> ConversationRow:
        row = s.get(ConversationRow, cid)
        if row is None or (owner is not None and row.owner != owner):
            raise ConversationNotFound(f"no conversation {cid!r}")  # never reveal that a foreign one exists
        return row

    def history(self, cid: str, owner: str | None = None, last: int = 10) -> list[Turn]:
        with Session(self.engine) as s:
            self._row(s, cid, owner)
            rows = s.scalars(select(TurnRow).where(TurnRow.conversation_id == cid).order_by(TurnRow.pk.desc())
                             .limit(last)).all()
        return [Turn(r.question, r.standalone, r.answer_text, r.answer) for r in reversed(rows)]

    def corpus_of(self, cid: str, owner: str | None = None) -> str:
        with Session(self.engine) as s:
            return self._row(s, cid, owner).corpus

    def append(self, cid: str, question: str, standalone: str | None, answer: dict, owner: str | None = None) -> None:
        with Session(self.engine) as s, s.begin():
            row = self._row(s, cid, owner)
            if not row.title:
                row.title = question[:120]
            row.updated_at = utcnow()
            s.add(TurnRow(conversation_id=cid, question=question, standalone=standalone,
                          answer_text=answer.get("text", ""), answer=answer))

    def list(self, owner: str | None = None, limit: int = 50) -> list[ConversationSummary]:
        from sqlalchemy import func

        with Session(self.engine) as s:
            q = (select(ConversationRow, func.count(TurnRow.pk)).outerjoin(TurnRow)
                 .group_by(ConversationRow.id).order_by(ConversationRow.updated_at.desc()).limit(limit))
            if owner is not None:
                q = q.where(ConversationRow.owner == owner)
            return [ConversationSummary(r.id, r.title, r.corpus, n, r.created_at.isoformat(),
                                        r.updated_at.isoformat()) for r, n in s.execute(q)]

    def delete(self, cid: str, owner: str | None = None) -> None:
        with Session(self.engine) as s, s.begin():
            self._row(s, cid, owner)
            files = select(CaseFileRow.id).where(CaseFileRow.conversation_id == cid).scalar_subquery()
            s.execute(delete(CaseFilePassageRow).where(CaseFilePassageRow.file_id.in_(files)))  # and their vectors
            s.execute(delete(CaseFileRow).where(CaseFileRow.conversation_id == cid))
            s.execute(delete(TurnRow).where(TurnRow.conversation_id == cid))
            s.execute(delete(ConversationRow).where(ConversationRow.id == cid))
