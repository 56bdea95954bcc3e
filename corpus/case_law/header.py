"""What a judgment's header says: its number, date, matter and court; the case type and court level a number's
code names."""

from __future__ import annotations

import re

from corpus.case_law.cleaning import line_key, parse_vn_date
from corpus.text import fold, nfc, squash

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


def header_fields(header: str) -> dict:
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
                    if not nxt or nxt.isupper() or line_key(nxt).startswith(("cong hoa", "doc lap", "nhan danh")):
                        break
                    parts.append(nxt)
                out["matter"] = squash(" ".join(parts)).strip(" “”\"().;:")
    for i, line in enumerate(lines):
        if line_key(line) == "nhan danh":
            for nxt in lines[i + 1: i + 5]:
                m = _COURT_LINE.match(nxt)
                if m:
                    out["court"] = normalize_court(m.group(1))
                    break
            break
    return out
