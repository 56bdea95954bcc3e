"""Documents: the list, one document's outline, one article, citations resolved; admin upload (parsed, stored, indexed
by a job with progress) and delete — and uploads that must be refused with nothing stored."""

from __future__ import annotations

import time

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import CORPUS, api_settings, make_users

NEW_LAW = """QUỐC HỘI
Luật số: 77/2021/QH15
Hà Nội, ngày 10 tháng 03 năm 2021
LUẬT
CHĂN NUÔI TẰM
Chương I
QUY ĐỊNH CHUNG
Điều 1. Phạm vi điều chỉnh
Luật này quy định về chăn nuôi tằm và ươm tơ trong hộ gia đình.
Điều 2. Nong tằm
1. Nong tằm phải được phơi khô trước mỗi lứa nuôi.
2. Người nuôi tằm phải giữ vệ sinh nơi ươm tơ.
"""


def test_list_documents_with_type_filter(client, users):
    docs = client.get("/v1/documents", headers=users["judge"]["headers"]).json()["documents"]
    by_id = {d["id"]: d for d in docs}
    assert set(by_id) == {"100/2015/QH13", "99/2019/QH14", "15/2020/NĐ-CP"}
    blhs = by_id["100/2015/QH13"]
    assert (blhs["title"], blhs["type"], blhs["issued_date"], blhs["articles"]) == ("Bộ luật Hình sự", "Bộ luật",
                                                                                   "2015-11-27", 4)
    assert blhs["clauses"] == 6 and blhs["points"] == 4 and "BLHS" in blhs["aliases"]
    only = client.get("/v1/documents", params={"type": "Nghị định"}, headers=users["judge"]["headers"]).json()
    assert [d["id"] for d in only["documents"]] == ["15/2020/NĐ-CP"]


def test_document_outline_follows_parts_chapters_sections(client, users):
    r = client.get("/v1/documents/100/2015/QH13", headers=users["clerk"]["headers"])
    assert r.status_code == 200, r.text
    doc = r.json()
    assert doc["title"] == "Bộ luật Hình sự" and doc["number"] == "100/2015/QH13" and doc["issuer"] == "QUỐC HỘI"
    part1, part2 = doc["outline"]
    assert (part1["kind"], part1["number"], part1["title"]) == ("part", "thứ nhất", "NHỮNG QUY ĐỊNH CHUNG")
    ch1, ch2 = part1["children"]
    assert (ch1["kind"], ch1["number"]) == ("chapter", "I")
    assert [(a["kind"], a["number"]) for a in ch1["children"]] == [("article", "1")]
    sections = ch2["children"]
    assert [(s["kind"], s["number"], [a["number"] for a in s["children"]]) for s in sections] == [
        ("section", "1", ["12"]), ("section", "2", ["51"])]
    assert part2["children"][0]["children"][0] == {"kind": "article", "number": "123", "title": "Tội giết người",
                                                   "children": []}


def test_document_id_may_be_percent_encoded(client, users):
    r = client.get("/v1/documents/15%2F2020%2FN%C4%90-CP", headers=users["clerk"]["headers"])
    assert r.status_code == 200 and r.json()["type"] == "Nghị định"


def test_article_with_clauses_and_points(client, users):
    art = client.get("/v1/documents/100/2015/QH13/articles/51", headers=users["judge"]["headers"]).json()
    assert art["document_title"] == "Bộ luật Hình sự" and art["title"].startswith("Các tình tiết giảm nhẹ")
    assert [c["number"] for c in art["clauses"]] == ["1", "2"]
    assert [p["letter"] for p in art["clauses"][0]["points"]] == ["a", "b", "c", "d"]
    assert art["clauses"][0]["points"][2]["text"].startswith("c) Người phạm tội tự thú")
    assert art["path"][-1] == "Mục 2. GIẢM NHẸ"


@pytest.mark.parametrize("path,code", [("/v1/documents/khong-co", "unknown_document"),
                                       ("/v1/documents/100/2015/QH13/articles/999", "unknown_article"),
                                       ("/v1/documents/khong-co/articles/1", "unknown_document"),
                                       ("/v1/documents/100/2015/QH13?corpus=khac", "unknown_document")])
def test_unknown_documents_and_articles(client, users, path, code):
    r = client.get(path, headers=users["judge"]["headers"])
    assert r.status_code == 404 and r.json()["error"]["code"] == code


def test_units_resolve_a_citation(client, users):
    r = client.get("/v1/units", params={"citation": "điểm c khoản 1 Điều 51 BLHS"}, headers=users["judge"]["headers"])
    assert r.status_code == 200, r.text
    (unit,) = r.json()["units"]
    assert (unit["document_id"], unit["article"], unit["clause"], unit["point"]) == ("100/2015/QH13", "51", "1", "c")
    assert unit["label"] == "điểm c khoản 1 Điều 51" and unit["text"] == "c) Người phạm tội tự thú;"
    whole = client.get("/v1/units", params={"citation": "Điều 2 Luật Nuôi ong"},
                       headers=users["judge"]["headers"]).json()["units"][0]
    assert whole["document_id"] == "99/2019/QH14" and whole["clause"] is None and "10 mét" in whole["text"]


@pytest.mark.parametrize("citation,status", [("khoản 9 Điều 51 BLHS", 404), ("Điều 5 Luật Không Tồn Tại", 404),
                                             ("Điều 999 BLHS", 404), ("xin chào", 422), ("", 422)])
def test_units_that_do_not_resolve(client, users, citation, status):
    r = client.get("/v1/units", params={"citation": citation}, headers=users["judge"]["headers"])
    assert r.status_code == status, r.text


# -- upload and delete (each test on its own home) ----------------------------------------------------------------
@pytest.fixture
def admin_app(db_home):
    """An app of its own, on SQLite and on PostgreSQL: uploads, deletes and their jobs behave the same on both."""
    from thuky.runtime import Runtime

    home, url = db_home
    app = Runtime(api_settings(home, max_file_mb=1, database_url=url)).app()
    users = make_users(app)
    with TestClient(app) as c:
        yield c, users, home
    app.state.services.store.engine.dispose()


def wait_job(c, users, job_id: str, timeout: float = 60) -> dict:
    deadline = time.monotonic() + timeout
    seen = []
    while time.monotonic() < deadline:
        job = c.get(f"/v1/jobs/{job_id}", headers=users["admin"]["headers"]).json()
        seen.append(job["progress"])
        if job["status"] in ("done", "failed"):
            assert seen == sorted(seen), seen  # progress only goes forward
            return job
        time.sleep(0.05)
    raise AssertionError(f"job {job_id} did not finish: {job}")


def snapshot(c, users, home) -> tuple:
    docs = c.get("/v1/documents", headers=users["admin"]["headers"]).json()["documents"]
    files = sorted(str(p.relative_to(home)) for p in (home / "uploads").rglob("*") if p.is_file()) \
        if (home / "uploads").exists() else []
    return [(d["id"], d["articles"]) for d in docs], files


def test_upload_ingests_and_indexes_with_progress(admin_app):
    c, users, home = admin_app
    h = users["admin"]["headers"]
    r = c.post("/v1/documents", files={"file": ("chan-nuoi-tam.txt", NEW_LAW.encode(), "text/plain")}, headers=h)
    assert r.status_code == 202, r.text
    accepted = r.json()
    assert accepted["documents"] == ["77/2021/QH15"] and r.headers["location"] == f"/v1/jobs/{accepted['job_id']}"
    job = wait_job(c, users, accepted["job_id"])
    assert job["status"] == "done" and job["progress"] == 1.0 and job["documents"] == ["77/2021/QH15"], job
    assert job["filename"] == "chan-nuoi-tam.txt" and job["username"] == "admin" and job["finished_at"]
    assert "2 điều" in job["message"]
    hits = c.get("/v1/search", params={"q": "nong tằm phơi khô"}, headers=users["clerk"]["headers"]).json()
    assert hits["results"][0]["document_id"] == "77/2021/QH15"
    assert any(j["id"] == accepted["job_id"] for j in c.get("/v1/jobs", headers=h).json()["jobs"])
    a = c.post("/v1/chat", json={"question": "Nong tằm phải được phơi khô trước mỗi lứa nuôi, đúng hay sai?"},
               headers=users["judge"]["headers"]).json()
    assert any(x["document_id"] == "77/2021/QH15" for x in a["citations"])


def test_upload_into_another_corpus(admin_app):
    c, users, _ = admin_app
    r = c.post("/v1/documents", files={"file": ("tam.txt", NEW_LAW.encode(), "text/plain")},
               data={"corpus": "thu-nghiem"}, headers=users["admin"]["headers"])
    assert wait_job(c, users, r.json()["job_id"])["status"] == "done"
    docs = c.get("/v1/documents", params={"corpus": "thu-nghiem"}, headers=users["admin"]["headers"]).json()
    assert [d["id"] for d in docs["documents"]] == ["77/2021/QH15"]
    r = c.get("/v1/search", params={"q": "nong tằm", "corpus": "thu-nghiem"}, headers=users["clerk"]["headers"])
    assert r.json()["results"][0]["document_id"] == "77/2021/QH15"


def test_delete_removes_the_document_from_store_and_search(admin_app):
    c, users, _ = admin_app
    h = users["admin"]["headers"]
    q = {"q": "tổ ong khoảng cách"}
    assert "99/2019/QH14" in {r["document_id"] for r in c.get("/v1/search", params=q, headers=h).json()["results"]}
    r = c.delete("/v1/documents/99/2019/QH14", headers=h)
    assert r.status_code == 204 and r.content == b""
    assert "99/2019/QH14" not in {r["document_id"] for r in c.get("/v1/search", params=q, headers=h).json()["results"]}
    assert c.get("/v1/documents/99/2019/QH14", headers=h).status_code == 404
    job = wait_job(c, users, r.headers["x-job-id"])
    assert job["status"] == "done" and job["kind"] == "reindex"
    assert "99/2019/QH14" not in {x["document_id"] for x in c.get("/v1/search", params=q, headers=h).json()["results"]}
    assert c.delete("/v1/documents/99/2019/QH14", headers=h).status_code == 404
    for role in ("judge", "clerk", "evaluator"):
        assert c.delete("/v1/documents/100/2015/QH13", headers=users[role]["headers"]).status_code == 403
    assert c.get("/v1/documents/100/2015/QH13", headers=h).status_code == 200


@pytest.mark.parametrize("name,content,status,code", [
    ("../../etc/passwd", b"root:x:0:0:root:/root:/bin/bash\n", 400, "invalid_filename"),
    ("..\\..\\windows\\win.ini", NEW_LAW.encode(), 400, "invalid_filename"),
    ("/etc/passwd.txt", NEW_LAW.encode(), 400, "invalid_filename"),
    (".hidden.txt", NEW_LAW.encode(), 400, "invalid_filename"),
    ("luat.exe", b"MZ\x90\x00", 415, "unsupported_media_type"),
    ("luat.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", 415, "unsupported_media_type"),
    ("ghi-chu.txt", "Đây chỉ là ghi chú, không phải văn bản pháp luật.".encode(), 422, "not_a_legal_document"),
    ("anh.pdf", b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, 422, "not_a_legal_document"),
    ("hong.docx", b"PK\x03\x04 not really a zip", 422, "not_a_legal_document"),
    ("rong.txt", b"", 422, "not_a_legal_document"),
    ("sai.json", b'{"khong": "dung dang"}', 422, "not_a_legal_document"),
    ("latin1.txt", "Điều 1. Phạm vi".encode("utf-16-le"), 422, "not_a_legal_document"),
])
def test_bad_uploads_are_refused_and_nothing_is_stored(admin_app, name, content, status, code):
    c, users, home = admin_app
    before = snapshot(c, users, home)
    r = c.post("/v1/documents", files={"file": (name, content, "application/octet-stream")},
               headers=users["admin"]["headers"])
    assert r.status_code == status, r.text
    err = r.json()["error"]
    assert err["code"] == code and str(home) not in err["message"] and "Traceback" not in err["message"]
    assert snapshot(c, users, home) == before
    assert c.get("/v1/jobs", headers=users["admin"]["headers"]).json()["jobs"] == []
    assert not (home / "etc").exists() and not any((home / "uploads").rglob("passwd*"))


@pytest.mark.parametrize("name", ["../x.txt", "a/b.txt", "a\\b.txt", "C:x.txt", ".env", "", "x\u0000.txt",
                                  "x\n.txt", "x" * 201 + ".txt"])
def test_file_names_must_be_plain(name):
    from api.errors import ApiError
    from api.routes.documents import safe_filename

    with pytest.raises(ApiError) as e:
        safe_filename(name)
    assert e.value.status == 400
    assert safe_filename("Bộ luật Hình sự 2015.docx") == "Bộ luật Hình sự 2015.docx"


def test_oversized_upload_is_413(admin_app):
    c, users, home = admin_app
    before = snapshot(c, users, home)
    big = NEW_LAW.encode() + b"x" * (2 * 2**20)
    r = c.post("/v1/documents", files={"file": ("lon.txt", big, "text/plain")}, headers=users["admin"]["headers"])
    assert r.status_code == 413 and r.json()["error"]["code"] == "payload_too_large"
    assert snapshot(c, users, home) == before


def test_upload_needs_a_file_and_a_valid_corpus(admin_app):
    c, users, _ = admin_app
    h = users["admin"]["headers"]
    r = c.post("/v1/documents", data={"corpus": "statutes"}, headers=h)
    assert r.status_code == 422 and "file" in r.json()["error"]["message"]
    r = c.post("/v1/documents", files={"file": ("a.txt", NEW_LAW.encode())}, data={"corpus": "../x"}, headers=h)
    assert r.status_code == 422 and "corpus" in r.json()["error"]["message"]


def test_only_admins_upload(admin_app):
    c, users, _ = admin_app
    for role in ("judge", "clerk", "evaluator"):
        r = c.post("/v1/documents", files={"file": ("a.txt", NEW_LAW.encode())}, headers=users[role]["headers"])
        assert r.status_code == 403
    assert CORPUS == "statutes"


def test_deleting_every_document_removes_the_index(admin_app):
    c, users, _ = admin_app
    h = users["admin"]["headers"]
    jobs = [c.delete(f"/v1/documents/{d}", headers=h).headers["x-job-id"]
            for d in ("100/2015/QH13", "99/2019/QH14", "15/2020/NĐ-CP")]
    last = [wait_job(c, users, j) for j in jobs][-1]
    assert last["status"] == "done" and "empty" in last["message"]
    assert c.get("/v1/documents", headers=h).json() == {"documents": []}
    r = c.get("/v1/search", params={"q": "ong"}, headers=users["clerk"]["headers"])
    assert r.status_code == 404 and r.json()["error"]["code"] == "unknown_corpus"
