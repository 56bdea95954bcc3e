"""Case files in a conversation, through the API: upload (.txt, .docx, .pdf written by the test), the job that splits,
embeds and reads it, its reading, questions that cite the file apart from the law, privacy (another user, another
conversation of the same user), deletion with the conversation, and bad files refused with a clear 4xx."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.case_file_writers import blank_pdf_bytes, docx_bytes, pdf_bytes

CLAIM = """TÒA ÁN NHÂN DÂN HUYỆN AN PHÚ
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
An Phú, ngày 15 tháng 3 năm 2021
ĐƠN KHỞI KIỆN
Người khởi kiện: Ông Nguyễn Văn Hùng, sinh năm 1970, trú tại ấp Thạnh Hiệp, xã An Thạnh, huyện An Phú.
Người bị kiện: Bà Trần Thị Lan, sinh năm 1975, trú tại ấp Thạnh Hiệp, xã An Thạnh, huyện An Phú.
Ngày 02/01/2021, bà Lan đặt mười tổ ong mật sát tường nhà tôi, cách cửa sổ phòng ngủ chưa đầy 3 mét.
\f
Ngày 20/02/2021, đàn ong của bà Lan đốt con trai tôi phải đi cấp cứu tại trạm y tế xã.
Theo khoản 1 Điều 2 Luật Nuôi ong, tổ ong phải đặt cách nhà ở liền kề ít nhất 10 mét.
Tôi đề nghị Tòa án buộc bà Lan di dời các tổ ong và bồi thường thiệt hại theo khoản 2 Điều 2 Luật Nuôi ong.
Tôi cũng viện dẫn Điều 99 Luật Nuôi ong và Điều 51 Bộ luật Hình sự.
"""
QUESTION = "Tổ ong của bà Lan đặt cách cửa sổ phòng ngủ bao nhiêu mét?"


def wait_done(client, headers, sid: str, fid: str, timeout: float = 120) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        r = client.get(f"/v1/sessions/{sid}/files/{fid}", headers=headers)
        assert r.status_code == 200, r.text
        if r.json()["status"] in ("done", "failed"):
            return r.json()
        time.sleep(0.1)
    raise AssertionError(f"case file not processed in {timeout} s: {r.json()}")


def new_session(client, headers) -> str:
    r = client.post("/v1/sessions", json={"title": "Vụ nuôi ong"}, headers=headers)
    assert r.status_code == 201, r.text
    return r.json()["id"]


def upload(client, headers, sid: str, name: str, data: bytes):
    return client.post(f"/v1/sessions/{sid}/files", files={"file": (name, data)}, headers=headers)


FORMATS = {"claim.txt": lambda: CLAIM.encode(), "claim.docx": lambda: docx_bytes(CLAIM),
           "claim.pdf": lambda: pdf_bytes(CLAIM)}


@pytest.fixture(scope="module")
def claim_session(client, users):
    """The judge's conversation with the statement of claim uploaded as .txt and read."""
    h = users["judge"]["headers"]
    sid = new_session(client, h)
    r = upload(client, h, sid, "đơn khởi kiện.txt", CLAIM.encode())
    assert r.status_code == 202, r.text
    body = wait_done(client, h, sid, r.json()["file_id"])
    assert body["status"] == "done", body
    return sid, body


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_each_format_is_split_with_its_pages_and_read(client, users, name):
    h = users["judge"]["headers"]
    sid = new_session(client, h)
    r = upload(client, h, sid, name, FORMATS[name]())
    assert r.status_code == 202, r.text
    assert r.json()["pages"] == 2 and r.headers["location"].endswith(r.json()["file_id"])
    body = wait_done(client, h, sid, r.json()["file_id"])
    assert body["status"] == "done" and body["progress"] == 1.0, body
    page2 = client.get(f"/v1/sessions/{sid}/files/{body['id']}/passages", params={"page": 2}, headers=h).json()
    assert any("đốt con trai tôi" in p["text"] for p in page2["passages"])
    assert {p["page"] for p in page2["passages"]} == {2}
    assert [p["paragraph"] for p in page2["passages"]] == list(range(1, len(page2["passages"]) + 1))
    assert body["reading"]["date"] == "2021-03-15"


def test_the_reading_masks_the_parties_and_checks_the_provisions(claim_session):
    _sid, body = claim_session
    reading = body["reading"]
    text = str(reading)
    assert "Hùng" not in text and "Trần Thị Lan" not in text and "Thạnh Hiệp" not in text
    assert {(p["role"], p["name"]) for p in reading["parties"]} == {("Người khởi kiện", "H."), ("Người bị kiện", "L.")}
    assert any("buộc bà L. di dời" in c for c in reading["claims"])
    dates = [(e["date"], e["kind"]) for e in reading["timeline"]]
    assert ("2021-03-15", "judgment") in dates and ("2021-01-02", "event") in dates and ("2021-02-20", "event") in dates
    assert not any(d.startswith(("1970", "1975")) for d, _ in dates)  # birth years are not events
    by = {(p["document_id"], p["article"], p["clause"]): p for p in reading["provisions"]}
    assert by[("99/2019/QH14", "2", "1")]["status"] == "ok" and by[("99/2019/QH14", "2", "1")]["page"] == 2
    assert by[("99/2019/QH14", "99", None)]["status"] == "no_such_article"
    assert by[("100/2015/QH13", "51", None)]["status"] == "ok"
    assert reading["flagged"] == 1


def test_a_question_cites_the_file_apart_from_the_law(client, users, claim_session):
    sid, body = claim_session
    h = users["judge"]["headers"]
    r = client.post("/v1/chat", json={"question": QUESTION, "session_id": sid}, headers=h)
    assert r.status_code == 200, r.text
    answer = r.json()
    cits = answer["file_citations"]
    assert cits and cits[0]["verified"] and cits[0]["file_id"] == body["id"]
    assert (cits[0]["page"], cits[0]["paragraph"]) == (1, 7) and "3 mét" in cits[0]["quote"]
    assert "Tệp: đơn khởi kiện.txt, trang 1, đoạn 7" in answer["text"]
    assert all(c["document_id"] for c in answer["citations"])  # the law's citations stay the law's
    question = "Người nuôi ong phải đặt tổ ong cách nhà ở liền kề bao nhiêu mét?"
    r = client.post("/v1/chat", json={"question": question, "session_id": sid}, headers=h)
    law = r.json()
    assert any(c["document_id"] == "99/2019/QH14" and c["article"] == "2" for c in law["citations"])
    assert law["file_sources"], "the same question retrieves from the file too"


def test_no_one_else_and_no_other_conversation_retrieves_the_file(client, users, claim_session):
    sid, body = claim_session
    judge, other = users["judge"]["headers"], users["judge2"]["headers"]
    assert client.get(f"/v1/sessions/{sid}/files", headers=other).status_code == 404
    assert client.get(f"/v1/sessions/{sid}/files/{body['id']}", headers=other).status_code == 404
    assert client.get(f"/v1/sessions/{sid}/files/{body['id']}/passages", headers=other).status_code == 404
    assert client.delete(f"/v1/sessions/{sid}/files/{body['id']}", headers=other).status_code == 404
    assert upload(client, other, sid, "x.txt", b"Ngay 01/01/2020 co viec.").status_code == 404
    assert client.post("/v1/chat", json={"question": QUESTION, "session_id": sid}, headers=other).status_code == 404
    for headers in (other, judge):  # another user's conversation, and the same judge's other conversation
        own = new_session(client, headers)
        r = client.post("/v1/chat", json={"question": QUESTION, "session_id": own}, headers=headers)
        assert r.status_code == 200 and r.json()["file_sources"] == [] and r.json()["file_citations"] == []
        assert "sát tường nhà tôi" not in r.text
        r = client.post("/v1/chat", json={"question": QUESTION}, headers=headers)  # no conversation at all
        assert r.json()["file_sources"] == [] and "sát tường nhà tôi" not in r.text
    r = client.get("/v1/search", params={"q": "mười tổ ong mật đặt cách cửa sổ"}, headers=judge)  # nor the corpus
    assert r.status_code == 200 and "sát tường nhà tôi" not in r.text


def test_deleting_the_file_or_the_conversation_deletes_its_passages(app, client, users):
    from assistant.case_file.tables import CaseFilePassageRow, CaseFileRow

    h = users["judge"]["headers"]
    engine = app.state.services.store.engine

    def rows(fid: str) -> tuple[int, int]:
        with Session(engine) as s:
            return (s.scalar(select(func.count()).select_from(CaseFileRow).where(CaseFileRow.id == fid)),
                    s.scalar(select(func.count()).select_from(CaseFilePassageRow)
                             .where(CaseFilePassageRow.file_id == fid)))

    sid = new_session(client, h)
    first = wait_done(client, h, sid, upload(client, h, sid, "a.txt", CLAIM.encode()).json()["file_id"])["id"]
    second = wait_done(client, h, sid, upload(client, h, sid, "b.txt", CLAIM.encode()).json()["file_id"])["id"]
    assert rows(first)[1] > 0
    assert client.delete(f"/v1/sessions/{sid}/files/{first}", headers=h).status_code == 204
    assert rows(first) == (0, 0)
    assert [f["id"] for f in client.get(f"/v1/sessions/{sid}/files", headers=h).json()["files"]] == [second]
    assert client.delete(f"/v1/sessions/{sid}", headers=h).status_code == 204
    assert rows(second) == (0, 0)
    assert client.get(f"/v1/sessions/{sid}/files", headers=h).status_code == 404


@pytest.mark.parametrize("name,data,status,words", [
    ("empty.txt", lambda: b"", 422, "empty"),
    ("blank.txt", lambda: b"  \n\n ", 422, "empty"),
    ("locked.pdf", lambda: pdf_bytes("Đơn khởi kiện", encrypt="matkhau"), 422, "encrypted"),
    ("scan.pdf", lambda: blank_pdf_bytes(3), 422, "scanned"),
    ("photo.pdf", lambda: b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, 422, "PNG"),
    ("big.pdf", lambda: b"%PDF-1.4\n" + b"0" * (50 * 2**20), 413, "larger than the limit"),
    ("claim.exe", lambda: b"MZ", 415, ".pdf"),
])
def test_bad_files_get_a_clear_message(client, users, name, data, status, words):
    h = users["judge"]["headers"]
    sid = new_session(client, h)
    r = upload(client, h, sid, name, data())
    assert r.status_code == status, r.text
    assert words in r.json()["error"]["message"], r.json()
    assert client.get(f"/v1/sessions/{sid}/files", headers=h).json()["files"] == []


def test_unknown_conversation_and_file_limits(app, client, users):
    h = users["judge"]["headers"]
    assert upload(client, h, "không-có", "a.txt", CLAIM.encode()).status_code == 404
    sid = new_session(client, h)
    assert client.get(f"/v1/sessions/{sid}/files/nope", headers=h).status_code == 404
    limit = app.state.services.case_files.config.max_files_per_session
    for i in range(limit):
        assert upload(client, h, sid, f"{i}.txt", CLAIM.encode()).status_code == 202
    r = upload(client, h, sid, "one-more.txt", CLAIM.encode())
    assert r.status_code == 409 and "limit" in r.json()["error"]["message"]


def test_thuky_chat_with_a_file_reads_it_then_cites_it(writable_home, tmp_path):
    from tests.api.test_cli_users import cli

    path = tmp_path / "đơn khởi kiện.docx"
    path.write_bytes(docx_bytes(CLAIM))
    r = cli(writable_home, "chat", "--file", str(path), stdin=QUESTION + "\nthoát\n",
            THUKY_DEFAULT_CORPUS="statutes", THUKY_CASES_IN_ANSWERS="0", THUKY_LEARNED_CONFIDENCE="0")
    assert r.returncode == 0, r.stdout + r.stderr
    assert "Hồ sơ vụ án" in r.stdout and "Người khởi kiện: H." in r.stdout and "Hùng" not in r.stdout
    assert "⚠ Điều 99 Luật Nuôi ong" in r.stdout
    assert "✓ Tệp: đơn khởi kiện.docx, trang 1, đoạn 7" in r.stdout
    bad = tmp_path / "scan.pdf"
    bad.write_bytes(blank_pdf_bytes())
    r = cli(writable_home, "chat", "--file", str(bad), stdin="")
    assert r.returncode != 0 and "scanned PDF" in r.stdout + r.stderr
