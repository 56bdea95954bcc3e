"""A first reading of a case file, for the judge: who the parties are (masked), what is claimed, the key dates as a
timeline, and every provision of law the file cites — as written; the assistant resolves them against the store and
checks them on the file's date.

A file with a judgment's headings (NỘI DUNG VỤ ÁN, NHẬN ĐỊNH CỦA TÒA ÁN, QUYẾT ĐỊNH) is read as one: its header gives
the number, the court, the date and the parties; its other files (a statement of claim, minutes) are read as a whole.
Names are masked as published judgments mask them (:mod:`corpus.anonymize`) unless the caller asks otherwise; dates
written right after "sinh" (a birth date) are personal data, not events, and stay out of the timeline.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from corpus.anonymize import Anonymizer, names_before_birth
from corpus.case_file.passages import Passage
from corpus.case_law.cited import cited_provisions
from corpus.case_law.cleaning import clean_description, clean_text
from corpus.case_law.documents import CaseSection, Section
from corpus.case_law.header import header_fields
from corpus.case_law.parties import panel_names, parse_parties, person_names
from corpus.case_law.sections import split_judgment
from corpus.text import squash

_DATE_NUM = re.compile(r"(?<![\d/.-])(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*((?:19|20)\d{2})(?![\d/])")
_DATE_WORDS = re.compile(r"(?i)(?<!\d)(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+((?:19|20)\d{2})")
_BIRTH = re.compile(r"(?i)(?:sinh|sn)\b[^.;\n]{0,12}$")
_CLAIM = re.compile(
    r"(?i)(?:khởi\s+kiện\s+yêu\s+cầu|yêu\s+cầu\s+(?:tòa|toà|được|buộc|chia|hủy|huỷ|công\s+nhận|xác\s+định|trả|bồi|"
    r"thanh\s+toán|ly\s+hôn|giải\s+quyết)|đề\s+nghị\s+(?:tòa|toà|hội\s+đồng|được|buộc|chia|hủy|huỷ|công\s+nhận|"
    r"xác\s+định)|kháng\s+cáo\s+(?:toàn\s+bộ|một\s+phần|yêu\s+cầu|đề\s+nghị|bản\s+án)|yêu\s+cầu\s+phản\s+tố|"
    r"yêu\s+cầu\s+độc\s+lập)")
_SENTENCE = re.compile(r"(?<=[.;!?])\s+(?=[A-ZĐÀ-Ỹ“\"(\[-])")
_PLACE_DATE = re.compile(r"(?i)^[^\d\n]{2,40},\s*ngày\s+\d{1,2}\s+tháng\s+\d{1,2}\s+năm\s+\d{4}")
MAX_CLAIMS = 10
MAX_DATES = 60
CONTEXT_CHARS = 240


@dataclass
class FileParty:
    role: str
    name: str
    description: str = ""


@dataclass
class DateEntry:
    date: dt.date
    text: str  # the sentence the date is written in (masked)
    page: int | None = None
    paragraph: int | None = None
    kind: str = "event"  # "judgment": the date of the judgment (or of the document itself)


@dataclass
class CitedInFile:
    citation: str  # as written
    article: str
    clause: str | None
    point: str | None
    document_ref: str | None  # the document as the file names it; None: none named
    section: str
    count: int = 1
    page: int | None = None
    paragraph: int | None = None


@dataclass
class CaseFileFacts:
    kind: str  # "judgment" or "document"
    number: str | None = None
    court: str | None = None
    matter: str | None = None
    date: dt.date | None = None  # the file's date: the judgment's, else the document's own, else the latest found
    parties: list[FileParty] = field(default_factory=list)
    claims: list[str] = field(default_factory=list)
    timeline: list[DateEntry] = field(default_factory=list)
    provisions: list[CitedInFile] = field(default_factory=list)
    summary: str = ""  # the facts, for finding similar judgments (masked)


def _date(d: str, m: str, y: str) -> dt.date | None:
    try:
        return dt.date(int(y), int(m), int(d))
    except ValueError:
        return None


def dates_in(text: str) -> list[tuple[dt.date, int, int]]:
    """Dates written in the text (day first: 26/6/2018, 07-11-2018, ngày 07 tháng 11 năm 2018), not birth dates:
    (date, start, end)."""
    out = []
    for rx in (_DATE_NUM, _DATE_WORDS):
        for m in rx.finditer(text):
            if _BIRTH.search(text[max(0, m.start() - 30):m.start()]):
                continue
            d = _date(*m.groups())
            if d is not None:
                out.append((d, m.start(), m.end()))
    return sorted(out, key=lambda x: x[1])


def _sentence_at(text: str, start: int, end: int) -> str:
    a = max(text.rfind(". ", 0, start), text.rfind("; ", 0, start))
    a = 0 if a < 0 else a + 2
    b = min([i for i in (text.find(". ", end), text.find("; ", end)) if i >= 0] or [len(text)])
    sentence = text[a:b + 1].strip()
    if len(sentence) > CONTEXT_CHARS:  # centre a window on the date
        lo = max(a, start - CONTEXT_CHARS // 2)
        sentence = ("…" if lo > a else "") + text[lo:lo + CONTEXT_CHARS].strip() + "…"
    return sentence


def _claims(text: str, mask) -> list[str]:
    out: list[str] = []
    for sentence in _SENTENCE.split(squash(text)):
        if _CLAIM.search(sentence) and 20 <= len(sentence):
            s = mask(sentence if len(sentence) <= 500 else sentence[:500].rsplit(" ", 1)[0] + "…")
            if s not in out:
                out.append(s)
        if len(out) >= MAX_CLAIMS:
            break
    return out


def _where(passages: list[Passage], needle: str) -> Passage | None:
    needle = squash(needle)
    return next((p for p in passages if needle and needle in p.text), None)


def _distinct(parties: list) -> list:
    """One entry per person: a file that is not a judgment has no end to its list of parties, so the last one's
    paragraph may name them again more briefly ("bà Lan" after "bà Lê Thị Lan"); a name that is the tail of a fuller
    one of the same role is that person."""
    out = []
    for p in parties:
        words = p.name.split()
        if any(q.role == p.role and q.name != p.name and q.name.split()[-len(words):] == words for q in parties) or \
                any(q.role == p.role and q.name == p.name for q in out):
            continue
        out.append(p)
    return out


def read_case_file(passages: list[Passage], *, pages: list[str] | None = None, known_names=None,
                   mask: bool = True) -> CaseFileFacts:
    """What the file says, from its pages as written (their lines carry a judgment's header) and its passages (see
    :func:`corpus.case_file.split_passages`), which place each date and citation."""
    text = clean_text("\n".join(pages) if pages is not None else "\n".join(p.text for p in passages))
    sections = split_judgment(text)
    names = {s.name for s in sections}
    is_judgment = bool(names & {Section.FACTS, Section.REASONING, Section.DECISION})
    header = next((s.text for s in sections if s.name == Section.HEADER), "") if is_judgment else text[:6000]
    found = header_fields(header) if is_judgment else {}
    parties = _distinct(parse_parties(header))
    officials = panel_names(header) if is_judgment else []
    if not is_judgment:
        sections = [CaseSection(Section.FACTS, "", text)]

    people = [p.name for p in parties] + [n for _h, n, _s, _e in person_names(text)] + names_before_birth(text)
    anonymizer = Anonymizer(people, keep=officials) if mask else None

    def masked(s: str) -> str:
        return anonymizer.mask(s) if anonymizer is not None else s

    def party_name(name: str) -> str:
        return anonymizer.mask_name(name) if anonymizer is not None else name

    facts = next((s.text for s in sections if s.name == Section.FACTS), "")
    claims = _claims(facts or text, masked)

    timeline: list[DateEntry] = []
    judgment_date = found.get("date")
    own_date = None
    for p in passages:
        for d, a, b in dates_in(p.text):
            timeline.append(DateEntry(d, masked(_sentence_at(p.text, a, b)), p.page, p.paragraph))
        if own_date is None and p.page <= 2 and _PLACE_DATE.match(p.text):
            own_date = dates_in(p.text[:120])[0][0] if dates_in(p.text[:120]) else None
    file_date = judgment_date or own_date or max((e.date for e in timeline), default=None)
    if file_date is not None:
        marked = False
        for e in timeline:  # the date of the judgment (or of the document) marked where it is written first
            if e.date == file_date and (judgment_date is None or e.page == 1) and not marked:
                e.kind, marked = "judgment", True
        if not marked:
            timeline.append(DateEntry(file_date, "Ngày của bản án" if judgment_date else "Ngày của văn bản",
                                      kind="judgment"))
    seen: set = set()
    unique = []
    for e in sorted(timeline, key=lambda e: (e.date, e.kind != "judgment", e.page or 0, e.paragraph or 0)):
        key = (e.date, e.text)
        if key not in seen:
            seen.add(key)
            unique.append(e)
    if len(unique) > MAX_DATES:  # keep the judgment's date and the first ones
        unique = [e for e in unique if e.kind == "judgment"] + [e for e in unique if e.kind != "judgment"][
            :MAX_DATES - 1]
        unique.sort(key=lambda e: e.date)

    cited: dict[tuple, CitedInFile] = {}
    every = tuple(str(s.name) for s in sections if s.name != Section.CLOSING)
    for c in cited_provisions(sections, known_names, names=every):
        key = (c.document_ref, c.article, c.clause, c.point)
        if key in cited:
            cited[key].count += 1
            continue
        at = _where(passages, c.citation)
        cited[key] = CitedInFile(c.citation, c.article, c.clause, c.point, c.document_ref, c.section,
                                 page=at.page if at else None, paragraph=at.paragraph if at else None)

    return CaseFileFacts(
        kind="judgment" if is_judgment else "document", number=found.get("number"), court=found.get("court"),
        matter=found.get("matter"), date=file_date,
        parties=[FileParty(p.role, party_name(p.name), masked(clean_description(p.description))) for p in parties],
        claims=claims, timeline=unique, provisions=list(cited.values()),
        summary=masked(squash(facts or text)[:4000]))
