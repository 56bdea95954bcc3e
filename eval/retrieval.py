"""Run ALQAC-format questions through a retriever and score them — the quick path the retrieval benchmarks and the
retrieval quality tests use (the full harness is :mod:`eval.runner`)."""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass, field

from eval.convert import from_alqac
from eval.metrics.retrieval import evaluate
from eval.suite import resolve_gold


@dataclass
class RetrievalRun:
    runs: list[tuple[list, set]] = field(default_factory=list)
    by_type: dict[str, list[tuple[list, set]]] = field(default_factory=lambda: defaultdict(list))
    latencies_ms: list[float] = field(default_factory=list)

    def metrics(self) -> dict[str, float]:
        return evaluate(self.runs)

    def metrics_by_type(self) -> dict[str, dict[str, float]]:
        return {t: evaluate(rs) for t, rs in sorted(self.by_type.items())}


def run_alqac_questions(index, questions: list[dict], resolver, k: int = 10) -> RetrievalRun:
    """ALQAC-format questions (``text``, ``choices``, ``question_type``, ``relevant_articles``) through
    ``index.search``; gold ``law_id`` names resolve through the corpus's alias resolver (:func:`resolve_gold`)."""
    out = RetrievalRun()
    for raw, q in zip(questions, from_alqac(questions, corpus=None).questions):
        gold = set(resolve_gold(q, resolver).keys)
        t = time.perf_counter()
        hits = index.search(q.question, k, choices=q.choices)
        out.latencies_ms.append((time.perf_counter() - t) * 1000)
        ranked = [h.key for h in hits]
        out.runs.append((ranked, gold))
        out.by_type[raw.get("question_type", "")].append((ranked, gold))
    return out
