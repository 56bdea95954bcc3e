"""The rerank stage: a slot behind one small interface.

No cross-encoder weights exist offline, so the stage holds cheap signals that pay off. The one in use puts the units a
question names outright ("Điều 51 BLHS", "khoản 2 Điều 35 Bộ luật Tố tụng dân sự") first; a model-based reranker
(a cross-encoder a court has on disk) would implement the same ``rerank`` method.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol

from corpus.citations import parse_citations, resolve_citation
from indexing.types import ArticleRecord, Filters, Hit, Key, snippet


class Reranker(Protocol):
    """Reorders (and may add to) the hybrid's hits. A reranker may also declare ``depth`` (the index then fetches at
    least that many fused candidates for it) and ``takes_choices = True`` (the index then passes the question's
    answer choices as ``choices=``); see ``indexing/ranker.py``."""

    def rerank(self, query: str, hits: list[Hit], filters: Filters | None = None) -> list[Hit]: ...


class NamedUnitReranker:
    """Articles the query cites come first (and are added when retrieval missed them)."""

    def __init__(self, records: Mapping[Key, ArticleRecord], resolver):
        self.records, self.resolver = records, resolver

    def named_units(self, query: str, filters: Filters | None = None) -> list[Key]:
        if self.resolver is None:
            return []
        keys: list[Key] = []
        for c in parse_citations(query):
            if not c.article or c.relative:
                continue
            doc_id = resolve_citation(c, self.resolver, None)
            key = (doc_id, c.article)
            if doc_id and key in self.records and key not in keys:
                if filters is None or filters.matches(self.records[key]):
                    keys.append(key)
        return keys

    def rerank(self, query: str, hits: list[Hit], filters: Filters | None = None) -> list[Hit]:
        named = self.named_units(query, filters)
        if not named:
            return hits
        top = max((h.score for h in hits), default=0.0) + 1.0
        first = []
        for key in named:
            r = self.records[key]
            first.append(Hit(key=key, score=top, rank=0, doc_title=r.doc_title, title=r.title,
                             snippet=snippet(r.text), scores={"citation": 1.0}))
        return first + [h for h in hits if h.key not in set(named)]
