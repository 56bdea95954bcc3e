"""Loaders: every format → LegalDocument, bad input → one clear LoadError. Binary fixtures are generated here."""

from __future__ import annotations

import datetime as dt
import json
import os
import pickle
import zlib
from pathlib import Path

import pytest

from corpus.loaders import LoadError, detect_format, iter_files, load_path
from corpus.loaders.known import KNOWN_DOCUMENTS, doc_type_for, normalize_number
from corpus.law import DocumentType

DATA = Path(os.environ.get("THUKY_DATA_DIR") or Path(__file__).resolve().parents[2].parent / "shared" / "data")
needs_data = pytest.mark.skipif(not (DATA / "statutes").is_dir(),
                                reason=f"shared data not found at {DATA} (set THUKY_DATA_DIR)")

STATUTE = """QUỐC HỘI
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM Độc lập - Tự do - Hạnh phúc
Luật số: 12/2020/QH14
Hà Nội, ngày 16 tháng 6 năm 2020
LUẬT
HÒA GIẢI THỬ NGHIỆM
Chương I
NHỮNG QUY ĐỊNH CHUNG
Điều 1. Phạm vi điều chỉnh
Luật này quy định về hòa giải thử nghiệm.
Điều 2. Nguyên tắc
1. Tôn trọng sự tự nguyện của các bên:
a) Không ép buộc;
b) Không cản trở.
2. Bảo đảm bí mật.
"""


def check_statute(docs, fmt: str) -> None:
    assert len(docs) == 1
    doc = docs[0]
    assert doc.source_format == fmt
    assert doc.number == "12/2020/QH14"
    assert [a.number for a in doc.articles] == ["1", "2"]
    art = doc.article("2")
    assert art.title == "Nguyên tắc"
    assert [c.number for c in art.clauses] == ["1", "2"]
    assert [p.letter for p in art.clause("1").points] == ["a", "b"]
    assert doc.article("1").text == "Luật này quy định về hòa giải thử nghiệm."


def load_error(path: Path, **kw) -> LoadError:
    with pytest.raises(LoadError) as info:
        load_path(path, **kw)
    err = info.value
    assert err.path == path
    assert str(err).startswith(f"{path}: ")
    assert "\n" not in str(err) and err.reason
    return err


# ------------------------------------------------------------------ fixture generators

def make_docx(path: Path, lines: list[str], table: list[list[str]] | None = None) -> Path:
    import docx

    document = docx.Document()
    for line in lines:
        document.add_paragraph(line)
    if table:
        t = document.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for c, value in enumerate(row):
                t.cell(r, c).text = value
    document.save(str(path))
    return path


def make_pdf(lines: list[str] | None) -> bytes:
    """A minimal valid one-page PDF. Text is drawn in Helvetica with one-byte codes and a ToUnicode CMap, so any
    characters (Vietnamese included) come back from text extraction. ``None`` → a page with no text at all."""
    objects: list[bytes] = []
    codes: dict[str, int] = {}
    if lines:
        for ch in sorted({ch for line in lines for ch in line}):
            codes[ch] = 0x20 if ch == " " else 0x21 + len([c for c in codes if c != " "])
        assert max(codes.values()) <= 0xFF
        ops = [b"BT /F1 11 Tf 14 TL 50 800 Td"]
        for line in lines:
            ops.append(b"<" + bytes(codes[ch] for ch in line).hex().encode() + b"> Tj T*")
        ops.append(b"ET")
        content = b"\n".join(ops)
    else:
        content = b""
    entries = [f"<{code:02x}> <{ord(ch):04x}>".encode() for ch, code in codes.items()]
    blocks = b"".join(
        b"%d beginbfchar\n" % len(entries[i:i + 100]) + b"\n".join(entries[i:i + 100]) + b"\nendbfchar\n"
        for i in range(0, len(entries), 100))
    cmap = (b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n"
            b"/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
            b"/CMapName /Adobe-Identity-UCS def /CMapType 2 def\n"
            b"1 begincodespacerange <00> <FF> endcodespacerange\n" + blocks +
            b"endcmap CMapName currentdict /CMap defineresource pop end end")
    objects.append(b"<< /Type /Catalog /Pages 2 0 R >>")
    objects.append(b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>")
    objects.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
                   b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>")
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /ToUnicode 6 0 R >>")
    for stream in (content, cmap):
        packed = zlib.compress(stream)
        objects.append(b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(packed) + packed + b"\nendstream")
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for i, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % off for off in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


HTML = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>Luật thử</title>
<style>p {{ color: red }} .x::after {{ content: "Điều 99. Không được thấy" }}</style>
<script>var s = "Điều 98. Không được thấy";</script></head>
<body><div class="nav">Trang chủ</div>
{body}
</body></html>"""


def statute_html() -> str:
    paras = []
    for line in STATUTE.strip().split("\n"):
        if line.startswith("Điều 2."):  # a heading split across source lines and inline tags
            paras.append("<p><b>Điều 2.</b>\n   <span>Nguyên   tắc</span></p>")
        else:
            paras.append(f"<p>{line}</p>")
    paras[1] = paras[1].replace("VIỆT NAM ", "VIỆT NAM<br>")
    return HTML.format(body="\n".join(paras))


# ------------------------------------------------------------------ good input, each format

def test_text_statute(tmp_path):
    p = tmp_path / "luat.txt"
    p.write_text(STATUTE, encoding="utf-8")
    check_statute(load_path(p), "text")
    assert load_path(p)[0].source == str(p)


def test_text_statute_with_bom_crlf_and_nfd(tmp_path):
    import unicodedata

    p = tmp_path / "luat-bom.txt"
    p.write_bytes(b"\xef\xbb\xbf" + unicodedata.normalize("NFD", STATUTE).replace("\n", "\r\n").encode("utf-8"))
    check_statute(load_path(p), "text")


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-32"])
def test_text_statute_utf16_with_bom(tmp_path, encoding):
    p = tmp_path / "luat16.txt"
    data = STATUTE.encode(encoding)
    if encoding == "utf-16-be":
        data = b"\xfe\xff" + data
    p.write_bytes(data)
    assert detect_format(p, data[:4096]) == "text"
    check_statute(load_path(p), "text")


def test_docx_statute_with_table(tmp_path):
    lines = STATUTE.strip().split("\n")
    p = make_docx(tmp_path / "luat.docx", lines[2:], table=[["QUỐC HỘI", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"]])
    docs = load_path(p)
    check_statute(docs, "docx")


def test_docx_table_cells_are_text(tmp_path):
    p = make_docx(tmp_path / "bang.docx", ["Luật số: 01/2021/QH15", "LUẬT", "BẢNG"],
                  table=[["Điều 1. Trong bảng", "Nội dung trong ô bảng."]])
    doc = load_path(p)[0]
    assert doc.article("1").title == "Trong bảng"
    assert "Nội dung trong ô bảng." in doc.article("1").text


def test_html_statute(tmp_path):
    p = tmp_path / "luat.html"
    p.write_text(statute_html(), encoding="utf-8")
    assert detect_format(p, p.read_bytes()) == "html"
    docs = load_path(p)
    check_statute(docs, "html")
    everything = "\n".join(a.full_text for a in docs[0].articles) + docs[0].preamble
    assert "Không được thấy" not in everything  # script and style are dropped
    assert [a.number for a in docs[0].articles] == ["1", "2"]


def encode_cp1258(text: str) -> bytes:
    """Windows-1258 keeps tone marks as combining characters: base letter (â, ư, …) then the tone."""
    import unicodedata

    tones = "\u0300\u0301\u0303\u0309\u0323"
    out = bytearray()
    for ch in text:
        try:
            out += ch.encode("cp1258")
        except UnicodeEncodeError:
            parts = unicodedata.normalize("NFD", ch)
            base = unicodedata.normalize("NFC", "".join(m for m in parts if m not in tones))
            out += (base + "".join(m for m in parts if m in tones)).encode("cp1258")
    return bytes(out)


def test_html_declared_legacy_charset(tmp_path):
    p = tmp_path / "cp1258.htm"
    html = ('<html><head><meta http-equiv="Content-Type" content="text/html; charset=windows-1258"></head><body>'
            "<p>Luật số: 05/2019/QH14</p><p>LUẬT</p><p>THỬ</p><p>Điều 1. Phạm vi</p><p>Nội dung.</p></body></html>")
    p.write_bytes(encode_cp1258(html))
    doc = load_path(p)[0]
    assert doc.article("1").title == "Phạm vi"


def test_pdf_statute_vietnamese(tmp_path):
    p = tmp_path / "luat.pdf"
    p.write_bytes(make_pdf(STATUTE.strip().split("\n")))
    assert detect_format(p, p.read_bytes()[:1024]) == "pdf"
    check_statute(load_path(p), "pdf")


def test_txt_that_is_a_pdf_is_loaded_as_pdf(tmp_path):
    p = tmp_path / "actually-pdf.txt"
    p.write_bytes(make_pdf(STATUTE.strip().split("\n")))
    assert detect_format(p, p.read_bytes()[:1024]) == "pdf"
    check_statute(load_path(p), "pdf")


def test_docx_renamed_txt_and_txt_renamed_docx(tmp_path):
    real_docx = make_docx(tmp_path / "a.docx", STATUTE.strip().split("\n"))
    as_txt = tmp_path / "a.txt"
    as_txt.write_bytes(real_docx.read_bytes())
    check_statute(load_path(as_txt), "docx")
    fake_docx = tmp_path / "b.docx"
    fake_docx.write_text(STATUTE, encoding="utf-8")
    check_statute(load_path(fake_docx), "text")  # content wins over the extension


# ------------------------------------------------------------------ JSON shapes, small

ALQAC = [{"id": "Luật Thử nghiệm", "articles": [
    {"id": "1", "text": "Phạm vi điều chỉnh\n\nLuật này quy định về thử nghiệm."},
    {"id": "2", "text": "Nguyên tắc\n\n1. Tự nguyện:\n\na) Không ép buộc;\n\nb) Không cản trở.\n\n2. Bí mật."},
    {"id": "3", "text": "1. Điều không có tiêu đề.\n\n2. Khoản hai."},
    {"id": "4", "text": "Câu văn không tiêu đề, kết thúc bằng dấu chấm."},
    {"id": "5", "text": "Chỉ có tiêu đề"},
]}, {"id": "91/2015/QH13", "articles": [{"id": "1", "text": "Phạm vi điều chỉnh\n\nBộ luật này quy định…"}]}]

ALQAC2026 = [{"id": 7, "law_id": "24/2012/NĐ-CP", "content": [
    {"aid": 101, "content_Article": "1. Khoản một:\t\ta) điểm a;\t\tb) điểm b.\n\n2. Khoản hai."},
    {"aid": 100, "content_Article": "Nghị định này quy định về\r\nkinh doanh vàng."},
]}]

JUDGMENTS = [{"case_id": "case_1", "judgment_number": "33 /2018/DS-ST", "judgment_date": " 03-8-2018 ",
              "court": "Tòa án nhân dân huyện X", "case_type": "Dân sự", "court_level": "Sơ thẩm",
              "verdict_label": "A_WIN", "related_law_provisions": "Bộ luật Dân sự năm 2015 | Điều 584",
              "judgment_text": "*************************** 1. row ***************************\n"
                               "    case_name: Tranh chấp thừa kế\njudgment_text: TÒA ÁN NHÂN DÂN\nBẢN ÁN"},
             {"case_id": "case_2", "judgment_number": "03/2018/DS-ST", "judgment_date": "29/11/2018",
              "court": "Tòa án nhân dân tỉnh Y", "judgment_text": "TÒA ÁN"},
             {"case_id": "case_3", "judgment_number": "03/2018/DS-ST", "judgment_date": "không rõ",
              "judgment_text": ""}]


def write_json(tmp_path: Path, name: str, data) -> Path:
    p = tmp_path / name
    p.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    return p


def test_alqac_law_small(tmp_path):
    p = write_json(tmp_path, "law.json", ALQAC)
    assert detect_format(p, p.read_bytes()) == "alqac_law"
    a, b = load_path(p)
    assert (a.id, a.title, a.doc_type, a.number) == ("luat-thu-nghiem", "Luật Thử nghiệm", DocumentType.LAW, None)
    assert "Luật Thử nghiệm" in a.aliases and a.extra["source_law_id"] == "Luật Thử nghiệm"
    art = a.article("2")
    assert art.title == "Nguyên tắc"
    assert art.text == "1. Tự nguyện:\na) Không ép buộc;\nb) Không cản trở.\n2. Bí mật."
    assert [c.number for c in art.clauses] == ["1", "2"]
    assert [p.letter for p in art.clause("1").points] == ["a", "b"]
    assert (a.article("3").title, [c.number for c in a.article("3").clauses]) == ("", ["1", "2"])
    assert (a.article("4").title, a.article("4").text) == ("", "Câu văn không tiêu đề, kết thúc bằng dấu chấm.")
    assert (a.article("5").title, a.article("5").text) == ("Chỉ có tiêu đề", "")
    assert (b.id, b.title, b.doc_type, b.issuer) == ("91/2015/QH13", "Bộ luật Dân sự", DocumentType.CODE, "Quốc hội")
    assert "BLDS 2015" in b.aliases and a.source_format == "alqac_law"


def test_alqac2026_law_small(tmp_path):
    p = write_json(tmp_path, "corpus_law_pub.json", ALQAC2026)
    assert detect_format(p, p.read_bytes()) == "alqac2026_law"
    (doc,) = load_path(p)
    assert (doc.id, doc.number, doc.doc_type, doc.issuer) == ("24/2012/NĐ-CP", "24/2012/NĐ-CP", DocumentType.DECREE,
                                                              "Chính phủ")
    assert doc.title == "Nghị định về quản lý hoạt động kinh doanh vàng"
    assert [a.number for a in doc.articles] == ["1", "2"]  # by aid, not by list order
    assert doc.article("1").title == "" and doc.article("1").text == "Nghị định này quy định về kinh doanh vàng."
    art2 = doc.article("2")
    assert art2.text == "1. Khoản một:\na) điểm a;\nb) điểm b.\n2. Khoản hai."
    assert [p.letter for p in art2.clause("1").points] == ["a", "b"]
    assert doc.extra["first_aid"] == 100 and doc.extra["source_id"] == 7


def test_judgments_small(tmp_path):
    p = write_json(tmp_path, "judgments.json", JUDGMENTS)
    assert detect_format(p, p.read_bytes()) == "judgments"
    a, b, c = load_path(p)
    assert (a.id, a.number, a.doc_type, a.issuer) == ("case_1", "33/2018/DS-ST", DocumentType.JUDGMENT,
                                                      "Tòa án nhân dân huyện X")
    assert a.issued_date == dt.date(2018, 8, 3) and b.issued_date == dt.date(2018, 11, 29) and c.issued_date is None
    assert a.title.startswith("Bản án số 33/2018/DS-ST ngày 03/08/2018 của Tòa án nhân dân huyện X")
    assert a.articles == [] and a.preamble == "TÒA ÁN NHÂN DÂN\nBẢN ÁN"
    assert a.extra["case_name"] == "Tranh chấp thừa kế" and a.extra["verdict_label"] == "A_WIN"
    assert "judgment_text" not in a.extra
    assert b.id != c.id  # same judgment number, different courts


def test_json_shape_found_when_head_does_not_tell(tmp_path):
    big = [{"id": "Luật Dài", "articles": [{"id": str(i), "text": f"Tiêu đề {i}\n\n" + "x" * 2000}
                                           for i in range(1, 60)]}]
    big[0] = {"padding": "y" * 70000, **big[0]}  # keys pushed beyond the 64 KiB head
    p = write_json(tmp_path, "law.json", big)
    assert detect_format(p, p.read_bytes()[:65536]) == "json"
    (doc,) = load_path(p)
    assert len(doc.articles) == 59


# ------------------------------------------------------------------ bad input: one clear LoadError each

def test_empty_file(tmp_path):
    p = tmp_path / "empty.txt"
    p.write_bytes(b"")
    assert "empty" in load_error(p).reason
    p.write_bytes(b" \n\t\r\n ")
    assert "empty" in load_error(p).reason


def test_random_bytes(tmp_path):
    p = tmp_path / "noise.txt"
    p.write_bytes(os.urandom(4096))
    assert detect_format(p, p.read_bytes()) == "binary"
    assert "binary" in load_error(p).reason


def test_png_named_txt(tmp_path):
    p = tmp_path / "image.txt"
    p.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + os.urandom(200))
    assert "PNG image" in load_error(p).reason


def test_zip_that_is_not_docx(tmp_path):
    import zipfile

    p = tmp_path / "archive.docx"
    with zipfile.ZipFile(p, "w") as z:
        z.writestr("hello.txt", "Điều 1. Không phải docx")
    assert detect_format(p, p.read_bytes()) == "binary"
    assert "not a Word .docx" in load_error(p).reason


def test_invalid_utf8_names_byte_offset(tmp_path):
    p = tmp_path / "latin.txt"
    good = "Điều 1. Phạm vi\nNội dung ".encode()
    p.write_bytes(good + b"caf\xe9 " + b"more text\n")
    err = load_error(p)
    offset = len(good) + 3
    assert "invalid UTF-8" in err.reason and f"byte offset {offset}" in err.reason and "0xe9" in err.reason


def test_truncated_json(tmp_path):
    p = tmp_path / "law.json"
    text = json.dumps(ALQAC, ensure_ascii=False, indent=1)
    p.write_text(text[: len(text) // 2], encoding="utf-8")
    err = load_error(p)
    assert "invalid JSON at line" in err.reason and "column" in err.reason and "truncated" in err.reason


def test_invalid_json_not_truncated(tmp_path):
    p = tmp_path / "bad.json"
    p.write_text('[{"id": "x", "articles": []},, {}]', encoding="utf-8")
    err = load_error(p)
    assert "invalid JSON at line 1, column 30" in err.reason


@pytest.mark.parametrize("data, expect", [
    ({"foo": 1}, "an object with keys ['foo']"),
    ([1, 2, 3], "a list of int"),
    ([], "an empty list"),
    ([{"name": "x"}], "a list of objects with keys ['name']"),
])
def test_json_of_wrong_shape(tmp_path, data, expect):
    p = write_json(tmp_path, "x.json", data)
    err = load_error(p)
    assert "wrong JSON shape" in err.reason and expect in err.reason and "expected" in err.reason


def test_json_shape_wrong_deeper(tmp_path):
    p = write_json(tmp_path, "law.json", [{"id": "Luật A", "articles": [{"id": "1"}]}])
    err = load_error(p)
    assert "wrong JSON shape" in err.reason and "Luật A" in err.reason and "article #0" in err.reason
    p = write_json(tmp_path, "c.json", [{"id": 1, "law_id": "1/2020/QH14", "content": [{"aid": "x"}]}])
    assert "article #0" in load_error(p).reason


def test_file_over_size_limit_refused_before_reading(tmp_path, monkeypatch):
    p = tmp_path / "huge.txt"
    with p.open("wb") as f:
        f.truncate(200 * 2**20)  # sparse: instant

    def no_read(*a, **k):
        raise AssertionError("file was read")

    monkeypatch.setattr(Path, "read_bytes", no_read)
    monkeypatch.setattr(Path, "open", no_read)
    err = load_error(p)
    assert "200.0 MB" in err.reason and "100.0 MB limit" in err.reason
    assert "limit" in load_error(p, max_bytes=10 * 2**20).reason


def test_small_limit(tmp_path):
    p = tmp_path / "luat.txt"
    p.write_text(STATUTE, encoding="utf-8")
    assert "limit" in load_error(p, max_bytes=100).reason


def test_pdf_without_text(tmp_path):
    p = tmp_path / "scan.pdf"
    p.write_bytes(make_pdf(None))
    assert "no extractable text" in load_error(p).reason


def test_damaged_pdf(tmp_path):
    p = tmp_path / "broken.pdf"
    p.write_bytes(b"%PDF-1.4\n" + os.urandom(300))
    assert "PDF" in load_error(p).reason


def test_text_without_articles(tmp_path):
    p = tmp_path / "README.md"
    p.write_text("# Hướng dẫn\nĐây là tệp mô tả, không phải văn bản luật.\n", encoding="utf-8")
    assert "no 'Điều N' article headings" in load_error(p).reason


def test_missing_file_and_directory(tmp_path):
    assert "no such file" in load_error(tmp_path / "nope.txt").reason
    assert "directory" in load_error(tmp_path).reason


def test_load_error_shape():
    err = LoadError(Path("/x/y.txt"), "bad thing\nsecond line")
    assert str(err) == "/x/y.txt: bad thing second line"
    assert err.path == Path("/x/y.txt") and err.reason == "bad thing second line"
    again = pickle.loads(pickle.dumps(err))
    assert str(again) == str(err) and again.path == err.path


# ------------------------------------------------------------------ detect_format, iter_files, known table

def test_detect_format_by_content(tmp_path):
    p = tmp_path / "whatever.bin"
    assert detect_format(p, b"") == "empty"
    assert detect_format(p, b"   \n") == "empty"
    assert detect_format(p, b"%PDF-1.7\n...") == "pdf"
    assert detect_format(p, b"\xef\xbb\xbf  <!DOCTYPE html><html>") == "html"
    assert detect_format(p, b"<html lang='vi'><body>") == "html"
    assert detect_format(p, "\ufeff[{\"id\": \"Luật A\", \"articles\": [".encode()) == "alqac_law"
    assert detect_format(p, b' [{"id": 9, "law_id": "91/2015/QH13", "content": [') == "alqac2026_law"
    assert detect_format(p, b'[{"court": "X", "case_id": "c1"') == "judgments"
    assert detect_format(p, b'{"foo": 1}') == "json"
    assert detect_format(p, "Điều 1. Phạm vi".encode()) == "text"
    assert detect_format(p, "Điều 1. Phạm vi".encode("utf-16")) == "text"
    assert detect_format(p, "<p>Điều 1</p> <p>x</p>".encode()) == "html"
    assert detect_format(p, "Điều 1 cắt giữa ký tự ệ".encode()[:-1]) == "text"  # head cut inside a character
    assert detect_format(p, b"\x89PNG\r\n\x1a\n\x00\x00") == "binary"


def test_iter_files(tmp_path):
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "z.txt").write_text("z")
    (tmp_path / "b" / "a.txt").write_text("a")
    (tmp_path / "a.txt").write_text("a")
    (tmp_path / ".hidden.txt").write_text("h")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "config").write_text("c")
    (tmp_path / "c.md").write_text("c")
    single = tmp_path / "b" / "z.txt"
    got = list(iter_files([tmp_path, single, tmp_path / "missing.txt"]))
    rel = [str(p.relative_to(tmp_path)) for p in got]
    assert rel == ["a.txt", "b/a.txt", "b/z.txt", "c.md", "missing.txt"]


def test_known_table_and_types():
    assert KNOWN_DOCUMENTS["01/VBHN-VPQH"].doc_type == DocumentType.CONSOLIDATED
    assert normalize_number(" 33 /2018/DS-ST ") == "33/2018/DS-ST"
    assert doc_type_for("Bộ luật dân sự") == DocumentType.CODE
    assert doc_type_for("Hiến pháp") == DocumentType.CONSTITUTION
    assert doc_type_for(None, "326/2016/UBTVQH14") == DocumentType.RESOLUTION
    assert doc_type_for(None, "99/2019/NĐ-CP") == DocumentType.DECREE
    assert doc_type_for(None, "02/2020/VBHN-VPQH") == DocumentType.CONSOLIDATED
    assert doc_type_for(None, "10/2020/QH14") == DocumentType.LAW
    assert doc_type_for("Bộ luật Hình sự", "100/2015/QH13") == DocumentType.CODE


# ------------------------------------------------------------------ real data (../shared/data)

@needs_data
def test_real_alqac_law():
    docs = load_path(DATA / "alqac" / "law.json")
    assert len(docs) == 17
    assert sum(len(d.articles) for d in docs) == 2249
    vc = next(d for d in docs if d.extra["source_law_id"] == "Luật Viên chức")
    assert vc.id == "luat-vien-chuc" and vc.doc_type == DocumentType.LAW
    assert vc.article("1").title == "Phạm vi điều chỉnh"
    assert {d.doc_type for d in docs} == {DocumentType.LAW, DocumentType.CODE, DocumentType.CONSTITUTION}
    hp = next(d for d in docs if d.id == "hien-phap")  # the Constitution's articles have no headings
    assert all(a.title == "" for a in hp.articles)
    assert hp.article("1").text.startswith("Nước Cộng hòa xã hội chủ nghĩa Việt Nam là một nước độc lập")
    assert hp.article("2").clause("1") is not None
    assert all(a.title for d in docs if d is not hp for a in d.articles)
    assert len({d.id for d in docs}) == 17


@needs_data
def test_real_alqac2022_law():
    docs = load_path(DATA / "alqac2022" / "law.json")
    assert sum(len(d.articles) for d in docs) == 1377
    by_id = {d.id: d for d in docs}
    assert set(by_id) == {"91/2015/QH13", "24/2018/QH14", "45/2019/QH14", "01/VBHN-VPQH"}
    assert by_id["91/2015/QH13"].title == "Bộ luật Dân sự" and len(by_id["91/2015/QH13"].articles) == 689
    assert by_id["01/VBHN-VPQH"].doc_type == DocumentType.CONSOLIDATED
    assert by_id["24/2018/QH14"].title == "Luật An ninh mạng"


@needs_data
def test_real_alqac2026_law():
    docs = load_path(DATA / "alqac2026" / "corpus_law_pub.json")
    assert len(docs) == 18
    assert sum(len(d.articles) for d in docs) == 3352
    by_id = {d.id: d for d in docs}
    assert set(by_id) <= set(KNOWN_DOCUMENTS)  # every law is named from the table
    blds = by_id["91/2015/QH13"]
    assert [a.number for a in blds.articles] == [str(n) for n in range(1, 690)]
    assert blds.article("1").text.startswith("Bộ luật này quy định địa vị pháp lý")
    assert blds.doc_type == DocumentType.CODE and blds.title == "Bộ luật Dân sự"
    assert by_id["326/2016/UBTVQH14"].doc_type == DocumentType.RESOLUTION
    assert by_id["37/2015/NĐ-CP"].doc_type == DocumentType.DECREE
    blhs = by_id["100/2015/QH13"]
    assert len(blhs.articles) == 426
    art51 = blhs.article("51")  # tình tiết giảm nhẹ: points a… from "\t\t"-separated items
    assert art51.clause("1") and art51.clause("1").point("s") is not None
    assert all("\t" not in a.text and "\r" not in a.text for d in docs for a in d.articles)


@needs_data
def test_real_judgments():
    docs = load_path(DATA / "alqac2026" / "judgments.json")
    assert len(docs) == 20
    assert len({d.id for d in docs}) == 20
    assert all(d.doc_type == DocumentType.JUDGMENT and d.articles == [] for d in docs)
    assert all(d.issued_date is not None and d.issuer for d in docs)
    assert all(d.preamble and not d.preamble.startswith("***") for d in docs)
    first = next(d for d in docs if d.id == "case_6616")
    assert first.number == "09/2018/DS-ST" and first.issued_date == dt.date(2018, 11, 7)
    assert first.extra["verdict_label"] == "A_WIN"
    assert "Bộ luật Dân sự năm 2015 |" in first.extra["related_law_provisions"]


@needs_data
def test_real_statute_utf16_roundtrip(tmp_path):
    src = DATA / "statutes" / "Luat-vien-chuc-2010-115271.txt"
    p = tmp_path / "vien-chuc-utf16.txt"
    p.write_bytes(src.read_text(encoding="utf-8").encode("utf-16"))
    a, b = load_path(src)[0], load_path(p)[0]
    assert b.number == a.number == "58/2010/QH12"
    assert [x.full_text for x in b.articles] == [x.full_text for x in a.articles]
    assert len(a.articles) == 62


@needs_data
@pytest.mark.slow
def test_real_statutes_all_load():
    files = list(iter_files([DATA / "statutes"]))
    loaded, refused = [], []
    for f in files:
        try:
            docs = load_path(f)
        except LoadError as e:
            refused.append(f.name)
            assert "no 'Điều N' article headings" in e.reason
            continue
        assert len(docs) == 1 and docs[0].articles, f
        loaded.append(docs[0])
    assert len(loaded) == 208
    assert sorted(refused) == ["REFERENCES.md", "SOURCE-README.md", "metadata.yaml"]
    assert sum(len(d.articles) for d in loaded) > 17000
