"""Case files in a conversation, end to end: accepted (pages already parsed, in a child process, by the caller),
processed by a job (split into passages, segmented, embedded, stored; read for the judge), searched when the
conversation asks, and deleted — with the conversation too (``ConversationStore.delete``).

Privacy holds in the queries themselves: every read names the conversation *and* its owner, and a search builds its
index from that conversation's rows only (``indexing.passages.PassageIndex``, in memory). Nothing of a file enters a
corpus, the case index or any shared index.
"""

from __future__ import annotations

import logging
import threading
import uuid
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from pydantic import BaseModel, Field
from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session, undefer

from assistant.answer import FileSource
from assistant.case_file.reading import CaseFileReading, build_reading
from assistant.case_file.tables import CaseFilePassageRow, CaseFileRow
from assistant.conversation import ConversationRow
from assistant.errors import ConversationNotFound, SessionFileLimit, SessionFileNotFound
from corpus.case_file import read_case_file, split_passages
from corpus.store import Store, StoreError
from corpus.tables import utcnow
from indexing.passages import PassageIndex

log = logging.getLogger("thuky.case_file")

Progress = Callable[[float, str], None]


class FileView(BaseModel):
    id: str
    session_id: str
    name: str
    media_type: str
    size: int
    pages: int
    passages: int
    status: str = Field(..., description="queued, running, done or failed")
    progress: float = Field(0.0, description="0..1 while its job runs; 1 when done")
    message: str = ""
    job_id: str | None = None
    created_at: str


class FileDetail(FileView):
    reading: CaseFileReading | None = None


class PassageView(BaseModel):
    passage: int
    page: int
    paragraph: int
    part: int = 1
    text: str


@dataclass
class CaseFilesConfig:
    max_files_per_session: int = 10
    mask_parties: bool = True
    similar_k: int = 5
    passage_chars: int = 1200
    search_k: int = 3


def _view(r: CaseFileRow) -> dict:
    return dict(id=r.id, session_id=r.conversation_id, name=r.name, media_type=r.media_type, size=r.size,
                pages=r.pages, passages=r.passages, status=r.status, progress=1.0 if r.status == "done" else 0.0,
                message=r.message, job_id=r.job_id,
                created_at=r.created_at.isoformat())


class CaseFiles:
    """``segment(texts) -> token lists``; ``embedder()`` the passage/query embedder or None (lexical only);
    ``case_law()`` the case-law service for similar judgments, or None."""

    def __init__(self, store: Store, *, segment: Callable[[list[str]], list[list[str]]],
                 embedder: Callable[[], object | None] = lambda: None, case_law: Callable[[], object] | None = None,
                 config: CaseFilesConfig | None = None):
        self.store = store
        self.engine = store.engine
        self.segment = segment
        self.embedder = embedder
        self.case_law = case_law
        self.config = config or CaseFilesConfig()
        self._indexes: OrderedDict[tuple, PassageIndex] = OrderedDict()
        self._lock = threading.Lock()

    # -- records --------------------------------------------------------------------------------------------------
    def _conversation(self, s: Session, session_id: str, owner: str | None) -> ConversationRow:
        row = s.get(ConversationRow, session_id)
        if row is None or row.owner != owner:
            raise ConversationNotFound(f"no conversation {session_id!r}")
        return row

    def _file(self, s: Session, session_id: str, file_id: str, owner: str | None) -> CaseFileRow:
        self._conversation(s, session_id, owner)
        row = s.get(CaseFileRow, file_id)
        if row is None or row.conversation_id != session_id or row.owner != owner:
            raise SessionFileNotFound(f"no file {file_id!r} in this conversation")
        return row

    def add(self, session_id: str, owner: str | None, name: str, media_type: str, size: int,
            pages: list[str]) -> str:
        """Record a file whose pages were parsed; it waits for :meth:`process` (a job)."""
        fid = str(uuid.uuid4())
        with Session(self.engine) as s, s.begin():
            self._conversation(s, session_id, owner)
            n = s.scalar(select(func.count()).select_from(CaseFileRow).where(CaseFileRow.conversation_id == session_id))
            if n >= self.config.max_files_per_session:
                raise SessionFileLimit(f"this conversation already holds {n} files; the limit is "
                                       f"{self.config.max_files_per_session}: delete one first")
            s.add(CaseFileRow(id=fid, conversation_id=session_id, owner=owner, name=name, media_type=media_type,
                              size=size, pages=len(pages), passages=0, status="queued", message="queued",
                              pending_pages=pages))
        return fid

    def attach_job(self, file_id: str, job_id: str) -> None:
        with Session(self.engine) as s, s.begin():
            s.execute(update(CaseFileRow).where(CaseFileRow.id == file_id).values(job_id=job_id))

    def list(self, session_id: str, owner: str | None) -> list[FileView]:
        with Session(self.engine) as s:
            self._conversation(s, session_id, owner)
            rows = s.scalars(select(CaseFileRow).where(CaseFileRow.conversation_id == session_id,
                                                       CaseFileRow.owner == owner).order_by(CaseFileRow.created_at))
            return [FileView(**_view(r)) for r in rows]

    def get(self, session_id: str, file_id: str, owner: str | None) -> FileDetail:
        with Session(self.engine) as s:
            r = self._file(s, session_id, file_id, owner)
            reading = CaseFileReading.model_validate(r.reading) if r.reading else None
            return FileDetail(**_view(r), reading=reading)

    def passages(self, session_id: str, file_id: str, owner: str | None, page: int | None = None) -> list[PassageView]:
        with Session(self.engine) as s:
            self._file(s, session_id, file_id, owner)
            q = select(CaseFilePassageRow).where(CaseFilePassageRow.file_id == file_id)
            if page is not None:
                q = q.where(CaseFilePassageRow.page == page)
            return [PassageView(passage=r.ordinal, page=r.page, paragraph=r.paragraph, part=r.part, text=r.text)
                    for r in s.scalars(q.order_by(CaseFilePassageRow.ordinal))]

    def delete(self, session_id: str, file_id: str, owner: str | None) -> None:
        with Session(self.engine) as s, s.begin():
            self._file(s, session_id, file_id, owner)
            s.execute(delete(CaseFilePassageRow).where(CaseFilePassageRow.file_id == file_id))
            s.execute(delete(CaseFileRow).where(CaseFileRow.id == file_id))
        self._forget(session_id)

    def _forget(self, session_id: str) -> None:
        with self._lock:
            for key in [k for k in self._indexes if k[0] == session_id]:
                del self._indexes[key]

    # -- the job --------------------------------------------------------------------------------------------------
    def process(self, file_id: str, progress: Progress = lambda f, m: None,
                checkpoint: Callable[[], None] = lambda: None) -> str:
        """Split, segment, embed and store the file's passages, then read it; returns a one-line summary. A file
        deleted meanwhile raises ``SessionFileNotFound``; any other failure is raised (the caller marks the file
        failed with :meth:`fail`)."""
        with Session(self.engine) as s:
            row = s.scalar(select(CaseFileRow).where(CaseFileRow.id == file_id)
                           .options(undefer(CaseFileRow.pending_pages)))
            if row is None:
                raise SessionFileNotFound(f"no file {file_id!r}: it was deleted before it was read")
            pages, session_id = list(row.pending_pages or []), row.conversation_id
            corpus = s.get(ConversationRow, session_id).corpus
        return self._process(file_id, session_id, corpus, pages, progress, checkpoint)

    def _set(self, file_id: str, **values) -> None:
        with Session(self.engine) as s, s.begin():
            n = s.execute(update(CaseFileRow).where(CaseFileRow.id == file_id).values(**values)).rowcount
        if n == 0:
            raise SessionFileNotFound(f"no file {file_id!r}: it was deleted while it was read")

    def _process(self, file_id: str, session_id: str, corpus: str, pages: list[str], progress: Progress,
                 checkpoint: Callable[[], None]) -> str:
        self._set(file_id, status="running", message="splitting into passages")
        passages = split_passages(pages, self.config.passage_chars)
        if not passages:
            raise ValueError("no passage of text found in the file")
        progress(0.05, f"{len(passages)} passages; segmenting")
        tokens = self.segment([p.text for p in passages])
        checkpoint()
        progress(0.35, f"{len(passages)} passages; embedding")
        vectors = None
        embedder = self.embedder()
        if embedder is not None:
            vectors = embedder.embed_passages([p.text for p in passages])
        checkpoint()
        progress(0.7, "reading the file")
        try:
            known = self.store.resolver(corpus).names()
        except StoreError:
            known = None
        facts = read_case_file(passages, pages=pages, known_names=known, mask=self.config.mask_parties)
        reading = build_reading(facts, self.store, corpus, self.case_law() if self.case_law else None,
                                self.config.similar_k, masked=self.config.mask_parties, checkpoint=checkpoint)
        progress(0.95, "storing")
        with Session(self.engine) as s, s.begin():
            if s.get(CaseFileRow, file_id) is None:
                raise SessionFileNotFound(f"no file {file_id!r}: it was deleted while it was read")
            s.execute(delete(CaseFilePassageRow).where(CaseFilePassageRow.file_id == file_id))  # a retried job
            s.add_all(CaseFilePassageRow(
                file_id=file_id, ordinal=p.ordinal, page=p.page, paragraph=p.paragraph, part=p.part, text=p.text,
                tokens=tokens[i], vector=vectors[i].astype(np.float32).tobytes() if vectors is not None else None)
                for i, p in enumerate(passages))
            summary = (f"{len(passages)} đoạn trên {len(pages)} trang; {len(reading.provisions)} điều luật được "
                       f"viện dẫn ({reading.flagged} cần lưu ý); {len(reading.timeline)} mốc thời gian")
            s.execute(update(CaseFileRow).where(CaseFileRow.id == file_id).values(
                status="done", message=summary, passages=len(passages), reading=reading.model_dump(mode="json"),
                pending_pages=None))
        self._forget(session_id)
        return summary

    def fail(self, file_id: str, message: str) -> None:
        """The file could not be processed: it is marked failed, its pending text dropped."""
        try:
            self._set(file_id, status="failed", message=message, pending_pages=None)
        except SessionFileNotFound:
            pass

    # -- searching ------------------------------------------------------------------------------------------------
    def has_files(self, session_id: str, owner: str | None) -> bool:
        with Session(self.engine) as s:
            return bool(s.scalar(select(func.count()).select_from(CaseFileRow).where(
                CaseFileRow.conversation_id == session_id, CaseFileRow.owner == owner, CaseFileRow.status == "done")))

    def _index(self, session_id: str, owner: str | None) -> tuple[PassageIndex, dict] | None:
        with Session(self.engine) as s:
            files = s.execute(select(CaseFileRow.id, CaseFileRow.name, CaseFileRow.passages).where(
                CaseFileRow.conversation_id == session_id, CaseFileRow.owner == owner,
                CaseFileRow.status == "done").order_by(CaseFileRow.created_at)).all()
            if not files:
                return None
            key = (session_id, owner, tuple((f.id, f.passages) for f in files))
            with self._lock:
                hit = self._indexes.get(key)
            if hit is not None:
                return hit
            names = {f.id: f.name for f in files}
            rows = s.execute(select(CaseFilePassageRow.file_id, CaseFilePassageRow.ordinal, CaseFilePassageRow.page,
                                    CaseFilePassageRow.paragraph, CaseFilePassageRow.text, CaseFilePassageRow.tokens,
                                    CaseFilePassageRow.vector)
                             .where(CaseFilePassageRow.file_id.in_(list(names)))
                             .order_by(CaseFilePassageRow.file_id, CaseFilePassageRow.ordinal)).all()
        meta = {(r.file_id, r.ordinal): (names[r.file_id], r.page, r.paragraph, r.text) for r in rows}
        vectors = None
        if rows and all(r.vector for r in rows):
            vectors = np.stack([np.frombuffer(r.vector, dtype=np.float32) for r in rows])
        index = PassageIndex([(r.file_id, r.ordinal) for r in rows], [list(r.tokens or []) for r in rows], vectors)
        with self._lock:
            self._indexes[key] = (index, meta)
            while len(self._indexes) > 64:
                self._indexes.popitem(last=False)
        return index, meta

    def search(self, session_id: str, owner: str | None, query: str, k: int | None = None) -> list[FileSource]:
        """The passages of this conversation's files (only) that best match ``query``; those sharing no word with it
        are left out."""
        built = self._index(session_id, owner)
        if built is None or not query.strip():
            return []
        index, meta = built
        qv = None
        embedder = self.embedder() if index.vectors is not None else None
        if embedder is not None:
            qv = embedder.embed_queries([query])[0]
        out = []
        for h in index.search(self.segment([query])[0], k or self.config.search_k, qv):
            if h.lexical <= 0:
                continue
            name, page, paragraph, text = meta[h.key]
            out.append(FileSource(file_id=h.key[0], file_name=name, passage=h.key[1], page=page, paragraph=paragraph,
                                  text=text, score=h.score, lexical=round(h.lexical, 4)))
        return out

    def passage_text(self, session_id: str, owner: str | None, file_id: str, ordinal: int) -> str | None:
        """A passage's text, only from this conversation's own files (citation verification)."""
        with Session(self.engine) as s:
            return s.scalar(select(CaseFilePassageRow.text)
                            .join(CaseFileRow, CaseFileRow.id == CaseFilePassageRow.file_id)
                            .where(CaseFileRow.conversation_id == session_id, CaseFileRow.owner == owner,
                                   CaseFilePassageRow.file_id == file_id, CaseFilePassageRow.ordinal == ordinal))

    def touch(self, session_id: str) -> None:
        with Session(self.engine) as s, s.begin():
            s.execute(update(ConversationRow).where(ConversationRow.id == session_id).values(updated_at=utcnow()))
