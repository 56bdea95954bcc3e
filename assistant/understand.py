"""Understand a question: what form of answer it asks for, its options, and the units of law it names.

``understand("Người từ đủ 16 tuổi … , đúng hay sai?")`` gives a :class:`Question` with ``form`` ``TRUE_FALSE`` and
``text`` the bare statement; options written inside the text ("A. … B. …", "A) …") are parsed out when they are not
given separately; "bao nhiêu", "bao lâu", "là gì", "cơ quan nào", "ai có thẩm quyền" make a short-answer question,
anything else an open one.

It also reads what the question asks for (:func:`asks`): a quantity ("bao nhiêu ngày", "bao lâu", "độ tuổi nào"), a
list ("điều kiện", "những trường hợp nào", "bao gồm những gì"), a definition ("X là gì?"), the term a definition
names ("… gọi là gì?"), a yes/no ("có … không?"), what a named unit says ("Điều 468 BLDS quy định gì?") or an entity
("cơ quan nào", "ai", "X nào") — and where the question word sits, so that the composer can pick the clause that
answers and the words in it that fill the question's gap.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from assistant.answer import AnswerForm
from corpus.citations import Reference, parse_citations
from corpus.text import fold, nfc
from indexing.query import cut_folded

__all__ = ["Question", "understand", "parse_choices", "is_negative_question", "negated_phrase", "Asks", "asks",
           "MEASURES", "NEGATED_SPAN"]

# on folded text (lowercase, no diacritics)
_TF_TAIL = re.compile(r"[\s,.;:–-]*(la\s+)?(dung\s+hay\s+sai|dung\s+hoac\s+sai|dung\s*/\s*sai|dung\s+khong|"
                      r"phai\s+khong|co\s+dung\s+khong)\s*[?.!]*\s*$")
_TF_HEAD = re.compile(r"^\s*(khang\s+dinh\s+sau\s+)?(dung\s+hay\s+sai|dung\s+hoac\s+sai)\s*[:?.]\s*")
_CHOOSE = re.compile(r"[\s.]*(hay\s+)?chon\s+(cau\s+tra\s+loi|dap\s+an|phuong\s+an|y)\s+(dung|chinh\s+xac)"
                     r"(\s+nhat)?\s*[.:?!]*")
_SHORT = re.compile(r"\b(bao\s+nhieu|bao\s+lau|la\s+gi|la\s+ai|co\s+quan\s+nao|ai\s+co\s+tham\s+quyen|"
                    r"toa\s+an\s+nao|cap\s+nao|khi\s+nao|luc\s+nao|thoi\s+han|may\s+(ngay|thang|nam)|"
                    r"do\s+tuoi\s+nao|ben\s+nao|nguoi\s+nao|ai\s+la|ai\s+chiu)\b")
_QUESTION_WORD = re.compile(r"\b(nao|gi|bao\s+nhieu|bao\s+lau|ai|sao|the\s+nao|nhu\s+the\s+nao|khong\s*\?|"
                            r"hay\s+khong|ra\s+sao)\b")
# "A. …", "A) …", "A: …", "a) …" (a letter A–D at a line start or after whitespace)
_OPTION = re.compile(r"(?:^|(?<=\s))([A-Da-d])\s*[.):]\s+")
_NEGATIVE = re.compile(r"\b(khong|chua|tru|ngoai\s+tru|sai)\b")


# what a question asks for; on folded text
MEASURES = ("ngay lam viec", "ngay", "thang", "nam", "tuoi", "gio", "phut", "tuan", "lan", "nguoi", "phan tram",
            "%", "met", "m", "km", "cm", "dong", "trieu", "ty", "ky", "quy", "kg", "thanh vien")
_TIME = ("ngay lam viec", "ngay", "thang", "nam", "gio", "phut", "tuan")
_Q_QUANTITY = re.compile(r"\b(?:bao\s+nhieu|may)(?:\s+(?P<m>ngay\s+lam\s+viec|ngay|thang|nam|tuoi|gio|phut|tuan|lan|"
                         r"nguoi|phan\s+tram|met|km|cm|dong|trieu|ty|ky|quy|kg|thanh\s+vien))?\b"
                         r"|\b(?P<lau>bao\s+lau)\b|\b(?P<tuoi>do\s+tuoi(?:\s+nao)?|tuoi\s+nao|bao\s+nhieu\s+tuoi)\b")
_Q_LIST = re.compile(r"\b(dieu\s+kien|nhung\s+truong\s+hop|cac\s+truong\s+hop|truong\s+hop\s+nao|bao\s+gom|"
                     r"gom\s+nhung|gom\s+co|nhung\s+ai|nhung\s+gi|nhung\s+(?:quyen|nghia\s+vu|noi\s+dung|hanh\s+vi|"
                     r"loai|hinh\s+thuc|bien\s+phap|cong\s+viec|viec)|cac\s+(?:quyen|nghia\s+vu|hanh\s+vi|"
                     r"hinh\s+thuc|bien\s+phap)\s+nao|ho\s+so)\b")
_Q_TERM = re.compile(r"\b(duoc\s+)?goi\s+la\s+gi\b|\bla\s+khai\s+niem\s+nao\b")
_Q_DEFINE = re.compile(r"\b(la\s+gi|nghia\s+la\s+gi|duoc\s+hieu\s+(?:la|nhu)\s+the\s+nao)\b")
_Q_CONTENT = re.compile(r"\bquy\s+dinh\s+(gi|ve\s+(van\s+de|noi\s+dung)\s+gi|nhung\s+gi|nhu\s+the\s+nao|the\s+nao|"
                        r"ra\s+sao)\b|\bnoi\s+dung\s+(gi|nhu\s+the\s+nao)\b")
_Q_YES_NO = re.compile(r"\b(co\s+\w+|duoc|phai|bi|co)\b.*\b(khong|hay\s+khong|duoc\s+khong|chua)\s*\??\s*$")
# the question word, on folded text: "cơ quan nào", "ai", "việc gì", "bao lâu"…
_WH = re.compile(r"\b((?:(?:co\s+quan|to\s+chuc|nguoi|ben|toa\s+an|cap|chu\s+the|thu\s+tuc|viec|hanh\s+vi|"
                 r"hinh\s+thuc|loai|nguon\s+\w+|truong\s+hop|thoi\s+diem|dieu|noi|dau|giay\s+to|muc\s+\w+|"
                 r"bien\s+phap|hinh\s+phat|\w+)\s+)?(?:nao|gi)|bao\s+nhieu(?:\s+\w+)?|bao\s+lau|ai|may\s+\w+|"
                 r"khi\s+nao|o\s+dau)\b")

_VAGUE_WH = re.compile(r"(?:nhu\s+)?the\s+nao|nhu\s+nao|ra\s+sao|(?:quy\s+)?dinh\s+gi|lam\s+gi|sao")


@dataclass
class Asks:
    """What a question asks for. ``kind``: quantity, list, definition, term, yes_no, content, entity or None;
    ``measure``: the unit of a quantity asked for ("ngày" for "bao nhiêu ngày", the time units for "bao lâu");
    ``wh``: (start, end) character span of the question word in the question text."""

    kind: str | None = None
    measures: tuple[str, ...] = ()
    wh: tuple[int, int] | None = None


def _implied_measures(f: str) -> tuple[str, ...]:
    """The unit a "bao nhiêu" without one implies: a rate in per cent, a time limit in days…, an age in years."""
    if re.search(r"\b(lai\s+suat|ty\s+le|phan\s+tram)\b", f):
        return ("phan tram", "%")
    if re.search(r"\b(thoi\s+han|thoi\s+hieu|thoi\s+gian)\b", f):
        return _TIME
    if re.search(r"\btuoi\b", f):
        return ("tuoi",)
    if re.search(r"\b(tien|muc\s+phat|gia\s+tri|muc\s+luong)\b", f):
        return ("dong", "trieu", "ty")
    return ()


def asks(text: str, named_unit: bool = False) -> Asks:
    """What ``text`` (a question without options) asks for; ``named_unit``: the question names an article."""
    f = fold(text)
    wh = None
    m = _Q_QUANTITY.search(f)
    if m and not (m.group("m") or m.group("lau") or m.group("tuoi")):
        noun = re.match(r"\s+(\w+)", f[m.end():])
        if noun and noun.group(1) not in {"la", "thi", "de", "?"} and not _implied_measures(f):
            m = None  # "bao nhiêu cổ đông", "bao nhiêu cấp": a count of things, found where the question word sits
    if m:
        measures: tuple[str, ...] = ()
        if m.group("m"):
            measures = (m.group("m"),)
        elif m.group("lau"):
            measures = _TIME
        elif m.group("tuoi"):
            measures = ("tuoi",)
        else:
            measures = _implied_measures(f)
        return Asks("quantity", measures, (m.start(), m.end()))
    w = _WH.search(f)
    if w and _VAGUE_WH.fullmatch(w.group(0)):  # "như thế nào", "ra sao": an open question, no gap to fill
        w = None
    if w:
        wh = (w.start(), w.end())
    if named_unit and _Q_CONTENT.search(f):
        return Asks("content", (), wh)
    if _Q_TERM.search(f):
        return Asks("term", (), wh)
    if _Q_LIST.search(f) and not re.search(r"\b(co|duoc)\b.*\bkhong\s*\??\s*$", f):
        return Asks("list", (), wh)
    if re.search(r"\b(thoi\s+han|thoi\s+hieu|muc\s+phat|muc\s+lai\s+suat|lai\s+suat|ty\s+le|han\s+muc)\b", f) and \
            re.search(r"\b(la\s+bao|la\s+gi|toi\s+da|toi\s+thieu|the\s+nao|ra\s+sao)\b", f):
        return Asks("quantity", _implied_measures(f), wh)
    if _Q_DEFINE.search(f):
        return Asks("definition", (), wh)
    if _Q_YES_NO.search(f) and not w:
        return Asks("yes_no", (), None)
    if w:
        return Asks("entity", (), wh)
    if re.search(r"\bkhong\s*\??\s*$", f):
        return Asks("yes_no", (), None)
    return Asks(None, (), None)


@dataclass
class Question:
    """A question as the composer sees it. ``text`` is the statement or question without exam boilerplate and
    without options; ``choices`` maps the option letter to its text; ``units`` are the citations it names."""

    raw: str
    text: str
    form: AnswerForm
    choices: dict[str, str] | None = None
    units: list[Reference] = field(default_factory=list)
    asks: Asks = field(default_factory=Asks)

    @property
    def negative(self) -> bool:
        """True for "… không phải là …", "… trừ …", "điều nào sau đây KHÔNG đúng" multiple-choice questions."""
        return is_negative_question(self.text)


def parse_choices(text: str) -> tuple[str, dict[str, str] | None]:
    """Split "stem A. x B. y C. z" into the stem and ``{"A": "x", …}``; options must run A, B, (C, D) in order."""
    marks = [m for m in _OPTION.finditer(text)]
    # keep the longest run A, B, C, … of markers in order
    best: list[re.Match] = []
    for i, m in enumerate(marks):
        if m.group(1).upper() != "A":
            continue
        run = [m]
        for n in marks[i + 1:]:
            if ord(n.group(1).upper()) == ord(run[-1].group(1).upper()) + 1:
                run.append(n)
        if len(run) > len(best):
            best = run
    if len(best) < 2:
        return text, None
    choices = {}
    for j, m in enumerate(best):
        end = best[j + 1].start() if j + 1 < len(best) else len(text)
        choices[m.group(1).upper()] = text[m.end():end].strip()
    return text[:best[0].start()].strip(), choices


_NEG_Q = re.compile(r"(không\s+phải|không\s+thuộc|không\s+đúng|không\s+được\s+coi|không\s+bao\s+gồm|"
                    r"không\s+có\s+(?:nhiệm\s+vụ|quyền|nghĩa\s+vụ|trách\s+nhiệm|thẩm\s+quyền)|không\s+là|"
                    r"không\s+nằm|không\s+chính\s+xác|không\s+được\s+quy\s+định|không\s+thuộc\s+trường\s+hợp|"
                    r"ngoại\s+trừ|(?<!\w)trừ(?!\w)|(?<!\w)sai\s*\?|là\s+sai|nào\s+sai|đâu\s+không|nào\s+không|"
                    r"không\s+phù\s+hợp|không\s+bắt\s+buộc|không\s+được\s+(?:thực\s+hiện|làm))")


def _negation(text: str) -> tuple[str, re.Match | None, bool]:
    """The text read for negation (parentheses left out), where its negation is (lowercase), and whether it is
    written in capitals ("KHÔNG")."""
    t = re.sub(r"\([^)]*\)", " ", nfc(text))  # "(trừ trường hợp …)" is not what the question asks
    emphatic = bool(re.search(r"(?<!\w)(KHÔNG|TRỪ|SAI)(?!\w)", t))
    low = t.lower()
    return low, _NEG_Q.search(low) or re.search(r"(?<!\w)không(?=\s+(?:\w+\s+){0,10}nào\s+(?:sau|dưới)\s+đây)", low), \
        emphatic


def is_negative_question(text: str) -> bool:
    """A multiple-choice stem that asks for the option the law does *not* support ("không phải", "trừ", "KHÔNG
    đúng", "sai")."""
    _low, m, emphatic = _negation(text)
    return emphatic or m is not None


#: how many words, the negation's own included, :func:`negated_phrase` reads
NEGATED_SPAN = 5


def negated_phrase(text: str) -> str | None:
    """The words a negative stem's negation opens, ``NEGATED_SPAN`` of them, lowercase ("không có quyền yêu cầu"
    of "Chồng không có quyền yêu cầu ly hôn trong trường hợp nào?"): when the law says them too, the negation
    is what the law states, not what the question asks for. None when the negation is written in capitals
    ("KHÔNG"), the question's own, or when fewer words follow it."""
    low, m, emphatic = _negation(text)
    if emphatic or m is None:
        return None
    words = re.findall(r"\w+", low[m.start():])
    words = words[next((i for i, w in enumerate(words) if w in ("không", "trừ", "sai")), 0):][:NEGATED_SPAN]
    return " ".join(words) if len(words) == NEGATED_SPAN else None


def understand(text: str, choices: dict[str, str] | None = None, form: AnswerForm | str | None = None,
               known_names=None) -> Question:
    """Read a question. ``choices`` given separately win over options found in the text; ``form`` forces the form
    (a benchmark that carries the question type)."""
    raw = text
    text = " ".join(nfc(text).split())
    folded = fold(text)
    tf = bool(_TF_TAIL.search(folded) or _TF_HEAD.search(folded))
    clean = cut_folded(text, _CHOOSE)
    clean = cut_folded(clean, _TF_TAIL)
    clean = cut_folded(clean, _TF_HEAD)
    clean = clean.strip(" ,;:")
    if choices:
        choices = {str(k).strip().upper(): " ".join(nfc(v).split()) for k, v in choices.items()}
    else:
        stem, found = parse_choices(clean)
        if found:
            clean, choices = stem, found
    units = [c for c in parse_citations(clean, known_names=known_names) if c.article]
    if form is not None:
        f = AnswerForm(form)
    elif choices:
        f = AnswerForm.MULTIPLE_CHOICE
    elif tf:
        f = AnswerForm.TRUE_FALSE
    else:
        fc = fold(clean)
        if _SHORT.search(fc):
            f = AnswerForm.SHORT_ANSWER
        elif "?" not in clean and not _QUESTION_WORD.search(fc) and len(fc.split()) >= 6:
            f = AnswerForm.TRUE_FALSE  # a bare statement: the user asks whether it holds
        else:
            f = AnswerForm.OPEN
    return Question(raw=raw, text=clean, form=f, choices=choices or None, units=units,
                    asks=asks(clean, named_unit=bool(units)))
