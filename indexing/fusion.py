"""Combining ranked lists from several retrievers, as pure functions over ``[(key, score), …]`` lists (best first).

- ``rrf``: reciprocal rank fusion, Σ wᵢ / (k + rankᵢ) — needs no score calibration.
- ``weighted_fusion``: Σ wᵢ · norm(scoreᵢ) with min-max or z-score normalisation per list; a key missing from a list
  gets that list's floor (0 after min-max, the list's lowest z after z-score).
- ``boost_docs``: multiply the scores of the articles of some documents (a soft preference for a law named in the
  question), then re-sort.

``HybridRetriever`` puts them together behind the ``Retriever`` protocol: BM25 ∥ dense → fusion → law boost.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping, Sequence

import numpy as np

from indexing.query import QueryAnalyzer
from indexing.records import ArticleLookup, InMemoryArticles
from indexing.types import Filters, Hit, snippet

Ranked = Sequence[tuple[Hashable, float]]


def _sorted(scores: Mapping[Hashable, float], order: Mapping[Hashable, int]) -> list[tuple[Hashable, float]]:
    # ties keep the order in which keys were first seen, so results are deterministic
    return sorted(scores.items(), key=lambda kv: (-kv[1], order[kv[0]]))


def rrf(lists: Sequence[Ranked], k: float = 60.0, weights: Sequence[float] | None = None,
        depth: int | None = None) -> list[tuple[Hashable, float]]:
    """Reciprocal rank fusion: score(d) = Σᵢ wᵢ / (k + rankᵢ(d)), ranks 1-based; only the first ``depth`` of each
    list count (all when ``None``)."""
    weights = list(weights) if weights is not None else [1.0] * len(lists)
    scores: dict[Hashable, float] = {}
    order: dict[Hashable, int] = {}
    for w, ranked in zip(weights, lists):
        for rank, (key, _) in enumerate(ranked[:depth] if depth else ranked, 1):
            order.setdefault(key, len(order))
            scores[key] = scores.get(key, 0.0) + w / (k + rank)
    return _sorted(scores, order)


def normalize(scores: Sequence[float], method: str = "minmax") -> list[float]:
    """Min-max to [0, 1] (all equal → all 1) or z-score (σ = 0 → all 0)."""
    if not len(scores):
        return []
    a = np.asarray(scores, dtype=np.float64)
    if method == "minmax":
        lo, hi = a.min(), a.max()
        return ([1.0] * len(a)) if hi - lo <= 1e-12 else ((a - lo) / (hi - lo)).tolist()
    if method == "zscore":
        sd = a.std()
        return ([0.0] * len(a)) if sd <= 1e-12 else ((a - a.mean()) / sd).tolist()
    raise ValueError(f"unknown normalisation {method!r} (minmax, zscore)")


def weighted_fusion(lists: Sequence[Ranked], weights: Sequence[float] | None = None, method: str = "minmax",
                    depth: int | None = None) -> list[tuple[Hashable, float]]:
    """score(d) = Σᵢ wᵢ · normᵢ(d), each list normalised on its own first ``depth`` entries."""
    weights = list(weights) if weights is not None else [1.0] * len(lists)
    normed: list[dict[Hashable, float]] = []
    floors: list[float] = []
    order: dict[Hashable, int] = {}
    for ranked in lists:
        ranked = list(ranked[:depth] if depth else ranked)
        ns = normalize([s for _, s in ranked], method)
        normed.append({key: n for (key, _), n in zip(ranked, ns)})
        floors.append(min(ns) if (ns and method == "zscore") else 0.0)
        for key, _ in ranked:
            order.setdefault(key, len(order))
    scores = {key: sum(w * nd.get(key, fl) for w, nd, fl in zip(weights, normed, floors)) for key in order}
    return _sorted(scores, order)


def boost_docs(ranked: Ranked, doc_ids: Sequence[str], factor: float,
               doc_of: Callable[[Hashable], str] = lambda key: key[0]) -> list[tuple[Hashable, float]]:
    """Multiply by ``factor`` the scores of the keys whose document is in ``doc_ids`` and re-sort (stable). Scores
    must be non-negative for a factor > 1 to mean "prefer"."""
    if not doc_ids or factor == 1.0:
        return list(ranked)
    docs = set(doc_ids)
    order = {key: i for i, (key, _) in enumerate(ranked)}
    boosted = {key: s * factor if doc_of(key) in docs else s for key, s in ranked}
    return _sorted(boosted, order)


class HybridRetriever:
    """BM25 and (optionally) dense retrieval fused, with a soft boost for laws named in the question.

    ``bm25`` is a ``BM25Index``; ``dense`` a callable ``dense(query_text, n, filters) -> [(key, score), …]`` (see
    ``benchmarks/retrieval_dev.py`` for one over an ``Embedder`` and a matrix of passage vectors). ``fusion`` is
    ``"rrf"``, ``"minmax"``/``"zscore"`` (weighted score fusion) or ``"dense-only"``; ``depth`` candidates are
    taken from each side.
    """

    def __init__(self, bm25, dense: Callable[[str, int, Filters | None], Ranked] | None = None,
                 analyzer: QueryAnalyzer | None = None, fusion: str = "minmax",
                 weights: Sequence[float] = (1.0, 0.5),
                 rrf_k: float = 60.0, depth: int = 100, law_boost: float = 1.5,
                 articles: ArticleLookup | None = None):
        self.bm25, self.dense = bm25, dense
        self.analyzer = analyzer or QueryAnalyzer()
        self.fusion, self.weights, self.rrf_k, self.depth = fusion, tuple(weights), rrf_k, depth
        self.law_boost = law_boost
        self.articles = articles if articles is not None else InMemoryArticles(bm25.records)

    def ranked(self, query: str, k: int = 10, filters: Filters | None = None,
               choices: Mapping[str, str] | None = None) -> list[tuple[Hashable, float, dict[str, float]]]:
        q = self.analyzer.analyze(query, choices)
        lex = self.bm25.ranked(q.search_text, self.depth, filters)
        lists, names = [lex], ["bm25"]
        if self.dense is not None:
            lists.append(list(self.dense(q.search_text, self.depth, filters)))
            names.append("dense")
        if len(lists) == 1:
            fused = lex
        elif self.fusion == "dense-only":
            fused = lists[1]
        elif self.fusion == "rrf":
            fused = rrf(lists, k=self.rrf_k, weights=self.weights)
        else:
            fused = weighted_fusion(lists, weights=self.weights, method=self.fusion)
        if self.fusion == "zscore" and len(lists) > 1:  # make scores positive so a multiplicative boost prefers
            lo = min((s for _, s in fused), default=0.0)
            fused = [(key, s - lo + 1e-6) for key, s in fused]
        fused = boost_docs(fused, q.doc_ids, self.law_boost)
        stage = [dict(lst) for lst in lists]
        return [(key, s, {n: st[key] for n, st in zip(names, stage) if key in st}) for key, s in fused[:k]]

    def search(self, query: str, k: int = 10, filters: Filters | None = None,
               choices: Mapping[str, str] | None = None) -> list[Hit]:
        hits = []
        ranked = self.ranked(query, k, filters, choices)
        found = self.articles.many(key for key, _, _ in ranked)  # one round trip on an engine
        for key, score, stages in ranked:
            r = found.get(key)
            if r is None:  # gone from the engine since it was ranked (a rebuild deleting it)
                continue
            hits.append(Hit(key=key, score=score, rank=len(hits) + 1, doc_title=r.doc_title, title=r.title,
                            snippet=snippet(r.text), scores={**stages, "fused": score}))
        return hits
