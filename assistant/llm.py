"""The optional LLM composer: a LangChain chat model answers from the retrieved articles, with structured citations.

The retrieved sources go into a Vietnamese prompt as numbered passages (``[1] Điều 51 Bộ luật Hình sự: …``) and the
model must return one JSON object::

    {"citations": [{"source": 1, "clause": "1", "point": "s", "quote": "<text copied verbatim from passage 1>"}],
     "answer": "<the answer in Vietnamese>", "value": "Đúng" | "Sai" | "<letter>" | "<short value>"}

Structured output is asked of the endpoint when it supports it: llama.cpp's servers (``llama-cpp-python[server]``
and the native ``llama-server``) turn ``response_format={"type": "json_object", "schema": …}`` into a grammar, so the
reply is always valid JSON of that shape; vLLM and OpenAI take ``{"type": "json_schema", …}``. The reply is parsed
robustly all the same (code fences, text around the object, a reply cut at ``max_tokens``).

Each citation is mapped back to its :class:`Source` (document, Điều); when the quote is found in the article, the
khoản/điểm is set to the smallest unit that holds it (and a wrong passage number is corrected to the passage that holds
the quote). Quotes themselves are never changed: :func:`assistant.verify.verify_citations` then keeps only the
citations whose quote really is in the unit. :meth:`LLMComposer.compose_with_fallback` runs that check and returns the
extractive answer instead — with ``fallback_reason`` set — whenever the endpoint is down, too slow, returns no usable
JSON, or no citation verifies.

The production path is an OpenAI-compatible endpoint (:meth:`LLMComposer.from_endpoint`, LangChain's ``ChatOpenAI``);
any LangChain chat model can be passed in instead (the tests use langchain-core's fake chat models).
"""

from __future__ import annotations

import inspect
import json
import queue
import re
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from langchain_core.messages import HumanMessage, SystemMessage
from langchain_core.utils.json import parse_json_markdown
from pydantic import BaseModel, Field, ValidationError, field_validator

from assistant.answer import Answer, AnswerForm, Citation, Source
from assistant.understand import Question
from assistant.verify import quote_in
from corpus.text import fold

__all__ = ["LLMComposer", "LLMError", "LLMUnavailable", "LLMTimeout", "LLMInvalidOutput", "LLMEndpointError",
           "Generation",
           "LLMOutput", "LLMCitation", "parse_llm_json", "answer_schema", "build_messages", "DEFAULT_MODEL_NAME",
           "FALLBACK_COMPOSER", "compose_with_fallback"]

DEFAULT_MODEL_NAME = "qwen2.5-coder-1.5b-instruct"
FALLBACK_COMPOSER = "extractive (fallback from llm)"


# ---------------------------------------------------------------------------------------------------------------
# errors


class LLMError(RuntimeError):
    """The model gave no usable answer; ``reason`` is the short text that goes into ``Answer.fallback_reason``."""

    kind = "llm error"

    def __init__(self, detail: str = ""):
        super().__init__(detail)
        self.detail = detail

    @property
    def reason(self) -> str:
        return f"{self.kind}: {self.detail}" if self.detail else self.kind


class LLMUnavailable(LLMError):
    kind = "endpoint unavailable"


class LLMTimeout(LLMError):
    kind = "timeout"


class LLMInvalidOutput(LLMError):
    kind = "invalid output"


class LLMEndpointError(LLMError):
    kind = "endpoint error"


def _classify(exc: BaseException) -> LLMError:
    """Map an exception from the chat model (openai/httpx/anything) to an :class:`LLMError`."""
    if isinstance(exc, LLMError):
        return exc
    names = {c.__name__ for c in type(exc).__mro__}
    msg = f"{type(exc).__name__}: {exc}".strip()[:300]
    if names & {"APITimeoutError", "TimeoutException", "TimeoutError", "ReadTimeout", "ConnectTimeout"}:
        return LLMTimeout(msg)
    if names & {"APIConnectionError", "ConnectError", "ConnectionError", "RemoteProtocolError", "NetworkError"}:
        return LLMUnavailable(msg)
    if names & {"APIStatusError", "HTTPStatusError", "APIError"}:
        return LLMEndpointError(msg)
    return LLMError(msg)


# ---------------------------------------------------------------------------------------------------------------
# the structured reply


def _s(v: Any) -> str:
    return "" if v is None else str(v).strip()


class LLMCitation(BaseModel):
    source: int = Field(..., description="1-based number of the passage")
    clause: str = ""
    point: str = ""
    quote: str = ""

    @field_validator("source", mode="before")
    @classmethod
    def _source(cls, v):
        if isinstance(v, str):
            m = re.search(r"\d+", v)
            if not m:
                raise ValueError(f"no passage number in {v!r}")
            return int(m.group())
        return v

    @field_validator("clause", "point", "quote", mode="before")
    @classmethod
    def _str(cls, v):
        return _s(v)


class LLMOutput(BaseModel):
    answer: str = ""
    value: str = ""
    citations: list[LLMCitation] = Field(default_factory=list)

    @field_validator("answer", "value", mode="before")
    @classmethod
    def _str(cls, v):
        return _s(v)

    @field_validator("citations", mode="before")
    @classmethod
    def _cits(cls, v):
        if v is None:
            return []
        if isinstance(v, dict):
            v = [v]
        # drop entries that are not objects with a passage number, keep the rest
        out = []
        for c in v if isinstance(v, list) else []:
            if isinstance(c, dict) and c.get("source") not in (None, ""):
                try:
                    out.append(LLMCitation.model_validate(c))
                except ValidationError:
                    continue
        return out


def answer_schema(question: Question | None = None, max_citations: int = 3, max_quote_chars: int = 200,
                  max_answer_chars: int = 500, answer_first: bool = False) -> dict:
    """The JSON schema of the reply (``value`` restricted to Đúng/Sai or the option letters when the form asks).
    String lengths are bounded so that a grammar-constrained reply stays short (a quote cut at the bound is still a
    verbatim piece of the passage)."""
    value: dict[str, Any] = {"type": "string", "maxLength": 150}
    if question is not None and question.form == AnswerForm.TRUE_FALSE:
        value = {"type": "string", "enum": ["Đúng", "Sai"]}
    elif question is not None and question.form == AnswerForm.MULTIPLE_CHOICE and question.choices:
        value = {"type": "string", "enum": sorted(question.choices)}
    schema = {
        "type": "object",
        "properties": {
            "citations": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "source": {"type": "integer"},
                        "clause": {"type": "string"},
                        "point": {"type": "string"},
                        "quote": {"type": "string", "maxLength": max_quote_chars},
                    },
                    "required": ["source", "clause", "point", "quote"],
                },
                "maxItems": max_citations,
            },
            "answer": {"type": "string", "maxLength": max_answer_chars},
            "value": value,
        },
        "required": ["citations", "answer", "value"],
    }
    if answer_first:  # a grammar writes properties in this order
        props = schema["properties"]
        schema["properties"] = {k: props[k] for k in ("answer", "value", "citations")}
        schema["required"] = ["answer", "value", "citations"]
    return schema


_KEYS = {"answer", "value", "citations"}
_FENCE = re.compile(r"```(?:json|JSON)?\s*(.*?)(?:```|$)", re.S)


def parse_llm_json(text: str) -> tuple[dict, bool]:
    """The JSON object in a model reply and whether it had to be completed (a reply cut short).

    Accepts a bare object, one inside a code fence, one with text before or after it; a reply cut at ``max_tokens``
    is closed by LangChain's partial-JSON parser. Raises :class:`LLMInvalidOutput` when there is no object."""
    if not text or not text.strip():
        raise LLMInvalidOutput("empty reply")
    candidates = []
    m = _FENCE.search(text)
    if m:
        candidates.append(m.group(1))
    candidates.append(text)
    dec = json.JSONDecoder()
    for cand in candidates:
        for start in [i for i, ch in enumerate(cand) if ch == "{"][:20]:
            try:
                obj, _end = dec.raw_decode(cand[start:])
            except ValueError:
                continue
            if isinstance(obj, dict) and obj.keys() & _KEYS:  # not an inner object of a reply cut short
                return obj, False
    try:
        obj = parse_json_markdown(text[text.find("{"):] if "{" in text else text)
    except Exception as exc:  # noqa: BLE001 - any parser error is an invalid reply
        raise LLMInvalidOutput(f"no JSON object in the reply ({str(exc)[:80]}): {text[:120]!r}") from None
    if not isinstance(obj, dict):
        raise LLMInvalidOutput(f"the reply is JSON but not an object: {text[:120]!r}")
    return obj, True


# ---------------------------------------------------------------------------------------------------------------
# the prompt

SYSTEM_PROMPT = (
    "Bạn là thư ký pháp lý của Tòa án Việt Nam. Chỉ trả lời dựa trên các đoạn văn bản pháp luật được cung cấp, "
    "không dùng hiểu biết bên ngoài, không suy đoán. Mỗi ý của câu trả lời phải có trích dẫn: chép NGUYÊN VĂN "
    "(đúng từng chữ, không sửa, không tóm tắt) một câu hoặc một đoạn ngắn từ đoạn văn bản được dẫn, kèm số thứ tự "
    "của đoạn đó. Nếu các đoạn văn bản không chứa câu trả lời, hãy nói \"Không tìm thấy quy định phù hợp trong các "
    "văn bản đã truy xuất\" và để danh sách citations rỗng. Chỉ trả về một đối tượng JSON, không viết gì thêm."
)

_FORM_RULES = {
    AnswerForm.TRUE_FALSE: "Đây là câu hỏi Đúng/Sai: hãy cho biết nhận định trên đúng hay sai theo các đoạn văn bản. "
                           "\"value\" phải là \"Đúng\" hoặc \"Sai\".",
    AnswerForm.MULTIPLE_CHOICE: "Đây là câu hỏi trắc nghiệm: chọn một phương án. \"value\" là chữ cái của phương án "
                                "được chọn.",
    AnswerForm.SHORT_ANSWER: "\"value\" là câu trả lời ngắn gọn (một con số, thời hạn, cơ quan, chủ thể…), lấy từ "
                             "đoạn văn bản.",
    AnswerForm.OPEN: "\"value\" là một câu tóm tắt ngắn gọn câu trả lời.",
}

_CITATIONS_FMT = ('"citations": [{"source": <số thứ tự đoạn>, "clause": "<số khoản, hoặc \\"\\">", '
                  '"point": "<chữ cái của điểm, hoặc \\"\\">", "quote": "<câu chép nguyên văn từ đoạn đó>"}]')
_ANSWER_FMT = '"answer": "<câu trả lời bằng tiếng Việt, nêu rõ điểm, khoản, Điều và văn bản>", "value": "<giá trị>"'
_FORMAT = f"Trả lời bằng đúng một đối tượng JSON dạng:\n{{{_CITATIONS_FMT}, {_ANSWER_FMT}}}"
_FORMAT_ANSWER_FIRST = f"Trả lời bằng đúng một đối tượng JSON dạng:\n{{{_ANSWER_FMT}, {_CITATIONS_FMT}}}"


def source_heading(n: int, s: Source) -> str:
    title = s.document_title or s.document_id
    head = f"[{n}] Điều {s.article} {title}".strip()
    if s.title:
        head += f" — {s.title}"
    return head


def _clip(text: str, limit: int) -> str:
    text = text.strip()
    if len(text) <= limit:
        return text
    cut = text[:limit]
    nl = cut.rfind("\n")
    if nl > limit // 2:
        cut = cut[:nl]
    return cut.rstrip() + " […]"


def build_messages(question: Question, sources: list[Source], max_source_chars: int = 1500,
                   answer_first: bool = False) -> list:
    """The chat messages: the Vietnamese system prompt, then the numbered passages, the question and its form."""
    passages = "\n\n".join(f"{source_heading(i, s)}:\n{_clip(s.text or '', max_source_chars)}"
                           for i, s in enumerate(sources, 1))
    parts = [f"Các đoạn văn bản pháp luật:\n\n{passages}", ""]
    if question.form == AnswerForm.TRUE_FALSE:
        parts.append(f"Nhận định: {question.text}")
    else:
        parts.append(f"Câu hỏi: {question.text}")
    if question.choices:
        parts.extend(f"{k}. {v}" for k, v in sorted(question.choices.items()))
        if question.negative:
            parts.append("Lưu ý: câu hỏi hỏi phương án KHÔNG đúng (hoặc ngoại trừ).")
    parts.extend(["", _FORM_RULES.get(question.form, _FORM_RULES[AnswerForm.OPEN]),
                  _FORMAT_ANSWER_FIRST if answer_first else _FORMAT])
    return [SystemMessage(content=SYSTEM_PROMPT), HumanMessage(content="\n".join(parts))]


# ---------------------------------------------------------------------------------------------------------------
# mapping the reply to an Answer


def normalize_clause(v: str) -> str | None:
    """"khoản 2" / "2." / "2" → "2"; "" → None."""
    m = re.search(r"\d+", v or "")
    return m.group() if m else None


def normalize_point(v: str) -> str | None:
    """"điểm b" / "b)" / "đ" → "b" / "đ"; "" → None."""
    t = re.sub(r"(?i)^\s*điểm\s+", "", (v or "").strip()).strip(" ).:")
    m = re.fullmatch(r"([a-zđA-ZĐ])", t)
    return m.group(1).lower() if m else None


def normalize_value(form: AnswerForm, value: str, answer: str, choices: dict[str, str] | None) -> str | None:
    """The value the form needs, or ``None`` when the reply does not give one."""
    v = (value or "").strip().strip(".\"'“”")
    if form == AnswerForm.TRUE_FALSE:
        f = fold(v).strip()
        if re.match(r"^(dung|true|chinh xac|co\s*$)", f):
            return "Đúng"
        if re.match(r"^(sai|false|khong dung|khong chinh xac|khong\s*$)", f):
            return "Sai"
        # no usable value: the answer's first words ("Đúng. …", "Nhận định trên là sai …")
        m = re.match(r"^(?:nhan dinh (?:tren|nay) (?:la )?)?(khong dung|dung|sai)\b", fold(answer or "").strip())
        if m:
            return "Sai" if m.group(1) in ("sai", "khong dung") else "Đúng"
        return None
    if form == AnswerForm.MULTIPLE_CHOICE:
        letters = sorted(choices) if choices else ["A", "B", "C", "D"]
        for cand in (v, answer or ""):
            m = re.match(r"^\s*(?:phương án|đáp án|câu)?\s*\(?([A-Za-z])\b", cand, re.I)
            if m and m.group(1).upper() in letters:
                return m.group(1).upper()
        return None
    return v or None


def _locate(source: Source, quote: str, clause: str | None, point: str | None) -> tuple[str | None, str | None]:
    """The (khoản, điểm) of ``source`` that holds ``quote``: the model's own when that unit holds it, otherwise the
    smallest unit that does, otherwise the whole article. Unchanged when the quote is not in the article at all."""
    from corpus.statute_parser import parse_article_body

    text = source.text or ""
    if not quote_in(quote, text):
        return clause, point
    try:
        clauses, art_points = parse_article_body(text)
    except Exception:  # noqa: BLE001 - an unparsable article is cited as a whole
        return None, None
    units: dict[tuple[str | None, str | None], str] = {}
    for c in clauses:
        units[(c.number, None)] = c.text
        for p in c.points:
            units[(c.number, p.letter)] = p.text
    for p in art_points:
        units[(None, p.letter)] = p.text
    given = units.get((clause, point))
    if given is not None and quote_in(quote, given):
        return clause, point
    # points first (the smallest), then clauses, then the article
    for (cl, pt), t in units.items():
        if pt is not None and quote_in(quote, t):
            return cl, pt
    for (cl, pt), t in units.items():
        if pt is None and quote_in(quote, t):
            return cl, None
    return None, None


def _clean_quote(q: str) -> str:
    q = " ".join((q or "").split())
    q = re.sub(r"^(?:\.\.\.|…)\s*|\s*(?:\.\.\.|…)$", "", q)
    return q.strip().strip("\"“”«»'").strip()


def _trim_cut_quote(quote: str, sources: list[Source]) -> str:
    """A quote cut by the schema's length bound often ends in a garbled word (the grammar forbade the token the model
    wanted): keep its longest word-boundary prefix that is verbatim in a passage, when that is most of it."""
    words = quote.split()
    for n in range(len(words) - 1, max(len(words) // 2, 3) - 1, -1):
        cand = " ".join(words[:n]).rstrip(",;:")
        if any(quote_in(cand, s.text or "") for s in sources):
            return cand
    return quote


def map_citations(out: LLMOutput, sources: list[Source], max_quote_chars: int | None = None
                  ) -> tuple[list[Citation], int]:
    """Citations of the reply mapped to the sources; also the number dropped because they name no passage and their
    quote is in none. Quotes are kept as the model wrote them (verification judges them), except that a quote cut at
    ``max_quote_chars`` loses its garbled last words."""
    cites: list[Citation] = []
    dropped = 0
    seen = set()
    for c in out.citations:
        quote = _clean_quote(c.quote)
        if (max_quote_chars and len(quote) >= max_quote_chars - 15
                and not any(quote_in(quote, s.text or "") for s in sources)):
            quote = _trim_cut_quote(quote, sources)
        src = sources[c.source - 1] if 1 <= c.source <= len(sources) else None
        if quote and (src is None or not quote_in(quote, src.text or "")):
            # the quote is in another passage: the passage number was wrong
            src = next((s for s in sources if quote_in(quote, s.text or "")), src)
        if src is None:
            dropped += 1
            continue
        clause, point = _locate(src, quote, normalize_clause(c.clause), normalize_point(c.point))
        key = (src.document_id, src.article, clause, point, quote)
        if key in seen:
            continue
        seen.add(key)
        cites.append(Citation(document_id=src.document_id, document_title=src.document_title, article=src.article,
                              clause=clause, point=point, quote=quote, document_status=src.document_status))
    return cites, dropped


def _label_for(sources: list[Source], n: int) -> str | None:
    if 1 <= n <= len(sources):
        s = sources[n - 1]
        return f"Điều {s.article} {s.document_title}".strip()
    return None


def _body_text(answer: str, sources: list[Source]) -> str:
    """The model's answer with its passage markers "[2]" replaced by the article they stand for."""

    def sub(m: re.Match) -> str:
        label = _label_for(sources, int(m.group(1)))
        return f"({label})" if label else ""

    text = re.sub(r"\[(\d+)\]", sub, answer or "")
    return " ".join(text.split())


def with_basis(body: str, citations: list[Citation]) -> str:
    """The answer text followed by the units it rests on ("Căn cứ: điểm s khoản 1 Điều 51 Bộ luật Hình sự.")."""
    labels = []
    for c in citations:
        if c.label not in labels:
            labels.append(c.label)
    if not labels:
        return body
    body = body.rstrip()
    if body and body[-1] not in ".!?…":
        body += "."
    return f"{body} Căn cứ: {'; '.join(labels)}.".strip()


# ---------------------------------------------------------------------------------------------------------------
# generation


@dataclass
class Generation:
    """One model call: the raw reply and how long it took."""

    text: str
    elapsed_s: float
    ttft_s: float | None = None  # time to the first non-empty chunk
    chunks: int = 0  # streamed chunks with text (≈ tokens on llama.cpp servers)
    usage: dict = field(default_factory=dict)  # usage_metadata when the endpoint reports it

    @property
    def completion_tokens(self) -> int:
        return int(self.usage.get("output_tokens") or self.chunks)

    @property
    def tokens_per_s(self) -> float | None:
        """Decoding speed: completion tokens over the time after the first token."""
        if self.ttft_s is None or self.completion_tokens < 2:
            return None
        dt = self.elapsed_s - self.ttft_s
        return (self.completion_tokens - 1) / dt if dt > 0 else None


_DONE = object()


class LLMComposer:
    """Answers with a LangChain chat model, from the sources only, with citations that verification can check.

    ``chat_model``: any LangChain chat model (a Runnable taking messages). ``bind_kwargs``: call options bound to it
    (e.g. ``extra_body`` with a ``response_format``; :meth:`from_endpoint` sets these). ``timeout``: seconds for the
    whole call, enforced here as well as by the HTTP client."""

    name = "llm"

    def __init__(self, chat_model=None, *, base_url: str | None = None, model: str = DEFAULT_MODEL_NAME,
                 api_key: str = "none", max_tokens: int = 384, temperature: float = 0.0, timeout: float = 90.0,
                 bind_kwargs: dict | None = None, max_source_chars: int = 1500, max_sources: int = 5,
                 max_citations: int = 3, structured: str | None = "auto", confidence: float = 0.6,
                 max_quote_chars: int = 200, answer_first: bool = False):
        bind_kwargs = dict(bind_kwargs or {})
        if chat_model is None:
            if not base_url:
                raise ValueError("LLMComposer needs a chat model or the base_url of an OpenAI-compatible endpoint")
            from langchain_openai import ChatOpenAI

            # ChatOpenAI sends its own max_tokens as "max_completion_tokens", which llama-cpp-python's server ignores
            # (it would then generate up to the context size): the classic "max_tokens" goes in the body instead.
            chat_model = ChatOpenAI(base_url=base_url, api_key=api_key, model=model, timeout=timeout, max_retries=0,
                                    temperature=temperature, use_responses_api=False)
            extra = dict(bind_kwargs.get("extra_body") or {})
            extra.setdefault("max_tokens", int(max_tokens))
            bind_kwargs["extra_body"] = extra
        if structured == "auto":  # grammar-constrained JSON on an endpoint; nothing for other chat models
            structured = "json_object" if base_url else None
        self.chat_model = chat_model
        self.base_url = base_url
        self.timeout = float(timeout)
        self.bind_kwargs = bind_kwargs
        self.max_source_chars = max_source_chars
        self.max_sources = max_sources
        self.max_citations = max_citations
        self.structured = structured  # "json_object" (llama.cpp), "json_schema" (OpenAI/vLLM) or None
        self.confidence = confidence
        self.max_quote_chars = max_quote_chars
        # False: quotes first, then the answer (evidence first); True: the answer first (compare on the dev set)
        self.answer_first = answer_first

    @classmethod
    def from_endpoint(cls, base_url: str, *, model: str = DEFAULT_MODEL_NAME, api_key: str = "none",
                      timeout: float = 90.0, max_tokens: int = 384, temperature: float = 0.0,
                      structured: str | None = "json_object", **kwargs) -> LLMComposer:
        """An OpenAI-compatible endpoint (llama.cpp server, vLLM) through ``langchain_openai.ChatOpenAI``; the same
        as ``LLMComposer(base_url=…)``.

        ``structured``: ``"json_object"`` sends ``response_format={"type": "json_object", "schema": …}`` (llama.cpp
        servers: grammar-constrained JSON), ``"json_schema"`` the OpenAI form (vLLM, OpenAI), ``None`` nothing (the
        prompt alone asks for JSON)."""
        return cls(base_url=base_url, model=model, api_key=api_key, timeout=timeout, max_tokens=max_tokens,
                   temperature=temperature, structured=structured, **kwargs)

    # -- the call -------------------------------------------------------------------------------------------------
    def _sources(self, sources: list[Source]) -> list[Source]:
        return list(sources[: self.max_sources])

    def _runnable(self, question: Question):
        kwargs = dict(self.bind_kwargs)
        schema = answer_schema(question, self.max_citations, self.max_quote_chars, answer_first=self.answer_first)
        if self.structured == "json_object":
            kwargs["extra_body"] = {**kwargs.get("extra_body", {}),
                                    "response_format": {"type": "json_object", "schema": schema}}
        elif self.structured == "json_schema":
            kwargs["extra_body"] = {**kwargs.get("extra_body", {}),
                                    "response_format": {"type": "json_schema",
                                                        "json_schema": {"name": "answer", "schema": schema}}}
        return self.chat_model.bind(**kwargs) if kwargs else self.chat_model

    def _chunks(self, question: Question, sources: list[Source], stats: Generation) -> Iterator[str]:
        """Text chunks of the reply, under the deadline: the model is read in a worker thread, so a hung endpoint or a
        slow model ends in :class:`LLMTimeout` after ``timeout`` seconds whatever the client does."""
        messages = build_messages(question, sources, self.max_source_chars, self.answer_first)
        runnable = self._runnable(question)
        q: queue.Queue = queue.Queue()
        stop = threading.Event()

        def work():
            try:
                for chunk in runnable.stream(messages):
                    if stop.is_set():
                        break
                    usage = getattr(chunk, "usage_metadata", None)
                    if usage:
                        for k, v in dict(usage).items():
                            if isinstance(v, int | float):
                                stats.usage[k] = stats.usage.get(k, 0) + v
                    text = chunk.content if isinstance(chunk.content, str) else getattr(chunk, "text", "")
                    if text:
                        q.put(text)
                q.put(_DONE)
            except BaseException as exc:  # noqa: BLE001 - handed to the reading side
                q.put(exc)

        t0 = time.perf_counter()
        deadline = t0 + self.timeout
        threading.Thread(target=work, name="llm-compose", daemon=True).start()
        try:
            while True:
                left = deadline - time.perf_counter()
                if left <= 0:
                    raise LLMTimeout(f"no complete reply within {self.timeout:g}s")
                try:
                    item = q.get(timeout=left)
                except queue.Empty:
                    raise LLMTimeout(f"no complete reply within {self.timeout:g}s") from None
                if item is _DONE:
                    break
                if isinstance(item, BaseException):
                    raise _classify(item) from item
                if stats.ttft_s is None:
                    stats.ttft_s = time.perf_counter() - t0
                stats.chunks += 1
                stats.elapsed_s = time.perf_counter() - t0
                yield item
        finally:
            stop.set()
            stats.elapsed_s = time.perf_counter() - t0

    def generate(self, question: Question, sources: list[Source]) -> Generation:
        """Call the model once and return its raw reply with timings (raises :class:`LLMError`)."""
        stats = Generation(text="", elapsed_s=0.0)
        stats.text = "".join(self._chunks(question, self._sources(sources), stats))
        return stats

    def to_answer(self, question: Question, sources: list[Source], gen: Generation) -> Answer:
        """Parse a reply into an :class:`Answer` (raises :class:`LLMInvalidOutput`)."""
        used = self._sources(sources)
        obj, completed = parse_llm_json(gen.text)
        try:
            out = LLMOutput.model_validate(obj)
        except ValidationError as exc:
            raise LLMInvalidOutput(f"the JSON does not have the answer's shape: {str(exc)[:160]}") from None
        if not out.answer and not out.value:
            raise LLMInvalidOutput("the reply has neither an answer nor a value")
        value = normalize_value(question.form, out.value, out.answer, question.choices)
        if question.form in (AnswerForm.TRUE_FALSE, AnswerForm.MULTIPLE_CHOICE) and value is None:
            raise LLMInvalidOutput(f"no valid {'Đúng/Sai' if question.form == AnswerForm.TRUE_FALSE else 'option'} "
                                   f"value in the reply (value={out.value!r})")
        cites, dropped = map_citations(out, used, self.max_quote_chars if self.structured else None)
        body = _body_text(out.answer or out.value, used)
        warnings = ["Câu trả lời của mô hình bị cắt ngắn (vượt giới hạn độ dài)."] if completed else []
        timings = {"compose": round(gen.elapsed_s * 1000, 1)}
        if gen.ttft_s is not None:
            timings["llm_first_token"] = round(gen.ttft_s * 1000, 1)
        return Answer(question=question.raw, text=with_basis(body, cites), form=question.form, value=value,
                      citations=cites, sources=list(sources), confidence=self.confidence if cites else 0.0,
                      abstained=not cites, composer=self.name, removed_citations=dropped, warnings=warnings,
                      timings_ms=timings)

    def compose(self, question: Question, sources: list[Source]) -> Answer:
        """The model's answer with its citations mapped to the sources (not yet verified; raises :class:`LLMError`
        when the model gives no usable answer)."""
        if not sources:
            return Answer(question=question.raw, form=question.form, sources=[], abstained=True, composer=self.name,
                          text="Không tìm thấy quy định liên quan trong các văn bản đã truy xuất.")
        return self.to_answer(question, sources, self.generate(question, sources))

    def compose_with_fallback(self, question: Question, sources: list[Source], extractive,
                              verify_fn: Callable[..., Answer]) -> Answer:
        """The LLM's answer after ``verify_fn(answer, sources)`` (or ``verify_fn(answer)``) when at least one citation
        verifies; otherwise the extractive answer (``extractive.compose(question, sources)``, or
        ``extractive(question, sources)``), also verified, with ``composer="extractive (fallback from llm)"`` and
        ``fallback_reason`` saying why. Never raises because of the model."""
        t0 = time.perf_counter()
        reason: str | None = None
        if not sources:
            reason = "no sources retrieved"
        else:
            try:
                ans = self.compose(question, sources)
                checked = _call_verify(verify_fn, ans, sources)
                if checked.citations:
                    # the "Căn cứ" line (always last) names the verified units only
                    body = checked.text.rpartition(" Căn cứ: ")[0] or checked.text
                    return checked.model_copy(update={"text": with_basis(body, checked.citations)})
                reason = (f"no verified citation ({checked.removed_citations} removed by verification)"
                          if checked.removed_citations else "the model cited nothing")
            except LLMError as exc:
                reason = exc.reason
            except Exception as exc:  # noqa: BLE001 - any model failure falls back
                reason = _classify(exc).reason
        return _fallback(question, sources, extractive, verify_fn, reason, t0)


def _call_verify(verify_fn: Callable[..., Answer], answer: Answer, sources: list[Source]) -> Answer:
    """``verify_fn(answer, sources)``, or ``verify_fn(answer)`` for a one-argument closure."""
    try:
        params = inspect.signature(verify_fn).parameters.values()
        var = any(p.kind == p.VAR_POSITIONAL for p in params)
        n = sum(p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD) for p in params)
    except (TypeError, ValueError):
        var, n = True, 2
    return verify_fn(answer, sources) if var or n >= 2 else verify_fn(answer)


def _fallback(question: Question, sources: list[Source], extractive, verify_fn, reason: str | None,
              t0: float) -> Answer:
    compose = getattr(extractive, "compose", extractive)
    fb = _call_verify(verify_fn, compose(question, sources), sources)
    timings = dict(fb.timings_ms)
    timings["llm"] = round((time.perf_counter() - t0) * 1000, 1)
    return fb.model_copy(update={"composer": FALLBACK_COMPOSER, "fallback_reason": reason, "timings_ms": timings})


def compose_with_fallback(question: Question, sources: list[Source], extractive, verify_fn: Callable[..., Answer],
                          llm: LLMComposer | None = None) -> Answer:
    """:meth:`LLMComposer.compose_with_fallback` as a function; with no ``llm`` the extractive answer comes back with
    the reason "no LLM configured"."""
    if llm is None:
        return _fallback(question, sources, extractive, verify_fn, "no LLM configured", time.perf_counter())
    return llm.compose_with_fallback(question, sources, extractive, verify_fn)
