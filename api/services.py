"""What one running app holds: the store, the loaded indexes, the assistant, accounts, audit, metrics, jobs.

The same resources as ``thuky.runtime``, bound to the app's own ``Settings`` instead of the process-wide ones, so a
test (or a second app in the same process) serves its own home. Heavy things load lazily and once; a corpus's index is
reloaded when its ``CURRENT`` pointer changes (a rebuild by this app, by ``thuky index build``, or by another worker).
"""

from __future__ import annotations

import contextvars
import datetime as dt
import threading
import time
from collections import OrderedDict
from pathlib import Path

from api import schema  # noqa: F401 - registers the service's tables on corpus.schema.Base before create_all
from api.accounts import Accounts, Principal
from api.audit import AuditLog
from api.metrics import Metrics
from api.ratelimit import RateLimiter
from assistant.conversation import ConversationStore
from corpus.schema import Base
from corpus.store import Store
from indexing.index import CorpusIndex, IndexError, corpus_root
from thuky.runtime import index_config, load_index, make_embedder, make_llm
from thuky.settings import Settings

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


class Services:
    def __init__(self, settings: Settings):
        self.settings = settings
        self.store = Store(settings.db_url)
        engine = self.store.engine
        Base.metadata.create_all(engine)
        self.accounts = Accounts(engine)
        self.conversations = CancellableConversations(engine)
        self.audit = AuditLog(engine)
        self.metrics = Metrics()
        self.limiter = RateLimiter(settings.rate_limit_per_minute, settings.rate_limit_burst)
        self.login_limiter = RateLimiter(settings.login_attempts_per_minute, settings.login_attempts_per_minute)
        self.principals = TTLCache(ttl=5.0)
        self.search_cache = TTLCache(ttl=300.0, size=256)  # pages 2, 3… of a search reuse its hits
        self._key_touched: dict[int, float] = {}
        self._indexes: dict[str, tuple[str, CorpusIndex]] = {}
        self._index_lock = threading.Lock()
        self._doc_dates: dict[tuple[str, str], dict[str, dt.date | None]] = {}
        self._excluded: dict[str, set[str]] = {}  # deleted documents still in the live index until it is rebuilt
        self.index_state: dict[str, str] = {}  # corpus → why its index is not loaded (for /readyz)
        self._embedder = None
        self._llm = None
        self.assistant = self._new_assistant()
        from api.jobs import Jobs

        self.jobs = Jobs(self)

    # -- lifecycle ------------------------------------------------------------------------------------------------
    def start(self) -> None:
        self.audit.start()
        self.jobs.start()

    def stop(self) -> None:
        self.jobs.stop()
        self.audit.stop()

    # -- models and indexes ---------------------------------------------------------------------------------------
    def embedder(self):
        if self._embedder is None:
            self._embedder = make_embedder(self.settings)
        return self._embedder

    def llm(self):
        if self._llm is None:
            self._llm = make_llm(self.settings)
        return self._llm

    def index_config(self):
        return index_config(self.settings)

    def _current(self, corpus: str) -> str | None:
        try:
            return (corpus_root(self.settings.home, corpus) / "CURRENT").read_text().strip()
        except OSError:
            return None

    def corpus_index(self, corpus: str) -> CorpusIndex:
        """The live index of a corpus (raises ``indexing.index.IndexError`` with a rebuild hint)."""
        current = self._current(corpus)
        cached = self._indexes.get(corpus)
        if cached is not None and cached[0] == current:
            return cached[1]
        with self._index_lock:
            cached = self._indexes.get(corpus)
            if cached is not None and cached[0] == current:
                return cached[1]
            if current is None:
                raise IndexError(f"no index for corpus {corpus!r}: build it with `thuky index build --corpus "
                                 f"{corpus}`")
            index = load_index(self.settings, self.store, corpus, self.embedder())
            self._indexes[corpus] = (current, index)
            return index

    def preload(self, corpus: str) -> None:
        """Load a corpus's index now (at start-up), remembering why when it cannot be."""
        self.index_state[corpus] = "loading"
        try:
            self.corpus_index(corpus)
            self.index_state[corpus] = "loaded"
        except Exception as exc:  # noqa: BLE001 - reported by /readyz; the server still serves health and auth
            self.index_state[corpus] = f"{type(exc).__name__}: {exc}"

    def loaded_index(self, corpus: str) -> CorpusIndex | None:
        """The index if it is loaded already (no loading)."""
        cached = self._indexes.get(corpus)
        return cached[1] if cached else None

    def index_for_assistant(self, corpus: str) -> CorpusIndex:
        check_cancelled()  # the client left before retrieval: stop here
        return self.corpus_index(corpus)

    def corpus_changed(self, corpus: str) -> None:
        """After an ingest, delete or rebuild: caches that depend on the corpus start again."""
        with self._index_lock:
            self._indexes.pop(corpus, None)
        self._doc_dates.clear()
        self.search_cache.clear()
        self.assistant = self._new_assistant()  # its "superseded documents" table is per corpus and cached

    def _new_assistant(self):
        from api.routes.cases import related_cases_for
        from assistant.pipeline import Assistant

        return Assistant(self.store, self.index_for_assistant, self.conversations, llm=self.llm(),
                         related_cases=related_cases_for(self))

    def corpus_exists(self, corpus: str) -> bool:
        return self._current(corpus) is not None or corpus in self.store.corpora()

    def doc_dates(self, index: CorpusIndex) -> dict[str, dt.date | None]:
        """doc id → issued date (ngày ban hành) for the documents of a loaded index."""
        key = (index.corpus, str(index.directory))
        if key not in self._doc_dates:
            docs = self.store.documents(index.corpus)
            self._doc_dates[key] = {d.doc_id: dt.date.fromisoformat(d.issued_date) if d.issued_date else None
                                    for d in docs}
        return self._doc_dates[key]

    def excluded(self, corpus: str) -> set[str]:
        return self._excluded.get(corpus, set())

    def exclude(self, corpus: str, doc_id: str) -> None:
        self._excluded.setdefault(corpus, set()).add(doc_id)

    def include_all(self, corpus: str) -> None:
        self._excluded.pop(corpus, None)

    # -- callers --------------------------------------------------------------------------------------------------
    def principal(self, secret: str) -> Principal | None:
        from api.accounts import digest

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

    def forget_principals(self) -> None:
        """After a logout, a revoked key or a disabled user: no cached identity outlives it in this process."""
        self.principals.clear()

    # -- paths ----------------------------------------------------------------------------------------------------
    @property
    def uploads_dir(self) -> Path:
        return Path(self.settings.home) / "uploads"

    def body_limit(self, method: str, path: str) -> int:
        if method == "POST" and path.rstrip("/") == "/v1/documents":
            return (self.settings.max_file_mb + 1) * 2**20
        if method == "POST" and path.rstrip("/") == "/v1/cases/similar":  # a judgment's facts: up to 4 bytes a char
            return self.settings.cases_max_facts_chars * 4 + self.settings.max_body_kb * 1024
        return self.settings.max_body_kb * 1024
