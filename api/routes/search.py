"""``GET /v1/search`` (tra cứu điều luật) for clerks: ranked articles with filters (document, type, status, issue
date range), pages, highlighted snippets and facets by document, type and status.

Retrieval returns the best ``search_depth`` articles once; a result must contain one of the query's words (as
highlighting matches them: syllables, case-insensitive, diacritic-insensitive for words typed without them) or be the
unit the query cites ("Điều 51 BLHS"). Pages and facets are computed over that
list (a later page of the same search is served from a short-lived cache, not retrieved again).
"""

from __future__ import annotations

import datetime as dt
import time
from collections import Counter
from typing import Annotated

from fastapi import APIRouter, Query, Request

from api.auth import CurrentUser, ServicesDep
from api.errors import ApiError
from api.highlight import query_terms, snippet_and_highlight
from api.bodies import SearchResponse, check_text, errors
from assistant.as_of import prefer_in_force
from indexing.index import IndexUnavailable, QueryError
from indexing.types import Filters

router = APIRouter(prefix="/v1", tags=["search"])

ParamText = Annotated[str, Query(min_length=1, max_length=200)]


@router.get("/search", response_model=SearchResponse, responses=errors(401, 404, 422, 429, 503),
            summary="Tra cứu: search articles with filters, pages, highlights and facets")
def search(
    request: Request,
    principal: CurrentUser,
    svc: ServicesDep,
    q: Annotated[str, Query(min_length=1, max_length=1000, description="Từ khóa hoặc câu hỏi",
                            examples=["tự thú giảm nhẹ trách nhiệm hình sự"])],
    corpus: Annotated[str | None, Query(pattern=r"^[a-z0-9][a-z0-9_-]{0,63}$", examples=["statutes"])] = None,
    document: Annotated[list[str] | None, Query(max_length=50, description="Only these document ids (repeatable)",
                                                examples=[["100/2015/QH13"]])] = None,
    doc_type: Annotated[list[str] | None, Query(alias="type", max_length=20,
                                                description="Only these document types (repeatable)",
                                                examples=[["Bộ luật"]])] = None,
    status: Annotated[list[str] | None, Query(max_length=10, description="Only these statuses (repeatable)",
                                              examples=[["Còn hiệu lực"]])] = None,
    date_from: Annotated[dt.date | None, Query(description="Issued on or after (YYYY-MM-DD)")] = None,
    date_to: Annotated[dt.date | None, Query(description="Issued on or before (YYYY-MM-DD)")] = None,
    as_of: Annotated[dt.date | None, Query(description="Status on this date (YYYY-MM-DD), and the versions in force "
                                                       "then first; default: the corpus's own date")] = None,
    page: Annotated[int, Query(ge=1, le=1000)] = 1,
    page_size: Annotated[int, Query(ge=1, le=50)] = 10,
) -> dict:
    t0 = time.perf_counter()
    check_text("q", q)
    for name, values in (("document", document), ("type", doc_type), ("status", status)):
        if values:
            if any(len(v) > 200 for v in values):
                raise ApiError(422, "validation_error", f"{name}: values are at most 200 characters")
            for v in values:
                check_text(name, v)
    if date_from and date_to and date_from > date_to:
        raise ApiError(422, "validation_error", "date_from: must be on or before date_to")
    request.state.audit_question = q
    terms = query_terms(q)
    name = corpus or svc.config.default_corpus
    try:
        index = svc.corpus_index(name)
    except IndexUnavailable:
        if not svc.corpus_exists(name):
            raise ApiError(404, "unknown_corpus", f"corpus: no corpus {name!r}") from None
        raise ApiError(503, "index_unavailable", f"the index of corpus {name!r} is not available; an administrator "
                                                 "must (re)build it") from None
    doc_ids = set(document) if document else None
    if date_from or date_to:
        lo, hi = date_from or dt.date.min, date_to or dt.date.max
        in_range = {d for d, issued in svc.doc_dates(index).items()
                    if issued and lo <= issued <= hi}
        doc_ids = in_range if doc_ids is None else doc_ids & in_range
    filters = Filters(doc_ids=doc_ids, doc_types=set(doc_type) if doc_type else None)
    key = (name, str(index.directory), q, tuple(sorted(doc_ids)) if doc_ids is not None else None,
           tuple(sorted(filters.doc_types or ())))
    hits = svc.search_cache.get(key)
    if hits is None:
        try:
            hits = [] if doc_ids == set() else index.search(q, svc.config.search_depth, filters)
        except QueryError as exc:
            raise ApiError(422, "invalid_query", f"q: {exc}") from None
        records = index.records.many(h.key for h in hits)
        hits = [h for h in hits if h.key in records and ("citation" in h.scores or terms.found_in(
            f"{records[h.key].doc_title}\n{records[h.key].title}\n{records[h.key].text}"))]
        svc.search_cache.put(key, hits)
    hidden = svc.hidden_documents(index)  # deleted since the index was built, in any worker
    if hidden:
        hits = [h for h in hits if h.key[0] not in hidden]
    svc.metrics.searches.inc()

    records = index.records.many(h.key for h in hits)  # one round trip to the engine for the page's facts
    hits = [h for h in hits if h.key in records]
    # status on the date asked, from the store's validity (the index's copy is as of its build); the versions in force
    # then come first (assistant/as_of.py), and the status filter and facet count statuses on that date
    validities = svc.validities(name)
    hits = prefer_in_force(hits, lambda h: h.key[0], validities, as_of, explicit=as_of is not None)

    def status_of(doc_id: str) -> str:
        v = validities.get(doc_id)
        return str(v.status_on(as_of)) if v is not None and v.effective else (records_status.get(doc_id) or "Không rõ")

    records_status = {r.doc_id: r.status for r in (records[h.key] for h in hits)}
    if status:
        hits = [h for h in hits if status_of(h.key[0]) in set(status)]
    docs, types, statuses = Counter(), Counter(), Counter()
    titles: dict[str, str] = {}
    for h in hits:
        r = records[h.key]
        docs[r.doc_id] += 1
        titles[r.doc_id] = r.doc_title
        types[r.doc_type] += 1
        statuses[status_of(r.doc_id)] += 1
    start = (page - 1) * page_size
    results = []
    for rank, h in enumerate(hits[start:start + page_size], start + 1):
        r = records[h.key]
        snippet, highlight = snippet_and_highlight(r.text or r.title, terms)
        results.append({"rank": rank, "score": round(float(h.score), 6), "document_id": r.doc_id,
                        "document_title": r.doc_title, "document_type": r.doc_type, "status": status_of(r.doc_id),
                        "article": r.article_no, "title": r.title, "snippet": snippet, "highlight": highlight,
                        "text": r.text})
    until = next((v.data_until for v in validities.values() if v.data_until), None)
    return {
        "as_of": (as_of or until).isoformat() if (as_of or until) else None,
        "data_until": until.isoformat() if until else None,
        "query": q, "total": len(hits), "page": page, "page_size": page_size,
        "took_ms": round((time.perf_counter() - t0) * 1000, 2), "results": results,
        "facets": {
            "documents": [{"value": d, "label": titles[d], "count": n} for d, n in docs.most_common()],
            "types": [{"value": t, "count": n} for t, n in types.most_common()],
            "statuses": [{"value": s, "count": n} for s, n in statuses.most_common()],
        },
    }
