"""Health, readiness, Prometheus metrics, and the generated OpenAPI document."""

from __future__ import annotations

import shutil
import time

from fastapi.testclient import TestClient

from tests.api.conftest import api_settings, make_users


def test_healthz_needs_no_auth(client):
    r = client.get("/healthz")
    assert r.status_code == 200 and r.json() == {"status": "ok"}
    assert r.headers["x-content-type-options"] == "nosniff"


def test_readyz_reports_index_and_database(client):
    body = client.get("/readyz").json()
    assert body["status"] == "ready" and body["database"] == "ok"
    assert body["index"]["loaded"] and body["index"]["corpus"] == "statutes" and body["index"]["articles"] == 8


def test_readyz_is_503_without_an_index(writable_home):
    from thuky.runtime import Runtime

    shutil.rmtree(writable_home / "indexes")
    app = Runtime(api_settings(writable_home)).app()
    with TestClient(app) as c:
        for _ in range(200):
            r = c.get("/readyz")
            if "no index" in r.text:
                break
            time.sleep(0.05)
        assert r.status_code == 503
        body = r.json()
        assert body["status"] == "not_ready" and body["database"] == "ok" and not body["index"]["loaded"]
        assert body["error"]["code"] == "not_ready" and "index" in body["error"]["message"]
        assert c.get("/healthz").status_code == 200
        users = make_users(app)
        r = c.get("/v1/search", params={"q": "ong"}, headers=users["clerk"]["headers"])
        assert r.status_code == 503 and r.json()["error"]["code"] == "index_unavailable"
        assert str(writable_home) not in r.text


def test_metrics_need_an_evaluator_or_admin(client, users):
    assert client.get("/metrics").status_code == 401
    assert client.get("/metrics", headers=users["clerk"]["headers"]).status_code == 403
    r = client.get("/metrics", headers=users["admin"]["headers"])
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/plain")


def test_metrics_count_requests_latencies_and_answers(client, users):
    client.get("/v1/khong-co-7f3a", headers=users["clerk"]["headers"])
    client.get("/v1/search", params={"q": "tổ ong"}, headers=users["clerk"]["headers"])
    client.post("/v1/chat", json={"question": "Tổ ong phải đặt cách nhà ở bao xa?"}, headers=users["judge"]["headers"])
    text = client.get("/metrics", headers=users["evaluator"]["headers"]).text
    assert 'thuky_http_requests_total{method="GET",route="/v1/search",status="200"}' in text
    assert 'thuky_http_request_duration_seconds_bucket{le="0.05",method="POST",route="/v1/chat"}' in text
    for name in ("thuky_answers_total", "thuky_abstentions_total", "thuky_verification_failures_total",
                 "thuky_citations_removed_total", "thuky_searches_total", "thuky_rate_limited_total"):
        assert f"\n{name}" in text or f"{name}{{" in text, name
    assert "khong-co-7f3a" not in text and 'route="unmatched",status="404"' in text  # labels are route templates


def test_verification_failures_are_counted():
    from api.metrics import Metrics
    from assistant.answer import Answer

    m = Metrics()
    m.answer(Answer(question="q", text="t", removed_citations=2, fallback_reason="no verified citation"))
    m.answer(Answer(question="q", text="t", abstained=True))
    text = m.render().decode()
    assert "thuky_verification_failures_total 1.0" in text and "thuky_citations_removed_total 2.0" in text
    assert "thuky_abstentions_total 1.0" in text and "thuky_llm_fallbacks_total 1.0" in text


def test_openapi_documents_v1_with_vietnamese_examples(client):
    r = client.get("/openapi.json")
    assert r.status_code == 200
    spec = r.json()
    paths = spec["paths"]
    for p in ("/v1/chat", "/v1/search", "/v1/documents", "/v1/documents/{doc_id}", "/v1/units", "/v1/sessions",
              "/v1/sessions/{session_id}", "/v1/feedback", "/v1/keys", "/v1/audit", "/v1/jobs/{job_id}",
              "/v1/auth/login", "/healthz", "/readyz", "/metrics"):
        assert p in paths, p
    text = r.text
    assert "Người phạm tội tự thú có được giảm nhẹ trách nhiệm hình sự không?" in text
    assert "text/event-stream" in str(paths["/v1/chat"]["post"]["responses"]["200"]["content"])
    assert "HTTPBearer" in str(spec["components"]["securitySchemes"])
    assert client.get("/docs").status_code == 200


def test_unknown_routes_and_methods_use_the_error_shape(client, users):
    r = client.get("/v1/khong-co", headers=users["judge"]["headers"])
    assert r.status_code == 404 and r.json()["error"]["code"] == "not_found"
    r = client.put("/v1/chat", headers=users["judge"]["headers"])
    assert r.status_code == 405 and r.json()["error"]["code"] == "method_not_allowed"


def test_the_web_client_is_mounted_after_the_api_without_auth(client):
    import importlib.util

    import pytest

    if importlib.util.find_spec("api.web") is None:
        pytest.skip("the web client (api/web.py) is not in this tree")
    r = client.get("/")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert client.get("/v1/me").status_code == 401  # the API keeps precedence and its auth


def test_the_web_client_modules_are_all_served_as_javascript(client):
    """The page loads one ES module, which imports the others: each is served, with a JavaScript MIME type (browsers
    refuse a module served as anything else)."""
    import importlib.util
    import re

    import pytest

    if importlib.util.find_spec("api.web") is None:
        pytest.skip("the web client (api/web.py) is not in this tree")
    entries = re.findall(r'<script type="module" src="([^"]+)"', client.get("/").text)
    assert entries == ["/static/js/main.js"]
    seen, todo = set(), list(entries)
    while todo:
        url = todo.pop()
        if url in seen:
            continue
        seen.add(url)
        r = client.get(url)
        assert r.status_code == 200, url
        assert r.headers["content-type"].split(";")[0] == "text/javascript", (url, r.headers["content-type"])
        base = url.rsplit("/", 1)[0]
        todo += [f"{base}/{name}" for name in re.findall(r'^import [^;]* from "\./([\w.-]+)";', r.text, re.M)]
    from api.web import STATIC_DIR

    served = {url.removeprefix("/static/") for url in seen}
    assert served == {f"js/{f.name}" for f in (STATIC_DIR / "js").glob("*.js")}  # every module is in use
