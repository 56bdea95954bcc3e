"""Scoring units against a text: idf-weighted lexical support, and the features and logistic P(Đúng) that decide
whether a statement agrees with the unit that matches it best."""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence

import numpy as np

from assistant.extractive.features import (ABSOLUTE_WORDS, COMMON_SYLLABLES, bigrams, neg_grams, norm, quantities,
                                           tokens, trigrams)
from assistant.extractive.units import Unit

__all__ = ["Scorer", "tf_features", "p_true", "TF_WEIGHTS", "TF_BIAS"]


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
        if t in COMMON_SYLLABLES:
            return 0.1
        return self.idf.get(t, self.default_idf)

    def coverage(self, qtoks: Sequence[str], unit: Unit) -> tuple[float, float]:
        qs = set(qtoks)
        tot = math.fsum(self.w(t) for t in qs) or 1.0
        uni = math.fsum(self.w(t) for t in qs if t in unit.tokset) / tot
        qb = bigrams(qtoks)
        bi = len(qb & unit.bigrams) / len(qb) if qb else uni
        return uni, bi

    def missing(self, qtoks: Sequence[str], unit: Unit) -> float:
        """idf-weighted share of the question's content syllables the unit lacks."""
        qs = {t for t in qtoks if t not in COMMON_SYLLABLES}
        tot = math.fsum(self.w(t) for t in qs) or 1.0
        return math.fsum(self.w(t) for t in qs if t not in unit.tokset) / tot

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


def tf_features(statement: str, unit: Unit, scorer: Scorer) -> dict[str, float]:
    """Evidence that ``statement`` departs from ``unit``: negation, numbers, absolute words, missing content."""
    st = tokens(statement)
    ut = unit.toks
    s_neg, u_neg = neg_grams(st), neg_grams(ut)
    u_bi, s_bi = unit.bigrams, bigrams(st)
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
    absolute = sum(1 for a in ABSOLUTE_WORDS
                   if re.search(rf"(?<!\w){a}(?!\w)", ns) and not re.search(rf"(?<!\w){a}(?!\w)", nu))
    uni, bi = scorer.coverage(st, unit)
    miss = scorer.missing(st, unit)
    content = [t for t in st if t not in COMMON_SYLLABLES]
    st3 = trigrams(content)
    tri = len(st3 & trigrams([t for t in ut if t not in COMMON_SYLLABLES])) / len(st3) if st3 else bi
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
TF_WEIGHTS = {"neg": 0.0, "neg_drop": 0.0, "neg_extra": -1.37, "num": -1.70, "abs": -2.25, "uni": 1.74, "bi": -1.54,
              "tri": -0.52, "miss": -1.97, "miss_max": -1.38, "n_miss": 0.29, "oov": 0.24, "score": 0.75}
TF_BIAS = 0.27


def p_true(feats: dict[str, float], weights: dict[str, float] | None = None, bias: float | None = None) -> float:
    w = TF_WEIGHTS if weights is None else weights
    b = TF_BIAS if bias is None else bias
    z = b + sum(w.get(k, 0.0) * v for k, v in feats.items())
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))
