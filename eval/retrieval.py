"""Run a question set through a retriever and score it (the core the evaluation harness grows from)."""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass, field

from indexing.metrics import evaluate


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
    """ALQAC-format questions (``text``, ``choices``, ``question_type``, ``relevant_articles``) through ``index.search``;
    gold ``law_id`` names resolve through the corpus's alias resolver."""
    out = RetrievalRun()
    for q in questions:
        gold = {(resolver.resolve(r["law_id"]) or r["law_id"], str(r["article_id"])) for r in q["relevant_articles"]}
        t = time.perf_counter()
        hits = index.search(q["text"], k, choices=q.get("choices"))
        out.latencies_ms.append((time.perf_counter() - t) * 1000)
        ranked = [h.key for h in hits]
        out.runs.append((ranked, gold))
        out.by_type[q.get("question_type", "")].append((ranked, gold))
    return out
