"""Vietnamese word segmentation for the lexical index: NFC → tone-mark placement (``corpus.text.normalize_tones``) →
underthesea → lowercase tokens.

Multi-syllable words are joined with ``_`` ("ma_túy", "quản_lý_nhà_nước"); one-letter tokens ("a", "b" — point
letters) and tone marks are kept; tokens made only of punctuation are dropped. Segmentation is the slow step of
indexing (about 80 articles/s per core), so results are cached by a hash of the text — in memory and, when a
``cache_path`` is given, in an append-only JSON-lines file — and large batches run on a process pool.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from corpus.text import nfc, normalize_tones


def _is_word(token: str) -> bool:
    return any(ch.isalnum() for ch in token)


def tokenize(text: str) -> list[str]:
    """Segment one text (no cache): the function the worker processes run."""
    from underthesea import word_tokenize

    text = normalize_tones(text)
    out = []
    for tok in word_tokenize(text):
        tok = tok.strip().lower()
        if _is_word(tok):
            out.append("_".join(tok.split()))
    return out


def _tokenize_batch(texts: Sequence[str]) -> list[list[str]]:
    return [tokenize(t) for t in texts]


def text_key(text: str) -> str:
    """The cache key: a hash of the NFC text."""
    return hashlib.blake2b(nfc(text).encode("utf-8"), digest_size=16).hexdigest()


class Segmenter:
    """Word segmentation with a content-hash cache.

    ``Segmenter(cache_path=...)`` loads earlier results from a JSON-lines file (one ``{"k": hash, "t": tokens}`` a line)
    and appends every new result to it, so an unchanged text is segmented once across runs. ``max_entries`` bounds the
    in-memory cache (the oldest results go first): a serving process's query segmenter, whose cache would otherwise
    grow with every new question.
    """

    def __init__(self, cache_path: str | Path | None = None, parallel_threshold: int = 64,
                 max_entries: int | None = None):
        self.cache_path = Path(cache_path) if cache_path else None
        self.parallel_threshold = parallel_threshold
        self.max_entries = max_entries
        self._cache: dict[str, list[str]] = {}
        self.hits = 0
        self.misses = 0
        if self.cache_path and self.cache_path.exists():
            with self.cache_path.open(encoding="utf-8") as f:
                for line in f:
                    try:
                        row = json.loads(line)
                    except json.JSONDecodeError:  # a torn last line from an interrupted run
                        continue
                    self._cache[row["k"]] = row["t"]

    def __len__(self) -> int:
        return len(self._cache)

    def missing(self, texts: Sequence[str]) -> dict[str, str]:
        """The texts not in the cache, by cache key (each once, in first-seen order): what a build must segment."""
        out: dict[str, str] = {}
        for t in texts:
            k = text_key(t)
            if k not in self._cache and k not in out:
                out[k] = t
        return out

    def add(self, items: Iterable[tuple[str, list[str]]]) -> None:
        """Store results segmented elsewhere (``(cache key, tokens)``), in memory and in the cache file."""
        items = list(items)
        for k, toks in items:
            self._cache[k] = toks
        if self.max_entries is not None and len(self._cache) > self.max_entries:
            for k in list(self._cache)[: len(self._cache) - self.max_entries]:
                del self._cache[k]
        if self.cache_path and items:
            self.cache_path.parent.mkdir(parents=True, exist_ok=True)
            with self.cache_path.open("a", encoding="utf-8") as f:
                for k, toks in items:
                    f.write(json.dumps({"k": k, "t": toks}, ensure_ascii=False) + "\n")

    def segment(self, text: str) -> list[str]:
        """Tokens of one text (cached)."""
        k = text_key(text)
        toks = self._cache.get(k)
        if toks is not None:
            self.hits += 1
            return list(toks)
        self.misses += 1
        toks = tokenize(text)
        self.add([(k, toks)])
        return list(toks)

    __call__ = segment

    def segment_many(self, texts: Sequence[str], workers: int = 2) -> list[list[str]]:
        """Tokens of many texts, in order. Texts not in the cache are segmented once each (duplicates included), on
        ``workers`` processes when there are at least ``parallel_threshold`` of them."""
        keys = [text_key(t) for t in texts]
        todo = self.missing(texts)
        known = {k: self._cache[k] for k in keys if k in self._cache}
        self.hits += len(texts) - len(todo)
        self.misses += len(todo)
        if todo:
            todo_keys, todo_texts = list(todo), list(todo.values())
            if workers > 1 and len(todo_texts) >= self.parallel_threshold:
                n = max(1, len(todo_texts) // (workers * 8))
                chunks = [todo_texts[i:i + n] for i in range(0, len(todo_texts), n)]
                with ProcessPoolExecutor(max_workers=workers) as pool:
                    results = [toks for batch in pool.map(_tokenize_batch, chunks) for toks in batch]
            else:
                results = _tokenize_batch(todo_texts)
            self.add(zip(todo_keys, results))
            known.update(zip(todo_keys, results))
        return [list(known[k]) for k in keys]
