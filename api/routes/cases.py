"""Case law (án lệ, bản án): ``GET /v1/cases`` (search with facets), ``GET /v1/cases/{id}`` (one judgment, its
sections and the provisions it cites) and ``POST /v1/cases/similar`` (the judgments most similar to a description of
facts, and the provisions they applied).

Every answer is masked as published judgments are (names, addresses, birth years, identity, phone, plate and account
numbers). ``?anonymize=false`` shows the text as written: an administrator only (403 for any other role), and each
such view is written to the audit log as ``case_unmasked`` under the administrator's name.

The logic is ``assistant.cases.CaseLaw``, the app's own (``Services.case_law``); its errors become the API's error
shape in ``api/errors.py``: unknown case → 404, empty facts or a bad filter → 422, facts over
``THUKY_CASES_MAX_FACTS_CHARS`` → 413.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from pydantic import BaseModel, Field

from api.audit import AuditEntry
from api.accounts import Principal
from api.auth import CurrentUser, ServicesDep
from api.errors import ApiError
from api.highlight import snippet_and_highlight
from api.bodies import Text, check_text, errors
from assistant.cases import CaseFacets, CaseResult, CaseView, SimilarResult

router = APIRouter(prefix="/v1", tags=["cases"])

FACTS_EXAMPLE = ("Năm 2008 cụ Nguyễn Văn A chết không để lại di chúc, để lại thửa đất 409 m2 và ngôi nhà cấp bốn; "
                 "các con của cụ không thống nhất việc chia di sản, nguyên đơn yêu cầu chia thừa kế theo pháp luật.")


class CaseSearchItem(CaseResult):
    highlight: str = Field("", description="The snippet, HTML-escaped, matched words in <mark>")


class CaseSearchResponse(BaseModel):
    query: str
    total: int
    page: int
    page_size: int
    took_ms: float
    results: list[CaseSearchItem]
    facets: CaseFacets


class SimilarRequest(BaseModel):
    facts: Annotated[Text, Field(min_length=1, description="The facts of the case at hand, as the judge has them",
                                 examples=[FACTS_EXAMPLE])]
    k: Annotated[int, Field(ge=1, le=50, description="How many similar judgments")] = 10
    exclude: Annotated[list[Annotated[str, Field(max_length=200)]], Field(max_length=100,
                                                                          description="Case ids to leave out")] = []


Filter = Annotated[list[str] | None, Query(max_length=20)]
Anonymize = Annotated[bool, Query(description="false: the text as written — administrators only, audited")]
UNMASKED_ACTION = "case_unmasked"


def check_unmasked(principal: Principal, anonymize: bool) -> None:
    """Only an administrator may turn masking off."""
    if not anonymize and principal.role != "admin":
        raise ApiError(403, "forbidden", "anonymize=false: only an administrator may see judgments unmasked "
                                         f"(names, addresses, birth years, identity numbers); you are {principal.role}")


def audit_unmasked(request: Request, principal: Principal, svc, what: str) -> None:
    """An administrator saw unmasked text: one audit entry naming them and what they saw."""
    client = request.client
    svc.audit.record(AuditEntry(at=dt.datetime.now(dt.timezone.utc), username=principal.username,
                                action=UNMASKED_ACTION, method=request.method, path=request.url.path[:500],
                                status=200, question=what, client=client.host if client else None))


@router.get("/cases", response_model=CaseSearchResponse, responses=errors(401, 403, 422, 429),
            summary="Tìm bản án: search judgments and precedents, with facets")
def search_cases(
    request: Request,
    principal: CurrentUser,
    svc: ServicesDep,
    q: Annotated[str, Query(max_length=1000, description="Từ khóa; empty: every case, newest first",
                            examples=["tranh chấp thừa kế quyền sử dụng đất"])] = "",
    court: Filter = None,
    court_level: Filter = None,
    case_type: Filter = None,
    outcome: Filter = None,
    year: Annotated[list[int] | None, Query(max_length=20)] = None,
    page: Annotated[int, Query(ge=1, le=1000)] = 1,
    page_size: Annotated[int, Query(ge=1, le=50)] = 10,
    anonymize: Anonymize = True,
) -> dict:
    check_unmasked(principal, anonymize)
    for name, values in (("q", [q]), ("court", court), ("court_level", court_level), ("case_type", case_type),
                         ("outcome", outcome)):
        for v in values or ():
            check_text(name, v)
    request.state.audit_question = q or None
    result = svc.case_law().search(q, court=court, court_level=court_level, case_type=case_type, outcome=outcome,
                                   year=year, page=page, page_size=page_size, anonymize=anonymize)
    if not anonymize:
        audit_unmasked(request, principal, svc, f"search q={q!r}: " + ", ".join(r.case_id for r in result.results))
    body = result.model_dump(mode="json")
    for item in body["results"]:
        item["snippet"], item["highlight"] = snippet_and_highlight(item["passage"], q)
    return body


@router.post("/cases/similar", response_model=SimilarResult, responses=errors(401, 403, 413, 422, 429),
             summary="Vụ án tương tự: similar judgments and the provisions they applied")
def similar_cases(request: Request, principal: CurrentUser, svc: ServicesDep, body: SimilarRequest,
                  anonymize: Anonymize = True) -> dict:
    check_unmasked(principal, anonymize)
    request.state.audit_question = body.facts[:500]
    result = svc.case_law().similar(body.facts, k=body.k, exclude=body.exclude, anonymize=anonymize)
    if not anonymize:
        audit_unmasked(request, principal, svc, "similar: " + ", ".join(c.case_id for c in result.cases))
    return result.model_dump(mode="json")


@router.get("/cases/{case_id:path}", response_model=CaseView, responses=errors(401, 403, 404, 422, 429),
            summary="Xem bản án: sections, parties, outcome and cited provisions (ids may hold '/': "
                    "12/2019/DS-ST)")
def get_case(request: Request, principal: CurrentUser, svc: ServicesDep,
             case_id: Annotated[str, Path(min_length=1, max_length=200, examples=["case_6616"])],
             anonymize: Anonymize = True) -> dict:
    check_unmasked(principal, anonymize)
    view = svc.case_law().get(case_id, anonymize=anonymize)
    if not anonymize:
        audit_unmasked(request, principal, svc, f"case {view.case_id}")
    return view.model_dump(mode="json")
