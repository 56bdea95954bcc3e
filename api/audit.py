"""The audit log (nhật ký truy cập): who asked what and when. A question is recorded, its answer never is.

Entries are written in batches by one background thread (a request never waits for the database to record it);
reading flushes first, so what an admin queries includes everything served before.
"""

from __future__ import annotations

import datetime as dt
import logging
import queue
import threading
from dataclasses import dataclass

from sqlalchemy import insert, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from api.accounts import iso
from api.tables import AuditRow

log = logging.getLogger("thuky.audit")
MAX_QUESTION_CHARS = 4000


@dataclass
class AuditEntry:
    at: dt.datetime
    username: str | None
    action: str
    method: str
    path: str
    status: int
    question: str | None = None
    client: str | None = None
    target: str | None = None  # the user acted upon when it is not the actor (an admin making a judge's key)


class AuditLog:
    def __init__(self, engine: Engine, flush_every_s: float = 0.5):
        self.engine = engine
        self._queue: queue.Queue[AuditEntry] = queue.Queue()
        self._flush_lock = threading.Lock()
        self._stop = threading.Event()
        self._every = flush_every_s
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self._thread is None:
            self._stop.clear()
            self._thread = threading.Thread(target=self._run, name="thuky-audit", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None
        self.flush()

    def record(self, entry: AuditEntry) -> None:
        if entry.question is not None:
            entry.question = entry.question[:MAX_QUESTION_CHARS]
        self._queue.put(entry)
        if self._thread is None:  # no writer thread (e.g. a script): write now
            self.flush()

    def _run(self) -> None:
        while not self._stop.wait(self._every):
            try:
                self.flush()
            except Exception:  # noqa: BLE001 - keep the writer alive; the entries stay queued for the next try
                log.exception("could not write audit entries")

    def flush(self) -> int:
        with self._flush_lock:
            batch: list[AuditEntry] = []
            while True:
                try:
                    batch.append(self._queue.get_nowait())
                except queue.Empty:
                    break
            if not batch:
                return 0
            try:
                with Session(self.engine) as s, s.begin():
                    s.execute(insert(AuditRow), [e.__dict__ for e in batch])
            except Exception:
                for e in batch:  # nothing is lost: try again on the next flush
                    self._queue.put(e)
                raise
            return len(batch)

    def query(self, username: str | None = None, since: dt.datetime | None = None, action: str | None = None,
              limit: int = 100) -> list[dict]:
        self.flush()
        with Session(self.engine) as s:
            q = select(AuditRow).order_by(AuditRow.id.desc()).limit(limit)
            if username:
                q = q.where(AuditRow.username == username)
            if since is not None:
                q = q.where(AuditRow.at >= since)
            if action:
                q = q.where(AuditRow.action == action)
            return [{"at": iso(r.at), "username": r.username, "action": r.action, "method": r.method,
                     "path": r.path, "question": r.question, "status": r.status, "client": r.client,
                     "target": r.target}
                    for r in s.scalars(q)]
