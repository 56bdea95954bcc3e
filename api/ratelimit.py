"""Limits per caller: a token bucket per key (``burst`` requests at once, then ``per_minute``) and a cap on the work
one caller may have under way at once.

Where the buckets live is chosen by ``api.services``: :class:`RateLimiter` keeps them in the process (the embedded
default — one server process owns its SQLite file, and a request costs no write); :class:`DatabaseRateLimiter` keeps
them in the shared database, so every replica and worker process draws from the same bucket (PostgreSQL, or several
server processes).

:class:`ConcurrencyLimit` stays in the process on purpose: it guards this process's own threads (the chats it is
answering right now), and a count kept in the database would outlive a killed process and lock a user out.
"""

from __future__ import annotations

import math
import threading
import time

from sqlalchemy import select, update
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session


class RateLimiter:
    def __init__(self, per_minute: int, burst: int, max_keys: int = 100_000):
        self.rate = per_minute / 60.0
        self.burst = max(1, burst)
        self.enabled = per_minute > 0
        self.max_keys = max_keys
        self._buckets: dict[str, tuple[float, float]] = {}  # key → (tokens, last refill time)
        self._lock = threading.Lock()

    def hit(self, key: str, now: float | None = None) -> float:
        """Take one request from ``key``'s bucket. Returns 0 when allowed, else the seconds to wait."""
        if not self.enabled:
            return 0.0
        now = time.monotonic() if now is None else now
        with self._lock:
            tokens, last = self._buckets.get(key, (float(self.burst), now))
            tokens = min(float(self.burst), tokens + (now - last) * self.rate)
            if tokens >= 1.0:
                self._buckets[key] = (tokens - 1.0, now)
                return 0.0
            self._buckets[key] = (tokens, now)
            if len(self._buckets) > self.max_keys:  # forget the idle: they are full again anyway
                self._buckets = {k: v for k, v in self._buckets.items() if now - v[1] < self.burst / self.rate}
            return (1.0 - tokens) / self.rate

    @staticmethod
    def retry_after(wait_s: float) -> str:
        return str(max(1, math.ceil(wait_s)))


class DatabaseRateLimiter(RateLimiter):
    """The same token buckets, one row each in ``rate_limits``, read and written under a row lock (``SELECT … FOR
    UPDATE`` on PostgreSQL; SQLite serialises writers), so every process sharing the database sees one bucket. Times
    are wall-clock seconds (replicas' clocks are assumed NTP-synchronised; a skew of a second refills one second)."""

    def __init__(self, engine: Engine, per_minute: int, burst: int, max_keys: int = 100_000):
        super().__init__(per_minute, burst, max_keys)
        self.engine = engine

    def hit(self, key: str, now: float | None = None) -> float:
        from api.tables import RateLimitRow

        if not self.enabled:
            return 0.0
        now = time.time() if now is None else now
        key = key[:200]
        insert = _insert_ignoring_conflicts(self.engine)
        with Session(self.engine) as s, s.begin():
            s.execute(insert(RateLimitRow).values(key=key, tokens=float(self.burst), updated_at=now)
                      .on_conflict_do_nothing(index_elements=["key"]))
            tokens, last = s.execute(select(RateLimitRow.tokens, RateLimitRow.updated_at)
                                     .where(RateLimitRow.key == key).with_for_update()).one()
            tokens = min(float(self.burst), tokens + max(0.0, now - last) * self.rate)
            wait = 0.0 if tokens >= 1.0 else (1.0 - tokens) / self.rate
            s.execute(update(RateLimitRow).where(RateLimitRow.key == key)
                      .values(tokens=tokens - 1.0 if tokens >= 1.0 else tokens, updated_at=now))
        return wait


def _insert_ignoring_conflicts(engine: Engine):
    """The dialect's INSERT, which has ``on_conflict_do_nothing`` (PostgreSQL and SQLite both do)."""
    if engine.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert


class ConcurrencyLimit:
    """At most ``limit`` things under way per key (0: no limit). ``acquire`` says whether one more may start; every
    successful ``acquire`` is paired with one ``release``."""

    def __init__(self, limit: int):
        self.limit = limit
        self._running: dict[str, int] = {}
        self._lock = threading.Lock()

    def acquire(self, key: str) -> bool:
        with self._lock:
            n = self._running.get(key, 0)
            if self.limit > 0 and n >= self.limit:
                return False
            self._running[key] = n + 1
            return True

    def release(self, key: str) -> None:
        with self._lock:
            n = self._running.get(key, 0) - 1
            if n > 0:
                self._running[key] = n
            else:
                self._running.pop(key, None)

    def running(self, key: str) -> int:
        with self._lock:
            return self._running.get(key, 0)
