"""Sessions (the caller's own only), feedback for evaluators, and the admins' audit log of who asked what."""

from __future__ import annotations

import datetime as dt

import pytest

QUESTION = "Người từ đủ 14 tuổi phải chịu trách nhiệm hình sự về những tội phạm nào?"


@pytest.fixture(scope="module")
def judge_session(client, users) -> dict:
    return client.post("/v1/chat", json={"question": QUESTION}, headers=users["judge"]["headers"]).json()


def test_own_sessions_are_listed_with_their_turns(client, users, judge_session):
    h = users["judge"]["headers"]
    sessions = client.get("/v1/sessions", headers=h).json()["sessions"]
    mine = next(s for s in sessions if s["id"] == judge_session["session_id"])
    assert mine["title"] == QUESTION and mine["corpus"] == "statutes" and mine["turns"] == 1
    assert dt.datetime.fromisoformat(mine["created_at"]).tzinfo is not None
    detail = client.get(f"/v1/sessions/{mine['id']}", headers=h).json()
    assert detail["id"] == mine["id"] and len(detail["turns"]) == 1
    turn = detail["turns"][0]
    assert turn["question"] == QUESTION and turn["answer"]["text"] == judge_session["text"]


def test_another_users_sessions_are_invisible(client, users, judge_session):
    sid = judge_session["session_id"]
    other = users["judge2"]["headers"]
    assert sid not in {s["id"] for s in client.get("/v1/sessions", headers=other).json()["sessions"]}
    for method in ("GET", "DELETE"):
        r = client.request(method, f"/v1/sessions/{sid}", headers=other)
        assert r.status_code == 404 and r.json()["error"]["code"] == "unknown_session"
    admin = users["admin"]["headers"]  # admins too: a conversation belongs to its user
    assert client.get(f"/v1/sessions/{sid}", headers=admin).status_code == 404
    assert client.get(f"/v1/sessions/{sid}", headers=users["judge"]["headers"]).status_code == 200


def test_delete_own_session(client, users):
    h = users["clerk"]["headers"]
    sid = client.post("/v1/chat", json={"question": QUESTION}, headers=h).json()["session_id"]
    assert client.delete(f"/v1/sessions/{sid}", headers=h).status_code == 204
    assert client.get(f"/v1/sessions/{sid}", headers=h).status_code == 404
    assert client.delete(f"/v1/sessions/{sid}", headers=h).status_code == 404
    assert sid not in {s["id"] for s in client.get("/v1/sessions", headers=h).json()["sessions"]}


def test_session_list_limit(client, users):
    assert client.get("/v1/sessions?limit=0", headers=users["judge"]["headers"]).status_code == 422
    assert len(client.get("/v1/sessions?limit=1", headers=users["judge"]["headers"]).json()["sessions"]) == 1


# -- feedback -----------------------------------------------------------------------------------------------------
def test_feedback_is_stored_and_exported_for_evaluators(client, users, judge_session):
    body = {"session_id": judge_session["session_id"], "question": QUESTION, "answer_text": judge_session["text"],
            "rating": "down", "comment": "Thiếu khoản 2 Điều 12"}
    r = client.post("/v1/feedback", json=body, headers=users["judge"]["headers"])
    assert r.status_code == 201 and isinstance(r.json()["id"], int)
    exported = client.get("/v1/feedback", headers=users["evaluator"]["headers"]).json()["feedback"]
    mine = next(f for f in exported if f["id"] == r.json()["id"])
    assert mine["username"] == "judge" and mine["rating"] == "down" and mine["comment"] == "Thiếu khoản 2 Điều 12"
    assert client.get("/v1/feedback?rating=up", headers=users["admin"]["headers"]).status_code == 200
    since = (dt.datetime.now(dt.timezone.utc) + dt.timedelta(hours=1)).isoformat()
    assert client.get("/v1/feedback", params={"since": since}, headers=users["admin"]["headers"]).json() == {
        "feedback": []}
    for role in ("judge", "clerk"):
        assert client.get("/v1/feedback", headers=users[role]["headers"]).status_code == 403


@pytest.mark.parametrize("body,status,field", [
    ({"question": QUESTION, "rating": "meh"}, 422, "rating"),
    ({"rating": "up"}, 422, "question"),
    ({"question": QUESTION, "rating": "up", "comment": "x" * 4001}, 422, "comment"),
    ({"question": QUESTION, "rating": "up", "session_id": "khong-co"}, 404, "session_id"),
])
def test_bad_feedback(client, users, body, status, field):
    r = client.post("/v1/feedback", json=body, headers=users["clerk"]["headers"])
    assert r.status_code == status and field in r.json()["error"]["message"], r.text


def test_feedback_on_another_users_session_is_refused(client, users, judge_session):
    r = client.post("/v1/feedback", json={"question": QUESTION, "rating": "up",
                                          "session_id": judge_session["session_id"]},
                    headers=users["judge2"]["headers"])
    assert r.status_code == 404


# -- audit --------------------------------------------------------------------------------------------------------
def test_audit_records_questions_not_answers(client, users):
    h = users["clerk"]["headers"]
    question = "Khi quyết định hình phạt, Tòa án có thể coi đầu thú là tình tiết giảm nhẹ không?"
    answer = client.post("/v1/chat", json={"question": question}, headers=h).json()
    client.get("/v1/search", params={"q": "đầu thú"}, headers=h)
    entries = client.get("/v1/audit", params={"user": "clerk"}, headers=users["admin"]["headers"]).json()["entries"]
    assert entries and all(e["username"] == "clerk" for e in entries)
    chat = next(e for e in entries if e["action"] == "chat" and e["question"] == question)
    assert chat["path"] == "/v1/chat" and chat["status"] == 200 and chat["method"] == "POST"
    assert any(e["action"] == "search" and e["question"] == "đầu thú" for e in entries)
    assert answer["text"] not in str(entries)  # never the answer text
    assert dt.datetime.fromisoformat(entries[0]["at"]) >= dt.datetime.fromisoformat(entries[-1]["at"])


def test_audit_records_failures_and_logins(client, users):
    client.post("/v1/chat", json={"question": "x", "session_id": "khong-co"}, headers=users["evaluator"]["headers"])
    client.post("/v1/auth/login", json={"username": "evaluator", "password": "sai-roi-nhe"})
    entries = client.get("/v1/audit", params={"user": "evaluator"}, headers=users["admin"]["headers"]).json()[
        "entries"]
    assert any(e["action"] == "chat" and e["status"] == 404 for e in entries)
    assert any(e["action"] == "login" and e["status"] == 401 for e in entries)
    assert all("sai-roi-nhe" not in str(e) for e in entries)  # never a password


def test_audit_filters(client, users):
    admin = users["admin"]["headers"]
    later = (dt.datetime.now(dt.timezone.utc) + dt.timedelta(minutes=5)).isoformat()
    assert client.get("/v1/audit", params={"since": later}, headers=admin).json()["entries"] == []
    earlier = (dt.datetime.now(dt.timezone.utc) - dt.timedelta(minutes=30)).isoformat()
    assert client.get("/v1/audit", params={"since": earlier, "limit": 3}, headers=admin).json()["entries"]
    assert len(client.get("/v1/audit", params={"limit": 2}, headers=admin).json()["entries"]) == 2
    only = client.get("/v1/audit", params={"action": "search"}, headers=admin).json()["entries"]
    assert only and {e["action"] for e in only} == {"search"}
    assert client.get("/v1/audit", params={"since": "hôm qua"}, headers=admin).status_code == 422
    assert client.get("/v1/audit", headers=users["evaluator"]["headers"]).status_code == 403
