"""Abstention: is the retrieved evidence strong enough to answer at all?

The evidence score averages two robust z-scores, each relative to the 729 ALQAC dev questions (all answerable from
their corpus): how well the best retrieved unit covers the question (``abstention_signal``) and the strongest BM25
score among the sources. ``(x − median) / (median − p10)`` puts a typical dev question at 0 and its 10th percentile
at −1. The threshold is the dev set's 2nd percentile, so about 2% of answerable questions abstain; measured with
``benchmarks/abstention.py`` against the out-of-corpus questions in ``tests/assistant/data/out_of_corpus.jsonl``.
"""

from __future__ import annotations

from assistant.answer import Source
from assistant.extractive import abstention_signal

# dev-set statistics of the two signals (median, 10th percentile), measured by benchmarks/abstention.py
COVERAGE_MEDIAN, COVERAGE_P10 = 0.7727, 0.4866
BM25_MEDIAN, BM25_P10 = 33.7944, 15.6073
DEFAULT_THRESHOLD = -1.30


def evidence_score(question, sources: list[Source]) -> float:
    if not sources:
        return float("-inf")
    coverage = abstention_signal(question, sources)
    bm25 = max((s.scores.get("bm25", 0.0) for s in sources), default=0.0)
    if any("citation" in s.scores for s in sources):  # the question names a unit that exists: strong evidence
        return 1.0
    z_cov = (coverage - COVERAGE_MEDIAN) / (COVERAGE_MEDIAN - COVERAGE_P10)
    z_bm25 = (bm25 - BM25_MEDIAN) / (BM25_MEDIAN - BM25_P10)
    return (z_cov + z_bm25) / 2


def should_abstain(question, sources: list[Source], threshold: float = DEFAULT_THRESHOLD) -> bool:
    return evidence_score(question, sources) < threshold
