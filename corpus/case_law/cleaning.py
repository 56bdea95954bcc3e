"""Text helpers of the case-law parsers: cleaning a published text, reading a Vietnamese date, tidying a section's
text and keying a line for heading matches."""

from __future__ import annotations

import datetime as dt
import re

from corpus.legacy_fonts import repair_legacy_glyphs
from corpus.text import fold, nfc, squash

_DATE = re.compile(r"(\d{1,2})\s*[-/.]\s*(\d{1,2})\s*[-/.]\s*(\d{4})")
_DATE_WORDS = re.compile(r"(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})", re.IGNORECASE)
_PAGE_NUMBER = re.compile(r"^\s*\d{1,3}\s*$")


def parse_vn_date(value: object) -> dt.date | None:
    """``07-11-2018``, ``29/11/2018``, ``29 - 11 - 2017``, ``ngày 28 tháng 8 năm 2018`` (day first) → date; None if
    unreadable."""
    if not isinstance(value, str):
        return None
    m = _DATE.search(value) or _DATE_WORDS.search(value)
    if not m:
        return None
    try:
        return dt.date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
    except ValueError:
        return None


def clean_text(text: str) -> str:
    """NFC, legacy glyphs repaired, one kind of line ending, spaces collapsed in each line."""
    text = repair_legacy_glyphs(nfc(text).replace("\r\n", "\n").replace("\r", "\n"))
    return "\n".join(" ".join(line.split()) for line in text.split("\n"))


def tidy(text: str) -> str:
    """A section's text: page-number lines dropped, runs of blank lines collapsed, ends trimmed."""
    out: list[str] = []
    for line in text.split("\n"):
        if _PAGE_NUMBER.match(line):
            continue
        if not line.strip() and out and not out[-1].strip():
            continue
        out.append(line.strip())
    return "\n".join(out).strip()


def line_key(line: str) -> str:
    """A line as a heading key: folded, single spaces, leading bullets and trailing ':' '.' trimmed."""
    k = fold(squash(line))
    k = re.sub(r"^[\s\-–*•+]+", "", k)
    return re.sub(r"[\s:;.,\-–]+$", "", k)
