"""Which law is in force: effective dates, repeals and versions read from the statutes' own texts.

Every Vietnamese statute says when it takes effect and which earlier documents cease to have effect, in its closing
article ("Hiệu lực thi hành" / "Điều khoản thi hành"):

* ``Luật này có hiệu lực thi hành từ ngày 01 tháng 7 năm 2016`` — the effective date;
* ``…, trừ khoản 2 Điều 4 … thì có hiệu lực thi hành từ ngày 01 tháng 01 năm 2017`` and ``Khoản 3 Điều 29 của Luật này
  có hiệu lực thi hành từ ngày …`` — provisions with their own (staggered) dates;
* ``Bộ luật dân sự số 33/2005/QH11 hết hiệu lực kể từ ngày Bộ luật này có hiệu lực`` / ``Luật này thay thế Luật …`` —
  documents repealed (wholly, or partly: "Các quy định về … của Luật … số …"), with their amending laws
  ("đã được sửa đổi, bổ sung một số điều theo Luật số …").

:func:`parse_own_validity` reads these from one document (pure, no corpus needed). :func:`link_corpus` then resolves
the documents named to the documents of the same corpus and gives each its links — replaced by / replaces, partly
repealed by, amended by — and its expiry date when a later document *of the corpus* repeals it. A document repealed by
one outside the corpus is never guessed: its status after the corpus's own date (the latest date its documents were
issued) is "as far as this corpus knows" (``data_until``). :class:`Validity` answers the status on any date.

Everything here is a pure function of the texts: re-ingesting the same corpus gives the same result.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field

from corpus.citations import parse_citations
from corpus.law import DocumentStatus, LegalDocument
from corpus.text import nfc

__all__ = ["VALIDITY_VERSION", "Repeal", "Staggered", "OwnValidity", "Validity", "parse_own_validity",
           "parse_date", "link_corpus", "corpus_date", "status_label"]

# Bump when what is derived from the texts changes: stored documents with another version are re-derived on the next
# ingest, even when no source file changed.
VALIDITY_VERSION = 2

_MONTH_DATE = r"ngày\s*(\d{1,2})\s*tháng\s*(\d{1,2})\s*(?:năm|ngày)\s*(\d{4})"  # "ngày 01 tháng 01 ngày 2012" happens
_NUM_DATE = r"ngày\s*(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4})"
_DATE_RE = re.compile(rf"{_MONTH_DATE}|{_NUM_DATE}", re.IGNORECASE)
_SUBJECT = r"(?:Bộ luật|Luật|Hiến pháp|Pháp lệnh|Nghị quyết|Nghị định|Thông tư|Quyết định|Văn bản|Lệnh)"
_EFFECT_RE = re.compile(
    rf"(?<![\wÀ-ỹ])(?<!của\s){_SUBJECT}\s+(?:[^.;:\n]{{0,60}}?\s)?này\s+(?:có|bắt đầu có)\s+hiệu\s+lực"
    rf"(?:\s+thi\s+hành)?"
    rf"(?:\s+pháp\s+luật)?\s*,?\s*(?:kể\s+)?từ\s+({_MONTH_DATE}|{_NUM_DATE}|năm\s+ngân\s+sách\s+\d{{4}})",
    re.IGNORECASE)
# "… thì có hiệu lực (thi hành) (kể) từ ngày …" / "… có hiệu lực thi hành từ ngày …" (a provision's own date)
_PROVISION_EFFECT_RE = re.compile(
    rf"(?:thì\s+)?có\s+hiệu\s+lực(?:\s+thi\s+hành)?\s*(?:kể\s+)?từ\s+({_MONTH_DATE}|{_NUM_DATE})", re.IGNORECASE)
_REPEAL_WORDS = re.compile(r"hết\s+(?:hiệu|liệu)\s+lực|thay\s+thế|bãi\s+bỏ|hủy\s+bỏ|huỷ\s+bỏ", re.IGNORECASE)
_CONTINUE_UNTIL = re.compile(rf"(?:tiếp tục )?có hiệu lực(?: thi hành)?(?: cho)? đến hết\s+({_MONTH_DATE})",
                             re.IGNORECASE)
# a document named with its number: "Bộ luật dân sự số 33/2005/QH11", "Luật số 37/2009/QH12",
# "Pháp lệnh … số 16/2011/UBTVQH12"
_DOC_KIND = r"(?:Bộ luật|Luật|Pháp lệnh|Nghị quyết|Nghị định|Hiến pháp|Sắc lệnh)"
_NUMBER = r"\d{1,3}\s*/\s*\d{4}\s*/\s*[A-ZĐ][A-ZĐ0-9]*(?:-\s?[A-ZĐ0-9]+)*|\d{1,3}-[A-ZĐ]+/[A-ZĐ0-9]+"
_NAMED_NUMBER_RE = re.compile(rf"({_DOC_KIND})((?:\s+(?!số\b)[^\s;:]+){{0,22}}?)\s+số\s*:?\s*({_NUMBER})")
_BARE_NUMBER_RE = re.compile(rf"\b({_NUMBER})")
# a document named by its year or date only: "Bộ luật hàng hải Việt Nam năm 2005",
# "Luật báo chí ngày 28 tháng 12 năm 1989"
_NAMED_YEAR_RE = re.compile(
    rf"({_DOC_KIND})((?:\s+(?!năm\b|ngày\b|số\s+\d|này\b|đã\b)[^\s;:]+){{1,20}}?)\s+(?:năm\s+(\d{{4}})|"
    rf"ngày\s+\d{{1,2}}\s+tháng\s+\d{{1,2}}\s+năm\s+(\d{{4}}))")
_AMENDED_BY_RE = re.compile(
    r"(?:đã\s+)?(?:được\s+)?sửa\s+đổi,?\s+bổ\s+sung(?:\s+một\s+số\s+(?:điều|Điều))?\s+(?:theo|bởi|bằng)\s",
    re.IGNORECASE)
_PARTIAL_LEAD = re.compile(r"(?:của|tại|trong)\s+$", re.IGNORECASE)
_EFFECT_TITLE = re.compile(r"hiệu lực|thi hành", re.IGNORECASE)


def parse_date(text: str) -> dt.date | None:
    """The first date written "ngày 01 tháng 7 năm 2016" (or "ngày 01/7/2016") in ``text``."""
    m = _DATE_RE.search(text)
    if not m:
        b = re.search(r"năm\s+ngân\s+sách\s+(\d{4})", text)  # "từ năm ngân sách 2017": the budget year opens 1 January
        return dt.date(int(b.group(1)), 1, 1) if b else None
    d, mo, y = (m.group(1), m.group(2), m.group(3)) if m.group(1) else (m.group(4), m.group(5), m.group(6))
    try:
        return dt.date(int(y), int(mo), int(d))
    except ValueError:
        return None


@dataclass
class DocRef:
    """A document named in an effect article: its number when written, else its name and year."""

    text: str
    number: str | None = None
    name: str = ""
    year: int | None = None
    doc_id: str | None = None  # resolved in the corpus (by link_corpus)

    @property
    def label(self) -> str:
        return self.text


@dataclass
class Repeal:
    """Documents that cease to have effect, wholly or partly, on ``date`` (None: this document's effective date).

    ``until`` is when an excepted remainder stops too ("trừ … tiếp tục có hiệu lực đến hết ngày 31 tháng 12 năm 2016");
    ``units`` the (article, clause, point) repealed when only some provisions are."""

    text: str
    refs: list[DocRef] = field(default_factory=list)
    amenders: list[DocRef] = field(default_factory=list)
    partial: bool = False
    scope: str = ""
    units: list[tuple[str, str | None, str | None]] = field(default_factory=list)
    date: dt.date | None = None
    until: dt.date | None = None
    exception: str = ""
    kind: str = "repeals"  # or "amends": the provisions are changed, not ended


@dataclass
class Staggered:
    """Provisions of this document that take effect on their own date."""

    provisions: str
    date: dt.date
    units: list[tuple[str, str | None, str | None]] = field(default_factory=list)


@dataclass
class OwnValidity:
    """What one document says about itself."""

    effective: dt.date | None = None
    article: str | None = None  # the article that says so ("689")
    sentence: str = ""
    staggered: list[Staggered] = field(default_factory=list)
    repeals: list[Repeal] = field(default_factory=list)


# ---------------------------------------------------------------------------------------------------------------
# parsing one document


def _effect_articles(doc: LegalDocument) -> list:
    """The articles that can state validity: titled "Hiệu lực …"/"… thi hành", last first; else any article saying
    "… này có hiệu lực … từ ngày"."""
    titled = [a for a in doc.articles if _EFFECT_TITLE.search(a.title or "") and (
        _EFFECT_RE.search(a.text) or _REPEAL_WORDS.search(a.text))]
    if titled:
        return list(reversed(titled))
    return [a for a in reversed(doc.articles) if _EFFECT_RE.search(f"{a.title}\n{a.text}")]


def _split_sentences(text: str) -> list[str]:
    """Lines; a line ending in ":" is repeated before each list line (a), b), -) that follows it, so that every item
    reads as one sentence ("Các pháp lệnh sau đây hết hiệu lực …: a) Pháp lệnh … số …")."""
    lines = [s.strip() for s in nfc(text).split("\n") if s.strip()]
    out: list[str] = []
    i = 0
    while i < len(lines):
        s = lines[i]
        if s.endswith(":") and not re.search(r"\btrừ\b", s):
            j = i + 1
            while j < len(lines) and re.match(r"^(?:[a-zđ]\)|-|\+|•)\s*", lines[j]):
                out.append(f"{s} {lines[j]}")
                j += 1
            if j == i + 1:
                out.append(s)
            i = j
            continue
        if s.endswith(":"):  # "…, trừ trường hợp sau đây:" — the list is the exception, one sentence with its header
            j = i + 1
            while j < len(lines) and re.match(r"^(?:[a-zđ]\)|-|\+|•)\s*", lines[j]):
                s += " " + lines[j]
                j += 1
            out.append(s)
            i = j
            continue
        # "1. Luật này có hiệu lực … 2015. Luật doanh nghiệp số … hết hiệu lực …": two sentences on one line
        out.extend(p for p in re.split(r"(?<=\d{4})\.\s+(?=[A-ZĐÀ-Ỹ])", s) if p)
        i += 1
    return out


def _units(text: str) -> list[tuple[str, str | None, str | None]]:
    return [(c.article, c.clause, c.point) for c in parse_citations(text) if c.article]


def _ref(m: re.Match, number: str | None, name: str) -> DocRef:
    name = re.sub(r"^.*\bnày\s+thay\s+thế\s+", "", name).strip()
    year = None
    if number and (ym := re.search(r"/(\d{4})/", number)):
        year = int(ym.group(1))
    return DocRef(text=m.group(0).strip(), number=number, name=name, year=year)


def _find_refs(sentence: str) -> list[tuple[int, int, DocRef]]:
    """Every document named in a sentence, in order: by number, or by name and year."""
    found: list[tuple[int, int, DocRef]] = []

    def free(a: int, b: int) -> bool:
        return all(b <= x or a >= y for x, y, _ in found)

    for m in _NAMED_NUMBER_RE.finditer(sentence):
        name = f"{m.group(1)}{m.group(2)}".strip()
        if re.search(r"\bsố$", name):
            continue
        found.append((m.start(), m.end(), _ref(m, re.sub(r"\s+", "", m.group(3)).rstrip("."), name)))
    for m in _BARE_NUMBER_RE.finditer(sentence):
        if free(m.start(), m.end()):
            found.append((m.start(), m.end(), _ref(m, re.sub(r"\s+", "", m.group(1)).rstrip("."), "")))
    for m in _NAMED_YEAR_RE.finditer(sentence):
        name = f"{m.group(1)}{m.group(2)}".strip()
        if free(m.start(), m.end()) and not re.search(r"\bnày\b", name):
            ref = _ref(m, None, name)
            ref.year = int(m.group(3) or m.group(4))
            found.append((m.start(), m.end(), ref))
    return sorted(found, key=lambda t: t[0])


_AMEND_LEAD = re.compile(r"^\s*(?:\d+\.\s*)?(?:[a-zđ]\)\s*)?(?:Sửa đổi|Bổ sung|Thay thế (?:một số )?(?:cụm )?từ|"
                         r"Thay (?:cụm )?từ)", re.IGNORECASE)


def _parse_repeal(sentence: str, own_number: str | None) -> list[Repeal]:
    """One Repeal per document a sentence ends (``partial`` when only some of its provisions), each with the amending
    laws named after it; a sentence that amends ("Sửa đổi …", "Thay thế cụm từ …") gives Repeals of kind "amends"."""
    list_item = re.search(r":\s+(?:[a-zđ]\)|-|\+|•)\s*", sentence)
    if list_item and re.search(r"\btrừ\b", sentence[:list_item.start()]):
        list_item = None  # "…, trừ trường hợp sau đây: a) …": the list is the exception
    lead_text = sentence[:list_item.start()] if list_item else ""
    body = sentence[list_item.end():] if list_item else sentence
    amends = bool(_AMEND_LEAD.match(body) or (_AMEND_LEAD.match(lead_text) and not _REPEAL_WORDS.search(body)))
    if not amends and not _REPEAL_WORDS.search(sentence):
        return []
    if not amends and re.search(r"thay\s+thế\s+(?:một\s+số\s+)?cụm\s+từ", sentence, re.IGNORECASE):
        amends = True
    main, _, exception = body.partition(", trừ ")
    if not exception:
        main, _, exception = body.partition(" trừ ")
    date = None
    m = re.search(r"hết\s+(?:hiệu|liệu)\s+lực(?:\s+thi\s+hành)?\s*(?:kể\s+)?từ\s+(" + _MONTH_DATE + ")", main, re.I)
    if m:
        date = parse_date(m.group(1))
    until = None
    if exception and (cm := _CONTINUE_UNTIL.search(exception)) and (last := parse_date(cm.group(1))):
        until = last + dt.timedelta(days=1)  # in force "đến hết ngày 31 tháng 12": gone from 1 January
    out: list[Repeal] = []
    prev_end = 0
    for start, end, ref in _find_refs(main):
        segment = main[prev_end:start]
        prev_end = end
        if own_number and ref.number and _norm_number(ref.number) == _norm_number(own_number):
            continue
        if out and _AMENDED_BY_RE.search(segment) and not re.search(r"[;]|\bvà\s+(?:các\s+)?(?:Bộ luật|Luật|Pháp "
                                                                     r"lệnh|Nghị quyết)\s+\S+\s+\S+", segment):
            out[-1].amenders.append(ref)
            continue
        if out and out[-1].amenders and re.fullmatch(r"\s*(?:,|và)\s*", segment):
            out[-1].amenders.append(ref)
            continue
        scope = re.sub(r"^[\s,;]*(?:và\s+)?(?:\d+\.\s*)?(?:Bãi bỏ\s+)?", "", segment).strip()
        partial = bool(_PARTIAL_LEAD.search(segment)) and bool(
            re.search(r"quy định|Chương|Điều|Mục|khoản|điểm|Phần", segment, re.I))
        units = _units(scope) if partial else []
        out.append(Repeal(text=sentence, refs=[ref], partial=partial or amends,
                          scope=re.sub(r"\s*(?:của|tại|trong)\s*$", "", scope) if partial else "", units=units,
                          date=date, until=until, exception=exception.strip(), kind="amends" if amends else "repeals"))
    return out


def parse_own_validity(doc: LegalDocument) -> OwnValidity:
    """Effective date, staggered provisions and repeals as the document states them."""
    out = OwnValidity()
    own = doc.number
    for art in _effect_articles(doc):
        text = nfc(art.text)
        found_here = False
        for sentence in _split_sentences(text):
            m = _EFFECT_RE.search(sentence)
            if m and out.effective is None:
                out.effective = parse_date(m.group(1))
                out.article, out.sentence = art.number, sentence
                found_here = True
                rest = sentence[m.end():]
                # "…, trừ <provisions> thì có hiệu lực (thi hành) (kể) từ ngày …" — one or several exceptions
                for em in re.finditer(r"trừ\s+(.+?)\s+(?:thì\s+)?có\s+hiệu\s+lực(?:\s+thi\s+hành)?\s*(?:kể\s+)?từ\s+("
                                      + _MONTH_DATE + ")", rest, re.I):
                    if (d := parse_date(em.group(2))) is not None:
                        provisions = em.group(1)
                        units = _units(provisions)
                        if provisions.rstrip().endswith(":") or not units:
                            # "…, trừ các quy định sau đây … thì có hiệu lực từ ngày …:" — the list follows
                            provisions = (provisions + " " + sentence[sentence.find(em.group(0)) + len(em.group(0)):]
                                          ).strip(" :")
                            units = _units(provisions)
                        out.staggered.append(Staggered(provisions.strip(" ,:"), d, units))
                # "Luật này có hiệu lực … từ …; các quy định đối với mặt hàng rượu và bia có hiệu lực … từ ngày …"
                for part in re.split(r";\s*", rest)[1:]:
                    pm = _PROVISION_EFFECT_RE.search(part)
                    if pm and (d := parse_date(pm.group(1))) is not None:
                        out.staggered.append(Staggered(part[:pm.start()].strip(" ,"), d, _units(part[:pm.start()])))
                continue
            if m is None and (pm := _PROVISION_EFFECT_RE.search(sentence)) and not re.search(
                    r"hết\s+(?:hiệu|liệu)\s+lực|trước\s+ngày|tiếp\s+tục", sentence, re.I):
                head = re.sub(r"^\d+\.\s*", "", sentence[:pm.start()]).strip(" ,")
                d = parse_date(pm.group(1))
                if d is not None and head and re.search(r"quy định|Điều|khoản|Chương|Mục", head, re.I):
                    out.staggered.append(Staggered(head, d, _units(head)))
                    continue
            out.repeals.extend(_parse_repeal(sentence, own))
        if found_here:
            break
    if out.effective is None:  # a closing formula outside the articles ("Luật này có hiệu lực từ …" in the trailer)
        for text in (doc.extra.get("trailer", ""), doc.extra.get("unattached", "")):
            m = _EFFECT_RE.search(nfc(text or ""))
            if m:
                out.effective, out.sentence = parse_date(m.group(1)), m.group(0)
                break
    return out


# ---------------------------------------------------------------------------------------------------------------
# status on a date


@dataclass
class Validity:
    """A document's validity in its corpus: its own dates and the links the corpus resolves.

    ``expiry`` is the date a later document of the corpus repeals it wholly; ``partly_from`` the first date one repeals
    part of it (``repealed_units`` lists those parts when the text names them); ``data_until`` the corpus's own date,
    after which nothing is known. ``data_until_exact`` is False when some dated document of the corpus has no known
    issue date: the corpus may then be newer than ``data_until``, so on that default date a provision is never said
    to be "not yet in force" (it is unknown); a date asked explicitly is answered as always."""

    effective: dt.date | None = None
    expiry: dt.date | None = None
    partly_from: dt.date | None = None
    repealed_units: list[tuple[str, str | None, str | None]] = field(default_factory=list)
    staggered: list[Staggered] = field(default_factory=list)
    replaced_by: list[dict] = field(default_factory=list)
    replaces: list[dict] = field(default_factory=list)
    partly_repealed_by: list[dict] = field(default_factory=list)
    amended_by: list[dict] = field(default_factory=list)
    data_until: dt.date | None = None
    issued: dt.date | None = None
    data_until_exact: bool = True

    def _on_default(self, day: dt.date | None, status: DocumentStatus) -> DocumentStatus:
        """``status`` on ``day``, except "not yet in force" on a default date the corpus may have passed."""
        if day is None and status == DocumentStatus.NOT_YET and not self.data_until_exact:
            return DocumentStatus.UNKNOWN
        return status

    def status_on(self, day: dt.date | None = None) -> DocumentStatus:
        """The document's status on ``day`` (default: the corpus's own date) as far as the corpus knows."""
        return self._on_default(day, self._status_on(day or self.data_until))

    def _status_on(self, day: dt.date | None) -> DocumentStatus:
        if self.effective is None or day is None:
            return DocumentStatus.UNKNOWN
        first = min([self.effective, *(s.date for s in self.staggered)])
        if day < first:
            return DocumentStatus.NOT_YET
        if self.expiry is not None and day >= self.expiry:
            return DocumentStatus.EXPIRED
        if self.partly_from is not None and day >= self.partly_from:
            return DocumentStatus.PARTLY_IN_FORCE
        if day < self.effective:  # some provisions are already in force, the rest is not
            return DocumentStatus.NOT_YET
        return DocumentStatus.IN_FORCE

    def unit_status_on(self, day: dt.date | None, article: str, clause: str | None = None,
                       point: str | None = None) -> DocumentStatus:
        """The status of one provision: its document's, refined by staggered dates and partial repeals."""
        return self._on_default(day, self._unit_status_on(day or self.data_until, article, clause, point))

    def _unit_status_on(self, day: dt.date | None, article: str, clause: str | None = None,
                        point: str | None = None) -> DocumentStatus:
        status = self._status_on(day)
        if status in (DocumentStatus.UNKNOWN, DocumentStatus.EXPIRED) or day is None:
            return status

        def covers(units) -> bool:
            return any(a == article and (c is None or clause is None or c == clause) and (
                p is None or point is None or p == point) and (c is None or clause is not None)
                       for a, c, p in units)

        own_date = next((s.date for s in self.staggered if covers(s.units)), self.effective)
        if day < own_date:
            return DocumentStatus.NOT_YET
        if self.partly_from is not None and day >= self.partly_from:
            return DocumentStatus.EXPIRED if covers(self.repealed_units) else DocumentStatus.IN_FORCE
        return DocumentStatus.IN_FORCE

    def to_json(self) -> dict:
        d = asdict(self)
        for k in ("effective", "expiry", "partly_from", "data_until", "issued"):
            d[k] = d[k].isoformat() if d[k] else None
        d["staggered"] = [{**s, "date": s["date"].isoformat()} for s in d["staggered"]]
        d["repealed_units"] = [list(u) for u in self.repealed_units]
        return d

    @classmethod
    def from_json(cls, d: dict | None) -> Validity:
        d = dict(d or {})

        def day(v):
            return dt.date.fromisoformat(v) if v else None

        return cls(
            effective=day(d.get("effective")), expiry=day(d.get("expiry")), partly_from=day(d.get("partly_from")),
            repealed_units=[tuple(u) for u in d.get("repealed_units", [])],
            staggered=[Staggered(s["provisions"], day(s["date"]), [tuple(u) for u in s.get("units", [])])
                       for s in d.get("staggered", [])],
            replaced_by=list(d.get("replaced_by", [])), replaces=list(d.get("replaces", [])),
            partly_repealed_by=list(d.get("partly_repealed_by", [])), amended_by=list(d.get("amended_by", [])),
            data_until=day(d.get("data_until")), issued=day(d.get("issued")),
            data_until_exact=bool(d.get("data_until_exact", True)),
        )

    def timeline(self) -> list[dict]:
        """Dated events, in order: issued, effective (and staggered), amended, partly repealed, repealed."""
        ev: list[dict] = []
        if self.issued:
            ev.append({"date": self.issued.isoformat(), "event": "issued", "label": "Ban hành"})
        for r in self.replaces:
            ev.append({"date": (self.effective.isoformat() if self.effective else None), "event": "replaces",
                       "label": f"Thay thế {r['title']}", "document_id": r.get("doc_id"), "number": r.get("number")})
        if self.effective:
            ev.append({"date": self.effective.isoformat(), "event": "effective", "label": "Có hiệu lực"})
        for s in self.staggered:
            ev.append({"date": s.date.isoformat(), "event": "effective_part",
                       "label": f"Có hiệu lực riêng: {s.provisions}"})
        for a in self.amended_by:
            ev.append({"date": a.get("date"), "event": "amended", "label": f"Sửa đổi, bổ sung bởi {a['title']}",
                       "document_id": a.get("doc_id"), "number": a.get("number")})
        for p in self.partly_repealed_by:
            ev.append({"date": p.get("date"), "event": "partly_repealed",
                       "label": f"Hết hiệu lực một phần ({p.get('scope') or 'một số quy định'}) theo {p['title']}",
                       "document_id": p.get("doc_id"), "number": p.get("number")})
        for r in self.replaced_by:
            ev.append({"date": r.get("date"), "event": "repealed", "label": f"Hết hiệu lực, thay thế bởi {r['title']}",
                       "document_id": r.get("doc_id"), "number": r.get("number")})
        return sorted(ev, key=lambda e: (e["date"] or "9999", e["event"] != "issued"))


def status_label(status: DocumentStatus | str, data_until: dt.date | None) -> str:
    """"Còn hiệu lực (theo dữ liệu đến 16/06/2022)"."""
    s = str(status)
    return f"{s} (theo dữ liệu đến {data_until:%d/%m/%Y})" if data_until else s


# ---------------------------------------------------------------------------------------------------------------
# the corpus: resolving names to documents, links, status


def corpus_date(docs: Iterable[LegalDocument]) -> dt.date | None:
    """The corpus's own date: the latest date one of its documents was issued (what it cannot know comes after)."""
    dates = [d.issued_date for d in docs if d.issued_date]
    return max(dates) if dates else None


def _norm_number(n: str) -> str:
    return re.sub(r"\s+", "", n).upper().replace("Đ", "D")


def _norm_name(n: str) -> str:
    n = nfc(n).lower()
    n = re.sub(r"\b(năm|số)\b.*$", "", n)
    return re.sub(r"[^\wà-ỹ]+", " ", n).strip()


class _Index:
    def __init__(self, docs: list[LegalDocument]):
        self.by_number = {_norm_number(d.number): d for d in docs if d.number}
        self.by_name: dict[tuple[str, int], LegalDocument] = {}
        for d in docs:
            if d.year:
                self.by_name.setdefault((_norm_name(d.title), d.year), d)

    def resolve(self, ref: DocRef, source: LegalDocument) -> LegalDocument | None:
        target = None
        if ref.number:
            target = self.by_number.get(_norm_number(ref.number))
        elif ref.name and ref.year:
            target = self.by_name.get((_norm_name(ref.name), ref.year))
        if target is None or target.id == source.id:
            return None
        if target.issued_date and source.issued_date and target.issued_date > source.issued_date:
            return None  # a document repeals only what came before it
        return target


def _link(doc: LegalDocument, **more) -> dict:
    out = {"doc_id": doc.id, "title": doc.title, "number": doc.number}
    out.update({k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in more.items()})
    return out


def _ext(ref: DocRef, **more) -> dict:
    out = {"doc_id": ref.doc_id, "title": ref.name or ref.text, "number": ref.number}
    out.update({k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in more.items()})
    return out


def link_corpus(docs: list[LegalDocument], *, data_until: dt.date | None = None) -> dict[str, tuple[OwnValidity,
                                                                                                     Validity]]:
    """Parse every document and resolve the links between them: doc id → (what it says, its validity in the corpus).

    Only documents of this list are linked; ``data_until`` defaults to :func:`corpus_date`."""
    data_until = data_until or corpus_date(docs)
    index = _Index(docs)
    own = {d.id: parse_own_validity(d) for d in docs}
    exact = all(d.issued_date for d in docs if own[d.id].effective)  # else the corpus may be newer than data_until
    out = {d.id: Validity(effective=own[d.id].effective, staggered=list(own[d.id].staggered), data_until=data_until,
                          issued=d.issued_date, data_until_exact=exact) for d in docs}
    by_id = {d.id: d for d in docs}
    for d in sorted(docs, key=lambda x: (x.issued_date or dt.date.min, x.id)):
        ov = own[d.id]
        for rep in ov.repeals:
            date = rep.date or ov.effective
            for am in rep.amenders:
                am.doc_id = t.id if (t := index.resolve(am, d)) else None
            for ref in rep.refs:
                target = index.resolve(ref, d)
                ref.doc_id = target.id if target else None
                link = (_link(target) if target else _ext(ref))
                link.update(date=date.isoformat() if date else None, partial=rep.partial, scope=rep.scope,
                            kind=rep.kind, in_corpus=target is not None)
                out[d.id].replaces.append(link)
                if target is None:
                    continue
                tv = out[target.id]
                if rep.kind == "amends":
                    tv.amended_by.append(_link(d, date=date, scope=rep.scope))
                elif rep.partial:
                    tv.partly_repealed_by.append(_link(d, date=date, scope=rep.scope))
                    if date and (tv.partly_from is None or date < tv.partly_from):
                        tv.partly_from = date
                    tv.repealed_units.extend(u for u in rep.units if u not in tv.repealed_units)
                else:
                    end = rep.until or date
                    tv.replaced_by.append(_link(d, date=end, exception=rep.exception or None))
                    if rep.until and date and (tv.partly_from is None or date < tv.partly_from):
                        tv.partly_from = date
                    if end and (tv.expiry is None or end < tv.expiry):
                        tv.expiry = end
                for am in rep.amenders:
                    link = _link(by_id[am.doc_id]) if am.doc_id else _ext(am)
                    link["date"] = None
                    if link not in tv.amended_by:
                        tv.amended_by.append(link)
    return {d.id: (own[d.id], out[d.id]) for d in docs}
