"""Case files written by the tests themselves: a text as a PDF (fpdf2, DejaVu Sans for the Vietnamese glyphs) or a
.docx (python-docx), pages split where the text has a form feed; an encrypted PDF; a PDF with no text (as scanned)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")


def pdf_bytes(text: str, *, encrypt: str | None = None) -> bytes:
    fpdf = pytest.importorskip("fpdf", reason="fpdf2 writes the test PDFs (pip install fpdf2)")
    if not FONT.exists():
        pytest.skip(f"no font with Vietnamese glyphs at {FONT} (Debian: fonts-dejavu-core)")
    pdf = fpdf.FPDF(format="A4")
    pdf.add_font("dejavu", fname=str(FONT))
    pdf.set_font("dejavu", size=11)
    pdf.set_auto_page_break(True, margin=15)
    for page in text.split("\f"):
        pdf.add_page()
        for line in page.split("\n"):
            pdf.multi_cell(0, 5.5, line.strip() or " ", new_x="LMARGIN", new_y="NEXT")
    if encrypt:
        pdf.set_encryption(owner_password="owner", user_password=encrypt)
    return bytes(pdf.output())


def blank_pdf_bytes(pages: int = 2) -> bytes:
    """A PDF whose pages hold no text (what a scanner without OCR produces, minus the image)."""
    from pypdf import PdfWriter

    w = PdfWriter()
    for _ in range(pages):
        w.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    w.write(out)
    return out.getvalue()


def docx_bytes(text: str) -> bytes:
    import docx
    from docx.enum.text import WD_BREAK

    d = docx.Document()
    for i, page in enumerate(text.split("\f")):
        if i:
            d.paragraphs[-1].add_run().add_break(WD_BREAK.PAGE)
        for line in page.split("\n"):
            d.add_paragraph(line)
    out = io.BytesIO()
    d.save(out)
    return out.getvalue()
