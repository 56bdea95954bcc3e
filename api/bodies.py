"""Request and response bodies of the HTTP API (the contract the web client codes against), with Vietnamese examples
for the generated OpenAPI document. The answer itself is ``assistant.answer.Answer``, used as is."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from api.errors import ApiError
from assistant.answer import Answer, Citation, Source
from assistant.case_file.service import FileDetail, FileView, PassageView  # noqa: F401 - response bodies
from indexing.index import MAX_QUERY_CHARS


def clean_text(value: str) -> str:
    """Text fields: valid Unicode, no NUL characters (neither can be stored or searched meaningfully)."""
    if "\x00" in value:
        raise ValueError("must not contain NUL characters")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("must be valid Unicode text (unpaired surrogate)") from None
    return value


def check_text(name: str, value: str) -> str:
    """``clean_text`` for a query parameter checked in a route: a bad value is the 422 naming ``name``."""
    try:
        return clean_text(value)
    except ValueError as exc:
        raise ApiError(422, "validation_error", f"{name}: {exc}") from None


def not_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be empty or only spaces")
    return value


Text = Annotated[str, AfterValidator(clean_text)]
NonBlank = Annotated[str, AfterValidator(clean_text), AfterValidator(not_blank)]
CorpusName = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_-]{0,63}$", examples=["statutes"])]
SessionId = Annotated[str, Field(min_length=1, max_length=64, examples=["3f1c2b9e-7a51-4d7e-9a3e-0b6f7c1d2e4a"])]
ShortText = Annotated[Text, Field(min_length=1, max_length=200)]

QUESTION_EXAMPLE = "Người phạm tội tự thú có được giảm nhẹ trách nhiệm hình sự không?"


# -- errors -------------------------------------------------------------------------------------------------------
class ErrorDetail(BaseModel):
    code: str = Field(examples=["validation_error"])
    message: str = Field(examples=["question: String should have at least 1 character"])


class ErrorBody(BaseModel):
    error: ErrorDetail


def errors(*statuses: int) -> dict:
    """The ``responses=`` entry documenting error statuses with the one error shape (422 always: it replaces
    FastAPI's default validation-error schema, which is not the shape this API returns)."""
    text = {400: "Malformed request (e.g. invalid JSON)", 401: "Missing or invalid credentials",
            403: "Your role may not do this", 404: "Not found (or not yours)", 409: "Conflict",
            413: "Request body too large", 415: "Unsupported file type", 422: "Invalid field (named in the message)",
            429: "Rate limit exceeded (see Retry-After)", 503: "Index or database not available"}
    return {s: {"model": ErrorBody, "description": text.get(s, "Error")} for s in sorted({*statuses, 422})}


# -- auth ---------------------------------------------------------------------------------------------------------
class LoginRequest(BaseModel):
    username: Annotated[Text, Field(min_length=1, max_length=64, examples=["thamphan.nguyen"])]
    password: Annotated[Text, Field(min_length=1, max_length=1024, examples=["mật-khẩu-bí-mật"])]


class UserView(BaseModel):
    username: str = Field(examples=["thamphan.nguyen"])
    role: Literal["judge", "clerk", "evaluator", "admin"] = Field(examples=["judge"])


class MeView(UserView):
    via: Literal["token", "key"] = Field(description="How this request was authenticated")


class LoginResponse(BaseModel):
    token: str = Field(description="Bearer token of this login session (also set as the thuky_session cookie)")
    user: UserView
    expires_at: str


# -- chat ---------------------------------------------------------------------------------------------------------
class ChatFilters(BaseModel):
    documents: list[ShortText] | None = Field(None, max_length=50, description="Only these document ids",
                                              examples=[["100/2015/QH13"]])
    types: list[ShortText] | None = Field(None, max_length=20, description="Only these document types",
                                          examples=[["Bộ luật", "Luật"]])
    statuses: list[ShortText] | None = Field(None, max_length=10, description="Only these statuses",
                                             examples=[["Còn hiệu lực"]])


class ChatRequest(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"question": QUESTION_EXAMPLE},
        {"question": "Còn người dưới 18 tuổi thì sao?", "session_id": "3f1c2b9e-7a51-4d7e-9a3e-0b6f7c1d2e4a"},
        {"question": "Viên chức được tham gia đình công, đúng hay sai?", "corpus": "alqac",
         "filters": {"types": ["Luật"]}, "k": 8},
    ]})

    question: Annotated[NonBlank, Field(min_length=1, max_length=MAX_QUERY_CHARS,
                                        description="Câu hỏi pháp lý bằng tiếng Việt")]
    session_id: SessionId | None = Field(None, description="Continue this conversation (phiên hỏi đáp)")
    corpus: CorpusName | None = Field(None, description="Corpus to ask (default: the statutes corpus)")
    composer: Literal["extractive", "llm"] = Field("extractive", description="extractive (default, offline) or "
                                                   "llm (the configured model; falls back to extractive)")
    filters: ChatFilters | None = None
    k: int | None = Field(None, ge=1, le=50, description="Articles to retrieve")
    as_of: dt.date | None = Field(None, description="Judge validity on this date and prefer the versions in force "
                                  "then (YYYY-MM-DD); default: a date the question writes, else the corpus's own date",
                                  examples=["2015-06-01"])


class SourcesEvent(BaseModel):
    sources: list[Source]


class DeltaEvent(BaseModel):
    text: str


class CitationsEvent(BaseModel):
    citations: list[Citation]


class DoneEvent(BaseModel):
    answer: Answer


# -- search -------------------------------------------------------------------------------------------------------
class SearchResult(BaseModel):
    rank: int
    score: float
    document_id: str = Field(examples=["100/2015/QH13"])
    document_title: str = Field(examples=["Bộ luật Hình sự"])
    document_type: str = Field(examples=["Bộ luật"])
    status: str | None = Field(examples=["Còn hiệu lực"])
    article: str = Field(examples=["51"])
    title: str = Field(examples=["Các tình tiết giảm nhẹ trách nhiệm hình sự"])
    snippet: str = Field(examples=["… r) Người phạm tội tự thú; s) Người phạm tội thành khẩn khai báo …"])
    highlight: str = Field(description="The snippet, HTML-escaped, matched words in <mark>",
                           examples=["… r) Người phạm tội <mark>tự thú</mark>; s) Người phạm tội thành khẩn …"])
    text: str


class FacetValue(BaseModel):
    value: str
    label: str | None = None
    count: int


class Facets(BaseModel):
    documents: list[FacetValue]
    types: list[FacetValue]
    statuses: list[FacetValue]


class SearchResponse(BaseModel):
    as_of: str | None = Field(None, description="The date statuses are given on (YYYY-MM-DD)")
    data_until: str | None = Field(None, description="The corpus's own date: statuses hold 'theo dữ liệu đến' it")
    query: str = Field(examples=["tự thú giảm nhẹ trách nhiệm hình sự"])
    total: int = Field(description="Matching articles among the first `search_depth` retrieved")
    page: int
    page_size: int
    took_ms: float
    results: list[SearchResult]
    facets: Facets


# -- documents ----------------------------------------------------------------------------------------------------
class DocumentSummaryView(BaseModel):
    id: str = Field(examples=["100/2015/QH13"])
    title: str = Field(examples=["Bộ luật Hình sự"])
    type: str = Field(examples=["Bộ luật"])
    number: str | None = Field(examples=["100/2015/QH13"])
    issued_date: str | None = Field(examples=["2015-11-27"])
    status: str = Field(examples=["Còn hiệu lực"], description="Status on `status_as_of`")
    effective_date: str | None = Field(None, examples=["2018-01-01"])
    expiry_date: str | None = Field(None, description="When a later document of the corpus ends it wholly")
    status_as_of: str | None = Field(None, description="The date the status is given on: the one asked, else the "
                                     "corpus's own date (theo dữ liệu đến …)")
    replaced_by: list[str] = Field(default_factory=list, description="Documents that replace it")
    articles: int
    clauses: int
    points: int
    aliases: list[str] = Field(examples=[["BLHS", "BLHS 2015", "Bộ luật Hình sự 2015"]])


class DocumentList(BaseModel):
    documents: list[DocumentSummaryView]


class OutlineNode(BaseModel):
    kind: Literal["part", "chapter", "section", "article"]
    number: str = Field(examples=["I"])
    title: str = Field(examples=["Những quy định chung"])
    children: list[OutlineNode] = Field(default_factory=list)


class TimelineEvent(BaseModel):
    date: str | None = Field(description="YYYY-MM-DD; null when the text does not date it")
    event: Literal["issued", "effective", "effective_part", "replaces", "amended", "partly_repealed", "repealed"]
    label: str = Field(examples=["Có hiệu lực"])
    document_id: str | None = Field(None, description="The other document, when it is in the corpus")
    number: str | None = None


class StaggeredView(BaseModel):
    provisions: str
    date: str | None


class DocumentView(BaseModel):
    id: str
    title: str
    type: str
    number: str | None
    issued_date: str | None
    effective_date: str | None
    expiry_date: str | None = None
    status: str = Field(description="Status on `status_as_of` (Còn hiệu lực, Hết hiệu lực, Hết hiệu lực một phần, "
                        "Chưa có hiệu lực, Không rõ)")
    status_as_of: str | None = None
    data_until: str | None = Field(None, description="The corpus's own date: nothing after it is known")
    partly_repealed_from: str | None = None
    staggered: list[StaggeredView] = Field(default_factory=list, description="Provisions with their own dates")
    replaces: list[dict] = Field(default_factory=list, description="Documents it repeals or amends, as named in its "
                                 "text (document_id set when in the corpus)")
    replaced_by: list[dict] = Field(default_factory=list)
    amended_by: list[dict] = Field(default_factory=list)
    partly_repealed_by: list[dict] = Field(default_factory=list)
    timeline: list[TimelineEvent] = Field(default_factory=list)
    issuer: str | None
    aliases: list[str]
    articles: int
    outline: list[OutlineNode]


class PointView(BaseModel):
    letter: str = Field(examples=["s"])
    text: str


class ClauseView(BaseModel):
    number: str = Field(examples=["1"])
    text: str
    points: list[PointView]


class ArticleView(BaseModel):
    document_id: str
    document_title: str
    document_status: str
    article: str
    title: str
    path: list[str] = Field(default_factory=list, description="Enclosing Phần/Chương/Mục headings")
    text: str
    clauses: list[ClauseView]
    points: list[PointView] = Field(default_factory=list, description="Points directly under the article")


class UnitView(BaseModel):
    document_id: str
    document_title: str
    document_status: str
    article: str
    clause: str | None
    point: str | None
    label: str = Field(examples=["khoản 1 Điều 51"])
    title: str
    text: str


class UnitsResponse(BaseModel):
    citation: str = Field(examples=["khoản 1 Điều 51 BLHS"])
    units: list[UnitView]


class JobAccepted(BaseModel):
    job_id: str
    status: str = "queued"
    documents: list[str] = Field(default_factory=list, description="Ids of the documents found in the file")


class JobView(BaseModel):
    id: str
    kind: str = Field(examples=["ingest"])
    corpus: str
    filename: str | None
    username: str
    status: Literal["queued", "running", "done", "failed"]
    progress: float = Field(ge=0, le=1)
    message: str
    documents: list[str]
    created_at: str | None
    finished_at: str | None
    attempts: int = Field(default=0, description="Workers that took the job up (more than 1: a worker died on it "
                          "and another retried it)")


class JobList(BaseModel):
    jobs: list[JobView]


# -- sessions -----------------------------------------------------------------------------------------------------
class SessionSummary(BaseModel):
    id: str
    title: str = Field(examples=[QUESTION_EXAMPLE])
    corpus: str
    created_at: str
    updated_at: str
    turns: int


class SessionList(BaseModel):
    sessions: list[SessionSummary]


class TurnView(BaseModel):
    question: str
    standalone_question: str | None
    answer: dict = Field(description="The Answer object of that turn")


class SessionCreate(BaseModel):
    title: str = Field("", max_length=200, description="Shown in the list of conversations",
                       examples=["Vụ tranh chấp thừa kế"])
    corpus: str | None = Field(None, pattern=r"^[a-z0-9][a-z0-9_-]{0,63}$", description="The law it asks; default: "
                               "the default corpus", examples=["statutes"])


class SessionCreated(BaseModel):
    id: str
    title: str
    corpus: str


class FileAccepted(BaseModel):
    file_id: str
    job_id: str
    status: str = "queued"
    pages: int


class FileList(BaseModel):
    files: list[FileView]


class PassageList(BaseModel):
    file_id: str
    passages: list[PassageView]


class SessionView(BaseModel):
    id: str
    title: str
    corpus: str
    created_at: str
    updated_at: str
    turns: list[TurnView]


# -- feedback -----------------------------------------------------------------------------------------------------
class FeedbackRequest(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"question": QUESTION_EXAMPLE, "rating": "up", "session_id": "3f1c2b9e-7a51-4d7e-9a3e-0b6f7c1d2e4a"},
        {"question": "Thời hiệu khởi kiện về thừa kế là bao lâu?", "rating": "down",
         "comment": "Trích dẫn sai điều luật, cần Điều 623 BLDS 2015"},
    ]})

    session_id: SessionId | None = None
    question: Annotated[NonBlank, Field(min_length=1, max_length=MAX_QUERY_CHARS)]
    answer_text: Annotated[Text, Field(max_length=20_000)] | None = None
    rating: Literal["up", "down"]
    comment: Annotated[Text, Field(max_length=4000)] | None = None


class Created(BaseModel):
    id: int


class FeedbackView(BaseModel):
    id: int
    username: str
    session_id: str | None
    question: str
    answer_text: str | None
    rating: str
    comment: str | None
    created_at: str | None


class FeedbackList(BaseModel):
    feedback: list[FeedbackView]


# -- keys ---------------------------------------------------------------------------------------------------------
class KeyRequest(BaseModel):
    name: Annotated[NonBlank, Field(min_length=1, max_length=100, examples=["Phần mềm quản lý án"])]
    username: Annotated[Text, Field(min_length=1, max_length=64)] | None = Field(
        None, description="Create the key for this user (admins only)")
    expires_in_days: int | None = Field(None, ge=1, le=3650, description="The key stops working after this many "
                                        "days (or give expires_at; neither: until revoked)")
    expires_at: dt.datetime | None = Field(None, description="The key stops working at this time (ISO 8601; "
                                           "without an offset: UTC)", examples=["2026-12-31T00:00:00+07:00"])


class KeyCreated(BaseModel):
    id: int
    name: str
    key: str = Field(description="The API key — shown only this once; store it now")
    username: str
    created_at: str
    expires_at: str | None = Field(None, description="When the key stops working; null: until revoked. A change "
                                   "of the user's password revokes all their keys and login sessions")


class KeyView(BaseModel):
    id: int
    name: str
    username: str
    prefix: str = Field(description="The first characters of the key, to tell keys apart")
    created_at: str | None
    last_used_at: str | None
    expires_at: str | None = None
    revoked: bool


class KeyList(BaseModel):
    keys: list[KeyView]


# -- audit --------------------------------------------------------------------------------------------------------
class AuditEntryView(BaseModel):
    at: str | None
    username: str | None
    action: str = Field(examples=["chat"])
    method: str
    path: str
    question: str | None = Field(None, examples=[QUESTION_EXAMPLE])
    status: int
    client: str | None = Field(None, description="The caller's address (behind a trusted proxy: the forwarded one)")
    target: str | None = Field(None, description="The user acted upon, when not the caller (e.g. a key made for "
                                                 "them by an admin)")


class AuditList(BaseModel):
    entries: list[AuditEntryView]


# -- health -------------------------------------------------------------------------------------------------------
class Health(BaseModel):
    status: Literal["ok"] = "ok"


class Readiness(BaseModel):
    status: Literal["ready", "not_ready"]
    index: dict
    database: str
    error: ErrorDetail | None = None
