"""The learned ranker (indexing/ranker.py) and the query-side compound recovery (indexing/bm25.py), on small
synthetic data: no real model, no real corpus."""

from __future__ import annotations

import numpy as np
import pytest

from indexing.bm25 import recover_compounds
from indexing.query import QueryAnalyzer
from indexing.ranker import (FEATURES, Candidate, DevFeatures, IndexRanker, LearnedRanker, RecordInfo, dev_questions,
                             features, fit, fit_dev, syllables, typical_margin)
from indexing.types import ArticleRecord, Hit


def test_recover_compounds_recuts_unknown_words():
    known = {"tự", "thú", "luật", "du_lịch", "người", "thông_tin"}
    assert recover_compounds(["tự_thú"], known) == ["tự", "thú"]
    assert recover_compounds(["luật_du_lịch"], known) == ["luật", "du_lịch"]
    assert recover_compounds(["?_người", "?_thông_tin"], known) == ["người", "thông_tin"]
    # known tokens and single syllables pass unchanged; unknown leftovers are dropped
    assert recover_compounds(["du_lịch", "xyz", "abc_tự"], known) == ["du_lịch", "xyz", "tự"]
    assert recover_compounds([], known) == []


def test_bm25_index_recovers_only_when_asked():
    from indexing.bm25 import BM25Index

    recs = [ArticleRecord(("L", "1"), "Luật A", "Luật", "Tự thú", "Người phạm tội tự thú"),
            ArticleRecord(("L", "2"), "Luật A", "Luật", "Khác", "Nội dung khác hẳn")]
    tokens = [["tự", "thú", "người", "phạm_tội", "tự", "thú"], ["khác", "nội_dung", "khác", "hẳn"]]
    plain = BM25Index(title_weight=1).build(recs, tokens)
    assert plain.tokens(["tự_thú"]) == ["tự_thú"]
    assert plain.score_all(["tự_thú"]).max() == 0
    rec = BM25Index(title_weight=1, recover=True).build(recs, tokens)
    assert rec.tokens(["tự_thú"]) == ["tự", "thú"]
    assert rec.search(["tự_thú"], 1)[0].key == ("L", "1")
    assert rec.params()["recover"] is True


def _records():
    return [
        ArticleRecord(("BLHS", "51"), "Bộ luật Hình sự", "Bộ luật", "Các tình tiết giảm nhẹ trách nhiệm hình sự",
                      "Người phạm tội tự thú."),
        ArticleRecord(("BLHS", "52"), "Bộ luật Hình sự", "Bộ luật", "Các tình tiết tăng nặng", "Phạm tội có tổ chức."),
        ArticleRecord(("LVC", "29"), "Luật Viên chức", "Luật", "Đơn phương chấm dứt hợp đồng làm việc",
                      "Viên chức có 02 năm liên tiếp không hoàn thành nhiệm vụ."),
        ArticleRecord(("LVC", "30"), "Luật Viên chức", "Luật", "Chế độ thôi việc", "Viên chức được hưởng trợ cấp."),
    ]


def test_features_shape_and_values():
    info = RecordInfo.from_records(_records())
    cands = [Candidate(("LVC", "30"), 5.0, 0.8, 1.2), Candidate(("BLHS", "51"), None, 0.9, 0.5),
             Candidate(("LVC", "29"), 2.5, None, 0.4)]
    x = features(info, "Viên chức được hưởng chế độ thôi việc không?", ["LVC"], cands)
    f = {name: x[:, i] for i, name in enumerate(FEATURES)}
    assert x.shape == (3, len(FEATURES))
    assert f["bm25"][0] == 5.0 and np.isnan(f["bm25"][1]) and f["bm25_rel"][2] == pytest.approx(0.5)
    assert list(f["bm25_rank"][[0, 2]]) == [1, 2] and np.isnan(f["bm25_rank"][1])
    assert list(f["dense_rank"][:2]) == [2, 1] and f["dense_gap"][1] == pytest.approx(0.0)
    assert list(f["fused_rank"]) == [1, 2, 3] and f["fused_rel"][0] == pytest.approx(1.0)
    assert list(f["named_doc"]) == [1, 0, 1] and set(f["any_named"]) == {1}
    assert f["title_cover"][0] == pytest.approx(1.0)  # "Chế độ thôi việc" is all in the question
    assert f["title_cover"][2] < 1.0
    assert f["doc_title_cover"][0] == pytest.approx(1.0) and f["doc_title_cover"][1] == 0.0
    assert list(f["doc_type"]) == [2, 1, 2] and list(f["article_no"]) == [30, 51, 29]
    assert f["article_pos"][0] == pytest.approx(1.0) and f["doc_articles"][0] == pytest.approx(np.log(2))
    assert list(f["doc_hits"]) == [2, 1, 2] and list(f["doc_best_rank"]) == [1, 2, 1]
    assert f["query_len"][0] == len(set(syllables("Viên chức được hưởng chế độ thôi việc không?")))
    assert np.isnan(f["passage"]).all() and np.isnan(f["passage_rank"]).all()  # an index without passages
    assert features(info, "x", [], []).shape == (0, len(FEATURES))
    with_passages = [Candidate(c.key, c.bm25, c.dense, c.fused, p) for c, p in zip(cands, (2.0, 4.0, 0.0))]
    g = dict(zip(FEATURES, features(info, "Viên chức thôi việc?", ["LVC"], with_passages).T))
    assert list(g["passage"]) == [2.0, 4.0, 0.0] and list(g["passage_rel"]) == [0.5, 1.0, 0.0]
    assert list(g["passage_rank"]) == [2, 1, 3]


def test_case_kind_reads_the_kind_of_case_the_question_and_the_document_title_name():
    records = [ArticleRecord(("TTDS", "273"), "Bộ luật Tố tụng dân sự", "Bộ luật", "Thời hạn kháng cáo", "15 ngày."),
               ArticleRecord(("TTHS", "333"), "Bộ luật Tố tụng hình sự", "Bộ luật", "Thời hạn kháng cáo", "15 ngày."),
               ArticleRecord(("LVC", "29"), "Luật Viên chức", "Luật", "Đơn phương chấm dứt hợp đồng", "Viên chức.")]
    info = RecordInfo.from_records(records)
    cands = [Candidate(r.key, 1.0, 0.9, 1.0) for r in records]

    def kind(question):
        return list(features(info, question, [], cands)[:, FEATURES.index("case_kind")])

    assert kind("Thời hạn kháng cáo bản án sơ thẩm trong vụ án dân sự?") == [1.0, -1.0, 0.0]
    assert kind("Thời hạn kháng cáo trong vụ án Hình sự?") == [-1.0, 1.0, 0.0]
    assert np.isnan(kind("Thời hạn kháng cáo là bao lâu?")).all()  # the question names no kind of case


def _toy_training(seed: int = 0, questions: int = 60):
    """Groups of 8 candidates where the gold one has the best dense score but a random fused rank."""
    rng = np.random.RandomState(seed)
    xs, y, groups = [], [], []
    for _ in range(questions):
        n = 8
        x = rng.rand(n, len(FEATURES))
        gold = rng.randint(n)
        x[:, FEATURES.index("dense")] = rng.rand(n) * 0.5
        x[gold, FEATURES.index("dense")] = 0.9
        x[:, FEATURES.index("doc_type")] = rng.randint(0, 4, n)
        xs.append(x)
        y.append((np.arange(n) == gold).astype(float))
        groups.append(n)
    return np.concatenate(xs), np.concatenate(y), groups


def test_fit_learns_and_is_deterministic(tmp_path):
    x, y, groups = _toy_training()
    a = fit(x, y, groups, seed=7, rounds=30)
    b = fit(x, y, groups, seed=7, rounds=30)
    xt, yt, gt = _toy_training(seed=1)
    pa, pb = a.predict(xt), b.predict(xt)
    assert np.array_equal(pa, pb)
    # the gold candidate comes first in most held-out groups
    starts = np.cumsum([0, *gt[:-1]])
    top = [int(np.argmax(pa[s:s + g]) == np.argmax(yt[s:s + g])) for s, g in zip(starts, gt)]
    assert np.mean(top) > 0.9
    a.save(tmp_path / "ranker")
    loaded = LearnedRanker.load(tmp_path / "ranker")
    assert np.allclose(loaded.predict(xt), pa) and loaded.depth == a.depth
    (tmp_path / "ranker" / "meta.json").write_text('{"format": 1, "features": ["other"]}')
    with pytest.raises(ValueError, match="retrain"):
        LearnedRanker.load(tmp_path / "ranker")


def _dev(seed: int, questions: int = 60) -> DevFeatures:
    x, y, groups = _toy_training(seed, questions)
    return DevFeatures([{"text": str(i)} for i in range(len(groups))], x, y, groups)


def test_a_model_fitted_on_the_dev_sets_carries_its_typical_margin_on_unseen_questions():
    """The unit of the ranker's scores: the median margin between the first two candidates of a real user's question
    ("zalo") ranked by a model fitted without it — what a new question gets, and narrower than in sample."""
    dev = {"alqac": _dev(0), "zalo": _dev(1)}
    keep = {name: np.ones(60, dtype=bool) for name in dev}
    scale = typical_margin(dev, keep, seed=7)
    model = fit_dev(dev, seed=7)
    assert model.margin_scale == scale and model.meta["trained_on"] == {"alqac": 60, "zalo": 60}
    in_sample = np.median([np.diff(np.sort(model.predict(dev["zalo"].rows(i)))[-2:])[0] for i in range(60)])
    assert 0 < scale < in_sample
    assert dev["zalo"].rows(2).shape == (8, len(FEATURES)) and np.array_equal(dev["zalo"].rows(2), dev["zalo"].x[16:24])
    # only the questions kept: another fold, another scale; measured on "zalo" alone
    half = {name: np.arange(60) % 2 == 0 for name in dev}
    assert typical_margin(dev, half, seed=7) != scale
    assert typical_margin({**dev, "zalo": _dev(2)}, keep, seed=7) != scale
    # nothing to measure (too few questions to tell two candidates apart): the unit stays 1
    tiny = {"zalo": DevFeatures([{"text": "a"}], np.zeros((2, len(FEATURES))), np.array([1.0, 0.0]), [2])}
    assert typical_margin(tiny, {"zalo": np.ones(1, dtype=bool)}) == 1.0


class _Constant:
    """A stand-in model: prefers the candidate with the best dense score (its typical margin: 0.5)."""

    depth = 3
    margin_scale = 0.5

    def predict(self, x):
        return np.nan_to_num(x[:, FEATURES.index("dense")], nan=-1.0)


def test_index_ranker_reorders_the_head_and_keeps_the_score_scale():
    recs = _records()
    analyzer = QueryAnalyzer.from_titles({r.doc_id: r.doc_title for r in recs})
    ranker = IndexRanker(_Constant(), RecordInfo.from_records(recs), analyzer)
    hits = [Hit(("LVC", "30"), 1.2, 1, scores={"bm25": 5.0, "dense": 0.2, "fused": 1.2}),
            Hit(("LVC", "29"), 0.8, 2, scores={"bm25": 4.0, "dense": 0.9, "fused": 0.8}),
            Hit(("BLHS", "51"), 0.5, 3, scores={"dense": 0.5, "fused": 0.5}),
            Hit(("BLHS", "52"), 0.1, 4, scores={"bm25": 1.0, "fused": 0.1})]
    out = ranker.rerank("thôi việc", hits)
    assert [h.key for h in out] == [("LVC", "29"), ("BLHS", "51"), ("LVC", "30"), ("BLHS", "52")]
    assert [h.score for h in out] == [1.2, 0.8, 0.5, 0.1]  # each rank keeps its fused score
    assert out[0].scores["ranker"] == pytest.approx(0.9 / 0.5)  # in units of the model's typical margin
    assert out[0].scores["bm25"] == 4.0
    assert [h.rank for h in out[:3]] == [1, 2, 3]
    assert ranker.rerank("x", hits[:1]) == hits[:1]


def test_dev_questions_read_both_formats(tmp_path):
    import json

    (tmp_path / "zalo").mkdir()
    (tmp_path / "alqac").mkdir()
    (tmp_path / "zalo" / "questions-statutes.json").write_text(json.dumps(
        [{"id": "z1", "text": "Hỏi?", "relevant_articles": [{"law_id": "73/2006/qh", "article_id": "5"}]}]))
    (tmp_path / "alqac" / "questions.json").write_text(json.dumps(
        [{"question_id": "a1", "text": "Đúng hay sai?", "choices": {"A": "x"},
          "relevant_articles": [{"law_id": "Luật Viên chức", "article_id": 29}]}]))

    from corpus.aliases import AliasResolver

    statutes = AliasResolver()  # the corpus's resolver reads Zalo's lower-case numbers, here one without its session
    statutes.add("73/2006/QH11", "Luật Bình đẳng giới", "Luật", "73/2006/QH11")

    class _Resolver:
        def __contains__(self, name):
            return False

        def resolve(self, name):
            return {"Luật Viên chức": "luat-vien-chuc"}.get(name)

    z = dev_questions(tmp_path, "zalo", statutes)
    assert z == [{"text": "Hỏi?", "choices": None, "gold": {("73/2006/QH11", "5")}}]
    a = dev_questions(tmp_path, "alqac", _Resolver())
    assert a[0]["gold"] == {("luat-vien-chuc", "29")} and a[0]["choices"] == {"A": "x"}


class _Reverse:
    """A stand-in model that ranks the fused candidates in reverse, and records what it was shown."""

    depth = 5
    margin_scale = 1.0

    def __init__(self):
        self.seen = []

    def predict(self, x):
        self.seen.append(x)
        return x[:, FEATURES.index("fused_rank")]


def test_index_runs_an_attached_ranker_before_named_units(store, tmp_path):
    from indexing.index import CorpusIndex, IndexBuilder, IndexConfig
    from indexing.ranker import attach_ranker, load_ranker
    from tests.indexing.test_index import BLHS, VIEN_CHUC

    store.replace_source("test", "/a", "h1", [BLHS])
    store.replace_source("test", "/b", "h1", [VIEN_CHUC])
    IndexBuilder(tmp_path / "home", IndexConfig(), None).build(store, "test")
    index = CorpusIndex.load(tmp_path / "home", "test", resolver=store.resolver("test"))
    plain = [h.key for h in index.search("viên chức thôi việc hợp đồng", 5)]
    model = _Reverse()
    attach_ranker(index, model)
    attach_ranker(index, model)  # attaching again replaces, never stacks
    assert sum(isinstance(r, IndexRanker) for r in index.rerankers) == 1
    hits = index.search("viên chức thôi việc hợp đồng", 2)
    assert len(model.seen[-1]) == len(plain)  # the ranker saw its depth of candidates, not just k + 2
    passage = model.seen[-1][:, FEATURES.index("passage")]
    assert not np.isnan(passage).any() and passage.max() > 0  # the index's passage scores reach the features
    assert [h.key for h in hits] == plain[::-1][:2] and "ranker" in hits[0].scores
    assert [h.rank for h in hits] == [1, 2]
    # a cited article still comes first, after the ranker
    assert index.search("Điều 51 Bộ luật Hình sự", 3)[0].key == ("100/2015/QH13", "51")
    attach_ranker(index, None)
    assert [h.key for h in index.search("viên chức thôi việc hợp đồng", 5)] == plain
    assert load_ranker(tmp_path / "home") is None  # none trained there
    (tmp_path / "home" / "models" / "ranker").mkdir(parents=True)
    (tmp_path / "home" / "models" / "ranker" / "model.txt").write_text("broken")
    (tmp_path / "home" / "models" / "ranker" / "meta.json").write_text("{}")
    assert load_ranker(tmp_path / "home") is None  # unusable: logged and ignored
