"""Statute files as text: .txt, .docx, .html, .pdf → plain text → ``parse_statute``."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

from corpus.loaders.detect import decode_text
from corpus.loaders.errors import LoadError
from corpus.law import LegalDocument
from corpus.text import nfc

#: the most a .docx may unpack to (all its zip members together), whatever its size on disk
DEFAULT_MAX_UNZIPPED_BYTES = 200 * 2**20
_ARTICLE_HEADING = re.compile(r"^[ \t\u00a0]*Điều[ \t\u00a0]+\d+", re.M | re.I)
_WS = re.compile(r"[ \t\u00a0\u200b\ufeff\x0b\x0c]+")


def normalize_text(text: str) -> str:
    """NFC, one kind of line ending, spaces collapsed inside lines, no blank-line runs."""
    text = nfc(text).replace("\r\n", "\n").replace("\r", "\n")
    lines = [_WS.sub(" ", line).strip() for line in text.split("\n")]
    return "\n".join(line for line in lines if line)


# ---------------------------------------------------------------- extraction, one per format

def check_unzipped_size(data: bytes, path: Path, max_bytes: int) -> int:
    """Refuse a zip (a .docx) whose members unpack to more than ``max_bytes`` together: the sizes the archive declares
    are checked first, then the bytes really inflated while reading, as a declared size can lie. Returns the total."""
    too_big = f"unpacks to more than {max_bytes / 2**20:.0f} MB (a zip bomb?); the limit is the upload's " \
              "decompressed-size limit"
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
            if sum(m.file_size for m in members) > max_bytes:
                raise LoadError(path, too_big)
            total = 0
            for member in members:
                with archive.open(member) as f:
                    while chunk := f.read(1 << 20):
                        total += len(chunk)
                        if total > max_bytes:
                            raise LoadError(path, too_big)
    except LoadError:
        raise
    except Exception as e:  # noqa: BLE001 - zipfile.BadZipFile, zlib.error, NotImplementedError… on arbitrary input
        raise LoadError(path, f"unreadable .docx ({type(e).__name__}: {e})") from None
    return total


def text_from_docx(path: Path, data: bytes | None = None, *,
                   max_unzipped_bytes: int = DEFAULT_MAX_UNZIPPED_BYTES) -> str:
    """Paragraphs and table cells in document order (python-docx), once the archive is known to unpack to at most
    ``max_unzipped_bytes``."""
    import docx  # python-docx
    from docx.oxml.ns import qn

    if data is None:
        data = Path(path).read_bytes()
    check_unzipped_size(data, path, max_unzipped_bytes)
    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as e:  # noqa: BLE001 - zipfile.BadZipFile, KeyError, lxml errors… on arbitrary input
        raise LoadError(path, f"unreadable .docx ({type(e).__name__}: {e})") from None

    lines: list[str] = []

    def walk(container) -> None:
        for child in container.iterchildren():
            if child.tag == qn("w:p"):
                lines.append(_w_text(child, qn))  # runs in hyperlinks/smart tags too
            elif child.tag == qn("w:tbl"):
                for row in child.iter(qn("w:tr")):
                    seen: list[str] = []
                    for cell in row.iter(qn("w:tc")):
                        cell_text = "\n".join(_w_text(p, qn) for p in cell.iter(qn("w:p")))
                        if cell_text.strip() and cell_text not in seen:  # merged cells repeat their text
                            seen.append(cell_text)
                    lines.extend(seen)
            elif child.tag in (qn("w:sdt"), qn("w:sdtContent"), qn("w:customXml")):
                walk(child)

    walk(document.element.body)
    return "\n".join(lines)


def _w_text(p, qn) -> str:
    """w:p → its text: w:t runs in order (also inside hyperlinks, smart tags, insertions), tabs, breaks."""
    parts: list[str] = []
    for el in p.iter(qn("w:t"), qn("w:tab"), qn("w:br"), qn("w:cr")):
        if el.tag == qn("w:t"):
            parts.append(el.text or "")
        elif el.tag == qn("w:tab"):
            parts.append("\t")
        else:
            parts.append("\n")
    return "".join(parts)


_BLOCK_TAGS = {
    "p", "div", "br", "hr", "li", "ul", "ol", "dl", "dt", "dd", "tr", "table", "thead", "tbody", "tfoot", "caption",
    "h1", "h2", "h3", "h4", "h5", "h6", "section", "article", "header", "footer", "nav", "aside", "main",
    "blockquote", "pre", "address", "figure", "figcaption", "form", "fieldset", "title",
}
_DROP_TAGS = ("script", "style", "noscript", "template", "iframe", "svg", "object", "embed")
_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)


def text_from_html(data: bytes, path: Path) -> str:
    """Visible text with block elements on their own lines (BeautifulSoup + lxml); script/style dropped."""
    from bs4 import BeautifulSoup, Comment, NavigableString

    try:
        html = decode_text(data, path)
    except LoadError:
        m = _CHARSET.search(data[:4096])  # a declared legacy charset (windows-1258…) is honoured
        if not m:
            raise
        try:
            html = data.decode(m.group(1).decode("ascii"))
        except (LookupError, UnicodeDecodeError):
            raise LoadError(path, f"cannot decode HTML as declared charset {m.group(1).decode('ascii')!r}") from None
    soup = BeautifulSoup(html, "lxml")
    for tag in soup(_DROP_TAGS):
        tag.decompose()
    for comment in soup.find_all(string=lambda s: isinstance(s, Comment)):
        comment.extract()
    for s in list(soup.find_all(string=True)):  # source line breaks inside a paragraph are just spaces
        if isinstance(s, NavigableString) and not s.find_parent("pre"):
            s.replace_with(_WS.sub(" ", s.replace("\r", " ").replace("\n", " ")))
    for tag in soup.find_all(["td", "th"]):
        tag.insert_after(" ")
    for tag in soup.find_all(_BLOCK_TAGS):
        if tag.name == "br":
            tag.replace_with("\n")
        else:
            tag.insert_before("\n")
            tag.insert_after("\n")
    root = soup.body or soup
    return root.get_text()


def pdf_pages(path: Path, data: bytes | None = None, *, max_pages: int | None = None) -> list[str]:
    """Each page's text in order (pypdf); an encrypted or damaged PDF, one with no pages or more than ``max_pages``,
    is refused."""
    from pypdf import PdfReader

    try:
        reader = PdfReader(io.BytesIO(data) if data is not None else str(path))
        if reader.is_encrypted and not reader.decrypt(""):
            raise LoadError(path, "encrypted PDF (it needs a password): remove the protection and upload it again")
        if max_pages is not None and len(reader.pages) > max_pages:
            raise LoadError(path, f"the PDF has {len(reader.pages)} pages; the limit is {max_pages}")
        pages = [page.extract_text() or "" for page in reader.pages]
    except LoadError:
        raise
    except Exception as e:  # noqa: BLE001 - pypdf raises a wide range on damaged files
        raise LoadError(path, f"unreadable PDF ({type(e).__name__}: {e})") from None
    if not pages:
        raise LoadError(path, "the PDF has no pages")
    return pages


def text_from_pdf(path: Path, data: bytes | None = None) -> str:
    """Page texts in order (pypdf). A PDF with no text layer is refused: OCR is not done here."""
    pages = pdf_pages(path, data)
    text = "\n".join(pages)
    if not text.strip():
        raise LoadError(path, f"no extractable text in {len(pages)} page(s) (scanned PDF? OCR it first)")
    return text


# ---------------------------------------------------------------- text → document

def document_from_text(text: str, path: Path, source_format: str) -> LegalDocument:
    """Normalized text → ``parse_statute``; a text without ``Điều N`` headings is not a statute and is refused."""
    from corpus.statute_parser import parse_statute  # written in parallel; imported late on purpose

    text = normalize_text(text)
    if not text:
        raise LoadError(path, "no text content (only whitespace)")
    if not _ARTICLE_HEADING.search(text):
        raise LoadError(path, "no 'Điều N' article headings found — not a statute text")
    try:
        doc = parse_statute(text, source=str(path))
    except (ValueError, IndexError, KeyError) as e:
        raise LoadError(path, f"statute parser failed ({type(e).__name__}: {e})") from None
    if not doc.articles:
        raise LoadError(path, "statute parser found 0 articles")
    doc.source = doc.source or str(path)
    doc.source_format = source_format
    return doc
