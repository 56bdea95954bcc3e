"""Entailment evidence: how a statement (a Đúng/Sai claim, or a multiple-choice stem read with one option) stands
against the units that match it best, as features for the learned decisions of :mod:`assistant.extractive.decisions`.

Beyond :func:`~assistant.extractive.scoring.tf_features` of the best unit: the best and worst of the top three units,
the margin of the best unit over the next, how much of the statement the whole article says that the unit does not,
words swapped in an otherwise shared context ("tối đa" where the law says "tối thiểu"), how much of the statement the
unit says in the statement's own order, the longest stretch of the statement the unit lacks, and numbers of the same
measure with another value.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from assistant.extractive.direct import lcs_pairs
from assistant.extractive.features import ABSOLUTE_WORDS, COMMON_SYLLABLES, NEGATION_SYLLABLES, norm, quantities, tokens
from assistant.extractive.scoring import Scorer, tf_features
from assistant.extractive.units import Unit

__all__ = ["statement_features", "option_features", "substitutions", "ordered_share", "longest_gap", "alignment_gaps",
           "same_measure_conflicts", "TOP_UNITS"]

#: how many of the best-matching units the features look across
TOP_UNITS = 3


def substitutions(statement: Sequence[str], unit: Unit, scorer: Scorer) -> tuple[float, float]:
    """Words of the statement that stand where the unit has another word between the same two neighbours
    ("thời hạn tối đa 30 ngày" against "thời hạn tối thiểu 30 ngày"): (count, largest idf share of a swapped word)."""
    contexts: dict[tuple[str, str], set[str]] = {}
    ut = unit.toks
    for a, y, b in zip(ut, ut[1:], ut[2:]):
        contexts.setdefault((a, b), set()).add(y)
    count, heaviest = 0, 0.0
    for a, x, b in zip(statement, statement[1:], statement[2:]):
        others = contexts.get((a, b))
        if others and x not in others and x not in unit.tokset:
            count += 1
            heaviest = max(heaviest, scorer.w(x) / (scorer.default_idf or 1.0))
    return float(count), heaviest


def ordered_share(statement: Sequence[str], unit: Unit, scorer: Scorer) -> float:
    """The idf-weighted share of the statement's content syllables that the unit says in the statement's order."""
    content = {t for t in statement if t not in COMMON_SYLLABLES}
    total = math.fsum(scorer.w(t) for t in content) or 1.0
    common = {statement[i] for i, _ in lcs_pairs(statement, unit.toks)} & content
    return math.fsum(scorer.w(t) for t in common) / total


def alignment_gaps(statement: Sequence[str], unit: Unit, scorer: Scorer) -> tuple[float, float, float]:
    """Where the statement and the unit, aligned on a longest common subsequence, part between two shared words:
    the idf weight of the content syllables the statement puts in place of the unit's (replaced), that the unit has
    and the statement leaves out ("ly hôn giả tạo là" read as "ly hôn là": dropped), and that the statement adds
    (added), each as a share of the statement's content weight."""
    pairs = lcs_pairs(statement, unit.toks)
    total = math.fsum(scorer.w(t) for t in set(statement) if t not in COMMON_SYLLABLES) or 1.0
    replaced = dropped = added = 0.0

    def weight(toks: Sequence[str]) -> float:
        return math.fsum(scorer.w(t) for t in toks if t not in COMMON_SYLLABLES)

    for (i1, j1), (i2, j2) in zip(pairs, pairs[1:]):
        s_gap, u_gap = statement[i1 + 1:i2], unit.toks[j1 + 1:j2]
        if len(u_gap) > 6:  # the shared words are far apart in the unit: not one phrase
            continue
        if s_gap and u_gap:
            replaced += weight(s_gap)
        elif u_gap:
            dropped += weight(u_gap)
        elif s_gap:
            added += weight(s_gap)
    return replaced / total, dropped / total, added / total


def longest_gap(statement: Sequence[str], tokset: set[str]) -> float:
    """The longest run of the statement's content syllables that ``tokset`` lacks, as a share of its content (an
    added condition or subject the law does not state)."""
    content = [t for t in statement if t not in COMMON_SYLLABLES]
    run = best = 0
    for t in content:
        run = run + 1 if t not in tokset else 0
        best = max(best, run)
    return best / len(content) if content else 0.0


def same_measure_conflicts(statement: str, unit: Unit) -> float:
    """Quantities of the statement whose measure the unit also states, only with other values ("30 ngày" where the
    law says "15 ngày")."""
    sq, uq = quantities(statement), quantities(unit.match)
    measures = {m for _v, m in uq if m}
    return float(sum(1 for v, m in sq if m and m in measures and (v, m) not in uq))


def _negations(toks: Sequence[str]) -> int:
    return sum(1 for t in toks if t in NEGATION_SYLLABLES)


def _absolutes(text: str) -> int:
    padded = f" {norm(text)} "
    return sum(1 for a in ABSOLUTE_WORDS if f" {a} " in padded)


def statement_features(statement: str, ranked: list[tuple[float, Unit]], scorer: Scorer) -> dict[str, float]:
    """Features of ``statement`` against ``ranked`` (the units by support, best first; not empty)."""
    score, unit = ranked[0]
    st = tokens(statement)
    f = tf_features(statement, unit, scorer)
    f["score"] = score
    f["gap"] = score - (ranked[1][0] if len(ranked) > 1 else 0.0)
    top = [tf_features(statement, u, scorer) for _s, u in ranked[1:TOP_UNITS]]
    f["top_uni_max"] = max([f["uni"], *(t["uni"] for t in top)])
    f["top_miss_min"] = min([f["miss"], *(t["miss"] for t in top)])
    f["top_num_min"] = min([f["num"], *(t["num"] for t in top)])
    f["top_abs_min"] = min([f["abs"], *(t["abs"] for t in top)])
    f["top_neg_min"] = min([f["neg_extra"], *(t["neg_extra"] for t in top)])
    article: set[str] = set()
    for u in scorer.units:
        if u.source is unit.source:
            article |= u.tokset
    f["art_miss"] = _missing(st, article, scorer)
    f["art_gain"] = f["miss"] - f["art_miss"]
    f["sub"], f["sub_max"] = substitutions(st, unit, scorer)
    f["order"] = ordered_share(st, unit, scorer)
    f["replaced"], f["dropped"], f["added"] = alignment_gaps(st, unit, scorer)
    f["run"] = longest_gap(st, unit.tokset)
    f["num_same"] = same_measure_conflicts(statement, unit)
    f["neg_bal"] = float(max(-3, min(3, _negations(st) - _negations(unit.toks))))
    f["abs_any"] = float(_absolutes(statement))
    f["length"] = math.log1p(sum(1 for t in st if t not in COMMON_SYLLABLES))
    return f


def _missing(statement: Sequence[str], tokset: set[str], scorer: Scorer) -> float:
    content = {t for t in statement if t not in COMMON_SYLLABLES}
    total = math.fsum(scorer.w(t) for t in content) or 1.0
    return math.fsum(scorer.w(t) for t in content if t not in tokset) / total


def option_features(stem: str, options: dict[str, str], ranked: dict[str, list[tuple[float, Unit]]],
                    scorer: Scorer) -> dict[str, dict[str, float]]:
    """Features of each option read with ``stem`` (``ranked[letter]``: the units by support of stem + option, not
    empty): those of the statement, the option's own words found in the best unit and anywhere in the sources, and
    the conflicts of the option alone. A choice compares them across the options of one question."""
    stem_toks = set(tokens(stem))
    out: dict[str, dict[str, float]] = {}
    for letter, option in options.items():
        f = statement_features(f"{stem} {option}", ranked[letter], scorer)
        unit = ranked[letter][0][1]
        own = ([t for t in tokens(option) if t not in COMMON_SYLLABLES and t not in stem_toks]
               or [t for t in tokens(option) if t not in COMMON_SYLLABLES] or tokens(option))
        f["opt_uni"], f["opt_bi"] = scorer.coverage(own, unit)
        f["opt_any"] = max(scorer.coverage(own, u)[0] for u in scorer.units)
        alone = tf_features(option, unit, scorer)
        f["opt_conflict"] = (alone["neg_extra"] + 0.5 * (alone["neg"] + alone["neg_drop"]) + alone["num"]
                             + 0.5 * alone["abs"])
        out[letter] = f
    return out
