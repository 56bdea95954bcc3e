"""The query-side linear adapter (indexing/query_adapter.py) on small synthetic vectors."""

from __future__ import annotations

import numpy as np
import pytest

from indexing.query_adapter import FORMAT, QueryAdapter, TrainingSet, fit
from tests.indexing.test_index import built, load  # noqa: F401 - the fixture: a small built index


def _unit(x: np.ndarray) -> np.ndarray:
    return (x / np.linalg.norm(x, axis=-1, keepdims=True)).astype(np.float32)


def _toy(seed: int = 0, n: int = 60, m: int = 40, dim: int = 16):
    """Questions whose vectors are their gold piece's seen through a fixed rotation plus noise: a linear map
    recovers it."""
    rng = np.random.RandomState(seed)
    pieces = _unit(rng.randn(m, dim))
    rot, _ = np.linalg.qr(rng.randn(dim, dim))
    gold = rng.randint(0, m, n)
    queries = _unit(pieces[gold] @ rot * 0.6 + pieces[gold] * 0.4 + 0.05 * rng.randn(n, dim))
    return TrainingSet(queries, pieces, [[int(g)] for g in gold]), gold


def _top1(q: np.ndarray, pieces: np.ndarray) -> np.ndarray:
    return np.argmax(q @ pieces.T, axis=1)


def test_fit_learns_the_map_and_is_deterministic():
    train, gold = _toy(0)
    before = (_top1(train.queries, train.pieces) == gold).mean()
    a = fit([train], epochs=150, l2=0.0, lr=1e-2, seed=5)
    after = (_top1(a.apply(train.queries), train.pieces) == gold).mean()
    assert after > before + 0.2
    assert np.array_equal(a.w, fit([train], epochs=150, l2=0.0, lr=1e-2, seed=5).w)
    assert a.meta["format"] == FORMAT and a.meta["trained_on"] == [60]


def test_penalty_keeps_the_map_near_identity():
    train, _ = _toy(1)
    free = fit([train], epochs=60, l2=0.0, lr=1e-2)
    held = fit([train], epochs=60, l2=10.0, lr=1e-2)
    assert np.linalg.norm(held.w) < np.linalg.norm(free.w)


def test_questions_without_gold_are_left_out_and_no_gold_at_all_fails():
    train, _ = _toy(2)
    train.positives = [[] if i % 2 else p for i, p in enumerate(train.positives)]
    assert fit([train], epochs=2).meta["trained_on"] == [30]
    train.positives = [[] for _ in train.positives]
    with pytest.raises(ValueError, match="no training question"):
        fit([train], epochs=2)


def test_apply_normalises_and_zero_map_is_identity():
    q = _unit(np.random.RandomState(3).randn(5, 8))
    zero = QueryAdapter(np.zeros((8, 8), dtype=np.float32))
    assert np.allclose(zero.apply(q), q, atol=1e-6)
    a = QueryAdapter(np.random.RandomState(4).randn(8, 8).astype(np.float32))
    out = a.apply(q)
    assert np.allclose(np.linalg.norm(out, axis=1), 1.0, atol=1e-5)
    assert np.allclose(a.apply(q[0]), out[0], atol=1e-6)


def test_save_load_round_trip_and_stale_format(tmp_path):
    train, _ = _toy(5)
    a = fit([train], epochs=5, meta={"fingerprint": "abc"})
    a.save(tmp_path / "qa")
    b = QueryAdapter.load(tmp_path / "qa")
    assert np.array_equal(a.w, b.w) and b.meta["fingerprint"] == "abc"
    (tmp_path / "qa" / "meta.json").write_text('{"format": 0}')
    with pytest.raises(ValueError, match="retrain"):
        QueryAdapter.load(tmp_path / "qa")


# --- in an index ------------------------------------------------------------------------------------------------------

def test_the_dense_search_reads_the_adapted_vector(built):  # noqa: F811
    from indexing.query_adapter import attach_adapter

    store, home, config, emb, _ = built
    index = load(home, store, config, emb)
    pieces, keys = index.piece_vectors()
    assert pieces.shape == (len(keys), emb.dim) and ("100/2015/QH13", "123") in keys
    target = pieces[keys.index(("100/2015/QH13", "123"))]
    text = "người viên chức được hưởng trợ cấp thôi việc"
    q = emb.embed_queries([text])[0]
    assert q @ target > 0
    assert index._dense_search(text, 1, None)[0][0] == ("58/2010/QH12", "30")
    # q + q·(P - I) = (q·t) t: every query lands on the target piece
    attach_adapter(index, QueryAdapter(np.outer(target, target) - np.eye(emb.dim, dtype=np.float32)))
    assert np.allclose(index.query_vector(text), target, atol=1e-5)
    assert index._dense_search(text, 1, None)[0][0] == ("100/2015/QH13", "123")
    attach_adapter(index, QueryAdapter(np.zeros((8, 8), dtype=np.float32)))  # another dimension: not used
    assert index.query_adapter is None


def test_the_registry_attaches_a_saved_adapter_only_when_asked(built):  # noqa: F811
    from indexing.query_adapter import adapter_dir
    from indexing.registry import IndexRegistry

    store, home, config, emb, _ = built
    QueryAdapter(np.eye(emb.dim, dtype=np.float32) * 0.5, {"format": FORMAT}).save(adapter_dir(home))
    off = IndexRegistry(home, store, lambda: emb, config.model_dir).get("test")
    on = IndexRegistry(home, store, lambda: emb, config.model_dir, adapter=True).get("test")
    assert off.query_adapter is None and on.query_adapter is not None


def test_training_rows_and_the_ranker_fingerprint_follow_the_adapter(built, tmp_path):  # noqa: F811
    from indexing.query_adapter import attach_adapter, training_set
    from indexing.ranker import training_fingerprint

    store, home, config, emb, _ = built
    index = load(home, store, config, emb)
    questions = [{"text": "Tội giết người bị phạt thế nào?", "gold": {("100/2015/QH13", "123")}},
                 {"text": "Trợ cấp thôi việc", "gold": {("58/2010/QH12", "30"), ("99/2099/QH99", "1")}}]
    rows = training_set(index, questions)
    _, keys = index.piece_vectors()
    assert rows.queries.shape == (2, emb.dim)
    assert [{keys[j] for j in p} for p in rows.positives] == [{("100/2015/QH13", "123")}, {("58/2010/QH12", "30")}]
    data = tmp_path / "data"
    (data / "alqac").mkdir(parents=True)
    (data / "alqac" / "questions.json").write_text("[]")
    before = training_fingerprint(data, {"alqac": index}, 13)
    attach_adapter(index, fit([rows], epochs=3, meta={"fingerprint": "x"}))
    assert training_fingerprint(data, {"alqac": index}, 13) != before


@pytest.mark.slow
def test_fitted_on_alqac_folds_it_lifts_the_held_out_dense_ranking(tmp_path, e5_model_dir):
    """Real data: fitted on four folds of ALQAC's dev questions, the adapter ranks the fifth fold's gold articles
    higher on the dense side alone (the index built with the real model, one piece per article as the adapter was
    measured: minutes)."""
    from eval.corpora import open_alqac
    from indexing.index import IndexConfig
    from indexing.query_adapter import training_set
    from indexing.ranker import dev_questions, folds
    from tests.conftest import data_path

    data_dir = data_path("alqac", "questions.json").parent.parent
    store, index, _ = open_alqac(tmp_path, data_dir, IndexConfig.one_piece(model_dir=str(e5_model_dir)))
    rows = training_set(index, dev_questions(data_dir, "alqac", store.resolver("alqac")))
    held = folds(len(rows.positives)) == 0
    adapter = fit([TrainingSet(rows.queries[~held], rows.pieces,
                               [p for p, h in zip(rows.positives, held) if not h])])

    def recall10(queries):
        top = np.argsort(-(queries @ rows.pieces.T), axis=1)[:, :10]
        return np.mean([bool(set(t) & set(p)) for t, p, h in zip(top, rows.positives, held) if h and p])

    before, after = recall10(rows.queries), recall10(adapter.apply(rows.queries))
    assert after > before + 0.02, (before, after)
