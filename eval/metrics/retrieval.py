"""Retrieval metrics as pure functions over one ranked list of keys and a set of gold keys (binary relevance).

``ranked`` is best first; duplicates after the first occurrence are ignored (a key counts once, at its best rank).
Every per-query metric is in [0, 1]; a query with no gold keys scores 0 (it cannot be answered by retrieval) — the
harness leaves such queries out of the retrieval means and says how many it left out.

ALQAC and Zalo score the *set* of articles a system returns with F2 (recall weighted four times precision). A ranker
returns a list, so the set is cut by :func:`cutoff`: the top-1 article, plus each following article whose score is at
least ``ratio`` × the top score (stopping at the first that is not), at most ``max_n`` articles in all.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Sequence

K = Hashable

DEFAULT_CUTOFF_RATIO = 0.9
DEFAULT_CUTOFF_MAX = 5


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


def f_beta(precision: float, recall: float, beta: float = 2.0) -> float:
    """(1 + β²)·P·R / (β²·P + R); 0 when both are 0."""
    if precision == 0 and recall == 0:
        return 0.0
    b2 = beta * beta
    return (1 + b2) * precision * recall / (b2 * precision + recall)


def f_beta_at_k(ranked: Sequence[K], gold: Iterable[K], k: int, beta: float = 2.0) -> float:
    """F-beta of the returned top ``k`` (ALQAC scores F2 of the articles a system returns)."""
    gold = set(gold)
    return f_beta(precision_at_k(ranked, gold, k), recall_at_k(ranked, gold, k), beta)


def gold_ranks(ranked: Sequence[K], gold: Iterable[K]) -> dict[K, int | None]:
    """Each gold key → its 1-based rank in the de-duplicated ranking, or None when it was not returned."""
    position = {key: i for i, key in enumerate(_dedup(ranked), 1)}
    return {g: position.get(g) for g in set(gold)}


def recall_curve(ranked: Sequence[K], gold: Iterable[K], max_k: int) -> list[float]:
    """``[recall@1, …, recall@max_k]`` in one pass (0s when there is no gold)."""
    gold = set(gold)
    if not gold:
        return [0.0] * max_k
    ranks = [r for r in gold_ranks(ranked, gold).values() if r is not None]
    return [sum(r <= k for r in ranks) / len(gold) for k in range(1, max_k + 1)]


def cutoff(scored: Sequence[tuple[K, float]], ratio: float = DEFAULT_CUTOFF_RATIO,
           max_n: int = DEFAULT_CUTOFF_MAX) -> list[K]:
    """The articles the system "returns" as its answer set: from ``(key, score)`` pairs best first, the top-1 plus
    each following key scoring at least ``ratio`` × the top score, stopping at the first that does not, at most
    ``max_n``. A top score ≤ 0 keeps the top-1 only; duplicates are ignored."""
    seen: set = set()
    out: list[K] = []
    top = None
    for key, score in scored:
        if key in seen:
            continue
        seen.add(key)
        if top is None:
            top = score
        elif top <= 0 or score < ratio * top:
            break
        out.append(key)
        if len(out) >= max_n:
            break
    return out


def set_scores(returned: Sequence[K], gold: Iterable[K], beta: float = 2.0) -> tuple[float, float, float]:
    """(precision, recall, F-beta) of a returned set against the gold set (ALQAC's per-question scores)."""
    returned, gold = set(returned), set(gold)
    if not gold:
        return 0.0, 0.0, 0.0
    hit = len(returned & gold)
    p = hit / len(returned) if returned else 0.0
    r = hit / len(gold)
    return p, r, f_beta(p, r, beta)


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
