"""``POST /v1/chat`` (hỏi đáp): a question in, the assistant's Answer out — as JSON, or streamed as server-sent events
``sources`` → ``direct`` → ``delta``… → ``citations`` → ``done`` (or ``error``).

``direct`` (``{"text": …}``) carries the answer's direct answer — the value ("15 ngày, kể từ ngày tuyên án"),
"Có"/"Không", "Đúng"/"Sai" or the option — before any quote; it is sent only when the answer has one (an abstention
has none). The ``delta`` pieces then rebuild ``Answer.text``, the supporting quotes with their citations.

The assistant runs in a worker thread while the request watches its client; a client that disconnects stops the work
at the next stage boundary (before retrieval, before composing, before a fallback composer, before related judgments,
before the turn is stored) and nothing is saved for it. A user has at most ``max_chats_in_flight_per_user`` questions
being answered at once (429 beyond); the slot is held until the response has ended.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from functools import partial
from typing import Annotated

import anyio
from fastapi import APIRouter, Query, Request
from fastapi.responses import Response, StreamingResponse

from api import sse
from api.accounts import Principal
from api.auth import CurrentUser, ServicesDep
from api.errors import ApiError, from_domain
from api.bodies import ChatRequest, errors
from api.services import CANCEL, Cancelled, Services
from assistant.answer import Answer
from assistant.errors import ConversationNotFound
from indexing.types import Filters

log = logging.getLogger("thuky.api.chat")


class ChatSlot:
    """One of a user's chats in flight, released once (whichever of the route or the response ends it)."""

    def __init__(self, svc: Services, principal: Principal):
        self._limit = svc.chats_in_flight
        self._key = f"user:{principal.user_id}"
        if not self._limit.acquire(self._key):
            raise ApiError(429, "too_many_chats", f"you already have {self._limit.limit} questions being answered: "
                                                  "wait for one to finish", headers={"Retry-After": "1"})
        self._held = True

    def release(self) -> None:
        if self._held:
            self._held = False
            self._limit.release(self._key)


class SlotStreamingResponse(StreamingResponse):
    """A stream that gives its chat slot back when it ends — finished, failed or cut by the client."""

    def __init__(self, content, slot: ChatSlot, **kwargs):
        super().__init__(content, **kwargs)
        self.slot = slot

    async def __call__(self, scope, receive, send) -> None:
        try:
            await super().__call__(scope, receive, send)
        finally:
            self.slot.release()
router = APIRouter(prefix="/v1", tags=["chat"])

KEEP_ALIVE_S = 10.0
POLL_S = 0.2
_SSE_EXAMPLE = ("event: sources\ndata: {\"sources\":[{\"document_id\":\"100/2015/QH13\",\"article\":\"51\",…}]}\n\n"
                "event: direct\ndata: {\"text\":\"Có\"}\n\n"
                "event: delta\ndata: {\"text\":\"Có. \"}\n\n"
                "event: delta\ndata: {\"text\":\"Theo điểm r khoản 1 Điều 51 Bộ luật Hình sự, …\"}\n\n"
                "event: citations\ndata: {\"citations\":[…]}\n\n"
                "event: done\ndata: {\"answer\":{…}}\n\n")


def _prepare(svc: Services, body: ChatRequest, principal: Principal) -> tuple[str, Filters | None]:
    """Checks that must answer with a status code, before any work or streaming starts."""
    limit = svc.config.max_question_chars
    if len(body.question) > limit:
        raise ApiError(422, "question_too_long", f"question: {len(body.question):,} characters; the limit is "
                                                 f"{limit:,}")
    corpus = body.corpus or svc.config.default_corpus
    if body.session_id is not None:
        try:
            corpus = svc.conversations.corpus_of(body.session_id, principal.username)
        except ConversationNotFound:
            raise ApiError(404, "unknown_session", f"session_id: no session {body.session_id!r}") from None
    elif not svc.corpus_exists(corpus):
        raise ApiError(404, "unknown_corpus", f"corpus: no corpus {corpus!r}")
    f = body.filters
    filters = None
    if f is not None and (f.documents or f.types or f.statuses):
        doc_ids = set(f.documents) if f.documents else None
        statuses = set(f.statuses) if f.statuses else None
        validities = svc.validities(corpus) if statuses else {}
        if statuses and any(v.effective for v in validities.values()):
            # statuses on the date asked, from the documents' validity (the index's copy is as of its build)
            in_status = {d for d, v in validities.items()
                         if (str(v.status_on(body.as_of)) if v.effective else "Không rõ") in statuses}
            doc_ids = in_status if doc_ids is None else doc_ids & in_status
            statuses = None
        filters = Filters(doc_ids=doc_ids, doc_types=set(f.types) if f.types else None, statuses=statuses)
    return corpus, filters


def _work(svc: Services, body: ChatRequest, principal: Principal, corpus: str, filters: Filters | None,
          cancel: threading.Event) -> Answer:
    CANCEL.set(cancel)  # this worker thread's own context
    return svc.assistant.answer(body.question, corpus=corpus, session_id=body.session_id, owner=principal.username,
                                filters=filters, use_llm=body.composer == "llm", k=body.k, as_of=body.as_of)


def _failure(exc: BaseException) -> ApiError:
    known = from_domain(exc)
    if known is not None:
        return known
    log.error("chat failed", exc_info=exc)
    return ApiError(500, "internal_error", "an internal error occurred; it has been logged")


def _wants_stream(request: Request, stream: bool) -> bool:
    return stream or "text/event-stream" in request.headers.get("accept", "")


@router.post(
    "/chat", response_model=Answer,
    responses={200: {"description": "The answer (JSON), or with `Accept: text/event-stream` / `?stream=true` the "
                                    "events sources, direct, delta…, citations, done (or error)",
                     "content": {"text/event-stream": {"schema": {"type": "string"}, "example": _SSE_EXAMPLE}}},
               **errors(400, 401, 404, 413, 422, 429, 503)},
    summary="Hỏi đáp: ask a legal question; answer with verified citations (JSON or SSE)")
async def chat(body: ChatRequest, request: Request, principal: CurrentUser, svc: ServicesDep,
               stream: Annotated[bool, Query(description="Stream server-sent events (same as Accept: "
                                                         "text/event-stream)")] = False):
    request.state.audit_question = body.question
    slot = ChatSlot(svc, principal)
    try:
        corpus, filters = await anyio.to_thread.run_sync(_prepare, svc, body, principal)
        cancel = threading.Event()
        job = partial(_work, svc, body, principal, corpus, filters, cancel)
        if _wants_stream(request, stream):
            response = SlotStreamingResponse(_events(request, svc, job, cancel), slot, media_type="text/event-stream",
                                             headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})
            slot = None  # the response releases it
            return response
        return await _answer(request, svc, job, cancel)
    finally:
        if slot is not None:
            slot.release()


async def _answer(request: Request, svc: Services, job, cancel: threading.Event) -> Answer | Response:
    task = asyncio.ensure_future(anyio.to_thread.run_sync(job, abandon_on_cancel=True))
    try:
        async for _ in _waiting(request, task, cancel):
            pass
        if not task.done():
            return Response(status_code=499)  # client closed the request: nobody to answer
        try:
            answer = task.result()
        except Cancelled:
            return Response(status_code=499)
        except Exception as exc:  # noqa: BLE001 - mapped to the right status
            raise _failure(exc) from None
    finally:
        if not task.done():
            cancel.set()
            task.cancel()
    svc.metrics.answer(answer)
    return answer


async def _waiting(request: Request, task: asyncio.Future, cancel: threading.Event):
    """Ticks every ``POLL_S`` while the assistant works; ends when it is done, or when the client has gone — then it
    asks the work to stop (``task.done()`` tells which)."""
    while not (await asyncio.wait({task}, timeout=POLL_S))[0]:
        if await request.is_disconnected():
            cancel.set()
            return
        yield


async def _events(request: Request, svc: Services, job, cancel: threading.Event):
    task = asyncio.ensure_future(anyio.to_thread.run_sync(job, abandon_on_cancel=True))
    try:
        quiet = 0.0
        async for _ in _waiting(request, task, cancel):
            quiet += POLL_S
            if quiet >= KEEP_ALIVE_S:
                quiet = 0.0
                yield sse.comment()
        if not task.done():
            return
        try:
            answer: Answer = task.result()
        except Cancelled:
            return
        except Exception as exc:  # noqa: BLE001 - reported in-band: the 200 status is already sent
            err = _failure(exc)
            yield sse.event("error", {"error": {"code": err.code, "message": err.message}})
            return
        svc.metrics.answer(answer)
        yield sse.event("sources", {"sources": [s.model_dump(mode="json") for s in answer.sources]})
        if answer.direct and not answer.abstained:  # the answer itself first, then the quotes that support it
            yield sse.event("direct", {"text": answer.direct})
        for piece in sse.pieces(answer.text) or [""]:
            if await request.is_disconnected():
                return
            yield sse.event("delta", {"text": piece})
        yield sse.event("citations", {"citations": [c.model_dump(mode="json") for c in answer.citations],
                                      "file_citations": [c.model_dump(mode="json") for c in answer.file_citations]})
        yield sse.event("done", {"answer": answer.model_dump(mode="json")})
    finally:
        if not task.done():
            cancel.set()
            task.cancel()
