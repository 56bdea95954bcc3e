"""What one running app holds: the store, the loaded indexes, the assistant, accounts, audit, metrics, jobs.

The heavy objects — store, index registry, embedder, LLM, case law, the assistant — come from a :class:`Backend` that
the composition root (``thuky.runtime.Runtime``) builds from the settings and hands in; the service's own knobs are a
:class:`api.config.ServiceConfig`. A test (or a second app in the same process) builds its own and serves its own
home. A corpus's index is reloaded when its ``CURRENT`` pointer changes (a rebuild by this app, by ``thuky index
build``, or by another worker).
"""

from __future__ import annotations

import contextvars
import dataclasses
import logging
import datetime as dt
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path
from typing import Protocol

from api.accounts import Accounts, Principal, digest
from api.audit import AuditLog
from api.client_address import client_address, parse_networks
from api.config import ServiceConfig
from api.jobs import Jobs
from api.metrics import Metrics
from api.ratelimit import ConcurrencyLimit, DatabaseRateLimiter, RateLimiter
from assistant.case_file.service import CaseFiles
from assistant.cases import CaseLaw
from assistant.conversation import ConversationStore
from assistant.pipeline import Assistant
from corpus.loaders.isolated import ParseLimits
from corpus.store import Store
from indexing.index import CorpusIndex, IndexConfig
from indexing.registry import IndexRegistry
from indexing.types import Filters

log = logging.getLogger("thuky.api")

#: set (in the worker thread) to the request's cancel event; checked between the assistant's stages
CANCEL: contextvars.ContextVar[threading.Event | None] = contextvars.ContextVar("thuky_cancel", default=None)


class Cancelled(Exception):
    """The client went away: the work stopped at the next stage boundary, nothing was stored."""


def check_cancelled() -> None:
    ev = CANCEL.get()
    if ev is not None and ev.is_set():
        raise Cancelled()


class CancellableConversations(ConversationStore):
    """Conversations that refuse to store a turn for a client that has disconnected."""

    def create(self, corpus: str, owner: str | None = None, title: str = "") -> str:
        check_cancelled()
        return super().create(corpus, owner, title)

    def append(self, cid: str, question: str, standalone: str | None, answer: dict, owner: str | None = None) -> None:
        check_cancelled()
        super().append(cid, question, standalone, answer, owner)


class TTLCache:
    """A small thread-safe map whose entries live ``ttl`` seconds (and at most ``size`` of them)."""

    def __init__(self, ttl: float, size: int = 10_000):
        self.ttl, self.size = ttl, size
        self._d: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key):
        with self._lock:
            hit = self._d.get(key)
            if hit is None or hit[0] < time.monotonic():
                self._d.pop(key, None)
                return None
            self._d.move_to_end(key)
            return hit[1]

    def put(self, key, value) -> None:
        with self._lock:
            self._d[key] = (time.monotonic() + self.ttl, value)
            self._d.move_to_end(key)
            while len(self._d) > self.size:
                self._d.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._d.clear()


class WithoutDocuments:
    """A loaded index seen without some documents: every search leaves them out (the rest is the index itself)."""

    def __init__(self, index: CorpusIndex, hidden: frozenset[str]):
        self._index = index
        self.hidden = hidden

    def __getattr__(self, name: str):
        return getattr(self._index, name)

    def search(self, query: str, k: int = 10, filters: Filters | None = None, **kwargs) -> list:
        merged = dataclasses.replace(filters or Filters(), exclude_doc_ids=self.hidden | set(
            (filters.exclude_doc_ids or ()) if filters else ()))
        return self._index.search(query, k, merged, **kwargs)


class Backend(Protocol):
    """What the composition root hands the service: built once, heavy parts loaded lazily."""

    store: Store
    indexes: IndexRegistry

    def embedder(self): ...

    def index_config(self) -> IndexConfig: ...

    def case_law(self) -> CaseLaw: ...

    def case_files(self) -> CaseFiles: ...

    def assistant(self, *, index_for: Callable[[str], CorpusIndex] | None = None,
                  conversations: ConversationStore | None = None,
                  checkpoint: Callable[[], None] | None = None) -> Assistant: ...


class Services:
    def __init__(self, config: ServiceConfig, backend: Backend):
        self.config = config
        self.backend = backend
        self.store = backend.store
        self.indexes = backend.indexes
        engine = self.store.engine  # opening it migrates (SQLite) or checks (a server database) the schema
        self.accounts = Accounts(engine)
        self.conversations = CancellableConversations(engine)
        self.audit = AuditLog(engine)
        self.metrics = Metrics()
        limiter = self._rate_limiter(engine)
        self.limiter = limiter(config.rate_limit_per_minute, config.rate_limit_burst)
        self.login_limiter = limiter(config.login_attempts_per_minute, config.login_attempts_per_minute)
        self.account_login_limiter = limiter(config.login_attempts_per_account_per_minute,
                                             config.login_attempts_per_account_per_minute)
        self.chats_in_flight = ConcurrencyLimit(config.max_chats_in_flight_per_user)
        self.trusted_proxies = parse_networks(config.trusted_proxies)
        # Per-process caches, safe with replicas: a credential revoked through another replica stops working here
        # within the 5 s the identity is cached (the replica that revoked it forgets at once); cached search hits
        # are keyed by the index build they came from, and documents deleted anywhere are removed from them on
        # every read (``hidden_documents`` asks the database). Jobs and deletes themselves live only in the database.
        self.principals = TTLCache(ttl=5.0)
        self.search_cache = TTLCache(ttl=300.0, size=256)  # pages 2, 3… of a search reuse its hits
        self._key_touched: dict[int, float] = {}
        self._doc_dates: dict[tuple[str, str], dict[str, dt.date | None]] = {}
        self._index_docs: dict[tuple[str, str], frozenset[str]] = {}
        self.index_state: dict[str, str] = {}  # corpus → why its index is not loaded (for /readyz)
        self.case_files = backend.case_files()
        self.assistant = self._new_assistant()
        self.jobs = Jobs(self)

    def _rate_limiter(self, engine) -> Callable[[int, int], RateLimiter]:
        """Buckets in the database when it is shared — a server database, or several server processes on one
        SQLite file — so no replica grants what another has spent; in this process otherwise (the embedded default:
        exact, and no write per request)."""
        if engine.dialect.name != "sqlite" or self.config.workers > 1:
            return lambda per_minute, burst: DatabaseRateLimiter(engine, per_minute, burst)
        return RateLimiter

    # -- lifecycle ------------------------------------------------------------------------------------------------
    def start(self) -> None:
        self.audit.start()
        self.jobs.start()

    def stop(self) -> None:
        self.jobs.stop()
        self.audit.stop()

    # -- models and indexes ---------------------------------------------------------------------------------------
    def embedder(self):
        return self.backend.embedder()

    def index_config(self) -> IndexConfig:
        return self.backend.index_config()

    def case_law(self) -> CaseLaw:
        return self.backend.case_law()

    def corpus_index(self, corpus: str) -> CorpusIndex:
        """The live index of a corpus (raises ``indexing.index.IndexUnavailable`` with a rebuild hint)."""
        return self.indexes.get(corpus)

    def preload(self, corpus: str) -> None:
        """Load a corpus's index now (at start-up), remembering why when it cannot be."""
        from indexing.index import IndexUnavailable

        self.index_state[corpus] = "loading"
        try:
            self.corpus_index(corpus)
            self.index_state[corpus] = "loaded"
        except IndexUnavailable as exc:  # /readyz says so in general words; the detail (paths…) goes to the log
            log.warning("index of %r not available: %s", corpus, exc)
            self.index_state[corpus] = "no index built yet, or it cannot be used; see the server log"
        except Exception:  # noqa: BLE001 - reported by /readyz; the server still serves health and auth
            log.exception("index of %r failed to load", corpus)
            self.index_state[corpus] = "failed to load; see the server log"

    def loaded_index(self, corpus: str) -> CorpusIndex | None:
        """The index if it is loaded already (no loading)."""
        return self.indexes.loaded(corpus)

    def index_for_assistant(self, corpus: str) -> CorpusIndex:
        check_cancelled()  # the client left before retrieval: stop here
        return self.readable_index(corpus)

    def readable_index(self, corpus: str) -> CorpusIndex:
        """The live index, leaving out the documents deleted since it was built (read from the database on every
        call, so a delete in another worker, or before a restart, holds here too)."""
        index = self.corpus_index(corpus)
        hidden = self.hidden_documents(index)
        return WithoutDocuments(index, hidden) if hidden else index

    def hidden_documents(self, index: CorpusIndex) -> frozenset[str]:
        """The documents of a loaded index that have been deleted since it was built."""
        key = (index.corpus, str(index.directory))
        docs = self._index_docs.get(key)
        if docs is None:  # read once per build; a job thread may clear the table meanwhile (corpus_changed)
            docs = self._index_docs[key] = frozenset(index.records.documents)
        return frozenset(self.store.deleted_ids(index.corpus) & docs)

    def corpus_changed(self, corpus: str) -> None:
        """After an ingest, delete or rebuild: caches that depend on the corpus start again."""
        self.indexes.forget(corpus)
        self._doc_dates.clear()
        self._index_docs.clear()
        self.search_cache.clear()
        self.assistant = self._new_assistant()  # its validity table is per corpus and cached

    def validities(self, corpus: str) -> dict:
        """doc id → Validity (corpus/validity.py) of a corpus, cached until the corpus changes."""
        return self.assistant.validities(corpus)

    def _new_assistant(self) -> Assistant:
        return self.backend.assistant(index_for=self.index_for_assistant, conversations=self.conversations,
                                      checkpoint=check_cancelled)

    def corpus_exists(self, corpus: str) -> bool:
        return self.indexes.current(corpus) is not None or corpus in self.store.corpora()

    def doc_dates(self, index: CorpusIndex) -> dict[str, dt.date | None]:
        """doc id → issued date (ngày ban hành) for the documents of a loaded index."""
        key = (index.corpus, str(index.directory))
        if key not in self._doc_dates:
            docs = self.store.documents(index.corpus)
            self._doc_dates[key] = {d.doc_id: dt.date.fromisoformat(d.issued_date) if d.issued_date else None
                                    for d in docs}
        return self._doc_dates[key]

    # -- callers --------------------------------------------------------------------------------------------------
    def principal(self, secret: str) -> Principal | None:
        key = digest(secret)
        hit = self.principals.get(key)
        if hit is not None:
            return hit
        p = self.accounts.resolve(secret)
        if p is not None:
            self.principals.put(key, p)
            if p.via == "key":
                now = time.monotonic()
                if now - self._key_touched.get(p.credential_id, -1e9) > 60:
                    self._key_touched[p.credential_id] = now
                    self.accounts.touch_key(p.credential_id)
        return p

    def client_address(self, scope: dict) -> str:
        """The caller's address: the peer, or what a trusted proxy forwarded (see ``api.client_address``)."""
        peer = scope.get("client")
        return client_address(peer[0] if peer else None, scope.get("headers", []), self.trusted_proxies)

    def forget_principals(self) -> None:
        """After a logout, a revoked key or a disabled user: no cached identity outlives it in this process."""
        self.principals.clear()

    # -- paths ----------------------------------------------------------------------------------------------------
    @property
    def uploads_dir(self) -> Path:
        return self.config.uploads_dir

    def parse_limits(self) -> ParseLimits:
        """The limits an uploaded file is parsed under (in a child process)."""
        c = self.config
        return ParseLimits(memory_mb=c.parse_memory_mb, timeout_s=c.parse_timeout_s,
                           max_unzipped_mb=c.parse_max_unzipped_mb)

    def body_limit(self, method: str, path: str) -> int:
        if method == "POST" and path.rstrip("/") == "/v1/documents":
            return (self.config.max_file_mb + 1) * 2**20
        if method == "POST" and path.startswith("/v1/sessions/") and path.rstrip("/").endswith("/files"):
            return (self.config.case_file_max_mb + 1) * 2**20
        if method == "POST" and path.rstrip("/") == "/v1/cases/similar":  # a judgment's facts: up to 4 bytes a char
            return self.config.cases_max_facts_chars * 4 + self.config.max_body_kb * 1024
        return self.config.max_body_kb * 1024
