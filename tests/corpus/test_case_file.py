"""A case file's pages → passages (page and paragraph kept), and its first reading: parties masked, claims, dates
(birth dates left out), provisions as written; the pages of each format (a .docx split at its page breaks)."""

from __future__ import annotations

import datetime as dt

import pytest

from corpus.case_file import read_case_file, split_passages
from corpus.case_file.passages import paragraphs
from corpus.loaders import LoadError
from corpus.loaders.pages import pages_from_path
from tests.case_file_writers import blank_pdf_bytes, docx_bytes, pdf_bytes

PDF_LINES = """NỘI DUNG VỤ ÁN
Theo đơn khởi kiện ngày 26/6/2018, nguyên đơn là ông Nguyễn Văn Hùng, sinh ngày 01/02/1971, trình bày: cụ
Hồng chết năm 2008 không để lại di chúc
và các con tranh chấp di sản.
[1] Về thủ tục: Tòa án đã thụ lý đúng thẩm quyền.
- 2 -
Căn cứ khoản 5 Điều 26 Bộ luật Tố tụng dân sự."""


def test_visual_lines_are_joined_into_paragraphs_and_page_numbers_dropped():
    assert paragraphs(PDF_LINES) == [
        "NỘI DUNG VỤ ÁN",
        "Theo đơn khởi kiện ngày 26/6/2018, nguyên đơn là ông Nguyễn Văn Hùng, sinh ngày 01/02/1971, trình bày: cụ "
        "Hồng chết năm 2008 không để lại di chúc và các con tranh chấp di sản.",
        "[1] Về thủ tục: Tòa án đã thụ lý đúng thẩm quyền.",
        "Căn cứ khoản 5 Điều 26 Bộ luật Tố tụng dân sự."]


def test_passages_keep_page_and_paragraph_and_long_paragraphs_are_cut_at_sentences():
    long = " ".join(f"Câu số {i} nói về việc chia di sản thừa kế cho các đồng thừa kế." for i in range(40))
    ps = split_passages(["Dòng một.\nDòng hai.", f"Mở đầu.\n{long}"], max_chars=300)
    assert [(p.page, p.paragraph, p.part) for p in ps[:4]] == [(1, 1, 1), (1, 2, 1), (2, 1, 1), (2, 2, 1)]
    rest = [p for p in ps if p.page == 2 and p.paragraph == 2]
    assert len(rest) > 3 and all(len(p.text) <= 300 for p in rest) and [p.part for p in rest] == list(
        range(1, len(rest) + 1))
    assert all(p.text.endswith(".") for p in rest)
    assert [p.ordinal for p in ps] == list(range(len(ps)))


def test_the_reading_masks_names_leaves_out_birth_dates_and_lists_provisions():
    facts = read_case_file(split_passages([PDF_LINES]), pages=[PDF_LINES])
    assert dt.date(1971, 2, 1) not in [e.date for e in facts.timeline]
    assert [e.date for e in facts.timeline] == [dt.date(2018, 6, 26)]
    assert "Hùng" not in facts.timeline[0].text and "ông H." in facts.timeline[0].text
    assert [(c.article, c.clause, c.document_ref) for c in facts.provisions] == [
        ("26", "5", "Bộ luật Tố tụng dân sự")]
    assert facts.provisions[0].page == 1 and facts.provisions[0].paragraph == 4
    unmasked = read_case_file(split_passages([PDF_LINES]), pages=[PDF_LINES], mask=False)
    assert "Nguyễn Văn Hùng" in unmasked.timeline[0].text


@pytest.mark.parametrize("suffix,write", [(".docx", docx_bytes), (".pdf", pdf_bytes), (".txt", str.encode)])
def test_pages_of_each_format(tmp_path, suffix, write):
    path = tmp_path / f"f{suffix}"
    path.write_bytes(write("Trang một có chữ.\fTrang hai có chữ."))
    pages = pages_from_path(path, max_bytes=2**20, max_pages=10)
    assert len(pages) == 2 and "Trang hai" in pages[1] and "Trang hai" not in pages[0]
    with pytest.raises(LoadError, match="limit is 1"):
        pages_from_path(path, max_bytes=2**20, max_pages=1)


def test_files_without_text_are_refused(tmp_path):
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(blank_pdf_bytes())
    with pytest.raises(LoadError, match="scanned PDF"):
        pages_from_path(scan, max_bytes=2**20, max_pages=10)
    json_file = tmp_path / "x.txt"
    json_file.write_text('[{"case_id": "a", "judgment_text": "b"}]')
    with pytest.raises(LoadError, match="not a case file"):
        pages_from_path(json_file, max_bytes=2**20, max_pages=10)


def test_a_party_named_again_briefly_is_one_party():
    """A statement of claim has no end to its list of parties: the last one's paragraph naming "bà Lan" again is
    still Lê Thị Lan, not a second defendant; two people of one role stay two."""
    from corpus.case_file.reading import _distinct
    from corpus.case_law.documents import Party

    parties = [Party("Nguyên đơn", "Trần Văn Hùng"), Party("Bị đơn", "Lê Thị Lan"), Party("Bị đơn", "Lan"),
               Party("Bị đơn", "Lê Thị Lan"), Party("Bị đơn", "Phạm Văn Lan")]
    assert [(p.role, p.name) for p in _distinct(parties)] == [
        ("Nguyên đơn", "Trần Văn Hùng"), ("Bị đơn", "Lê Thị Lan"), ("Bị đơn", "Phạm Văn Lan")]
