"""What a case is made of: its sections, parties, cited provisions and outcome, and the judgment and precedent
that carry them (plain dataclasses: the parsers produce them, the case store persists them)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from enum import StrEnum


class Section(StrEnum):
    """Parts of a judgment or precedent."""

    HEADER = "header"  # phần mở đầu
    FACTS = "facts"  # nội dung vụ án
    REASONING = "reasoning"  # nhận định của Tòa án
    DECISION = "decision"  # quyết định
    CLOSING = "closing"  # nơi nhận, chữ ký
    # the summary that opens a precedent
    SOURCE = "source"  # nguồn án lệ
    POSITION = "position"  # vị trí nội dung án lệ
    SITUATION = "situation"  # tình huống án lệ
    SOLUTION = "solution"  # giải pháp pháp lý
    RELATED_LAW = "related_law"  # quy định của pháp luật liên quan đến án lệ
    KEYWORDS = "keywords"  # từ khóa của án lệ
    # not a section of the text: where the fixed enforcement notice of a civil decision is cited from ("Trường hợp
    # bản án được thi hành theo quy định tại Điều 2 Luật Thi hành án dân sự …"), a formula every judgment carries
    NOTICE = "notice"


SECTION_LABELS = {
    Section.HEADER: "Phần mở đầu", Section.FACTS: "Nội dung vụ án", Section.REASONING: "Nhận định của Tòa án",
    Section.DECISION: "Quyết định", Section.CLOSING: "Nơi nhận", Section.SOURCE: "Nguồn án lệ",
    Section.POSITION: "Vị trí nội dung án lệ", Section.SITUATION: "Tình huống án lệ",
    Section.SOLUTION: "Giải pháp pháp lý", Section.RELATED_LAW: "Quy định của pháp luật liên quan đến án lệ",
    Section.KEYWORDS: "Từ khóa của án lệ", Section.NOTICE: "Thông báo thi hành án",
}

# sections whose citations are the provisions the court applied
APPLIED_SECTIONS = (Section.REASONING, Section.DECISION, Section.SOLUTION, Section.RELATED_LAW)
REQUIRED_SECTIONS = (Section.HEADER, Section.FACTS, Section.REASONING, Section.DECISION)


class Outcome(StrEnum):
    """Kết quả giải quyết, from the plaintiff's (A) side — the labels of the ALQAC 2026 judgments."""

    A_WIN = "A_WIN"
    PARTIAL_A_WIN = "PARTIAL_A_WIN"
    PARTIAL_B_WIN = "PARTIAL_B_WIN"
    B_WIN = "B_WIN"


OUTCOME_LABELS = {
    Outcome.A_WIN: "Chấp nhận yêu cầu khởi kiện",
    Outcome.PARTIAL_A_WIN: "Chấp nhận một phần yêu cầu khởi kiện (phần lớn)",
    Outcome.PARTIAL_B_WIN: "Chấp nhận một phần yêu cầu khởi kiện (phần nhỏ)",
    Outcome.B_WIN: "Không chấp nhận yêu cầu khởi kiện",
}


@dataclass
class CaseSection:
    """One part of a case: its name (:class:`Section`), the heading as written, and its text."""

    name: str
    heading: str
    text: str


@dataclass
class Party:
    """Đương sự: role ("Nguyên đơn", "Bị đơn", …), name as written (no honorific), and the paragraph about them."""

    role: str
    name: str
    description: str = ""


@dataclass(frozen=True)
class CitedProvision:
    """A provision cited in a case, as written and where: resolved to a stored unit later, by the case store."""

    citation: str
    section: str
    article: str
    clause: str | None = None
    point: str | None = None
    document_ref: str | None = None


def case_year(date: dt.date | None, number: str | None) -> int | None:
    """The year of a judgment: its date's, else the one in its number ("12/2019/DS-ST" → 2019)."""
    if date:
        return date.year
    m = re.search(r"/((?:19|20)\d\d)/", number or "")
    return int(m.group(1)) if m else None


@dataclass
class CaseLawDocument:
    """What judgments and precedents share. ``case_id`` is the stable id (the dataset's id, else the number)."""

    case_id: str
    title: str
    kind: str = "judgment"
    number: str | None = None
    date: dt.date | None = None
    court: str | None = None
    court_level: str | None = None
    case_type: str | None = None
    matter: str | None = None  # quan hệ tranh chấp, the "V/v" line
    outcome: str | None = None
    parties: list[Party] = field(default_factory=list)
    sections: list[CaseSection] = field(default_factory=list)
    citations: list[CitedProvision] = field(default_factory=list)
    precedents_cited: list[str] = field(default_factory=list)  # "06/2016/AL"
    officials: list[str] = field(default_factory=list)  # the trial panel's names: public, never masked
    source: str | None = None
    extra: dict = field(default_factory=dict)

    def section(self, name: str) -> CaseSection | None:
        return next((s for s in self.sections if s.name == name), None)

    def text_of(self, name: str) -> str:
        s = self.section(name)
        return s.text if s else ""

    @property
    def year(self) -> int | None:
        return case_year(self.date, self.number)

    def missing_sections(self) -> list[str]:
        return [str(s) for s in REQUIRED_SECTIONS if not self.text_of(s).strip()]


@dataclass
class Judgment(CaseLawDocument):
    """Bản án."""

    kind: str = "judgment"


@dataclass
class Precedent(CaseLawDocument):
    """Án lệ: the number ("Án lệ số 04/2016/AL"), its source judgment, situation, legal solution, provisions."""

    kind: str = "precedent"
    source_judgment: str = ""
    situation: str = ""
    solution: str = ""
    provisions_concerned: str = ""
    keywords: list[str] = field(default_factory=list)
    adopted: str = ""  # "Được Hội đồng Thẩm phán … thông qua ngày …"


@dataclass(frozen=True)
class CaseSummary:
    """What lists and facets need of a case, without its text: its display fields and facet values."""

    case_id: str
    title: str
    kind: str
    number: str | None
    date: dt.date | None
    court: str | None
    court_level: str | None
    case_type: str | None
    matter: str | None
    outcome: str | None

    @property
    def year(self) -> int | None:
        return case_year(self.date, self.number)

    def facet(self, name: str):
        return self.year if name == "year" else getattr(self, name)
