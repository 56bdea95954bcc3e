"""`thuky eval` as a user runs it, over a two-article statute (lexical index): convert → validate → run → table →
compare → report, resuming, and one-line errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tests.conftest import REPO, bees_statute

STATUTE = bees_statute("99/2099/QH99", "01 tháng 01 năm 2099")
QUESTIONS = [
    {"question_id": "o1", "question_type": "Đúng/Sai", "answer": "Đúng",
     "text": "Tổ ong phải đặt cách nhà ở liền kề ít nhất 10 mét, đúng hay sai?",
     "relevant_articles": [{"law_id": "Luật Nuôi ong", "article_id": "2"}]},
    {"question_id": "o2", "question_type": "Tự luận", "answer": "10 mét",
     "text": "Tổ ong phải đặt cách nhà ở liền kề ít nhất bao nhiêu mét?",
     "relevant_articles": [{"law_id": "99/2099/QH99", "article_id": "2"}]},
    {"question_id": "o3", "question_type": "Đúng/Sai", "answer": "Sai",
     "text": "Luật này quy định về việc nuôi ong mật trong rừng, đúng hay sai?",
     "relevant_articles": [{"law_id": "Luật Nuôi tằm", "article_id": "1"}]},
]


def _cli(home, *args):
    env = {**os.environ, "THUKY_HOME": str(home), "THUKY_DENSE": "0", "COLUMNS": "160"}
    return subprocess.run([sys.executable, "-m", "thuky.cli", *args], capture_output=True, text=True, env=env,
                          cwd=REPO, timeout=300)


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    home = tmp_path_factory.mktemp("home")
    (home / "luat.txt").write_text(STATUTE, encoding="utf-8")
    (home / "questions.json").write_text(json.dumps(QUESTIONS, ensure_ascii=False), encoding="utf-8")
    assert _cli(home, "ingest", "--corpus", "ong", str(home / "luat.txt")).returncode == 0
    return home


@pytest.mark.slow  # three product-path runs and an index build: about 40 s of CPU
def test_convert_validate_run_table_compare_report(home):
    suite = home / "suite.jsonl"
    r = _cli(home, "eval", "convert", "alqac", str(home / "questions.json"), "--out", str(suite), "--corpus", "ong")
    assert r.returncode == 0, r.stderr
    assert "3 questions (1 short_answer, 2 true_false)" in r.stdout
    r = _cli(home, "eval", "validate", str(suite))
    assert r.returncode == 0 and "3 questions, well-formed" in r.stdout
    assert "o3: Luật Nuôi tằm Điều 1: document not found in the corpus" in r.stderr

    r = _cli(home, "eval", "run", str(suite), "--out", str(home / "runs" / "a"))
    assert r.returncode == 1 and "thuky index build --corpus ong" in r.stderr  # no index yet: says how
    assert _cli(home, "index", "build", "--corpus", "ong", "--lexical-only").returncode == 0

    r = _cli(home, "eval", "run", str(suite), "--out", str(home / "runs" / "a"))
    assert r.returncode == 0, r.stderr
    assert "Recall@1" in r.stdout and "Luật Nuôi tằm Điều 1 — document not found" in r.stdout
    metrics = json.loads((home / "runs" / "a" / "metrics.json").read_text(encoding="utf-8"))
    # o1, o2 find Điều 2 first; o3's gold document does not exist: 2 of 3
    assert metrics["metrics"]["recall@1"]["value"] == pytest.approx(2 / 3)
    assert metrics["metrics"]["accuracy"]["n"] == 2 and metrics["metrics"]["token_f1"]["n"] == 1
    assert len((home / "runs" / "a" / "results.jsonl").read_text(encoding="utf-8").splitlines()) == 3

    r = _cli(home, "eval", "run", str(suite), "--out", str(home / "runs" / "b"), "--retrieval-only",
             "--config", "assistant.k=3", "--name", "chỉ truy xuất")
    assert r.returncode == 0, r.stderr
    r = _cli(home, "eval", "table", str(home / "runs" / "a"), str(home / "runs" / "b"))
    assert r.returncode == 0 and r.stdout.startswith("| metric | a | chỉ truy xuất |")
    assert "| Recall@1 | 0.6667 [" in r.stdout
    r = _cli(home, "eval", "compare", str(home / "runs" / "a"), str(home / "runs" / "b"))
    assert r.returncode == 0, r.stderr
    assert "Recall@1" in r.stdout and "+0.0000" in r.stdout and "accuracy" not in r.stdout
    r = _cli(home, "eval", "report", str(home / "runs" / "a"), str(home / "runs" / "b"), "--out",
             str(home / "report.html"))
    assert r.returncode == 0, r.stderr
    assert "data:image/png;base64," in (home / "report.html").read_text(encoding="utf-8")

    # the same command again resumes: nothing left to do, same numbers; another configuration is refused
    r = _cli(home, "eval", "run", str(suite), "--out", str(home / "runs" / "a"))
    assert r.returncode == 0
    again = json.loads((home / "runs" / "a" / "metrics.json").read_text(encoding="utf-8"))
    assert again["metrics"] == metrics["metrics"]
    r = _cli(home, "eval", "run", str(suite), "--out", str(home / "runs" / "a"), "--k", "5")
    assert r.returncode == 1 and "differ" in r.stderr and "--restart" in r.stderr


@pytest.mark.parametrize("args, message", [
    (["eval", "run", "{suite}", "--out", "{home}/x", "--config", "nonsense=1"], "unknown setting 'nonsense'"),
    (["eval", "run", "{suite}", "--out", "{home}/x", "--config", "assistant.k=many"], "assistant.k='many' is not"),
    (["eval", "run", "{home}/missing.jsonl", "--out", "{home}/x"], "no suite at"),
    (["eval", "run", "{bad}", "--out", "{home}/x"], "line 2: not valid JSON"),
    (["eval", "report", "{home}", "--out", "{home}/r.html"], "is not a run directory"),
    (["eval", "prepare", "nowhere"], "unknown benchmark corpus 'nowhere'"),
    (["eval", "convert", "judgments", "{home}/questions.json", "--out", "{home}/j.jsonl"], "not a judgment"),
    (["eval", "convert", "zalo", "{home}", "--set", "all"], "--set must be statutes, outside or both"),
    (["eval", "convert", "zalo", "{home}/nowhere", "--out", "{home}/z.jsonl"], "no file at"),
])
def test_errors_are_one_readable_line(home, args, message):
    suite = home / "one.jsonl"
    suite.write_text('{"id": "x", "question": "Tổ ong đặt ở đâu?", "type": "open", "corpus": "ong"}\n',
                     encoding="utf-8")
    bad = home / "bad.jsonl"
    bad.write_text(suite.read_text(encoding="utf-8") + "{oops\n", encoding="utf-8")
    r = _cli(home, *[a.format(home=home, suite=suite, bad=bad) for a in args])
    assert r.returncode == 1, r.stdout
    assert message in r.stderr and "Traceback" not in r.stderr


def test_convert_zalo_both_sets_into_one_suite(tmp_path):
    item = {"id": "z1", "text": "Có được cho thuê ô tô đang bị thế chấp không?",
            "relevant_articles": [{"law_id": "91/2015/qh13", "article_id": "321"}]}
    outside = {"id": "z2", "text": "Công an xã có được xử phạt không?",
               "relevant_articles": [{"law_id": "47/2011/tt-bca", "article_id": "7"}]}
    (tmp_path / "questions-statutes.json").write_text(json.dumps([item]), encoding="utf-8")
    (tmp_path / "questions-outside.json").write_text(json.dumps([outside]), encoding="utf-8")
    r = _cli(tmp_path, "eval", "convert", "zalo", str(tmp_path), "--out", str(tmp_path / "zalo.jsonl"))
    assert r.returncode == 0, r.stderr
    assert "2 questions (2 open; 1 outside the corpus)" in r.stdout
    lines = [json.loads(x) for x in (tmp_path / "zalo.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [(q["id"], q.get("answerable", True), q["corpus"]) for q in lines] == [("z1", True, "statutes"),
                                                                               ("z2", False, "statutes")]
    r = _cli(tmp_path, "eval", "convert", "zalo", str(tmp_path), "--set", "statutes", "--corpus", "luat")
    assert r.returncode == 0 and "1 questions (1 open)" in r.stdout
    assert "zalo-statutes.jsonl" in r.stdout.replace("\n", "")
