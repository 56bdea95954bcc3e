"""Provisions ranked by similarity-weighted frequency among similar cases, fused with statute retrieval."""

from __future__ import annotations

from assistant.provisions import ProvisionSuggester, SuggesterConfig
from indexing.cases import CaseHit, CasePiece
from indexing.types import Hit

APPLIED = {"a": [("L", "1"), ("L", "2")], "b": [("L", "1"), ("L", "3")], "c": [("L", "3"), ("L", "4")]}


def hits(*scored):
    return [CaseHit(cid, s, CasePiece(cid, "facts", 0, "")) for cid, s in scored]


def test_weighted_frequency():
    s = ProvisionSuggester(APPLIED.get, config=SuggesterConfig(cases_k=3, sharpness=0, statute_k=0))
    out = s.suggest("facts", hits(("a", 3.0), ("b", 2.0), ("c", 1.0)), k=10)
    assert [(p.article, p.count) for p in out][:2] == [("1", 2), ("3", 2)]
    assert out[0].score == round(2 / 3, 6) and out[0].cases == ["a", "b"]
    sharp = ProvisionSuggester(APPLIED.get, config=SuggesterConfig(cases_k=3, sharpness=1, statute_k=0))
    top = sharp.suggest("facts", hits(("a", 3.0), ("b", 2.0), ("c", 1.0)), k=2)
    assert [p.article for p in top] == ["1", "2"]  # the most similar case's provisions first
    only_two = ProvisionSuggester(APPLIED.get, config=SuggesterConfig(cases_k=2, sharpness=0, statute_k=0))
    assert ("L", "4") not in [p.key for p in only_two.suggest("x", hits(("a", 3.0), ("b", 2.0), ("c", 1.0)))]


def test_statute_retrieval_adds_and_breaks_ties():
    def search(text, k):
        return [Hit(("L", "9"), 5.0, 1), Hit(("L", "3"), 1.0, 2)]

    s = ProvisionSuggester(APPLIED.get, search, {"L": "Luật X"},
                           SuggesterConfig(cases_k=3, sharpness=0, statute_k=5, statute_weight=0.5))
    out = {p.key: p for p in s.suggest("facts", hits(("a", 1.0), ("b", 1.0), ("c", 1.0)), k=10)}
    assert out[("L", "9")].count == 0 and out[("L", "9")].retrieved and out[("L", "9")].score == 0.5
    assert out[("L", "3")].score == out[("L", "1")].score  # retrieved at the bottom of the list: +0
    assert out[("L", "1")].label == "Điều 1 Luật X"


def test_no_similar_cases_no_statutes():
    assert ProvisionSuggester(APPLIED.get).suggest("x", []) == []
