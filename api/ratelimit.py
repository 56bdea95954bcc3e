"""Limits per caller: a token bucket per key (``burst`` requests at once, then ``per_minute``) and a cap on the work
one caller may have under way at once.

In-process state: with several workers each enforces the limit on its own (the effective limit is per worker).
"""

from __future__ import annotations

import math
import threading
import time


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
