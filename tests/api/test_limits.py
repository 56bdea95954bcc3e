"""Limits per person and per address: one rate-limit bucket per user, per address for anonymous calls, capped API keys
and chats in flight, work dropped for a client that left, keys revoked with the password and expiring, login
throttled per account, trusted proxies, uploads refused unread, metrics labels the client cannot multiply, and the
audit naming who acted."""

from __future__ import annotations

import asyncio
import datetime as dt
import threading

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from tests.api.conftest import api_settings, make_users

QUESTION = "Người từ đủ 14 tuổi có phải chịu trách nhiệm hình sự không?"


def _app(home, **overrides):
    from thuky.runtime import Runtime

    return Runtime(api_settings(home, preload_index=False, **overrides)).app()


def _code(r, status: int, code: str) -> str:
    assert r.status_code == status, (r.status_code, r.text)
    assert r.json()["error"]["code"] == code, r.text
    return r.json()["error"]["message"]


def _bearer(secret: str) -> dict:
    return {"Authorization": f"Bearer {secret}"}


# -- rate limits --------------------------------------------------------------------------------------------------
def test_rate_limit_is_one_bucket_per_user_across_tokens_and_keys(writable_home):
    app = _app(writable_home, rate_limit_per_minute=6, rate_limit_burst=3)
    users = make_users(app)
    accounts = app.state.services.accounts
    with TestClient(app) as c:
        assert c.get("/v1/me", headers=users["judge"]["headers"]).status_code == 200
        key = accounts.create_key("judge", "chương trình").key
        assert c.get("/v1/me", headers=_bearer(key)).status_code == 200
        fresh = accounts.issue_token(accounts.get_user("judge"), hours=1)  # a new login: still the same bucket
        assert c.get("/v1/me", headers=_bearer(fresh)).status_code == 200
        for secret in (fresh, key, users["judge"]["token"], accounts.issue_token(accounts.get_user("judge"), 1)):
            _code(c.get("/v1/me", headers=_bearer(secret)), 429, "rate_limited")
        assert c.get("/v1/me", headers=users["clerk"]["headers"]).status_code == 200  # another user


def test_anonymous_calls_are_limited_per_address(writable_home):
    app = _app(writable_home, rate_limit_per_minute=6, rate_limit_burst=3)
    with TestClient(app) as c, TestClient(app, client=("192.0.2.9", 4000)) as elsewhere:
        codes = [c.get("/v1/me", headers=h).status_code
                 for h in ({}, _bearer("tks_guess-1"), {"Authorization": "Basic eDp5"}, _bearer("tkk_guess-2"))]
        assert codes == [401, 401, 401, 429]
        assert c.get("/healthz").status_code == 200  # health is never limited
        assert elsewhere.get("/v1/me").status_code == 401  # another address has its own bucket


# -- API keys -----------------------------------------------------------------------------------------------------
def test_api_keys_per_user_are_capped(writable_home):
    app = _app(writable_home, max_api_keys_per_user=2)
    users = make_users(app)
    h = users["clerk"]["headers"]
    with TestClient(app) as c:
        made = [c.post("/v1/keys", json={"name": f"khóa {i}"}, headers=h) for i in range(2)]
        assert [r.status_code for r in made] == [201, 201]
        message = _code(c.post("/v1/keys", json={"name": "khóa 3"}, headers=h), 409, "too_many_keys")
        assert "2 API keys" in message and "revoke" in message
        admin = users["admin"]["headers"]  # an admin cannot go past the cap for someone else either
        _code(c.post("/v1/keys", json={"name": "khóa 3", "username": "clerk"}, headers=admin), 409, "too_many_keys")
        assert c.delete(f"/v1/keys/{made[0].json()['id']}", headers=h).status_code == 204
        assert c.post("/v1/keys", json={"name": "khóa 3"}, headers=h).status_code == 201


def test_a_password_change_revokes_keys_and_sessions(app, client):
    accounts = app.state.services.accounts
    user = accounts.add_user("doi-mat-khau", "clerk", "mat-khau-cu-du-dai")
    token, key = accounts.issue_token(user, hours=1), accounts.create_key("doi-mat-khau", "chương trình").key
    for secret in (token, key):
        assert client.get("/v1/me", headers=_bearer(secret)).status_code == 200
    accounts.set_password("doi-mat-khau", "mat-khau-moi-du-dai")
    app.state.services.forget_principals()
    for secret in (token, key):
        _code(client.get("/v1/me", headers=_bearer(secret)), 401, "invalid_token")


def test_keys_can_expire(app, client, users):
    from api.tables import ApiKeyRow

    h = users["evaluator"]["headers"]
    r = client.post("/v1/keys", json={"name": "một ngày", "expires_in_days": 1}, headers=h)
    assert r.status_code == 201, r.text
    expires = dt.datetime.fromisoformat(r.json()["expires_at"])
    assert dt.timedelta(hours=23) < expires - dt.datetime.now(dt.timezone.utc) <= dt.timedelta(days=1)
    key = r.json()["key"]
    assert client.get("/v1/me", headers=_bearer(key)).status_code == 200
    listed = {k["id"]: k for k in client.get("/v1/keys", headers=h).json()["keys"]}
    assert listed[r.json()["id"]]["expires_at"] == r.json()["expires_at"]
    with Session(app.state.services.accounts.engine) as s, s.begin():  # a day later
        s.execute(update(ApiKeyRow).where(ApiKeyRow.id == r.json()["id"])
                  .values(expires_at=dt.datetime.now(dt.timezone.utc) - dt.timedelta(seconds=1)))
    app.state.services.forget_principals()
    _code(client.get("/v1/me", headers=_bearer(key)), 401, "invalid_token")

    at = (dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=30)).isoformat()
    r = client.post("/v1/keys", json={"name": "một tháng", "expires_at": at}, headers=h)
    assert r.status_code == 201 and r.json()["expires_at"] == at
    past = "2020-01-01T00:00:00Z"
    assert "expires_at" in _code(client.post("/v1/keys", json={"name": "x", "expires_at": past}, headers=h), 422,
                                 "invalid_expiry")
    both = {"name": "x", "expires_at": at, "expires_in_days": 3}
    assert "not both" in _code(client.post("/v1/keys", json=both, headers=h), 422, "validation_error")
    assert client.post("/v1/keys", json={"name": "x", "expires_in_days": 0}, headers=h).status_code == 422


def test_login_purges_expired_sessions(app, other_client, users):
    from api.tables import AuthTokenRow

    accounts = app.state.services.accounts
    accounts.issue_token(accounts.get_user("clerk"), hours=-1)

    def expired() -> int:
        with Session(accounts.engine) as s:
            return s.scalar(select(func.count(AuthTokenRow.id))
                            .where(AuthTokenRow.expires_at <= dt.datetime.now(dt.timezone.utc)))

    assert expired() >= 1
    r = other_client.post("/v1/auth/login", json={"username": "clerk", "password": users["clerk"]["password"]})
    assert r.status_code == 200, r.text
    assert expired() == 0


# -- login --------------------------------------------------------------------------------------------------------
def test_login_is_throttled_per_account_from_any_address(writable_home):
    app = _app(writable_home, login_attempts_per_minute=100, login_attempts_per_account_per_minute=3)
    make_users(app)
    wrong = {"username": "admin", "password": "doan-mo-mat-khau"}
    with TestClient(app, client=("192.0.2.1", 1)) as a, TestClient(app, client=("192.0.2.2", 1)) as b:
        assert [a.post("/v1/auth/login", json=wrong).status_code for _ in range(3)] == [401, 401, 401]
        assert "account" in _code(b.post("/v1/auth/login", json=wrong), 429, "rate_limited")
        assert b.post("/v1/auth/login", json={**wrong, "username": "judge"}).status_code == 401  # another account


def test_a_user_without_a_password_hash_cannot_log_in(app, client):
    from api.tables import UserRow

    with Session(app.state.services.accounts.engine) as s, s.begin():
        s.add_all([UserRow(username="khong-mat-khau", role="admin", password_hash=""),
                   UserRow(username="mat-khau-null", role="admin", password_hash=None)])
    for name in ("khong-mat-khau", "mat-khau-null"):
        r = client.post("/v1/auth/login", json={"username": name, "password": "thuky-dummy-password"})
        _code(r, 401, "invalid_credentials")


# -- client address, proxies, audit -------------------------------------------------------------------------------
def test_client_address_trusts_only_configured_proxies():
    from api.client_address import client_address, parse_networks

    proxies = parse_networks(["10.0.0.0/8", "127.0.0.1"])
    xff = [(b"x-forwarded-for", b"198.51.100.7, 203.0.113.5, 10.1.2.3")]
    assert client_address("10.0.0.1", xff, proxies) == "203.0.113.5"  # the right-most address not a proxy
    assert client_address("192.0.2.4", xff, proxies) == "192.0.2.4"  # an untrusted peer's header is ignored
    assert client_address("10.0.0.1", [], proxies) == "10.0.0.1"
    assert client_address("10.0.0.1", [(b"x-forwarded-for", b"<script>")], proxies) == "10.0.0.1"
    assert client_address("10.0.0.1", xff, []) == "10.0.0.1"
    assert client_address(None, xff, proxies) == "unknown"
    with pytest.raises(ValueError, match="not an IP address"):
        parse_networks(["proxy.example"])


def test_trusted_proxies_is_a_checked_setting():
    from pydantic import ValidationError

    from api.config import ServiceConfig

    with pytest.raises(ValidationError, match="trusted_proxies"):
        ServiceConfig(trusted_proxies=["not-an-address"])


def test_forwarded_address_is_used_behind_a_trusted_proxy_and_audited(writable_home):
    app = _app(writable_home, trusted_proxies=["10.0.0.1"], login_attempts_per_minute=2)
    users = make_users(app)
    svc = app.state.services
    forwarded = {"X-Forwarded-For": "203.0.113.5", **users["judge"]["headers"]}
    with TestClient(app, client=("10.0.0.1", 1)) as proxy, TestClient(app, client=("192.0.2.9", 1)) as direct:
        assert proxy.get("/v1/me", headers=forwarded).status_code == 200
        assert direct.get("/v1/sessions", headers=forwarded).status_code == 200  # header from an untrusted peer
        entries = svc.audit.query(username="judge")
        assert {(e["action"], e["client"]) for e in entries} >= {("me", "203.0.113.5"), ("list_sessions", "192.0.2.9")}
        wrong = {"username": "admin", "password": "doan-mo-mat-khau"}
        for address in ("198.51.100.1", "198.51.100.2"):  # each forwarded client has its own login bucket
            codes = [proxy.post("/v1/auth/login", json=wrong, headers={"X-Forwarded-For": address}).status_code
                     for _ in range(3)]
            assert codes == [401, 401, 429], (address, codes)


def test_an_admin_making_a_key_for_a_judge_is_audited_as_the_admin(app, client, users):
    r = client.post("/v1/keys", json={"name": "cho thẩm phán", "username": "judge2"},
                    headers=users["admin"]["headers"])
    assert r.status_code == 201 and r.json()["username"] == "judge2"
    entries = [e for e in app.state.services.audit.query(action="create_key") if e["target"] == "judge2"]
    assert entries and entries[0]["username"] == "admin"
    audit = client.get("/v1/audit", params={"action": "create_key"}, headers=users["admin"]["headers"]).json()
    assert any(e["username"] == "admin" and e["target"] == "judge2" for e in audit["entries"])


# -- uploads ------------------------------------------------------------------------------------------------------
def _post_upload(app, headers: list[tuple[bytes, bytes]], size: int) -> tuple[int, int]:
    """POST /v1/documents straight to the ASGI app with a ``size``-byte multipart body: (status, body bytes read)."""
    boundary = b"thuky-boundary"
    body = (b"--" + boundary + b'\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\n\r\n'
            + b"x" * size + b"\r\n--" + boundary + b"--\r\n")
    chunks = [body[i:i + 65536] for i in range(0, len(body), 65536)]
    read = [0]
    status = [0]

    async def receive():
        if not chunks:
            return {"type": "http.disconnect"}
        chunk = chunks.pop(0)
        read[0] += len(chunk)
        return {"type": "http.request", "body": chunk, "more_body": bool(chunks)}

    async def send(message):
        if message["type"] == "http.response.start":
            status[0] = message["status"]

    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST", "scheme": "http",
             "path": "/v1/documents", "raw_path": b"/v1/documents", "query_string": b"", "root_path": "",
             "server": ("testserver", 80), "client": ("192.0.2.50", 1234),
             "headers": [(b"host", b"testserver"), (b"content-type", b"multipart/form-data; boundary=" + boundary),
                         (b"content-length", str(len(body)).encode()), *headers]}
    asyncio.run(app(scope, receive, send))
    return status[0], read[0]


def test_uploads_from_anyone_but_an_admin_are_refused_unread(app, client, users):
    size = 5 * 2**20
    assert _post_upload(app, [], size) == (401, 0)
    assert _post_upload(app, [(b"authorization", b"Bearer tks_guessed")], size) == (401, 0)
    judge = users["judge"]["token"].encode()
    assert _post_upload(app, [(b"authorization", b"Bearer " + judge)], size) == (403, 0)
    status, read = _post_upload(app, [(b"authorization", b"Bearer " + users["admin"]["token"].encode())], 10)
    assert status == 422 and read > 0  # an admin's body is read (and this one is no legal document)


# -- metrics ------------------------------------------------------------------------------------------------------
def _series(app) -> set[str]:
    text = app.state.services.metrics.render().decode()
    return {line.rsplit(" ", 1)[0] for line in text.splitlines() if line.startswith("thuky_http_request")}


def test_client_chosen_methods_and_paths_create_no_new_series(app, client, users):
    h = users["judge"]["headers"]
    for method in ("FOO0", "GET"):  # the "OTHER" and 404 series exist from here on
        client.request(method, "/v1/me", headers=h)
        client.request(method, "/v1/khong-co-0", headers=h)
    before = _series(app)
    for i in range(1, 6):
        client.request(f"FOO{i}", "/v1/me", headers=h)
        client.request(f"FOO{i}", f"/v1/khong-co-{i}", headers=h)
        client.get(f"/v1/khong-co-{i}", headers=h)
    after = _series(app)
    assert after == before, after - before
    assert not any("FOO" in s or "khong-co" in s for s in after)
    assert any('method="OTHER"' in s for s in after)


# -- chats in flight, clients that leave --------------------------------------------------------------------------
def test_chats_in_flight_per_user_are_capped(writable_home):
    app = _app(writable_home, max_chats_in_flight_per_user=2)
    users = make_users(app)
    svc = app.state.services
    judge = svc.accounts.get_user("judge")
    with TestClient(app) as c:
        key = f"user:{svc.accounts.resolve(users['judge']['token']).user_id}"
        assert key == f"user:{judge.id}"
        for _ in range(2):  # two answers under way for this judge
            assert svc.chats_in_flight.acquire(key)
        r = c.post("/v1/chat", json={"question": QUESTION}, headers=users["judge"]["headers"])
        assert "being answered" in _code(r, 429, "too_many_chats")
        r = c.post("/v1/chat?stream=true", json={"question": QUESTION}, headers=users["judge"]["headers"])
        _code(r, 429, "too_many_chats")
        assert c.post("/v1/chat", json={"question": QUESTION}, headers=users["clerk"]["headers"]).status_code == 200
        svc.chats_in_flight.release(key)
        for stream in (False, True):  # a slot is given back after a JSON answer and after a stream
            r = c.post(f"/v1/chat?stream={str(stream).lower()}", json={"question": QUESTION},
                       headers=users["judge"]["headers"])
            assert r.status_code == 200, r.text
            assert svc.chats_in_flight.running(key) == 1
        bad = c.post("/v1/chat", json={"question": QUESTION, "session_id": "khong-co"},
                     headers=users["judge"]["headers"])
        assert bad.status_code == 404 and svc.chats_in_flight.running(key) == 1  # also after a refusal


class _Composer:
    def __init__(self, name: str, on_compose=None):
        self.name, self.calls, self.on_compose = name, 0, on_compose

    def compose(self, question, sources):
        self.calls += 1
        if self.on_compose is not None:
            self.on_compose()
        raise RuntimeError(f"{self.name} is not reached in this test")


def test_a_client_that_leaves_during_the_llm_stage_gets_no_fallback_work(writable_home):
    """The client disconnects while the LLM composes (its event is set): the extractive fallback, the related
    judgments and the stored turn are all skipped."""
    from api.accounts import Principal
    from api.bodies import ChatRequest
    from api.routes.chat import _work
    from api.services import Cancelled

    app = _app(writable_home)
    svc = app.state.services
    make_users(app)
    cancel = threading.Event()
    llm, extractive = _Composer("llm", on_compose=cancel.set), _Composer("extractive")
    svc.assistant.llm, svc.assistant.composer = llm, extractive
    judge = svc.accounts.get_user("judge")
    principal = Principal(judge.id, "judge", "judge", "token", 1)
    body = ChatRequest(question=QUESTION, composer="llm")
    with pytest.raises(Cancelled):
        _work(svc, body, principal, "statutes", None, cancel)
    assert (llm.calls, extractive.calls) == (1, 0)
    assert svc.conversations.list("judge") == []


def test_a_stream_whose_client_left_cancels_the_work():
    """The SSE generator sees the client gone while the work runs: it sets the work's cancel event (the thread stops at
    its next stage boundary) and sends nothing."""
    from api.routes.chat import _events
    from api.services import Cancelled

    class Gone:
        async def is_disconnected(self) -> bool:
            return True

    cancel, stopped = threading.Event(), threading.Event()

    def job():
        try:
            if cancel.wait(timeout=30):
                raise Cancelled()
            return None
        finally:
            stopped.set()

    async def run() -> list:
        return [e async for e in _events(Gone(), None, job, cancel)]

    assert asyncio.run(run()) == []
    assert cancel.is_set() and stopped.wait(timeout=30)
