"""An LLM server that dies while answering: the assistant still answers, with the extractive answer and the reason.

The server here is a real process (a few lines of ``http.server``, no model) that speaks the OpenAI chat API as
llama.cpp's server does — ``Transfer-Encoding: chunked`` server-sent events — and kills itself with SIGSEGV, as a
llama.cpp built for another CPU did, either before it sends a byte or in the middle of its streamed reply. The reply
it cuts off would verify if it were taken as complete, so only the fallback passes these tests.
"""

from __future__ import annotations

import datetime as dt
import json
import signal
import subprocess
import sys

import pytest

from assistant.answer import AnswerForm
from assistant.extractive import ExtractiveComposer
from assistant.composer import FallbackComposer
from assistant.llm import FALLBACK_COMPOSER, LLMComposer, LLMUnavailable
from corpus.statute_parser import parse_article_body
from tests.assistant.test_llm import BLHS, DOC, SOURCES, TF_Q, verifier


# A good reply: its citation verifies. The crashing server sends only the first ``CUT`` characters of it — enough
# that the truncated JSON, if it were accepted and completed, would give an answer with a verified citation.
GOOD = json.dumps({"citations": [{"source": 1, "clause": "khoản 1", "point": "điểm r",
                                  "quote": "Người phạm tội tự thú"}],
                   "answer": "Đúng, người phạm tội tự thú là tình tiết giảm nhẹ [1].", "value": "Đúng"},
                  ensure_ascii=False)
CUT = GOOD.index('"value"') - 2

SERVER = r'''
import json, os, resource, signal, sys
from http.server import BaseHTTPRequestHandler, HTTPServer

mode, text = sys.argv[1], sys.argv[2]


def die():
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))  # no core file
    os.kill(os.getpid(), signal.SIGSEGV)


class H(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def do_GET(self):  # /v1/models, as a readiness check
        body = b'{"object": "list", "data": [{"id": "m", "object": "model"}]}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self):
        self.rfile.read(int(self.headers["Content-Length"]))
        if mode == "mid-stream":
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            for i in range(0, len(text), 9):
                delta = {"role": "assistant", "content": text[i:i + 9]} if i == 0 else {"content": text[i:i + 9]}
                chunk = {"id": "c", "object": "chat.completion.chunk", "created": 0, "model": "m",
                         "choices": [{"index": 0, "delta": delta, "finish_reason": None}]}
                data = f"data: {json.dumps(chunk)}\n\n".encode()
                self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
            self.wfile.flush()
        die()


server = HTTPServer(("127.0.0.1", 0), H)
print(server.server_address[1], flush=True)
server.serve_forever()
'''


class CrashingServer:
    """The server process; ``mode``: ``"before-reply"`` (dies on reading the request) or ``"mid-stream"`` (dies
    after streaming the first ``CUT`` characters of the reply)."""

    def __init__(self, mode: str):
        self.proc = subprocess.Popen([sys.executable, "-c", SERVER, mode, GOOD[:CUT]], stdout=subprocess.PIPE,
                                     text=True)
        port = self.proc.stdout.readline().strip()
        assert port.isdigit(), f"the test server did not start (exit {self.proc.poll()})"
        self.url = f"http://127.0.0.1:{port}/v1"

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait(timeout=10)
        self.proc.stdout.close()


def test_a_truncated_reply_would_verify_so_only_the_fallback_passes():
    """The control: the cut-off reply, taken as complete, is an answer with a verified citation."""
    from langchain_core.language_models.fake_chat_models import FakeListChatModel

    llm = LLMComposer(FakeListChatModel(responses=[GOOD[:CUT]]), timeout=5)
    ans = FallbackComposer([llm, ExtractiveComposer()], verifier).compose(TF_Q, SOURCES)
    assert ans.composer == "llm" and ans.citations and ans.citations[0].verified


@pytest.mark.parametrize("mode", ["before-reply", "mid-stream"])
def test_server_killed_while_answering_falls_back_to_extractive(mode):
    with CrashingServer(mode) as server:
        llm = LLMComposer.from_endpoint(server.url, timeout=20)
        ans = FallbackComposer([llm, ExtractiveComposer()], verifier).compose(TF_Q, SOURCES)
        code = server.proc.wait(timeout=10)
    assert code == -signal.SIGSEGV  # it really died answering (a shell would say exit 139)
    assert ans.composer == FALLBACK_COMPOSER
    assert ans.fallback_reason.startswith("endpoint unavailable"), ans.fallback_reason
    assert ans.citations and all(c.verified for c in ans.citations)
    assert ans.value in ("Đúng", "Sai") and ans.form == AnswerForm.TRUE_FALSE
    assert "llm" in ans.timings_ms


def test_server_killed_mid_stream_raises_unavailable_from_compose():
    """Without the fallback wrapper the death is an LLMUnavailable, never a half answer."""
    with CrashingServer("mid-stream") as server:
        llm = LLMComposer.from_endpoint(server.url, timeout=20)
        with pytest.raises(LLMUnavailable):
            llm.compose(TF_Q, SOURCES)


def test_assistant_answers_extractively_when_its_llm_server_dies(store, tmp_path):
    """The product path: ``Assistant.answer(..., use_llm=True)`` with a llama.cpp-style server that dies mid-answer."""
    from assistant.conversation import ConversationStore
    from assistant.pipeline import Assistant
    from corpus.law import Article, DocumentType, LegalDocument
    from indexing.index import CorpusIndex, IndexBuilder, IndexConfig

    arts = []
    for s in SOURCES:
        clauses, points = parse_article_body(s.text)
        arts.append(Article(s.article, s.title, s.text, clauses=clauses, points=points))
    store.replace_source("t", "/blhs", "h", [LegalDocument(id=DOC, title=BLHS, doc_type=DocumentType.CODE, number=DOC,
                                                           issued_date=dt.date(2015, 11, 27), articles=arts)])
    home = tmp_path / "home"
    IndexBuilder(home, IndexConfig(model_dir=None)).build(store, "t")
    index = CorpusIndex.load(home, "t", resolver=store.resolver("t"),
                             aliases={d.doc_id: d.aliases for d in store.documents("t")})
    with CrashingServer("mid-stream") as server:
        assistant = Assistant(store, lambda corpus: index, ConversationStore(store.engine),
                              llm=LLMComposer.from_endpoint(server.url, timeout=20))
        ans = assistant.answer(TF_Q.raw, corpus="t", use_llm=True)
        assert server.proc.wait(timeout=10) == -signal.SIGSEGV
    assert ans.composer == FALLBACK_COMPOSER and ans.fallback_reason.startswith("endpoint unavailable")
    assert not ans.abstained and ans.value in ("Đúng", "Sai")
    assert ans.citations and all(c.verified for c in ans.citations)
    assert any(c.article == "51" for c in ans.citations)
