"""`thuky index build` and `thuky search` as a user runs them: results, JSON, and one-line errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tests.conftest import REPO

STATUTE = """QUỐC HỘI
Luật số: 99/2099/QH99
Hà Nội, ngày 01 tháng 01 năm 2099
LUẬT
THỬ NGHIỆM
Điều 1. Phạm vi điều chỉnh
Luật này quy định về việc nuôi ong mật trong khu dân cư.
Điều 2. Khoảng cách tổ ong
1. Tổ ong phải đặt cách nhà ở liền kề ít nhất 10 mét.
2. Người nuôi ong phải bồi thường thiệt hại do ong gây ra.
"""


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    home = tmp_path_factory.mktemp("home")
    src = home / "luat.txt"
    src.write_text(STATUTE, encoding="utf-8")
    assert _cli(home, "ingest", "--corpus", "statutes", str(src)).returncode == 0
    return home


def _cli(home, *args, env: dict[str, str] | None = None):
    env = {**os.environ, "THUKY_HOME": str(home), "THUKY_DENSE": "0", "COLUMNS": "200", **(env or {})}
    return subprocess.run([sys.executable, "-m", "thuky.cli", *args], capture_output=True, text=True, env=env,
                          cwd=REPO, timeout=300)


def test_search_before_build_says_how_to_build(home):
    r = _cli(home, "search", "tổ ong", "--corpus", "statutes")
    assert r.returncode == 1 and "thuky index build --corpus statutes" in r.stderr


def test_build_then_search(home):
    r = _cli(home, "index", "build", "--corpus", "statutes", "--lexical-only")
    assert r.returncode == 0, r.stderr
    assert "2 articles" in r.stdout
    r = _cli(home, "search", "đặt tổ ong cách nhà bao nhiêu mét", "--json")
    out = json.loads(r.stdout)
    assert out["hits"][0]["article"] == "2" and out["hits"][0]["document"] == "99/2099/QH99"
    r = _cli(home, "search", "Điều 1 Luật Thử nghiệm", "--json")
    assert json.loads(r.stdout)["hits"][0]["article"] == "1"


@pytest.mark.parametrize("query, message", [("   ", "empty"), ("x" * 100_000, "limit")])
def test_bad_queries_are_one_line_errors(home, query, message):
    _cli(home, "index", "build", "--corpus", "statutes", "--lexical-only")
    r = _cli(home, "search", query)
    assert r.returncode == 1 and message in r.stderr and len(r.stderr.strip().splitlines()) == 1


def test_queries_without_words_give_empty_results(home):
    _cli(home, "index", "build", "--corpus", "statutes", "--lexical-only")
    r = _cli(home, "search", "?!…", "--json")
    assert r.returncode == 0 and json.loads(r.stdout)["hits"] == []


def test_build_then_search_on_milvus(home, tmp_path):
    """THUKY_SEARCH_BACKEND=milvus: the same commands, the index in a milvus-lite file that each process reopens."""
    pytest.importorskip("pymilvus")
    env = {"THUKY_SEARCH_BACKEND": "milvus", "THUKY_MILVUS_URI": str(tmp_path / "milvus.db")}
    r = _cli(home, "search", "tổ ong", env=env)
    assert r.returncode == 1 and "thuky index build --corpus statutes" in r.stderr
    r = _cli(home, "index", "build", "--corpus", "statutes", "--lexical-only", env=env)
    assert r.returncode == 0, r.stderr
    assert "2 articles" in r.stdout and "milvus:thuky_statutes@" in r.stdout
    r = _cli(home, "search", "đặt tổ ong cách nhà bao nhiêu mét", "--json", env=env)
    out = json.loads(r.stdout)
    assert out["hits"][0]["article"] == "2" and out["hits"][0]["document"] == "99/2099/QH99"
