"""The answer object: one pydantic model that the CLI, the API and the evaluation harness all use as is."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, Field


class AnswerForm(StrEnum):
    """The form a question asks to be answered in."""

    TRUE_FALSE = "true_false"  # "…, đúng hay sai?" → "Đúng" / "Sai"
    MULTIPLE_CHOICE = "multiple_choice"  # options A–D → the letter
    SHORT_ANSWER = "short_answer"  # a short value ("03 tháng", "Tòa án nhân dân cấp tỉnh")
    OPEN = "open"  # a free question: an explained answer


class Citation(BaseModel):
    """A unit the answer relies on: document, Điều, khoản, điểm, and the exact text quoted from it."""

    document_id: str
    document_title: str = ""
    article: str
    clause: str | None = None
    point: str | None = None
    quote: str = Field("", description="Text quoted from the unit; must occur in it after normalisation")
    verified: bool = False
    document_status: str | None = Field(None, description="Status of the cited provision on the date asked")
    validity_note: str | None = Field(None, description="Set only when the cited provision is not in force on the "
                                      "date asked: repealed (and by what) or not yet in force (and from when)")

    @property
    def label(self) -> str:
        parts = [f"điểm {self.point}" if self.point else "", f"khoản {self.clause}" if self.clause else "",
                 f"Điều {self.article}"]
        return " ".join(p for p in parts if p) + (f" {self.document_title}" if self.document_title else "")


class Source(BaseModel):
    """A retrieved article offered to the composer, with its retrieval scores."""

    document_id: str
    document_title: str = ""
    article: str
    title: str = ""
    text: str = ""
    score: float = 0.0
    rank: int = 0
    scores: dict[str, float] = Field(default_factory=dict)
    document_status: str | None = None


class CaseMatch(BaseModel):
    """A judgment as a result lists it: who decided what, when, and the passage of it that matched."""

    case_id: str
    title: str
    court: str | None = None
    date: str | None = None
    outcome: str | None = None
    outcome_label: str | None = None
    section: str | None = Field(None, description="Where the passage is: facts, reasoning, decision…")
    passage: str = ""
    score: float = 0.0


class CaseReference(CaseMatch):
    """A judgment shown beside an answer as supporting material — how a court decided a similar matter. It is not
    the law: the answer's claims rest on its citations only, and a judgment binds no other court (an án lệ aside)."""

    note: str = "Bản án tham khảo — không phải quy định pháp luật"


class FileCitation(BaseModel):
    """A passage of the conversation's own case file that the answer quotes — apart from the law's citations."""

    file_id: str
    file_name: str
    passage: int = Field(..., description="The passage's number in the file (from 0)")
    page: int
    paragraph: int
    quote: str = Field("", description="Text quoted from the passage; must occur in it after normalisation")
    verified: bool = False

    @property
    def label(self) -> str:
        return f"Tệp: {self.file_name}, trang {self.page}, đoạn {self.paragraph}"


class FileSource(BaseModel):
    """A passage of the conversation's case files retrieved for the question."""

    file_id: str
    file_name: str
    passage: int
    page: int
    paragraph: int
    text: str
    score: float = 0.0
    lexical: float = Field(0.0, description="Its BM25 score (0: it shares no word with the question)")


class Answer(BaseModel):
    """What the assistant says, and everything needed to check it."""

    question: str
    standalone_question: str | None = Field(None, description="The question rewritten from the conversation")
    text: str = Field(..., description="The answer in Vietnamese, with its citations named in the text")
    form: AnswerForm = AnswerForm.OPEN
    value: str | None = Field(None, description='"Đúng"/"Sai", the option letter, or the short value')
    direct: str | None = Field(None, description='The direct answer, said before the quotes: the value ("15 ngày, '
                                                 'kể từ ngày tuyên án"), "Có"/"Không", "Đúng"/"Sai", the option')
    citations: list[Citation] = Field(default_factory=list, description="Verified citations only")
    sources: list[Source] = Field(default_factory=list, description="Retrieved articles, best first")
    confidence: float = Field(0.0, ge=0.0, le=1.0)
    abstained: bool = False
    composer: str = "extractive"
    fallback_reason: str | None = Field(None, description="Why a generated answer fell back to extractive")
    removed_citations: int = Field(0, description="Citations dropped because they did not verify")
    warnings: list[str] = Field(default_factory=list, description="e.g. a cited provision not in force on "
                                                                    "the date asked")
    as_of: str | None = Field(None, description="The date the answer's validity is judged on (YYYY-MM-DD): the one "
                              "asked, else the corpus's own date")
    data_until: str | None = Field(None, description="The corpus's own date: statuses hold 'theo dữ liệu đến' it")
    session_id: str | None = None
    timings_ms: dict[str, float] = Field(default_factory=dict, description="Per stage: understand, retrieve, "
                                                                          "compose, verify, total")
    related_cases: list[CaseReference] = Field(default_factory=list, description="Judgments on similar matters, "
                                               "supporting material kept apart from the law the answer cites")
    file_citations: list[FileCitation] = Field(default_factory=list, description="Verified quotes of the "
                                               "conversation's case files, kept apart from the law's citations")
    file_sources: list[FileSource] = Field(default_factory=list, description="Passages of the conversation's "
                                           "case files retrieved, best first")
