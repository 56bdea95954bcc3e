"""Reports and comparisons of fake runs: the HTML is self-contained and holds every section, the comparison and the
Markdown table carry the numbers of metrics.json."""

from __future__ import annotations

import dataclasses
import re

import pytest

from eval.compare import compare_runs, markdown_table
from eval.report import plot_abstention, render_report, worst_failures, write_report
from eval.rundir import RunError, load_run
from eval.runner import RunOptions, run_suite
from eval.scoring import LOWER_IS_BETTER
from eval.suite import Suite
from tests.eval.fakes import FakeAssistant, fake_system, suite_questions

BETTER = {"q2": {"value": "C"}, "q6": {"value": "Sai", "abstained": False, "text": "Sai."}}


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    root = tmp_path_factory.mktemp("runs")
    suite = Suite(None, suite_questions(), "x")
    base, _ = fake_system()
    better, _ = fake_system(FakeAssistant(changes=BETTER))
    a = run_suite(suite, base, root / "base", RunOptions(default_corpus="fake"))
    b = run_suite(suite, better, root / "better", RunOptions(default_corpus="fake"))
    return load_run(a.directory), load_run(b.directory)


def test_comparison_is_paired_and_directional(runs):
    a, b = runs
    rows = {c.metric: c for c in compare_runs(a, b)}
    assert rows["accuracy"].delta.a == pytest.approx(1 / 3) and rows["accuracy"].delta.b == pytest.approx(1.0)
    assert rows["abstained"].delta.delta == pytest.approx(-1 / 6)
    assert rows["recall@1"].delta.delta == 0 and rows["recall@1"].better is None  # same retrieval
    # three questions are too few to call +2/3 accuracy real: every resample that drops q2 and q6 shows no change
    assert rows["accuracy"].delta.low <= 0


def test_markdown_table(runs):
    text = markdown_table(list(runs))
    lines = text.splitlines()
    assert lines[0] == "| metric | base | better |" and lines[1] == "|---|---|---|"
    row = next(line for line in lines if line.startswith("| Recall@1 |"))
    assert re.fullmatch(r"\| Recall@1 \| 0\.4000 \[[\d.]+, [\d.]+\] \(n=5\) \| 0\.4000 .*\|", row)
    assert any(line.startswith("| end_to_end p50 (ms) | 35.0 | 35.0 |") for line in lines)


def test_html_report_is_self_contained_with_every_section(runs, tmp_path):
    path = write_report(list(runs), tmp_path / "r" / "report.html")
    html = path.read_text(encoding="utf-8")
    for section in ("Headline metrics", "Recall@k", "By question type", "By gold document", "Latency",
                    "Worst failures — base", "Worst failures — better", "Gold references the corpus does not resolve"):
        assert section in html, section
    images = re.findall(r'<img alt="[^"]*" src="([^"]+)"', html)
    assert len(images) >= 5 and all(src.startswith("data:image/png;base64,") for src in images)
    assert not re.search(r'(src|href)="(https?:|//|file:)', html)  # nothing external
    assert "<script" not in html
    assert "Δ vs base" in html and "Luật C" in html
    assert not re.search(r"\bnan\b", re.sub(r"<img[^>]*>", "", html), re.IGNORECASE)


def test_worst_failures_put_the_worst_first(runs):
    a, _ = runs
    worst = worst_failures(a)
    # q6: nothing retrieved (1 − MRR 0) + abstained (1 − accuracy 0) = 2, the most
    assert worst[0]["id"] == "q6" and worst[0]["severity"] == "2.00"
    assert worst[0]["gold"][0]["rank"] is None
    ids = [w["id"] for w in worst]
    assert "q1" not in ids  # retrieved first and answered right: not a failure


def test_unfinished_runs_are_refused(runs):
    unfinished = dataclasses.replace(runs[0], metrics={})
    with pytest.raises(RunError, match="did not finish"):
        render_report([unfinished])
    with pytest.raises(RunError, match="no run"):
        markdown_table([])


# a run that answers the outside questions worse: o2 answered (confidence 0.8) instead of abstained
WORSE_OUTSIDE = {"o2": {"abstained": False, "confidence": 0.8, "text": "Mẫu được xử lý bằng hóa chất."}}


@pytest.fixture(scope="module")
def outside_runs(tmp_path_factory):
    root = tmp_path_factory.mktemp("outside")
    suite = Suite(None, suite_questions(outside=True), "o")
    a = run_suite(suite, fake_system()[0], root / "calibrated", RunOptions(default_corpus="fake"))
    b = run_suite(suite, fake_system(FakeAssistant(changes=WORSE_OUTSIDE))[0], root / "overconfident",
                  RunOptions(default_corpus="fake"))
    return load_run(a.directory), load_run(b.directory)


def test_comparison_and_table_carry_auroc_and_abstention(outside_runs):
    a, b = outside_runs
    rows = {c.metric: c for c in compare_runs(a, b)}
    # b: negatives 0.4, 0.8, 0.7 → pairs won 0.9: 3, 0.6: 1, 0.4: ½ → 4.5 of 9
    assert rows["confidence_auroc"].delta.a == pytest.approx(6.5 / 9)
    assert rows["confidence_auroc"].delta.b == pytest.approx(4.5 / 9)
    assert rows["abstained:outside"].delta.delta == pytest.approx(-1 / 3)
    assert rows["abstained:answerable"].delta.delta == 0
    assert "abstained:answerable" in LOWER_IS_BETTER and "abstained:outside" not in LOWER_IS_BETTER
    # direction: fewer outside abstentions is worse, fewer answerable abstentions better
    flipped = dataclasses.replace(rows["abstained:outside"].delta, low=-0.5, high=-0.1)
    assert dataclasses.replace(rows["abstained:outside"], delta=flipped).better is False
    assert dataclasses.replace(rows["abstained:answerable"], delta=flipped).better is True
    table = markdown_table([a, b])
    assert re.search(r"\| confidence AUROC \(correct vs outside\) \| 0\.7222 .*\(n=6\) \| 0\.5000 ", table)
    assert "| abstention (outside the corpus) | 0.3333" in table


def test_report_plots_the_abstention_trade_off(outside_runs, runs, tmp_path):
    html = write_report(list(outside_runs), tmp_path / "report.html").read_text(encoding="utf-8")
    assert "Confidence and abstention" in html
    assert re.search(r'<img alt="Abstention trade-off" src="data:image/png;base64,[A-Za-z0-9+/=]{2000,}"', html)
    assert "confidence AUROC (correct vs outside)" in html and "abstention (answerable)" in html
    assert re.search(r"<td>calibrated</td><td class=\"num\">0\.722</td>\s*<td class=\"num\">0\.167</td>"
                     r"<td class=\"num\">0\.333</td><td class=\"num\">0\.500</td>", html)
    assert "<b>Outside the corpus</b>" in html and "Điều 7 47/2011/tt-bca" in html
    assert not re.search(r"\bnan\b", re.sub(r"<img[^>]*>", "", html), re.IGNORECASE)
    # without outside questions there is nothing to trade off
    assert plot_abstention(list(runs)) is None
    assert "Confidence and abstention" not in render_report(list(runs))


def test_answering_outside_the_corpus_is_a_failure(outside_runs):
    _, b = outside_runs
    worst = {w["id"]: w for w in worst_failures(b, 50)}
    assert worst["o2"]["severity"] == "1.00" and worst["o2"]["answerable"] is False  # answered: 1 − 0
    assert "o1" in worst and "o2" in {w["id"] for w in worst_failures(b, 50)}
