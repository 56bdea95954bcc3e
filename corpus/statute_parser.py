"""Structure parser for Vietnamese statute plain text.

``parse_statute(text)`` turns the plain text of a statute (header lines, then ``Phần`` / ``Chương`` / ``Mục`` /
``Điều`` headings, khoản lines ``1. …`` and điểm lines ``a) …``) into a :class:`~corpus.law.LegalDocument`.
``parse_article_body(text)`` splits one article body into khoản and điểm (used by loaders whose articles arrive as
"Title\\n\\nBody").

Rules worth knowing:

* Text inside quoted blocks (a line opening with ``“`` or ``"`` up to the line that closes the quote) belongs to the
  enclosing unit and never starts an article, chapter, khoản or điểm: amending laws quote other laws' articles.
* An article heading is ``Điều N.`` / ``Điều N:`` (anything may follow) or a bare ``Điều N`` line; ``Điều N Tiêu đề``
  without punctuation is accepted only when N is the next number in sequence and the title starts with a capital
  letter, so "Điều 5 của Luật này …" at the start of a line is not an article.
* Khoản numbers must follow 1, 2, 3…; điểm letters must follow a, b, c, d, đ, e, g… (up to two letters may be skipped,
  e.g. after a line holding "b) …; c) …; d) …"); anything else is a continuation line of the current unit.
* ``Clause.text`` / ``Point.text`` are the whole unit as written, numbering included ("1. …", "a) …"), with every
  continuation line and (for a clause) its point lines, joined by "\\n".
* The closing formula after the last article ("Luật này đã được Quốc hội … thông qua …", signatures) is not part of
  the last article; it is kept in ``LegalDocument.extra["trailer"]``.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from corpus.law import Article, Clause, DocumentType, LegalDocument, Point
from corpus.text import clean_lines, slugify

__all__ = ["parse_statute", "parse_article_body", "POINT_LETTERS"]

# Vietnamese point letters in order (no f, j, w, z; đ after d).
POINT_LETTERS = "abcdđeghiklmnopqrstuvxy"
_LETTER_INDEX = {c: i for i, c in enumerate(POINT_LETTERS)}

_ROMAN = r"[IVXLCDM]+"
_SEP = r"\s*[.:\-–—]?\s*"
_PHAN_RE = re.compile(rf"^(?:PHẦN|Phần)\s+((?:THỨ|[Tt]hứ)\s+[^\s:.\-–]+|{_ROMAN}|\d+)(?:{_SEP}(.*))?$")
_CHUONG_RE = re.compile(rf"^(?:CHƯƠNG|Chương)\s+({_ROMAN}|\d+[A-Za-z]?)\b(?:{_SEP}(.*))?$")
_MUC_RE = re.compile(rf"^(?:MỤC|Mục)\s+(\d+|{_ROMAN})\b(?:{_SEP}(.*))?$")
_ARTICLE_RE = re.compile(r"^(?:[ĐÐ]iều|ĐIỀU)\s+(\d+[a-zđ]?)(?:\s*([.:])\s*(.*)|\s*$|\s+(.+))$")
_CLAUSE_RE = re.compile(r"^(\d+)(?:\.(?!\d)|\s*-(?=\s))\s*(.*)$")
_POINT_RE = re.compile(r"^([a-zđ])\)\s*(.*)$")
_TRAILER_RE = re.compile(
    r"^(?:Bộ luật|Luật|Pháp lệnh|Hiến pháp|Nghị quyết|Văn bản)(?: [^ ]+){0,3} này (?:đã )?được Quốc hội",
    re.IGNORECASE,
)
_REPEAL_MARK_RE = re.compile(r"\(\s*(?:đã\s+)?(?:được|bị)?\s*(?:được\s+)?bãi\s+bỏ\s*\)", re.IGNORECASE)
_REPEAL_BODY_RE = re.compile(r"^\(?\s*(?:đã\s+)?(?:được|bị)?\s*bãi\s+bỏ\s*\)?\s*[.;]?$", re.IGNORECASE)

_TYPES: list[tuple[str, DocumentType, str]] = [
    ("VĂN BẢN HỢP NHẤT", DocumentType.CONSOLIDATED, "Văn bản hợp nhất"),
    ("HIẾN PHÁP", DocumentType.CONSTITUTION, "Hiến pháp"),
    ("BỘ LUẬT", DocumentType.CODE, "Bộ luật"),
    ("LUẬT MẪU", DocumentType.OTHER, "Luật mẫu"),
    ("LUẬT", DocumentType.LAW, "Luật"),
    ("PHÁP LỆNH", DocumentType.ORDINANCE, "Pháp lệnh"),
    ("NGHỊ QUYẾT", DocumentType.RESOLUTION, "Nghị quyết"),
    ("NGHỊ ĐỊNH", DocumentType.DECREE, "Nghị định"),
    ("THÔNG TƯ", DocumentType.CIRCULAR, "Thông tư"),
    ("QUYẾT ĐỊNH", DocumentType.DECISION, "Quyết định"),
    ("SẮC LỆNH", DocumentType.OTHER, "Sắc lệnh"),
]
_TYPE_WORDS = {t[0] for t in _TYPES}

_NUMBER_LINE_RE = re.compile(
    r"^(?:(?:Bộ luật|Luật|Pháp lệnh|Nghị quyết|Nghị định|Thông tư|Hiến pháp|Quyết định)\s+)?Số\s*:?\s*(.*)$",
    re.IGNORECASE,
)
_NUMBER_INLINE_RE = re.compile(r"\bSỐ\s*:?\s*(\d[^\s,]*(?:\s+\d+)?)")
_DATE_RE = re.compile(r"ngày\s*(\d{1,2})\s*tháng\s*(\d{1,2})\s*năm\s*(\d{4})", re.IGNORECASE)
_DATE_NUM_RE = re.compile(r"NGÀY\s+(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})", re.IGNORECASE)
_TITLE_STOP = re.compile(r"^(CĂN CỨ|QUỐC HỘI|CỦA QUỐC HỘI|SỐ\b|KHO[ÁÀ]\s+[IVXL]+|KHÓA\s+[IVXL]+|\(|CHỦ TỊCH|"
                         r"[UỦ][ỶY] BAN)")
_ABOUT_RE = re.compile(r"^(?:Bộ luật|Luật|Pháp lệnh) này quy định (?:về )?(.+?)\.?$")

# Proper nouns restored after lower-casing an upper-case title.
_PROPER = [
    "Việt Nam", "Quốc hội", "Nhà nước", "Hội đồng nhân dân", "Ủy ban nhân dân", "Uỷ ban nhân dân",
    "Mặt trận Tổ quốc", "Công an nhân dân", "Quân đội nhân dân", "Cảnh sát biển", "Hội đồng nhân dân",
    "Liên hợp quốc", "Liên Hợp Quốc", "Kiểm toán nhà nước", "Cộng hòa xã hội chủ nghĩa", "Cộng hoà xã hội chủ nghĩa",
]
_PROPER_RE = [(re.compile(r"\b" + re.escape(p.lower()) + r"\b"), p) for p in _PROPER]


# ---------------------------------------------------------------------------------------------------------------
# quotes


def _quoted_flags(lines: list[str], limit: int = 2000) -> list[bool]:
    """True for every line inside a quoted block: from a line opening with “ or " to the line that closes it.

    A block that never closes (malformed text) marks only its opening line.
    """
    n = len(lines)
    flags = [False] * n
    i = 0
    while i < n:
        s = lines[i]
        if s.startswith("“"):
            depth = s.count("“") - s.count("”")
            j = i
            while depth > 0 and j + 1 < n and j - i < limit:
                j += 1
                depth += lines[j].count("“") - lines[j].count("”")
            if depth > 0:
                j = i
            for k in range(i, j + 1):
                flags[k] = True
            i = j + 1
        elif s.startswith('"'):
            j = i
            if s.count('"') % 2 == 1:
                while j + 1 < n and j - i < limit:
                    j += 1
                    if lines[j].count('"') % 2 == 1:
                        break
                else:
                    j = i
            for k in range(i, j + 1):
                flags[k] = True
            i = j + 1
        else:
            i += 1
    return flags


# ---------------------------------------------------------------------------------------------------------------
# article bodies


@dataclass
class _Unit:
    number: str
    lines: list[str] = field(default_factory=list)
    points: list[_Unit] = field(default_factory=list)


def parse_article_body(text: str) -> tuple[list[Clause], list[Point]]:
    """Split an article body into khoản (with their điểm) and điểm directly under the article.

    Numbers must run 1, 2, 3… and letters a, b, c…; lines inside quoted blocks are continuation lines.
    """
    lines = [ln for ln in clean_lines(text).split("\n") if ln]
    quoted = _quoted_flags(lines)
    clauses: list[_Unit] = []
    art_points: list[_Unit] = []
    clause: _Unit | None = None
    point: _Unit | None = None
    last_letter = -1
    prev = ""
    for line, q in zip(lines, quoted):
        prev_line, prev = prev, line
        if not q:
            m = _CLAUSE_RE.match(line)
            if m and int(m.group(1)) == len(clauses) + 1:
                clause = _Unit(m.group(1), [line])
                clauses.append(clause)
                point, last_letter = None, -1
                continue
            m = _POINT_RE.match(line)
            if m:
                idx = _LETTER_INDEX.get(m.group(1), -9)
                # the first point is "a)", or any letter right after an introducing line ending with ":"
                first_ok = idx == 0 or (idx > 0 and prev_line.endswith(":"))
                if (last_letter == -1 and first_ok) or (last_letter >= 0 and last_letter < idx <= last_letter + 3):
                    point = _Unit(m.group(1), [line])
                    last_letter = idx
                    if clause is not None:
                        clause.lines.append(line)
                        clause.points.append(point)
                    else:
                        art_points.append(point)
                    continue
        if point is not None:
            point.lines.append(line)
        if clause is not None:
            clause.lines.append(line)
    out_clauses = [
        Clause(number=c.number, text="\n".join(c.lines), points=[Point(p.number, "\n".join(p.lines)) for p in c.points])
        for c in clauses
    ]
    out_points = [Point(p.number, "\n".join(p.lines)) for p in art_points]
    return out_clauses, out_points


# ---------------------------------------------------------------------------------------------------------------
# header


def _is_upper(s: str) -> bool:
    return any(c.isalpha() for c in s) and s == s.upper()


def _strip_decor(s: str) -> str:
    return re.sub(r"[\s\-–*_=.]+$", "", s).strip()


def _normalize_number(raw: str) -> str | None:
    raw = re.split(r"\s+(?:ngày|NGÀY)\b|,|;|\s+(?:của|CỦA|về|VỀ)\b", raw, maxsplit=1)[0]
    num = re.sub(r"\s+", "", raw).strip(".:")
    if re.match(r"^\d+[-/][\w/\-.]+$", num) and any(c.isdigit() for c in num):
        return num
    return None


def _title_case(type_label: str, words: str) -> str:
    """"LUẬT" + "ĐO ĐẠC VÀ BẢN ĐỒ" → "Luật Đo đạc và bản đồ" (acronyms such as HIV/AIDS kept)."""
    tokens = []
    for tok in words.split():
        core = tok.strip("(),.;:")
        keep = core and (any(c.isdigit() for c in core) or "/" in core or tok.startswith("(")) and _is_upper(core)
        tokens.append(tok if keep else tok.lower())
    if tokens and tokens[0] == "về":
        type_label += " về"
        tokens = tokens[1:]
    rest = " ".join(tokens)
    for rx, proper in _PROPER_RE:
        rest = rx.sub(proper, rest)
    if rest and not type_label.endswith(" về"):
        rest = rest[0].upper() + rest[1:]
    if not type_label:
        return rest
    return f"{type_label} {rest}".strip()


def _find_type(line: str) -> tuple[str, DocumentType, str] | None:
    for word, dtype, label in _TYPES:
        if line == word or line.startswith(word + " "):
            return word, dtype, label
    return None


@dataclass
class _Header:
    number: str | None = None
    issuer: str | None = None
    issued: dt.date | None = None
    doc_type: DocumentType = DocumentType.OTHER
    title: str = ""
    end: int = 0  # index of the first line after the header (type and title lines)


def _safe_date(d: str, m: str, y: str) -> dt.date | None:
    try:
        return dt.date(int(y), int(m), int(d))
    except ValueError:
        return None


def _parse_header(lines: list[str], stop: int) -> _Header:
    h = _Header()
    head = lines[:stop]
    # issuer: the first line, without its decoration, when it names a body rather than a document type
    if head:
        first = _strip_decor(head[0])
        if first and _is_upper(first) and _find_type(first) is None and not first.startswith("CỘNG H"):
            h.issuer = first
    # type line and title
    type_idx = None
    type_info = None
    title_words = ""
    candidates = [(i, s) for i, s in enumerate(head) if _is_upper(s) and _find_type(s)]
    for i, s in candidates:
        word, dtype, label = _find_type(s)  # type: ignore[misc]
        if s != word:
            continue
        nxt = head[i + 1] if i + 1 < len(head) else ""
        if nxt and _is_upper(nxt) and not re.match(r"^(SỐ|CỦA|LUẬT SỐ)\b", nxt) and _find_type(nxt) is None:
            type_idx, type_info = i, (word, dtype, label)
            break
    if type_idx is None and candidates:
        i, s = candidates[0]
        type_idx, type_info = i, _find_type(s)
        if s == type_info[0] and i + 1 < len(head):  # type: ignore[index]
            about = re.search(r"\b(?:VỀ|QUY ĐỊNH)\s+(.+)$", head[i + 1])
            if about and _is_upper(head[i + 1]):
                title_words = about.group(0) if about.group(0).startswith("QUY ĐỊNH") else about.group(1)
                h.end = i + 2
    if type_idx is not None and type_info is not None:
        word, dtype, label = type_info
        h.doc_type = dtype
        if not title_words:
            inline = head[type_idx][len(word):].strip()
            parts = [inline] if inline else []
            j = type_idx + 1
            while j < len(head) and not inline:
                s = head[j]
                if not _is_upper(s) or re.match(_TITLE_STOP, s):
                    break
                parts.append(s)
                j += 1
            title_words = re.split(r"\s+SỐ\s+\d", " ".join(parts))[0]
            h.end = j if not inline else type_idx + 1
        if dtype == DocumentType.CONSTITUTION:
            h.title = "Hiến pháp"
        else:
            h.title = _title_case(label, title_words)
    # number: a "Số:" line (value possibly on the next line), else "SỐ …" inside an upper-case header line
    for i, s in enumerate(head):
        m = _NUMBER_LINE_RE.match(s)
        if m:
            raw = m.group(1).strip()
            if not raw and i + 1 < len(head):
                raw = head[i + 1]
            num = _normalize_number(raw)
            if num:
                h.number = num
                break
    if h.number is None:
        for s in head:
            if _is_upper(s):
                m = _NUMBER_INLINE_RE.search(s)
                if m and (num := _normalize_number(m.group(1))):
                    h.number = num
                    break
    # date: "Hà Nội, ngày 27 tháng 11 năm 2015" (before the title), else "NGÀY 20-5-1957" in a header line
    limit = type_idx if type_idx is not None else len(head)
    for s in head[: max(limit, 1)]:
        if s.startswith(("(", "Căn cứ", "Khoá", "Khóa")):
            continue
        m = _DATE_RE.search(s)
        if m and (d := _safe_date(*m.groups())):
            h.issued = d
            break
    if h.issued is None:
        for s in head:
            m = _DATE_NUM_RE.search(s)
            if m and (d := _safe_date(*m.groups())):
                h.issued = d
                break
    return h


# ---------------------------------------------------------------------------------------------------------------
# document


def _article_no_int(number: str) -> int:
    return int(re.match(r"\d+", number).group(0))  # type: ignore[union-attr]


def _heading_title(lines: list[str], quoted: list[bool], i: int, rest: str | None) -> tuple[str, int]:
    """The title of a Phần/Chương/Mục heading at line i: on the same line, or on the next line.
    Returns (title, next)."""
    rest = (rest or "").strip()
    if rest:
        return rest, i + 1
    j = i + 1
    while j < len(lines) and not lines[j]:
        j += 1
    if j < len(lines) and not quoted[j] and _structural(lines[j]) is None and _ARTICLE_RE.match(lines[j]) is None:
        s = lines[j]
        if _is_upper(s) or (len(s) < 200 and not s.endswith((".", ";", ":"))):
            return s, j + 1
    return "", i + 1


def _structural(line: str) -> tuple[str, re.Match] | None:
    for kind, rx in (("phan", _PHAN_RE), ("chuong", _CHUONG_RE), ("muc", _MUC_RE)):
        m = rx.match(line)
        if m:
            rest = (m.group(2) or "").strip()
            # "Chương II của Bộ luật này …" is a sentence, not a heading
            if rest and not (rest[0].isupper() or rest[0].isdigit() or rest[0] in "(“\""):
                return None
            return kind, m
    return None


def _label(kind: str, m: re.Match) -> str:
    num = m.group(1)
    if kind == "phan":
        return "Phần " + num.lower() if not re.fullmatch(_ROMAN, num) else "Phần " + num
    return ("Chương " if kind == "chuong" else "Mục ") + num


def _is_repealed(title: str, body: str) -> bool:
    if _REPEAL_MARK_RE.search(title) or _REPEAL_BODY_RE.match(title.strip()):
        return True
    b = body.strip()
    if not b:
        return False
    return bool(_REPEAL_BODY_RE.match(b) or (len(b) < 80 and _REPEAL_MARK_RE.search(b)))


def parse_statute(text: str, source: str | None = None) -> LegalDocument:
    """Parse the plain text of a Vietnamese statute into a LegalDocument with its articles, clauses and points."""
    lines = clean_lines(text).split("\n")
    quoted = _quoted_flags(lines)

    # locate the structure: the first real heading outside quotes
    first = len(lines)
    for i, s in enumerate(lines):
        if quoted[i]:
            continue
        if _structural(s) or _accept_article(_ARTICLE_RE.match(s), None):
            first = i
            break
    header = _parse_header(lines, first)
    preamble_start = header.end if header.end <= first else 0
    preamble = "\n".join(s for s in lines[preamble_start:first] if s)

    articles: list[Article] = []
    path: dict[str, str | None] = {"phan": None, "chuong": None, "muc": None}
    cur: tuple[str, str, list[str], list[str]] | None = None  # number, title, body lines, path
    last_no: str | None = None
    stray: list[str] = []

    def close() -> None:
        nonlocal cur
        if cur is not None:
            number, title, body, p = cur
            articles.append(_make_article(number, title, body, p))
        cur = None

    i = first
    n = len(lines)
    while i < n:
        s = lines[i]
        if not s:
            i += 1
            continue
        if quoted[i]:
            (cur[2] if cur else stray).append(s)
            i += 1
            continue
        st = _structural(s)
        if st is not None:
            kind, m = st
            close()
            title, i = _heading_title(lines, quoted, i, m.group(2))
            heading = _label(kind, m) + (f". {title}" if title else "")
            if kind == "phan":
                path = {"phan": heading, "chuong": None, "muc": None}
            elif kind == "chuong":
                path["chuong"], path["muc"] = heading, None
            else:
                path["muc"] = heading
            continue
        m = _ARTICLE_RE.match(s)
        if m and _accept_article(m, last_no):
            close()
            number = m.group(1)
            title = (m.group(3) if m.group(2) else m.group(4)) or ""
            cur = (number, title.strip(), [], [v for v in path.values() if v])
            last_no = number
            i += 1
            continue
        (cur[2] if cur else stray).append(s)
        i += 1

    # the closing formula after the last article
    trailer: list[str] = []
    if cur is not None:
        body = cur[2]
        for k, s in enumerate(body):
            if _TRAILER_RE.match(s):
                trailer = body[k:]
                del body[k:]
                break
    close()

    doc_title = header.title
    if not doc_title:
        # no title block: "Luật này quy định về …" in the preamble or in the first article
        candidates = preamble.split("\n") + (articles[0].text.split("\n")[:2] if articles else [])
        for s in candidates:
            m = _ABOUT_RE.match(re.sub(r"^\d+\.\s*", "", s))
            if m:
                doc_title = _title_case("Luật", re.split(r"[;:]", m.group(1))[0].strip())
                header.doc_type = DocumentType.LAW
                break
    if header.issued is None and trailer:
        m = re.search(r"thông qua ngày\s*(\d{1,2})\s*tháng\s*(\d{1,2})\s*năm\s*(\d{4})", " ".join(trailer))
        if m:
            header.issued = _safe_date(*m.groups())
    if not doc_title:
        doc_title = lines[0][:120] if lines and lines[0] else "Văn bản"
    year = header.issued.year if header.issued else None
    if year is None and header.number:
        ym = re.search(r"/(\d{4})/", header.number)
        year = int(ym.group(1)) if ym else None
    doc_id = header.number or slugify(f"{doc_title} {year}" if year else doc_title)
    extra: dict = {}
    if trailer:
        extra["trailer"] = "\n".join(trailer)
    if stray:
        extra["unattached"] = "\n".join(stray)
    return LegalDocument(
        id=doc_id,
        title=doc_title,
        doc_type=header.doc_type,
        number=header.number,
        issuer=header.issuer,
        issued_date=header.issued,
        source=source,
        source_format="text",
        articles=articles,
        extra=extra,
        preamble=preamble,
    )


def _accept_article(m: re.Match | None, last_no: str | None) -> bool:
    """Is this "Điều N…" line an article heading?"""
    if m is None:
        return False
    if m.group(2) or m.group(4) is None:  # "Điều N." / "Điều N:" / bare "Điều N"
        return True
    # "Điều N Tiêu đề": only the next number in sequence with a capitalised title
    rest = m.group(4).strip()
    if not rest or not rest[0].isupper():
        return False
    expected = 1 if last_no is None else _article_no_int(last_no) + 1
    return _article_no_int(m.group(1)) == expected and m.group(1).isdigit()


def _make_article(number: str, title: str, body: list[str], path: list[str]) -> Article:
    text = "\n".join(body).strip()
    if not text and title:
        # the whole article sits on its heading line ("Điều 5. (được bãi bỏ)", "Điều 12. Chính phủ quy định …"):
        # the heading content is the body as well
        text = title
    clauses, points = parse_article_body(text) if text else ([], [])
    return Article(
        number=number,
        title=title,
        text=text,
        clauses=clauses,
        points=points,
        path=path,
        repealed=_is_repealed(title, "\n".join(body)),
    )
