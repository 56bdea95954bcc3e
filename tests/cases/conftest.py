"""Shared case-law fixtures: the hand-written judgments and precedent in ``data/`` (written for these tests, not real
cases), and a tiny law corpus holding the articles they cite — BLDS 2015, BLTTDS 2015, Luật THADS — but not BLDS
2005, so its citations stay unresolved."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from corpus.model import Article, DocumentType, LegalDocument

DATA = Path(__file__).parent / "data"
LAW = "statutes"


def _doc(number: str, title: str, year: int, articles: dict[str, str]) -> LegalDocument:
    return LegalDocument(id=number, title=title, doc_type=DocumentType.CODE if title.startswith("Bộ") else
                         DocumentType.LAW, number=number, issued_date=dt.date(year, 11, 24),
                         articles=[Article(n, t, f"Nội dung {t.lower()}.") for n, t in articles.items()])


LAW_DOCS = [
    _doc("91/2015/QH13", "Bộ luật Dân sự", 2015, {
        "463": "Hợp đồng vay tài sản", "466": "Nghĩa vụ trả nợ của bên vay", "468": "Lãi suất",
        "623": "Thời hiệu thừa kế", "650": "Những trường hợp thừa kế theo pháp luật",
        "651": "Người thừa kế theo pháp luật"}),
    _doc("92/2015/QH13", "Bộ luật Tố tụng dân sự", 2015, {
        "26": "Những tranh chấp về dân sự thuộc thẩm quyền giải quyết của Tòa án",
        "35": "Thẩm quyền của Tòa án nhân dân cấp huyện", "39": "Thẩm quyền của Tòa án theo lãnh thổ",
        "147": "Nghĩa vụ chịu án phí", "227": "Sự có mặt của đương sự", "228": "Xét xử trong trường hợp vắng mặt"}),
    _doc("26/2008/QH12", "Luật Thi hành án dân sự", 2008, {
        "2": "Bản án, quyết định được thi hành", "6": "Quyền yêu cầu thi hành án", "7": "Quyền của người được thi "
        "hành án", "9": "Tự nguyện và cưỡng chế thi hành án"}),
]


def text(name: str) -> str:
    return (DATA / name).read_text(encoding="utf-8")


@pytest.fixture
def law_store(store):
    """The store with the tiny law corpus as ``statutes``."""
    store.replace_source(LAW, "/law", "h", LAW_DOCS)
    return store


@pytest.fixture
def case_files() -> list[Path]:
    return [DATA / "ban-an-thua-ke.txt", DATA / "ban-an-vay.txt", DATA / "an-le-thua-ke.txt"]
