"""Accounts over HTTP: login (token + cookie), logout, bearer tokens and API keys, every role against every gate, rate
limits with Retry-After, cookie requests from another site, CORS."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.api.conftest import ROLES, api_settings, make_users


def _error(r, status: int, code: str | None = None) -> dict:
    assert r.status_code == status, (r.status_code, r.text)
    body = r.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message"}, body
    if code:
        assert body["error"]["code"] == code, body
    return body["error"]


# -- login, cookie, logout ----------------------------------------------------------------------------------------
def test_login_gives_a_token_and_an_httponly_cookie(other_client, users):
    c = other_client
    r = c.post("/v1/auth/login", json={"username": "clerk", "password": users["clerk"]["password"]})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["user"] == {"username": "clerk", "role": "clerk"} and body["token"].startswith("tks_")
    cookie = r.headers["set-cookie"]
    assert "thuky_session=" in cookie and "httponly" in cookie.lower() and "samesite=lax" in cookie.lower()
    assert c.get("/v1/me").json() == {"username": "clerk", "role": "clerk", "via": "token"}  # by cookie
    c.cookies.clear()
    me = c.get("/v1/me", headers={"Authorization": f"Bearer {body['token']}"})
    assert me.status_code == 200 and me.json()["username"] == "clerk"


def test_logout_revokes_the_session(other_client, users):
    c = other_client
    token = c.post("/v1/auth/login", json={"username": "judge", "password": users["judge"]["password"]}
                   ).json()["token"]
    h = {"Authorization": f"Bearer {token}"}
    assert c.get("/v1/me", headers=h).status_code == 200
    r = c.post("/v1/auth/logout", headers=h)
    assert r.status_code == 204 and "thuky_session=" in r.headers.get("set-cookie", "")
    _error(c.get("/v1/me", headers=h), 401, "invalid_token")


def test_wrong_password_and_unknown_user_read_the_same(client, users):
    a = _error(client.post("/v1/auth/login", json={"username": "judge", "password": "sai-mat-khau"}), 401,
               "invalid_credentials")
    b = _error(client.post("/v1/auth/login", json={"username": "khong-ai", "password": "sai-mat-khau"}), 401,
               "invalid_credentials")
    assert a == b


def test_login_validation_names_the_field(client):
    err = _error(client.post("/v1/auth/login", json={"username": "judge"}), 422, "validation_error")
    assert "password" in err["message"]


def test_passwords_are_stored_as_argon2_hashes(app, users):
    from api.tables import UserRow

    with Session(app.state.services.store.engine) as s:
        stored = s.scalar(select(UserRow.password_hash).where(UserRow.username == "judge"))
    assert stored.startswith("$argon2id$") and users["judge"]["password"] not in stored


# -- missing and bad credentials ----------------------------------------------------------------------------------
@pytest.mark.parametrize("method,path", [("GET", "/v1/me"), ("GET", "/v1/search?q=ong"), ("POST", "/v1/chat"),
                                         ("GET", "/v1/documents"), ("GET", "/v1/sessions"), ("GET", "/v1/keys"),
                                         ("GET", "/v1/audit"), ("GET", "/metrics"), ("POST", "/v1/feedback")])
def test_every_endpoint_but_health_needs_auth(client, method, path):
    r = client.request(method, path, json={"question": "x", "rating": "up"} if method == "POST" else None)
    err = _error(r, 401, "unauthorized")
    assert r.headers.get("www-authenticate") == "Bearer" and "Bearer" in err["message"]


@pytest.mark.parametrize("header", ["Bearer tks_not-a-real-token", "Bearer tkk_not-a-real-key", "Bearer ",
                                    "Basic YWRtaW46YWRtaW4=", "Bearer " + "x" * 5000, "tks_abc"])
def test_invalid_credentials_are_refused(client, header):
    _error(client.get("/v1/me", headers={"Authorization": header}), 401)


def test_an_expired_token_is_refused(app, client):
    accounts = app.state.services.accounts
    token = accounts.issue_token(accounts.get_user("judge"), hours=-1)
    _error(client.get("/v1/me", headers={"Authorization": f"Bearer {token}"}), 401, "invalid_token")


def test_a_disabled_user_loses_sessions_and_keys(app, client):
    accounts = app.state.services.accounts
    user = accounts.add_user("tam-thoi", "clerk", "mat-khau-tam-thoi")
    token = accounts.issue_token(user, hours=1)
    key = accounts.create_key("tam-thoi", "thử").key
    for secret in (token, key):
        assert client.get("/v1/me", headers={"Authorization": f"Bearer {secret}"}).status_code == 200
    accounts.set_disabled("tam-thoi", True)
    app.state.services.forget_principals()
    for secret in (token, key):
        _error(client.get("/v1/me", headers={"Authorization": f"Bearer {secret}"}), 401)
    _error(client.post("/v1/auth/login", json={"username": "tam-thoi", "password": "mat-khau-tam-thoi"}), 401)


# -- roles --------------------------------------------------------------------------------------------------------
ADMIN_ONLY = [("GET", "/v1/audit"), ("GET", "/v1/jobs"), ("GET", "/v1/jobs/khong-co"),
              ("DELETE", "/v1/documents/khong-co"), ("POST", "/v1/documents")]
EVALUATOR = [("GET", "/v1/feedback"), ("GET", "/metrics")]
EVERYONE = [("GET", "/v1/me"), ("GET", "/v1/search?q=ong"), ("GET", "/v1/documents"),
            ("GET", "/v1/documents/100/2015/QH13"), ("GET", "/v1/units?citation=Điều 51 BLHS"),
            ("GET", "/v1/sessions"), ("GET", "/v1/keys")]


@pytest.mark.parametrize("role", ROLES)
def test_roles_gate_admin_and_evaluator_endpoints(client, users, role):
    h = users[role]["headers"]
    for method, path in ADMIN_ONLY:
        r = client.request(method, path, headers=h)
        if role == "admin":
            assert r.status_code in (200, 404, 422), (path, r.text)  # let in (then maybe: not found, no file)
        else:
            assert "admin" in _error(r, 403, "forbidden")["message"]
    for method, path in EVALUATOR:
        r = client.request(method, path, headers=h)
        if role in ("admin", "evaluator"):
            assert r.status_code == 200, (path, r.text)
        else:
            _error(r, 403, "forbidden")
    for method, path in EVERYONE:
        assert client.request(method, path, headers=h).status_code == 200, (role, path)


# -- API keys -----------------------------------------------------------------------------------------------------
def test_api_key_is_shown_once_works_and_can_be_revoked(client, users):
    h = users["clerk"]["headers"]
    r = client.post("/v1/keys", json={"name": "Phần mềm quản lý án"}, headers=h)
    assert r.status_code == 201, r.text
    created = r.json()
    key = created["key"]
    assert key.startswith("tkk_") and created["username"] == "clerk"
    kh = {"Authorization": f"Bearer {key}"}
    assert client.get("/v1/me", headers=kh).json() == {"username": "clerk", "role": "clerk", "via": "key"}
    listed = client.get("/v1/keys", headers=h).json()["keys"]
    mine = next(k for k in listed if k["id"] == created["id"])
    assert "key" not in mine and key not in str(listed) and mine["last_used_at"] and not mine["revoked"]
    assert all(k["username"] == "clerk" for k in listed)
    assert client.delete(f"/v1/keys/{created['id']}", headers=h).status_code == 204
    _error(client.get("/v1/me", headers=kh), 401, "invalid_token")
    assert next(k for k in client.get("/v1/keys", headers=h).json()["keys"] if k["id"] == created["id"])["revoked"]


def test_keys_of_other_users(client, users):
    admin, judge, judge2 = users["admin"]["headers"], users["judge"]["headers"], users["judge2"]["headers"]
    _error(client.post("/v1/keys", json={"name": "x", "username": "clerk"}, headers=judge), 403, "forbidden")
    r = client.post("/v1/keys", json={"name": "cho thư ký", "username": "clerk"}, headers=admin)
    assert r.status_code == 201 and r.json()["username"] == "clerk"
    _error(client.post("/v1/keys", json={"name": "x", "username": "khong-co"}, headers=admin), 404, "unknown_user")
    other = client.post("/v1/keys", json={"name": "của thẩm phán 2"}, headers=judge2).json()
    _error(client.delete(f"/v1/keys/{other['id']}", headers=judge), 404, "unknown_key")  # not yours: not found
    assert other["id"] not in [k["id"] for k in client.get("/v1/keys", headers=judge).json()["keys"]]
    _error(client.get("/v1/keys?username=judge2", headers=judge), 403)
    assert other["id"] in [k["id"] for k in client.get("/v1/keys?username=judge2", headers=admin).json()["keys"]]
    assert client.delete(f"/v1/keys/{other['id']}", headers=admin).status_code == 204
    _error(client.post("/v1/keys", json={"name": "   "}, headers=judge), 422)


# -- limits -------------------------------------------------------------------------------------------------------
def test_rate_limit_answers_429_with_retry_after_per_credential(writable_home):
    from thuky.runtime import Runtime

    app = Runtime(api_settings(writable_home, rate_limit_per_minute=6, rate_limit_burst=3,
                               preload_index=False)).app()
    users = make_users(app)
    with TestClient(app) as c:
        h = users["judge"]["headers"]
        assert [c.get("/v1/me", headers=h).status_code for _ in range(3)] == [200, 200, 200]
        r = c.get("/v1/me", headers=h)
        err = _error(r, 429, "rate_limited")
        assert int(r.headers["retry-after"]) >= 1 and "try again" in err["message"]
        assert c.get("/v1/me", headers=users["clerk"]["headers"]).status_code == 200  # another credential
        assert c.get("/healthz").status_code == 200  # health is never limited


def test_login_attempts_are_limited(writable_home):
    from thuky.runtime import Runtime

    app = Runtime(api_settings(writable_home, login_attempts_per_minute=3, preload_index=False)).app()
    with TestClient(app) as c:
        codes = [c.post("/v1/auth/login", json={"username": "admin", "password": "doan-mo"}).status_code
                 for _ in range(4)]
        assert codes == [401, 401, 401, 429]


def test_cookie_requests_from_another_site_are_refused(other_client, users):
    c = other_client
    c.post("/v1/auth/login", json={"username": "judge", "password": users["judge"]["password"]})
    q = {"question": "Người phạm tội tự thú có được giảm nhẹ không?", "rating": "up"}
    _error(c.post("/v1/feedback", json=q, headers={"Origin": "https://evil.example"}), 403, "cross_origin")
    assert c.post("/v1/feedback", json=q, headers={"Origin": "http://testserver"}).status_code == 201
    assert c.get("/v1/me", headers={"Origin": "https://evil.example"}).status_code == 200  # reading is safe


def test_cors_is_configurable(writable_home):
    from thuky.runtime import Runtime

    app = Runtime(api_settings(writable_home, cors_origins=["https://toaan.example"],
                               preload_index=False)).app()
    with TestClient(app) as c:
        pre = {"Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "authorization"}
        ok = c.options("/v1/chat", headers={"Origin": "https://toaan.example", **pre})
        assert ok.status_code == 200 and ok.headers["access-control-allow-origin"] == "https://toaan.example"
        bad = c.options("/v1/chat", headers={"Origin": "https://evil.example", **pre})
        assert bad.headers.get("access-control-allow-origin") is None


def test_no_cors_headers_by_default(client):
    r = client.get("/healthz", headers={"Origin": "https://evil.example"})
    assert "access-control-allow-origin" not in r.headers
