"""The store: round trips, replacement in one transaction, lookups by citation, cross-reference links."""

from __future__ import annotations

import datetime as dt

import pytest

from corpus.law import Article, Clause, DocumentType, LegalDocument, Point
from corpus.store import StoreError


@pytest.fixture
def store(any_store):
    """Every store test runs on the embedded SQLite default and on PostgreSQL (when a server is configured)."""
    return any_store


def blhs() -> LegalDocument:
    return LegalDocument(
        id="100/2015/QH13",
        title="Bộ luật Hình sự",
        doc_type=DocumentType.CODE,
        number="100/2015/QH13",
        issued_date=dt.date(2015, 11, 27),
        articles=[
            Article(
                number="51",
                title="Các tình tiết giảm nhẹ trách nhiệm hình sự",
                text="1. Các tình tiết sau đây là tình tiết giảm nhẹ trách nhiệm hình sự:\n"
                "a) Người phạm tội đã ngăn chặn hoặc làm giảm bớt tác hại của tội phạm;\n"
                "b) Người phạm tội tự nguyện sửa chữa, bồi thường thiệt hại hoặc khắc phục hậu quả;\n"
                "2. Khi quyết định hình phạt, Tòa án có thể coi đầu thú là tình tiết giảm nhẹ.",
                clauses=[
                    Clause("1", "1. Các tình tiết sau đây là tình tiết giảm nhẹ trách nhiệm hình sự:\n"
                           "a) Người phạm tội đã ngăn chặn hoặc làm giảm bớt tác hại của tội phạm;\n"
                           "b) Người phạm tội tự nguyện sửa chữa, bồi thường thiệt hại hoặc khắc phục hậu quả;",
                           [Point("a", "a) Người phạm tội đã ngăn chặn hoặc làm giảm bớt tác hại của tội phạm;"),
                            Point("b", "b) Người phạm tội tự nguyện sửa chữa, bồi thường thiệt hại hoặc khắc "
                                  "phục hậu quả;")]),
                    Clause("2", "2. Khi quyết định hình phạt, Tòa án có thể coi đầu thú là tình tiết giảm nhẹ."),
                ],
                path=["Phần thứ nhất. NHỮNG QUY ĐỊNH CHUNG", "Chương VIII. QUYẾT ĐỊNH HÌNH PHẠT"],
            ),
            Article(number="52", title="Các tình tiết tăng nặng",
                    text="Tình tiết quy định tại khoản 1 Điều 51 của Bộ luật này không được coi là tăng nặng; "
                    "xem thêm Điều 584 Bộ luật Dân sự."),
        ],
    )


def blds() -> LegalDocument:
    return LegalDocument(id="91/2015/QH13", title="Bộ luật Dân sự", doc_type=DocumentType.CODE,
                         number="91/2015/QH13", issued_date=dt.date(2015, 11, 24),
                         articles=[Article("584", "Căn cứ phát sinh trách nhiệm bồi thường thiệt hại",
                                           "1. Người nào có hành vi xâm phạm … thì phải bồi thường.",
                                           clauses=[Clause("1", "1. Người nào có hành vi xâm phạm … thì phải bồi "
                                                                "thường.")])])


def test_round_trip_keeps_the_hierarchy(store):
    store.replace_source("statutes", "/x/blhs.txt", "h1", [blhs()])
    doc = store.get_document("statutes", "100/2015/QH13")
    assert [a.number for a in doc.articles] == ["51", "52"]
    art = doc.article("51")
    assert [c.number for c in art.clauses] == ["1", "2"]
    assert [p.letter for p in art.clause("1").points] == ["a", "b"]
    assert art.path[1].startswith("Chương VIII")
    assert doc.counts() == {"articles": 2, "clauses": 2, "points": 2}


def test_lookup_by_citation_with_aliases(store):
    store.replace_source("statutes", "/x/blhs.txt", "h1", [blhs()])
    (unit,) = store.lookup("statutes", "điểm b khoản 1 Điều 51 BLHS 2015")
    assert unit.text.startswith("b) Người phạm tội tự nguyện")
    assert unit.document_title == "Bộ luật Hình sự"
    (unit,) = store.lookup("statutes", "khoản 2 Điều 51 Bộ luật Hình sự")
    assert "đầu thú" in unit.text
    (unit,) = store.lookup("statutes", "Điều 52 100/2015/QH13")
    assert unit.title == "Các tình tiết tăng nặng"


@pytest.mark.parametrize("citation, message", [
    ("Điều 999 BLHS", "has no Điều 999"),
    ("khoản 7 Điều 51 BLHS", "has no khoản 7"),
    ("điểm z khoản 1 Điều 51 BLHS", "has no điểm z"),
    ("Điều 5 Luật Không Tồn Tại", "cannot tell which document"),
    ("không có trích dẫn nào", "no citation"),
])
def test_lookup_errors_say_what_is_missing(store, citation, message):
    store.replace_source("statutes", "/x/blhs.txt", "h1", [blhs()])
    with pytest.raises(StoreError, match=message):
        store.lookup("statutes", citation)


def test_cross_references_are_stored_and_resolved_later(store):
    store.replace_source("statutes", "/x/blhs.txt", "h1", [blhs()])
    links = store.links_from("statutes", "100/2015/QH13", "52")
    by_article = {link["article"]: link for link in links}
    assert by_article["51"]["target_doc_id"] == "100/2015/QH13"  # "của Bộ luật này" → the citing document
    assert by_article["51"]["clause"] == "1"
    assert by_article["584"]["target_doc_id"] is None  # BLDS not stored yet
    store.replace_source("statutes", "/x/blds.txt", "h2", [blds()])
    assert store.resolve_links("statutes") >= 1
    links = {link["article"]: link for link in store.links_from("statutes", "100/2015/QH13", "52")}
    assert links["584"]["target_doc_id"] == "91/2015/QH13"


def test_replacing_a_source_replaces_its_documents(store):
    store.replace_source("statutes", "/x/blhs.txt", "h1", [blhs()])
    changed = blhs()
    changed.articles = changed.articles[:1]
    store.replace_source("statutes", "/x/blhs.txt", "h2", [changed])
    assert store.totals("statutes")["articles"] == 1
    assert store.source_hash("statutes", "/x/blhs.txt") == "h2"


def test_a_failure_mid_document_leaves_the_store_as_it_was(store, monkeypatch):
    store.replace_source("statutes", "/x/blhs.txt", "h1", [blhs()])
    before = store.totals("statutes")
    broken = blhs()
    broken.articles.append(Article("53", "x", "y"))
    import corpus.store as mod

    calls = {"n": 0}
    real = mod.parse_citations

    def explode(text):
        calls["n"] += 1
        if calls["n"] == 3:  # after the first units of the document were written
            raise RuntimeError("power cut")
        return real(text)

    monkeypatch.setattr(mod, "parse_citations", explode)
    with pytest.raises(RuntimeError):
        store.replace_source("statutes", "/x/blhs.txt", "h-new", [broken])
    assert store.totals("statutes") == before
    assert store.source_hash("statutes", "/x/blhs.txt") == "h1"
    assert len(store.get_document("statutes", "100/2015/QH13").articles) == 2


def test_corpora_are_separate(store):
    store.replace_source("statutes", "/x/blhs.txt", "h1", [blhs()])
    store.replace_source("alqac2022", "/y/law.json", "h1", [blhs()])
    store.delete_document("alqac2022", "100/2015/QH13")
    assert store.totals("statutes")["articles"] == 2
    assert store.totals("alqac2022")["documents"] == 0
    with pytest.raises(StoreError, match="no document"):
        store.get_document("alqac2022", "100/2015/QH13")


@pytest.mark.parametrize("name", ["", "Bad Name", "../x", "a" * 65])
def test_invalid_corpus_names_are_refused(store, name):
    with pytest.raises(StoreError, match="invalid corpus name"):
        store.replace_source(name, "/x", "h", [blhs()])


def test_lookup_ends_a_long_title_where_the_corpus_title_ends(store):
    """A title with words that usually end a law's name ("không", "dụng") resolves through the corpus's own titles."""
    from corpus.law import Article, DocumentType, LegalDocument

    doc = LegalDocument(id="66/2006/QH11", title="Luật Hàng không dân dụng Việt Nam", doc_type=DocumentType.LAW,
                        number="66/2006/QH11",
                        articles=[Article(number="54", title="Cảng hàng không", text="Nội dung.")])
    store.replace_source("t", "/h", "h", [doc])
    (unit,) = store.lookup("t", "Điều 54 Luật Hàng không dân dụng Việt Nam")
    assert (unit.doc_id, unit.article) == ("66/2006/QH11", "54")
