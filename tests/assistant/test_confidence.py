"""Answer confidence (assistant/confidence.py), its out-of-fold fitting (assistant/calibration.py) and the
assistant's abstention by it — on the small corpus of test_pipeline, no real model."""

from __future__ import annotations

import json
import os
import time

import numpy as np
import pytest

from assistant.answer import Answer, AnswerForm, Citation, Source
from assistant.calibration import AnsweredQuestion, answer_out_of_fold, cross_validate, fit_confidence
from assistant.confidence import (FEATURES, SIGNALS, ConfidenceFile, ConfidenceModel, confidence_dir, features, fit,
                                  load_confidence, threshold_for)
from assistant.question_scope import fit_scope
from assistant.understand import understand
from indexing.ranker import DevFeatures, IndexRanker, collect
from tests.assistant.test_pipeline import assistant  # noqa: F401 - the fixture


def _source(doc: str, article: str, rank: int, **scores) -> Source:
    return Source(document_id=doc, document_title="Bộ luật Hình sự", article=article, title="Tự thú",
                  text="Người phạm tội tự thú được giảm nhẹ.", score=1.0, rank=rank, scores=scores)


def test_features_read_retrieval_composition_and_cues():
    sources = [_source("A", "1", 1, bm25=20.0, dense=0.9, ranker=2.0),
               _source("A", "2", 2, bm25=10.0, dense=0.8, ranker=0.5),
               _source("B", "3", 3, bm25=5.0, dense=0.7)]
    answer = Answer(question="q", text="t", form=AnswerForm.OPEN, confidence=0.6,
                    citations=[Citation(document_id="A", document_title="Bộ luật Hình sự", article="1", quote="x",
                                        verified=True)])
    q = understand("Mức phạt khi không mang bằng lái xe là bao nhiêu?")
    x = dict(zip(SIGNALS, features(q, sources, answer)))
    assert len(x) == len(SIGNALS) and FEATURES == (*SIGNALS, "scope")
    assert x["bm25_top"] == pytest.approx(np.log1p(20.0))
    assert x["ranker_top"] == 2.0 and x["ranker_gap"] == 1.5
    assert x["dense_gap"] == pytest.approx(0.2)
    assert x["top_doc_share"] == pytest.approx(2 / 5) and x["docs_top10"] == 2
    assert x["composer_conf"] == 0.6 and x["cites_first_source"] == 1.0
    assert x["asks_fine"] == 1.0 and x["asks_procedure"] == 0.0 and x["named"] == 0.0
    bare = dict(zip(SIGNALS, features(understand("Thủ tục đăng ký kết hôn?"), [], answer)))
    assert bare["evidence"] == -5.0 and np.isnan(bare["ranker_top"]) and bare["asks_procedure"] == 1.0


def test_threshold_lets_at_most_the_share_fall_below():
    p = np.linspace(0.01, 1.0, 100)
    t = threshold_for(p, 0.05)
    assert (p < t).sum() == 5
    assert (p < threshold_for(p, 0.0)).sum() == 0


def test_fit_separates_and_round_trips(tmp_path):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(200, len(FEATURES)))
    y = (x[:, 0] + 0.3 * rng.normal(size=200) > 0).astype(int)
    x[::7, 5] = np.nan  # a missing signal takes the training mean
    model = fit(x, y, threshold=0.4)
    model.scope = fit_scope(["mức phạt xe máy", "mức phạt ô tô", "tự thú được giảm nhẹ", "tự thú là gì"],
                            [False, False, True, True])
    p = model.probability(x)
    assert ((p > 0.5) == y).mean() > 0.9
    model.save(tmp_path)
    again = ConfidenceModel.load(tmp_path)
    assert np.allclose(again.probability(x), p) and again.threshold == 0.4
    texts = ["mức phạt xe máy"] * 200
    assert np.allclose(again.confidence(x[:, :-1], texts), model.confidence(x[:, :-1], texts))
    assert again.scope.to_dict() == model.scope.to_dict()
    body = json.loads((tmp_path / "model.json").read_text())
    body["features"] = body["features"][:-1]
    (tmp_path / "model.json").write_text(json.dumps(body))
    with pytest.raises(ValueError, match="other features"):
        ConfidenceModel.load(tmp_path)


def _constant_model(p: float, threshold: float) -> ConfidenceModel:
    n = len(FEATURES)
    logit = float(np.log(p / (1 - p)))
    return ConfidenceModel([0.0] * n, [1.0] * n, [0.0] * n, logit, threshold)


def test_assistant_abstains_below_the_models_threshold(assistant):  # noqa: F811
    question = "Người phạm tội tự thú thì có được giảm nhẹ không?"
    assistant.confidence = lambda: _constant_model(0.9, 0.5)
    sure = assistant.answer(question, corpus="t")
    assert not sure.abstained and sure.confidence == pytest.approx(0.9) and sure.citations
    assistant.confidence = lambda: _constant_model(0.2, 0.5)
    unsure = assistant.answer(question, corpus="t")
    assert unsure.abstained and unsure.confidence == pytest.approx(0.2)
    assert unsure.sources and not unsure.citations  # the nearest articles are still offered as leads
    assistant.confidence = lambda: None  # no model fitted: the evidence rule decides, as before
    assert not assistant.answer(question, corpus="t").abstained


def test_confidence_file_reloads_a_refit(tmp_path):
    source = ConfidenceFile(tmp_path)
    assert source() is None and load_confidence(tmp_path) is None
    _constant_model(0.7, 0.3).save(confidence_dir(tmp_path))
    assert source().threshold == 0.3
    _constant_model(0.7, 0.6).save(confidence_dir(tmp_path))
    path = confidence_dir(tmp_path) / "model.json"
    os.utime(path, (time.time() + 5, time.time() + 5))
    assert source().threshold == 0.6
    path.write_text("{not json")
    os.utime(path, (time.time() + 10, time.time() + 10))
    assert source() is None  # broken: logged and ignored, the rule decides


def _rows(n: int = 60) -> list[AnsweredQuestion]:
    rng = np.random.default_rng(1)
    rows = []
    for i in range(n):
        group = ("alqac", "zalo", "outside")[i % 3]
        answerable = group != "outside"
        x = rng.normal(size=len(SIGNALS)) + (1.5 if answerable else -1.5)
        text = f"người phạm tội tự thú {i}" if answerable else f"mức phạt lỗi vượt đèn đỏ {i}"
        rows.append(AnsweredQuestion(group, i % 5, answerable, text, x, answerable, answerable, False))
    return rows


def test_fit_confidence_thresholds_each_answerable_set():
    rows = _rows()
    model = fit_confidence(rows, max_abstain=0.05)
    assert model.scope.score("mức phạt lỗi vượt đèn đỏ") < 0 < model.scope.score("người phạm tội tự thú")
    p = model.confidence(np.array([r.x for r in rows]), [r.text for r in rows])
    for group in ("alqac", "zalo"):
        mine = np.array([r.set == group for r in rows])
        assert (p[mine] < model.threshold).mean() <= 0.05
    assert (p[[r.set == "outside" for r in rows]] < model.threshold).mean() > 0.5
    oof, abstain = cross_validate(rows, 0.05)
    assert oof.shape == (60,) and abstain[[r.set == "outside" for r in rows]].mean() > 0.5


def test_answer_out_of_fold_uses_a_ranker_that_did_not_see_the_question(assistant, tmp_path):  # noqa: F811
    index = assistant.index_for("t")
    qs = [{"text": t, "choices": None, "gold": {("100/2015/QH13", a)}} for t, a in [
        ("tuổi chịu trách nhiệm hình sự", "12"), ("tình tiết giảm nhẹ trách nhiệm hình sự", "51"),
        ("người dưới 18 tuổi phạm tội", "91"), ("người từ đủ 16 tuổi phạm tội", "12"),
        ("người phạm tội tự nguyện bồi thường", "51")]]
    dev = {"alqac": collect(index, qs), "zalo": collect(index, qs)}
    assert isinstance(dev["zalo"], DevFeatures)
    (tmp_path / "zalo").mkdir()
    (tmp_path / "zalo" / "questions-outside.json").write_text(json.dumps(
        [{"id": "o1", "text": "Mức phạt khi quay đầu xe ô tô trên đường cao tốc", "relevant_articles": []}]))
    seen = []

    def draft(text, corpus, choices):
        seen.append([r for r in index.rerankers if isinstance(r, IndexRanker)])
        assert corpus in ("alqac", "statutes")  # each set on its own corpus; here both are the test corpus "t"
        return assistant.draft(text, corpus="t", choices=choices, abstain_rule=False)

    rows = answer_out_of_fold(draft, {"alqac": index, "zalo": index}, {}, tmp_path, dev, k=5, seed=3)
    assert sum(not r.answerable for r in rows) == 1 and sum(r.set == "zalo" for r in rows) == 5
    assert sorted(r.text for r in rows if r.set == "alqac") == sorted(q["text"] for q in qs[::3])  # EVERY
    assert all(len(s) == 1 for s in seen)  # every question answered with a fold's ranker attached
    assert not any(isinstance(r, IndexRanker) for r in index.rerankers)  # and none left behind
    assert {r.fold for r in rows if r.set == "zalo"} == set(range(5))
    assert any(r.cites_gold for r in rows if r.answerable) and all(r.x.shape == (len(SIGNALS),) for r in rows)


def test_each_fold_searches_through_an_adapter_fitted_without_its_questions(assistant, tmp_path):  # noqa: F811
    """With the query adapter's dev rows, every fold searches through its own adapter fitted on the other folds'
    questions, and its ranker learns from the other folds' out-of-fold features; none is left attached."""
    from indexing.adapted_dev import AdaptedDev
    from indexing.query_adapter import TrainingSet

    index = assistant.index_for("t")
    texts = ["tuổi chịu trách nhiệm hình sự", "tình tiết giảm nhẹ trách nhiệm hình sự", "người dưới 18 tuổi phạm tội",
             "người từ đủ 16 tuổi phạm tội", "người phạm tội tự nguyện bồi thường"]
    for rel in (("alqac", "questions.json"), ("zalo", "questions-statutes.json"), ("zalo", "questions-outside.json")):
        (tmp_path / rel[0]).mkdir(exist_ok=True)
        (tmp_path.joinpath(*rel)).write_text(json.dumps([
            {"id": str(i), "text": t, "relevant_articles": [{"law_id": "100/2015/QH13", "article_id": "51"}]}
            for i, t in enumerate(texts[:1] if "outside" in rel[1] else texts)]))
    rng = np.random.default_rng(0)
    rows = TrainingSet(rng.standard_normal((5, 8)).astype(np.float32), rng.standard_normal((6, 8)).astype(np.float32),
                       [[i % 6] for i in range(5)])
    seen = []

    def draft(text, corpus, choices):
        seen.append(index.query_adapter)  # kept: distinct objects stay distinct
        return assistant.draft(text, corpus="t", choices=choices, abstain_rule=False)

    class Resolver(dict):
        def resolve(self, name):
            return name

    indexes = {"alqac": index, "zalo": index}
    adapted = AdaptedDev(indexes, {"alqac": Resolver(), "zalo": Resolver()}, tmp_path, k=5, seed=3)
    adapted.training_sets = {"alqac": rows, "zalo": rows}  # the lexical test index has no encoder
    out = answer_out_of_fold(draft, indexes, {}, tmp_path, seed=3, adapted=adapted)
    assert {r.fold for r in out} == set(range(5)) and len({id(a) for a in seen}) == 5  # one adapter per fold
    assert all(seen[i] is adapted.fold_adapters.adapters[r.fold] for i, r in enumerate(out))
    assert index.query_adapter is None and not any(isinstance(r, IndexRanker) for r in index.rerankers)
    assert all(a.meta["trained_on"] == [4, 4] for a in adapted.fold_adapters.adapters)  # four of five, each set
    assert [q["text"] for q in adapted.features["zalo"].questions] == texts


def test_the_confidence_learns_from_scope_scores_of_unseen_questions(monkeypatch):
    """Stacking: each answer's scope feature comes from a scope model fitted without its fold, and a fold's
    out-of-fold confidence from models fitted without it."""
    import assistant.calibration as calibration

    rows = _rows()
    fitted_on = []
    real = calibration.fit_scope

    def spy(texts, answerable, weights=None):
        fitted_on.append(set(texts))
        return real(texts, answerable, weights)

    monkeypatch.setattr(calibration, "fit_scope", spy)
    stacked = calibration.stacked_scope(rows)
    assert len(fitted_on) == 5 and not np.isnan(stacked).any()
    for f, seen in enumerate(fitted_on):
        assert not seen & {r.text for r in rows if r.fold == f}
        # it learns from real users' questions only: Zalo's in the corpus and outside it, not ALQAC's exam statements
        assert seen == {r.text for r in rows if r.fold != f and r.set in ("zalo", "outside")}
    # without users' questions of both kinds there is no scope model, and the feature is missing
    no_users = [r for r in rows if r.set != "zalo"]
    assert np.isnan(calibration.stacked_scope(no_users)).all()
    assert calibration.fit_confidence(no_users, 0.05).scope is None


def test_fitting_needs_both_kinds_of_question():
    rows = [r for r in _rows() if r.answerable]
    with pytest.raises(ValueError, match="not in the corpus"):
        fit_confidence(rows)
    p, abstain = cross_validate(rows)
    assert np.isnan(p).all() and not abstain.any()  # no fold can be fitted: nothing abstains, nothing is scored
