"""The learned decisions of the closed answer forms: P(Đúng) of a statement, P(true) of a multiple-choice option read
with its stem, and the choice among options (aggregate options "Cả 3 phương án trên" / "Tất cả đều sai" included).

Logistic models over :mod:`assistant.extractive.entailment` features, on the raw feature scale. Their weights are
fitted by ``benchmarks/entailment_cv.py``, which measures them out of fold (5 folds by question, seed 13) on the ALQAC
dev questions and prints the constants below from a final fit on all of them.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

__all__ = ["Logistic", "choose_option", "TRUE_FALSE_MODEL", "OPTION_MODEL"]


@dataclass(frozen=True)
class Logistic:
    """``P = sigmoid(bias + Σ weights[k]·x[k])``; a statement is taken as true when ``P ≥ threshold``."""

    weights: Mapping[str, float] = field(default_factory=dict)
    bias: float = 0.0
    threshold: float = 0.5

    def logit(self, feats: Mapping[str, float]) -> float:
        return self.bias + sum(w * feats.get(k, 0.0) for k, w in self.weights.items())

    def prob(self, feats: Mapping[str, float]) -> float:
        z = max(-30.0, min(30.0, self.logit(feats)))
        return 1.0 / (1.0 + math.exp(-z))


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


# fitted by benchmarks/entailment_cv.py (see there for the out-of-fold accuracy)
TRUE_FALSE_MODEL = Logistic()
OPTION_MODEL = Logistic()
