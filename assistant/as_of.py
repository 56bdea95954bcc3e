"""The law as of a date: the date a question asks about, the version in force then, and the notes an answer carries
next to a citation that is not in force on that date.

Ranking is left as it is; the preference for the version in force is applied after it (a stable re-ordering):

* a date asked (``as_of``, or written in the question: "theo quy định năm 2014", "từ năm 2020", "vào ngày 01/6/2015")
  moves articles of documents not in force on that date after the others;
* with no date asked (the corpus's own date), only a document that another version *in the corpus* replaces or
  is about to replace moves after the articles in force — Luật Doanh nghiệp 2014 after 2020, Luật Điện ảnh 2022
  (not yet in force) after 2006. Documents whose status the corpus does not know are never moved.
"""

from __future__ import annotations

import datetime as dt
import re

from corpus.law import DocumentStatus
from corpus.text import nfc
from corpus.validity import Validity

NOT_IN_FORCE = (DocumentStatus.EXPIRED, DocumentStatus.NOT_YET)

_YEAR_RE = re.compile(
    r"\b(?P<prep>từ|trong|vào|tại thời điểm|tính đến|đến|theo quy định(?: của pháp luật)?|quy định)\s+(?:năm\s+)"
    r"(?P<year>(?:19|20)\d{2})\b", re.IGNORECASE)
_DAY_RE = re.compile(
    r"\b(?:từ|vào|tại|tính đến|đến|trước|sau)\s+(?:thời điểm\s+)?ngày\s+(?:(?P<d>\d{1,2})\s*/\s*(?P<m>\d{1,2})\s*/\s*"
    r"(?P<y>\d{4})|(?P<d2>\d{1,2})\s+tháng\s+(?P<m2>\d{1,2})\s+năm\s+(?P<y2>\d{4}))", re.IGNORECASE)


def asked_date(question: str) -> dt.date | None:
    """The date a question asks about, when it writes one: "vào ngày 01/6/2015" → that day; "từ năm 2020" → 1 January
    2020; "theo quy định năm 2014" / "trong năm 2014" → 31 December 2014 (the law as the year left it). A year naming a
    law ("Bộ luật Hình sự năm 2015") is not a date asked."""
    text = nfc(question)
    m = _DAY_RE.search(text)
    if m:
        d, mo, y = (m.group("d"), m.group("m"), m.group("y")) if m.group("d") else (m.group("d2"), m.group("m2"),
                                                                                       m.group("y2"))
        try:
            return dt.date(int(y), int(mo), int(d))
        except ValueError:
            return None
    m = _YEAR_RE.search(text)
    if m:
        year = int(m.group("year"))
        return dt.date(year, 1, 1) if m.group("prep").lower() == "từ" else dt.date(year, 12, 31)
    return None


def _in_corpus_version_in_force(v: Validity, validities: dict[str, Validity], day: dt.date | None) -> bool:
    links = [*v.replaced_by, *(r for r in v.replaces if r.get("in_corpus") and not r.get("partial"))]
    return any(link.get("doc_id") in validities
               and validities[link["doc_id"]].status_on(day) == DocumentStatus.IN_FORCE for link in links)


def prefer_in_force(items: list, doc_of, validities: dict[str, Validity], day: dt.date | None, *,
                    explicit: bool) -> list:
    """Items (hits or sources) with those not in force on ``day`` moved after the others, order otherwise kept."""
    if not validities:
        return items

    def demoted(item) -> bool:
        v = validities.get(doc_of(item))
        if v is None or v.status_on(day) not in NOT_IN_FORCE:
            return False
        return explicit or _in_corpus_version_in_force(v, validities, day)

    flags = [demoted(i) for i in items]
    if not any(flags):
        return items
    return [i for i, f in zip(items, flags) if not f] + [i for i, f in zip(items, flags) if f]


def citation_note(v: Validity | None, day: dt.date | None, article: str, clause: str | None = None,
                  point: str | None = None) -> tuple[str | None, str | None]:
    """(status on the day, a note when the cited provision is not in force then — else None)."""
    if v is None or v.effective is None:
        return None, None
    status = v.unit_status_on(day, article, clause, point)
    on = day or v.data_until
    if status not in NOT_IN_FORCE or on is None:
        return str(status), None
    until = f" (theo dữ liệu đến {v.data_until:%d/%m/%Y})" if v.data_until else ""
    if status == DocumentStatus.NOT_YET:
        start = next((s.date for s in v.staggered if any(a == article for a, _, _ in s.units)), v.effective)
        note = f"chưa có hiệu lực ngày {on:%d/%m/%Y} — có hiệu lực từ {start:%d/%m/%Y}"
    elif v.expiry is not None and on >= v.expiry:
        by = ", ".join(r.get("title", "") + (f" ({r['number']})" if r.get("number") else "") for r in v.replaced_by)
        note = f"đã hết hiệu lực từ {v.expiry:%d/%m/%Y}" + (f", được thay thế bởi {by}" if by else "")
    else:
        note = f"quy định này đã bị bãi bỏ từ {v.partly_from:%d/%m/%Y}" if v.partly_from else "đã hết hiệu lực"
    return str(status), note + until
