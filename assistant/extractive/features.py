"""Text features the extractive composer matches on: normalised syllables, quantities ("03 tháng" → ("3", "tháng")),
negation, n-grams, and the lists of common and absolute words."""

from __future__ import annotations

import re
from collections.abc import Sequence

from corpus.text import merge_tone_placements, nfc, normalize_quote_marks

__all__ = ["COMMON_SYLLABLES", "ABSOLUTE_WORDS", "RESTRICTIVE_WORDS", "NUMBER_WORDS", "WORD", "norm", "tokens",
           "quantities", "neg_grams", "bigrams", "trigrams", "NEGATION_SYLLABLES", "prohibitions_as_cam", "has_phrase",
           "phrases_in", "statement_polarity", "law_polarity", "PROHIBITING", "PERMITTING", "CONTRAST_SETS"]

WORD = re.compile(r"\w+", re.UNICODE)
#: the syllables Vietnamese numbers are written with, as a regex alternation
NUMBER_WORDS = "một|hai|ba|bốn|năm|sáu|bảy|tám|chín|mười|mươi|mốt|lăm|tư|trăm"
# very common function syllables: weigh little in matching
COMMON_SYLLABLES = set("""và của các là được có cho trong theo với những này đó để một khi thì mà không bị về tại
từ đến do hoặc người việc như nào sau đây trên ra vào lại đã sẽ đang cũng nếu phải quy định luật điều khoản điểm bộ
này""".split())
_NEG = {"không", "chưa", "cấm", "chẳng", "chớ", "đừng", "nghiêm"}
#: the syllables that negate what follows them
NEGATION_SYLLABLES = frozenset(_NEG)
ABSOLUTE_WORDS = ["luôn", "luôn luôn", "bất kỳ", "bất cứ", "tất cả", "chỉ", "duy nhất", "mọi", "hoàn toàn",
                  "tuyệt đối", "bắt buộc", "không cần", "tự do", "ngay lập tức", "vô điều kiện", "toàn bộ"]
#: words that narrow a rule to part of what it covers ("một số công dân", "một phần thông tin") or compare
RESTRICTIVE_WORDS = ["một số", "một vài", "một phần", "nhiều hơn", "ít hơn", "hơn so với"]
#: phrases that forbid what follows ("không được phép", "nghiêm cấm"), longest first
PROHIBITING = ["không được cho phép", "không được phép", "không cho phép", "không có quyền", "không được", "nghiêm cấm",
               "cấm"]
#: phrases that allow what follows
PERMITTING = ["được phép", "cho phép", "có quyền", "được quyền", "có thể"]
#: sets of terms a rule cannot trade for one another without saying something else: the level of an authority
#: ("cấp xã" / "cấp huyện"), the instance of a trial, the branch of law, bounds and directions ("tối đa" /
#: "tối thiểu", "vượt" / "dưới"), what must be against what may be, the parties of a relation ("vợ" / "chồng",
#: "công dân" / "cơ quan nhà nước") and the state bodies ("Chính phủ" / "Bộ" / "Quốc hội"); forbidding is read
#: as "cấm" first (:func:`prohibitions_as_cam`)
CONTRAST_SETS = (
    ("cấp xã", "cấp huyện", "cấp tỉnh", "trung ương"),
    ("sơ thẩm", "phúc thẩm", "giám đốc thẩm", "tái thẩm"),
    ("dân sự", "hình sự", "hành chính", "thương mại", "lao động"),
    ("tối đa", "tối thiểu"), ("trên", "dưới", "vượt"), ("cao", "thấp"), ("tăng", "giảm"), ("trước", "sau"),
    ("nhiều", "ít"), ("lớn", "nhỏ"), ("dài", "ngắn"), ("trong", "ngoài"),
    ("phải", "có thể", "không cần", "tự nguyện", "bắt buộc"), ("được", "bị", "cấm"),
    ("vợ", "chồng"), ("cha", "mẹ"), ("nam", "nữ"), ("công dân", "cơ quan nhà nước"),
    ("người lao động", "người sử dụng lao động"), ("bên bán", "bên mua"), ("bên cho vay", "bên vay"),
    ("toàn bộ", "một phần"), ("tất cả", "một số"), ("công khai", "bí mật"), ("hợp pháp", "bất hợp pháp"),
    ("có hiệu lực", "vô hiệu"), ("đồng ý", "từ chối"),
    ("chính phủ", "quốc hội", "thủ tướng", "bộ", "ủy ban nhân dân", "tòa án", "viện kiểm sát", "hội đồng"),
)
_UNITS_OF = ["ngày làm việc", "ngày", "tháng", "năm", "tuổi", "giờ", "phút", "lần", "người", "%", "phần trăm",
             "triệu", "tỷ", "nghìn", "đồng", "mét", "m", "km", "cm", "tuần", "quý", "kg", "gam", "thành viên"]
_NUMWORDS = {"không": 0, "một": 1, "mốt": 1, "hai": 2, "ba": 3, "bốn": 4, "tư": 4, "năm": 5, "lăm": 5, "sáu": 6,
             "bảy": 7, "tám": 8, "chín": 9, "mười": 10, "mươi": 10, "trăm": 100}
_NUM_RE = re.compile(r"(?<![\w/.,])(\d+(?:[.,]\d+)?)(?![\w/])")
_REF_BEFORE = re.compile(r"(?:điều|khoản|điểm|chương|mục|số|phần|luật|năm|lần thứ)\s*$")
_WORDNUM_RE = re.compile(rf"\b((?:(?:{NUMBER_WORDS})\s+)*(?:{NUMBER_WORDS}))\s+"
                         r"(ngày|tháng|năm|tuổi|giờ|lần|người|tuần)\b")


def norm(text: str) -> str:
    """NFC, lowercase, typographic quotes unified, tone placements merged, whitespace squashed."""
    text = merge_tone_placements(normalize_quote_marks(nfc(text).lower()))
    return " ".join(text.split())


def tokens(text: str) -> list[str]:
    return WORD.findall(norm(text))


def _words_to_int(words: str) -> int | None:
    total, cur = 0, 0
    for w in words.split():
        v = _NUMWORDS.get(w)
        if v is None:
            return None
        if w == "trăm":
            cur = max(cur, 1) * 100
        elif w in ("mười",):
            cur += 10
        elif w == "mươi":
            cur = max(cur, 1) * 10
        else:
            cur += v
    return total + cur


def quantities(text: str) -> set[tuple[str, str | None]]:
    """Numbers with the unit after them: "03 tháng" → ("3", "tháng"); "mười lăm ngày" → ("15", "ngày").
    Article/clause numbers and years of laws are left out."""
    t = norm(text)
    out: set[tuple[str, str | None]] = set()
    for m in _NUM_RE.finditer(t):
        if _REF_BEFORE.search(t[max(0, m.start() - 12):m.start()]):
            continue
        raw = m.group(1).replace(",", ".")
        v = raw.lstrip("0") or "0"
        if "." in v:
            v = v.rstrip("0").rstrip(".") or "0"
        after = t[m.end():m.end() + 16].lstrip()
        unit = next((u for u in _UNITS_OF
                     if after.startswith(u) and (len(after) == len(u) or not after[len(u)].isalnum())),
                    None)
        out.add((v, unit))
    for m in _WORDNUM_RE.finditer(t):
        n = _words_to_int(m.group(1))
        if n is not None and n > 0:
            out.add((str(n), m.group(2)))
    return out


def neg_grams(toks: Sequence[str]) -> set[tuple[str, ...]]:
    """(negation, next, next-but-one) triples: "không có nghĩa" …"""
    out = set()
    for i, t in enumerate(toks):
        if t in _NEG and i + 2 < len(toks):
            j = i + 1
            if t == "nghiêm" and toks[j] == "cấm":
                j += 1
            while j < len(toks) and toks[j] in _NEG:
                j += 1
            if j + 1 < len(toks):
                out.add((toks[j], toks[j + 1]))
    return out


def bigrams(toks: Sequence[str]) -> set[tuple[str, str]]:
    return set(zip(toks, toks[1:]))


def trigrams(toks: Sequence[str]) -> set[tuple[str, str, str]]:
    return set(zip(toks, toks[1:], toks[2:]))


def has_phrase(toks: Sequence[str], phrases: Sequence[str]) -> bool:
    """Whether one of ``phrases`` (space-separated syllables) occurs in ``toks`` as whole syllables."""
    padded = f" {' '.join(toks)} "
    return any(f" {p} " in padded for p in phrases)


def phrases_in(toks: Sequence[str], phrases: Sequence[str]) -> set[str]:
    """The ``phrases`` that occur in ``toks`` as whole syllables (:func:`has_phrase` for each, the text joined
    once)."""
    padded = f" {' '.join(toks)} "
    return {p for p in phrases if f" {p} " in padded}


def statement_polarity(toks: Sequence[str]) -> int:
    """-1 when a statement forbids ("không được phép", "không thể", "cấm"), +1 when it allows ("được phép", "có
    quyền", or a bare "được": "được hút thuốc"), else 0."""
    if has_phrase(toks, PROHIBITING) or has_phrase(toks, ["không thể"]):
        return -1
    return 1 if has_phrase(toks, PERMITTING) or "được" in toks else 0


_LEADING_NOT = re.compile(r"^(?:\d+\.|[a-zđ]\))?\s*không\s")


def law_polarity(quote: str, context: Sequence[str]) -> int:
    """-1 when a unit of law forbids (it says "không được", "cấm", opens with "Không …", or stands in a list of what
    is forbidden: ``context``, its title and lead-in, says "cấm"), +1 when it allows ("được phép", "có quyền"),
    else 0."""
    text = norm(quote)
    toks = WORD.findall(text)
    if _LEADING_NOT.match(text) or has_phrase(toks, PROHIBITING) or "cấm" in context:
        return -1
    return 1 if has_phrase(toks, PERMITTING) else 0


#: the ways of forbidding an act that :func:`prohibitions_as_cam` writes "cấm" ("không có quyền" denies a right
#: rather than forbidding an act, and stays as it is), longest first
_FORBIDDING_ACTS = ("không được cho phép", "không được phép", "không cho phép", "không được", "nghiêm cấm")


def prohibitions_as_cam(toks: Sequence[str]) -> list[str]:
    """The syllables with every way of forbidding an act ("không được phép", "không cho phép", "nghiêm cấm", …)
    written as "cấm", so that "Không được phép lợi dụng …" and "Cấm lợi dụng …" negate alike."""
    padded = f" {' '.join(toks)} "
    for phrase in _FORBIDDING_ACTS:
        padded = padded.replace(f" {phrase} ", " cấm ")
    return padded.split()
