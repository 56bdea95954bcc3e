"""Ingest jobs (nạp văn bản): an uploaded file is stored and the corpus re-indexed in the background, one job at a
time, with its progress kept in the database so any worker can report it.

Stages and their share of the progress bar: ingest (parse + store) 0–0.2, index build (segment, embed) 0.2–1.0.
"""

from __future__ import annotations

import logging
import os
import shutil
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from api.accounts import iso
from api.tables import JobRow
from corpus.law import LegalDocument
from corpus.tables import utcnow

log = logging.getLogger("thuky.jobs")

_STAGE_SPAN = {"segment": (0.2, 0.5), "embed": (0.5, 1.0)}


def job_view(row: JobRow) -> dict:
    return {"id": row.id, "kind": row.kind, "corpus": row.corpus, "filename": row.filename,
            "username": row.username, "status": row.status, "progress": round(float(row.progress), 4),
            "message": row.message, "documents": list(row.documents or []), "created_at": iso(row.created_at),
            "finished_at": iso(row.finished_at)}


class Jobs:
    def __init__(self, services):
        self.services = services
        self.engine = services.store.engine
        self._pool: ThreadPoolExecutor | None = None
        self._lock = threading.Lock()

    def start(self) -> None:
        with Session(self.engine) as s, s.begin():  # a job a previous process left unfinished will never finish
            s.execute(update(JobRow).where(JobRow.status.in_(("queued", "running")))
                      .values(status="failed", message="interrupted: the server stopped before it finished",
                              finished_at=utcnow()))
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="thuky-job")

    def stop(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=False)
            self._pool = None

    def _submit(self, fn, *args) -> None:
        with self._lock:
            if self._pool is None:  # no lifespan (a script): run jobs on a private pool
                self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="thuky-job")
            self._pool.submit(fn, *args)

    # -- records --------------------------------------------------------------------------------------------------
    def _create(self, kind: str, corpus: str, username: str, filename: str | None, documents: list[str]) -> str:
        jid = str(uuid.uuid4())
        with Session(self.engine) as s, s.begin():
            s.add(JobRow(id=jid, kind=kind, corpus=corpus, username=username, filename=filename,
                         documents=documents, message="queued"))
        return jid

    def _set(self, jid: str, **values) -> None:
        with Session(self.engine) as s, s.begin():
            s.execute(update(JobRow).where(JobRow.id == jid).values(**values))

    def get(self, jid: str) -> dict | None:
        with Session(self.engine) as s:
            row = s.get(JobRow, jid)
            return job_view(row) if row else None

    def list(self, limit: int = 50) -> list[dict]:
        with Session(self.engine) as s:
            return [job_view(r) for r in s.scalars(select(JobRow).order_by(JobRow.created_at.desc()).limit(limit))]

    # -- work -----------------------------------------------------------------------------------------------------
    def submit_upload(self, corpus: str, staged: Path, filename: str, docs: list[LegalDocument],
                      username: str) -> str:
        """Store and index an upload already parsed (once, by the caller): ``docs`` are its documents."""
        jid = self._create("ingest", corpus, username, filename, [d.id for d in docs])
        self._submit(self._run_upload, jid, corpus, staged, filename, docs)
        return jid

    def submit_reindex(self, corpus: str, username: str, reason: str) -> str:
        jid = self._create("reindex", corpus, username, None, [])
        self._set(jid, message=reason)
        self._submit(self._run_reindex, jid, corpus)
        return jid

    def _finish(self, jid: str, status: str, message: str, **extra) -> None:
        self._set(jid, status=status, message=message, finished_at=utcnow(),
                  **({"progress": 1.0} if status == "done" else {}), **extra)
        self.services.metrics.jobs.labels(status).inc()

    def _run_upload(self, jid: str, corpus: str, staged: Path, filename: str, docs: list[LegalDocument]) -> None:
        from corpus.ingest import ingest_parsed

        svc = self.services
        try:
            self._set(jid, status="running", progress=0.02, message="ingesting")
            dest_dir = svc.uploads_dir / corpus
            dest_dir.mkdir(parents=True, exist_ok=True)
            dest = dest_dir / filename
            # the stored source of the same name is replaced only once the new file's documents are stored
            outcome = ingest_parsed(svc.store, corpus, staged, docs, stored_as=dest)
            if outcome.status == "skipped":
                self._finish(jid, "failed", f"not ingested: {outcome.reason}")
                return
            os.replace(staged, dest)
            summary = (f"{outcome.status}: {outcome.documents} văn bản, {outcome.articles} điều, {outcome.clauses} "
                       f"khoản, {outcome.points} điểm" if outcome.status != "unchanged"
                       else "unchanged: already ingested")
            self._set(jid, progress=0.2, message=summary + "; indexing")
            self._build_index(jid, corpus, summary)
        except Exception as exc:  # noqa: BLE001 - a job reports its failure instead of dying silently
            log.exception("ingest job %s failed", jid)
            self._finish(jid, "failed", f"failed: {type(exc).__name__}: {exc}")
        finally:
            shutil.rmtree(staged.parent, ignore_errors=True)

    def _run_reindex(self, jid: str, corpus: str) -> None:
        try:
            self._set(jid, status="running", progress=0.2)
            self._build_index(jid, corpus, "re-indexed")
        except Exception as exc:  # noqa: BLE001
            log.exception("reindex job %s failed", jid)
            self._finish(jid, "failed", f"failed: {type(exc).__name__}: {exc}")

    def _build_index(self, jid: str, corpus: str, summary: str) -> None:
        from indexing.index import IndexUnavailable, build_lock, corpus_root

        svc = self.services
        config = svc.index_config()
        last = [0.0]

        def progress(stage: str, done: int, total: int) -> None:
            lo, hi = _STAGE_SPAN.get(stage, (0.2, 1.0))
            now = time.monotonic()
            if now - last[0] < 0.5 and done < total:
                return
            last[0] = now
            frac = lo + (hi - lo) * (done / total if total else 1.0)
            self._set(jid, progress=min(0.99, frac), message=f"{summary}; indexing ({stage} {done}/{total})")

        builder = svc.indexes.backend.builder(config, svc.embedder() if config.model_dir else None)
        try:
            report = builder.build(svc.store, corpus, progress)
            message = f"{summary}; index: {report.articles} điều"
        except IndexUnavailable as exc:
            root = corpus_root(svc.config.home, corpus)
            with build_lock(root):
                if svc.store.totals(corpus)["articles"]:
                    raise
                builder.remove(corpus)  # the corpus is empty now: no index to serve
            message = f"{summary}; the corpus is empty, its index was removed ({exc})"
        svc.corpus_changed(corpus)
        self._finish(jid, "done", message)
