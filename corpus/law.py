"""The unit of law: documents and their hierarchy Phần → Chương → Mục → Điều → Khoản → Điểm.

The article (Điều) is the retrieval and citation unit, keyed ``(document_id, article_no)``. Clauses (khoản) and
points (điểm) live inside it so a citation can be as precise as "điểm b khoản 1 Điều 51".
These are plain dataclasses: parsers and loaders produce them, the store persists them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum


class DocumentType(StrEnum):
    """Loại văn bản."""

    CONSTITUTION = "Hiến pháp"
    CODE = "Bộ luật"
    LAW = "Luật"
    ORDINANCE = "Pháp lệnh"
    RESOLUTION = "Nghị quyết"
    DECREE = "Nghị định"
    CIRCULAR = "Thông tư"
    CONSOLIDATED = "Văn bản hợp nhất"
    PRECEDENT = "Án lệ"
    JUDGMENT = "Bản án"
    DECISION = "Quyết định"
    OTHER = "Khác"


class DocumentStatus(StrEnum):
    """Tình trạng hiệu lực."""

    IN_FORCE = "Còn hiệu lực"
    PARTLY_IN_FORCE = "Hết hiệu lực một phần"
    EXPIRED = "Hết hiệu lực"
    NOT_YET = "Chưa có hiệu lực"
    UNKNOWN = "Không rõ"


@dataclass
class Point:
    """Điểm: a lettered item ``a)``, ``b)``, ``đ)`` inside a clause (or directly inside an article)."""

    letter: str
    text: str


@dataclass
class Clause:
    """Khoản: a numbered item ``1.``, ``2.`` inside an article. ``text`` is the whole clause, points included."""

    number: str
    text: str
    points: list[Point] = field(default_factory=list)

    def point(self, letter: str) -> Point | None:
        return next((p for p in self.points if p.letter == letter), None)


@dataclass
class Article:
    """Điều: the retrieval and citation unit.

    ``number`` is the article number as written ("51", "5a"); ``title`` the heading after "Điều N."; ``text`` the body
    without the heading line; ``path`` the enclosing Phần/Chương/Mục headings, outermost first.
    """

    number: str
    title: str
    text: str
    clauses: list[Clause] = field(default_factory=list)
    points: list[Point] = field(default_factory=list)  # điểm directly under the article (no khoản)
    path: list[str] = field(default_factory=list)
    repealed: bool = False

    def clause(self, number: str) -> Clause | None:
        return next((c for c in self.clauses if c.number == number), None)

    @property
    def heading(self) -> str:
        return f"Điều {self.number}. {self.title}".rstrip(". ") if self.title else f"Điều {self.number}"

    @property
    def full_text(self) -> str:
        """Heading and body, as shown to a reader and embedded."""
        return f"{self.heading}\n{self.text}".strip()


@dataclass
class LegalDocument:
    """Văn bản: a statute, decree, precedent or judgment with its articles.

    ``id`` is the document number (số hiệu, e.g. ``100/2015/QH13``) when known, otherwise a stable slug of the title.
    """

    id: str
    title: str
    doc_type: DocumentType = DocumentType.OTHER
    number: str | None = None
    issuer: str | None = None
    issued_date: dt.date | None = None
    effective_date: dt.date | None = None
    expiry_date: dt.date | None = None
    status: DocumentStatus = DocumentStatus.UNKNOWN
    aliases: list[str] = field(default_factory=list)
    source: str | None = None
    source_format: str | None = None
    articles: list[Article] = field(default_factory=list)
    extra: dict = field(default_factory=dict)
    preamble: str = ""

    def article(self, number: str) -> Article | None:
        return next((a for a in self.articles if a.number == number), None)

    @property
    def year(self) -> int | None:
        if self.issued_date:
            return self.issued_date.year
        if self.number:
            parts = self.number.split("/")
            if len(parts) >= 2 and parts[1].isdigit() and len(parts[1]) == 4:
                return int(parts[1])
        return None

    def counts(self) -> dict[str, int]:
        clauses = sum(len(a.clauses) for a in self.articles)
        points = sum(len(a.points) + sum(len(c.points) for c in a.clauses) for a in self.articles)
        return {"articles": len(self.articles), "clauses": clauses, "points": points}
