"""Confidence and abstention as pure functions: how well an answer's confidence separates the questions answered
correctly from the questions the corpus cannot answer, and what abstaining below a threshold would cost.

* :func:`auroc` — the area under the ROC curve of a score, positives against negatives: the probability that a random
  positive scores above a random negative, a tie counting ½ (the Mann–Whitney U statistic over the product of the
  group sizes, from average ranks). 1 separates perfectly, 0.5 is chance; ``nan`` when a group is empty.
* :func:`abstention_curve` — for each threshold ``t`` over the observed confidences, the system abstains on a question
  when its confidence is below ``t`` or it abstained by itself: the share of answerable questions abstained on, the
  share of outside ones abstained on, and the share of answerable ones still answered correctly.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass

import numpy as np

NAN = math.nan


def average_ranks(values: Sequence[float]) -> np.ndarray:
    """1-based ranks of ``values`` in ascending order; tied values share the mean of the ranks they span."""
    v = np.asarray(values, dtype=float)
    _, inverse, counts = np.unique(v, return_inverse=True, return_counts=True)
    last = np.cumsum(counts)  # the highest rank each distinct value spans
    return (last - (counts - 1) / 2)[inverse]


def auroc(positives: Sequence[float], negatives: Sequence[float]) -> float:
    """P(score of a positive > score of a negative) + ½ P(equal); ``nan`` without positives or negatives."""
    pos, neg = np.asarray(positives, dtype=float), np.asarray(negatives, dtype=float)
    if not pos.size or not neg.size:
        return NAN
    ranks = average_ranks(np.concatenate([pos, neg]))
    u = ranks[: pos.size].sum() - pos.size * (pos.size + 1) / 2
    return float(u / (pos.size * neg.size))


@dataclass(frozen=True)
class AbstentionPoint:
    threshold: float | None  # None: the system's own abstentions only (its operating point)
    abstain_answerable: float | None  # share of the answerable questions abstained on (None: there are none)
    abstain_outside: float | None  # share of the outside questions abstained on
    answered_correct: float | None  # share of the answerable questions answered (not abstained) and correct

    def as_dict(self) -> dict:
        return asdict(self)


def _share(mask: np.ndarray, of: np.ndarray) -> float | None:
    return float(mask[of].mean()) if of.any() else None


def abstention_point(abstain: np.ndarray, answerable: np.ndarray, correct: np.ndarray,
                     threshold: float | None = None) -> AbstentionPoint:
    """The rates when the questions in ``abstain`` are abstained on (boolean arrays, one value per question)."""
    outside = ~answerable
    return AbstentionPoint(threshold, _share(abstain, answerable), _share(abstain, outside),
                           _share(~abstain & correct, answerable))


def abstention_curve(confidence: Sequence[float], abstained: Sequence[bool], answerable: Sequence[bool],
                     correct: Sequence[bool]) -> list[AbstentionPoint]:
    """One point per threshold: each distinct observed confidence, ascending, then one just above the highest (every
    question abstained on). At threshold ``t`` a question is abstained on when its confidence is < t or the system
    abstained by itself; the first point (the lowest confidence) is the system's own abstentions."""
    conf = np.asarray(confidence, dtype=float)
    own = np.asarray(abstained, dtype=bool)
    answerable_, correct_ = np.asarray(answerable, dtype=bool), np.asarray(correct, dtype=bool)
    if not conf.size:
        return []
    thresholds = [float(t) for t in np.unique(conf)]
    thresholds.append(math.nextafter(thresholds[-1], math.inf))
    return [abstention_point((conf < t) | own, answerable_, correct_, t) for t in thresholds]
