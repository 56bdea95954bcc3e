"""Retrieval metrics on hand-computed cases: several gold keys, no gold, duplicates in the ranking."""

import math

import pytest

from eval.metrics.retrieval import (
    cutoff,
    evaluate,
    f_beta_at_k,
    gold_ranks,
    ndcg_at_k,
    precision_at_k,
    recall_at_k,
    recall_curve,
    reciprocal_rank,
    set_scores,
)

A, B, C, D, E = "abcde"


def test_recall_and_precision():
    assert recall_at_k([A, B, C], {B, D}, 1) == 0.0
    assert recall_at_k([A, B, C], {B, D}, 2) == 0.5
    assert recall_at_k([A, B, D], {B, D}, 3) == 1.0
    assert precision_at_k([A, B, C, D], {B, D}, 4) == 0.5
    assert precision_at_k([], {A}, 10) == 0.0
    assert recall_at_k([A], set(), 10) == 0.0


def test_reciprocal_rank():
    assert reciprocal_rank([A, B, C], {C}) == pytest.approx(1 / 3)
    assert reciprocal_rank([A, B, C], {C}, k=2) == 0.0
    assert reciprocal_rank([A, A, C], {C}) == 0.5  # duplicates are ignored


def test_ndcg_hand_computed():
    # one gold at rank 1 → 1; at rank 2 → 1/log2(3); at rank 3 → 1/2
    assert ndcg_at_k([A, B], {A}) == 1.0
    assert ndcg_at_k([B, A], {A}) == pytest.approx(1 / math.log2(3))
    assert ndcg_at_k([B, C, A], {A}) == pytest.approx(0.5)
    # two gold at ranks 1 and 3: (1 + 1/2) / (1 + 1/log2 3)
    assert ndcg_at_k([A, C, B], {A, B}) == pytest.approx(1.5 / (1 + 1 / math.log2(3)))
    # a gold key never retrievable still counts in the ideal (it caps at k)
    assert ndcg_at_k([A], {A, E}) == pytest.approx(1 / (1 + 1 / math.log2(3)))
    assert ndcg_at_k([B, B, B, A], {A}, k=3) == pytest.approx(1 / math.log2(3))  # repeats are dropped first
    assert ndcg_at_k([C, D, A], {A}, k=2) == 0.0
    # the ideal holds min(|gold|, k) hits: 12 gold keys, k = 2, both returned keys gold → 1
    assert ndcg_at_k([A, B], set("ABCDEFGHIJ") | {A, B}, k=2) == pytest.approx(1.0)


def test_f2():
    # P = 1/2, R = 1 → F2 = 5·0.5·1 / (4·0.5 + 1) = 2.5 / 3
    assert f_beta_at_k([A, B], {A}, 2) == pytest.approx(2.5 / 3)
    assert f_beta_at_k([B], {A}, 1) == 0.0


def test_evaluate_means():
    m = evaluate([([A, B], {A}), ([B, A], {A})], ks=(1, 2))
    assert m["recall@1"] == 0.5 and m["recall@2"] == 1.0
    assert m["mrr@10"] == pytest.approx(0.75)
    assert m["ndcg@10"] == pytest.approx((1 + 1 / math.log2(3)) / 2)
    assert m["n"] == 2
    assert evaluate([]) == {"n": 0}


def test_gold_ranks_and_recall_curve_with_duplicates():
    # duplicates are dropped before ranking: [A, A, B, C] ranks A 1, B 2, C 3
    assert gold_ranks([A, A, B, C], {C, E}) == {C: 3, E: None}
    assert recall_curve([A, A, B, C], {C, E}, 4) == [0.0, 0.0, 0.5, 0.5]
    assert recall_curve([A], set(), 2) == [0.0, 0.0]


def test_cutoff_keeps_top1_and_near_ties():
    scored = [(A, 1.0), (B, 0.95), (C, 0.91), (D, 0.5), (E, 0.94)]
    assert cutoff(scored, ratio=0.9) == [A, B, C]  # stops at D, never reaches E
    assert cutoff(scored, ratio=0.93) == [A, B]
    assert cutoff(scored, ratio=0.9, max_n=2) == [A, B]
    assert cutoff([(A, 1.0), (A, 0.99), (B, 0.2)], ratio=0.9) == [A]  # a repeat is skipped, B is too far
    assert cutoff([(A, 0.0), (B, 0.0)]) == [A]  # a non-positive top keeps the top-1 only
    assert cutoff([]) == []


def test_set_scores_several_gold():
    # returned {A, B, C}, gold {A, D}: P = 1/3, R = 1/2, F2 = 5·(1/3)·(1/2) / (4/3 + 1/2) = (5/6) / (11/6) = 5/11
    p, r, f2 = set_scores([A, B, C], {A, D})
    assert (p, r) == (pytest.approx(1 / 3), 0.5) and f2 == pytest.approx(5 / 11)
    assert set_scores([A], set()) == (0.0, 0.0, 0.0)
    assert set_scores([], {A}) == (0.0, 0.0, 0.0)
    assert set_scores([A, A], {A}) == (1.0, 1.0, 1.0)
