"""The learned decisions over :mod:`assistant.extractive.entailment` features.

* Đúng/Sai (and Có/Không): a logistic P(the statement states the law), ``STATEMENT_JUDGE``, over
  ``STATEMENT_FEATURES``; the statement is right when P reaches the judge's threshold.
* Multiple choice: aggregate options ("Cả 3 phương án trên", "Tất cả đều sai") by thresholds on the options'
  support, the plain options by a linear ranker, ``OPTION_RANKER`` (the option with the highest utility; the lowest
  for a negative stem), a conditional logit (softmax over the options of a question) over the option's features and
  the judge's log-odds for the stem read with the option.

``benchmarks/entailment_cv.py`` measures both out of fold (5 folds by question, seed 13) on the ALQAC dev questions
and prints the constants below from a final fit on all of them.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

__all__ = ["Linear", "Logistic", "choose_option", "pick_plain", "OPTION_RANKER", "STATEMENT_JUDGE",
           "STATEMENT_FEATURES", "OPTION_FEATURES"]


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
    """The plain option to answer, by ``utility`` (letter order breaks ties), and its softmax margin over the
    runner-up (0 to 1)."""
    letters = sorted(utility)
    sign = -1.0 if negative else 1.0
    best = max(letters, key=lambda k: (sign * utility[k], -letters.index(k)))
    top = max(sign * u for u in utility.values())
    weights = {k: math.exp(sign * u - top) for k, u in utility.items()}
    total = sum(weights.values())
    share = sorted((w / total for w in weights.values()), reverse=True)
    return best, share[0] - (share[1] if len(share) > 1 else 0.0)


def choose_option(letters: Sequence[str], aggregates: Mapping[str, tuple[str, list[str]] | None],
                  p: Mapping[str, float], negative: bool, all_threshold: float,
                  none_threshold: float) -> tuple[str, dict[str, float]]:
    """The option to answer and every option's score. ``p``: P(true) of each plain option; a negative stem picks
    the least supported one; "all of …" wins when even its weakest option reaches ``all_threshold``, "none of …"
    when none reaches ``none_threshold``; ties go to the earlier letter."""
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
                      "repl_aligned", "restrictive", "neg_extra_cam", "neg_drop_cam", "subject_replaced")
#: the inputs of ``OPTION_RANKER``: every statement feature of the stem read with the option but those of
#: ``STATEMENT_FEATURES`` past the first 13 (they enter through the judge's log-odds), and the option's own
OPTION_FEATURES = ("abs", "abs_any", "added", "art_gain", "art_miss", "bi", "dropped", "gap", "length", "miss",
                   "miss_max", "n_miss", "neg", "neg_bal", "neg_drop", "neg_extra", "num", "num_same", "oov",
                   "opt_any", "opt_bi", "opt_conflict", "opt_uni", "order", "replaced", "run", "score", "sub",
                   "sub_max", "top_abs_min", "top_miss_min", "top_neg_min", "top_num_min", "top_uni_max", "tri", "uni",
                   "statement_logit")

# fitted by `benchmarks/entailment_cv.py` on all 387 dev Đúng/Sai statements, over the retrieval of every article
# piece: in-sample it answers 0.8191 of them; out of fold (5 folds by question) 0.7804 at seed 13 and 0.7871 over
# seeds 13, 7, 21, 5 and 42, against 0.7339 for the hand-set rules' form refitted (the rules themselves, fitted
# in-sample, 0.7623)
STATEMENT_JUDGE = Logistic({
    "neg": 0.0289, "neg_drop": 1.0988, "neg_extra": -0.906, "num": -0.9678, "abs": -1.5755, "uni": 0.7062,
    "bi": -0.4377, "tri": 0.0992, "miss": -0.7838, "miss_max": -0.9795, "n_miss": 0.0595, "oov": -0.0097,
    "score": 0.5553, "polarity_conflict": -1.1565, "polarity_agree": 0.5098, "repl_max": 0.3591, "repl_n": -0.2659,
    "aligned": -2.9798, "repl_aligned": -0.9591, "restrictive": -1.6763, "neg_extra_cam": -0.5887,
    "neg_drop_cam": -1.2428, "subject_replaced": -0.5161}, bias=2.7282, threshold=0.55)

# fitted by `benchmarks/entailment_cv.py` on all 286 dev multiple-choice questions, over the retrieval of every
# article piece and the judge above; out of fold (5 folds by question) it answers 0.7378 of them at seed 13 and
# 0.7336 over seeds 13, 7, 21, 5 and 42, against 0.6993 for the support score alone (the aggregate rule the same)
OPTION_RANKER = Linear({
    "abs": -0.1336, "abs_any": -0.0026, "added": 0.6199, "art_gain": 1.54, "art_miss": -0.7736, "bi": 0.8485,
    "dropped": -1.0231, "gap": 0.5711, "length": 0.2111, "miss": -0.4523, "miss_max": 0.0176, "n_miss": -0.0989,
    "neg": -0.0515, "neg_bal": 0.1597, "neg_drop": -0.5652, "neg_extra": -0.0374, "num": -0.3182,
    "num_same": -0.3659, "oov": -0.0199, "opt_any": 0.1719, "opt_bi": 0.5798, "opt_conflict": -0.3013,
    "opt_uni": 0.5929, "order": 0.5606, "replaced": 0.192, "run": -1.2117, "score": 0.8456, "sub": -0.001,
    "sub_max": -0.0312, "top_abs_min": 0.0324, "top_miss_min": -0.4574, "top_neg_min": -0.0619,
    "top_num_min": -0.1796, "top_uni_max": 0.4537, "tri": 0.4149, "uni": 0.4592, "statement_logit": 0.1494})
