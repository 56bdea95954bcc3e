"""Case files written by the tests themselves: a text as a PDF (fpdf2, DejaVu Sans for the Vietnamese glyphs) or a
.docx (python-docx), pages split where the text has a form feed; an encrypted PDF; a PDF with no text (as scanned)."""

from __future__ import annotations

import io

import pytest

from benchmarks.casefile import FONT, docx_bytes  # noqa: F401 - the tests write .docx files with it
from benchmarks.casefile import pdf_bytes as write_pdf


def pdf_bytes(text: str, *, encrypt: str | None = None) -> bytes:
    """benchmarks/casefile.py's writer, the test skipped (saying why) when fpdf2 or the font is missing."""
    pytest.importorskip("fpdf", reason="fpdf2 writes the test PDFs (pip install fpdf2)")
    if not FONT.exists():
        pytest.skip(f"no font with Vietnamese glyphs at {FONT} (Debian: fonts-dejavu-core)")
    return write_pdf(text, encrypt=encrypt)


def blank_pdf_bytes(pages: int = 2) -> bytes:
    """A PDF whose pages hold no text (what a scanner without OCR produces, minus the image)."""
    from pypdf import PdfWriter

    w = PdfWriter()
    for _ in range(pages):
        w.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    w.write(out)
    return out.getvalue()
