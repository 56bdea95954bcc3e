"""Case law: judgments (bản án) and precedents (án lệ) with their own structure, read from the text courts publish.

A published judgment runs, under Vietnamese headings:

* the header — court, "Bản án số …", the date, "V/v …" (the matter in dispute), the trial panel and the parties
  (nguyên đơn, bị đơn, người có quyền lợi, nghĩa vụ liên quan, người làm chứng);
* ``NỘI DUNG VỤ ÁN`` (facts; "NHẬN THẤY" in older judgments);
* ``NHẬN ĐỊNH CỦA TÒA ÁN`` (the court's reasoning; "XÉT THẤY" in older judgments);
* ``QUYẾT ĐỊNH`` (the decision), then "Nơi nhận" and the signature.

A precedent (án lệ) as the Supreme People's Court publishes it starts with its number ("ÁN LỆ SỐ 04/2016/AL"), the
case it names, the source judgment ("Nguồn án lệ"), where in it the precedent lies, the situation ("Tình huống án lệ"),
the legal solution ("Giải pháp pháp lý"), the provisions concerned and keywords; then the source judgment's facts,
reasoning and decision under the same headings as a judgment.

Everything here is text in, dataclasses out; no store, no model. Text is NFC-normalised and legacy-font words repaired
(:mod:`corpus.legacy_fonts`) before anything else. Headings are matched on whole lines, accent-insensitively, in
their order (facts, then reasoning, then decision), so a "Quyết định số 27" inside the reasoning is not a heading.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from enum import StrEnum

from corpus.citations import Citation, parse_citations
from corpus.legacy_fonts import repair_legacy_glyphs
from corpus.text import fold, nfc, squash

__all__ = [
    "CaseLawDocument", "CaseSection", "CitedProvision", "Judgment", "Outcome", "OUTCOME_LABELS", "Party",
    "Precedent", "Section", "SECTION_LABELS", "case_type_from_number", "cited_provisions", "court_level_from",
    "detect_outcome", "normalize_court", "parse_judgment", "parse_parties", "parse_precedent", "parse_vn_date",
    "person_names", "precedent_numbers", "split_judgment",
]


class Section(StrEnum):
    """Parts of a judgment or precedent."""

    HEADER = "header"  # phần mở đầu
    FACTS = "facts"  # nội dung vụ án
    REASONING = "reasoning"  # nhận định của Tòa án
    DECISION = "decision"  # quyết định
    CLOSING = "closing"  # nơi nhận, chữ ký
    # the summary that opens a precedent
    SOURCE = "source"  # nguồn án lệ
    POSITION = "position"  # vị trí nội dung án lệ
    SITUATION = "situation"  # tình huống án lệ
    SOLUTION = "solution"  # giải pháp pháp lý
    RELATED_LAW = "related_law"  # quy định của pháp luật liên quan đến án lệ
    KEYWORDS = "keywords"  # từ khóa của án lệ
    # not a section of the text: where the fixed enforcement notice of a civil decision is cited from ("Trường hợp
    # bản án được thi hành theo quy định tại Điều 2 Luật Thi hành án dân sự …"), a formula every judgment carries
    NOTICE = "notice"


SECTION_LABELS = {
    Section.HEADER: "Phần mở đầu", Section.FACTS: "Nội dung vụ án", Section.REASONING: "Nhận định của Tòa án",
    Section.DECISION: "Quyết định", Section.CLOSING: "Nơi nhận", Section.SOURCE: "Nguồn án lệ",
    Section.POSITION: "Vị trí nội dung án lệ", Section.SITUATION: "Tình huống án lệ",
    Section.SOLUTION: "Giải pháp pháp lý", Section.RELATED_LAW: "Quy định của pháp luật liên quan đến án lệ",
    Section.KEYWORDS: "Từ khóa của án lệ", Section.NOTICE: "Thông báo thi hành án",
}

# sections whose citations are the provisions the court applied
APPLIED_SECTIONS = (Section.REASONING, Section.DECISION, Section.SOLUTION, Section.RELATED_LAW)
REQUIRED_SECTIONS = (Section.HEADER, Section.FACTS, Section.REASONING, Section.DECISION)


class Outcome(StrEnum):
    """Kết quả giải quyết, from the plaintiff's (A) side — the labels of the ALQAC 2026 judgments."""

    A_WIN = "A_WIN"
    PARTIAL_A_WIN = "PARTIAL_A_WIN"
    PARTIAL_B_WIN = "PARTIAL_B_WIN"
    B_WIN = "B_WIN"


OUTCOME_LABELS = {
    Outcome.A_WIN: "Chấp nhận yêu cầu khởi kiện",
    Outcome.PARTIAL_A_WIN: "Chấp nhận một phần yêu cầu khởi kiện (phần lớn)",
    Outcome.PARTIAL_B_WIN: "Chấp nhận một phần yêu cầu khởi kiện (phần nhỏ)",
    Outcome.B_WIN: "Không chấp nhận yêu cầu khởi kiện",
}


@dataclass
class CaseSection:
    """One part of a case: its name (:class:`Section`), the heading as written, and its text."""

    name: str
    heading: str
    text: str


@dataclass
class Party:
    """Đương sự: role ("Nguyên đơn", "Bị đơn", …), name as written (no honorific), and the paragraph about them."""

    role: str
    name: str
    description: str = ""


@dataclass(frozen=True)
class CitedProvision:
    """A provision cited in a case, as written and where: resolved to a stored unit later, by the case store."""

    citation: str
    section: str
    article: str
    clause: str | None = None
    point: str | None = None
    document_ref: str | None = None


def case_year(date: dt.date | None, number: str | None) -> int | None:
    """The year of a judgment: its date's, else the one in its number ("12/2019/DS-ST" → 2019)."""
    if date:
        return date.year
    m = re.search(r"/((?:19|20)\d\d)/", number or "")
    return int(m.group(1)) if m else None


@dataclass
class CaseLawDocument:
    """What judgments and precedents share. ``case_id`` is the stable id (the dataset's id, else the number)."""

    case_id: str
    title: str
    kind: str = "judgment"
    number: str | None = None
    date: dt.date | None = None
    court: str | None = None
    court_level: str | None = None
    case_type: str | None = None
    matter: str | None = None  # quan hệ tranh chấp, the "V/v" line
    outcome: str | None = None
    parties: list[Party] = field(default_factory=list)
    sections: list[CaseSection] = field(default_factory=list)
    citations: list[CitedProvision] = field(default_factory=list)
    precedents_cited: list[str] = field(default_factory=list)  # "06/2016/AL"
    officials: list[str] = field(default_factory=list)  # the trial panel's names: public, never masked
    source: str | None = None
    extra: dict = field(default_factory=dict)

    def section(self, name: str) -> CaseSection | None:
        return next((s for s in self.sections if s.name == name), None)

    def text_of(self, name: str) -> str:
        s = self.section(name)
        return s.text if s else ""

    @property
    def year(self) -> int | None:
        return case_year(self.date, self.number)

    def missing_sections(self) -> list[str]:
        return [str(s) for s in REQUIRED_SECTIONS if not self.text_of(s).strip()]


@dataclass
class Judgment(CaseLawDocument):
    """Bản án."""

    kind: str = "judgment"


@dataclass
class Precedent(CaseLawDocument):
    """Án lệ: the number ("Án lệ số 04/2016/AL"), its source judgment, situation, legal solution, provisions."""

    kind: str = "precedent"
    source_judgment: str = ""
    situation: str = ""
    solution: str = ""
    provisions_concerned: str = ""
    keywords: list[str] = field(default_factory=list)
    adopted: str = ""  # "Được Hội đồng Thẩm phán … thông qua ngày …"


# ---------------------------------------------------------------------------------------------------------------
# text helpers

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


def _tidy(text: str) -> str:
    """A section's text: page-number lines dropped, runs of blank lines collapsed, ends trimmed."""
    out: list[str] = []
    for line in text.split("\n"):
        if _PAGE_NUMBER.match(line):
            continue
        if not line.strip() and out and not out[-1].strip():
            continue
        out.append(line.strip())
    return "\n".join(out).strip()


def _key(line: str) -> str:
    """A line as a heading key: folded, single spaces, leading bullets and trailing ':' '.' trimmed."""
    k = fold(squash(line))
    k = re.sub(r"^[\s\-–*•+]+", "", k)
    return re.sub(r"[\s:;.,\-–]+$", "", k)


# ---------------------------------------------------------------------------------------------------------------
# sections of a judgment

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
    k = _key(line)
    if _HEADINGS.get(k) == want:
        return line.strip(), ""
    head, sep, rest = line.partition(":")
    if sep and rest.strip() and head.strip() and head.strip() == head.strip().upper() \
            and _HEADINGS.get(_key(head)) == want:
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
            if _CLOSING.match(_key(lines[j][1])):
                closing = j
                break
    sections: list[CaseSection] = []
    first = lines[found[0][1]][0] if found else len(text)
    sections.append(CaseSection(Section.HEADER, "", _tidy(text[:first])))
    for n, (name, j, start, heading) in enumerate(found):
        end = lines[found[n + 1][1]][0] if n + 1 < len(found) else (
            lines[closing][0] if closing is not None else len(text))
        sections.append(CaseSection(name, heading, _tidy(text[start:end])))
    if closing is not None:
        sections.append(CaseSection(Section.CLOSING, lines[closing][1].strip(), _tidy(text[lines[closing][0]:])))
    return [s for s in sections if s.text or s.name != Section.CLOSING]


# ---------------------------------------------------------------------------------------------------------------
# header fields

_NUMBER_LINE = re.compile(r"(?:bản\s+án|án\s+lệ)\s*(?:số)?\s*:?\s*(\d{1,4}\s*/\s*\d{4}\s*/\s*[A-ZĐa-zđ][\w\- ]*)",
                          re.IGNORECASE)
_DATE_LINE = re.compile(r"^\s*ngày\s*:?\s*(.+)$", re.IGNORECASE)
_MATTER = re.compile(r"^\s*[“\"(]*\s*(?:v/v|về\s+việc)\s*:?\s*(.*)$", re.IGNORECASE)
_COURT_LINE = re.compile(r"^\s*(t[oò]a\s+án\s+nhân\s+dân\b.*)$", re.IGNORECASE)
_CASE_CODES = [  # (folded code inside the judgment number, case type), most specific first
    ("kdtm", "Kinh doanh, thương mại"), ("hngd", "Hôn nhân và gia đình"), ("ld", "Lao động"),
    ("hc", "Hành chính"), ("hs", "Hình sự"), ("ds", "Dân sự"), ("dd", "Dân sự"),
]
_LEVEL_CODES = [("gdt", "Giám đốc thẩm"), ("tt", "Tái thẩm"), ("pt", "Phúc thẩm"), ("st", "Sơ thẩm")]


def normalize_court(name: str | None) -> str | None:
    """"TÒA ÁN NHÂN DÂN HUYỆN HỚN QUẢN, TỈNH BÌNH PHƯỚC" → "Tòa án nhân dân huyện Hớn Quản, tỉnh Bình Phước".

    The name is lower-cased, then the words after a place word (huyện, tỉnh, …) capitalised, and "Toà" written
    "Tòa", so one court is one facet value however the source capitalised it.
    """
    if not name:
        return None
    name = squash(nfc(name)).strip(" .,;")
    name = _capitalise_places(name.lower())
    name = re.sub(r"\b([Tt])oà\b", r"\1òa", name)
    return name[:1].upper() + name[1:]


_PLACE = r"(?:huyện|tỉnh|thành phố|quận|thị xã|thị trấn|phường|xã|cấp cao tại)"


def _capitalise_places(name: str) -> str:
    """Capitalise each word of a place name, from its place word to the next comma or the next place word."""
    def cap(m: re.Match) -> str:
        return m.group(1) + re.sub(r"(^|[\s\-–])(\w)", lambda w: w.group(1) + w.group(2).upper(), m.group(2))

    return re.sub(rf"(\b{_PLACE}\s+)(.+?)(?=\s*,|\s*[-–]\s*{_PLACE}\b|$)", cap, name, flags=re.IGNORECASE)


def case_type_from_number(number: str | None) -> str | None:
    """The case type a judgment number's code names: ``…/DS-ST`` → "Dân sự", ``…/KDTM-ST`` → "Kinh doanh, thương
    mại", ``…/HNGĐ-PT`` → "Hôn nhân và gia đình"."""
    if not number or "/" not in number:
        return None
    code = fold(number.rsplit("/", 1)[-1]).replace(" ", "")
    parts = re.split(r"[-/]", code)
    for key, label in _CASE_CODES:
        if any(p == key or (p.startswith(key) and p[len(key):] in ("st", "pt", "gdt", "tt")) or
               (p.endswith(key) and p[: -len(key)] in ("st", "pt")) for p in parts):
            return label
    return None


def court_level_from(number: str | None, text: str = "") -> str | None:
    """Cấp xét xử: from the number's code (``…-ST`` sơ thẩm, ``…-PT`` phúc thẩm, ``GĐT``, ``TT``), else from the
    text ("xét xử sơ thẩm")."""
    if number and "/" in number:
        code = fold(number.rsplit("/", 1)[-1]).replace(" ", "")
        for part in re.split(r"[-/]", code):
            for key, label in _LEVEL_CODES:
                if part == key or part.endswith(key) and part[: -len(key)] in ("ds", "dd", "hs", "hc", "kdtm",
                                                                                   "hngd", "ld"):
                    return label
    k = fold(text[:5000])
    for key, label in (("giam doc tham", "Giám đốc thẩm"), ("tai tham", "Tái thẩm"), ("xet xu phuc tham", "Phúc thẩm"),
                       ("xet xu so tham", "Sơ thẩm")):
        if key in k:
            return label
    return None


def _header_fields(header: str) -> dict:
    lines = [ln.strip() for ln in header.split("\n")]
    out: dict = {}
    for i, line in enumerate(lines):
        if "number" not in out:
            m = _NUMBER_LINE.search(line)
            if m:
                from corpus.loaders.known import normalize_number

                out["number"] = normalize_number(m.group(1).strip(" .")).rstrip(".")
                for nxt in lines[i + 1: i + 3]:
                    d = _DATE_LINE.match(nxt)
                    if d and parse_vn_date(d.group(1)):
                        out["date"] = parse_vn_date(d.group(1))
                        break
                continue
        if "matter" not in out:
            m = _MATTER.match(line)
            if m:
                parts = [m.group(1)]
                for nxt in lines[i + 1: i + 6]:
                    if not nxt or nxt.isupper() or _key(nxt).startswith(("cong hoa", "doc lap", "nhan danh")):
                        break
                    parts.append(nxt)
                out["matter"] = squash(" ".join(parts)).strip(" “”\"().;:")
    for i, line in enumerate(lines):
        if _key(line) == "nhan danh":
            for nxt in lines[i + 1: i + 5]:
                m = _COURT_LINE.match(nxt)
                if m:
                    out["court"] = normalize_court(m.group(1))
                    break
            break
    return out


# ---------------------------------------------------------------------------------------------------------------
# parties and personal names

_UP = "A-ZĂÂĐÊÔƠƯÀÁẢÃẠẰẮẲẴẶẦẤẨẪẬÈÉẺẼẸỀẾỂỄỆÌÍỈĨỊÒÓỎÕỌỒỐỔỖỘỜỚỞỠỢÙÚỦŨỤỪỨỬỮỰỲÝỶỸỴ"
_HONORIFIC = r"(?i:ông|bà|anh|chị|cụ|em|cháu|cô|chú|bác|dì|cậu|mợ|thím)"
# words that end a name when they start what follows it ("… Nguyễn Văn H Sinh năm 1971")
_NOT_NAME = (r"(?!(?:Sinh|Địa|Trú|Cư|Cùng|Có|Vắng|Quốc\s+tịch|Chức|Tên|Người|Chủ|Tòa|Toà|Hộ|Là|Đều|Theo|Tại|Và|Do|Thôn|"
             r"Xã|Ấp|Tổ|Khu|Số|Huyện|Tỉnh|Phường|Nơi|Nguyên\s+(?:đơn|quán)|Ủy|Uỷ|UBND|Giám|Phó|Trưởng|Thẩm|Kiểm|"
             r"Thư|Luật|Bộ|Điều|Khoản|Xóm|Tờ|Thửa|Công|Ngân|Doanh|Hợp|Giấy|Quyết|Bản|Biên|Đơn|Việt|Các|Hội|Những|"
             r"Tổng|Trợ\s+giúp|Nội\s+dung|Ông|Bà|Anh|Chị|Cụ|Em|Cháu)\b)")
_NAME_WORD = rf"{_NOT_NAME}[{_UP}][\w]*"
_PLACES_AFTER_HONORIFIC = r"(?!(?i:rịa|chiểu|điểm|đen|quẹo)\b)"  # Bà Rịa, Bà Chiểu, Bà Điểm: places, not people
_PERSON = re.compile(
    rf"(?<![\w])({_HONORIFIC})\s+{_PLACES_AFTER_HONORIFIC}"
    rf"({_NAME_WORD}(?:\s+{_NAME_WORD}){{0,5}}(?:\s\d{{1,2}}(?![\d/.,]\d))?)(?![\w])"
)
_ROLES = [  # (folded label, role as shown); "người có quyền lợi …" is matched on its start (the rest varies)
    ("nguoi co quyen loi", "Người có quyền lợi, nghĩa vụ liên quan"),
    ("nguyen don", "Nguyên đơn"), ("bi don", "Bị đơn"), ("nguoi lam chung", "Người làm chứng"),
    ("nguoi khoi kien", "Người khởi kiện"), ("nguoi bi kien", "Người bị kiện"), ("nguoi yeu cau", "Người yêu cầu"),
    ("nguoi khang cao", "Người kháng cáo"),
]
_ITEM = re.compile(r"^\s*(?:[-*•+]\s*|(\d+)(?:\s*\.\s*(\d+))*\s*[.)]\s*)")
_REPRESENTATIVE = re.compile(r"^\s*(?:[-*•+(]\s*)?(?:những\s+)?(?:người\s+)?(?:đại\s+diện|bảo\s+vệ|phiên\s+dịch)",
                             re.IGNORECASE)
# where the people an item introduces end and their representatives, heirs or the hearing's attendance begin
_PARTY_END = re.compile(r"(?i)(?:người\s+)?(?:đại\s+diện|bảo\s+vệ|kế\s+thừa|phiên\s+dịch)|tại\s+phiên\s+tòa")
_ORG_CUT = re.compile(r"\s*(?:[;(]|[,.]?\s*(?:sinh\s+năm|sn\b|địa\s+chỉ|trú\s+tại|trụ\s+sở|cư\s+trú|cùng|có\s+mặt|"
                      r"vắng|nơi|quốc\s+tịch)|\s[-–]\s|,|\.\s|\.$)", re.IGNORECASE)


def person_names(text: str) -> list[tuple[str, str, int, int]]:
    """Personal names written after an honorific ("ông Nguyễn Văn H 2", "cụ Điểu"): (honorific, name, start, end)
    of the name, in order."""
    return [(m.group(1), m.group(2), m.start(2), m.end(2)) for m in _PERSON.finditer(nfc(text))]


def _role_at(line: str) -> tuple[str, str] | None:
    """``(role, rest of line)`` when the line opens a party role ("- Nguyên đơn: Ông …", "3. Người có quyền lợi…")."""
    body = _ITEM.sub("", line, count=1)
    k = re.sub(r"^(?:cac|nhung)\s+", "", fold(body))
    for label, role in _ROLES:
        if k.startswith(label):
            rest = body[_fold_prefix_len(body, label):]
            if role.startswith("Người có quyền lợi"):
                rest = rest.split(":", 1)[1] if ":" in rest else ""
            return role, rest.lstrip(" :.-–")
    return None


def _fold_prefix_len(text: str, folded_prefix: str) -> int:
    """How many characters of ``text`` fold to ``folded_prefix`` (after an optional "các"/"những")."""
    for n in range(len(text) + 1):
        k = re.sub(r"^(?:cac|nhung)\s+", "", fold(text[:n]))
        if k.startswith(folded_prefix):
            return n
    return len(text)


def _party_names(item: str) -> list[str]:
    """The names an item introduces: every person named before its representatives or heirs (asides in brackets
    left out), else the organisation it starts with."""
    flat = re.sub(r"\([^()]*\)", " ", squash(item))
    lead = _PARTY_END.split(flat, maxsplit=1)[0]
    persons = [name for _h, name, _s, _e in person_names(lead)]
    if persons:
        return list(dict.fromkeys(persons))
    org = _ORG_CUT.split(lead, maxsplit=1)[0].strip(" :.-–")
    ok = (org and org[0].isupper() and len(org) <= 120 and len(org.split()) >= 2
          and not fold(org).startswith(("ten goi", "co yeu cau", "tai phien toa", "nguoi", "nhung nguoi")))
    return [org] if ok else []


def parse_parties(header: str) -> list[Party]:
    """The parties listed in a judgment's header, by role, each with the paragraph that describes them.

    Numbered or bulleted items under a role are separate parties. Items after a "Người đại diện…" line are
    representatives and stay in the description of the party they represent — until the numbering of the parties
    resumes ("5." after party 4).
    """
    text = nfc(header)
    k = fold(text)
    start = max(k.find("giua cac duong su"), k.find("giua nguyen don"), k.find("giua:"))
    lines = text[start:].split("\n") if start >= 0 else text.split("\n")
    parties: list[Party] = []
    role: str | None = None
    current: list[str] = []
    in_representatives = False
    last_number: int | None = None

    def flush() -> None:
        if role and current:
            item = "\n".join(current).strip()
            for name in _party_names(item):
                parties.append(Party(role=role, name=name, description=item))

    for line in lines:
        r = _role_at(line)
        if r:
            flush()
            role, rest = r
            current = [rest] if rest.strip() else []
            in_representatives, last_number = False, None
            continue
        if role is None:
            continue
        if _key(line).startswith(("tai phien toa", "nhung nguoi tham gia to tung khac")):
            flush()
            role, current = None, []
            continue
        if _key(line).startswith("ten goi khac"):
            continue
        if _REPRESENTATIVE.match(line):
            in_representatives = True
            if current:
                current.append(line)
            continue
        m = _ITEM.match(line)
        if m and re.match(rf"[{_UP}]", _ITEM.sub("", line, count=1)[:1] or " "):
            number = int(m.group(2) or m.group(1)) if (m.group(1) or m.group(2)) else None
            if in_representatives and number is not None and last_number is not None and number == last_number + 1:
                in_representatives = False
            if not in_representatives:
                flush()
                current = [_ITEM.sub("", line, count=1)]
                last_number = number if number is not None else last_number
                continue
        if current or line.strip():
            current.append(line)
    flush()
    seen, out = set(), []
    for p in parties:
        key = (p.role, p.name)
        if key not in seen:
            seen.add(key)
            out.append(Party(p.role, p.name, _tidy(p.description)))
    return out


def panel_names(header: str) -> list[str]:
    """Names of the trial panel, clerk and prosecutor: every person named in the header before the parties (public
    officials, never masked)."""
    text = squash(nfc(header))
    k = fold(text)
    cut = min((i for i in (k.find("giua cac duong su"), k.find("giua nguyen don"), k.find("nguyen don:"),
                           k.find("nguyen don :")) if i >= 0), default=-1)
    if cut < 0:
        return []
    return list(dict.fromkeys(n for _h, n, _s, _e in person_names(text[:cut])))


# ---------------------------------------------------------------------------------------------------------------
# outcome

_F_ACCEPT = re.compile(r"(?<!khong )(?<!khong duoc )chap nhan (?:toan bo |mot phan |cac )?(?:yeu cau|don khoi kien)")
_F_PARTIAL = re.compile(r"chap nhan mot phan (?:cac )?(?:yeu cau|don khoi kien)")
_F_REJECT = re.compile(r"(?:khong chap nhan|bac) (?:toan bo )?(?:cac |mot phan )?(?:yeu cau|don khoi kien)")


def detect_outcome(decision: str) -> str | None:
    """The outcome a decision states for the plaintiff's claims, from its first ruling on them.

    "Chấp nhận một phần yêu cầu khởi kiện" → PARTIAL_A_WIN; "Chấp nhận (toàn bộ) yêu cầu khởi kiện" → A_WIN, or
    PARTIAL_A_WIN when a later ruling rejects one of the plaintiff's claims; "Không chấp nhận / Bác yêu cầu khởi
    kiện" → B_WIN. Rulings on the defendant's counterclaim or a third party's own claim are passed over.
    PARTIAL_B_WIN needs a judgement of proportions and is never guessed. None when no ruling on the claims is found.
    """
    text = re.sub(r"[“”\"']", "", fold(squash(decision)))
    sentences = re.split(r"(?<=[.;:])\s+|\s(?=\[?\d+\]?\s*[.)\-]\s)|\s(?=[-*+]\s)", text)
    first = None
    rejects_plaintiff = False
    for s in sentences:
        s = re.sub(r"^[\s\-*+\[\]\d.)]+", "", s)
        s = re.sub(r"^(?:tuyen xu|xu)\s*:?\s*", "", s)
        accept, reject = _F_ACCEPT.search(s), _F_REJECT.search(s)
        if not (accept or reject) or re.search(r"phan to|cua bi don|yeu cau doc lap", s):
            continue
        if first is None:
            if _F_PARTIAL.search(s):
                first = Outcome.PARTIAL_A_WIN
            elif reject and (accept is None or reject.start() <= accept.start()):
                first = Outcome.B_WIN
            else:
                first = Outcome.A_WIN
        elif first == Outcome.A_WIN and reject and "nguyen don" in s:
            rejects_plaintiff = True
    if first == Outcome.A_WIN and rejects_plaintiff:
        return Outcome.PARTIAL_A_WIN
    return first


# ---------------------------------------------------------------------------------------------------------------
# cited provisions

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
                out[i] = Citation(c.article, c.clause, c.point, nxt.document_ref, False, c.span, c.text,
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
    the one written after it in the same list of grounds (see :func:`_with_documents`); one still without a document keeps ``document_ref``
    None (unresolved). ``known_names`` (the law corpus's document names) end document names where a known title
    ends."""
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


# ---------------------------------------------------------------------------------------------------------------
# whole documents

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
    found = _header_fields(header)
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
    """An án lệ from its published text (see the module docstring for the layout). Raises ValueError when the text
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
        k = _key(line)
        k = re.sub(r"^khai quat noi dung cua an le\W*", "", k)
        label = next(((lab, sec) for lab, sec in _PRECEDENT_LABELS if k.startswith(lab)), None)
        if label:
            current = label[1]
            rest = line.split(":", 1)[1].strip() if ":" in line else ""
            summary[current] = [rest] if rest else []
        elif _key(line).startswith("khai quat noi dung cua an le"):
            current = None
        elif current is not None:
            summary[current].append(line)
        else:
            before.append(line)
    parts = {sec: _tidy("\n".join(lines)) for sec, lines in summary.items()}
    sections = [CaseSection(Section.HEADER, "", _tidy("\n".join(before)))]
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
