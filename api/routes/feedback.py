"""Feedback (phản hồi) on answers, stored for the evaluators; they (and admins) export it."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Query
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.accounts import as_utc, iso
from api.auth import CurrentUser, EvaluatorUser, ServicesDep
from api.errors import ApiError
from api.bodies import Created, FeedbackList, FeedbackRequest, errors
from api.tables import FeedbackRow
from assistant.errors import ConversationNotFound

router = APIRouter(prefix="/v1", tags=["feedback"])


@router.post("/feedback", status_code=201, response_model=Created, responses=errors(400, 401, 404, 413, 422, 429),
             summary="Phản hồi: rate an answer (up/down) with an optional comment")
def post_feedback(body: FeedbackRequest, principal: CurrentUser, svc: ServicesDep) -> dict:
    if body.session_id is not None:
        try:
            svc.conversations.corpus_of(body.session_id, principal.username)
        except ConversationNotFound:
            raise ApiError(404, "unknown_session", f"session_id: no session {body.session_id!r}") from None
    with Session(svc.store.engine) as s, s.begin():
        row = FeedbackRow(username=principal.username, session_id=body.session_id, question=body.question,
                          answer_text=body.answer_text, rating=body.rating, comment=body.comment)
        s.add(row)
        s.flush()
        return {"id": row.id}


@router.get("/feedback", response_model=FeedbackList, responses=errors(401, 403, 422, 429),
            summary="Export feedback (evaluators, admins), newest first")
def list_feedback(principal: EvaluatorUser, svc: ServicesDep,
                  since: Annotated[dt.datetime | None,
                                   Query(description="Only feedback at or after (ISO 8601)")] = None,
                  rating: Annotated[str | None, Query(pattern="^(up|down)$")] = None,
                  limit: Annotated[int, Query(ge=1, le=10_000)] = 1000) -> dict:
    with Session(svc.store.engine) as s:
        q = select(FeedbackRow).order_by(FeedbackRow.id.desc()).limit(limit)
        if since is not None:
            q = q.where(FeedbackRow.created_at >= as_utc(since).astimezone(dt.timezone.utc))
        if rating:
            q = q.where(FeedbackRow.rating == rating)
        return {"feedback": [{"id": r.id, "username": r.username, "session_id": r.session_id, "question": r.question,
                              "answer_text": r.answer_text, "rating": r.rating, "comment": r.comment,
                              "created_at": iso(r.created_at)} for r in s.scalars(q)]}
