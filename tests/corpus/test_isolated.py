"""Hostile files: a .docx that unpacks to far more than it weighs, a PDF whose text takes minutes to extract, HTML
nested a hundred thousand deep, a file that needs more memory than allowed — each refused with one clear reason, by a
child process with limits, while the caller carries on. The files are made here."""

from __future__ import annotations

import time
import zipfile
import zlib
from pathlib import Path

import pytest

from corpus.loaders import LoadError, load_path
from corpus.loaders.isolated import ParseLimits, document_from_dict, document_to_dict, load_path_isolated

STATUTE = """QUỐC HỘI
Luật số: 12/2020/QH14
Hà Nội, ngày 16 tháng 6 năm 2020
LUẬT
HÒA GIẢI THỬ NGHIỆM
Điều 1. Phạm vi điều chỉnh
Luật này quy định về hòa giải thử nghiệm.
Điều 2. Nguyên tắc
1. Tôn trọng sự tự nguyện của các bên:
a) Không ép buộc;
2. Bảo đảm bí mật.
"""

_W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
_TYPES = ('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
          'content-types"><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/'
          'document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main'
          '+xml"/></Types>')


def zip_bomb_docx(path: Path, unpacked_mb: int = 300) -> Path:
    """A .docx of a few hundred KB whose word/document.xml unpacks to ``unpacked_mb`` MB (a paragraph of spaces)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("[Content_Types].xml", _TYPES)
        with z.open("word/document.xml", "w", force_zip64=True) as f:
            f.write(f'<?xml version="1.0"?><w:document {_W}><w:body><w:p><w:r><w:t>Điều 1. '.encode())
            block = b" " * 2**20
            for _ in range(unpacked_mb):
                f.write(block)
            f.write(b"</w:t></w:r></w:p></w:body></w:document>")
    return path


def _pdf(objects: dict[int, bytes]) -> bytes:
    out = bytearray(b"%PDF-1.7\n")
    offsets = {}
    for n, body in objects.items():
        offsets[n] = len(out)
        out += b"%d 0 obj\n" % n + body + b"\nendobj\n"
    xref, size = len(out), max(objects) + 1
    out += b"xref\n0 %d\n0000000000 65535 f \n" % size + b"".join(b"%010d 00000 n \n" % offsets[n]
                                                                   for n in range(1, size))
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (size, xref)
    return bytes(out)


def slow_pdf(path: Path, operators: int = 2_000_000) -> Path:
    """A one-page PDF of ~50 KB whose compressed content stream holds millions of text operators: extracting its
    text would take minutes."""
    content = zlib.compress(b"BT /F1 12 Tf 72 712 Td (Dieu 1. Pham vi) Tj ET " + b"BT (x) Tj ET " * operators, 9)
    path.write_bytes(_pdf({
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
           b"/Resources << /Font << /F1 5 0 R >> >> >>",
        4: b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(content) + content + b"\nendstream",
        5: b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    }))
    return path


def cyclic_pdf(path: Path) -> Path:
    """A PDF whose page tree contains itself."""
    path.write_bytes(_pdf({
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        2: b"<< /Type /Pages /Kids [2 0 R 3 0 R] /Count 2 >>",
        3: b"<< /Type /Pages /Kids [2 0 R] /Count 1 /Parent 2 0 R >>",
    }))
    return path


def nested_html(path: Path, depth: int = 100_000) -> Path:
    path.write_text("<html><body>" + "<div>" * depth + STATUTE + "</div>" * depth + "</body></html>",
                    encoding="utf-8")
    return path


def test_a_zip_bomb_is_refused_before_it_is_unpacked(tmp_path):
    bomb = zip_bomb_docx(tmp_path / "bom.docx")
    assert bomb.stat().st_size < 2**20
    t0 = time.monotonic()
    with pytest.raises(LoadError) as info:
        load_path(bomb, max_unzipped_bytes=50 * 2**20)
    assert "unpacks to more than 50 MB" in info.value.reason and "zip bomb" in info.value.reason
    assert time.monotonic() - t0 < 10


def test_the_unpacked_size_counts_the_bytes_read_not_only_the_declared_ones(tmp_path, monkeypatch):
    import zipfile as zf

    bomb = zip_bomb_docx(tmp_path / "bom.docx", unpacked_mb=20)
    real = zf.ZipFile.infolist

    def lying(self):  # as if every member declared 1 byte
        infos = real(self)
        for info in infos:
            info.file_size = 1
        return infos

    monkeypatch.setattr(zf.ZipFile, "infolist", lying)
    with pytest.raises(LoadError) as info:
        load_path(bomb, max_unzipped_bytes=5 * 2**20)
    assert "unpacks to more than 5 MB" in info.value.reason or "unreadable .docx" in info.value.reason


def test_isolated_parse_gives_the_same_documents(tmp_path):
    p = tmp_path / "luat.txt"
    p.write_text(STATUTE, encoding="utf-8")
    (doc,) = load_path_isolated(p, max_bytes=2**20)
    assert doc == load_path(p)[0]
    assert document_from_dict(document_to_dict(doc)) == doc


def test_a_pdf_that_takes_forever_is_killed_at_the_time_limit(tmp_path):
    pdf = slow_pdf(tmp_path / "cham.pdf")
    t0 = time.monotonic()
    with pytest.raises(LoadError) as info:
        load_path_isolated(pdf, max_bytes=2**20, limits=ParseLimits(timeout_s=2))
    assert "longer than the limit of 2 s" in info.value.reason
    assert time.monotonic() - t0 < 10


def test_a_pdf_whose_page_tree_loops_is_refused(tmp_path):
    with pytest.raises(LoadError) as info:
        load_path_isolated(cyclic_pdf(tmp_path / "vong.pdf"), max_bytes=2**20, limits=ParseLimits(timeout_s=20))
    assert "cyclic" in info.value.reason or "longer than the limit" in info.value.reason


def test_deeply_nested_html_is_refused_within_the_time_limit(tmp_path):
    html = nested_html(tmp_path / "sau.html")
    t0 = time.monotonic()
    with pytest.raises(LoadError) as info:
        load_path_isolated(html, max_bytes=10 * 2**20, limits=ParseLimits(timeout_s=3))
    assert "longer than the limit of 3 s" in info.value.reason or "nested too deeply" in info.value.reason
    assert time.monotonic() - t0 < 15


def test_a_file_that_needs_too_much_memory_is_refused(tmp_path):
    import json

    laws = [{"id": f"l{i}", "articles": [{"id": str(j), "text": f"Điều {j}. " + "x " * 200} for j in range(50)]}
            for i in range(1000)]
    p = tmp_path / "law.json"
    p.write_text(json.dumps(laws), encoding="utf-8")
    with pytest.raises(LoadError) as info:
        load_path_isolated(p, max_bytes=2**30, limits=ParseLimits(memory_mb=100))
    assert "memory limit of 100 MB" in info.value.reason
