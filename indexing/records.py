"""The articles a loaded index shows and ranks, looked up by key (``(document_id, article_no)``).

The embedded index holds them all in memory (:class:`InMemoryArticles`, read with its BM25 files); the Milvus index
fetches the ones a query needs from the collection and keeps the most recently used (``indexing/milvus.py``), so an
API worker's memory does not grow with the corpus. Both are read-only ``Mapping``\\ s with two additions: ``many``
(one round trip for a page of hits) and ``documents`` (document number → title, what the query analyser and the
API's delete checks read).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import TypeVar

from indexing.types import ArticleRecord, Key

K = TypeVar("K")
V = TypeVar("V")


class ArticleLookup(Mapping[Key, ArticleRecord]):
    """Articles by key. ``many(keys)`` returns the ones found (a missing key is left out, never an error)."""

    documents: Mapping[str, str]

    def many(self, keys: Iterable[Key]) -> dict[Key, ArticleRecord]:
        return {k: r for k in keys if (r := self.get(k)) is not None}


class InMemoryArticles(ArticleLookup):
    """Every article of an index, in corpus order."""

    def __init__(self, records: Iterable[ArticleRecord]):
        self._by_key = {r.key: r for r in records}
        self.documents = {r.doc_id: r.doc_title for r in self._by_key.values()}

    def __getitem__(self, key: Key) -> ArticleRecord:
        return self._by_key[key]

    def __contains__(self, key: object) -> bool:
        return key in self._by_key

    def __iter__(self) -> Iterator[Key]:
        return iter(self._by_key)

    def __len__(self) -> int:
        return len(self._by_key)


class Fetched(Mapping[K, V]):
    """Values fetched on demand by ``fetch(keys) -> {key: value}`` and kept, the ``capacity`` most recently used;
    ``count`` is how many there are (from the build), ``keys`` iterates the engine's keys (a scan)."""

    def __init__(self, fetch: Callable[[list[K]], dict[K, V]], count: int, keys: Callable[[], Iterator[K]],
                 capacity: int = 4096):
        self._fetch, self._count, self._keys, self.capacity = fetch, count, keys, capacity
        self._cache: OrderedDict[K, V] = OrderedDict()
        self._lock = threading.Lock()

    def many(self, keys: Iterable[K]) -> dict[K, V]:
        """The values of ``keys`` that exist, in the order asked (one round trip for the ones not held)."""
        keys = list(dict.fromkeys(keys))
        out: dict[K, V] = {}
        with self._lock:
            for k in keys:
                if k in self._cache:
                    self._cache.move_to_end(k)
                    out[k] = self._cache[k]
        missing = [k for k in keys if k not in out]
        if missing:
            fetched = self._fetch(missing)
            with self._lock:
                for k, v in fetched.items():
                    self._cache[k] = v
                    self._cache.move_to_end(k)
                while len(self._cache) > self.capacity:
                    self._cache.popitem(last=False)
            out.update(fetched)
        return {k: out[k] for k in keys if k in out}

    def __getitem__(self, key: K) -> V:
        found = self.many([key])
        if key not in found:
            raise KeyError(key)
        return found[key]

    def __contains__(self, key: object) -> bool:
        try:
            hash(key)
        except TypeError:
            return False
        return bool(self.many([key]))  # type: ignore[list-item]

    def __iter__(self) -> Iterator[K]:
        return self._keys()

    def __len__(self) -> int:
        return self._count

    def cached(self) -> int:
        """How many values are held now (at most ``capacity``)."""
        return len(self._cache)


class FetchedArticles(Fetched[Key, ArticleRecord], ArticleLookup):
    """Articles fetched from the search engine as queries need them; ``documents`` are the index's (from its build)."""

    def __init__(self, fetch: Callable[[list[Key]], dict[Key, ArticleRecord]], count: int,
                 documents: Mapping[str, str], keys: Callable[[], Iterator[Key]], capacity: int = 4096):
        super().__init__(fetch, count, keys, capacity)
        self.documents = documents
