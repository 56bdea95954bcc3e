"""`thuky cases ingest | search | show | similar` as a user runs them: output, JSON, and one-line errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tests.conftest import CASE_DATA, LAW_CORPUS, LAW_DOCS, REPO


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    from corpus.store import Store

    home = tmp_path_factory.mktemp("home")
    store = Store(f"sqlite:///{home / 'thuky.db'}")
    store.replace_source(LAW_CORPUS, "/law", "h", LAW_DOCS)
    store.engine.dispose()
    r = _cli(home, "cases", "ingest", str(CASE_DATA / "ban-an-thua-ke.txt"), str(CASE_DATA / "ban-an-vay.txt"),
             str(CASE_DATA / "an-le-thua-ke.txt"))
    assert r.returncode == 0, r.stderr
    assert "stored 3 cases in 'cases'" in r.stdout and "unresolved" in r.stdout
    return home


def _cli(home, *args, stdin=None):
    env = {**os.environ, "THUKY_HOME": str(home), "THUKY_DENSE": "0", "COLUMNS": "200",
           "THUKY_DEFAULT_CORPUS": LAW_CORPUS}
    return subprocess.run([sys.executable, "-m", "thuky.cli", *args], capture_output=True, text=True, env=env,
                          cwd=REPO, timeout=300, input=stdin)


def test_search_and_show(home):
    r = _cli(home, "cases", "search", "chia di sản thừa kế", "--json")
    assert r.returncode == 0, r.stderr
    body = json.loads(r.stdout)
    assert body["total"] == 2 and {x["case_id"] for x in body["results"]} == {"12/2019/DS-ST", "05/2016/AL"}
    assert set(body["facets"]) == {"courts", "court_levels", "case_types", "outcomes", "years"}
    r = _cli(home, "cases", "show", "12/2019/DS-ST", "--anonymize")
    assert r.returncode == 0, r.stderr
    assert "Nguyễn Văn Hùng" not in r.stdout and "Nguyên đơn: H." in r.stdout
    assert "Điều 675 Bộ luật Dân sự năm 2005 — chưa có trong cơ sở dữ liệu" in r.stdout
    assert "Án lệ số 05/2016/AL" in r.stdout


def test_similar_from_stdin(home):
    r = _cli(home, "cases", "similar", "--file", "-", "--k", "2", "--json",
             stdin="Cha mẹ chết không để lại di chúc, các con tranh chấp chia di sản thừa kế là nhà đất.")
    assert r.returncode == 0, r.stderr
    body = json.loads(r.stdout)
    assert len(body["cases"]) == 2 and body["provisions"] and body["provisions"][0]["count"] >= 1


@pytest.mark.parametrize("args, message", [
    (("cases", "show", "case_unknown"), "no case 'case_unknown'"),
    (("cases", "similar", "   "), "facts: describe the facts"),
    (("cases", "similar"), "give the facts"),
    (("cases", "search", "vay", "--page-size", "500"), "page_size"),
    (("cases", "ingest", "/no/such/file.json"), "no such file"),
])
def test_errors_are_one_line(home, args, message):
    r = _cli(home, *args)
    assert r.returncode == 1 and message in r.stderr and "Traceback" not in r.stderr
    assert len(r.stderr.strip().splitlines()) <= 2


def test_facts_over_the_limit(home, tmp_path):
    big = tmp_path / "facts.txt"
    big.write_text("Nguyên đơn cho bị đơn vay tiền. " * 40_000, encoding="utf-8")  # about 1.3 MB
    r = _cli(home, "cases", "similar", "--file", str(big))
    assert r.returncode == 1 and "the limit is 100,000" in r.stderr
