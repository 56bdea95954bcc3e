"""Retrieval metrics as pure functions over one ranked list of keys and a set of gold keys (binary relevance).

``ranked`` is best first; duplicates after the first occurrence are ignored. Every per-query metric is in [0, 1]; a
query with no gold keys scores 0 (it cannot be answered by retrieval) — callers usually leave such queries out.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Sequence

K = Hashable


def _dedup(ranked: Sequence[K]) -> list[K]:
    seen, out = set(), []
    for key in ranked:
        if key not in seen:
            seen.add(key)
            out.append(key)
    return out


def recall_at_k(ranked: Sequence[K], gold: Iterable[K], k: int) -> float:
    """Share of the gold keys found in the top ``k``."""
    gold = set(gold)
    if not gold:
        return 0.0
    return len(gold.intersection(_dedup(ranked)[:k])) / len(gold)


def precision_at_k(ranked: Sequence[K], gold: Iterable[K], k: int) -> float:
    """Share of the returned top ``k`` (fewer if fewer were returned) that are gold."""
    top = _dedup(ranked)[:k]
    return len(set(gold).intersection(top)) / len(top) if top else 0.0


def reciprocal_rank(ranked: Sequence[K], gold: Iterable[K], k: int = 10) -> float:
    """1 / rank of the first gold key within the top ``k``, else 0."""
    gold = set(gold)
    for i, key in enumerate(_dedup(ranked)[:k], 1):
        if key in gold:
            return 1.0 / i
    return 0.0


def dcg_at_k(gains: Sequence[float], k: int) -> float:
    """Σ gain_i / log2(i + 1) over ranks i = 1..k."""
    return sum(g / math.log2(i + 1) for i, g in enumerate(gains[:k], 1))


def ndcg_at_k(ranked: Sequence[K], gold: Iterable[K], k: int = 10) -> float:
    """Binary-relevance nDCG@k; the ideal ranking puts min(|gold|, k) gold keys first."""
    gold = set(gold)
    if not gold:
        return 0.0
    gains = [1.0 if key in gold else 0.0 for key in _dedup(ranked)[:k]]
    ideal = dcg_at_k([1.0] * min(len(gold), k), k)
    return dcg_at_k(gains, k) / ideal


def f_beta_at_k(ranked: Sequence[K], gold: Iterable[K], k: int, beta: float = 2.0) -> float:
    """F-beta of the returned top ``k`` (ALQAC scores F2 of the articles a system returns)."""
    p, r = precision_at_k(ranked, gold, k), recall_at_k(ranked, gold, k)
    if p == 0 and r == 0:
        return 0.0
    b2 = beta * beta
    return (1 + b2) * p * r / (b2 * p + r)


def evaluate(runs: Iterable[tuple[Sequence[K], Iterable[K]]], ks: Sequence[int] = (1, 5, 10),
             ndcg_k: int = 10, mrr_k: int = 10) -> dict[str, float]:
    """Mean metrics over ``(ranked, gold)`` pairs: ``recall@k`` for each k, ``mrr@10``, ``ndcg@10``, ``n``."""
    runs = [(list(r), set(g)) for r, g in runs]
    n = len(runs)
    out: dict[str, float] = {}
    if not n:
        return {"n": 0}
    for k in ks:
        out[f"recall@{k}"] = sum(recall_at_k(r, g, k) for r, g in runs) / n
    out[f"mrr@{mrr_k}"] = sum(reciprocal_rank(r, g, mrr_k) for r, g in runs) / n
    out[f"ndcg@{ndcg_k}"] = sum(ndcg_at_k(r, g, ndcg_k) for r, g in runs) / n
    out["n"] = n
    return out
