"""The choice among the options of a multiple-choice question: aggregate options ("Cả 3 phương án trên", "Tất cả
đều sai") by thresholds on the options' support, the plain options by a learned linear ranker over
:mod:`assistant.extractive.entailment` features (the option with the highest utility; the lowest for a negative stem).

The ranker's weights are a conditional logit (softmax over the options of a question) fitted by
``benchmarks/entailment_cv.py``, which measures it out of fold (5 folds by question, seed 13) on the ALQAC dev
questions and prints the constants below from a final fit on all of them.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

__all__ = ["Linear", "choose_option", "pick_plain", "OPTION_RANKER"]


@dataclass(frozen=True)
class Linear:
    """``utility = Σ weights[k]·x[k]`` on the raw feature scale (missing features count 0)."""

    weights: Mapping[str, float] = field(default_factory=dict)

    def score(self, feats: Mapping[str, float]) -> float:
        return sum(w * feats.get(k, 0.0) for k, w in self.weights.items())


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


# fitted by `benchmarks/entailment_cv.py` on all 286 dev multiple-choice questions, over the retrieval of every
# article piece; out of fold (5 folds by question, seed 13) it answers 0.7273 of them against 0.6993 for the
# support score alone (the aggregate rule the same)
OPTION_RANKER = Linear({
    "abs": -0.2164, "abs_any": -0.0304, "added": 0.6115, "art_gain": 1.5297, "art_miss": -0.7931, "bi": 0.8443,
    "dropped": -1.0025, "gap": 0.6048, "length": 0.2086, "miss": -0.4723, "miss_max": -0.0254, "n_miss": -0.0983,
    "neg": -0.0646, "neg_bal": 0.1577, "neg_drop": -0.5672, "neg_extra": -0.0644, "num": -0.3338,
    "num_same": -0.3817, "oov": -0.0214, "opt_any": 0.1874, "opt_bi": 0.5785, "opt_conflict": -0.3617,
    "opt_uni": 0.6127, "order": 0.5583, "replaced": 0.1378, "run": -1.1959, "score": 0.8544, "sub": -0.0151,
    "sub_max": -0.0417, "top_abs_min": -0.0183, "top_miss_min": -0.4761, "top_neg_min": -0.0915,
    "top_num_min": -0.1893, "top_uni_max": 0.4718, "tri": 0.4081, "uni": 0.4791})
