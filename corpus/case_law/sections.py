"""A judgment's text split into its sections by their headings, matched on whole lines in their order."""

from __future__ import annotations

import re

from corpus.case_law.documents import CaseSection, Section
from corpus.case_law.cleaning import clean_text, line_key, tidy

_HEADINGS: dict[str, Section] = {
    "noi dung vu an": Section.FACTS, "noi dung vu viec": Section.FACTS, "noi dung su viec": Section.FACTS,
    "nhan thay": Section.FACTS,
    "nhan dinh cua toa an": Section.REASONING, "nhan dinh cua hoi dong xet xu": Section.REASONING,
    "xet thay": Section.REASONING, "nhan dinh": Section.REASONING,
    "quyet dinh": Section.DECISION,
}
_CLOSING = re.compile(r"^(?:noi nhan|t\.?m\.? hoi dong|t/m hoi dong|thay mat hoi dong)\b")
_ORDER = (Section.FACTS, Section.REASONING, Section.DECISION)


def _lines(text: str) -> list[tuple[int, str]]:
    """(offset, line) pairs."""
    out, pos = [], 0
    for line in text.split("\n"):
        out.append((pos, line))
        pos += len(line) + 1
    return out


def _heading_at(line: str, want: Section) -> tuple[str, str] | None:
    """``(heading as written, rest of the line)`` when ``line`` is the heading of ``want``: the whole line, or an
    upper-case heading followed by ':' and text ("NỘI DUNG VỤ ÁN: Theo đơn khởi kiện…")."""
    k = line_key(line)
    if _HEADINGS.get(k) == want:
        return line.strip(), ""
    head, sep, rest = line.partition(":")
    if sep and rest.strip() and head.strip() and head.strip() == head.strip().upper() \
            and _HEADINGS.get(line_key(head)) == want:
        return head.strip() + ":", rest.strip()
    return None


def split_judgment(text: str) -> list[CaseSection]:
    """The sections of a judgment's text, in order: header, facts, reasoning, decision, closing (those found).

    ``text`` is cleaned first (:func:`clean_text`). A section whose heading is not found is absent; the text before
    the first heading found is the header.
    """
    text = clean_text(text)
    lines = _lines(text)
    found: list[tuple[Section, int, int, str]] = []  # (section, line index, text start offset, heading)
    i = 0
    for want in _ORDER:
        for j in range(i, len(lines)):
            hit = _heading_at(lines[j][1], want)
            if hit:
                heading, rest = hit
                start = lines[j][0] + (len(lines[j][1]) - len(rest) if rest else len(lines[j][1]))
                found.append((want, j, start, heading))
                i = j + 1
                break
    closing = None
    if found and found[-1][0] == Section.DECISION:
        for j in range(found[-1][1] + 1, len(lines)):
            if _CLOSING.match(line_key(lines[j][1])):
                closing = j
                break
    sections: list[CaseSection] = []
    first = lines[found[0][1]][0] if found else len(text)
    sections.append(CaseSection(Section.HEADER, "", tidy(text[:first])))
    for n, (name, j, start, heading) in enumerate(found):
        end = lines[found[n + 1][1]][0] if n + 1 < len(found) else (
            lines[closing][0] if closing is not None else len(text))
        sections.append(CaseSection(name, heading, tidy(text[start:end])))
    if closing is not None:
        sections.append(CaseSection(Section.CLOSING, lines[closing][1].strip(), tidy(text[lines[closing][0]:])))
    return [s for s in sections if s.text or s.name != Section.CLOSING]
