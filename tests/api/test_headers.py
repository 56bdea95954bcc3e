"""Headers and defaults: every page and API response carries a Content-Security-Policy that the web client fits,
refuses framing, sends no cross-site referrer, forbids sniffing; the session cookie is Secure when the service says it
is behind HTTPS; /readyz never shows an exception's text; /docs is served from local files, not a CDN."""

from __future__ import annotations

import base64
import hashlib
import re

import pytest
from fastapi.testclient import TestClient

from api.web import STATIC_DIR
from tests.api.conftest import api_settings, make_users


def _csp(r) -> dict[str, str]:
    return {d.split(" ", 1)[0]: (d.split(" ", 1) + [""])[1] for d in r.headers["content-security-policy"].split("; ")}


@pytest.mark.parametrize("path", ["/", "/static/js/main.js", "/healthz", "/readyz", "/v1/documents", "/v1/khong-co",
                                  "/openapi.json"])
def test_pages_and_api_responses_carry_the_security_headers(client, users, path):
    r = client.get(path, headers=users["judge"]["headers"])
    assert r.headers["x-frame-options"] == "DENY"
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["referrer-policy"] == "same-origin"
    csp = _csp(r)
    assert csp["frame-ancestors"] == "'none'" and csp["default-src"] == "'self'"
    assert csp["script-src"] == "'self'" and csp["object-src"] == "'none'"


def test_a_refused_body_carries_them_too(client, users):
    r = client.post("/v1/chat", content=b"x" * 200_000, headers={**users["judge"]["headers"],
                                                                 "Content-Type": "application/json"})
    assert r.status_code == 413 and r.headers["x-frame-options"] == "DENY" and "content-security-policy" in r.headers


def test_the_web_client_fits_the_policy(client):
    """Scripts are ES modules from /static, no inline script, style or handler, nothing loaded from elsewhere."""
    html = client.get("/").text
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), "inline script"
    assert "<style" not in html and not re.search(r"\sstyle=", html), "inline style"
    assert not re.search(r"\son[a-z]+=", html), "inline event handler"
    for url in re.findall(r'(?:src|href)="([^"#]+)"', html):
        assert url.startswith("/") and not url.startswith("//"), url  # from this server only
        assert client.get(url).status_code == 200, url
    for js in (STATIC_DIR / "js").glob("*.js"):
        text = js.read_text(encoding="utf-8")
        assert "eval(" not in text and "new Function" not in text, js.name
        assert not re.search(r"""(?:fetch|import)\s*\(\s*["'`]https?:""", text), js.name
        assert not re.search(r"""\.setAttribute\(\s*["']style["']|\.style\s*=|\bon[a-z]+\s*=\s*["']""", text), js.name


def test_docs_are_served_from_local_files(client):
    r = client.get("/docs")
    assert r.status_code == 200
    page = r.text
    assert "cdn" not in page.lower() and "https://" not in page and "http://" not in page
    for url in re.findall(r'(?:src|href)="([^"]+)"', page):
        assert url.startswith("/docs/assets/"), url
        assert client.get(url).status_code == 200, url
    csp = _csp(r)
    assert csp["frame-ancestors"] == "'none'"
    for script in re.findall(r"<script>(.*?)</script>", page, re.S):  # its inline script is allowed by hash only
        digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in csp["script-src"]
    assert "'unsafe-inline'" not in csp["script-src"]
    assert client.get("/redoc").status_code == 404 or "cdn" not in client.get("/redoc").text.lower()


@pytest.mark.parametrize("secure", [False, True])
def test_the_session_cookie_is_secure_when_served_over_https(writable_home, secure):
    from thuky.runtime import Runtime

    app = Runtime(api_settings(writable_home, cookie_secure=secure, preload_index=False)).app()
    users = make_users(app)
    with TestClient(app) as c:
        r = c.post("/v1/auth/login", json={"username": "judge", "password": users["judge"]["password"]})
        cookie = r.headers["set-cookie"].lower()
        assert "httponly" in cookie and "samesite=lax" in cookie
        assert ("; secure" in cookie) is secure


def test_readyz_never_shows_an_exception(writable_home, monkeypatch):
    from thuky.runtime import Runtime

    app = Runtime(api_settings(writable_home, preload_index=False)).app()
    svc = app.state.services

    def broken():
        raise RuntimeError(f"cannot open {writable_home}/thuky.db: secret detail")

    with TestClient(app) as c:
        svc.index_state["statutes"] = "loading"
        monkeypatch.setattr(type(svc.store.engine), "connect", lambda self: broken())
        r = c.get("/readyz")
        assert r.status_code == 503 and r.json()["database"] == "unreachable"
        for leak in ("secret", "RuntimeError", str(writable_home), "Error"):
            assert leak not in r.text, leak
        monkeypatch.undo()
        (writable_home / "indexes").rename(writable_home / "indexes-away")
        svc.preload("statutes")
        r = c.get("/readyz")
        assert r.status_code == 503 and "not loaded" in r.json()["error"]["message"]
        for leak in ("IndexUnavailable", str(writable_home), "Traceback", "rebuild"):
            assert leak not in r.text, leak
