"""The API over a real corpus: ALQAC's 17 laws (2,249 articles, lexical index) and its real questions through
``/v1/search`` and ``/v1/chat`` (JSON and SSE)."""

from __future__ import annotations

import json
import random

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import api_settings, make_users, wait_ready
from tests.api.test_chat import check_event_order, parse_sse
from tests.conftest import data_path

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def alqac(tmp_path_factory):
    from thuky.runtime import Runtime
    from eval.corpora import open_alqac
    from indexing.index import IndexConfig

    questions = json.loads(data_path("alqac", "questions.json").read_text(encoding="utf-8"))
    home = tmp_path_factory.mktemp("alqac-home")
    store, _, _ = open_alqac(home, data_path(), IndexConfig(model_dir=None))
    resolver = store.resolver("alqac")
    store.engine.dispose()
    app = Runtime(api_settings(home, default_corpus="alqac")).app()
    users = make_users(app)
    with TestClient(app) as c:
        wait_ready(c, timeout=120)
        yield c, users, questions, resolver


def gold(q: dict, resolver) -> set[tuple[str, str]]:
    return {(resolver.resolve(a["law_id"]), a["article_id"]) for a in q["relevant_articles"]}


def test_search_finds_the_gold_article_on_real_questions(alqac):
    c, users, questions, resolver = alqac
    sample = random.Random(7).sample(questions, 60)
    found = 0
    for q in sample:
        body = c.get("/v1/search", params={"q": q["text"][:1000], "page_size": 10},
                     headers=users["clerk"]["headers"]).json()
        keys = {(r["document_id"], r["article"]) for r in body["results"]}
        found += bool(keys & gold(q, resolver))
        assert body["total"] >= len(body["results"])
        assert sum(f["count"] for f in body["facets"]["documents"]) == body["total"]
    assert found / len(sample) >= 0.85, found  # the index's own R@10 here is ≈ 0.97


def test_chat_answers_real_questions_with_verified_citations(alqac):
    c, users, questions, resolver = alqac
    sample = [q for q in random.Random(11).sample(questions, 40) if q["question_type"] == "Đúng/Sai"][:12]
    cited_gold = 0
    for q in sample:
        a = c.post("/v1/chat", json={"question": q["text"]}, headers=users["judge"]["headers"]).json()
        assert all(x["verified"] for x in a["citations"])
        cited_gold += bool({(x["document_id"], x["article"]) for x in a["citations"]} & gold(q, resolver))
    assert cited_gold / len(sample) >= 0.6, cited_gold


def test_stream_on_a_real_question(alqac):
    c, users, questions, _ = alqac
    q = next(q for q in questions if q["question_type"] == "Đúng/Sai")
    r = c.post("/v1/chat?stream=true", json={"question": q["text"]}, headers=users["judge"]["headers"])
    answer = check_event_order(parse_sse(r.text))
    assert answer["value"] in ("Đúng", "Sai") or answer["abstained"]


def test_documents_of_the_real_corpus(alqac):
    c, users, _, _ = alqac
    docs = c.get("/v1/documents", headers=users["clerk"]["headers"]).json()["documents"]
    assert len(docs) == 17 and sum(d["articles"] for d in docs) == 2249
    doc = c.get(f"/v1/documents/{docs[0]['id']}", headers=users["clerk"]["headers"]).json()
    assert sum(1 for n in _walk(doc["outline"]) if n["kind"] == "article") == docs[0]["articles"]


def _walk(nodes):
    for n in nodes:
        yield n
        yield from _walk(n["children"])
