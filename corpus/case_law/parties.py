"""The people in a judgment's header: personal names after an honorific, the parties by role, the trial panel."""

from __future__ import annotations

import re

from corpus.case_law.documents import Party
from corpus.case_law.cleaning import line_key, tidy
from corpus.text import fold, nfc, squash

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
        if line_key(line).startswith(("tai phien toa", "nhung nguoi tham gia to tung khac")):
            flush()
            role, current = None, []
            continue
        if line_key(line).startswith("ten goi khac"):
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
            out.append(Party(p.role, p.name, tidy(p.description)))
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
