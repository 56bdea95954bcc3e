"""Ingest jobs (nạp văn bản): an uploaded file is stored and its corpus re-indexed in the background by whichever
worker claims the job from the database — the server itself (``run_jobs``, the embedded default) or any number of
``thuky worker`` processes on any machine sharing the database.

A job is claimed with ``SELECT … FOR UPDATE SKIP LOCKED`` (PostgreSQL: concurrent workers skip each other's rows) and
a conditional update that only one claimer can win (the equivalent on SQLite, whose writers are serialised). The
claimer holds a lease (``job_lease_s``) and renews it while it works; a worker that is killed stops renewing, and once
the lease has run out the job is claimed again (at most ``job_max_attempts`` times). Nothing is half-written: the
documents are stored in one transaction (a retry finds them stored and goes on), an index is published by switching its
``CURRENT`` pointer once complete, and only the worker holding the lease may write the job's record.

The upload itself travels in the job row (``upload``, cleared at the end), so the worker needs no shared disk for it.
Stages and their share of the progress bar: ingest (parse + store) 0–0.2, index build (segment, embed) 0.2–1.0.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import shutil
import socket
import threading
import time
import uuid
from pathlib import Path

from sqlalchemy import and_, or_, select, update
from sqlalchemy.orm import Session, undefer

from api.accounts import as_utc, iso
from api.tables import JobRow
from corpus.law import LegalDocument
from corpus.loaders.isolated import document_from_dict, document_to_dict
from corpus.tables import utcnow

log = logging.getLogger("thuky.jobs")

_STAGE_SPAN = {"segment": (0.2, 0.5), "embed": (0.5, 1.0)}


def job_view(row: JobRow) -> dict:
    return {"id": row.id, "kind": row.kind, "corpus": row.corpus, "filename": row.filename,
            "username": row.username, "status": row.status, "progress": round(float(row.progress), 4),
            "message": row.message, "documents": list(row.documents or []), "created_at": iso(row.created_at),
            "finished_at": iso(row.finished_at), "attempts": row.attempts or 0}


class LeaseLost(Exception):
    """This worker no longer holds the job (its lease ran out and another worker took it): it stops writing."""


class Jobs:
    def __init__(self, services, worker_id: str | None = None):
        self.services = services
        self.engine = services.store.engine
        config = services.config
        self.lease = dt.timedelta(seconds=config.job_lease_s)
        self.max_attempts = config.job_max_attempts
        self.poll_s = config.job_poll_s
        self.worker_id = worker_id or f"{socket.gethostname()[:60]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    # -- the in-process worker (the server's own, when ``run_jobs``) ----------------------------------------------
    def start(self) -> None:
        if self.services.config.run_jobs and self._thread is None:
            self._stop.clear()
            self._thread = threading.Thread(target=self.run_forever, name="thuky-job", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        """Stop after the job under way (if any) is finished."""
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join()
            self._thread = None

    def run_forever(self) -> None:
        """Claim and run jobs until ``stop()``; idle, look again every ``job_poll_s`` (or when a job is submitted
        here)."""
        while not self._stop.is_set():
            try:
                ran = self.run_one()
            except Exception:  # noqa: BLE001 - the database may be away a moment: the worker keeps going
                log.exception("job worker %s: claiming a job failed", self.worker_id)
                ran = False
            if not ran:
                self._wake.wait(self.poll_s)
                self._wake.clear()

    def run_pending(self) -> int:
        """Run jobs until none can be claimed now; returns how many ran (``thuky worker --once``, tests)."""
        n = 0
        while self.run_one():
            n += 1
        return n

    # -- records --------------------------------------------------------------------------------------------------
    def _create(self, kind: str, corpus: str, username: str, filename: str | None, documents: list[str],
                message: str = "queued", payload: dict | None = None, upload: bytes | None = None) -> str:
        jid = str(uuid.uuid4())
        with Session(self.engine) as s, s.begin():
            s.add(JobRow(id=jid, kind=kind, corpus=corpus, username=username, filename=filename,
                         documents=documents, message=message, payload=payload, upload=upload, attempts=0))
        self._wake.set()
        return jid

    def _set(self, jid: str, **values) -> None:
        """Write the job's record — only while this worker holds it."""
        with Session(self.engine) as s, s.begin():
            n = s.execute(update(JobRow).where(JobRow.id == jid, JobRow.worker == self.worker_id,
                                               JobRow.status == "running").values(**values)).rowcount
        if n == 0:
            raise LeaseLost(jid)

    def get(self, jid: str) -> dict | None:
        with Session(self.engine) as s:
            row = s.get(JobRow, jid)
            return job_view(row) if row else None

    def list(self, limit: int = 50) -> list[dict]:
        with Session(self.engine) as s:
            return [job_view(r) for r in s.scalars(select(JobRow).order_by(JobRow.created_at.desc()).limit(limit))]

    # -- submitting -----------------------------------------------------------------------------------------------
    def submit_upload(self, corpus: str, staged: Path, filename: str, docs: list[LegalDocument],
                      username: str) -> str:
        """Queue the storing and indexing of an upload already parsed (once, by the caller): ``docs`` are its
        documents. The file and the documents go into the job's row; the staged copy is removed."""
        upload = staged.read_bytes()
        payload = {"documents": [document_to_dict(d) for d in docs]}
        jid = self._create("ingest", corpus, username, filename, [d.id for d in docs], payload=payload, upload=upload)
        shutil.rmtree(staged.parent, ignore_errors=True)
        return jid

    def submit_case_file(self, corpus: str, file_id: str, username: str) -> str:
        """Queue the processing of a case file recorded in its conversation (its pages wait in its own row, so the
        job carries nothing of it but its id — and no name: the jobs list is an administrator's)."""
        return self._create("casefile", corpus, username, None, [], payload={"file_id": file_id})

    def submit_reindex(self, corpus: str, username: str, reason: str) -> str:
        return self._create("reindex", corpus, username, None, [], message=reason)

    # -- claiming -------------------------------------------------------------------------------------------------
    def claim(self) -> JobRow | None:
        """Take the oldest job that is queued, or whose worker's lease has run out; None when there is none."""
        while True:
            now = utcnow()
            claimable = or_(JobRow.status == "queued", and_(JobRow.status == "running", JobRow.lease_until < now))
            with Session(self.engine) as s, s.begin():
                hit = s.execute(select(JobRow.id, JobRow.status, JobRow.attempts, JobRow.kind, JobRow.payload)
                                .where(claimable)
                                .order_by(JobRow.created_at).limit(1).with_for_update(skip_locked=True)).first()
                if hit is None:
                    return None
                if hit.status == "running" and (hit.attempts or 0) >= self.max_attempts:
                    s.execute(update(JobRow).where(JobRow.id == hit.id, claimable).values(
                        status="failed", finished_at=now, lease_until=None, upload=None,
                        message=f"failed: its worker stopped {hit.attempts} times before finishing it"))
                    self._count("failed")
                    if hit.kind == "casefile":
                        self.services.case_files.fail((hit.payload or {}).get("file_id", ""),
                                                      "failed: the worker stopped before finishing it")
                    continue
                won = s.execute(update(JobRow).where(JobRow.id == hit.id, claimable).values(
                    status="running", worker=self.worker_id, lease_until=now + self.lease,
                    attempts=JobRow.attempts + 1)).rowcount
            if won:
                with Session(self.engine) as s:
                    return s.scalar(select(JobRow).where(JobRow.id == hit.id).options(undefer(JobRow.upload)))

    def run_one(self) -> bool:
        """Claim one job and run it to its end; False when there was none to claim."""
        job = self.claim()
        if job is None:
            return False
        beat = threading.Event()
        heart = threading.Thread(target=self._heartbeat, args=(job.id, beat), name="thuky-job-lease", daemon=True)
        heart.start()
        try:
            if job.kind == "ingest":
                self._run_upload(job)
            elif job.kind == "casefile":
                self._run_case_file(job)
            else:
                self._run_reindex(job)
        except LeaseLost:
            log.warning("job %s: lease lost to another worker; this worker stopped writing it", job.id)
        finally:
            beat.set()
            heart.join()
        return True

    def _heartbeat(self, jid: str, done: threading.Event) -> None:
        """Renew the lease while the job runs (three times per lease)."""
        every = self.lease.total_seconds() / 3
        while not done.wait(every):
            try:
                with Session(self.engine) as s, s.begin():
                    s.execute(update(JobRow).where(JobRow.id == jid, JobRow.worker == self.worker_id,
                                                   JobRow.status == "running")
                              .values(lease_until=utcnow() + self.lease))
            except Exception:  # noqa: BLE001 - a missed renewal is retried; the lease has slack for two
                log.exception("job %s: could not renew the lease", jid)

    def lease_of(self, jid: str) -> dt.datetime | None:
        with Session(self.engine) as s:
            return as_utc(s.scalar(select(JobRow.lease_until).where(JobRow.id == jid)))

    # -- work -----------------------------------------------------------------------------------------------------
    def _count(self, status: str) -> None:
        self.services.metrics.jobs.labels(status).inc()

    def _finish(self, jid: str, status: str, message: str, **extra) -> None:
        self._set(jid, status=status, message=message, finished_at=utcnow(), lease_until=None, upload=None,
                  **({"progress": 1.0} if status == "done" else {}), **extra)
        self._count(status)

    def _run_upload(self, job: JobRow) -> None:
        from corpus.ingest import ingest_parsed

        svc, jid, corpus, filename = self.services, job.id, job.corpus, job.filename or "upload"
        staging = svc.uploads_dir / ".staging" / f"{jid}-{uuid.uuid4().hex[:8]}"
        try:
            self._set(jid, progress=0.02, message="ingesting")
            docs = [document_from_dict(d) for d in (job.payload or {}).get("documents", [])]
            staging.mkdir(parents=True)
            staged = staging / filename
            staged.write_bytes(job.upload or b"")
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
        except LeaseLost:
            raise
        except Exception as exc:  # noqa: BLE001 - a job reports its failure instead of dying silently
            log.exception("ingest job %s failed", jid)
            self._finish(jid, "failed", f"failed: {type(exc).__name__}: {exc}")
        finally:
            shutil.rmtree(staging, ignore_errors=True)

    def _run_case_file(self, job: JobRow) -> None:
        """Split, embed and read a case file (``assistant.case_file``): progress 0–1 as it goes."""
        from assistant.errors import SessionFileNotFound

        jid, file_id = job.id, (job.payload or {}).get("file_id", "")
        last = [0.0]

        def progress(frac: float, message: str) -> None:
            now = time.monotonic()
            if now - last[0] >= 0.5:
                last[0] = now
                self._set(jid, progress=min(0.99, frac), message=message)

        try:
            self._set(jid, progress=0.01, message="reading the case file")
            summary = self.services.case_files.process(file_id, progress)
            self._finish(jid, "done", summary, payload=None)
        except LeaseLost:
            raise
        except SessionFileNotFound as exc:
            self._finish(jid, "failed", f"failed: {exc}", payload=None)
        except Exception as exc:  # noqa: BLE001 - a job reports its failure instead of dying silently
            log.exception("case file job %s failed", jid)
            self.services.case_files.fail(file_id, f"failed: {type(exc).__name__}: {exc}")
            self._finish(jid, "failed", f"failed: {type(exc).__name__}: {exc}", payload=None)

    def _run_reindex(self, job: JobRow) -> None:
        try:
            self._set(job.id, progress=0.2)
            self._build_index(job.id, job.corpus, "re-indexed")
        except LeaseLost:
            raise
        except Exception as exc:  # noqa: BLE001
            log.exception("reindex job %s failed", job.id)
            self._finish(job.id, "failed", f"failed: {type(exc).__name__}: {exc}")

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
