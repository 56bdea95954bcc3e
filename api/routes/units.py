"""``GET /v1/units?citation=…`` (tra trích dẫn): the units a citation names ("khoản 1 Điều 51 BLHS"), with their
text."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from api.auth import CurrentUser, ServicesDep
from api.errors import ApiError
from api.bodies import UnitsResponse, check_text, errors
from corpus.citations import parse_citations
from corpus.store import StoreError

router = APIRouter(prefix="/v1", tags=["documents"])


@router.get("/units", response_model=UnitsResponse, responses=errors(401, 404, 422, 429),
            summary="Tra trích dẫn: resolve a citation to its article, clause or point")
def units(
    principal: CurrentUser,
    svc: ServicesDep,
    citation: Annotated[str, Query(min_length=1, max_length=500, examples=["khoản 1 Điều 51 BLHS"])],
    corpus: Annotated[str | None, Query(pattern=r"^[a-z0-9][a-z0-9_-]{0,63}$", examples=["statutes"])] = None,
) -> dict:
    check_text("citation", citation)
    if not any(c.article for c in parse_citations(citation)):
        raise ApiError(422, "invalid_citation", "citation: no article (Điều …) named, e.g. 'khoản 1 Điều 51 BLHS'")
    name = corpus or svc.config.default_corpus
    try:
        views = svc.store.lookup(name, citation)
    except StoreError as exc:
        raise ApiError(404, "not_found", str(exc)) from None
    return {"citation": citation, "units": [
        {"document_id": v.doc_id, "document_title": v.document_title, "document_status": v.document_status,
         "article": v.article, "clause": v.clause, "point": v.point, "label": v.label, "title": v.title,
         "text": v.text} for v in views]}
