"""Conversations (phiên hỏi đáp) of the caller — only their own: another user's session reads as not found."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Response
from sqlalchemy.orm import Session

from api.accounts import iso
from api.auth import CurrentUser, ServicesDep
from api.errors import ApiError
from api.bodies import SessionCreate, SessionCreated, SessionList, SessionView, errors
from assistant.conversation import ConversationRow
from assistant.errors import ConversationNotFound

router = APIRouter(prefix="/v1", tags=["sessions"])

SessionPath = Annotated[str, Path(max_length=64)]


def _not_found(session_id: str) -> ApiError:
    return ApiError(404, "unknown_session", f"no session {session_id!r}")


@router.get("/sessions", response_model=SessionList, responses=errors(401, 422, 429),
            summary="My conversations, most recent first")
def list_sessions(principal: CurrentUser, svc: ServicesDep,
                  limit: Annotated[int, Query(ge=1, le=500)] = 50) -> dict:
    rows = svc.conversations.list(owner=principal.username, limit=limit)
    return {"sessions": [{"id": r.id, "title": r.title, "corpus": r.corpus, "created_at": iso(r.created_at),
                          "updated_at": iso(r.updated_at), "turns": r.turns} for r in rows]}


@router.post("/sessions", status_code=201, response_model=SessionCreated, responses=errors(401, 404, 422, 429),
             summary="Start an empty conversation (to attach a case file before the first question)")
def create_session(body: SessionCreate, principal: CurrentUser, svc: ServicesDep) -> dict:
    corpus = body.corpus or svc.config.default_corpus
    if not svc.corpus_exists(corpus):
        raise ApiError(404, "unknown_corpus", f"corpus: no corpus {corpus!r}")
    cid = svc.conversations.create(corpus, principal.username, title=body.title)
    return {"id": cid, "title": body.title, "corpus": corpus}


@router.get("/sessions/{session_id}", response_model=SessionView, responses=errors(401, 404, 429),
            summary="One of my conversations with every turn and its answer")
def get_session(session_id: SessionPath, principal: CurrentUser, svc: ServicesDep) -> dict:
    with Session(svc.store.engine) as s:
        row = s.get(ConversationRow, session_id)
        if row is None or row.owner != principal.username:
            raise _not_found(session_id)
        head = {"id": row.id, "title": row.title, "corpus": row.corpus, "created_at": iso(row.created_at),
                "updated_at": iso(row.updated_at)}
    try:
        turns = svc.conversations.history(session_id, principal.username, last=10_000)
    except ConversationNotFound:
        raise _not_found(session_id) from None
    return {**head, "turns": [{"question": t.question, "standalone_question": t.standalone, "answer": t.answer}
                              for t in turns]}


@router.delete("/sessions/{session_id}", status_code=204, responses=errors(401, 404, 429),
               summary="Delete one of my conversations")
def delete_session(session_id: SessionPath, principal: CurrentUser, svc: ServicesDep) -> Response:
    try:
        svc.conversations.delete(session_id, principal.username)
    except ConversationNotFound:
        raise _not_found(session_id) from None
    return Response(status_code=204)
