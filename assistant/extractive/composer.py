"""The extractive composer: Đúng/Sai, multiple-choice, short and open answers, each made of template words and
verbatim quotes of the best units."""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from assistant.answer import Answer, AnswerForm, Citation, Source
from assistant.extractive.decisions import (OPTION_RANKER, STATEMENT_JUDGE, Logistic, OptionRanker, aggregate_evidence,
                                            choose_option)
from assistant.extractive.direct import answers, clean_quote, direct_value, lcs_pairs
from assistant.extractive.departure import departure
from assistant.extractive.entailment import option_features, statement_features
from assistant.extractive.features import COMMON_SYLLABLES, has_phrase, quantities, tokens
from assistant.extractive.scoring import Scorer, p_true, tf_features
from assistant.extractive.units import Unit, split_units
from assistant.understand import Question, negated_phrase
from corpus.text import fold

__all__ = ["ExtractiveComposer", "aggregate_option", "RANK_TOLERANCE", "HYBRID_TOLERANCE"]

# how far below the best unit's score the best unit of a better-ranked article may be and still answer first. Over a
# learned ranker's ranking (its sources carry a "ranker" score) the composer follows it unless the better-ranked
# article's units score under 0.3 of the best (an article retrieval got plainly wrong): out of fold
# (benchmarks/answers_cv.py) Zalo's answers cite a gold article first 0.708 of the time at 0.5, 0.3 and 0.0, 0.703 at
# 0.7 and 0.670 at 0.9; ALQAC's 0.901 at 0.5 to 0.0 and 0.910 at 0.9. Over the hybrid's own ranking it checks more
# (0.9): there, following it lowered ALQAC's short answers' token F1 from 0.656 to 0.588 (benchmarks/assistant_dev.py)
RANK_TOLERANCE = 0.3
HYBRID_TOLERANCE = 0.9
# the learned ranker's margin under which the next-ranked article is cited too ("Theo …. Theo …" — a second
# article to check), in the ranker's own unit: the median margin of a real user's question it did not learn from
# (indexing.ranker.typical_margin). At 1.0 about half of real users' answers cite a second article, on any home: a
# fixed margin of 2.0 raw did so on one home and in 36–39% of answers on a fresh one, whose ranker scores on a wider
# scale (median margin 2.55–2.75 over three seeds)
RANKER_CLOSE = 1.0


# "B và C", "Đáp án B và C là đúng", "A, B đều sai" (two letters at least: a lone "C" may be an option's content)
_LETTER_LIST = re.compile(r"^((dap\s+an|phuong\s+an|y|cau)\s+)?[a-d](\s*(,|va|hoac)\s*[a-d])+"
                          r"(\s+(la\s+|deu\s+|la\s+deu\s+)?(dung|(?P<sai>sai)))?$")
_NO_RIGHT_OPTION = re.compile(r"^khong\s+co\s+(lua\s+chon|dap\s+an|phuong\s+an|y)(\s+nao)?\s+dung$")


def aggregate_option(text: str, letters: Sequence[str]) -> tuple[str, list[str]] | None:
    """("all", [A, B, C]) for "Cả A, B, C đều đúng" / "Cả 3 phương án trên" / "Tất cả các phương án" / "B và C";
    ("none", […]) for "Cả A và B đều sai" / "Tất cả đều sai" / "Không có lựa chọn đúng"; None for an ordinary
    option."""
    f = fold(text).strip(" .;:")
    listed = _LETTER_LIST.match(f)
    if listed:
        named = [x.upper() for x in re.findall(r"\b([a-d])\b", f) if x.upper() in letters]
        return ("none" if listed.group("sai") else "all"), named
    if _NO_RIGHT_OPTION.match(f):
        return "none", []
    if not re.match(r"^(ca|tat\s+ca|ca\s+hai|ca\s+ba)\b", f) and not re.search(r"\b(deu\s+dung|deu\s+sai)\b", f):
        return None
    named = [letter for letter in re.findall(r"\b([a-d])\b", f) if letter.upper() in letters]
    named = [letter.upper() for letter in named]
    if not named:
        m = re.search(r"\b(\d|hai|ba|bon)\s+(phuong\s+an|dap\s+an|y|truong\s+hop|cau)", f)
        if not (m or re.search(r"(phuong\s+an|dap\s+an|y|cac\s+hoat\s+dong|cac\s+truong\s+hop|deu\s+dung|deu\s+sai|"
                                r"cac\s+.{0,20}\s+tren|tren)", f)):
            return None
        named = []  # every other option
    kind = "none" if re.search(r"\b(deu\s+sai|sai|deu\s+khong|khong\s+co\s+phuong\s+an)\b", f) else "all"
    return kind, named


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
                 all_threshold: float = 0.4, none_threshold: float = 0.5, option_depth: int = 1,
                 rank_tolerance: float = RANK_TOLERANCE, hybrid_tolerance: float = HYBRID_TOLERANCE,
                 max_points: int = 8, align_weight: float = 0.3,
                 align_depth: int = 16, option_ranker: OptionRanker | None = OPTION_RANKER,
                 ranker_close: float = RANKER_CLOSE, statement_judge: Logistic | None = STATEMENT_JUDGE):
        self.option_ranker = option_ranker
        self.statement_judge = statement_judge
        self.ranker_close = ranker_close
        self.rank_tolerance, self.hybrid_tolerance = rank_tolerance, hybrid_tolerance
        self.align_weight = align_weight
        self.align_depth = align_depth
        self.max_points = max_points
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
            except Exception:  # noqa: BLE001 - an embedding failure must not stop an extractive answer
                sims = None
        return scorer.rank(tokens(text), sims)

    # -- evidence for the closed forms -------------------------------------------------------------------------
    def scorer_for(self, question: Question, sources: list[Source]) -> Scorer | None:
        """The scorer over the units the composer answers from (None without units)."""
        units = _named(question, [u for s in sources for u in split_units(s)])
        return Scorer(units) if units else None

    def statement_evidence(self, scorer: Scorer, statement: str) -> dict[str, float]:
        """The entailment features of a statement against the units that support it best."""
        return statement_features(statement, self._rank(scorer, statement), scorer)

    def asks_unsupported(self, question: Question, scorer: Scorer) -> bool:
        """Whether a multiple-choice stem asks for the option the law does not support: a negative stem
        (:attr:`Question.negative`) whose negation the law does not itself state ("Chồng không có quyền yêu cầu
        ly hôn trong trường hợp nào?" asks for the case the law lists)."""
        if not question.negative:
            return False
        phrase = negated_phrase(question.text)
        if phrase is None:
            return True
        said = [" ".join(tokens(phrase))]
        return not any(has_phrase(u.toks, said) for u in scorer.units)

    def rank_options(self, scorer: Scorer, stem: str, options: dict[str, str]) -> dict[str, list[tuple[float, Unit]]]:
        """Each option's units by support of the stem read with the option (what :meth:`option_support` and
        :meth:`option_evidence` read)."""
        return {k: self._rank(scorer, f"{stem} {v}") for k, v in options.items()}

    def option_evidence(self, scorer: Scorer, stem: str, options: dict[str, str],
                        ranked: dict[str, list[tuple[float, Unit]]]) -> dict[str, dict[str, float]]:
        """The entailment features of each option read with the stem (``ranked``: :meth:`rank_options`)."""
        return option_features(stem, options, ranked, scorer, self.statement_judge)

    def judge_statement(self, scorer: Scorer, statement: str,
                        first: Unit | None = None) -> tuple[bool, float, Unit | None]:
        """Whether ``statement`` states the law, how sure (0 to 1), and the unit that supports it best (``first``
        when given), the one an answer cites. The learned judge decides; without one, the hand-set
        :func:`~assistant.extractive.scoring.p_true`."""
        ranked = self._rank(scorer, statement)
        if first is not None:
            ranked = [p for p in ranked if p[1] is first] + [p for p in ranked if p[1] is not first]
        if not ranked:
            return False, 0.0, None
        if self.statement_judge is None:
            f = tf_features(statement, ranked[0][1], scorer)
            f["score"] = ranked[0][0]
            p, threshold = p_true(f), 0.5
        else:
            p, threshold = self.statement_judge.prob(statement_features(statement, ranked, scorer)), \
                self.statement_judge.threshold
        holds = p >= threshold
        sure = (p - threshold) / (1.0 - threshold) if holds else (threshold - p) / threshold
        return holds, _clip(sure), ranked[0][1]

    # -- forms ------------------------------------------------------------------------------------------------
    def compose(self, question: Question, sources: list[Source]) -> Answer:
        units = _named(question, [u for s in sources for u in split_units(s)])
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
        holds, sure, u = self.judge_statement(scorer, q.text)
        value = "Đúng" if holds else "Sai"
        why = None if holds else departure(q.text, u, scorer)
        text = f"{value}. {why + ' ' if why else ''}{_sayings([u])}"
        conf = _clip(sure * (0.5 + 0.5 * retrieval))
        return Answer(text=text, value=value, direct=value, citations=[_cite(u)], confidence=conf, **base)

    def option_support(self, scorer: Scorer, stem: str, option: str, ranked: list[tuple[float, Unit]]) -> _Support:
        """How well the sources support ``option`` read with the question ``stem``: the option's own words found in
        the unit that best matches stem and option together (``ranked``: the option's entry of
        :meth:`rank_options`), less negation/number/absolute-word conflicts."""
        if not ranked:
            return _Support(0.0, None, {})
        score, u = ranked[0]
        full = tf_features(f"{stem} {option}", u, scorer)
        full["score"] = score
        alone = tf_features(option, u, scorer)
        stem_toks = set(tokens(stem))
        otoks = ([t for t in tokens(option) if t not in COMMON_SYLLABLES and t not in stem_toks]
                 or [t for t in tokens(option) if t not in COMMON_SYLLABLES] or tokens(option))
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
        negative = self.asks_unsupported(q, scorer)
        aggs = {k: aggregate_option(v, letters) for k, v in q.choices.items()}
        plain = [k for k in letters if aggs[k] is None]
        ranked = self.rank_options(scorer, q.text, {k: q.choices[k] for k in plain})
        sup = {k: self.option_support(scorer, q.text, q.choices[k], ranked[k]) for k in plain}
        if self.option_ranker is not None and plain and len(letters) > 1:
            feats = self.option_evidence(scorer, q.text, {k: q.choices[k] for k in plain}, ranked)
            best, margin = self.option_ranker.choose(
                feats, aggregate_evidence(aggs, feats, {k: v.p for k, v in sup.items()}, negative), negative)
        else:
            best, score = choose_option(letters, aggs, {k: sup[k].p for k in plain}, negative, self.all_threshold,
                                        self.none_threshold)
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
        option = f"Phương án {best}: {q.choices[best].rstrip('.;: ')}."
        text = f"{option} {_sayings(cited)}"
        conf = _clip((0.35 + min(margin, 0.6)) * (0.5 + 0.5 * retrieval))
        return Answer(text=text, value=best, direct=option, citations=[_cite(u) for u in cited], confidence=conf,
                      **base)

    def _passage(self, q: Question, scorer: Scorer, retrieval: float, base: dict) -> Answer:
        """Short and open questions: the best-ranked article that answers, the clause in it that fits what the
        question asks, and the direct answer drawn from that clause."""
        asked = _without_question_word(q)
        ranked = [(s + _fit(q, u), u) for s, u in self._rank(scorer, asked)]
        ranked.sort(key=lambda p: -p[0])
        ranked = _aligned(asked, ranked, scorer, self.align_weight, self.align_depth)
        answering = {id(u) for _s, u in ranked[:self.align_depth] if answers(q, u)}
        learned = any("ranker" in u.source.scores for u in scorer.units)
        source = _answering_source(ranked, scorer.units, self.rank_tolerance if learned else self.hybrid_tolerance,
                                   answering)
        inside = [(s, u) for s, u in ranked if u.source is source]
        inside.sort(key=lambda p: (id(p[1]) not in answering, -p[0]))
        top = inside[0]
        chosen = [top[1]]
        if q.asks.kind == "list" and top[1].point is None:
            points = [u for u in scorer.units if u.source is source and u.clause == top[1].clause and u.point]
            if top[1].clause is not None and len(points) >= 2:
                chosen += points[:self.max_points]
        if q.asks.kind == "content" and "citation" in source.scores:  # "Điều 468 BLDS quy định gì?": the article
            chosen = [u for u in scorer.units if u.source is source and u.point is None][:self.max_quotes + 1]
            top = (top[0], chosen[0])
        if len(chosen) == 1:
            for s, u in inside[1:]:
                if len(chosen) >= self.max_quotes:
                    break
                if s >= 0.85 * top[0]:
                    chosen.append(u)
        runner_up = _close_runner_up(source, ranked, self.ranker_close)
        if runner_up is not None and "citation" not in source.scores:
            chosen.append(runner_up)
        direct = None
        value = _quote_text(top[1])
        if q.asks.kind == "yes_no":
            direct = value = "Có" if self.judge_statement(scorer, _statement(q.text), top[1])[0] else "Không"
        elif q.asks.kind == "content" and "citation" in source.scores and source.title:
            direct = f"Điều {source.article} {source.document_title} quy định về {_lower_first(source.title)}"
            direct = direct.replace("  ", " ")
        else:
            direct = direct_value(q, top[1], scorer.units)
            if direct is None:
                direct = clean_quote(top[1].quote)
            if q.form == AnswerForm.SHORT_ANSWER:
                value = direct
        text = _sayings(chosen)
        conf = _clip(top[0] * (0.5 + 0.5 * retrieval))
        return Answer(text=text, value=value, direct=direct, citations=[_cite(u) for u in chosen], confidence=conf,
                      **base)


def _without_question_word(q: Question) -> str:
    """The question without its question word ("bao nhiêu ngày", "là gì", "cơ quan nào"): those words are in no
    clause and only blur the comparison."""
    if q.asks.wh is None:
        return q.text
    a, b = q.asks.wh
    return f"{q.text[:a]} {q.text[b:]}".strip()


def _aligned(text: str, ranked: list[tuple[float, Unit]], scorer: Scorer, weight: float,
             depth: int) -> list[tuple[float, Unit]]:
    """The ``depth`` best units re-scored with how much of the question they say in the question's own order (the
    idf-weighted share of its content syllables in a longest common subsequence): a clause that says what the
    question asks reads like it."""
    if weight <= 0 or not ranked:
        return ranked
    qt = tokens(text)
    content = [t for t in qt if t not in COMMON_SYLLABLES]
    total = math.fsum(scorer.w(t) for t in set(content)) or 1.0
    head = []
    for s, u in ranked[:depth]:
        pairs = lcs_pairs(qt, u.toks)
        common = {qt[i] for i, _ in pairs if qt[i] not in COMMON_SYLLABLES}
        # and how tightly: the share of the clause's words, from the first to the last it shares, that it shares
        tight = len(pairs) / (pairs[-1][1] - pairs[0][1] + 1) if pairs else 0.0
        head.append((s + weight * (math.fsum(scorer.w(t) for t in common) / total + 0.5 * tight), u))
    head.sort(key=lambda p: -p[0])
    return head + ranked[depth:]


def _named(q: Question, units: list[Unit]) -> list[Unit]:
    """The units of the articles the question names outright ("Điều 468 Bộ luật Dân sự", "khoản 1 Điều 35 BLTTDS"),
    narrowed to the khoản/điểm it names; all units when it names none that was retrieved."""
    named = [u for u in units if "citation" in u.source.scores]
    if not named:
        return units
    narrowed = [u for u in named if any(r.article == u.source.article and r.clause and r.clause == u.clause
                                        and (not r.point or r.point == u.point) for r in q.units)]
    return narrowed or named


def _fit(q: Question, u: Unit) -> float:
    """How well a unit fits the kind of answer the question asks for: a quantity of the unit asked ("15 ngày" to
    "bao nhiêu ngày"), a clause that enumerates to "điều kiện"/"những trường hợp", a definition to "là gì"."""
    kind = q.asks.kind
    if kind == "quantity":
        have = {un for _v, un in quantities(u.quote) if un}
        if not have:
            return -0.1
        if q.asks.measures:
            return 0.1 if any(fold(un) in q.asks.measures for un in have) else -0.05
        return 0.05
    if kind == "list":
        return 0.05 if u.point is None and u.quote.rstrip().endswith(":") else 0.0
    if kind in ("definition", "term"):
        return 0.05 if re.search(r"^\S+(?:\s+\S+){0,10}\s(?:là|được hiểu là)\s", clean_quote(u.quote)) else 0.0
    return 0.0


def _close_runner_up(source: Source, ranked: list[tuple[float, Unit]], close: float) -> Unit | None:
    """The best unit of the best-ranked other article when the learned ranker could hardly tell it from ``source``
    (scores within ``close`` of its typical margins); None without ranker scores."""
    mine = source.scores.get("ranker")
    if mine is None or close <= 0:
        return None
    others = [u.source for _s, u in ranked if u.source is not source and "ranker" in u.source.scores]
    if not others:
        return None
    other = min(others, key=lambda src: src.rank)
    if abs(mine - other.scores["ranker"]) >= close:
        return None
    return next(u for _s, u in ranked if u.source is other)


def _answering_source(ranked: list[tuple[float, Unit]], units: list[Unit], tolerance: float,
                      answering: set[int]) -> Source:
    """The best-ranked article with a unit that answers (ids in ``answering``; any unit when none does) and scores
    within ``tolerance`` of the best unit overall: retrieval ranked the articles (``units`` come in their order); the
    composer only checks that the one it takes answers."""
    best = ranked[0][0]
    by_source: dict[int, float] = {}
    for s, u in ranked:
        if not answering or id(u) in answering:
            by_source.setdefault(id(u.source), s)
    order: list[Source] = []
    for u in units:
        if not order or order[-1] is not u.source:
            order.append(u.source)
    for source in order:
        if by_source.get(id(source), -1.0) >= tolerance * best:
            return source
    return ranked[0][1].source


_YES_NO_TAIL = re.compile(r"[\s,]*(?:hay|hoặc)?\s*(?:là\s+)?(?:không|chưa|được\s+không|có\s+được\s+không)\s*[?.!]*\s*$",
                          re.IGNORECASE)


def _statement(question: str) -> str:
    """"Có được cho thuê … không?" → "được cho thuê …": the statement a yes/no question asks about."""
    text = _YES_NO_TAIL.sub("", question.strip())
    return re.sub(r"^(?:có|liệu|xin hỏi|cho hỏi)\s+(?=\w)", "", text, flags=re.IGNORECASE).strip()


def _lower_first(text: str) -> str:
    return text if text[:2].isupper() else text[:1].lower() + text[1:]


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
