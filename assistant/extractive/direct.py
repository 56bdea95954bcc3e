"""The direct answer: the words of the chosen clause that answer the question, before any quote.

* A quantity ("bao nhiêu ngày", "bao lâu", "độ tuổi nào"): the number with its unit in the clause ("15 ngày"), with
  its range ("từ đủ 16 đến 30 tuổi") and its starting point (", kể từ ngày tuyên án") unless the question already says
  it.
* A term ("… gọi là gì?"): the words the clause defines, before its "là".
* A list ("điều kiện", "những trường hợp nào", "bao gồm những gì"): the clause's points, joined.
* Anything else with a question word ("cơ quan nào", "ai", "thủ tục gì", "X là gì"): the question is aligned with the
  clause word by word (a longest common subsequence) and the clause's words that sit where the question word sits are
  the answer ("Cơ quan nào … thống nhất quản lý …?" + "Chính phủ thống nhất quản lý …" → "Chính phủ").

Every direct answer is a span of the clause's own text (or its points joined), so it says nothing the law does not.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from assistant.extractive.features import COMMON_SYLLABLES, NUMBER_WORDS, WORD
from assistant.extractive.units import Unit
from assistant.understand import Question
from corpus.text import fold, merge_tone_placements, nfc

__all__ = ["answers", "direct_value", "lcs_pairs", "quantity_span", "gap_span", "clean_quote", "list_answer",
           "term_answer"]

_NUMBERING = re.compile(r"^\s*(?:\d+[.)]|[a-zđ]\))\s*", re.IGNORECASE)
_NUM = rf"(?:\d+(?:[.,]\d+)*(?:\s*/\s*\d+)?|(?:(?:{NUMBER_WORDS}|phần)\s+)*(?:{NUMBER_WORDS}))"
_UNIT = r"(?:ngày làm việc|ngày|tháng|năm|tuổi|giờ|phút|tuần|lần|người|%|phần trăm|mét|m|km|cm|triệu đồng|tỷ đồng|" \
        r"nghìn đồng|đồng|kỳ|quý|kg|thành viên)"
_QUALIFIER = r"(?:từ đủ|từ|đủ|dưới|trên|không quá|tối đa là|tối đa|tối thiểu là|tối thiểu|ít nhất là|ít nhất|" \
             r"chậm nhất là|chậm nhất|trong thời hạn|trong vòng|trong|là|bằng|đến)"
_QUANTITY = re.compile(rf"(?<!\w)(?:{_QUALIFIER}\s+)*{_NUM}\s*{_UNIT}(?!\w)(?:\s*/\s*(?:năm|tháng|ngày)(?!\w))?"
                       rf"(?:\s*(?:x|×)\s*{_NUM}\s*{_UNIT}(?!\w))?"
                       rf"(?:\s+tuổi(?!\w))?"
                       rf"(?:\s*(?:đến|tới)\s*(?:dưới\s+)?{_NUM}\s*(?:{_UNIT}(?!\w))?)?"
                       rf"(?:\s+trở\s+(?:lên|xuống))?", re.IGNORECASE)
_DROP_ALWAYS = ("trong thời hạn", "trong vòng", "trong", "là", "bằng", "đến")
_SINCE = re.compile(r"^\s*,?\s*(kể từ (?:ngày|khi|thời điểm)[^;.:]*?)(?=[;.:]|,\s*(?:trừ|nếu|trường hợp)|$)",
                    re.IGNORECASE)
_LEAD_FILLER = re.compile(r"^(?:là|phải|cần|thì|do|bởi|gồm có|bao gồm|gồm|bằng|sẽ|,|:|-)\s+", re.IGNORECASE)
_TAIL_FILLER = re.compile(r"\s*(?:\b(?:và|thì|là|hoặc|của|có|được)|[,;:(–-])\s*$", re.IGNORECASE)


def _n(token: str) -> str:
    return merge_tone_placements(token.lower())


def _tokens(text: str) -> list[tuple[str, int, int]]:
    return [(_n(m.group(0)), m.start(), m.end()) for m in WORD.finditer(text)]


def clean_quote(text: str) -> str:
    """A clause's text without its number ("1. ", "a) ") and without trailing punctuation."""
    return _NUMBERING.sub("", " ".join(nfc(text).split())).rstrip(" .;:,")


def lcs_pairs(a: Sequence[str], b: Sequence[str]) -> list[tuple[int, int]]:
    """Index pairs of a longest common subsequence of ``a`` and ``b``."""
    n, m = len(a), len(b)
    if not n or not m:
        return []
    dp = [[0] * (m + 1) for _ in range(n + 1)]
    for i in range(n - 1, -1, -1):
        ai, row, nxt = a[i], dp[i], dp[i + 1]
        for j in range(m - 1, -1, -1):
            row[j] = nxt[j + 1] + 1 if ai == b[j] else (nxt[j] if nxt[j] >= row[j + 1] else row[j + 1])
    pairs, i, j = [], 0, 0
    while i < n and j < m:
        if a[i] == b[j]:
            pairs.append((i, j))
            i, j = i + 1, j + 1
        elif dp[i + 1][j] >= dp[i][j + 1]:
            i += 1
        else:
            j += 1
    return pairs


def _anchored(pairs: list[tuple[int, int]], i: int) -> bool:
    """The pair at ``i`` belongs to a run of at least two words consecutive on both sides."""
    qi, cj = pairs[i]
    before = i > 0 and pairs[i - 1] == (qi - 1, cj - 1)
    after = i + 1 < len(pairs) and pairs[i + 1] == (qi + 1, cj + 1)
    return before or after


def _trim(text: str) -> str:
    text = text.strip(" ,;:.")
    for _ in range(3):
        new = _TAIL_FILLER.sub("", _LEAD_FILLER.sub("", text)).strip(" ,;:.")
        if new == text:
            break
        text = new
    return text


_FRAME = re.compile(r"^\s*(?:theo|căn cứ|căn cứ vào)\s+[^,?]{3,80},\s*", re.IGNORECASE)


def gap_span(question: str, wh: tuple[int, int], clause: str, max_words: int = 40) -> str | None:
    """The words of ``clause`` that stand where the question word (``wh``, a character span of ``question``) stands,
    once question and clause are aligned; None when they do not align around it, or when what stands there says
    nothing the question does not."""
    frame = _FRAME.match(question)  # "Theo Luật X, …": the law named is not part of the sentence to align
    if frame and frame.end() <= wh[0]:
        question, wh = question[frame.end():], (wh[0] - frame.end(), wh[1] - frame.end())
    qt, ct = _tokens(question), _tokens(clause)
    w0 = next((k for k, (_, s, e) in enumerate(qt) if e > wh[0]), len(qt))
    w1 = next((k for k, (_, s, e) in enumerate(qt) if s >= wh[1]), len(qt))
    pairs = lcs_pairs([t for t, _, _ in qt], [t for t, _, _ in ct])
    left = [k for k, (qi, _) in enumerate(pairs) if qi < w0]
    right = [k for k, (qi, _) in enumerate(pairs) if qi >= w1]
    end_left = next((k for k in reversed(left) if _anchored(pairs, k) or w0 <= 2), None)
    start_right = next((k for k in right if _anchored(pairs, k) or len(qt) - w1 <= 2), None)
    if end_left is None and start_right is None:
        return None
    start = ct[pairs[end_left][1]][2] if end_left is not None else 0
    if start_right is not None and pairs[start_right][1] > (pairs[end_left][1] if end_left is not None else -1):
        end = ct[pairs[start_right][1]][1]
    elif end_left is not None:
        m = re.search(r"[.;:]", clause[start:])
        end = start + m.start() if m else len(clause)
    else:
        return None
    piece = clause[start:end]
    if start_right is not None and end_left is not None:
        m = re.search(r"[.;]", piece)  # the gap does not run over a sentence end
        if m:
            piece = piece[:m.start()]
    piece = _trim(piece)
    words = [_n(w) for w in WORD.findall(piece)]
    if not words or len(words) > max_words:
        return None
    asked = {t for t, _, _ in qt}
    if all(w in asked or w in COMMON_SYLLABLES for w in words):
        return None
    return piece


def quantity_span(question: str, clause: str, measures: Sequence[str]) -> str | None:
    """The first quantity in ``clause`` of one of ``measures`` (folded unit names; any unit when empty), with ",
    kể từ …" after it unless the question says from when."""
    fq = fold(question)
    found = []
    for m in _QUANTITY.finditer(clause):
        units = {fold(u).lower() for u in re.findall(_UNIT, m.group(0), re.IGNORECASE)}
        if measures and not (units & set(measures)):
            continue
        found.append(m)
    if not found:
        return None
    m = found[0]
    span = m.group(0).strip()
    # qualifiers the question already says ("không quá bao lâu") and the framing ones are not part of the value
    while True:
        q = re.match(rf"{_QUALIFIER}\s+", span, re.IGNORECASE)
        if not q:
            break
        word = q.group(0).strip().lower()
        if word in _DROP_ALWAYS or re.search(rf"\b{re.escape(fold(word))}\b", fq):
            span = span[q.end():]
        else:
            break
    tail = re.search(r"\s+trở\s+(?:lên|xuống)$", span)
    if tail and fold(tail.group(0)).strip() in fq:
        span = span[:tail.start()]
    if "ke tu" not in fq and "tinh tu" not in fq:
        since = _SINCE.match(clause[m.end():])
        if since and len(since.group(1).split()) <= 20:
            span = f"{span}, {since.group(1).strip()}"
    return span


def term_answer(clause: str) -> str | None:
    """The term a definition clause defines: the words before its first " là "."""
    text = clean_quote(clause)
    m = re.search(r"\s(?:là|được hiểu là)\s", text)
    if not m or len(text[:m.start()].split()) > 12:
        return None
    return text[:m.start()].strip(" ,:")


def list_answer(unit: Unit, units: Sequence[Unit]) -> str | None:
    """A clause's points joined ("a; b; c"), for the clause ``unit`` is or belongs to."""
    if unit.clause is None and unit.point is None:
        return None
    points = [u for u in units if u.source is unit.source and u.clause == unit.clause and u.point]
    if len(points) < 2:
        return None
    return "; ".join(clean_quote(u.quote) for u in points)


def direct_value(q: Question, unit: Unit, units: Sequence[Unit]) -> str | None:
    """The direct answer drawn from ``unit`` (one of ``units``, the source units) for what ``q`` asks, or None when
    the clause holds no span that answers it."""
    kind, wh = q.asks.kind, q.asks.wh
    text = clean_quote(unit.quote)
    if kind == "quantity":
        gap = gap_span(q.text, wh, text, max_words=60) if wh is not None else None
        if gap:  # the quantity where the question word sits, with what follows it in the clause
            at = text.find(gap)
            got = quantity_span(q.text, text[at:] if at >= 0 else gap, q.asks.measures)
            if got:
                return got
        got = quantity_span(q.text, text, q.asks.measures)
        if got or not q.asks.measures:
            return got
        return quantity_span(q.text, text, ())
    if kind == "term" or (kind == "definition" and wh is not None and len(q.text[:wh[0]].split()) > 8):
        term = term_answer(unit.quote)  # a long description asked "… là gì?": the term it describes
        if term and not {t for t, _, _ in _tokens(term)} <= {t for t, _, _ in _tokens(q.text)}:
            return term
        if kind == "term":
            return None
    listed = list_answer(unit, units) if kind == "list" or unit.quote.rstrip().endswith(":") else None
    if listed:
        return listed
    if wh is not None and kind in ("entity", "definition"):
        got = gap_span(q.text, wh, text)
        if got:
            wh_words = fold(q.text[wh[0]:wh[1]]).split()
            head = wh_words[0] if len(wh_words) > 1 else None
            words = got.split()
            if head and len(words) > 2 and fold(words[0]) == head:
                got = " ".join(words[1:])
            return got
    return None


def answers(q: Question, unit: Unit) -> bool:
    """Whether ``unit`` says what ``q`` asks: a quantity of the unit asked where the question word sits, the span
    that fills the question's gap, a list of points or a definition; any unit for other questions."""
    kind, wh = q.asks.kind, q.asks.wh
    text = clean_quote(unit.quote)
    if kind == "quantity":
        gap = gap_span(q.text, wh, text, max_words=60) if wh is not None else None
        return bool(gap and quantity_span(q.text, gap, q.asks.measures))
    if kind == "term":
        return term_answer(unit.quote) is not None
    if kind == "list" and (unit.quote.rstrip().endswith(":") or unit.point):
        return True
    if kind in ("entity", "definition") and wh is not None:
        return gap_span(q.text, wh, text) is not None
    return True
