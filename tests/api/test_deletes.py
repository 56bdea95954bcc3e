"""Deletes are durable: recorded in the database, so a deleted document stays out of every read path (search, chat
sources and citations, documents, articles, citations) in every worker and after a restart, even while the index
still holds it. A re-uploaded file name keeps its previous version until the new file is stored."""

from __future__ import annotations

from contextlib import ExitStack

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import api_settings, make_users, wait_ready
from tests.api.test_documents import NEW_LAW, wait_job

BEES = "99/2019/QH14"
QUESTION = "Tổ ong phải đặt cách nhà ở liền kề ít nhất bao nhiêu mét?"


def _app(home):
    from thuky.runtime import Runtime

    return Runtime(api_settings(home)).app()


def _visible(c: TestClient, h: dict) -> dict[str, bool]:
    """Where the bees statute can be seen from this worker."""
    hits = c.get("/v1/search", params={"q": "tổ ong khoảng cách nhà ở"}, headers=h).json()["results"]
    answer = c.post("/v1/chat", json={"question": QUESTION}, headers=h).json()
    docs = c.get("/v1/documents", headers=h).json()["documents"]
    return {
        "search": any(r["document_id"] == BEES for r in hits),
        "chat sources": any(s["document_id"] == BEES for s in answer["sources"]),
        "chat citations": any(x["document_id"] == BEES for x in answer["citations"]),
        "documents": any(d["id"] == BEES for d in docs),
        "article": c.get(f"/v1/documents/{BEES}/articles/2", headers=h).status_code == 200,
        "units": c.get("/v1/units", params={"citation": "khoản 1 Điều 2 Luật Nuôi ong"}, headers=h).status_code == 200,
    }


def test_a_delete_holds_in_every_worker_and_after_a_restart(writable_home, monkeypatch):
    from api.jobs import Jobs

    monkeypatch.setattr(Jobs, "_run_reindex", lambda self, jid, corpus: None)  # the index is never rebuilt here
    with ExitStack() as stack:
        a, b = (stack.enter_context(TestClient(_app(writable_home))) for _ in range(2))
        wait_ready(a), wait_ready(b)
        users = make_users(a.app)
        judge = users["judge"]["headers"]
        assert all(_visible(b, judge).values())
        assert a.delete(f"/v1/documents/{BEES}", headers=users["admin"]["headers"]).status_code == 204
        assert not any(_visible(a, judge).values()), _visible(a, judge)
        assert not any(_visible(b, judge).values()), _visible(b, judge)  # another worker
    with TestClient(_app(writable_home)) as c:  # a restart, the index still the one built before the delete
        wait_ready(c)
        assert c.app.state.services.loaded_index("statutes").records.keys() >= {(BEES, "1"), (BEES, "2")}
        assert not any(_visible(c, judge).values()), _visible(c, judge)


def test_a_deleted_document_returns_when_a_source_holding_it_is_uploaded(writable_home):
    from tests.api.conftest import BEES as BEES_TEXT

    with TestClient(_app(writable_home)) as c:
        wait_ready(c)
        users = make_users(c.app)
        h = users["admin"]["headers"]
        wait_job(c, users, c.delete(f"/v1/documents/{BEES}", headers=h).headers["x-job-id"])
        r = c.post("/v1/documents", files={"file": ("ong.txt", BEES_TEXT.encode(), "text/plain")}, headers=h)
        assert wait_job(c, users, r.json()["job_id"])["status"] == "done"
        assert all(_visible(c, users["judge"]["headers"]).values())
        assert c.app.state.services.store.deleted_ids("statutes") == set()


def test_a_failed_reupload_keeps_the_previous_version(writable_home, monkeypatch):
    from corpus.store import Store, StoreError

    with TestClient(_app(writable_home)) as c:
        wait_ready(c)
        users = make_users(c.app)
        h = users["admin"]["headers"]
        r = c.post("/v1/documents", files={"file": ("tam.txt", NEW_LAW.encode(), "text/plain")}, headers=h)
        assert wait_job(c, users, r.json()["job_id"])["status"] == "done"
        stored = writable_home / "uploads" / "statutes" / "tam.txt"
        assert stored.read_bytes() == NEW_LAW.encode()

        def fail(self, *args, **kwargs):
            raise StoreError("the database refused the write")

        monkeypatch.setattr(Store, "replace_source", fail)
        newer = NEW_LAW.replace("phơi khô", "phơi nắng")
        r = c.post("/v1/documents", files={"file": ("tam.txt", newer.encode(), "text/plain")}, headers=h)
        job = wait_job(c, users, r.json()["job_id"])
        assert job["status"] == "failed" and "refused the write" in job["message"]
        assert stored.read_bytes() == NEW_LAW.encode()  # the previous version, not lost, not overwritten
        art = c.get("/v1/documents/77/2021/QH15/articles/2", headers=users["judge"]["headers"]).json()
        assert "phơi khô" in art["text"]


def test_reingesting_an_unchanged_source_does_not_bring_a_deleted_document_back(store, tmp_path):
    from corpus.ingest import ingest
    from tests.api.conftest import TEXTS

    for name, text in TEXTS.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    files = [tmp_path / n for n in TEXTS]
    ingest(store, "statutes", files)
    store.delete_document("statutes", BEES, deleted_by="admin")
    assert store.deleted_ids("statutes") == {BEES}
    report = ingest(store, "statutes", files)  # e.g. `make run` again over the same folder
    assert {o.status for o in report.outcomes} == {"unchanged"}
    assert BEES not in {d.doc_id for d in store.documents("statutes")}
    (tmp_path / "nuoi-ong.txt").write_text(TEXTS["nuoi-ong.txt"] + "\n", encoding="utf-8")  # a new version
    ingest(store, "statutes", files)
    assert BEES in {d.doc_id for d in store.documents("statutes")} and store.deleted_ids("statutes") == set()


@pytest.fixture
def store(tmp_path):
    from corpus.store import Store

    return Store(f"sqlite:///{tmp_path / 'thuky.db'}")
