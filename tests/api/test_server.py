"""The service as a real process (``thuky serve`` → uvicorn on 127.0.0.1): SSE over a socket, a client that disconnects
stops the work, concurrent clients, and a chunked body over the limit."""

from __future__ import annotations

import json
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest

from tests.api.conftest import Server, free_port
from tests.api.test_chat import QUESTION, TRUE_FALSE, check_event_order, parse_sse


def add_users(home) -> dict[str, str]:
    """username → bearer token, written straight into the home's database before the server starts."""
    from api.accounts import Accounts
    from corpus.store import Store

    store = Store(f"sqlite:///{home / 'thuky.db'}")
    accounts = Accounts(store.engine)
    out = {}
    for name, role in (("judge", "judge"), ("judge2", "judge"), ("clerk", "clerk"), ("admin", "admin")):
        user = accounts.get_user(name) or accounts.add_user(name, role, "mat-khau-du-dai")
        out[name] = accounts.issue_token(user, hours=1)
    store.engine.dispose()
    return out


def auth(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


class SlowLLM:
    """An OpenAI-compatible endpoint that takes ``delay`` seconds and then fails: the assistant's LLM stage is slow,
    so a client can leave while the work is under way."""

    def __init__(self, delay: float):
        self.port, self.calls, delay_s = free_port(), [], delay
        calls = self.calls

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's name
                calls.append(time.monotonic())
                self.rfile.read(int(self.headers.get("content-length", 0)))
                time.sleep(delay_s)
                try:
                    self.send_response(500)
                    self.end_headers()
                except OSError:
                    pass

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.url = f"http://127.0.0.1:{self.port}/v1"

    def __enter__(self):
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    from tests.api.conftest import build_home

    home = build_home(tmp_path_factory.mktemp("served-home"))
    tokens = add_users(home)
    with SlowLLM(delay=2.5) as llm, Server(home, THUKY_LLM_URL=llm.url, THUKY_LLM_TIMEOUT_S="2",
                                           THUKY_MAX_BODY_KB="16") as server:
        yield server, tokens, llm


def test_sse_over_a_real_socket_in_order(served):
    server, tokens, _ = served
    with httpx.Client(base_url=server.url, timeout=30) as c:
        with c.stream("POST", "/v1/chat", json={"question": QUESTION},
                      headers={**auth(tokens["judge"]), "Accept": "text/event-stream"}) as r:
            assert r.status_code == 200 and r.headers["content-type"].startswith("text/event-stream")
            assert r.headers["cache-control"] == "no-cache"
            raw = "".join(r.iter_text())
    answer = check_event_order(parse_sse(raw))
    assert answer["citations"] and answer["session_id"]


def test_json_chat_and_search_over_a_real_socket(served):
    server, tokens, _ = served
    with httpx.Client(base_url=server.url, timeout=30) as c:
        a = c.post("/v1/chat", json={"question": TRUE_FALSE}, headers=auth(tokens["clerk"])).json()
        assert a["value"] == "Đúng"
        s = c.get("/v1/search", params={"q": "tổ ong"}, headers=auth(tokens["clerk"])).json()
        assert s["results"] and "<mark>" in s["results"][0]["highlight"]
        assert c.get("/v1/me").status_code == 401


def _sessions(server, token) -> list[dict]:
    return httpx.get(f"{server.url}/v1/sessions", headers=auth(token), timeout=10).json()["sessions"]


def test_a_client_that_disconnects_stops_the_work(served):
    """The stream is dropped while the (slow) LLM stage runs: the work stops before the turn is stored. A client that
    waits for the same request gets its answer (the LLM fails, the extractive answer is the fallback) and a session."""
    server, tokens, llm = served
    judge2 = tokens["judge2"]
    assert _sessions(server, judge2) == []
    body = {"question": QUESTION, "composer": "llm"}
    calls = len(llm.calls)
    with httpx.Client(base_url=server.url, timeout=30) as c:
        with c.stream("POST", "/v1/chat?stream=true", json=body, headers=auth(judge2)) as r:
            assert r.status_code == 200
            deadline = time.monotonic() + 10
            while len(llm.calls) == calls and time.monotonic() < deadline:
                time.sleep(0.05)
            assert len(llm.calls) == calls + 1  # the work is under way …
        # … and the client leaves (the stream is closed here)
    try:  # the JSON form: the client gives up after 0.5 s
        httpx.post(f"{server.url}/v1/chat", json=body, headers=auth(judge2), timeout=0.5)
    except httpx.TimeoutException:
        pass
    time.sleep(4.5)  # past the LLM timeout and the fallback: the work would have finished and stored a turn by now
    assert _sessions(server, judge2) == []
    r = httpx.post(f"{server.url}/v1/chat", json=body, headers=auth(judge2), timeout=30)
    assert r.status_code == 200 and r.json()["fallback_reason"]
    assert len(_sessions(server, judge2)) == 1


def test_concurrent_clients_each_see_their_own(served):
    server, tokens, _ = served
    questions = {"judge": [f"Người từ đủ {n} tuổi có phải chịu trách nhiệm hình sự không?" for n in (14, 15, 16)],
                 "clerk": [f"Tổ ong phải đặt cách nhà ở {n} mét không?" for n in (5, 10, 20)]}

    def work(i: int):
        who = "judge" if i % 2 else "clerk"
        with httpx.Client(base_url=server.url, timeout=60) as c:
            if i % 3 == 0:
                r = c.get("/v1/search", params={"q": "trách nhiệm hình sự", "page": 1 + i % 2},
                          headers=auth(tokens[who]))
            else:
                r = c.post("/v1/chat", json={"question": questions[who][i % 3]}, headers=auth(tokens[who]))
            return who, r.status_code, r.json()

    with ThreadPoolExecutor(20) as pool:
        results = list(pool.map(work, range(40)))
    assert [s for _, s, _ in results] == [200] * 40
    for who in ("judge", "clerk"):
        asked = {s["title"] for s in _sessions(server, tokens[who])}
        assert asked and asked <= set(questions[who]) | {QUESTION, TRUE_FALSE}, (who, asked)


def test_chunked_body_over_the_limit_is_413(served):
    server, tokens, _ = served

    def body():
        yield b'{"question": "'
        for _ in range(40):
            yield b"x" * 1024
        yield b'"}'

    r = httpx.post(f"{server.url}/v1/chat", content=body(), timeout=30,
                   headers={**auth(tokens["judge"]), "Content-Type": "application/json"})
    assert r.status_code == 413 and r.json()["error"]["code"] == "payload_too_large"
    ok = httpx.post(f"{server.url}/v1/chat", json={"question": QUESTION}, headers=auth(tokens["judge"]), timeout=30)
    assert ok.status_code == 200


def test_metrics_over_a_real_socket(served):
    server, tokens, _ = served
    text = httpx.get(f"{server.url}/metrics", headers=auth(tokens["admin"]), timeout=10).text
    assert 'route="/v1/chat"' in text and "thuky_answers_total" in text
    assert json.loads(httpx.get(f"{server.url}/readyz", timeout=10).text)["status"] == "ready"
