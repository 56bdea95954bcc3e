"""Entailment evidence: how a statement (a Đúng/Sai claim, or a multiple-choice stem read with one option) stands
against the units that match it best, as features for the learned decisions of :mod:`assistant.extractive.decisions`.

Beyond :func:`~assistant.extractive.scoring.tf_features` of the best unit: the best and worst of the top three units,
the margin of the best unit over the next, how much of the statement the whole article says that the unit does not,
words swapped in an otherwise shared context ("tối đa" where the law says "tối thiểu"), how much of the statement the
unit says in the statement's own order, the longest stretch of the statement the unit lacks, numbers of the same
measure with another value, and where a statement copies the law but for a few words:

* words put in place of the law's between two shared words ("Chủ tịch Ủy ban nhân dân cấp huyện" where the law
  says "cấp xã"), or before the first shared word (another subject: "Bộ Giáo dục … quy định" where the law says
  "Chính phủ quy định");
* a permission against a prohibition ("Được phép mang vũ khí …" where the law says "Nghiêm cấm mang vũ khí …"),
  and negations counted once every way of forbidding is written "cấm" ("Không được phép lợi dụng …" agrees with
  "Cấm lợi dụng …");
* words that narrow the rule ("một số công dân") where the law does not;
* a term put in place of another of its contrast set (``CONTRAST_SETS``: "cấp huyện" where the law says "cấp xã",
  "dưới mức cho phép" where it says "vượt mức", "công dân" where it says "cơ quan nhà nước").
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from assistant.extractive.decisions import Logistic
from assistant.extractive.direct import lcs_pairs
from assistant.extractive.features import (ABSOLUTE_WORDS, COMMON_SYLLABLES, CONTRAST_SETS, NEGATION_SYLLABLES,
                                           RESTRICTIVE_WORDS, bigrams, has_phrase, law_polarity, neg_grams, norm,
                                           phrases_in, prohibitions_as_cam, quantities, statement_polarity, tokens)
from assistant.extractive.scoring import Scorer, tf_features
from assistant.extractive.units import Unit

__all__ = ["statement_features", "option_features", "substitutions", "ordered_share", "longest_gap", "alignment_gaps",
           "same_measure_conflicts", "replacements", "replaced_phrases", "replaced_subject", "narrowing_words",
           "negations_as_cam", "contrasting_terms", "copied_from", "TOP_UNITS", "REPLACEMENT_SPAN", "SUBJECT_SPAN"]

#: how many of the best-matching units the features look across
TOP_UNITS = 3
#: the longest run of words (on either side) still read as one phrase put in place of another
REPLACEMENT_SPAN = 6
#: how far into the statement, and how far before the law's first shared word, a replaced subject may stand
SUBJECT_SPAN = (8, 6)


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


def ordered_share(statement: Sequence[str], unit: Unit, scorer: Scorer,
                  pairs: list[tuple[int, int]] | None = None) -> float:
    """The idf-weighted share of the statement's content syllables that the unit says in the statement's order
    (``pairs``: the statement and the unit aligned by :func:`lcs_pairs`, when already at hand)."""
    content = {t for t in statement if t not in COMMON_SYLLABLES}
    total = math.fsum(scorer.w(t) for t in content) or 1.0
    pairs = lcs_pairs(statement, unit.toks) if pairs is None else pairs
    common = {statement[i] for i, _ in pairs} & content
    return math.fsum(scorer.w(t) for t in common) / total


def alignment_gaps(statement: Sequence[str], unit: Unit, scorer: Scorer,
                   pairs: list[tuple[int, int]] | None = None) -> tuple[float, float, float]:
    """Where the statement and the unit, aligned on a longest common subsequence, part between two shared words:
    the idf weight of the content syllables the statement puts in place of the unit's (replaced), that the unit has
    and the statement leaves out ("ly hôn giả tạo là" read as "ly hôn là": dropped), and that the statement adds
    (added), each as a share of the statement's content weight."""
    pairs = lcs_pairs(statement, unit.toks) if pairs is None else pairs
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


def _content(t: str) -> bool:
    return t not in COMMON_SYLLABLES and not t.isdigit()


def _replaced_spans(pairs: list[tuple[int, int]]):
    """Where the aligned statement and unit (``pairs``) both say something between two shared words, each side at
    most ``REPLACEMENT_SPAN`` words: (the index in ``pairs`` of the shared word before, that pair, the one after)."""
    for k, ((i1, j1), (i2, j2)) in enumerate(zip(pairs, pairs[1:])):
        if 0 < i2 - i1 - 1 <= REPLACEMENT_SPAN and 0 < j2 - j1 - 1 <= REPLACEMENT_SPAN:
            yield k, (i1, j1), (i2, j2)


def replaced_phrases(statement: Sequence[str], unit: Unit, scorer: Scorer,
                     pairs: list[tuple[int, int]]) -> list[tuple[float, int, int]]:
    """Phrases of the statement put in place of the law's between two shared words (``pairs``, the alignment), each
    side at most ``REPLACEMENT_SPAN`` words with content words of its own. Each is (the idf weight of its lighter
    side over the default idf, the index in ``pairs`` of the shared word before it, of the one after it). Numbers
    are left to the number features ("01" for "1")."""
    out = []
    for k, (i1, j1), (i2, j2) in _replaced_spans(pairs):
        s_gap, u_gap = statement[i1 + 1:i2], unit.toks[j1 + 1:j2]
        said = math.fsum(scorer.w(t) for t in s_gap if _content(t) and t not in u_gap)
        lawful = math.fsum(scorer.w(t) for t in u_gap if _content(t) and t not in s_gap)
        if said > 0 and lawful > 0:
            out.append((min(said, lawful) / (scorer.default_idf or 1.0), k, k + 1))
    return out


def replacements(statement: Sequence[str], unit: Unit, scorer: Scorer,
                 pairs: list[tuple[int, int]]) -> tuple[float, int]:
    """:func:`replaced_phrases` counted: (the heaviest's weight, how many)."""
    phrases = replaced_phrases(statement, unit, scorer, pairs)
    return max((w for w, _a, _b in phrases), default=0.0), len(phrases)


def replaced_subject(statement: Sequence[str], unit: Unit, scorer: Scorer, pairs: list[tuple[int, int]]) -> float:
    """The idf weight (over the default idf) of the words the statement opens with, before its first word shared
    with the unit, that the unit never says, when the unit too has content words just before that shared word:
    another subject for the same rule."""
    if not pairs:
        return 0.0
    i0, j0 = pairs[0]
    said = [t for t in statement[:i0] if _content(t)]
    lawful = [t for t in unit.toks[max(0, j0 - SUBJECT_SPAN[1]):j0] if _content(t)]
    if not said or not lawful or i0 > SUBJECT_SPAN[0]:
        return 0.0
    return math.fsum(scorer.w(t) for t in said if t not in unit.tokset) / (scorer.default_idf or 1.0)


_CONTRAST_TERMS = sorted({t for terms in CONTRAST_SETS for t in terms})


def _contrasts(said: Sequence[str], lawful: Sequence[str]) -> int:
    """How many contrast sets have a member in ``said`` and another, none of the same, in ``lawful``."""
    said_terms = phrases_in(prohibitions_as_cam(said), _CONTRAST_TERMS)
    law_terms = phrases_in(prohibitions_as_cam(lawful), _CONTRAST_TERMS)
    count = 0
    for terms in CONTRAST_SETS:
        a, b = said_terms.intersection(terms), law_terms.intersection(terms)
        count += bool(a and b and not a & b)
    return count


def contrasting_terms(statement: Sequence[str], unit: Unit, pairs: list[tuple[int, int]]) -> int:
    """How many times the statement says one term of a contrast set (``CONTRAST_SETS``) where the unit, aligned to
    it by ``pairs``, says another: between two shared words (each side at most ``REPLACEMENT_SPAN`` words), in the
    subject before the first shared word (as :func:`replaced_subject` reads it) and in the words just past the
    last. Each side is read with the shared words around it ("cấp huyện" against "cấp xã")."""
    if not pairs:
        return 0
    count = sum(_contrasts(statement[i1:i2 + 1], unit.toks[j1:j2 + 1]) for _k, (i1, j1), (i2, j2) in
                _replaced_spans(pairs))
    (i0, j0), (i_end, j_end) = pairs[0], pairs[-1]
    if 0 < i0 <= SUBJECT_SPAN[0]:
        count += _contrasts(statement[:i0 + 1], unit.toks[max(0, j0 - SUBJECT_SPAN[1]):j0 + 1])
    tail = REPLACEMENT_SPAN + 1
    return count + _contrasts(statement[i_end:i_end + tail], unit.toks[j_end:j_end + tail])


def narrowing_words(statement: Sequence[str], unit: Unit) -> list[str]:
    """The words of ``RESTRICTIVE_WORDS`` the statement says and the unit does not ("một số công dân")."""
    return [w for w in RESTRICTIVE_WORDS if has_phrase(statement, [w]) and not has_phrase(unit.toks, [w])]


def negations_as_cam(statement: Sequence[str], unit: Unit) -> tuple[float, float]:
    """Negations the statement adds and drops, counted as :func:`~assistant.extractive.scoring.tf_features` does,
    once every way of forbidding is written "cấm" on both sides."""
    st, ut = prohibitions_as_cam(statement), prohibitions_as_cam(unit.toks)
    s_neg, u_neg = neg_grams(st), neg_grams(ut)
    s_bi = bigrams(st)
    return (float(sum(1 for g in s_neg if g not in u_neg)),
            float(sum(1 for g in u_neg if g in s_bi and g not in s_neg)))


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


def copied_from(statement: Sequence[str], ranked: list[tuple[float, Unit]],
                first_pairs: list[tuple[int, int]] | None = None) -> tuple[Unit, list[tuple[int, int]]]:
    """The unit of the ``TOP_UNITS`` best (``ranked``, not empty) that the statement says most of in its own order —
    the one it was likely copied from — and the two aligned (``first_pairs``: the best unit's alignment, when at
    hand); the best unit on a tie."""
    unit = ranked[0][1]
    pairs = lcs_pairs(statement, unit.toks) if first_pairs is None else first_pairs
    for _s, u in ranked[1:TOP_UNITS]:
        other = lcs_pairs(statement, u.toks)
        if len(other) > len(pairs):
            unit, pairs = u, other
    return unit, pairs


def statement_features(statement: str, ranked: list[tuple[float, Unit]], scorer: Scorer) -> dict[str, float]:
    """Features of ``statement`` against ``ranked`` (the units by support, best first; not empty): those of where
    the statement copies the law but for a few words against the unit it was likely copied from
    (:func:`copied_from`), the others against the best unit."""
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
    pairs = lcs_pairs(st, unit.toks)
    f["order"] = ordered_share(st, unit, scorer, pairs)
    f["replaced"], f["dropped"], f["added"] = alignment_gaps(st, unit, scorer, pairs)
    source, pairs = copied_from(st, ranked, pairs)
    f["aligned"] = len(pairs) / len(st) if st else 0.0
    repl, n_repl = replacements(st, source, scorer, pairs)
    f["repl_max"], f["repl_n"], f["repl_aligned"] = repl, float(min(n_repl, 3)), repl * f["aligned"]
    f["subject_replaced"] = replaced_subject(st, source, scorer, pairs)
    said, law = statement_polarity(st), law_polarity(source.quote, source.toks)
    f["polarity_conflict"], f["polarity_agree"] = float(said * law == -1), float(said * law == 1)
    f["neg_extra_cam"], f["neg_drop_cam"] = negations_as_cam(st, source)
    f["restrictive"] = float(len(narrowing_words(st, source)))
    f["contrast"] = float(min(2, contrasting_terms(st, source, pairs)))
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
                    scorer: Scorer, judge: Logistic | None = None) -> dict[str, dict[str, float]]:
    """Features of each option read with ``stem`` (``ranked[letter]``: the units by support of stem + option, not
    empty): those of the statement, the option's own words found in the best unit and anywhere in the sources, the
    conflicts of the option alone, and, given a statement ``judge``, its log-odds that stem and option state the
    law. A choice compares them across the options of one question."""
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
        if judge is not None:
            f["statement_logit"] = judge.log_odds(f)
        out[letter] = f
    return out
