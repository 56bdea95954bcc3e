"""Hostile uploads: a zip bomb, a PDF that takes forever, HTML nested a hundred thousand deep — each refused with a
clear reason within the parse limits, nothing stored, and the server still answers and still accepts a good file."""

from __future__ import annotations

import time

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import api_settings, make_users
from tests.api.test_documents import NEW_LAW, snapshot, wait_job
from tests.corpus.test_isolated import nested_html, slow_pdf, zip_bomb_docx


@pytest.fixture
def guarded_app(writable_home):
    from thuky.runtime import Runtime

    app = Runtime(api_settings(writable_home, max_file_mb=2, parse_timeout_s=3, parse_max_unzipped_mb=50)).app()
    users = make_users(app)
    with TestClient(app) as c:
        yield c, users, writable_home


@pytest.mark.parametrize("make,name,reason", [
    (zip_bomb_docx, "bom.docx", "unpacks to more than 50 MB"),
    (slow_pdf, "cham.pdf", "longer than the limit of 3 s"),
    (nested_html, "sau.html", "longer than the limit of 3 s"),
])
def test_hostile_uploads_are_refused_and_the_server_stays_up(guarded_app, tmp_path, make, name, reason):
    c, users, home = guarded_app
    h = users["admin"]["headers"]
    before = snapshot(c, users, home)
    data = make(tmp_path / name).read_bytes()
    t0 = time.monotonic()
    r = c.post("/v1/documents", files={"file": (name, data, "application/octet-stream")}, headers=h)
    assert time.monotonic() - t0 < 20
    assert r.status_code == 422, r.text
    assert r.json()["error"]["code"] == "not_a_legal_document" and reason in r.json()["error"]["message"]
    assert snapshot(c, users, home) == before
    assert c.get("/healthz").json() == {"status": "ok"}
    r = c.post("/v1/documents", files={"file": ("tam.txt", NEW_LAW.encode(), "text/plain")}, headers=h)
    assert r.status_code == 202 and wait_job(c, users, r.json()["job_id"])["status"] == "done"


def test_an_upload_is_parsed_once_in_a_child_process(guarded_app, monkeypatch):
    import corpus.loaders
    import corpus.loaders.core

    def in_process(*args, **kwargs):
        raise AssertionError("an upload was parsed inside the API process")

    monkeypatch.setattr(corpus.loaders.core, "load_path", in_process)
    monkeypatch.setattr(corpus.loaders, "load_path", in_process)
    monkeypatch.setattr("corpus.ingest.load_path", in_process)
    c, users, _ = guarded_app
    r = c.post("/v1/documents", files={"file": ("tam.txt", NEW_LAW.encode(), "text/plain")},
               headers=users["admin"]["headers"])
    assert r.status_code == 202, r.text
    job = wait_job(c, users, r.json()["job_id"])
    assert job["status"] == "done", job
    doc = c.get("/v1/documents/77/2021/QH15", headers=users["judge"]["headers"]).json()
    assert doc["articles"] == 2
