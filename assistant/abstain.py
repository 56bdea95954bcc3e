"""Abstention: is the retrieved evidence strong enough to answer at all?

The evidence score averages two robust z-scores, each relative to the 729 ALQAC dev questions (all answerable from
their corpus): how well the best retrieved unit covers the question (:func:`coverage`) and the strongest BM25 score
among the sources. ``(x − median) / (median − p10)`` puts a typical dev question at 0 and its 10th percentile at −1.
The threshold is the dev set's 2nd percentile, so about 2% of answerable questions abstain; measured with
``benchmarks/abstention.py`` against the out-of-corpus questions in ``tests/assistant/data/out_of_corpus.jsonl``.
"""

from __future__ import annotations

from assistant.answer import Source
from assistant.extractive.features import COMMON_SYLLABLES, tokens
from assistant.extractive.scoring import Scorer
from assistant.extractive.units import split_units
from assistant.understand import Question

__all__ = ["coverage", "evidence_score", "should_abstain", "DEFAULT_THRESHOLD"]

# dev-set statistics of the two signals (median, 10th percentile), measured by benchmarks/abstention.py
COVERAGE_MEDIAN, COVERAGE_P10 = 0.7727, 0.4866
BM25_MEDIAN, BM25_P10 = 33.7944, 15.6073
DEFAULT_THRESHOLD = -1.30


def coverage(question: Question, sources: list[Source]) -> float:
    """How well the retrieved articles cover the question: the best unit's idf-weighted coverage of the question's
    content syllables (0 when nothing was retrieved). Low values mean the corpus likely holds no answer."""
    units = [u for s in sources for u in split_units(s)]
    if not units:
        return 0.0
    scorer = Scorer(units)
    # a multiple-choice question is answerable when the stem read with one of its options is covered: the wrong
    # options are, by design, not in the law, so they must not count against the evidence
    texts = [f"{question.text} {option}" for option in (question.choices or {}).values()] or [question.text]
    best = 0.0
    for text in texts:
        qt = [t for t in tokens(text) if t not in COMMON_SYLLABLES]
        for u in units if qt else []:
            uni, bi = scorer.coverage(qt, u)
            best = max(best, 0.5 * uni + 0.5 * bi)
    return best


def evidence_score(question: Question, sources: list[Source]) -> float:
    """The abstention signal: the mean of the coverage and top-BM25 z-scores (1.0 when the question names a unit that
    was found; −inf without sources)."""
    if not sources:
        return float("-inf")
    cov = coverage(question, sources)
    bm25 = max((s.scores.get("bm25", 0.0) for s in sources), default=0.0)
    if any("citation" in s.scores for s in sources):  # the question names a unit that exists: strong evidence
        return 1.0
    z_cov = (cov - COVERAGE_MEDIAN) / (COVERAGE_MEDIAN - COVERAGE_P10)
    z_bm25 = (bm25 - BM25_MEDIAN) / (BM25_MEDIAN - BM25_P10)
    return (z_cov + z_bm25) / 2


def should_abstain(question: Question, sources: list[Source], threshold: float = DEFAULT_THRESHOLD) -> bool:
    """True when the evidence score is under ``threshold``."""
    return evidence_score(question, sources) < threshold
