"""Answer and latency metrics on hand-computed cases."""

from __future__ import annotations

import math

import pytest

from eval.metrics.answers import (
    all_citations_verified,
    choice_correct,
    citation_precision,
    citation_recall,
    exact_match,
    groundedness,
    normalize_answer,
    sentence_support,
    split_sentences,
    token_f1,
)
from eval.metrics.latency import summarize


def test_vietnamese_normalisation():
    # NFD input, case, tone placement, punctuation, leading zeros, thousands dots
    assert normalize_answer("03 THÁNG.") == "3 tháng"
    assert normalize_answer("To\u0300a a\u0301n") == normalize_answer("Tòa án")  # decomposed → NFC
    assert normalize_answer("Hoà giải") == normalize_answer("Hòa giải")  # new/old tone placement
    assert normalize_answer("1.000.000 đồng") == normalize_answer("1000000 đồng") == "1000000 đồng"
    assert normalize_answer("0 ngày") == "0 ngày" and normalize_answer("2,5 năm") == "2 5 năm"
    assert normalize_answer(None) == ""


def test_exact_match_and_token_f1():
    assert exact_match("3 tháng", "03 tháng") == 1.0
    assert exact_match("3 tháng", "3 năm") == 0.0
    # pred 4 tokens, gold 6, 4 in common: P 1, R 2/3 → F1 0.8
    assert token_f1("Tòa án nhân dân", "Tòa án nhân dân cấp tỉnh") == pytest.approx(0.8)
    # repeated tokens count as many times as they appear in both: pred [a, a, b], gold [a, b, b] → common 2
    assert token_f1("a a b", "a b b") == pytest.approx(2 / 3)
    assert token_f1("", "") == 1.0 and token_f1(None, "x") == 0.0 and token_f1("y", "x") == 0.0


def test_closed_answers():
    assert choice_correct("Đúng", "Đúng", "true_false") == 1.0
    assert choice_correct("đúng.", "Đúng", "true_false") == 1.0
    assert choice_correct("Sai", "Đúng", "true_false") == 0.0
    assert choice_correct(None, "Sai", "true_false") == 0.0  # an abstention is wrong
    assert choice_correct("Phương án C", "C", "multiple_choice") == 1.0
    assert choice_correct("c", "C", "multiple_choice") == 1.0
    assert choice_correct("A", "C", "multiple_choice") == 0.0
    with pytest.raises(ValueError):
        choice_correct("A", "Có lẽ", "true_false")


def test_citation_precision_and_recall():
    a1, a2, b1, b3 = ("A", "1"), ("A", "2"), ("B", "1"), ("B", "3")
    assert citation_precision({a2, b1}, {a2, b3}) == 0.5 and citation_recall({a2, b1}, {a2, b3}) == 0.5
    assert citation_precision([a1, a1], {a1}) == 1.0  # a repeated citation counts once
    assert math.isnan(citation_precision(set(), {a1}))  # nothing cited: precision does not apply
    assert citation_recall(set(), {a1}) == 0.0  # … but recall is 0
    assert math.isnan(citation_precision({a1}, set())) and math.isnan(citation_recall({a1}, set()))  # no gold


def test_all_citations_verified():
    assert all_citations_verified([True, True]) == 1.0
    assert all_citations_verified([True], removed=1) == 0.0
    assert all_citations_verified([], removed=2) == 0.0
    assert all_citations_verified([True, False]) == 0.0
    assert math.isnan(all_citations_verified([], removed=0))


def test_sentences_and_groundedness():
    unit = "Người nuôi ong phải bồi thường thiệt hại do ong gây ra."
    text = ("Theo Điều 1 Luật Nuôi ong: “Người nuôi ong phải bồi thường thiệt hại.”. "
            "Người nuôi ong được miễn mọi nghĩa vụ thuế.")
    assert split_sentences(text) == ["Theo Điều 1 Luật Nuôi ong: “Người nuôi ong phải bồi thường thiệt hại.”.",
                                     "Người nuôi ong được miễn mọi nghĩa vụ thuế."]
    # citation framing words and the document's title do not count against a sentence
    assert sentence_support(split_sentences(text)[0], [unit], ["Luật Nuôi ong"]) == 1.0
    # người, nuôi, ong of 9 words occur in the unit → 3/9
    assert sentence_support("Người nuôi ong được miễn mọi nghĩa vụ thuế.", [unit]) == pytest.approx(3 / 9)
    assert groundedness(text, [unit], ["Luật Nuôi ong"]) == 0.5
    assert groundedness(text, [], ["Luật Nuôi ong"]) == 0.0  # nothing cited supports nothing
    assert math.isnan(groundedness("", [unit]))


def test_latency_summary():
    s = summarize([10, 20, 30, 40, 50, 60])
    assert (s["p50"], s["p95"], s["max"], s["mean"], s["n"]) == (35.0, 57.5, 60.0, 35.0, 6)
    assert summarize([]) == {"n": 0}
    assert summarize([5.0, None, float("nan")])["n"] == 1


def test_short_answers_are_scored_on_the_direct_answer():
    from eval.scoring import answer_scores

    answer = {"abstained": False, "value": "15 ngày, kể từ ngày tuyên án", "direct": "15 ngày",
              "text": "Theo khoản 1 Điều 273 Bộ luật Tố tụng dân sự: “…15 ngày, kể từ ngày tuyên án…”.",
              "citations": [], "removed_citations": 0}
    result = {"type": "short_answer", "gold_answer": "15 ngày", "gold": [], "answer": answer}
    scores = answer_scores(result)
    assert scores["exact_match"] == 1.0 and scores["token_f1"] == 1.0
    # an answer without a direct answer is scored on its value, as before
    scores = answer_scores({**result, "answer": {**answer, "direct": None}})
    assert scores["exact_match"] == 0.0 and 0.0 < scores["token_f1"] < 1.0
    # an abstention says nothing
    scores = answer_scores({**result, "answer": {**answer, "abstained": True}})
    assert scores["exact_match"] == 0.0
