"""What a case cites: the provisions of law the court applied, and the precedents it names."""

from __future__ import annotations

import re

from corpus.case_law.documents import APPLIED_SECTIONS, CaseSection, CitedProvision, Section
from corpus.citations import Reference, parse_citations
from corpus.text import nfc, squash

_PRECEDENT = re.compile(r"án\s+lệ\s+(?:số\s*:?\s*)?(\d{1,3}\s*/\s*\d{4}\s*/\s*AL)\b", re.IGNORECASE)


def precedent_numbers(text: str) -> list[str]:
    """Precedents cited ("Án lệ số 06/2016/AL") as normalised numbers, in order, once each."""
    return list(dict.fromkeys(re.sub(r"\s+", "", m.group(1)).upper() for m in _PRECEDENT.finditer(nfc(text))))


# what ends the reach of a document named later in a list of grounds ("Căn cứ …; Căn cứ …", a new sentence, a bullet)
_GROUNDS_BREAK = re.compile(r"(?i)(?<!\w)(?:căn\s+cứ|áp\s+dụng|vì\s+vậy|do\s+đó|xét\s+thấy|tuyên\s+xử)(?!\w)|"
                            r"\.\s|\n\s*(?:[-+*•]|\[?\d+[.\]])")
_GROUNDS_REACH = 400  # characters a document written after a list may reach back over
# judgment habits the citation parser does not read, rewritten without moving any character (spans stay valid):
# "các Điều 116; 117; 136" (semicolons between article numbers) and "Điều 227, 228- Bộ luật …" (a dash before the code)
_SEMICOLON_LIST = re.compile(r"(?<=\d);(?=\s*\d{1,4}[a-zđ]?(?![\w/.,]\d))")
_DASH_BEFORE_CODE = re.compile(r"(?<=\d)\s?[-–](?=\s*(?:Bộ\s+luật|Luật|BL|Nghị\s+quyết|Nghị\s+định))", re.IGNORECASE)


def _citable(text: str) -> str:
    text = _SEMICOLON_LIST.sub(",", text)
    return _DASH_BEFORE_CODE.sub(lambda m: " " * len(m.group(0)), text)


def _with_documents(text: str, cits: list) -> list:
    """Give a citation that names no document the document of the next citation in the same list of grounds.

    Judgments separate the grounds of one code with semicolons, which the citation parser reads as separate lists:
    "Căn cứ khoản 5 Điều 26; điểm a khoản 1 Điều 35; Điều 227, 229 và Điều 273 của Bộ luật Tố tụng dân sự" — the
    code at the end is meant for every article before it, up to the previous "Căn cứ", sentence or bullet.
    """
    out = list(cits)
    for i, c in enumerate(out):
        if c.document_ref is not None or not c.relative or c.article is None:
            continue
        for nxt in out[i + 1:]:
            if nxt.span[0] < c.span[1]:
                continue
            gap = text[c.span[1]: nxt.span[0]]
            if len(gap) > _GROUNDS_REACH or _GROUNDS_BREAK.search(gap):
                break
            if nxt.document_ref is not None and not nxt.relative:
                out[i] = Reference(c.article, c.clause, c.point, nxt.document_ref, False, c.span, c.text,
                                  c.this_clause)
                break
    return out


_NOTICE = re.compile(r"(?i)trường\s+hợp\s+(?:bản\s+án|quyết\s+định)[^.]{0,80}?(?:được\s+)?thi\s+hành\s+theo"
                     r"\s+quy\s+định\s+tại\s+điều\s+2\s+(?:của\s+)?luật\s+thi\s+hành\s+án\s+dân\s+sự")


def _notice_start(decision: str) -> int | None:
    """Where the enforcement notice begins in a decision's text (it runs to the end of the decision)."""
    m = _NOTICE.search(decision)
    return m.start() if m else None


def cited_provisions(sections: list[CaseSection], known_names=None,
                     names: tuple[str, ...] = tuple(str(s) for s in APPLIED_SECTIONS)) -> list[CitedProvision]:
    """Every article-level citation in the given sections (by default those where the court applies the law), in
    order, with the section it was found in — ``notice`` for the fixed enforcement notice at the end of a civil
    decision, which is cited in every judgment and applied in none. A citation with no document of its own takes
    the one written after it in the same list of grounds (see :func:`_with_documents`); one still without a document
    keeps ``document_ref`` None (unresolved). ``known_names`` (the law corpus's document names) end document names where
    a known title ends."""
    out: list[CitedProvision] = []
    for s in sections:
        if s.name not in names:
            continue
        text = _citable(nfc(s.text))
        notice = _notice_start(text) if s.name == Section.DECISION else None
        for c in _with_documents(text, parse_citations(text, known_names=known_names)):
            if c.article is None:
                continue
            where = Section.NOTICE if notice is not None and c.span[0] >= notice else s.name
            out.append(CitedProvision(citation=squash(c.text), section=str(where), article=c.article,
                                      clause=c.clause, point=c.point,
                                      document_ref=None if c.relative else c.document_ref))
    return out
