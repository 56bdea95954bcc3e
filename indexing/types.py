"""The small contract every retriever shares: what is indexed (``ArticleRecord``), what comes back (``Hit``), how a
search is narrowed (``Filters``) and the ``Retriever`` protocol itself."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

Key = tuple[str, str]  # (document_id, article_no): the retrieval and citation unit


@dataclass
class ArticleRecord:
    """One article as the indexes see it. ``text`` is the body without the heading; ``path`` the enclosing
    Phần/Chương/Mục headings."""

    key: Key
    doc_title: str
    doc_type: str
    title: str
    text: str
    path: list[str] = field(default_factory=list)
    status: str | None = None
    effective_date: dt.date | None = None
    expiry_date: dt.date | None = None

    @property
    def doc_id(self) -> str:
        return self.key[0]

    @property
    def article_no(self) -> str:
        return self.key[1]

    @property
    def full_text(self) -> str:
        """Title and body, as embedded and shown."""
        return f"{self.title}\n\n{self.text}".strip() if self.title else self.text.strip()


@dataclass
class Hit:
    """One retrieved article. ``score`` is the final score (higher is better), ``rank`` 1-based; ``scores`` keeps each
    stage's own score ("bm25", "dense", "rrf", …) for explanation and debugging."""

    key: Key
    score: float
    rank: int
    doc_title: str = ""
    title: str = ""
    snippet: str = ""
    scores: dict[str, float] = field(default_factory=dict)


@dataclass
class Filters:
    """Narrow a search. Each field left as ``None`` does not filter. ``effective_on`` keeps articles whose document is
    in force on that date (effective date, when known, on or before it; expiry date, when known, after it)."""

    doc_ids: Collection[str] | None = None
    doc_types: Collection[str] | None = None
    statuses: Collection[str] | None = None
    effective_on: dt.date | None = None
    exclude_doc_ids: Collection[str] | None = None  # e.g. documents deleted since the index was built

    def matches(self, record: ArticleRecord) -> bool:
        if self.doc_ids is not None and record.doc_id not in self.doc_ids:
            return False
        if self.exclude_doc_ids is not None and record.doc_id in self.exclude_doc_ids:
            return False
        if self.doc_types is not None and record.doc_type not in self.doc_types:
            return False
        if self.statuses is not None and record.status not in self.statuses:
            return False
        if self.effective_on is not None:
            if record.effective_date is not None and record.effective_date > self.effective_on:
                return False
            if record.expiry_date is not None and record.expiry_date <= self.effective_on:
                return False
        return True

    def is_empty(self) -> bool:
        return all(v is None for v in (self.doc_ids, self.doc_types, self.statuses, self.effective_on,
                                       self.exclude_doc_ids))


@runtime_checkable
class Retriever(Protocol):
    def search(self, query: str, k: int = 10, filters: Filters | None = None) -> list[Hit]: ...


def snippet(text: str, n: int = 200) -> str:
    """The first ``n`` characters of a text on one line, cut at a word boundary."""
    s = " ".join(text.split())
    if len(s) <= n:
        return s
    cut = s.rfind(" ", 0, n)
    return s[: cut if cut > 0 else n] + "…"
