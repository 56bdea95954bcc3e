"""The harness end to end on a tiny suite answered by a fake system whose results are known: every metric is checked
against values computed by hand (see tests/eval/fakes.py for the suite, the rankings and the answers)."""

from __future__ import annotations

import json
import math

import pytest

from eval.rundir import RESULTS, RunError, load_run, read_results
from eval.runner import RunOptions, run_suite
from eval.suite import Suite
from tests.eval.fakes import FakeAssistant, fake_system, suite_questions

L3 = math.log2(3)

# per question, by hand. Retrieval (q4 has no gold: left out):
#   q1 gold A1 ranked [A1, A2, B1]        → R@1 1, P@5 1/3, RR 1, nDCG 1; cut-off {A1, A2} (9.5 ≥ 0.9·10): P ½ R 1
#   q2 gold A2, B3 ranked [B1, A2, A2, B3] → dedup [B1, A2, B3]: R@1 0, R@5 1, P@1 0, P@5 2/3, RR ½,
#                                          nDCG (1/log2 3 + 1/2) / (1 + 1/log2 3); cut-off {B1} (4 < 7.2): 0
#   q3 gold ("Luật C", 5) unresolvable     → every retrieval metric 0; cut-off {A1}
#   q5 gold B1 ranked [B1, B2]             → R@1 1, P@5 ½, RR 1, nDCG 1; cut-off {B1, B2}: P ½ R 1
#   q6 gold A3 (not indexed), nothing      → 0; cut-off {}
F2_HALF = 5 * 0.5 * 1 / (4 * 0.5 + 1)
EXPECTED = {
    "recall@1": 2 / 5, "recall@5": 3 / 5, "recall@10": 3 / 5, "recall@100": 3 / 5,
    "precision@1": 2 / 5, "precision@5": (1 / 3 + 2 / 3 + 1 / 2) / 5, "precision@10": (1 / 3 + 2 / 3 + 1 / 2) / 5,
    "mrr@10": (1 + 0.5 + 1) / 5, "ndcg@10": (1 + (1 / L3 + 0.5) / (1 + 1 / L3) + 1) / 5,
    "f2": 2 * F2_HALF / 5, "precision@cutoff": (0.5 + 0.5) / 5, "recall@cutoff": 2 / 5, "cutoff_size": 6 / 5,
    # answers: q1 Đúng ✓, q2 B ✗ (gold C), q6 abstained ✗
    "accuracy": 1 / 3,
    # by type: Đúng/Sai q1 ✓ q6 ✗; trắc nghiệm q2 ✗
    "accuracy:true_false": 1 / 2, "accuracy:multiple_choice": 0.0,
    # q3 "3 tháng" = "03 tháng" after normalisation; q4 "Tòa án nhân dân" vs "Tòa án nhân dân cấp tỉnh": P 1, R 4/6
    "exact_match": 1 / 2, "token_f1": (1 + 0.8) / 2,
    # cited vs gold: q1 {A1}/{A1} → P 1 R 1; q2 {A2, B1}/{A2, B3} → ½ ½; q3 nothing cited → R 0; q5 {B1}/{B1} → 1 1;
    # q6 abstained → R 0; q4 has no gold
    "citation_precision": (1 + 0.5 + 1) / 3, "citation_recall": (1 + 0.5 + 0 + 1 + 0) / 5,
    # offered citations: q1 ✓, q2 one removed ✗, q4 ✓, q5 ✓
    "citations_verified": 3 / 4,
    "abstained": 1 / 6, "abstained:answerable": 1 / 6,  # every question is answerable: no outside rate, no AUROC
    # q5: sentence 1 quotes B1 (supported), sentence 2 ("miễn mọi nghĩa vụ thuế") is not → ½
    "groundedness": 1 / 2,
}
N = {"recall@1": 5, "accuracy": 3, "exact_match": 2, "token_f1": 2, "citation_precision": 3, "citation_recall": 5,
     "citations_verified": 4, "abstained": 6, "groundedness": 1}


@pytest.fixture
def suite():
    return Suite(None, suite_questions(), sha256="test")


def test_every_metric_matches_hand_computed_values(tmp_path, suite):
    system, indexes = fake_system()
    run = run_suite(suite, system, tmp_path / "run", RunOptions(default_corpus="fake", k=100))
    m = run.metrics
    assert m["questions"] == 6 and m["errors"] == 0 and m["no_gold"] == 1
    for metric, value in EXPECTED.items():
        assert m["metrics"][metric]["value"] == pytest.approx(value), metric
    for metric, n in N.items():
        assert m["metrics"][metric]["n"] == n, metric
    for metric, h in m["headline"].items():
        assert h["value"] == pytest.approx(EXPECTED[metric]) and h["low"] <= h["value"] <= h["high"], metric
    # Recall@k curve: q2's second gold article arrives at rank 3 (rank 2 after dropping the repeat: ½ at k=2)
    curve = m["recall_curve"]
    assert len(curve) == 100
    assert curve[:3] == pytest.approx([2 / 5, (1 + 0.5 + 1) / 5, 3 / 5]) and curve[-1] == pytest.approx(3 / 5)
    # by type and by gold document
    assert m["by_type"]["true_false"] == pytest.approx(
        m["by_type"]["true_false"] | {"n": 2, "recall@1": 0.5, "accuracy": 0.5, "abstained": 0.5})
    assert m["by_type"]["short_answer"]["token_f1"] == pytest.approx(0.9)
    assert m["by_document"]["A"]["n"] == 3 and m["by_document"]["A"]["recall@10"] == pytest.approx(2 / 3)
    assert m["by_document"]["B"]["n"] == 2 and m["by_document"]["B"]["title"] == "Luật B"
    assert m["by_document"]["Luật C"]["recall@10"] == 0
    # end to end = the assistant's total: 10, 20, …, 60 ms → p50 35, p95 57.5 (linear), max 60
    e2e = m["latency_ms"]["end_to_end"]
    assert (e2e["p50"], e2e["p95"], e2e["max"], e2e["n"]) == (35.0, 57.5, 60.0, 6)
    assert m["latency_ms"]["answer.retrieve"]["max"] == 6.0 and m["latency_ms"]["search"]["n"] == 6
    # unresolvable and unindexed gold is reported, once each, and kept as a miss
    assert sorted((p["question_id"], p["document"], p["article"]) for p in m["gold_problems"]) == [
        ("q3", "Luật C", "5"), ("q6", "Luật A", "3")]
    # corpus: the question's own, else the default; retrieval asked for k articles with the choices
    assert sorted(indexes) == ["alqac", "fake"]
    assert indexes["fake"].queries[0][1:] == (100, suite.questions[1].choices)


def test_results_hold_ranks_scores_answers_and_timings(tmp_path, suite):
    assistant = FakeAssistant()
    system, _ = fake_system(assistant)
    run_suite(suite, system, tmp_path / "run", RunOptions(default_corpus="fake"))
    results = {r["id"]: r for r in read_results(tmp_path / "run" / RESULTS)}
    q2 = results["q2"]
    assert [(h["document"], h["article"], h["rank"], h["score"]) for h in q2["retrieved"]][:2] == [
        ("B", "1", 1, 8.0), ("A", "2", 2, 4.0)]
    assert q2["gold"][1] == {"document": "B", "article": "3", "written": "B", "document_title": "Luật B",
                             "title": "Điều 3"}
    assert q2["answer"]["value"] == "B" and q2["answer"]["removed_citations"] == 1
    assert set(q2["timings_ms"]) == {"search", "answer.retrieve", "answer.total", "end_to_end"}
    # uncited sources keep no text; cited ones keep theirs (groundedness reads it)
    assert [bool(s["text"]) for s in results["q5"]["answer"]["sources"]] == [True, False]
    # the assistant was asked with the suite's form, choices and the question's corpus
    assert [c["form"] for c in assistant.calls] == [q.type for q in suite.questions]
    assert assistant.calls[0]["corpus"] == "alqac" and assistant.calls[1]["choices"] == suite.questions[1].choices


def test_retrieval_only_skips_answers(tmp_path, suite):
    assistant = FakeAssistant()
    system, _ = fake_system(assistant)
    run = run_suite(suite, system, tmp_path / "run", RunOptions(default_corpus="fake", retrieval_only=True))
    assert not assistant.calls and all(r["answer"] is None for r in run.results)
    assert run.metrics["headline"]["recall@1"]["value"] == pytest.approx(0.4)
    assert "accuracy" not in run.metrics["headline"] and run.metrics["answered"] is False
    assert run.metrics["latency_ms"]["end_to_end"]["n"] == 6  # the search time when nothing is answered


def test_corpus_option_wins_over_the_question(tmp_path, suite):
    system, indexes = fake_system()
    run_suite(suite, system, tmp_path / "run", RunOptions(corpus="other", default_corpus="fake"))
    assert sorted(indexes) == ["other"]


def test_an_interrupted_run_resumes_where_it_stopped(tmp_path, suite):
    out = tmp_path / "run"
    system, _ = fake_system(FakeAssistant(fail_on_call=3))
    with pytest.raises(KeyboardInterrupt):
        run_suite(suite, system, out, RunOptions(default_corpus="fake"))
    assert [r["id"] for r in read_results(out / RESULTS)] == ["q1", "q2"]
    assert not (out / "metrics.json").exists()
    with (out / RESULTS).open("a", encoding="utf-8") as f:
        f.write('{"id": "q3", "type": "sho')  # a line torn by the kill
    again = FakeAssistant()
    system, _ = fake_system(again)
    run = run_suite(suite, system, out, RunOptions(default_corpus="fake"))
    assert len(again.calls) == 4  # q3…q6 only
    assert [r["id"] for r in load_run(out).results] == [f"q{i}" for i in range(1, 7)]
    assert run.metrics["metrics"]["accuracy"]["value"] == pytest.approx(1 / 3)
    assert run.manifest["resumed_with"] == 2


def test_resuming_with_another_configuration_is_refused(tmp_path, suite):
    out = tmp_path / "run"
    system, _ = fake_system()
    run_suite(suite, system, out, RunOptions(default_corpus="fake"))
    with pytest.raises(RunError, match="retrieval_only"):
        run_suite(suite, system, out, RunOptions(default_corpus="fake", retrieval_only=True))
    run = run_suite(suite, system, out, RunOptions(default_corpus="fake", retrieval_only=True, restart=True))
    assert run.manifest["retrieval_only"] is True and len(run.results) == 6


def test_a_question_that_fails_is_recorded_not_fatal(tmp_path):
    from eval.suite import SuiteQuestion

    bad = SuiteQuestion(id="bad", question="lỗi", type="open")
    system, _ = fake_system()
    run = run_suite(Suite(None, [*suite_questions(), bad], "x"), system, tmp_path / "run",
                    RunOptions(default_corpus="fake"))
    assert run.metrics["errors"] == 1
    assert run.results[-1]["error"] == "QueryError: the query is broken"


def test_a_missing_index_stops_the_run_before_it_starts(tmp_path, suite):
    from indexing.index import IndexUnavailable

    def no_index(corpus):
        raise IndexUnavailable(f"no index for corpus {corpus!r}: rebuild it with `thuky index build`")

    system, _ = fake_system()
    system.index_for = no_index
    with pytest.raises(RunError, match="thuky index build"):
        run_suite(suite, system, tmp_path / "run", RunOptions(default_corpus="fake"))
    assert not (tmp_path / "run").exists()


def test_metrics_json_is_strict_json(tmp_path, suite):
    system, _ = fake_system()
    run_suite(suite, system, tmp_path / "run", RunOptions(default_corpus="fake"))
    text = (tmp_path / "run" / "metrics.json").read_text(encoding="utf-8")
    json.loads(text, parse_constant=lambda c: pytest.fail(f"non-JSON constant {c}"))


def test_confidence_auroc_and_abstention_with_outside_questions(tmp_path):
    """The suite plus three questions outside the corpus (tests/eval/fakes.py, CONFIDENCE)."""
    suite = Suite(None, suite_questions(outside=True), sha256="outside")
    run = run_suite(suite, fake_system()[0], tmp_path / "run", RunOptions(default_corpus="fake"))
    m = run.metrics
    # the outside questions' laws are references only: no gold, no gold problem, no retrieval metric
    o1 = next(r for r in run.results if r["id"] == "o1")
    assert o1["answerable"] is False and o1["gold"] == [] and o1["references"][0]["document"] == "47/2011/tt-bca"
    assert {p["question_id"] for p in m["gold_problems"]} == {"q3", "q6"}
    assert m["outside"] == 3 and m["no_gold"] == 1 and m["metrics"]["recall@10"]["n"] == 5
    # positives (answerable, citing gold) q1 0.9, q2 0.6, q5 0.4 vs outside 0.4, 0.2, 0.7: 6.5 of 9 pairs
    h = m["headline"]
    assert h["confidence_auroc"]["value"] == pytest.approx(6.5 / 9) and h["confidence_auroc"]["n"] == 6
    assert h["confidence_auroc"]["low"] <= 6.5 / 9 <= h["confidence_auroc"]["high"]
    # abstained: q6 of the six answerable, o2 of the three outside
    assert h["abstained:answerable"]["value"] == pytest.approx(1 / 6) and h["abstained:answerable"]["n"] == 6
    assert h["abstained:outside"]["value"] == pytest.approx(1 / 3) and h["abstained:outside"]["n"] == 3
    assert m["metrics"]["confidence"]["n"] == 9 and m["metrics"]["cites_gold"]["n"] == 5
    # the trade-off: at threshold t, confidence < t or already abstained; correct = q1, q2, q5
    assert m["abstention_operating_point"] == pytest.approx(
        {"threshold": None, "abstain_answerable": 1 / 6, "abstain_outside": 1 / 3, "answered_correct": 1 / 2})
    thresholds = [p["threshold"] for p in m["abstention_curve"]]
    assert thresholds[:-1] == [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.9] and 0.9 < thresholds[-1] < 0.9 + 1e-9
    curve = {p["threshold"]: (p["abstain_answerable"], p["abstain_outside"], p["answered_correct"])
             for p in m["abstention_curve"]}
    assert curve[0.1] == pytest.approx((1 / 6, 1 / 3, 1 / 2))  # the system's own abstentions only
    assert curve[0.4] == pytest.approx((2 / 6, 1 / 3, 1 / 2))  # + q3 (0.3)
    assert curve[0.5] == pytest.approx((3 / 6, 2 / 3, 2 / 6))  # + q5 and o1 (0.4, tied)
    assert curve[0.9] == pytest.approx((5 / 6, 1.0, 1 / 6))  # + q4, q2, o3
    assert m["abstention_curve"][-1]["abstain_answerable"] == 1.0  # above the highest confidence


def test_no_auroc_without_outside_questions_or_without_positives(tmp_path, suite):
    assert "confidence_auroc" not in run_suite(suite, fake_system()[0], tmp_path / "a",
                                               RunOptions(default_corpus="fake")).metrics["headline"]
    # nothing cites gold any more: no positives
    no_citations = {q: {"citations": [], "removed_citations": 0} for q in ("q1", "q2", "q4", "q5", "o1")}
    outside = Suite(None, suite_questions(outside=True), sha256="outside")
    m = run_suite(outside, fake_system(FakeAssistant(changes=no_citations))[0], tmp_path / "b",
                  RunOptions(default_corpus="fake")).metrics
    assert "confidence_auroc" not in m["headline"]
    assert m["headline"]["abstained:outside"]["value"] == pytest.approx(1 / 3)
