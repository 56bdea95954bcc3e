"""The LLM composer: one call to a LangChain chat model, under a deadline, and its reply made an :class:`Answer`."""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

from pydantic import ValidationError

from assistant.defaults import LLM_MODEL_NAME
from assistant.answer import Answer, AnswerForm, Source
from assistant.composer import fallback_name
from assistant.llm.citations import body_text, map_citations, with_basis
from assistant.llm.errors import LLMError, LLMInvalidOutput, LLMTimeout, classify_error
from assistant.llm.output import LLMOutput, answer_schema, normalize_value, parse_llm_json
from assistant.llm.prompt import build_messages
from assistant.understand import Question

__all__ = ["LLMComposer", "Generation", "DEFAULT_MODEL_NAME", "FALLBACK_COMPOSER"]

DEFAULT_MODEL_NAME = LLM_MODEL_NAME


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
                    raise classify_error(item) from item
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
        body = body_text(out.answer or out.value, used)
        warnings = ["Câu trả lời của mô hình bị cắt ngắn (vượt giới hạn độ dài)."] if completed else []
        timings = {"compose": round(gen.elapsed_s * 1000, 1)}
        if gen.ttft_s is not None:
            timings["llm_first_token"] = round(gen.ttft_s * 1000, 1)
        return Answer(question=question.raw, text=with_basis(body, cites), form=question.form, value=value,
                      direct=value, citations=cites, sources=list(sources),
                      confidence=self.confidence if cites else 0.0, abstained=not cites, composer=self.name,
                      removed_citations=dropped, warnings=warnings, timings_ms=timings)

    def compose(self, question: Question, sources: list[Source]) -> Answer:
        """The model's answer with its citations mapped to the sources (not yet verified; raises :class:`LLMError`
        when the model gives no usable answer)."""
        if not sources:
            return Answer(question=question.raw, form=question.form, sources=[], abstained=True, composer=self.name,
                          text="Không tìm thấy quy định liên quan trong các văn bản đã truy xuất.")
        try:
            return self.to_answer(question, sources, self.generate(question, sources))
        except LLMError:
            raise
        except Exception as exc:  # noqa: BLE001 - any model failure is an LLMError
            raise classify_error(exc) from exc

    def finish(self, answer: Answer) -> Answer:
        """The verified answer as given: its "Căn cứ" line (always last) names the verified units only."""
        body = answer.text.rpartition(" Căn cứ: ")[0] or answer.text
        return answer.model_copy(update={"text": with_basis(body, answer.citations)})


# the composer name of the extractive answer given when the LLM's failed
FALLBACK_COMPOSER = fallback_name("extractive", LLMComposer.name)
