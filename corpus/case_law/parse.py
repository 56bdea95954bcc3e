"""Whole documents: a judgment or a precedent from its published text."""

from __future__ import annotations

import datetime as dt
import re

from corpus.case_law.cited import cited_provisions, precedent_numbers
from corpus.case_law.header import case_type_from_number, court_level_from, header_fields, normalize_court
from corpus.case_law.documents import APPLIED_SECTIONS, SECTION_LABELS, CaseSection, Judgment, Precedent, Section
from corpus.case_law.outcome import detect_outcome
from corpus.case_law.parties import panel_names, parse_parties
from corpus.case_law.sections import split_judgment
from corpus.case_law.cleaning import clean_text, line_key, parse_vn_date, tidy
from corpus.text import fold, squash

def _title(kind: str, number: str | None, date: dt.date | None, court: str | None, matter: str | None,
           case_id: str) -> str:
    title = f"{'Án lệ' if kind == 'precedent' else 'Bản án'} số {number}" if number else f"Bản án {case_id}"
    if date:
        title += f" ngày {date:%d/%m/%Y}"
    if court:
        title += f" của {court}"
    if matter:
        title += f" về {matter[:1].lower() + matter[1:]}" if kind == "judgment" else f" ({matter})"
    return title


def parse_judgment(text: str, *, case_id: str | None = None, known_names=None, **fields) -> Judgment:
    """A judgment from its published text. Fields given by the caller (court, number, date, court_level, case_type,
    matter, outcome, parties, source, extra) win over what is read from the text; the rest is read from it."""
    sections = split_judgment(text)
    header = next((s.text for s in sections if s.name == Section.HEADER), "")
    found = header_fields(header)
    number = fields.get("number") or found.get("number")
    date = fields.get("date") or found.get("date")
    court = normalize_court(fields.get("court")) or found.get("court")
    matter = fields.get("matter") or found.get("matter")
    decision = next((s.text for s in sections if s.name == Section.DECISION), "")
    case_id = case_id or number
    if not case_id:
        raise ValueError("a judgment needs an id: none given and no 'Bản án số …' in its header")
    applied = "\n".join(s.text for s in sections if s.name in APPLIED_SECTIONS)
    return Judgment(
        case_id=case_id,
        title=fields.get("title") or _title("judgment", number, date, court, matter, case_id),
        number=number, date=date, court=court,
        court_level=fields.get("court_level") or court_level_from(number, header),
        case_type=fields.get("case_type") or case_type_from_number(number),
        matter=matter,
        outcome=fields.get("outcome") or detect_outcome(decision),
        parties=fields.get("parties") or parse_parties(header),
        sections=sections,
        citations=cited_provisions(sections, known_names),
        precedents_cited=precedent_numbers(applied),
        officials=panel_names(header),
        source=fields.get("source"),
        extra=dict(fields.get("extra") or {}),
    )


# a precedent's summary labels (folded) → section; each starts a line, its text may follow on the same line
_PRECEDENT_LABELS = [
    ("nguon an le", Section.SOURCE),
    ("vi tri noi dung an le", Section.POSITION),
    ("tinh huong an le", Section.SITUATION),
    ("giai phap phap ly", Section.SOLUTION),
    ("quy dinh cua phap luat lien quan den an le", Section.RELATED_LAW),
    ("tu khoa cua an le", Section.KEYWORDS),
]
_PRECEDENT_NUMBER = re.compile(r"án\s+lệ\s+số\s*:?\s*(\d{1,3}\s*/\s*\d{4}\s*/\s*AL)", re.IGNORECASE)


def parse_precedent(text: str, *, case_id: str | None = None, known_names=None, source: str | None = None
                    ) -> Precedent:
    """An án lệ from its published text (see :mod:`corpus.case_law` for the layout). Raises ValueError when the text
    has no "Án lệ số …/…/AL" number."""
    text = clean_text(text)
    m = _PRECEDENT_NUMBER.search(text)
    if not m:
        raise ValueError("not a precedent: no 'Án lệ số NN/YYYY/AL' found")
    number = re.sub(r"\s+", "", m.group(1)).upper()
    body = split_judgment(text)
    head_text = next((s.text for s in body if s.name == Section.HEADER), "")
    # the summary parts live in the header (before NỘI DUNG VỤ ÁN)
    summary: dict[Section, list[str]] = {}
    current: Section | None = None
    before: list[str] = []
    for line in head_text.split("\n"):
        k = line_key(line)
        k = re.sub(r"^khai quat noi dung cua an le\W*", "", k)
        label = next(((lab, sec) for lab, sec in _PRECEDENT_LABELS if k.startswith(lab)), None)
        if label:
            current = label[1]
            rest = line.split(":", 1)[1].strip() if ":" in line else ""
            summary[current] = [rest] if rest else []
        elif line_key(line).startswith("khai quat noi dung cua an le"):
            current = None
        elif current is not None:
            summary[current].append(line)
        else:
            before.append(line)
    parts = {sec: tidy("\n".join(lines)) for sec, lines in summary.items()}
    sections = [CaseSection(Section.HEADER, "", tidy("\n".join(before)))]
    sections += [CaseSection(sec, SECTION_LABELS[sec], parts[sec]) for _l, sec in _PRECEDENT_LABELS if parts.get(sec)]
    sections += [s for s in body if s.name != Section.HEADER]
    header_lines = [ln for ln in before if ln.strip()]
    matter = None
    for ln in header_lines:
        mm = re.match(r"(?i)^\s*về\s+(?:vụ\s+án|việc)\s+(.*)$", ln)
        if mm:
            matter = mm.group(1).strip(" “”\"")
            break
    adopted = next((squash(ln) for ln in header_lines if fold(ln).startswith("duoc hoi dong tham phan")), "")
    date = None
    dm = re.search(r"thông\s+qua\s+ngày\s+(\d{1,2}\s+tháng\s+\d{1,2}\s+năm\s+\d{4})", adopted, re.IGNORECASE)
    if dm:
        date = parse_vn_date(dm.group(1))
    source_judgment = squash(parts.get(Section.SOURCE, ""))
    keywords = [k.strip(" “”\".") for k in re.split(r"[;]", squash(parts.get(Section.KEYWORDS, "")))
                if k.strip(" “”\".")]
    decision = next((s.text for s in sections if s.name == Section.DECISION), "")
    src_court = re.search(r"của\s+(Hội đồng Thẩm phán Tòa án nhân dân tối cao|Tòa án nhân dân[^,.;]*)",
                          source_judgment)
    return Precedent(
        case_id=case_id or number,
        title=f"Án lệ số {number}" + (f" về vụ án {matter}" if matter else ""),
        number=number, date=date,
        court=normalize_court(src_court.group(1)) if src_court else "Tòa án nhân dân tối cao",
        court_level="Án lệ",
        case_type=None,
        matter=matter,
        outcome=detect_outcome(decision),
        sections=sections,
        citations=cited_provisions(sections, known_names),
        precedents_cited=[n for n in precedent_numbers(text) if n != number],
        source=source,
        source_judgment=source_judgment,
        situation=parts.get(Section.SITUATION, ""),
        solution=parts.get(Section.SOLUTION, ""),
        provisions_concerned=parts.get(Section.RELATED_LAW, ""),
        keywords=keywords,
        adopted=adopted,
    )
