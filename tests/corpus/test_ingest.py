"""Ingest end to end on the real data: counts, idempotence, alias resolution of the dev questions, bad input, kills."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from corpus.ingest import ingest
from corpus.store import Store, StoreError
from tests.conftest import REPO, data_path


@pytest.fixture(scope="module")
def statutes_store(tmp_path_factory):
    statutes = data_path("statutes")
    store = Store(f"sqlite:///{tmp_path_factory.mktemp('statutes') / 'thuky.db'}")
    report = ingest(store, "statutes", [statutes])
    return store, report


@pytest.mark.slow
def test_all_208_statutes_ingest(statutes_store):
    store, report = statutes_store
    assert report.count("ingested") == 208
    assert {Path(o.path).name for o in report.skipped} == {"REFERENCES.md", "SOURCE-README.md", "metadata.yaml"}
    assert all(o.reason for o in report.skipped)
    totals = store.totals("statutes")
    assert totals["documents"] == 208
    assert totals["articles"] > 17_000
    assert totals["links"] > 5_000


@pytest.mark.slow
def test_reingesting_unchanged_files_changes_nothing(statutes_store):
    store, _ = statutes_store
    before = store.totals("statutes")
    again = ingest(store, "statutes", [data_path("statutes")])
    assert again.count("unchanged") == 208 and again.count("ingested") == 0
    assert store.totals("statutes") == before


@pytest.mark.slow
@pytest.mark.parametrize("citation, doc_id, expected", [
    ("điểm b khoản 1 Điều 51 BLHS 2015", "100/2015/QH13", "b) Người phạm tội tự nguyện sửa chữa"),
    ("khoản 2 Điều 35 Bộ luật Tố tụng dân sự", "92/2015/QH13", "2. Tòa án nhân dân cấp huyện"),
    ("Điều 584 Bộ luật Dân sự năm 2015", "91/2015/QH13", "1. Người nào có hành vi xâm phạm"),
    ("Điều 29 Luật Viên chức", "58/2010/QH12", "1. Đơn vị sự nghiệp công lập được đơn phương"),
    ("Điều 5 Luật Đất đai", "45/2013/QH13", ""),
    ("Điều 4 Luật Doanh nghiệp", "59/2020/QH14", ""),  # two versions stored: the newest wins
    ("Điều 4 Luật Doanh nghiệp 2014", "68/2014/QH13", ""),  # unless a year or number is given
    ("Điều 4 Luật Doanh nghiệp số 68/2014/QH13", "68/2014/QH13", ""),
])
def test_people_names_resolve_to_units(statutes_store, citation, doc_id, expected):
    store, _ = statutes_store
    (unit,) = store.lookup("statutes", citation)
    assert unit.doc_id == doc_id
    assert unit.text.startswith(expected)


@pytest.mark.slow
def test_cross_references_link_to_stored_units(statutes_store):
    store, _ = statutes_store
    # Điều 2 BLHS: "… đã được quy định tại Điều 76 của Bộ luật này …"
    links = store.links_from("statutes", "100/2015/QH13", "2")
    assert {(link["target_doc_id"], link["article"]) for link in links} == {("100/2015/QH13", "76")}
    # Điều 35 BLTTDS cites khoản … Điều 27/29/31/33 of the same code
    links = store.links_from("statutes", "92/2015/QH13", "35")
    assert {"27", "29", "31", "33"} <= {link["article"] for link in links}


@pytest.fixture(scope="module")
def alqac_store(tmp_path_factory):
    store = Store(f"sqlite:///{tmp_path_factory.mktemp('alqac') / 'thuky.db'}")
    return store


@pytest.mark.parametrize("corpus, rel, documents, articles", [
    ("alqac", ("alqac", "law.json"), 17, 2249),
    ("alqac2022", ("alqac2022", "law.json"), 4, 1377),
    ("alqac2026", ("alqac2026", "corpus_law_pub.json"), 18, 3352),
])
def test_benchmark_corpora_counts(alqac_store, corpus, rel, documents, articles):
    report = ingest(alqac_store, corpus, [data_path(*rel)])
    assert not report.skipped, report.skipped
    totals = alqac_store.totals(corpus)
    assert (totals["documents"], totals["articles"]) == (documents, articles)


def test_alqac2026_article_numbers_come_from_aid(alqac_store):
    ingest(alqac_store, "alqac2026", [data_path("alqac2026", "corpus_law_pub.json")])
    doc = alqac_store.get_document("alqac2026", "91/2015/QH13")
    assert [a.number for a in doc.articles] == [str(i) for i in range(1, 690)]


def test_every_dev_question_reference_resolves(alqac_store):
    """Every relevant_articles entry of the dev questions resolves to a stored article (except the one the data
    README names: Luật Trồng trọt, Điều 64, which is not in the corpus)."""
    ingest(alqac_store, "alqac", [data_path("alqac", "law.json")])
    questions = json.loads(data_path("alqac", "questions.json").read_text(encoding="utf-8"))
    resolver = alqac_store.resolver("alqac")
    missing = []
    n = 0
    for q in questions:
        for ref in q["relevant_articles"]:
            n += 1
            doc_id = resolver.resolve(ref["law_id"])
            try:
                assert doc_id is not None
                alqac_store.get_unit("alqac", doc_id, ref["article_id"])
            except (AssertionError, StoreError):
                missing.append((ref["law_id"], ref["article_id"]))
    assert n > 729
    assert missing == [("Luật Trồng trọt", "64")]


# -- bad input -----------------------------------------------------------------------------------------------------

def _bad_files(folder: Path) -> dict[str, Path]:
    files = {
        "empty.txt": b"",
        "binary.txt": bytes(range(256)) * 20,
        "latin1.txt": "Điều 1. Phạm vi".encode("utf-8") + b"\xff\xfe bad",
        "truncated.json": b'[{"id": "Luat X", "articles": [{"id": "1", "text": "abc',
        "shape.json": b'{"foo": 1}',
    }
    out = {}
    for name, content in files.items():
        p = folder / name
        p.write_bytes(content)
        out[name] = p
    big = folder / "huge.txt"
    with big.open("wb") as f:
        f.truncate(200 * 2**20)
    out["huge.txt"] = big
    return out


def test_bad_files_are_skipped_with_a_reason_and_change_nothing(store, tmp_path):
    good = tmp_path / "good.txt"
    good.write_text("LUẬT\nTHỬ NGHIỆM\nĐiều 1. Phạm vi\nLuật này quy định việc thử.\n", encoding="utf-8")
    ingest(store, "statutes", [good])
    before = store.totals("statutes")
    (tmp_path / "bad").mkdir()
    bad = _bad_files(tmp_path / "bad")
    report = ingest(store, "statutes", list(bad.values()), max_bytes=100 * 2**20)
    assert report.count("skipped") == len(bad)
    reasons = {Path(o.path).name: o.reason for o in report.skipped}
    assert "empty" in reasons["empty.txt"]
    assert "UTF-8" in reasons["latin1.txt"] or "binary" in reasons["latin1.txt"]
    assert "JSON" in reasons["truncated.json"]
    assert "MB" in reasons["huge.txt"]
    assert all("\n" not in r and r for r in reasons.values())
    assert store.totals("statutes") == before


def _cli(*args: str, home: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "THUKY_HOME": str(home), "COLUMNS": "200"}
    return subprocess.run([sys.executable, "-m", "thuky.cli", *args], capture_output=True, text=True, env=env,
                          cwd=REPO, timeout=120)


def test_cli_reports_each_bad_file_on_one_line(tmp_path):
    bad = _bad_files(tmp_path)
    r = _cli("ingest", "--corpus", "statutes", *map(str, bad.values()), home=tmp_path / "home")
    assert r.returncode != 0
    for name in bad:
        assert sum(name in line for line in r.stdout.splitlines()) == 1, (name, r.stdout)
    assert "nothing was ingested" in r.stderr


def test_cli_errors_are_one_readable_line(tmp_path):
    r = _cli("show", "Điều 5 Luật Không Có", home=tmp_path / "home")
    assert r.returncode == 1 and r.stderr.strip().startswith("error:")
    assert len(r.stderr.strip().splitlines()) == 1
    r = _cli("ingest", "--corpus", "Bad Name", str(tmp_path), home=tmp_path / "home")
    assert r.returncode == 1 and "invalid corpus name" in r.stderr


@pytest.mark.slow
def test_a_kill_mid_ingest_leaves_every_document_whole(tmp_path):
    """SIGKILL an ingest of the statutes part-way: every stored document has exactly the units its source gives."""
    home = tmp_path / "home"
    env = {**os.environ, "THUKY_HOME": str(home)}
    proc = subprocess.Popen([sys.executable, "-m", "thuky.cli", "ingest", str(data_path("statutes"))], env=env,
                            cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    db = home / "thuky.db"
    deadline = time.time() + 60
    while time.time() < deadline:
        time.sleep(0.3)
        if db.exists():
            with sqlite3.connect(db) as c:
                try:
                    if c.execute("select count(*) from documents").fetchone()[0] >= 20:
                        break
                except sqlite3.OperationalError:
                    pass
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    with sqlite3.connect(db) as c:
        assert c.execute("pragma integrity_check").fetchone()[0] == "ok"
    store = Store(f"sqlite:///{db}")
    from corpus.loaders import load_path

    stored = store.documents("statutes")
    assert 0 < len(stored) < 208
    for summary in stored[:25]:
        (doc,) = load_path(Path(summary.source))
        assert store.get_document("statutes", summary.doc_id).counts() == doc.counts()
    again = ingest(store, "statutes", [data_path("statutes")])
    assert again.count("ingested") + again.count("unchanged") == 208
