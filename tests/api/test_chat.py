"""``POST /v1/chat`` through the real app: the Answer as JSON, conversations, bad questions, and the SSE stream's events
in order (sources → direct → delta… → citations → done, or error)."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import CORPUS, api_settings, make_users

QUESTION = "Người phạm tội tự thú có được giảm nhẹ trách nhiệm hình sự không?"
TRUE_FALSE = "Người từ đủ 16 tuổi trở lên phải chịu trách nhiệm hình sự về mọi tội phạm, đúng hay sai?"
OUT_OF_CORPUS = "Thủ tục đăng ký kết hôn có yếu tố nước ngoài gồm những giấy tờ gì?"


def parse_sse(text: str) -> list[tuple[str, dict]]:
    events = []
    for block in text.split("\n\n"):
        lines = [line for line in block.splitlines() if line and not line.startswith(":")]
        if not lines:
            continue
        name = next(line[7:] for line in lines if line.startswith("event: "))
        data = "".join(line[6:] for line in lines if line.startswith("data: "))
        events.append((name, json.loads(data)))
    return events


def check_event_order(events: list[tuple[str, dict]]) -> dict:
    """sources, the direct answer when there is one, at least one delta, citations, done — in that order; the deltas
    rebuild the answer text."""
    names = [n for n, _ in events]
    assert names[0] == "sources" and names[-2:] == ["citations", "done"], names
    answer = events[-1][1]["answer"]
    if answer.get("direct") and not answer["abstained"]:
        assert names[1] == "direct" and events[1][1] == {"text": answer["direct"]}, names
        names = names[:1] + names[2:]
    else:
        assert "direct" not in names, names
    assert set(names[1:-2]) == {"delta"} and len(names) >= 4, names
    assert "".join(d["text"] for n, d in events if n == "delta") == answer["text"]
    assert events[0][1]["sources"] == answer["sources"]
    assert events[-2][1]["citations"] == answer["citations"]
    return answer


def test_answer_as_json_with_verified_citations(client, users):
    r = client.post("/v1/chat", json={"question": TRUE_FALSE}, headers=users["judge"]["headers"])
    assert r.status_code == 200, r.text
    a = r.json()
    assert a["question"] == TRUE_FALSE and a["value"] == "Đúng" and not a["abstained"]
    assert a["citations"] and all(c["verified"] for c in a["citations"])
    assert ("100/2015/QH13", "12") in {(c["document_id"], c["article"]) for c in a["citations"]}
    assert a["session_id"] and a["sources"] and a["timings_ms"]["total"] > 0


def test_follow_up_continues_the_session(client, users):
    h = users["judge"]["headers"]
    first = client.post("/v1/chat", json={"question": QUESTION}, headers=h).json()
    sid = first["session_id"]
    second = client.post("/v1/chat", json={"question": "Còn người thành khẩn khai báo thì sao?", "session_id": sid},
                         headers=h).json()
    assert second["session_id"] == sid and second["standalone_question"]
    session = client.get(f"/v1/sessions/{sid}", headers=h).json()
    assert [t["question"] for t in session["turns"]] == [QUESTION, "Còn người thành khẩn khai báo thì sao?"]


def test_another_users_session_is_not_found_and_not_changed(client, users):
    mine = client.post("/v1/chat", json={"question": QUESTION}, headers=users["judge"]["headers"]).json()
    r = client.post("/v1/chat", json={"question": "Còn đầu thú thì sao?", "session_id": mine["session_id"]},
                    headers=users["judge2"]["headers"])
    assert r.status_code == 404 and r.json()["error"]["code"] == "unknown_session"
    turns = client.get(f"/v1/sessions/{mine['session_id']}", headers=users["judge"]["headers"]).json()["turns"]
    assert len(turns) == 1


def test_abstains_outside_the_corpus_and_counts_it(client, users):
    before = _metric(client, users, "thuky_abstentions_total")
    a = client.post("/v1/chat", json={"question": OUT_OF_CORPUS}, headers=users["clerk"]["headers"]).json()
    assert a["abstained"] and not a["citations"] and "Không tìm thấy" in a["text"]
    assert _metric(client, users, "thuky_abstentions_total") == before + 1


def _metric(client, users, name: str) -> float:
    text = client.get("/metrics", headers=users["evaluator"]["headers"]).text
    return sum(float(line.split()[-1]) for line in text.splitlines() if line.startswith(name))


def test_filters_restrict_the_sources(client, users):
    body = {"question": "bồi thường thiệt hại", "filters": {"documents": ["99/2019/QH14"]}, "k": 3}
    a = client.post("/v1/chat", json=body, headers=users["clerk"]["headers"]).json()
    assert a["sources"] and {s["document_id"] for s in a["sources"]} == {"99/2019/QH14"}
    body["filters"] = {"types": ["Nghị định"]}
    a = client.post("/v1/chat", json=body, headers=users["clerk"]["headers"]).json()
    assert {s["document_id"] for s in a["sources"]} <= {"15/2020/NĐ-CP"}


def test_llm_composer_without_a_model_still_answers(client, users):
    r = client.post("/v1/chat", json={"question": QUESTION, "composer": "llm"}, headers=users["judge"]["headers"])
    assert r.status_code == 200 and r.json()["text"]


@pytest.mark.parametrize("body,status,field", [
    ({}, 422, "question"),
    ({"question": ""}, 422, "question"),
    ({"question": "   \n "}, 422, "question"),
    ({"question": "x" * 2001}, 422, "question"),
    ({"question": "a\u0000b"}, 422, "question"),
    ({"question": QUESTION, "k": 0}, 422, "k"),
    ({"question": QUESTION, "k": 51}, 422, "k"),
    ({"question": QUESTION, "composer": "gpt"}, 422, "composer"),
    ({"question": QUESTION, "corpus": "../etc"}, 422, "corpus"),
    ({"question": QUESTION, "corpus": "khong-co"}, 404, "corpus"),
    ({"question": QUESTION, "session_id": "khong-co"}, 404, "session_id"),
    ({"question": QUESTION, "filters": {"documents": "100/2015/QH13"}}, 422, "filters.documents"),
    ({"question": 42}, 422, "question"),
])
def test_bad_questions_name_the_field(client, users, body, status, field):
    r = client.post("/v1/chat", json=body, headers=users["judge"]["headers"])
    assert r.status_code == status, r.text
    assert field in r.json()["error"]["message"]


def test_stream_events_in_order(client, users):
    r = client.post("/v1/chat", json={"question": QUESTION}, headers={**users["judge"]["headers"],
                                                                     "Accept": "text/event-stream"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/event-stream")
    events = parse_sse(r.text)
    answer = check_event_order(events)
    assert answer["citations"] and len([n for n, _ in events if n == "delta"]) > 1  # pieces, not one blob


def test_stream_says_the_direct_answer_before_the_quotes(client, users):
    r = client.post("/v1/chat?stream=true", json={"question": TRUE_FALSE}, headers=users["judge"]["headers"])
    events = parse_sse(r.text)
    answer = check_event_order(events)
    names = [n for n, _ in events]
    assert answer["direct"] == answer["value"] and answer["value"] in ("Đúng", "Sai")
    assert names.index("direct") < names.index("delta")  # the verdict first, then its basis
    assert events[names.index("direct")][1]["text"] == answer["direct"]


def test_stream_by_query_parameter_and_follow_up(client, users):
    h = users["clerk"]["headers"]
    first = check_event_order(parse_sse(client.post("/v1/chat?stream=true", json={"question": TRUE_FALSE},
                                                    headers=h).text))
    second = check_event_order(parse_sse(client.post("/v1/chat?stream=true", json={
        "question": "Còn người từ đủ 14 tuổi thì sao?", "session_id": first["session_id"]}, headers=h).text))
    assert second["session_id"] == first["session_id"]


def test_stream_errors_before_streaming_get_a_status(client, users):
    r = client.post("/v1/chat?stream=true", json={"question": QUESTION, "session_id": "khong-co"},
                    headers=users["judge"]["headers"])
    assert r.status_code == 404 and r.json()["error"]["code"] == "unknown_session"


def test_stream_reports_a_failure_as_an_error_event(writable_home):
    """A corpus that is stored but has no index: JSON answers 503; the stream sends one ``error`` event."""
    from thuky.runtime import Runtime
    from corpus.ingest import ingest
    from corpus.store import Store

    store = Store(f"sqlite:///{writable_home / 'thuky.db'}")
    ingest(store, "chua-index", [writable_home / "src" / "nuoi-ong.txt"])
    store.engine.dispose()
    app = Runtime(api_settings(writable_home, preload_index=False)).app()
    users = make_users(app)
    with TestClient(app) as c:
        body = {"question": "Tổ ong phải đặt cách nhà ở bao xa?", "corpus": "chua-index"}
        r = c.post("/v1/chat", json=body, headers=users["judge"]["headers"])
        assert r.status_code == 503 and r.json()["error"]["code"] == "index_unavailable"
        r = c.post("/v1/chat?stream=true", json=body, headers=users["judge"]["headers"])
        events = parse_sse(r.text)
        assert [n for n, _ in events] == ["error"]
        assert events[0][1]["error"]["code"] == "index_unavailable"
        assert str(writable_home) not in r.text  # no server paths in the message
        assert c.get("/v1/sessions", headers=users["judge"]["headers"]).json()["sessions"] == []


def test_answers_are_counted_in_metrics(client, users):
    before = _metric(client, users, "thuky_answers_total")
    client.post("/v1/chat", json={"question": QUESTION}, headers=users["judge"]["headers"])
    client.post("/v1/chat?stream=true", json={"question": QUESTION}, headers=users["judge"]["headers"])
    assert _metric(client, users, "thuky_answers_total") == before + 2


def test_chat_uses_the_default_corpus(client, users, app):
    assert app.state.services.config.default_corpus == CORPUS
    a = client.post("/v1/chat", json={"question": "Tổ ong phải đặt cách nhà ở bao xa?"},
                    headers=users["judge"]["headers"]).json()
    assert any(c["document_id"] == "99/2019/QH14" for c in a["citations"])
