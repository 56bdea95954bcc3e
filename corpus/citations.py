"""Citations of law: "điểm b khoản 1 Điều 51 BLHS 2015", "khoản 2 Điều 123 của Bộ luật này", "Điều 584, 585 và 586
Bộ luật Dân sự", "Điều 91 khoản 2, 4" (judgment style, article first)…

``parse_citations(text)`` finds them in questions, statute text and judgments and turns each into a :class:`Reference`
— one per addressed unit, so "Điều 584, 585 và 586 Bộ luật Dân sự" gives three citations sharing the document.

Conventions (documented here because several are choices):

* The input is NFC-normalised first; ``span`` offsets refer to the normalised text, and
  ``nfc(text)[c.span[0]:c.span[1]] == c.text`` always holds.
* ``span``/``text`` cover the whole *group* the citation was written in — the run of keywords and numbers plus the
  document written right after it ("điểm a, b và c khoản 1 Điều 52 BLHS" gives three citations with the same span).
  A document inherited from a later group of the same list ("khoản 5 Điều 26, Điều 35 của BLTTDS": the first group
  inherits "BLTTDS") is not part of the earlier group's span.
* ``relative`` is True when the citation refers to the citing document: no document named at all, or a
  "… này" reference ("của Bộ luật này", "Luật này", "Nghị định này"). For a "… này" reference ``document_ref`` keeps the
  words as written ("Bộ luật này"); when nothing is named it is None.
* ``article is None`` means *the citing article* ("khoản 1 Điều này", "điểm a khoản này", a bare "khoản 2"), and
  ``clause is None`` with a point means the point sits directly under the article — or, for "điểm a khoản này", in
  the citing clause (``this_clause`` is True then). Such citations are always ``relative``.
* Lists distribute the way Vietnamese drafting means them: in "điểm a, b khoản 1 và khoản 2 Điều 5" the points belong to
  the first clause and the clauses to the first article; in judgment style "Điều 91 khoản 2, 4" the clauses belong
  to the article written before them. A group with no article that is followed in the same list by one with an
  article takes that article ("điểm a khoản 1, điểm b khoản 2 Điều 5").
* Ranges "từ Điều 346 đến Điều 350" give the two ends only.
* An article heading at the start of a line ("Điều 5. Tiêu đề") is not a citation (``skip_headings``).
* "Mục 1 Chương XI" and similar structural references are ignored.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from collections.abc import Iterable
from typing import TYPE_CHECKING

from corpus.text import fold, nfc, squash

if TYPE_CHECKING:  # pragma: no cover
    from corpus.aliases import AliasResolver

__all__ = ["Reference", "parse_citations", "parse_provision_line", "resolve_citation"]


@dataclass(frozen=True)
class Reference:
    """A reference to a unit of law found in text (not an answer's ``assistant.answer.Citation``): Điều ``article`` /
    khoản ``clause`` / điểm ``point`` of the document ``document_ref``."""

    article: str | None = None
    clause: str | None = None
    point: str | None = None
    document_ref: str | None = None
    relative: bool = True
    span: tuple[int, int] = (0, 0)
    text: str = ""
    this_clause: bool = field(default=False, compare=True)

    def key(self, document_id: str | None = None) -> tuple[str | None, str | None, str | None, str | None]:
        """``(document, article, clause, point)`` — the document is ``document_id`` when given, else the ref."""
        return (document_id if document_id is not None else self.document_ref, self.article, self.clause, self.point)

    @property
    def unit(self) -> tuple[str | None, str | None, str | None]:
        """``(article, clause, point)`` inside the document."""
        return (self.article, self.clause, self.point)

    @property
    def article_key(self) -> str | None:
        """The article number — the retrieval unit — or None for "Điều này"."""
        return self.article

    def render(self, with_document: bool = True) -> str:
        parts: list[str] = []
        if self.point:
            parts.append(f"điểm {self.point}")
        if self.clause:
            parts.append(f"khoản {self.clause}")
        elif self.this_clause:
            parts.append("khoản này")
        if self.article:
            parts.append(f"Điều {self.article}")
        elif not self.this_clause:
            parts.append("Điều này")
        if with_document and self.document_ref:
            parts.append(self.document_ref)
        return " ".join(parts)

    def __str__(self) -> str:
        return self.render()


# ---------------------------------------------------------------------------------------------------------------
# regular expressions (all used with re.IGNORECASE on NFC text)

_I = re.IGNORECASE
_W = r"[^\W\d_]"  # a letter
_KW_ART = r"(?:điều|điểu)(?!\w)"
_KW_CL = r"(?:khoản|khỏan)(?!\w)"
_KW_PT = r"điểm(?!\w)"
_ART_NO = r"\d{1,4}[a-zđ]?(?![\w/])(?!\.\d)"
_CL_NO = r"\d{1,3}[a-zđ]?(?![\w/])(?![.,]\d)"
_PT_LET = r"[a-zđ](?![\w/])"
_THIS = r"này(?!\w)"
_MONEY = re.compile(r"\s*(?:triệu|nghìn|ngàn|tỷ|tỉ|đồng|vnđ|usd|%|m2|năm|tháng|ngày)(?!\w)", _I)

_RE = {
    "art": re.compile(_KW_ART + r"\s+(?:(?:thứ|số)\s+)?(" + _ART_NO + ")", _I),
    "art_this": re.compile(_KW_ART + r"\s+" + _THIS, _I),
    "cl": re.compile(_KW_CL + r"\s+(?:(?:thứ|số)\s+)?(" + _CL_NO + ")", _I),
    "cl_this": re.compile(_KW_CL + r"\s+" + _THIS, _I),
    "pt": re.compile(_KW_PT + r"\s+(" + _PT_LET + ")", _I),
    "pt_this": re.compile(_KW_PT + r"\s+" + _THIS, _I),
    "art_no": re.compile(_ART_NO, _I),
    "cl_no": re.compile(_CL_NO, _I),
    "pt_let": re.compile(_PT_LET, _I),
}
_KW_RE = {"art": re.compile(_KW_ART + r"\s+", _I), "cl": re.compile(_KW_CL + r"\s+", _I),
          "pt": re.compile(_KW_PT + r"\s+", _I)}
_NO_RE = {"art": _RE["art_no"], "cl": _RE["cl_no"], "pt": _RE["pt_let"]}
# between items of one list: ", " / " và " / ", và " / " hoặc " / " đến "
_ITEM_SEP = re.compile(r"\s*(?:,\s*(?:(?:và|hoặc)\s+)?|(?:và|hoặc|đến|tới)\s+)", _I)
# between two levels: "khoản 1 Điều 5", "khoản 1 của Điều 5", "điểm a và điểm b của khoản 2"
_LEVEL_SEP = re.compile(r"\s*(?:,\s*)?(?:(?:của|thuộc|tại)\s+)?", _I)
_LEVEL_SEP_TIGHT = re.compile(r"\s+(?:(?:của|thuộc)\s+)?", _I)
# between groups of one list: "khoản 5 Điều 26, điểm a khoản 1 Điều 35 và Điều 39 BLTTDS"
_GROUP_SEP = re.compile(r"\s*(?:,\s*(?:(?:và|hoặc)\s+)?|(?:và|hoặc|cũng như|đến)\s+|\s)\s*(?:(?:các|những)\s+)?", _I)
_START = re.compile(r"(?<!\w)(?:(?:các|những)\s+)?(?:" + _KW_ART + "|" + _KW_CL + "|" + _KW_PT + r")\s+", _I)

# documents ---------------------------------------------------------------------------------------------------
_DOC_TYPES = (
    r"bộ\s+luật|luật|nghị\s+định|nghị\s+quyết(?:\s+liên\s+tịch)?|thông\s+tư(?:\s+liên\s+tịch)?|pháp\s+lệnh|"
    r"hiến\s+pháp|quyết\s+định|văn\s+bản(?:\s+hợp\s+nhất)?|điều\s+lệ|quy\s+chế|chỉ\s+thị|lệnh|án\s+lệ|công\s+văn|"
    r"hướng\s+dẫn|công\s+ước|hiệp\s+định|điều\s+ước"
)
_YEAR = r"(?:\s+(?:năm\s+)?(?:1[89]|20)\d\d(?![\w/]))"
_YEAR_RX = re.compile(_YEAR, _I)
# document numbers: 100/2015/QH13, 37/2015/NĐ-CP, 326/2016/UBTVQH14 (also "UBTVQH 14"), 21-LCT/HĐNN8, 01/VBHN-VPQH,
# 23/2014/TT-BTNMT ("TT – BTN&MT"), 06/2016/AL
_NUM = (
    r"(?-i:\d{1,4}(?:/\d{4})?[/-][A-ZĐa-zđ][A-ZĐa-zđ0-9]*"
    r"(?:[-–&/][A-ZĐa-zđ0-9][A-ZĐa-zđ0-9&]*|\s*[-–]\s*[A-ZĐ0-9][A-ZĐ0-9&]*(?!\w))*"
    r"(?:(?<=[A-ZĐ])\s\d{1,2}(?![\w/])|(?<=[A-ZĐ]\s)\d{1,2}(?![\w/]))?)"
)
_NUM_RE = re.compile(_NUM)
_DOC_LEAD = re.compile(r"\s*(?:,\s*)?(?:(?:của|thuộc|trong|tại)\s+)?", _I)
_DOC_RELATIVE = re.compile(r"(?:" + _DOC_TYPES + r")\s+" + _THIS, _I)
_DOC_TYPED_NUM = re.compile(r"(?:" + _DOC_TYPES + r")\s*(?:số\s*:?\s*)?" + _NUM + _YEAR + "?", _I)
_ABBREVIATIONS = (
    r"BLTTDS|BLTTHS|BLTTHC|BLHS|BLDS|BLLĐ|BLLD|BLHH|HP|"
    r"Luật\s+HN\s*(?:&|và)\s*GĐ|Luật\s+HNGĐ|Luật\s+TTHC|Luật\s+THADS|Luật\s+THAHS|Luật\s+XLVPHC|Luật\s+ĐĐ|LĐĐ|"
    r"Luật\s+SHTT|Luật\s+TCTAND|Luật\s+TCVKSND|Luật\s+BHVBQPPL|Luật\s+TNBTCNN|Luật\s+KDBH|Luật\s+DN|Luật\s+NƠ"
)
_DOC_ABBR = re.compile(r"(?:" + _ABBREVIATIONS + r")(?!\w)" + _YEAR + "?", _I)
_DOC_CONSTITUTION = re.compile(
    r"hiến\s+pháp(?:\s+(?:của\s+)?nước\s+cộng\s+h(?:òa|oà)\s+xã\s+hội\s+chủ\s+nghĩa\s+việt\s+nam)?" + _YEAR + "?", _I
)
_DOC_NAMED_HEAD = re.compile(r"(?:bộ\s+luật|luật|pháp\s+lệnh)(?=\s)", _I)
_DOC_BARE_NUM = re.compile(r"(?:số\s*:?\s*)?" + _NUM, _I)
_DOC_NUM_SUFFIX = re.compile(r"\s*,?\s+số\s*:?\s*" + _NUM, _I)
_WORD = re.compile(r"\s+(" + _W + r"[\w&]*)", _I)
_COMMA_WORD = re.compile(r"\s*,\s*(" + _W + r"[\w&]*)", _I)

# words that end a law's name ("… Luật Đất đai thì …", "… Bộ luật Dân sự về …")
_STOP = frozenset(
    w
    for w in (
        "về thì mà được để khi là có nếu do đã sẽ không cũng phải như nhưng hoặc tại theo trong với nên vì gồm "
        "sau trước này ngày số của cho bị đang còn vẫn từ đến hay tức thuộc năm hoặc và nay hiện thuộc như sau "
        "tháng đây đó những chương mục phần căn áp xét đề ghi nêu hướng quy"
    ).split()
)
# "quy" stops only in "quy định"; "và" only before another citation/document; "hướng" only in "hướng dẫn"
_STOP_UNLESS_NEXT = {"quy": ("định",), "hướng": ("dẫn",)}
_STOP_AFTER_FIRST = frozenset(
    "ban sửa xảy nhằm kể trở bao lần gây dẫn hết còn buộc tiến chuyển đình tương thửa ông bà anh chị cụ xử".split()
)
# "và" inside a law's name: "Hôn nhân và gia đình", "Khoa học và công nghệ" — (word before, word after) folded
_VA_PAIRS = frozenset(
    [
        ("nhan", "gia"), ("hoc", "cong"), ("hoi", "dai"), ("ve", "kiem"), ("phong", "an"), ("chuan", "quy"),
        ("kiem", "hieu"), ("dac", "ban"), ("chay", "chua"), ("bien", "hai"), ("no", "cong"), ("nhan", "vien"),
        ("phi", "le"), ("nguoi", "hien"), ("nn", "gd"), ("hn", "gd"), ("cong", "tu"), ("thuong", "binh"),
        ("huu", "tri"), ("cao", "tuoi"), ("va", "nho"), ("nho", "va"), ("doc", "quyen"),
    ]
)
# a comma inside a law's name: "Luật Phòng, chống ma túy", "Luật Khiếu nại, tố cáo" — (word before, word after) folded
_COMMA_PAIRS = frozenset(
    [
        ("phong", "chong"), ("nai", "to"), ("bo", "cong"), ("duc", "the"), ("toan", "ve"), ("ly", "su"),
        ("khau", "thue"), ("canh", "xuat"), ("canh", "nhap"), ("canh", "qua"), ("canh", "cu"), ("pham", "hang"),
        ("giai", "doi"), ("nguong", "ton"), ("mua", "trung"), ("kiem", "chong"), ("dua", "khen"),
        ("bien", "giao"), ("nguyen", "moi"), ("doi", "bo"), ("giu", "tam"), ("hoa", "hang"),
    ]
)
_MAX_NAME_WORDS = 14


@dataclass
class _Group:
    start: int
    end: int
    items: list[tuple[str | None, str | None, str | None, bool]]  # (article, clause, point, this_clause)
    has_article: bool
    article_this: bool
    doc: tuple[int, int, str | None, bool] | None = None  # (start, end, ref, relative)


def _match_list(text: str, pos: int, level: str) -> tuple[list[str], int] | None:
    """``khoản 1, 2 và khoản 3`` starting at ``pos`` (the keyword) → (["1", "2", "3"], end)."""
    m = _RE[{"art": "art", "cl": "cl", "pt": "pt"}[level]].match(text, pos)
    if not m:
        return None
    values, end = [m.group(1)], m.end()
    kw, no = _KW_RE[level], _NO_RE[level]
    while True:
        # "khoản 1 khoản 11" (no separator, keyword repeated) or ", 2" / " và khoản 3"
        sep = _ITEM_SEP.match(text, end)
        cand = []
        if sep:
            cand.append(sep.end())
        ws = re.compile(r"\s+").match(text, end)
        if ws:
            cand.append(-ws.end())  # negative: keyword required
        nxt = None
        for c in cand:
            need_kw = c < 0
            q = abs(c)
            k = kw.match(text, q)
            if k:
                q2 = k.end()
            elif need_kw:
                continue
            else:
                q2 = q
            n = no.match(text, q2)
            if not n:
                continue
            if level == "art" and not k and _MONEY.match(text, n.end()):
                continue
            if level == "cl" and not k and _MONEY.match(text, n.end()):
                continue
            if level == "pt" and not k and text[n.end(): n.end() + 1] == ")":
                continue
            nxt = n
            break
        if nxt is None:
            return values, end
        values.append(nxt.group(0))
        end = nxt.end()


def _norm_no(value: str) -> str:
    return value.lower()


def _parse_group(text: str, pos: int) -> _Group | None:
    """A group: prefix style ``[điểm …] [khoản …] Điều …`` or judgment style ``Điều N khoản … điểm …, Điều M …``."""
    m = re.compile(r"(?:(?:các|những)\s+)?", _I).match(text, pos)
    start = pos
    p = m.end()
    points: list[str] = []
    clauses: list[str] = []
    this_clause = False
    end = p
    # points
    if _RE["pt_this"].match(text, p):  # "điểm này" — nothing to address
        return None
    r = _match_list(text, p, "pt")
    if r:
        points, end = r
        s = _LEVEL_SEP.match(text, end)
        p = s.end()
        if _RE["cl_this"].match(text, p):
            this_clause = True
            end = _RE["cl_this"].match(text, p).end()
            return _Group(start, end, [(None, None, _norm_no(x), True) for x in points], False, True)
    # clauses
    r = _match_list(text, p, "cl") if not this_clause else None
    if r:
        clauses, end = r
        s = _LEVEL_SEP.match(text, end)
        p = s.end()
    elif points:
        p = _LEVEL_SEP.match(text, end).end()
    # articles (each possibly followed by judgment-style "khoản …" / "điểm …")
    if _RE["art_this"].match(text, p) and (points or clauses):
        end = _RE["art_this"].match(text, p).end()
        items = _distribute(points, clauses, [], None)
        return _Group(start, end, items, False, True)
    if _RE["art_this"].match(text, p):
        end = _RE["art_this"].match(text, p).end()
        return _Group(start, end, [(None, None, None, False)], False, True)
    articles: list[tuple[str, list[str], list[str]]] = []
    am = _RE["art"].match(text, p)
    if am:
        q = p
        while True:
            am = _RE["art"].match(text, q) if not articles else None
            if am is None and articles:
                # next article item: separator + optional "Điều" + number
                found = None
                sep = _ITEM_SEP.match(text, end)
                if sep:
                    k = _KW_RE["art"].match(text, sep.end())
                    q2 = k.end() if k else sep.end()
                    n = _RE["art_no"].match(text, q2)
                    if n and not (not k and _MONEY.match(text, n.end())):
                        found = n
                if not found:
                    break
                art_no, end = found.group(0), found.end()
            elif am is None:
                break
            else:
                art_no, end = am.group(1), am.end()
            # judgment style suffix: "Điều 91 khoản 2, 4", "Điều 12 khoản 1 điểm đ"
            s_cl: list[str] = []
            s_pt: list[str] = []
            sm = _LEVEL_SEP_TIGHT.match(text, end)
            if sm and not clauses and not points:
                r = _match_list(text, sm.end(), "cl")
                if r:
                    s_cl, end = r
                    sm2 = _LEVEL_SEP_TIGHT.match(text, end)
                    if sm2:
                        r2 = _match_list(text, sm2.end(), "pt")
                        if r2:
                            s_pt, end = r2
            articles.append((_norm_no(art_no), s_cl, s_pt))
            q = end
    if not articles and not clauses and not points:
        return None
    if not articles and clauses and not points and _MONEY.match(text, end):
        return None  # "khoản 5 triệu đồng"
    items = _distribute(points, clauses, articles, None)
    return _Group(start, end, items, bool(articles), False)


def _distribute(points, clauses, articles, _unused):
    """Expand the lists into (article, clause, point, this_clause) items — see the module docstring."""
    points = [_norm_no(x) for x in points]
    clauses = [_norm_no(x) for x in clauses]
    items: list[tuple[str | None, str | None, str | None, bool]] = []
    first_art = articles[0][0] if articles else None
    if clauses:
        for i, c in enumerate(clauses):
            if i == 0 and points:
                items.extend((first_art, c, pt, False) for pt in points)
            else:
                items.append((first_art, c, None, False))
    elif points:
        items.extend((first_art, None, pt, False) for pt in points)
    for i, (a, s_cl, s_pt) in enumerate(articles):
        if i == 0 and (clauses or points):
            continue
        if s_cl:
            for j, c in enumerate(s_cl):
                if j == len(s_cl) - 1 and s_pt:
                    items.extend((a, _norm_no(c), _norm_no(pt), False) for pt in s_pt)
                else:
                    items.append((a, _norm_no(c), None, False))
        else:
            items.append((a, None, None, False))
    return items


def _names_regex(names: tuple[str, ...]) -> re.Pattern[str] | None:
    """An alternation of folded law names (type word removed), longest first, words joined by ``\\s+``."""
    keys = set()
    for name in names:
        k = fold(squash(name))
        k = re.sub(r"^(?:bo\s+luat|luat|phap\s+lenh)\s+", "", k)
        k = re.sub(r"(?:\s+(?:nam\s+)?\d{4})$", "", k).strip()
        if k:
            keys.add(k)
    if not keys:
        return None
    alts = [r"\s*,?\s+".join(re.escape(w) for w in re.split(r"[\s,]+", k) if w)
            for k in sorted(keys, key=len, reverse=True)]
    return re.compile(r"\s+(?:" + "|".join(alts) + r")(?![\w&])")


_CODE_NAMES = ("dân sự", "hình sự", "tố tụng dân sự", "tố tụng hình sự", "lao động", "hàng hải Việt Nam", "hàng hải",
               "tố tụng hành chính", "tố tụng dân sự và hình sự")
_LAW_NAMES = (
    "đất đai", "hôn nhân và gia đình", "thi hành án dân sự", "thi hành án hình sự", "tố tụng hành chính", "khiếu nại",
    "tố cáo", "khiếu nại, tố cáo", "xây dựng", "nhà ở", "hộ tịch", "các tổ chức tín dụng", "tổ chức tín dụng",
    "doanh nghiệp", "đầu tư", "thương mại", "kinh doanh bảo hiểm", "sở hữu trí tuệ", "viên chức", "cư trú",
    "giáo dục", "phòng, chống ma túy", "phòng, chống ma tuý", "bảo vệ môi trường", "tiếp cận thông tin",
    "trồng trọt", "an ninh mạng", "chăn nuôi", "du lịch", "điện ảnh", "trọng tài thương mại", "thanh niên",
    "xử lý vi phạm hành chính", "tổ chức tòa án nhân dân", "tổ chức viện kiểm sát nhân dân", "công chứng",
    "trách nhiệm bồi thường của nhà nước", "ban hành văn bản quy phạm pháp luật", "phá sản", "lao động",
    "bảo hiểm xã hội", "bảo hiểm y tế", "kinh doanh bất động sản", "luật sư", "trợ giúp pháp lý", "đặc xá",
    "tương trợ tư pháp", "quốc tịch Việt Nam", "nuôi con nuôi", "cán bộ, công chức", "hòa giải, đối thoại tại tòa án",
    "hoà giải, đối thoại tại toà án", "giám định tư pháp", "thi hành tạm giữ, tạm giam", "đấu giá tài sản",
    "quản lý thuế", "hải quan", "giao thông đường bộ", "phòng, chống tham nhũng", "bình đẳng giới",
    "người cao tuổi", "người khuyết tật", "trẻ em", "trồng trọt", "thủy sản", "lâm nghiệp", "khoáng sản",
    "tài nguyên nước", "chứng khoán", "cạnh tranh", "quy hoạch", "tín ngưỡng, tôn giáo", "căn cước công dân",
    "căn cước", "tổ chức chính quyền địa phương", "an toàn thực phẩm", "dược", "khám bệnh, chữa bệnh",
)
_BUILTIN_NAMES = _names_regex(tuple(_CODE_NAMES) + tuple(_LAW_NAMES))
_NAMES_CACHE: dict[tuple[str, ...], re.Pattern[str] | None] = {}


def _known_end(text: str, pos: int, rx: re.Pattern[str] | None) -> int | None:
    """End of a known name starting after ``pos`` (whitespace first), matched on the folded text."""
    if rx is None:
        return None
    window = text[pos: pos + 200]
    folded = fold(window)
    if len(folded) != len(window):
        folded = "".join((fold(ch) or ch)[:1] for ch in window)
    m = rx.match(folded)
    return pos + m.end() if m else None


def _parse_named(text: str, pos: int, known: re.Pattern[str] | None = None) -> int | None:
    """``Bộ luật Tố tụng dân sự`` / ``Luật Phòng, chống ma túy`` at ``pos`` → end of the name, or None.

    A known name (the caller's, then a built-in list of codes and common laws) wins; otherwise the name runs
    word by word until a stop word, punctuation or a year/number.
    """
    h = _DOC_NAMED_HEAD.match(text, pos)
    if not h:
        return None
    end = h.end()
    k_end = _known_end(text, end, known) or _known_end(text, end, _BUILTIN_NAMES)
    if k_end is not None:
        return _past_year_and_number(text, k_end)
    n_words = 0
    last_word = None
    while n_words < _MAX_NAME_WORDS:
        w = _WORD.match(text, end)
        comma = False
        if not w:
            w = _COMMA_WORD.match(text, end)
            if not (w and last_word and (fold(last_word), fold(w.group(1))) in _COMMA_PAIRS):
                break
            comma = True
        word = w.group(1)
        lw = word.lower()
        if not comma:
            if lw in _STOP_UNLESS_NEXT:
                nxt = _WORD.match(text, w.end())
                if nxt and nxt.group(1).lower() in _STOP_UNLESS_NEXT[lw]:
                    break
            elif lw == "và":
                nxt = _WORD.match(text, w.end())
                if not nxt or n_words == 0 or (fold(last_word), fold(nxt.group(1))) not in _VA_PAIRS:
                    break
            elif n_words > 0 and lw in _STOP_AFTER_FIRST:
                break
            elif lw in _STOP:
                break
            elif lw in ("điều", "điểu", "khoản", "điểm"):
                nxt = re.compile(r"\s+(?:\d|này(?!\w))", _I).match(text, w.end())
                if nxt:
                    break
            elif lw in ("các",) and n_words > 0:
                break
            elif lw == "đối":
                nxt = _WORD.match(text, w.end())
                if nxt and nxt.group(1).lower() == "với":
                    break
        if n_words == 0 and not word[0].isalpha():
            break
        end = w.end()
        last_word = word
        n_words += 1
    if n_words == 0:
        return None
    return _past_year_and_number(text, end)


def _past_year_and_number(text: str, end: int) -> int:
    """Extend a document name over a following year ("năm 2015") and number ("số 100/2015/QH13")."""
    y = _YEAR_RX.match(text, end)
    if y:
        end = y.end()
    s = _DOC_NUM_SUFFIX.match(text, end)
    return s.end() if s else end


def _parse_document(text: str, pos: int, known: re.Pattern[str] | None = None) -> tuple[int, int, str, bool] | None:
    """The document written right after a citation group: (start, end, ref as written, relative)."""
    lead = _DOC_LEAD.match(text, pos)
    q = lead.end()
    if q == pos and q < len(text) and (text[q].isalnum()):
        return None  # glued to the number
    m = _DOC_RELATIVE.match(text, q)
    if m:
        return q, m.end(), squash(m.group(0)), True
    for rx in (_DOC_TYPED_NUM, _DOC_ABBR, _DOC_CONSTITUTION):
        m = rx.match(text, q)
        if m:
            return q, m.end(), squash(m.group(0)), False
    e = _parse_named(text, q, known)
    if e is not None:
        return q, e, squash(text[q:e]), False
    m = _DOC_BARE_NUM.match(text, q)
    if m and _NUM_RE.search(m.group(0)):
        return q, m.end(), squash(m.group(0)), False
    return None


def parse_citations(
    text: str, *, skip_headings: bool = True, known_names: Iterable[str] | None = None
) -> list[Reference]:
    """All citations in ``text`` (NFC-normalised first), in order of appearance.

    ``known_names`` (e.g. the titles an :class:`~corpus.aliases.AliasResolver` knows) make document names end exactly
    where a known title ends ("Điều 5 Luật Viên chức quy định…"); without them a built-in list of codes and common
    laws is used, then a word-by-word heuristic.
    """
    text = nfc(text)
    known = None
    if known_names is not None:
        key = tuple(sorted(set(known_names)))
        if key not in _NAMES_CACHE:
            _NAMES_CACHE[key] = _names_regex(key)
        known = _NAMES_CACHE[key]
    out: list[Reference] = []
    pos = 0
    n = len(text)
    while pos < n:
        m = _START.search(text, pos)
        if not m:
            break
        chain: list[_Group] = []
        q = m.start()
        while True:
            g = _parse_group(text, q)
            if g is None:
                break
            if (
                skip_headings
                and not chain
                and not text[text.rfind("\n", 0, g.start) + 1: g.start].strip()
                and g.has_article
                and len(g.items) == 1
                and re.match(r"\.(?:\s|$)", text[g.end: g.end + 2])
            ):
                g = None
                break
            d = _parse_document(text, g.end, known)
            if d:
                g.doc = d
            chain.append(g)
            if d:
                break
            sep = _GROUP_SEP.match(text, g.end)
            if not sep:
                break
            nxt = sep.end()
            if not (_RE["art"].match(text, nxt) or _RE["cl"].match(text, nxt) or _RE["pt"].match(text, nxt)):
                break
            q = nxt
        if not chain:
            pos = m.end()
            continue
        out.extend(_emit(text, chain))
        last = chain[-1]
        pos = max(last.doc[1] if last.doc else last.end, m.end())
    return out


def _emit(text: str, chain: list[_Group]) -> list[Reference]:
    # documents and missing articles flow right-to-left inside one list
    doc = None
    next_article: str | None = None
    resolved: list[list[tuple]] = []
    for g in reversed(chain):
        if g.doc:
            doc = g.doc
        items = g.items
        if not g.has_article and not g.article_this and next_article is not None:
            items = [(next_article, c, p, t) for (_a, c, p, t) in items]
        resolved.append([(g, doc, items)])
        if g.has_article:
            next_article = g.items[0][0] if g.items and g.items[0][0] else next_article
        elif g.article_this:
            next_article = None
    cits: list[Reference] = []
    for [(g, d, items)] in reversed(resolved):
        start = g.start
        end = g.doc[1] if g.doc else g.end
        for a, c, p, t in items:
            if d is None:
                ref, relative = None, True
            else:
                ref, relative = d[2], d[3]
            if a is None:
                relative = True  # "khoản 1 Điều này": always the citing document
            cits.append(
                Reference(article=a, clause=c, point=p, document_ref=ref, relative=relative, span=(start, end),
                         text=text[start:end], this_clause=t)
            )
    return cits


def parse_provision_line(line: str) -> list[Reference]:
    """A judgment's ``related_law_provisions`` line: ``"Bộ luật Dân sự năm 2015 | Điều 584, Điều 585"``.

    The document comes first; it is given to every citation of the right-hand side that names none. A bare number
    ("… | 203") is read as an article. Spans refer to the NFC line.
    """
    line = nfc(line)
    if "|" not in line:
        return parse_citations(line)
    left, right = line.split("|", 1)
    offset = len(left) + 1
    doc = squash(left) or None
    cits = parse_citations(right)
    if not cits:
        m = re.search(r"\d+[a-zđ]?", right)
        if m and not re.search(r"\w", right[: m.start()]):
            s, e = offset + m.start(), offset + m.end()
            return [Reference(article=m.group(0), document_ref=doc, relative=doc is None, span=(s, e), text=line[s:e])]
        return []
    out = []
    for c in cits:
        span = (c.span[0] + offset, c.span[1] + offset)
        if c.document_ref is None and doc:
            c = Reference(c.article, c.clause, c.point, doc, False, span, line[span[0]: span[1]], c.this_clause)
        else:
            c = Reference(c.article, c.clause, c.point, c.document_ref, c.relative, span, line[span[0]: span[1]],
                         c.this_clause)
        out.append(c)
    return out


def resolve_citation(c: Reference, resolver: AliasResolver, citing_document_id: str | None) -> str | None:
    """The id of the cited document: the citing document for a relative citation, else the resolver's answer."""
    if c.relative:
        return citing_document_id
    if c.document_ref is None:
        return citing_document_id
    return resolver.resolve(c.document_ref)
