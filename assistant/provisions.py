"""Applicable provisions for a case at hand: what similar cases applied, ranked by how often, fused with statute
retrieval.

Given the judgments most similar to the facts (``CaseIndex.similar``), each stored article they applied (cited in
their reasoning or decision and resolved in the law corpus) scores the similarity-weighted share of those cases that
applied it: Σᵢ wᵢ·[case i applied it] / Σᵢ wᵢ, with wᵢ the case's similarity (min-max normalised, raised to
``sharpness``). Articles retrieved from the statutes for the same facts add ``statute_weight`` × their normalised
retrieval score, so a provision no similar case applied can still surface, and ties among equally frequent ones
break toward the text of the facts.

Plain retrieval from a page of facts to statute articles finds almost none of the provisions courts apply (about 1% in
the top 10 on the ALQAC 2026 judgments); the evidence has to come from what similar cases applied — see
``benchmarks/case_provisions.py`` for the numbers and their limits.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from indexing.cases import CaseHit
from indexing.types import Hit

__all__ = ["ProvisionSuggester", "ProvisionSuggestion", "SuggesterConfig"]

Key = tuple[str, str]  # (document id, article)


@dataclass
class ProvisionSuggestion:
    """A suggested article: how many of the similar cases applied it (``count``, and which) and its score."""

    document_id: str
    article: str
    score: float
    count: int = 0
    cases: list[str] = field(default_factory=list)
    document_title: str = ""
    retrieved: bool = False  # also found by statute retrieval

    @property
    def key(self) -> Key:
        return (self.document_id, self.article)

    @property
    def label(self) -> str:
        return f"Điều {self.article} {self.document_title}".strip()


@dataclass
class SuggesterConfig:
    """Defaults chosen leave-one-out on the 20 ALQAC 2026 judgments (``benchmarks/case_provisions.py``)."""

    cases_k: int = 10  # similar cases whose provisions count
    sharpness: float = 1.0  # wᵢ = normalised similarity ** sharpness (0: every similar case counts the same)
    statute_k: int = 30  # statute articles retrieved for the facts
    statute_weight: float = 0.3


class ProvisionSuggester:
    """``applied(case_id)`` gives the stored articles a case applied; ``statute_search(text, k)`` (optional) gives
    statute hits for the facts; ``titles`` maps document ids to titles for display."""

    def __init__(self, applied: Callable[[str], Sequence[Key]],
                 statute_search: Callable[[str, int], list[Hit]] | None = None,
                 titles: dict[str, str] | None = None, config: SuggesterConfig | None = None):
        self.applied = applied
        self.statute_search = statute_search
        self.titles = titles or {}
        self.config = config or SuggesterConfig()

    def from_cases(self, hits: Sequence[CaseHit]) -> dict[Key, tuple[float, list[str]]]:
        """Weighted share of the similar cases that applied each article, and which cases did."""
        hits = list(hits)[: self.config.cases_k]
        if not hits:
            return {}
        scores = [h.score for h in hits]
        lo, hi = min(scores), max(scores)
        weights = [((s - lo) / (hi - lo) if hi > lo else 1.0) ** self.config.sharpness if self.config.sharpness
                   else 1.0 for s in scores]
        if sum(weights) <= 0:
            weights = [1.0] * len(hits)
        total = sum(weights)
        out: dict[Key, tuple[float, list[str]]] = {}
        for h, w in zip(hits, weights):
            for key in dict.fromkeys(self.applied(h.case_id)):
                share, cases = out.get(key, (0.0, []))
                out[key] = (share + w / total, [*cases, h.case_id])
        return out

    def from_statutes(self, facts: str) -> dict[Key, float]:
        """Statute articles retrieved for the facts, scores min-max normalised to [0, 1]."""
        if self.statute_search is None or self.config.statute_k <= 0:
            return {}
        hits = self.statute_search(facts, self.config.statute_k)
        if not hits:
            return {}
        lo, hi = min(h.score for h in hits), max(h.score for h in hits)
        return {h.key: ((h.score - lo) / (hi - lo) if hi > lo else 1.0) for h in hits}

    def suggest(self, facts: str, similar: Sequence[CaseHit], k: int = 10) -> list[ProvisionSuggestion]:
        """The ``k`` best articles for the facts, best first."""
        by_cases = self.from_cases(similar)
        by_statutes = self.from_statutes(facts)
        out: list[ProvisionSuggestion] = []
        for key in dict.fromkeys([*by_cases, *by_statutes]):
            share, cases = by_cases.get(key, (0.0, []))
            retrieved = by_statutes.get(key)
            score = share + self.config.statute_weight * (retrieved or 0.0)
            out.append(ProvisionSuggestion(document_id=key[0], article=key[1], score=round(score, 6),
                                           count=len(cases), cases=cases,
                                           document_title=self.titles.get(key[0], ""),
                                           retrieved=retrieved is not None))
        out.sort(key=lambda p: (-p.score, -p.count, p.document_id, _article_order(p.article)))
        return out[:k]


def _article_order(article: str) -> tuple[int, str]:
    digits = "".join(ch for ch in article if ch.isdigit())
    return (int(digits) if digits else 0, article)
