"""The learned decisions over :mod:`assistant.extractive.entailment` features.

* Đúng/Sai (and Có/Không): a logistic P(the statement states the law), ``STATEMENT_JUDGE``, over
  ``STATEMENT_FEATURES``; the statement is right when P reaches the judge's threshold.
* Multiple choice: ``OPTION_RANKER``, a conditional logit (softmax over every option of a question) that answers the
  option of highest utility. A plain option's utility is linear in its features and the judge's log-odds for the
  stem read with it (negated for a negative stem, which asks for the option the law does not support); an aggregate
  option's ("Cả A, B, C đều đúng", "B và C", "Tất cả đều sai") in what kind it is and the log-odds and support of the
  options it names (:func:`aggregate_evidence`).

``benchmarks/entailment_cv.py`` measures both out of fold (5 folds by question) on the ALQAC dev questions and
prints the constants below from a final fit on all of them.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

__all__ = ["Linear", "Logistic", "OptionRanker", "choose_option", "pick_plain", "aggregate_evidence", "OPTION_RANKER",
           "STATEMENT_JUDGE", "STATEMENT_FEATURES", "OPTION_FEATURES", "AGGREGATE_FEATURES"]


@dataclass(frozen=True)
class Linear:
    """``utility = Σ weights[k]·x[k]`` on the raw feature scale (missing features count 0)."""

    weights: Mapping[str, float] = field(default_factory=dict)

    def score(self, feats: Mapping[str, float]) -> float:
        return sum(w * feats.get(k, 0.0) for k, w in self.weights.items())


@dataclass(frozen=True)
class Logistic:
    """``P = sigmoid(bias + Σ weights[k]·x[k])`` on the raw feature scale; the answer is yes when P ≥ threshold."""

    weights: Mapping[str, float] = field(default_factory=dict)
    bias: float = 0.0
    threshold: float = 0.5

    def log_odds(self, feats: Mapping[str, float]) -> float:
        return max(-30.0, min(30.0, self.bias + sum(w * feats.get(k, 0.0) for k, w in self.weights.items())))

    def prob(self, feats: Mapping[str, float]) -> float:
        return 1.0 / (1.0 + math.exp(-self.log_odds(feats)))

    def says_yes(self, feats: Mapping[str, float]) -> bool:
        return self.prob(feats) >= self.threshold


def pick_plain(utility: Mapping[str, float], negative: bool) -> tuple[str, float]:
    """The option to answer, by ``utility`` (the lowest for a ``negative`` stem; letter order breaks ties), and its
    softmax margin over the runner-up (0 to 1)."""
    letters = sorted(utility)
    sign = -1.0 if negative else 1.0
    best = max(letters, key=lambda k: (sign * utility[k], -letters.index(k)))
    top = max(sign * u for u in utility.values())
    weights = {k: math.exp(sign * u - top) for k, u in utility.items()}
    total = sum(weights.values())
    share = sorted((w / total for w in weights.values()), reverse=True)
    return best, share[0] - (share[1] if len(share) > 1 else 0.0)


@dataclass(frozen=True)
class OptionRanker:
    """Utilities of every option of a question: a plain option's ``plain.score(features) - offset`` (negated for a
    negative stem), an aggregate option's ``aggregate.score(aggregate_evidence)``; the option of highest utility is
    the answer."""

    plain: Linear = field(default_factory=Linear)
    aggregate: Linear = field(default_factory=Linear)
    offset: float = 0.0

    def utilities(self, plain: Mapping[str, Mapping[str, float]], aggregates: Mapping[str, Mapping[str, float]],
                  negative: bool) -> dict[str, float]:
        sign = -1.0 if negative else 1.0
        out = {k: sign * (self.plain.score(f) - self.offset) for k, f in plain.items()}
        out.update({k: self.aggregate.score(f) for k, f in aggregates.items()})
        return out

    def choose(self, plain: Mapping[str, Mapping[str, float]], aggregates: Mapping[str, Mapping[str, float]],
               negative: bool) -> tuple[str, float]:
        """The option to answer and its softmax margin over the runner-up (0 to 1)."""
        return pick_plain(self.utilities(plain, aggregates, negative), False)


#: an aggregate option's inputs to ``OPTION_RANKER``: its kind ("all": every option it names states the law;
#: "none": none does) and, over the options it names (every plain option when it names none), the judge's log-odds
#: and the support score — negated for a negative stem, where "all" means every one of them is what the law does not
#: say
AGGREGATE_FEATURES = ("all", "all_min_logit", "all_mean_logit", "all_min_support", "none", "none_max_logit",
                      "none_mean_logit", "none_max_support")


def aggregate_evidence(aggregates: Mapping[str, tuple[str, list[str]] | None],
                       plain: Mapping[str, Mapping[str, float]], support: Mapping[str, float],
                       negative: bool) -> dict[str, dict[str, float]]:
    """``AGGREGATE_FEATURES`` of each aggregate option (``aggregates``: each letter's kind and named letters, None
    for a plain option; ``plain``: the plain options' features with ``statement_logit``; ``support``: their
    support scores)."""
    sign = -1.0 if negative else 1.0
    out = {}
    for k, agg in sorted(aggregates.items()):
        if agg is None:
            continue
        kind, named = agg
        refs = [r for r in (named or sorted(plain)) if r in plain] or sorted(plain)
        logits = [sign * plain[r].get("statement_logit", 0.0) for r in refs] or [0.0]
        sup = [sign * support.get(r, 0.0) for r in refs] or [0.0]
        f = dict.fromkeys(AGGREGATE_FEATURES, 0.0)
        if kind == "all":
            f.update({"all": 1.0, "all_min_logit": min(logits), "all_mean_logit": sum(logits) / len(logits),
                      "all_min_support": min(sup)})
        else:
            f.update({"none": 1.0, "none_max_logit": max(logits), "none_mean_logit": sum(logits) / len(logits),
                      "none_max_support": max(sup)})
        out[k] = f
    return out


def choose_option(letters: Sequence[str], aggregates: Mapping[str, tuple[str, list[str]] | None],
                  p: Mapping[str, float], negative: bool, all_threshold: float,
                  none_threshold: float) -> tuple[str, dict[str, float]]:
    """The hand-set choice (the composer's without ``OPTION_RANKER``): the option to answer and every option's
    score. ``p``: P(true) of each plain option; a negative stem picks the least supported one; "all of …" wins when
    even its weakest option reaches ``all_threshold``, "none of …" when none reaches ``none_threshold``; ties go to
    the earlier letter."""
    plain = [k for k in letters if aggregates.get(k) is None and k in p]
    score = {k: (-p[k] if negative else p[k]) for k in plain}
    for k in letters:
        agg = aggregates.get(k)
        if agg is None:
            continue
        kind, named = agg
        refs = [r for r in (named or plain) if r in p]
        if not refs or negative:
            score[k] = -9.0
            continue
        ps = [p[r] for r in refs]
        if kind == "all":
            score[k] = max(ps) + 0.01 if min(ps) >= all_threshold else min(ps)
        else:
            score[k] = -9.0 if max(ps) >= none_threshold else 9.0
    best = max(letters, key=lambda k: (score.get(k, -9.0), -letters.index(k)))
    return best, score


#: the inputs of ``STATEMENT_JUDGE``: the evidence of the best unit (scoring.tf_features and its support score)
#: and where a statement copies the law but for a few words (entailment.statement_features)
STATEMENT_FEATURES = ("neg", "neg_drop", "neg_extra", "num", "abs", "uni", "bi", "tri", "miss", "miss_max", "n_miss",
                      "oov", "score", "polarity_conflict", "polarity_agree", "repl_max", "repl_n", "aligned",
                      "repl_aligned", "restrictive", "neg_extra_cam", "neg_drop_cam", "subject_replaced",
                      "contrast")
#: the inputs of ``OPTION_RANKER``: every statement feature of the stem read with the option but those of
#: ``STATEMENT_FEATURES`` past the first 13 (they enter through the judge's log-odds), and the option's own
OPTION_FEATURES = ("abs", "abs_any", "added", "art_gain", "art_miss", "bi", "dropped", "gap", "length", "miss",
                   "miss_max", "n_miss", "neg", "neg_bal", "neg_drop", "neg_extra", "num", "num_same", "oov",
                   "opt_any", "opt_bi", "opt_conflict", "opt_uni", "order", "replaced", "run", "score", "sub",
                   "sub_max", "top_abs_min", "top_miss_min", "top_neg_min", "top_num_min", "top_uni_max", "tri", "uni",
                   "statement_logit")

# fitted by `benchmarks/entailment_cv.py` on all 387 dev Đúng/Sai statements, over the retrieval of every article
# piece through the query adapter: in-sample it answers 0.8424 of them; out of fold (5 folds by question) 0.8088 at
# seed 13 and 0.8078 over seeds 13, 7, 21, 5 and 42, against 0.7339 for the hand-set rules' form refitted (the rules
# themselves, fitted in-sample, 0.7571)
STATEMENT_JUDGE = Logistic({
    "neg": -0.0046, "neg_drop": 1.0908, "neg_extra": -0.9507, "num": -1.1358, "abs": -1.6257, "uni": 0.8218,
    "bi": -0.2545, "tri": -0.4249, "miss": -0.8649, "miss_max": -0.8892, "n_miss": 0.047, "oov": -0.004,
    "score": 0.6454, "polarity_conflict": -1.1195, "polarity_agree": 0.4039, "repl_max": -0.0937, "repl_n": -0.1196,
    "aligned": -2.8287, "repl_aligned": -0.6466, "restrictive": -1.7474, "neg_extra_cam": -0.5927,
    "neg_drop_cam": -1.246, "subject_replaced": -0.4243, "contrast": -1.8436}, bias=2.763, threshold=0.6)

# fitted by `benchmarks/entailment_cv.py` on all 286 dev multiple-choice questions, over the retrieval of every
# article piece through the query adapter and the judge above; out of fold (5 folds by question) it answers 0.7587 of
# them at seed 13 and 0.7552 over seeds 13, 7, 21, 5 and 42, against 0.7063 for the hand-set rules (the support score,
# the aggregate options by thresholds on it)
OPTION_RANKER = OptionRanker(plain=Linear({
    "abs": -0.0878, "abs_any": -0.0782, "added": 1.4021, "art_gain": 1.0509, "art_miss": -0.7148, "bi": 0.6302,
    "dropped": -1.0775, "gap": 0.6243, "length": 0.1956, "miss": -0.4556, "miss_max": 0.0001, "n_miss": -0.0933,
    "neg": -0.1956, "neg_bal": 0.2088, "neg_drop": -0.4259, "neg_extra": 0.0045, "num": -0.3946, "num_same": -0.4667,
    "oov": -0.0124, "opt_any": 0.4301, "opt_bi": 0.6612, "opt_conflict": -0.3273, "opt_uni": 0.6518, "order": 0.366,
    "replaced": 0.4519, "run": -1.2685, "score": 0.7356, "sub": 0.1942, "sub_max": -0.2373, "top_abs_min": 0.1597,
    "top_miss_min": -0.5042, "top_neg_min": 0.0297, "top_num_min": -0.2751, "top_uni_max": 0.496, "tri": 0.3127,
    "uni": 0.4563, "statement_logit": 0.1459}),
    aggregate=Linear({
        "all": 2.1383, "all_min_logit": -0.0765, "all_mean_logit": 0.3566, "all_min_support": 1.5752, "none": 0.2398,
        "none_max_logit": 0.1248, "none_mean_logit": 0.0176, "none_max_support": 0.1415}),
    offset=3.2923)
