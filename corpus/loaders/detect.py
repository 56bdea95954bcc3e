"""Format detection from content (not the extension) and strict, BOM-aware text decoding."""

from __future__ import annotations

import codecs
import re
import zipfile
from pathlib import Path

from corpus.loaders.errors import LoadError

HEAD_BYTES = 64 * 1024

#: every value ``detect_format`` can return
FORMATS = ("pdf", "docx", "html", "text", "json", "alqac_law", "alqac2026_law", "judgments", "empty", "binary")
JSON_SHAPES = {
    "alqac_law": 'a list of laws {"id", "articles": [{"id", "text"}]}',
    "alqac2026_law": 'a list of laws {"id", "law_id", "content": [{"aid", "content_Article"}]}',
    "judgments": 'a list of judgments {"case_id", "judgment_text", …}',
}

_BOMS = [  # longest first: UTF-32 LE starts with the UTF-16 LE BOM
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
]

_MAGIC = [
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"\x1f\x8b", "a gzip-compressed file (decompress it first)"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "a legacy Office file (.doc/.xls) — save it as .docx"),
    (b"{\\rtf", "an RTF file — save it as .docx or UTF-8 text"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"Rar!", "a RAR archive"),
    (b"\x7fELF", "an executable (ELF)"),
    (b"BZh", "a bzip2-compressed file"),
    (b"\xfd7zXZ\x00", "an xz-compressed file"),
    (b"II*\x00", "a TIFF image"),
    (b"MM\x00*", "a TIFF image"),
]

_HTML_START = re.compile(r"^(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body|meta|title)\b",
                         re.I | re.S)
_HTML_TAGS = re.compile(r"<(?:html|body|div|p|table|br|h[1-6]|span|head)\b[^>]*>", re.I)
_JSON_KEYS = re.compile(r'"(law_id|content_Article|aid|judgment_text|judgment_number|case_id|articles)"\s*:')


def bom_encoding(data: bytes) -> str | None:
    return next((enc for bom, enc in _BOMS if data.startswith(bom)), None)


def decode_text(data: bytes, path: Path | str = "<bytes>") -> str:
    """Bytes → str: a BOM (UTF-8/16/32) wins, otherwise strict UTF-8. Raises LoadError naming the bad byte's offset."""
    enc = bom_encoding(data)
    try:
        text = data.decode(enc or "utf-8")
    except UnicodeDecodeError as e:
        bad = data[e.start:e.start + 1]
        what = f"invalid {enc.upper() if enc else 'UTF-8'}"
        hint = "" if enc else " (legacy encoding such as Windows-1258/TCVN3? re-save the file as UTF-8)"
        raise LoadError(path, f"{what} at byte offset {e.start} (0x{bad.hex()}){hint}") from None
    text = text.lstrip("\ufeff")
    if "\x00" in text:
        raise LoadError(path, f"binary content: NUL character at offset {text.index(chr(0))} after decoding")
    return text


def _head_text(head: bytes) -> str | None:
    """Decode the head leniently about a multi-byte character cut at its end; None if it is not text."""
    enc = bom_encoding(head)
    if enc:
        return codecs.getincrementaldecoder(enc)(errors="replace").decode(head, final=False).lstrip("\ufeff")
    try:
        return codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError:
        return None


def describe_binary(head: bytes) -> str:
    """A readable name for content that is not a supported document."""
    for magic, what in _MAGIC:
        if head.startswith(magic):
            return f"binary content: {what}"
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return "binary content: a ZIP archive that is not a Word .docx (no word/document.xml)"
    controls = sum(1 for b in head[:4096] if b < 0x20 and b not in b"\t\n\r\f" or b == 0x7F)
    return f"binary content: {controls} control bytes in the first {min(len(head), 4096)} bytes; not a text document"


def _looks_binary(head: bytes) -> bool:
    if any(head.startswith(m) for m, _ in _MAGIC):
        return True
    sample = head[:4096]
    if b"\x00" in sample:
        return True
    controls = sum(1 for b in sample if b < 0x20 and b not in b"\t\n\r\f\x1b" or b == 0x7F)
    return controls > max(2, len(sample) // 100)


def _is_docx(path: Path) -> bool:
    try:
        with zipfile.ZipFile(path) as z:
            return "word/document.xml" in z.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return False


def json_shape_from_head(text: str) -> str:
    """Guess the JSON shape from the keys seen first; "json" when the head does not tell."""
    for m in _JSON_KEYS.finditer(text):
        key = m.group(1)
        if key in ("law_id", "content_Article", "aid"):
            return "alqac2026_law"
        if key in ("judgment_text", "judgment_number", "case_id"):
            return "judgments"
        if key == "articles":
            return "alqac_law"
    return "json"


def json_shape(data: object) -> str | None:
    """The shape of parsed JSON (authoritative, unlike the head guess), or None if it is none of the known ones."""
    if not isinstance(data, list) or not data or not isinstance(data[0], dict):
        return None
    first = data[0]
    if "law_id" in first and "content" in first:
        return "alqac2026_law"
    if "articles" in first and "id" in first:
        return "alqac_law"
    if "judgment_text" in first or "case_id" in first:
        return "judgments"
    return None


def detect_format(path: Path, head: bytes) -> str:
    """What the file is, from its first bytes (``head``) — the extension is not trusted.

    Returns one of ``FORMATS``: "pdf", "docx", "html", "text", a JSON shape ("alqac_law", "alqac2026_law",
    "judgments") or "json" when the head does not tell the shape, "empty" (nothing but whitespace), "binary".
    """
    path = Path(path)
    stripped = head.lstrip(b" \t\r\n\x0c")
    if not stripped:
        return "empty"
    pdf_at = head[:1024].find(b"%PDF-")  # readers accept the marker anywhere in the first KiB, after junk
    if pdf_at == 0 or (pdf_at > 0 and (not head[:pdf_at].strip() or _looks_binary(head[:pdf_at]))):
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return "docx" if _is_docx(path) else "binary"
    enc = bom_encoding(head)
    if not enc and _looks_binary(head):
        return "binary"
    text = _head_text(head)
    if text is None:
        # not valid UTF-8 but looks like text: sniff markup on a byte-transparent decoding; the loader then reports
        # the offending byte (or honours an HTML <meta charset>)
        text = head.decode("latin-1")
    body = text.lstrip(" \t\r\n\f\ufeff")
    if not body:
        return "empty"
    if body[0] in "[{":
        return json_shape_from_head(body)
    if _HTML_START.match(body) or (body.startswith("<") and len(_HTML_TAGS.findall(body[:8192])) >= 2):
        return "html"
    return "text"
