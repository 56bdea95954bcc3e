"""A content-addressed cache of passage vectors, one SQLite file per model: unchanged pieces are never embedded
twice."""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

#: texts per call of the embedding function; with int8 encoders (activation scales computed per call) the vectors depend
#: on which texts share a call, so every path that fills the cache embeds the same chunks
CHUNK = 256


def text_hash(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


class VectorCache:
    def __init__(self, path: Path, dim: int):
        self.path = path
        self.dim = dim
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(str(path))
        self._db.execute("CREATE TABLE IF NOT EXISTS vectors (hash TEXT PRIMARY KEY, vec BLOB NOT NULL)")

    def get_many(self, hashes: Sequence[str]) -> dict[str, np.ndarray]:
        found: dict[str, np.ndarray] = {}
        for i in range(0, len(hashes), 500):
            chunk = list(hashes[i:i + 500])
            q = f"SELECT hash, vec FROM vectors WHERE hash IN ({','.join('?' * len(chunk))})"  # noqa: S608 - only "?" placeholders
            for h, blob in self._db.execute(q, chunk):
                found[h] = np.frombuffer(blob, dtype=np.float32)
        return found

    def missing(self, texts: Sequence[str]) -> dict[str, str]:
        """The texts without a cached vector, by hash (each once, in first-seen order): what ``embed`` embeds, in
        that order."""
        hashes = list(dict.fromkeys(text_hash(t) for t in texts))
        have: set[str] = set()
        for i in range(0, len(hashes), 500):
            chunk = hashes[i:i + 500]
            q = f"SELECT hash FROM vectors WHERE hash IN ({','.join('?' * len(chunk))})"  # noqa: S608 - only "?" placeholders
            have.update(h for (h,) in self._db.execute(q, chunk))
        out: dict[str, str] = {}
        for t in texts:
            h = text_hash(t)
            if h not in have and h not in out:
                out[h] = t
        return out

    def put_many(self, items: dict[str, np.ndarray]) -> None:
        with self._db:
            self._db.executemany("INSERT OR REPLACE INTO vectors VALUES (?, ?)",
                                 [(h, np.asarray(v, dtype=np.float32).tobytes()) for h, v in items.items()])

    def embed(self, texts: Sequence[str], embed_fn: Callable[[list[str]], np.ndarray],
              on_progress: Callable[[int], None] | None = None, batch: int = CHUNK) -> tuple[np.ndarray, int]:
        """Vectors for ``texts``, embedding only those not cached. Returns (matrix, how many were embedded)."""
        todo = list(self.missing(texts).items())
        for start in range(0, len(todo), batch):
            chunk = todo[start:start + batch]
            vecs = embed_fn([t for _, t in chunk])
            self.put_many({h: v for (h, _), v in zip(chunk, vecs)})
            if on_progress:
                on_progress(len(chunk))
        hashes = [text_hash(t) for t in texts]
        cached = self.get_many(list(dict.fromkeys(hashes)))
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i, h in enumerate(hashes):
            out[i] = cached[h]
        return out, len(todo)

    def close(self) -> None:
        self._db.close()
