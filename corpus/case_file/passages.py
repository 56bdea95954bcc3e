"""A case file's pages → passages, each with its page and its paragraph on that page (both from 1), so an answer can
cite "Tệp: đơn khởi kiện, trang 2, đoạn 3" and open to it.

A PDF gives visual lines: a line continues the paragraph before it unless that one ended a sentence or a clause
(``.`` ``:`` ``;`` ``!`` ``?``), this one opens an item ("1.", "[2]", "a)", "-"), or either is a heading in capitals.
Lines that are only a page number are dropped. A paragraph longer than ``max_chars`` is cut at sentence ends into
passages that keep its paragraph number (``part`` counts them).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from corpus.text import nfc

MAX_CHARS = 1200
_PAGE_NUMBER = re.compile(r"^\s*(?:[-–]\s*)?(?:trang\s+)?\d{1,4}(?:\s*/\s*\d{1,4})?(?:\s*[-–])?\s*$", re.I)
_ITEM = re.compile(r"^\s*(?:\[\d{1,3}\]|\d{1,3}(?:\.\d{1,3})*[.)]\s|[a-zđ][)]\s|[-–•+*]\s|[IVXLC]{1,6}[.)]\s)")
_ENDS = re.compile(r"[.:;!?…][”\"’)]*\s*$")
_SENTENCE_END = re.compile(r"(?<=[.;!?…])[”\"’)]*\s+(?=[A-ZĐÀ-Ỹ0-9“\"(\[-])")
_WS = re.compile(r"[ \t\u00a0\u200b\ufeff\x0b]+")


@dataclass(frozen=True)
class Passage:
    ordinal: int  # 0-based, in file order
    page: int
    paragraph: int
    text: str
    part: int = 1  # > 1: the rest of a long paragraph

    @property
    def location(self) -> str:
        return f"trang {self.page}, đoạn {self.paragraph}"


def _is_heading(line: str) -> bool:
    letters = [c for c in line if c.isalpha()]
    return len(letters) >= 3 and all(c.isupper() for c in letters)


def paragraphs(page: str) -> list[str]:
    """The paragraphs of one page's text, in order."""
    lines = [_WS.sub(" ", ln).strip() for ln in nfc(page).replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    out: list[str] = []
    current: list[str] = []

    def flush() -> None:
        if current:
            out.append(" ".join(current))
            current.clear()

    for line in lines:
        if not line:
            flush()
            continue
        if _PAGE_NUMBER.match(line):
            continue
        if current and (_ENDS.search(current[-1]) or _ITEM.match(line) or _is_heading(line)
                        or _is_heading(current[-1])):
            flush()
        current.append(line)
    flush()
    return out


def _cut(text: str, max_chars: int) -> list[str]:
    if len(text) <= max_chars:
        return [text]
    pieces, current = [], ""
    for sentence in _SENTENCE_END.split(text):
        while len(sentence) > max_chars:  # one sentence longer than a passage: cut at a space
            cut = sentence.rfind(" ", 0, max_chars)
            cut = cut if cut > max_chars // 2 else max_chars
            if current:
                pieces.append(current)
                current = ""
            pieces.append(sentence[:cut].strip())
            sentence = sentence[cut:].strip()
        if current and len(current) + 1 + len(sentence) > max_chars:
            pieces.append(current)
            current = sentence
        else:
            current = f"{current} {sentence}".strip()
    if current:
        pieces.append(current)
    return [p for p in pieces if p]


def split_passages(pages: list[str], max_chars: int = MAX_CHARS) -> list[Passage]:
    """Every passage of the file, page by page."""
    out: list[Passage] = []
    for page_no, page in enumerate(pages, 1):
        for para_no, para in enumerate(paragraphs(page), 1):
            for part, text in enumerate(_cut(para, max_chars), 1):
                out.append(Passage(len(out), page_no, para_no, text, part))
    return out
