"""The ranker's dev features searched through query adapters that did not see the question (indexing/adapted_dev.py),
on synthetic rows: no real model, no real corpus."""

from __future__ import annotations

import numpy as np
import pytest

import indexing.adapted_dev as adapted_dev
from indexing.adapted_dev import AdaptedDev, collect_out_of_fold, fold_adapters
from indexing.query_adapter import TrainingSet
from indexing.ranker import FEATURES, DevFeatures, folds


def _rows(n: int, seed: int) -> TrainingSet:
    rng = np.random.default_rng(seed)
    return TrainingSet(rng.standard_normal((n, 8)).astype(np.float32), rng.standard_normal((6, 8)).astype(np.float32),
                       [[i % 6] for i in range(n)])


def test_each_fold_adapter_learns_from_the_other_folds_only():
    sets = {"alqac": _rows(10, 0), "zalo": _rows(7, 1)}
    fa = fold_adapters(sets, k=5, seed=3)
    assert len(fa.adapters) == 5 and all(np.array_equal(fa.fold_of[n], folds(len(sets[n].positives), 5, 3))
                                         for n in sets)
    for f, adapter in enumerate(fa.adapters):
        mask = fa.training(f)
        assert adapter.meta["trained_on"] == [int(mask["alqac"].sum()), int(mask["zalo"].sum())]
        assert not any(mask[n][fa.fold_of[n] == f].any() for n in sets)
    assert not np.array_equal(fa.adapters[0].w, fa.adapters[1].w)


class _Index:
    query_adapter = "shipped"
    embedder = None  # lexical: any adapter attaches


def test_every_question_is_searched_through_its_own_folds_adapter(monkeypatch):
    """Each question's rows are collected once, with the adapter fitted without it attached; they come back in the
    questions' order, and the index keeps the adapter it had."""
    index = _Index()
    questions = {"alqac": [{"text": f"a{i}"} for i in range(9)], "zalo": [{"text": f"z{i}"} for i in range(6)]}
    fa = fold_adapters({"alqac": _rows(9, 0), "zalo": _rows(6, 1)}, k=3, seed=5)
    searched = {}

    def collect(idx, qs, depth):
        assert idx is index
        rows = []
        for q in qs:
            searched[q["text"]] = idx.query_adapter
            rows.append(np.full((2, len(FEATURES)), float(q["text"][1:])))
        return DevFeatures(list(qs), np.concatenate(rows), np.tile([1.0, 0.0], len(qs)), [2] * len(qs))

    monkeypatch.setattr(adapted_dev, "collect", collect)
    dev = collect_out_of_fold({"alqac": index, "zalo": index}, questions, fa)
    assert len(searched) == 15 and index.query_adapter == "shipped"
    for name, qs in questions.items():
        for i, q in enumerate(qs):
            assert searched[q["text"]] is fa.adapters[fa.fold_of[name][i]]
        assert dev[name].questions == qs and dev[name].groups == [2] * len(qs)
        assert [dev[name].rows(i)[0, 0] for i in range(len(qs))] == list(range(len(qs)))


def test_gather_needs_every_question():
    part = DevFeatures([{"text": "a"}], np.zeros((2, 3)), np.array([1.0, 0.0]), [2])
    with pytest.raises(ValueError, match="every question"):
        DevFeatures.gather([{"text": "a"}, {"text": "b"}], [(np.array([0]), part)])


def test_adapted_dev_is_made_once_and_lazily(monkeypatch):
    made = []
    monkeypatch.setattr(adapted_dev, "fold_adapters", lambda sets, k, seed: made.append((sets, k, seed)) or "fa")
    dev = AdaptedDev({}, {}, "/nowhere", k=4, seed=9)  # nothing read yet
    dev.training_sets = {"alqac": _rows(4, 0)}
    assert dev.fold_adapters == "fa" and dev.fold_adapters == "fa"
    assert made == [({"alqac": dev.training_sets["alqac"]}, 4, 9)]
