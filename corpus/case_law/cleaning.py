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


_TERMINAL = (".", ";", ":", "!", "?", ")", "”", "\"")
_ATTENDANCE = {"co mat", "vang mat", "mat", "co", "vang", "xin vang"}


def _short(line: str) -> bool:
    return 0 < len(line.split()) <= 3 and ":" not in line


def clean_description(text: str) -> str:
    """A party's paragraph without the debris of a page laid out in columns: a word cut from the end of its line is
    joined back ("Tiền\\n\\nGiang." → "Tiền Giang."), and short stray lines after a finished sentence are dropped —
    the ends of other parties' addresses ("Tiền Giang.", "Long An.") and attendance notes already given
    ("Vắng mặt.", "mặt.")."""
    lines = [line.strip() for line in nfc(text).split("\n")]
    joined: list[str] = []
    for line in lines:
        if not line:
            continue
        prev = joined[-1] if joined else ""
        if prev and prev[-1].isalpha() and _short(line) and not _ATTENDANCE_START.match(line):
            joined[-1] = f"{prev} {line}"  # "… huyện Chợ Gạo, Tiền" + "Giang."
            continue
        if prev and prev.endswith(_TERMINAL) and _short(line) and line.endswith("."):
            words = squash(line).rstrip(".")
            said = fold(words)
            if said in _ATTENDANCE and any(fold(x).rstrip(" .").endswith(said) for x in joined) \
                    or (said not in _ATTENDANCE and words[:1].isupper()) or said == "mat":
                continue  # a stray fragment: another address's end, or an attendance already given
        joined.append(line)
    return "\n".join(joined)


_ATTENDANCE_START = re.compile(r"(?i)^(?:có\s+mặt|vắng\s+mặt)\b")
