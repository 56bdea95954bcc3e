"""Known document numbers → titles, types and aliases, and type/issuer inference from a number or a title.

One table for every loader (ALQAC 2022 ids are bare numbers, ALQAC 2026 ``law_id`` too) so that a number always gets the
same title. Titles are the official short titles; aliases are the names judges and the datasets use.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from corpus.law import DocumentType
from corpus.text import fold, nfc


@dataclass(frozen=True)
class KnownDocument:
    number: str
    title: str
    doc_type: DocumentType
    aliases: tuple[str, ...] = field(default_factory=tuple)


_C, _L, _D, _R, _V = (DocumentType.CODE, DocumentType.LAW, DocumentType.DECREE, DocumentType.RESOLUTION,
                      DocumentType.CONSOLIDATED)

KNOWN_DOCUMENTS: dict[str, KnownDocument] = {
    d.number: d
    for d in [
        # ALQAC 2022 (alqac2022/law.json)
        KnownDocument("91/2015/QH13", "Bộ luật Dân sự", _C,
                      ("BLDS", "BLDS 2015", "Bộ luật Dân sự 2015", "Bộ luật Dân sự năm 2015")),
        KnownDocument("24/2018/QH14", "Luật An ninh mạng", _L,
                      ("Luật An ninh mạng 2018", "Luật An ninh mạng năm 2018")),
        KnownDocument("45/2019/QH14", "Bộ luật Lao động", _C,
                      ("BLLĐ", "BLLĐ 2019", "Bộ luật Lao động 2019", "Bộ luật Lao động năm 2019")),
        KnownDocument("01/VBHN-VPQH", "Bộ luật Hình sự (văn bản hợp nhất)", _V,
                      ("Văn bản hợp nhất Bộ luật Hình sự", "BLHS hợp nhất", "Bộ luật Hình sự hợp nhất")),
        # ALQAC 2026 (alqac2026/corpus_law_pub.json) — names checked against Điều 1 of each law in the file
        KnownDocument("100/2015/QH13", "Bộ luật Hình sự", _C,
                      ("BLHS", "BLHS 2015", "Bộ luật Hình sự 2015", "Bộ luật Hình sự năm 2015")),
        KnownDocument("92/2015/QH13", "Bộ luật Tố tụng dân sự", _C,
                      ("BLTTDS", "BLTTDS 2015", "Bộ luật Tố tụng dân sự 2015", "Bộ luật Tố tụng dân sự năm 2015")),
        KnownDocument("93/2015/QH13", "Luật Tố tụng hành chính", _L,
                      ("Luật TTHC", "Luật TTHC 2015", "Luật Tố tụng hành chính 2015",
                       "Luật Tố tụng hành chính năm 2015")),
        KnownDocument("45/2013/QH13", "Luật Đất đai", _L, ("Luật Đất đai 2013", "Luật Đất đai năm 2013")),
        KnownDocument("52/2014/QH13", "Luật Hôn nhân và gia đình", _L,
                      ("Luật HN&GĐ", "Luật HN&GĐ 2014", "Luật Hôn nhân và gia đình 2014",
                       "Luật Hôn nhân và gia đình năm 2014")),
        KnownDocument("26/2008/QH12", "Luật Thi hành án dân sự", _L,
                      ("Luật THADS", "Luật THADS 2008", "Luật Thi hành án dân sự 2008")),
        KnownDocument("326/2016/UBTVQH14",
                      "Nghị quyết quy định về mức thu, miễn, giảm, thu, nộp, quản lý và sử dụng án phí và lệ phí "
                      "Tòa án", _R,
                      ("Nghị quyết 326/2016/UBTVQH14", "NQ 326/2016/UBTVQH14", "Nghị quyết 326",
                       "Nghị quyết về án phí, lệ phí Tòa án")),
        KnownDocument("47/2010/QH12", "Luật Các tổ chức tín dụng", _L,
                      ("Luật Các tổ chức tín dụng 2010", "Luật TCTD 2010")),
        KnownDocument("66/2014/QH13", "Luật Kinh doanh bất động sản", _L,
                      ("Luật Kinh doanh bất động sản 2014", "Luật KDBĐS 2014")),
        KnownDocument("24/2012/NĐ-CP", "Nghị định về quản lý hoạt động kinh doanh vàng", _D,
                      ("Nghị định 24/2012/NĐ-CP", "NĐ 24/2012/NĐ-CP")),
        KnownDocument("60/2014/QH13", "Luật Hộ tịch", _L, ("Luật Hộ tịch 2014",)),
        KnownDocument("52/2010/QH12", "Luật Nuôi con nuôi", _L, ("Luật Nuôi con nuôi 2010",)),
        KnownDocument("19/2011/NĐ-CP", "Nghị định quy định chi tiết thi hành một số điều của Luật Nuôi con nuôi", _D,
                      ("Nghị định 19/2011/NĐ-CP", "NĐ 19/2011/NĐ-CP")),
        KnownDocument("39/2009/QH12", "Luật Người cao tuổi", _L, ("Luật Người cao tuổi 2009",)),
        KnownDocument("37/2015/NĐ-CP", "Nghị định quy định chi tiết về hợp đồng xây dựng", _D,
                      ("Nghị định 37/2015/NĐ-CP", "NĐ 37/2015/NĐ-CP")),
        KnownDocument("02/2011/QH13", "Luật Khiếu nại", _L, ("Luật Khiếu nại 2011",)),
        KnownDocument("50/2014/QH13", "Luật Xây dựng", _L, ("Luật Xây dựng 2014",)),
    ]
}

# "91/2015/QH13", "326/2016/UBTVQH14", "24/2012/NĐ-CP", "01/VBHN-VPQH", "01/2017/TT-BTP"
NUMBER_RE = re.compile(r"^\d+[a-z]?/(?:\d{4}/)?[A-ZĐ][A-ZĐ0-9]*(?:-[A-ZĐ0-9]+)*$")


def normalize_number(number: str) -> str:
    """``"33 /2018/DS-ST "`` → ``"33/2018/DS-ST"``; ``NÐ`` (Eth) → ``NĐ``."""
    number = nfc(number).replace("\u00d0", "Đ")
    return re.sub(r"\s*([/-])\s*", r"\1", number.strip())


def is_number(text: str) -> bool:
    return bool(NUMBER_RE.match(normalize_number(text)))


def known(number: str | None) -> KnownDocument | None:
    return KNOWN_DOCUMENTS.get(normalize_number(number)) if number else None


_TITLE_TYPES = [  # folded prefixes, longest first
    ("van ban hop nhat", DocumentType.CONSOLIDATED),
    ("hien phap", DocumentType.CONSTITUTION),
    ("bo luat", DocumentType.CODE),
    ("luat", DocumentType.LAW),
    ("phap lenh", DocumentType.ORDINANCE),
    ("nghi quyet", DocumentType.RESOLUTION),
    ("nghi dinh", DocumentType.DECREE),
    ("thong tu", DocumentType.CIRCULAR),
    ("quyet dinh", DocumentType.DECISION),
    ("an le", DocumentType.PRECEDENT),
    ("ban an", DocumentType.JUDGMENT),
]


def type_from_title(title: str) -> DocumentType | None:
    t = fold(title).strip()
    return next((dt for prefix, dt in _TITLE_TYPES if t.startswith(prefix)), None)


def type_from_number(number: str) -> DocumentType | None:
    """The suffix after the year says the kind: QH → Luật, NĐ-CP → Nghị định, TT-… → Thông tư, …"""
    suffix = normalize_number(number).rsplit("/", 1)[-1].upper()
    if "VBHN" in suffix:
        return DocumentType.CONSOLIDATED
    if suffix.startswith("PL-"):
        return DocumentType.ORDINANCE
    if suffix.startswith("NĐ") or suffix.startswith("ND-"):
        return DocumentType.DECREE
    if suffix.startswith("TT"):
        return DocumentType.CIRCULAR
    if suffix.startswith("NQ") or suffix.startswith("UBTVQH"):
        return DocumentType.RESOLUTION
    if suffix.startswith("QĐ"):
        return DocumentType.DECISION
    if suffix.startswith("AL"):
        return DocumentType.PRECEDENT
    if suffix.startswith("QH"):
        return DocumentType.LAW  # a code (Bộ luật) is also numbered …/QHnn: the title decides
    return None


def issuer_from_number(number: str) -> str | None:
    suffix = normalize_number(number).rsplit("/", 1)[-1].upper()
    if "VPQH" in suffix:
        return "Văn phòng Quốc hội"
    if "UBTVQH" in suffix:
        return "Ủy ban Thường vụ Quốc hội"
    if suffix.startswith("QH"):
        return "Quốc hội"
    if suffix.endswith("-CP"):
        return "Chính phủ"
    if suffix.endswith("-TTG"):
        return "Thủ tướng Chính phủ"
    if suffix.endswith("-HĐTP"):
        return "Hội đồng Thẩm phán Tòa án nhân dân tối cao"
    return None


def doc_type_for(title: str | None = None, number: str | None = None) -> DocumentType:
    """Best type from what is known: the table, then the title's first words, then the number's suffix."""
    k = known(number)
    if k:
        return k.doc_type
    by_title = type_from_title(title) if title else None
    by_number = type_from_number(number) if number else None
    if by_number == DocumentType.CONSOLIDATED:
        return by_number
    return by_title or by_number or DocumentType.OTHER
