"""A case file (hồ sơ: a statement of claim, minutes, a judgment under appeal) as the text of its pages, for reading and
quoting rather than as a statute: .pdf pages as the file has them; a .docx split at its page breaks (explicit ones and
those Word recorded when it last laid the document out); .txt and .html split at form feeds. A file with no text at
all (a scanned PDF), an encrypted PDF or one with more pages than allowed is refused with a ``LoadError`` saying so.

Untrusted files go through :func:`corpus.loaders.isolated.load_pages_isolated` (a child process with limits).
"""

from __future__ import annotations

import io
from pathlib import Path

from corpus.loaders.detect import HEAD_BYTES, decode_text, describe_binary, detect_format
from corpus.loaders.errors import LoadError
from corpus.loaders.text import DEFAULT_MAX_UNZIPPED_BYTES, check_unzipped_size, pdf_pages, text_from_html
from corpus.text import nfc

FORMATS = ("pdf", "docx", "html", "text")
PAGE_BREAK = "\f"


def _docx_text(path: Path, data: bytes, max_unzipped_bytes: int) -> str:
    """Paragraphs (and table cells) one a line, a form feed at each page break."""
    import docx  # python-docx
    from docx.oxml.ns import qn

    check_unzipped_size(data, path, max_unzipped_bytes)
    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as e:  # noqa: BLE001 - zipfile.BadZipFile, KeyError, lxml errors… on arbitrary input
        raise LoadError(path, f"unreadable .docx ({type(e).__name__}: {e})") from None
    t, tab, br, cr, rendered = qn("w:t"), qn("w:tab"), qn("w:br"), qn("w:cr"), qn("w:lastRenderedPageBreak")
    br_type = qn("w:type")
    lines: list[str] = []
    for p in document.element.body.iter(qn("w:p")):
        parts: list[str] = []
        for el in p.iter(t, tab, br, cr, rendered):
            if el.tag == t:
                parts.append(el.text or "")
            elif el.tag == tab:
                parts.append("\t")
            elif el.tag == rendered or (el.tag == br and el.get(br_type) == "page"):
                parts.append(PAGE_BREAK)
            else:
                parts.append("\n")
        lines.append("".join(parts))
    return "\n".join(lines)


def pages_from_path(path: Path, *, max_bytes: int, max_pages: int,
                    max_unzipped_bytes: int = DEFAULT_MAX_UNZIPPED_BYTES) -> list[str]:
    """The file's pages as NFC text, in order (a page may be empty). Raises ``LoadError`` with the reason."""
    path = Path(path)
    try:
        size = path.stat().st_size
    except OSError as e:
        raise LoadError(path, f"cannot read file ({e.strerror or e})") from None
    if size > max_bytes:
        raise LoadError(path, f"the file is {size / 2**20:.1f} MB; the limit is {max_bytes / 2**20:.0f} MB")
    if size == 0:
        raise LoadError(path, "empty file (0 bytes)")
    data = path.read_bytes()
    fmt = detect_format(path, data[:HEAD_BYTES])
    if fmt == "empty":
        raise LoadError(path, f"empty file (only whitespace in {len(data)} bytes)")
    if fmt == "binary":
        raise LoadError(path, describe_binary(data[:HEAD_BYTES]))
    if fmt == "pdf":
        pages = pdf_pages(path, data, max_pages=max_pages)
    elif fmt == "docx":
        pages = _docx_text(path, data, max_unzipped_bytes).split(PAGE_BREAK)
    elif fmt == "html":
        pages = text_from_html(data, path).split(PAGE_BREAK)
    elif fmt == "text":
        pages = decode_text(data, path).split(PAGE_BREAK)
    else:
        raise LoadError(path, "not a case file: upload a .pdf, .docx, .txt or .html document")
    pages = [nfc(p) for p in pages]
    if fmt != "pdf" and len(pages) > 1 and not pages[-1].strip():
        pages.pop()  # a break at the very end opens no page
    if len(pages) > max_pages:
        raise LoadError(path, f"the document has {len(pages)} pages; the limit is {max_pages}")
    if not any(p.strip() for p in pages):
        if fmt == "pdf":
            raise LoadError(path, f"no text in its {len(pages)} page(s): a scanned PDF? Run OCR on it first and "
                                  "upload the PDF with its text layer")
        raise LoadError(path, "the document holds no text")
    return pages
