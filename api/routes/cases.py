"""Case law (án lệ, bản án): ``GET /v1/cases`` (search with facets), ``GET /v1/cases/{id}`` (one judgment, its
sections and the provisions it cites, names masked on request) and ``POST /v1/cases/similar`` (the judgments most
similar to a description of facts, and the provisions they applied).

The logic is ``assistant.cases.CaseLaw``, the app's own (``Services.case_law``); its errors become the API's error
shape in ``api/errors.py``: unknown case → 404, empty facts or a bad filter → 422, facts over
``THUKY_CASES_MAX_FACTS_CHARS`` → 413.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from pydantic import BaseModel, Field

from api.auth import CurrentUser, ServicesDep
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


@router.get("/cases", response_model=CaseSearchResponse, responses=errors(401, 422, 429),
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
    anonymize: Annotated[bool | None, Query(description="Mask parties' names (default: THUKY_ANONYMIZE)")] = None,
) -> dict:
    for name, values in (("q", [q]), ("court", court), ("court_level", court_level), ("case_type", case_type),
                         ("outcome", outcome)):
        for v in values or ():
            check_text(name, v)
    request.state.audit_question = q or None
    result = svc.case_law().search(q, court=court, court_level=court_level, case_type=case_type, outcome=outcome,
                                   year=year, page=page, page_size=page_size, anonymize=anonymize)
    body = result.model_dump(mode="json")
    for item in body["results"]:
        item["snippet"], item["highlight"] = snippet_and_highlight(item["passage"], q)
    return body


@router.post("/cases/similar", response_model=SimilarResult, responses=errors(401, 413, 422, 429),
             summary="Vụ án tương tự: similar judgments and the provisions they applied")
def similar_cases(request: Request, principal: CurrentUser, svc: ServicesDep, body: SimilarRequest,
                  anonymize: Annotated[bool | None, Query()] = None) -> dict:
    request.state.audit_question = body.facts[:500]
    result = svc.case_law().similar(body.facts, k=body.k, exclude=body.exclude, anonymize=anonymize)
    return result.model_dump(mode="json")


@router.get("/cases/{case_id:path}", response_model=CaseView, responses=errors(401, 404, 422, 429),
            summary="Xem bản án: sections, parties, outcome and cited provisions (ids may hold '/': "
                    "12/2019/DS-ST)")
def get_case(principal: CurrentUser, svc: ServicesDep,
             case_id: Annotated[str, Path(min_length=1, max_length=200, examples=["case_6616"])],
             anonymize: Annotated[bool | None, Query(description="Mask parties' names (default: THUKY_ANONYMIZE)")
                                  ] = None) -> dict:
    return svc.case_law().get(case_id, anonymize=anonymize).model_dump(mode="json")
