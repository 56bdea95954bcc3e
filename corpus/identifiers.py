"""What identifies a person in a judgment besides their name: addresses below the district, dates and years of birth,
identity, phone, vehicle and bank account numbers — found by pattern, as spans to mask.

Rules (Nghị quyết 03/2017/NQ-HĐTP on publishing judgments, as the published ALQAC judgments apply it):

* **address** — every named unit below the district: house number and street (``số nhà 3A``, ``ngõ 63``,
  ``đường Nguyễn Bỉnh Khiêm``), hamlet and group (``ấp Thạnh Hiệp``, ``thôn K``, ``xóm 6``, ``tổ 31``, ``khu phố 8``),
  commune, ward and town (``xã An Thạnh Thủy``, ``phường Lạch Tray``, ``thị trấn H``), and the bare house number that
  opens an address (``Địa chỉ: 141, thôn A``). The unit word stays, its name becomes its initial (``xã A``) or ``X``
  when it is a number. District and province stay, as in the published judgments: the court's own name already says
  them.
* **birth** — the year or date after ``sinh năm``, ``sinh ngày``, ``năm sinh``, ``sn``.
* **id** — numbers after CMND, CCCD, chứng minh nhân dân, căn cước (công dân), hộ chiếu.
* **phone** — numbers after điện thoại, ĐT, SĐT, di động; and any bare Vietnamese mobile number (``09x xxx xxxx``).
* **plate** — vehicle plates after biển số, biển kiểm soát, BKS (and bare plates ``24B1-857.82``), frame and engine
  numbers after ``số khung:``/``số máy:``.
* **account** — numbers after số tài khoản, tài khoản số, STK, mã khách hàng.

Numbers are replaced by ``***``. Everything here is a pattern; :mod:`corpus.anonymize` adds the names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["Span", "find_identifiers", "CATEGORIES", "NUMBER_MASK", "UPPER"]

CATEGORIES = ("name", "address", "birth", "id", "phone", "plate", "account")
NUMBER_MASK = "***"

UPPER = _UP = "A-ZĂÂĐÊÔƠƯÀÁẢÃẠẰẮẲẴẶẦẤẨẪẬÈÉẺẼẸỀẾỂỄỆÌÍỈĨỊÒÓỎÕỌỒỐỔỖỘỜỚỞỠỢÙÚỦŨỤỪỨỬỮỰỲÝỶỸỴ"


@dataclass(frozen=True)
class Span:
    """``text[start:end]`` is to be replaced by ``replacement``; ``category`` is one of :data:`CATEGORIES`."""

    start: int
    end: int
    category: str
    replacement: str


# -- addresses ----------------------------------------------------------------------------------------------------
# unit words below the district; longer first so "khu phố" wins over "khu", "tổ dân phố" over "tổ"
_UNITS = ("số nhà", "tổ dân phố", "khu dân cư", "khu phố", "khu tập thể", "thị trấn", "đường", "phố", "ngõ", "ngách",
          "hẻm", "kiệt", "tổ", "khu", "khóm", "khối", "ấp", "thôn", "xóm", "làng", "bản", "buôn", "phum", "sóc", "xã",
          "phường", "TT")
_UNIT = "|".join(re.escape(u).replace(r"\ ", r"\s+") for u in _UNITS)
_NAME_WORD = rf"(?:[{_UP}][\w]*|\d+[A-Za-z]?(?:/\d+[A-Za-z]?)*)"
# capitalised words that end a place's name: the next sentence starts ("thị trấn L. Nhưng …" written without the dot)
_NOT_PLACE_RX = r"(?!(?:Nhưng|Sau|Khi|Do|Tuy|Vì|Ngày|Năm|Tại|Có|Vắng|Theo|Và|Là|Nay|Thì|Còn|Nên)\b)"
# a unit word and its name: capitalised words or a number ("xã An Thạnh Thủy", "tổ 193A", "Số nhà 10B", "xóm 6");
# a word that opens a new unit ends the name ("ấp P xã Q" is two units)
_STOP = rf"(?!(?i:{_UNIT}|huyện|quận|thị\s+xã|thành\s+phố|tỉnh|TP)\b)"
_ADDRESS = re.compile(  # not the "phố" of "thành phố" nor the "xã" of "thị xã" (district level)
    rf"(?<![\w])(?<!(?i:thành)\s)(?<!(?i:thị)\s)(?<!(?i:hòa)\s)(?<!(?i:hoà)\s)((?i:{_UNIT}))\s+"
    rf"({_STOP}{_NAME_WORD}(?:\s+{_STOP}{_NOT_PLACE_RX}(?:[{_UP}][\w]*)){{0,3}})(?![\w])")
# a bare house number opening an address: "Địa chỉ: 141, thôn A", "Nơi cư trú: 79 ấp Long Thới", "Địa chỉ: số 79,"
_ADDRESS_LABEL = r"(?i:địa\s+chỉ|trú\s+tại|cư\s+trú|trụ\s+sở|thường\s+trú|tạm\s+trú|nguyên\s+quán|đkhktt)"
_HOUSE_NUMBER = re.compile(rf"{_ADDRESS_LABEL}[^:\n;.]{{0,25}}:\s*((?:(?i:số)\s+)?\d+[A-Za-z]?(?:/\d+[A-Za-z]?)*)"
                           r"(?=\s*,|\s+\w)")
# names of units that are not addresses of a person: "phường 8" stays an address, but "khu đất", "tổ hòa giải"
# never reach here (their names are lower case); these are capitalised words that follow a unit word yet are no name
_NOT_PLACE = {"Có", "Vắng", "Theo", "Nay", "Cũ", "Và", "Là", "Việt", "Quốc", "Tỉnh", "Tố", "Hiến", "Luật", "Bộ",
              "Nghị", "Thông", "Án", "HỘI", "Hội", "Nhưng", "Sau", "Khi", "Do", "Tuy", "Vì", "Ngày", "Năm", "Tại"}


_ABBREVIATED = re.compile(rf"(?:[{_UP}]{{1,2}}\d{{0,2}})(?:\s[{_UP}]{{1,2}}\d{{0,2}})*")


def _initial(name: str) -> str:
    return "X" if name[:1].isdigit() else name[:1].upper()


def _addresses(text: str) -> list[Span]:
    spans = []
    for m in _ADDRESS.finditer(text):
        unit, name = m.group(1), m.group(2)
        if name.split()[0] in _NOT_PLACE:
            continue
        if _ABBREVIATED.fullmatch(name):  # already masked at the source ("thôn K", "xã T S", "thị trấn DC")
            continue
        if unit.lower() == "tt" and not name[:1].isupper():
            continue
        spans.append(Span(m.start(2), m.end(2), "address", _initial(name)))
    for m in _HOUSE_NUMBER.finditer(text):
        number = m.group(1)
        start = m.start(1) + (len(number) - len(number.split()[-1]))
        spans.append(Span(start, m.end(1), "address", "X"))
    return spans


# -- numbers that identify ----------------------------------------------------------------------------------------
_SEP = r"\s*(?:số|:|số\s*:)?\s*:?\s*"
_BIRTH = re.compile(
    r"(?<![\w])(?i:sinh\s+năm|năm\s+sinh|sinh\s+ngày|sn)\s*[:;.,]?\s*"
    r"(\d{1,2}\s*[/.-]\s*\d{1,2}\s*[/.-]\s*\d{4}|\d{1,2}\s+tháng\s+\d{1,2}\s+năm\s+\d{4}|(?:19|20)\d{2})(?!\d)")
_ID = re.compile(
    rf"(?<![\w])(?i:cmnd|cccd|cmtnd|chứng\s+minh\s+(?:nhân\s+dân|thư)|(?:thẻ\s+)?căn\s+cước(?:\s+công\s+dân)?|"
    rf"hộ\s+chiếu|passport){_SEP}([A-Z]?\d[\d .]{{6,16}}\d)(?!\d)")
_PHONE = re.compile(
    rf"(?<![\w])(?i:số\s+điện\s+thoại|điện\s+thoại(?:\s+di\s+động)?|di\s+động|sđt|đt|tel){_SEP}"
    r"((?:\+84|0)\d(?:[ .]?\d){7,10})(?!\d)")
_MOBILE = re.compile(r"(?<![\d\w])(0[35789]\d(?:[ .]?\d){7})(?![\d\w])")
_PLATE_CUE = re.compile(
    rf"(?<![\w])(?i:biển\s+(?:kiểm\s+soát|số)(?:\s+xe)?|bks|bsx){_SEP}"
    r"(\d{2}\s*[A-Z]{1,2}\d{0,2}\s*[-–]?\s*\d{3}(?:\.?\d{2})?|\d{2}[A-Z]{1,2}\s*[-–]\s*\d{3,5})(?![\d\w])")
_PLATE = re.compile(r"(?<![\w])(\d{2}[A-Z]{1,2}\d?\s*[-–]\s*\d{3}\.\d{2}|\d{2}[A-Z]\d\s*[-–]\s*\d{5})(?![\d\w])")
_FRAME = re.compile(r"(?<![\w])(?i:số\s+khung|số\s+máy)\s*:\s*([A-Z0-9]{2,}(?:\s[A-Z0-9]{4,})?)(?![\w])")
_ACCOUNT = re.compile(
    rf"(?<![\w])(?i:số\s+tài\s+khoản|tài\s+khoản\s+số|stk|mã\s+khách\s+hàng){_SEP}(\d[\d .-]{{4,24}}\d)(?!\d)")


def _numbers(text: str) -> list[Span]:
    spans = []
    for rx, category in ((_BIRTH, "birth"), (_ID, "id"), (_PHONE, "phone"), (_MOBILE, "phone"),
                         (_PLATE_CUE, "plate"), (_PLATE, "plate"), (_FRAME, "plate"), (_ACCOUNT, "account")):
        for m in rx.finditer(text):
            spans.append(Span(m.start(1), m.end(1), category, NUMBER_MASK))
    return spans


def find_identifiers(text: str) -> list[Span]:
    """Every address part and identifying number in ``text`` (NFC), possibly overlapping, in no particular order."""
    return _addresses(text) + _numbers(text)
