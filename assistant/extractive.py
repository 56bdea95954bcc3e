"""The offline, extractive composer: it answers only from the retrieved articles, quoting them verbatim.

Every source article is split into units — its khoản, its điểm (matched together with the clause's lead-in, quoted
on their own), and the sentences of an undivided article — each addressed exactly as the store addresses it, so a
quote is always a verbatim piece of the unit it cites. The units are scored against the question by lexical overlap
(syllables weighted by an idf taken from the sources, plus syllable bigrams), a small retrieval-rank prior and,
when an ``embed`` callable is injected, embedding similarity.

* Đúng/Sai: the best-matching unit is compared with the statement — negation that one side has and the other not
  ("không", "không được", "chưa", "cấm"), numbers and durations ("03 tháng" = "3 tháng", "từ 01 năm đến 05 năm") the
  statement states and the law does not, absolute words the law does not use ("luôn", "bất kỳ", "chỉ"), and
  content words of the statement missing from the law. A logistic score of these gives P(Đúng).
* Trắc nghiệm: each option, read with the question stem, gets the same P(Đúng); negative stems ("không phải",
  "trừ", "KHÔNG đúng") pick the least supported option; "Cả A, B, C đều đúng" / "Cả 3 phương án trên" / "Tất cả
  đều sai" options take the weakest (or strongest) of the options they name.
* Short answer / open: the best unit(s), quoted.

The answer text is template words plus verbatim quotes; nothing else is stated.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from assistant.answer import Answer, AnswerForm, Citation, Source
from assistant.understand import Question
from corpus.statute_parser import parse_article_body
from corpus.text import fold, merge_tone_placements, nfc, normalize_quote_marks

__all__ = ["ExtractiveComposer", "Unit", "split_units", "tf_features"]

_WORD = re.compile(r"\w+", re.UNICODE)
# very common function syllables: weigh little in matching
_STOP = set("""và của các là được có cho trong theo với những này đó để một khi thì mà không bị về tại từ đến do
hoặc người việc như nào sau đây trên ra vào lại đã sẽ đang cũng nếu phải quy định luật điều khoản điểm bộ này""".split())
_NEG = {"không", "chưa", "cấm", "chẳng", "chớ", "đừng", "nghiêm"}
_ABSOLUTE = ["luôn", "luôn luôn", "bất kỳ", "bất cứ", "tất cả", "chỉ", "duy nhất", "mọi", "hoàn toàn", "tuyệt đối",
             "bắt buộc", "không cần", "tự do", "ngay lập tức", "vô điều kiện", "toàn bộ"]
_UNITS_OF = ["ngày làm việc", "ngày", "tháng", "năm", "tuổi", "giờ", "phút", "lần", "người", "%", "phần trăm",
             "triệu", "tỷ", "nghìn", "đồng", "mét", "m", "km", "cm", "tuần", "quý", "kg", "gam", "thành viên"]
_NUMWORDS = {"không": 0, "một": 1, "mốt": 1, "hai": 2, "ba": 3, "bốn": 4, "tư": 4, "năm": 5, "lăm": 5, "sáu": 6,
             "bảy": 7, "tám": 8, "chín": 9, "mười": 10, "mươi": 10, "trăm": 100}
_NUM_RE = re.compile(r"(?<![\w/.,])(\d+(?:[.,]\d+)?)(?![\w/])")
_REF_BEFORE = re.compile(r"(?:điều|khoản|điểm|chương|mục|số|phần|luật|năm|lần thứ)\s*$")
_WORDNUM_RE = re.compile(r"\b((?:(?:một|hai|ba|bốn|năm|sáu|bảy|tám|chín|mười|mươi|mốt|lăm|tư|trăm)\s+)*"
                         r"(?:một|hai|ba|bốn|năm|sáu|bảy|tám|chín|mười|mươi|mốt|lăm|tư|trăm))\s+"
                         r"(ngày|tháng|năm|tuổi|giờ|lần|người|tuần)\b")


def norm(text: str) -> str:
    """NFC, lowercase, typographic quotes unified, tone placements merged, whitespace squashed."""
    text = merge_tone_placements(normalize_quote_marks(nfc(text).lower()))
    return " ".join(text.split())


def tokens(text: str) -> list[str]:
    return _WORD.findall(norm(text))


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
        unit = next((u for u in _UNITS_OF if after.startswith(u) and (len(after) == len(u) or not after[len(u)].isalnum())),
                    None)
        out.add((v, unit))
    for m in _WORDNUM_RE.finditer(t):
        n = _words_to_int(m.group(1))
        if n is not None and n > 0:
            out.add((str(n), m.group(2)))
    return out


def _neg_grams(toks: Sequence[str]) -> set[tuple[str, ...]]:
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


def _bigrams(toks: Sequence[str]) -> set[tuple[str, str]]:
    return set(zip(toks, toks[1:]))


def _has_phrase(toks: Sequence[str], phrase: str) -> bool:
    p = phrase.split()
    n = len(p)
    return any(list(toks[i:i + n]) == p for i in range(len(toks) - n + 1))


# ---------------------------------------------------------------------------------------------------------------
# units


@dataclass
class Unit:
    """A quotable piece of a source: its address, the exact text quoted, and the text it is matched on."""

    source: Source
    clause: str | None
    point: str | None
    quote: str  # verbatim piece of the unit's own text
    match: str  # quote plus context (the article title, the clause lead-in of a point)
    toks: list[str] = field(default_factory=list)
    tokset: set[str] = field(default_factory=set)
    bigrams: set[tuple[str, str]] = field(default_factory=set)

    def __post_init__(self):
        self.toks = tokens(self.match)
        self.tokset = set(self.toks)
        self.bigrams = _bigrams(self.toks)

    @property
    def label(self) -> str:
        parts = [f"điểm {self.point}" if self.point else "", f"khoản {self.clause}" if self.clause else "",
                 f"Điều {self.source.article}"]
        title = self.source.document_title
        return " ".join(p for p in parts if p) + (f" {title}" if title else "")


_SENT_SPLIT = re.compile(r"(?<=[.;:!?])\s+(?=[A-ZÀ-ỸĐ\d“\"])|\n+")


def _sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENT_SPLIT.split(text) if s and len(s.strip()) > 3]


def split_units(source: Source) -> list[Unit]:
    """The units of one source article: its points (matched with their lead-in), clauses, and the sentences of text
    that sits outside any clause."""
    title = source.title or ""
    text = source.text or ""
    clauses, points = parse_article_body(text)
    units: list[Unit] = []

    def add(clause, point, quote, context=""):
        quote = quote.strip()
        if quote:
            units.append(Unit(source, clause, point, quote, f"{title}. {context} {quote}".strip()))

    if not clauses:
        if points:
            lead = text.split(points[0].text.split("\n")[0])[0]
            for s in _sentences(lead):
                add(None, None, s)
            for p in points:
                add(None, p.letter, p.text, lead[-300:])
        else:
            for s in _sentences(text):
                add(None, None, s)
        return units
    head = text.split(clauses[0].text.split("\n")[0])[0]
    for s in _sentences(head):
        add(None, None, s)
    for c in clauses:
        if c.points:
            lead = c.text.split(c.points[0].text.split("\n")[0])[0]
            add(c.number, None, lead) if lead.strip() else None
            for p in c.points:
                add(c.number, p.letter, p.text, lead[-300:])
        else:
            sents = _sentences(c.text)
            if len(sents) <= 1 or len(c.text) < 400:
                add(c.number, None, c.text)
            else:
                for s in sents:
                    add(c.number, None, s)
    return units


# ---------------------------------------------------------------------------------------------------------------
# scoring


class Scorer:
    """Lexical support of a text by units, idf from the units of the sources."""

    def __init__(self, units: list[Unit]):
        self.units = units
        df = Counter()
        for u in units:
            df.update(u.tokset)
        n = max(len(units), 1)
        self.idf = {t: math.log(1 + n / c) for t, c in df.items()}
        self.default_idf = math.log(1 + n / 0.5)

    def w(self, t: str) -> float:
        if t in _STOP:
            return 0.1
        return self.idf.get(t, self.default_idf)

    def coverage(self, qtoks: Sequence[str], unit: Unit) -> tuple[float, float]:
        qs = set(qtoks)
        tot = sum(self.w(t) for t in qs) or 1.0
        uni = sum(self.w(t) for t in qs if t in unit.tokset) / tot
        qb = _bigrams(qtoks)
        bi = len(qb & unit.bigrams) / len(qb) if qb else uni
        return uni, bi

    def missing(self, qtoks: Sequence[str], unit: Unit) -> float:
        """idf-weighted share of the question's content syllables the unit lacks."""
        qs = {t for t in qtoks if t not in _STOP}
        tot = sum(self.w(t) for t in qs) or 1.0
        return sum(self.w(t) for t in qs if t not in unit.tokset) / tot

    def rank(self, qtoks: Sequence[str], sims: np.ndarray | None = None) -> list[tuple[float, Unit]]:
        out = []
        for i, u in enumerate(self.units):
            uni, bi = self.coverage(qtoks, u)
            prior = 0.04 / max(u.source.rank or 1, 1)
            # a little precision, so that a short exact unit beats a long one covering the same words
            prec = len(set(qtoks) & u.tokset) / (len(u.tokset) or 1)
            s = 0.55 * uni + 0.45 * bi + prior + 0.05 * prec
            if sims is not None:
                s += 0.3 * float(sims[i])
            out.append((s, u))
        out.sort(key=lambda p: -p[0])
        return out


def _trigrams(toks: Sequence[str]) -> set[tuple[str, str, str]]:
    return set(zip(toks, toks[1:], toks[2:]))


_ANTONYMS = [("được phép", "cấm"), ("được", "không được"), ("có quyền", "không có quyền"), ("bắt buộc", "khuyến khích"),
             ("phải", "không phải"), ("có nghĩa vụ", "không có nghĩa vụ")]


def tf_features(statement: str, unit: Unit, scorer: Scorer) -> dict[str, float]:
    """Evidence that ``statement`` departs from ``unit``: negation, numbers, absolute words, missing content."""
    st = tokens(statement)
    ut = unit.toks
    s_neg, u_neg = _neg_grams(st), _neg_grams(ut)
    u_bi, s_bi = unit.bigrams, _bigrams(st)
    # the statement negates something the law does not negate, or drops a negation the law has
    neg_extra = sum(1 for g in s_neg if g not in u_neg)
    neg_s = sum(1 for g in s_neg if g in u_bi and g not in u_neg)
    neg_u = sum(1 for g in u_neg if g in s_bi and g not in s_neg)
    sq, uq = quantities(statement), quantities(unit.match)
    uvals = {v for v, _ in uq}
    num_diff = 0
    for v, un in sq:
        if (v, un) in uq or (un is None and v in uvals):
            continue
        if un is None and (not uq or v in ("1", "0")):  # "1 dự án", a number the law has no counterpart for
            continue
        num_diff += 1
    ns, nu = norm(statement), norm(unit.match)
    absolute = sum(1 for a in _ABSOLUTE
                   if re.search(rf"(?<!\w){a}(?!\w)", ns) and not re.search(rf"(?<!\w){a}(?!\w)", nu))
    uni, bi = scorer.coverage(st, unit)
    miss = scorer.missing(st, unit)
    content = [t for t in st if t not in _STOP]
    st3 = _trigrams(content)
    tri = len(st3 & _trigrams([t for t in ut if t not in _STOP])) / len(st3) if st3 else bi
    missing = [t for t in set(content) if t not in unit.tokset]
    # a word the other sources use but this unit does not: likely a swapped term; a word no source uses: likely
    # a name from the question's story
    swapped = [scorer.w(t) for t in missing if t in scorer.idf]
    miss_max = max(swapped, default=0.0) / (scorer.default_idf or 1.0)
    oov = sum(1 for t in missing if t not in scorer.idf)
    return {"neg": float(neg_s), "neg_drop": float(neg_u), "neg_extra": float(neg_extra), "num": float(num_diff),
            "abs": float(absolute), "uni": uni, "bi": bi, "tri": tri, "miss": miss, "miss_max": miss_max,
            "n_miss": float(min(len(swapped), 6)), "oov": float(min(oov, 6))}


# weights of P(Đúng) = sigmoid(w·x + b), fitted on the ALQAC dev Đúng/Sai questions (benchmarks/answers_dev.py)
TF_WEIGHTS = {"neg": 0.0, "neg_drop": 0.0, "neg_extra": -1.37, "num": -1.70, "abs": -2.25, "uni": 1.74, "bi": -1.54, "tri": -0.52,
              "miss": -1.97, "miss_max": -1.38, "n_miss": 0.29, "oov": 0.24, "score": 0.75}
TF_BIAS = 0.27


def p_true(feats: dict[str, float], weights: dict[str, float] | None = None, bias: float | None = None) -> float:
    w = TF_WEIGHTS if weights is None else weights
    b = TF_BIAS if bias is None else bias
    z = b + sum(w.get(k, 0.0) * v for k, v in feats.items())
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


# ---------------------------------------------------------------------------------------------------------------
# options that name other options

_ALL_RE = re.compile(r"\b(ca|tat\s+ca)\b")


def aggregate_option(text: str, letters: Sequence[str]) -> tuple[str, list[str]] | None:
    """("all", [A, B, C]) for "Cả A, B, C đều đúng" / "Cả 3 phương án trên" / "Tất cả các phương án";
    ("none", […]) for "Cả A và B đều sai" / "Tất cả đều sai"; None for an ordinary option."""
    f = fold(text).strip(" .;:")
    if not re.match(r"^(ca|tat\s+ca|ca\s+hai|ca\s+ba)\b", f) and not re.search(r"\b(deu\s+dung|deu\s+sai)\b", f):
        return None
    named = [l for l in re.findall(r"\b([a-d])\b", f) if l.upper() in letters]
    named = [l.upper() for l in named]
    if not named:
        m = re.search(r"\b(\d|hai|ba|bon)\s+(phuong\s+an|dap\s+an|y|truong\s+hop|cau)", f)
        if not (m or re.search(r"(phuong\s+an|dap\s+an|y|cac\s+hoat\s+dong|cac\s+truong\s+hop|deu\s+dung|deu\s+sai|"
                                r"cac\s+.{0,20}\s+tren|tren)", f)):
            return None
        named = []  # every other option
    kind = "none" if re.search(r"\b(deu\s+sai|sai|deu\s+khong|khong\s+co\s+phuong\s+an)\b", f) else "all"
    return kind, named


# ---------------------------------------------------------------------------------------------------------------
# the composer


def _quote_text(u: Unit) -> str:
    return " ".join(u.quote.split())


def _cite(u: Unit) -> Citation:
    return Citation(document_id=u.source.document_id, document_title=u.source.document_title,
                    article=u.source.article, clause=u.clause, point=u.point, quote=u.quote,
                    document_status=u.source.document_status)


def _sayings(units: list[Unit]) -> str:
    return " ".join(f"Theo {u.label}: “{_quote_text(u)}”." for u in units)


@dataclass
class _Support:
    p: float
    unit: Unit | None
    feats: dict[str, float]


class ExtractiveComposer:
    """Answers from the sources' own text. ``embed(texts) -> np.ndarray`` (rows L2-normalised) is optional."""

    name = "extractive"

    def __init__(self, embed: Callable[[list[str]], np.ndarray] | None = None, max_quotes: int = 2,
                 mc_weights: tuple[float, float, float, float] = (0.3, 1.0, 0.0, 0.15),
                 all_threshold: float = 0.4, none_threshold: float = 0.5, option_depth: int = 1):
        self.option_depth = option_depth
        self.embed = embed
        self.mc_weights = mc_weights
        self.all_threshold = all_threshold
        self.none_threshold = none_threshold
        self.max_quotes = max_quotes

    # -- support ----------------------------------------------------------------------------------------------
    def _rank(self, scorer: Scorer, text: str) -> list[tuple[float, Unit]]:
        sims = None
        if self.embed is not None and scorer.units:
            try:
                vecs = np.asarray(self.embed([text] + [u.match for u in scorer.units]), dtype=np.float32)
                sims = vecs[1:] @ vecs[0]
            except Exception:  # an embedding failure must not stop an extractive answer
                sims = None
        return scorer.rank(tokens(text), sims)

    def _support(self, scorer: Scorer, statement: str) -> _Support:
        ranked = self._rank(scorer, statement)
        if not ranked:
            return _Support(0.0, None, {})
        score, u = ranked[0]  # the unit that matches best decides
        f = tf_features(statement, u, scorer)
        f["score"] = score
        return _Support(p_true(f), u, f)

    # -- forms ------------------------------------------------------------------------------------------------
    def compose(self, question: Question, sources: list[Source]) -> Answer:
        units = [u for s in sources for u in split_units(s)]
        base = dict(question=question.raw, form=question.form, sources=sources, composer=self.name)
        if not units:
            return Answer(text="Không tìm thấy quy định liên quan trong các văn bản đã truy xuất.", abstained=True,
                          confidence=0.0, **base)
        scorer = Scorer(units)
        retrieval = _retrieval_strength(sources)
        if question.form == AnswerForm.TRUE_FALSE:
            ans = self._true_false(question, scorer, retrieval, base)
        elif question.form == AnswerForm.MULTIPLE_CHOICE and question.choices:
            ans = self._multiple_choice(question, scorer, retrieval, base)
        else:
            ans = self._passage(question, scorer, retrieval, base)
        _see_also(ans, scorer, question, self)
        return ans

    def _true_false(self, q: Question, scorer: Scorer, retrieval: float, base: dict) -> Answer:
        sup = self._support(scorer, q.text)
        value = "Đúng" if sup.p >= 0.5 else "Sai"
        u = sup.unit
        if value == "Đúng":
            text = f"Đúng. {_sayings([u])}"
        else:
            text = f"Sai. {_sayings([u])}"
        conf = _clip(abs(sup.p - 0.5) * 2 * (0.5 + 0.5 * retrieval))
        return Answer(text=text, value=value, citations=[_cite(u)], confidence=conf, **base)

    def _option_support(self, scorer: Scorer, stem: str, option: str) -> _Support:
        """How well the sources support ``option`` read with the question ``stem``: the option's own words found in
        the unit that best matches stem and option together, less negation/number/absolute-word conflicts."""
        ranked = self._rank(scorer, f"{stem} {option}")
        if not ranked:
            return _Support(0.0, None, {})
        score, u = ranked[0]
        full = tf_features(f"{stem} {option}", u, scorer)
        full["score"] = score
        alone = tf_features(option, u, scorer)
        stem_toks = set(tokens(stem))
        otoks = ([t for t in tokens(option) if t not in _STOP and t not in stem_toks]
                 or [t for t in tokens(option) if t not in _STOP] or tokens(option))
        uni, bi = scorer.coverage(otoks, u)
        for _s2, u2 in ranked[1:self.option_depth]:  # the option may be stated by a neighbouring unit
            uni2, bi2 = scorer.coverage(otoks, u2)
            if uni2 > uni + 0.2:
                u, uni, bi, alone = u2, uni2, bi2, tf_features(option, u2, scorer)
        conflict = (1.0 * alone["neg_extra"] + 0.5 * (alone["neg"] + alone["neg_drop"]) + 1.0 * alone["num"]
                    + 0.5 * alone["abs"])
        s = self.mc_weights[0] * p_true(full) + self.mc_weights[1] * uni + self.mc_weights[2] * bi \
            - self.mc_weights[3] * conflict
        return _Support(s, u, {**full, "opt_uni": uni, "opt_bi": bi, "conflict": conflict})

    def _multiple_choice(self, q: Question, scorer: Scorer, retrieval: float, base: dict) -> Answer:
        letters = sorted(q.choices)
        negative = q.negative
        aggs = {k: aggregate_option(v, letters) for k, v in q.choices.items()}
        plain = [k for k in letters if aggs[k] is None]
        sup = {k: self._option_support(scorer, q.text, q.choices[k]) for k in plain}
        score: dict[str, float] = {k: (-sup[k].p if negative else sup[k].p) for k in plain}
        for k in letters:
            a = aggs[k]
            if a is None:
                continue
            kind, named = a
            refs = [r for r in (named or plain) if r in sup]
            if not refs or negative:
                score[k] = -9.0
                continue
            ps = [sup[r].p for r in refs]
            if kind == "all":
                # "all of the above" is right when even its weakest option is well supported
                score[k] = max(ps) + 0.01 if min(ps) >= self.all_threshold else min(ps)
            else:
                score[k] = -9.0 if max(ps) >= self.none_threshold else 9.0
        best = max(letters, key=lambda k: (score.get(k, -9.0), -letters.index(k)))
        ordered = sorted(score.values(), reverse=True)
        margin = ordered[0] - (ordered[1] if len(ordered) > 1 else 0.0)
        cited: list[Unit] = []
        if aggs[best] is None:
            cited = [sup[best].unit] if sup[best].unit else []
        else:
            _kind, named = aggs[best]
            for r in (named or plain):
                if r in sup and sup[r].unit and sup[r].unit not in cited:
                    cited.append(sup[r].unit)
            cited = cited[:3]
        if not cited:
            cited = [self._rank(scorer, q.text)[0][1]]
        text = f"Phương án {best}: {q.choices[best].rstrip('.;: ')}. {_sayings(cited)}"
        conf = _clip((0.35 + min(margin, 0.6)) * (0.5 + 0.5 * retrieval))
        return Answer(text=text, value=best, citations=[_cite(u) for u in cited], confidence=conf, **base)

    def _passage(self, q: Question, scorer: Scorer, retrieval: float, base: dict) -> Answer:
        ranked = self._rank(scorer, q.text)
        top = ranked[0]
        chosen = [top[1]]
        for s, u in ranked[1:]:
            if len(chosen) >= self.max_quotes:
                break
            if s >= 0.85 * top[0] and u.source.document_id == top[1].source.document_id \
                    and u.source.article == top[1].source.article:
                chosen.append(u)
        value = _quote_text(top[1])
        if q.form == AnswerForm.SHORT_ANSWER:
            value = _short_span(q.text, top[1])
        text = _sayings(chosen)
        conf = _clip(top[0] * (0.5 + 0.5 * retrieval))
        return Answer(text=text, value=value, citations=[_cite(u) for u in chosen], confidence=conf, **base)


def _see_also(ans: Answer, scorer: Scorer, q: Question, composer: ExtractiveComposer) -> None:
    """Also quote the best unit of the top-ranked source when the answer does not cite that article yet, so the
    reader sees the provision retrieval found first."""
    if not ans.sources:
        return
    top = ans.sources[0]
    if any((c.document_id, c.article) == (top.document_id, top.article) for c in ans.citations):
        return
    text = q.text if not q.choices else f"{q.text} {' '.join(q.choices.values())}"
    for _s, u in composer._rank(scorer, text):
        if u.source is top:
            ans.citations.append(_cite(u))
            ans.text = f"{ans.text} Xem thêm {u.label}: “{_quote_text(u)}”."
            return


def _short_span(question: str, u: Unit) -> str:
    """The shortest piece of the unit that answers: a quantity phrase for "bao lâu/bao nhiêu", else the sentence
    part after the words shared with the question, else the unit."""
    f = fold(question)
    quote = _quote_text(u)
    if re.search(r"\b(bao\s+lau|bao\s+nhieu|thoi\s+han|may|do\s+tuoi|tuoi)\b", f):
        m = re.search(r"((?:từ|trong|trong thời hạn|chậm nhất là|không quá|tối đa|ít nhất|đủ)?\s*\d+[\d.,]*\s*"
                      r"(?:ngày làm việc|ngày|tháng|năm|tuổi|giờ|phút|tuần|%|lần|mét|m)"
                      r"(?:\s*(?:đến|tới)\s*(?:dưới\s*)?\d+[\d.,]*\s*(?:ngày|tháng|năm|tuổi|giờ|tuần)?)?)", quote)
        if m:
            return m.group(1).strip()
    return quote


def _retrieval_strength(sources: list[Source]) -> float:
    if not sources:
        return 0.0
    top = sources[0]
    if "citation" in top.scores:
        return 1.0
    s = top.score
    return float(max(0.0, min(1.0, s if s <= 1.0 else 1.0 - 1.0 / (1.0 + s))))


def _clip(x: float) -> float:
    return float(max(0.0, min(1.0, x)))
