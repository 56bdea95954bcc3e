import math

import pytest

from indexing.metrics import (
    evaluate,
    f_beta_at_k,
    ndcg_at_k,
    precision_at_k,
    recall_at_k,
    reciprocal_rank,
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
