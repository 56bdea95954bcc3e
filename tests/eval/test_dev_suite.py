"""The development suite — the 729 ALQAC questions converted from ``alqac/questions.json`` — end to end through the
harness over the ALQAC corpus (lexical index, product assistant), then reported."""

from __future__ import annotations

import pytest

from assistant.pipeline import Assistant
from eval.convert import from_alqac, read_json
from eval.corpora import open_alqac
from eval.report import write_report
from eval.rundir import load_run
from eval.runner import RunOptions, run_suite
from eval.suite import Suite, load_suite, write_suite
from eval.system import System
from indexing.index import IndexConfig
from tests.conftest import data_path

pytestmark = pytest.mark.slow


def test_dev_suite_runs_end_to_end(tmp_path):
    questions = data_path("alqac", "questions.json")
    suite_path = tmp_path / "alqac-dev.jsonl"
    write_suite(from_alqac(read_json(questions)).questions, suite_path)
    suite: Suite = load_suite(suite_path)
    store, index, _ = open_alqac(tmp_path / "home", questions.parent.parent, IndexConfig(model_dir=None))
    system = System(index_for=lambda corpus: index, assistant=Assistant(store, lambda corpus: index),
                    resolver_for=store.resolver, description={"index": "lexical"})
    run = run_suite(suite, system, tmp_path / "run", RunOptions(default_corpus="statutes"))
    m = run.metrics
    assert m["questions"] == 729 and m["errors"] == 0 and m["no_gold"] == 0
    # the bars the retrieval quality tests hold the lexical index to, now measured by the harness
    assert m["metrics"]["recall@10"]["value"] >= 0.97 and m["metrics"]["ndcg@10"]["value"] >= 0.90
    assert m["metrics"]["accuracy"]["n"] == 673 and m["metrics"]["accuracy"]["value"] >= 0.65
    assert m["metrics"]["token_f1"]["n"] == 56 and m["metrics"]["citations_verified"]["value"] == 1.0
    assert m["metrics"]["abstained"]["value"] <= 0.05
    # the one gold reference the corpus lacks is reported, not dropped
    assert [(p["document"], p["article"]) for p in m["gold_problems"]] == [("Luật Trồng trọt", "64")]
    assert set(m["by_type"]) == {"true_false", "multiple_choice", "short_answer"}
    html = write_report([load_run(run.directory)], tmp_path / "report.html").read_text(encoding="utf-8")
    assert "Luật Trồng trọt" in html and html.count("data:image/png;base64,") >= 5
