"""Replicas share nothing but the database: two apps (two servers' worth) on one PostgreSQL database see each
other's conversations, jobs, deletes and rate limits. And conversations stored on either database alike."""

from __future__ import annotations

import time

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import CORPUS, NEW_LAW, api_settings, make_users, wait_ready

QUESTION = "Người từ đủ 14 tuổi phải chịu trách nhiệm hình sự về những tội phạm nào?"


def test_conversations_are_stored_alike_on_both_databases(any_store):
    from assistant.conversation import ConversationStore
    from assistant.errors import ConversationNotFound

    conversations = ConversationStore(any_store.engine)
    cid = conversations.create(CORPUS, owner="judge")
    conversations.append(cid, "Điều 51 là gì?", None, {"text": "Tình tiết giảm nhẹ."}, owner="judge")
    conversations.append(cid, "Còn khoản 2?", "Khoản 2 Điều 51 là gì?", {"text": "Đầu thú."}, owner="judge")
    assert [t.question for t in conversations.history(cid, owner="judge")] == ["Điều 51 là gì?", "Còn khoản 2?"]
    (summary,) = conversations.list(owner="judge")
    assert summary.turns == 2 and summary.title == "Điều 51 là gì?"
    with pytest.raises(ConversationNotFound):
        conversations.history(cid, owner="someone-else")
    conversations.delete(cid, owner="judge")
    assert conversations.list(owner="judge") == []


@pytest.fixture(params=["embedded", "milvus"])
def two_servers(request, tmp_path, postgres_url):
    """Two apps on one PostgreSQL database: A leaves jobs to others, B runs them. With the embedded index they share
    its home; with Milvus they share nothing but PostgreSQL and one Milvus server (each has a home of its own)."""
    from tests.api.conftest import build_home
    from thuky.runtime import Runtime

    if request.param == "milvus":
        uri = request.getfixturevalue("milvus_uri")
        home_a, home_b = build_home(tmp_path / "a", postgres_url, uri), tmp_path / "b"
        index = {"search_backend": "milvus", "milvus_uri": uri}
    else:
        home_a = home_b = build_home(tmp_path / "home", postgres_url)
        index = {}
    a = Runtime(api_settings(home_a, database_url=postgres_url, run_jobs=False, rate_limit_per_minute=60,
                             rate_limit_burst=200, **index)).app()
    b = Runtime(api_settings(home_b, database_url=postgres_url, job_poll_s=0.1, rate_limit_per_minute=60,
                             rate_limit_burst=200, **index)).app()
    assert {app.state.services.indexes.backend.name for app in (a, b)} == {request.param}
    users = make_users(a)
    with TestClient(a) as ca, TestClient(b) as cb:
        wait_ready(ca)
        wait_ready(cb)
        yield ca, cb, users
    for app in (a, b):
        app.state.services.store.engine.dispose()


def test_two_servers_on_one_postgresql_share_conversations_jobs_deletes_and_limits(two_servers):
    ca, cb, users = two_servers
    judge, admin, clerk = (users[r]["headers"] for r in ("judge", "admin", "clerk"))

    # a conversation started on one server continues on the other
    first = ca.post("/v1/chat", json={"question": QUESTION}, headers=judge).json()
    sid = first["session_id"]
    follow = cb.post("/v1/chat", json={"question": "Còn người từ đủ 16 tuổi thì sao?", "session_id": sid},
                     headers=judge)
    assert follow.status_code == 200, follow.text
    assert follow.json()["session_id"] == sid
    for c in (ca, cb):
        detail = c.get(f"/v1/sessions/{sid}", headers=judge).json()
        assert [t["question"] for t in detail["turns"]] == [QUESTION, "Còn người từ đủ 16 tuổi thì sao?"]

    # an upload accepted by A (which runs no jobs) is run by B's worker; both report the job and find the document
    r = ca.post("/v1/documents", files={"file": ("tam.txt", NEW_LAW.encode(), "text/plain")}, headers=admin)
    assert r.status_code == 202, r.text
    jid = r.json()["job_id"]
    deadline = time.monotonic() + 120
    while (job := ca.get(f"/v1/jobs/{jid}", headers=admin).json())["status"] not in ("done", "failed"):
        assert time.monotonic() < deadline, job
        time.sleep(0.1)
    assert job["status"] == "done", job
    assert cb.get(f"/v1/jobs/{jid}", headers=admin).json() == job
    for c in (ca, cb):
        hits = c.get("/v1/search", params={"q": "nong tằm phơi khô"}, headers=clerk).json()
        assert hits["results"][0]["document_id"] == "77/2021/QH15"

    # a delete through B holds on A at once (before any re-index)
    assert cb.delete("/v1/documents/77/2021/QH15", headers=admin).status_code == 204
    for c in (ca, cb):
        hits = c.get("/v1/search", params={"q": "nong tằm phơi khô"}, headers=clerk).json()["results"]
        assert "77/2021/QH15" not in {h["document_id"] for h in hits}
        assert c.get("/v1/documents/77/2021/QH15", headers=clerk).status_code == 404

    # one rate-limit bucket per caller, whichever server is asked
    limiter_a, limiter_b = ca.app.state.services.limiter, cb.app.state.services.limiter
    assert type(limiter_a).__name__ == "DatabaseRateLimiter"
    key = "test:shared-bucket"
    now = time.time()
    spent = [limiter_a.hit(key, now) for _ in range(100)] + [limiter_b.hit(key, now) for _ in range(100)]
    assert sum(w == 0.0 for w in spent) == 200 and limiter_b.hit(key, now) > 0 and limiter_a.hit(key, now) > 0
