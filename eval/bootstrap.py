"""Bootstrap confidence intervals for a mean over questions, and the paired bootstrap for the difference of two runs.

Per-question values may be ``nan`` where a metric does not apply to a question; every mean is taken over the values
that apply (``nanmean``), in the point estimate and in each resample alike.

* :func:`bootstrap_ci` — percentile interval: resample the questions with replacement ``resamples`` times, take the
  mean of each resample, report the (1−c)/2 and (1+c)/2 quantiles.
* :func:`paired_bootstrap` — the two runs are scored on the same questions; each resample draws the *same* questions
  for both runs, so question difficulty cancels out. The difference is significant when its interval excludes 0; the
  two-sided p-value is 2 × the share of resampled differences on the other side of 0 (at least 1/resamples).
* :func:`bootstrap_statistic`, :func:`paired_bootstrap_statistic` — the same for a statistic of a set of questions
  that is not a mean (the AUROC of the answers' confidence): it is computed on each resample of the questions; a
  resample where it is undefined (``nan``: no positive drawn, say) is skipped.

Resampling is seeded: the same values give the same interval.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

RESAMPLES = 1000
CONFIDENCE = 0.95
SEED = 20240601


@dataclass(frozen=True)
class Interval:
    value: float
    low: float
    high: float
    n: int  # questions the metric applies to


@dataclass(frozen=True)
class PairedDelta:
    a: float
    b: float
    delta: float  # b − a
    low: float
    high: float
    p_value: float
    n: int  # questions in common where the metric applies to at least one run

    @property
    def significant(self) -> bool:
        return not (self.low <= 0.0 <= self.high)


def _nanmean_rows(m: np.ndarray) -> np.ndarray:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # an all-nan resample has no mean: nan
        return np.nanmean(m, axis=1)


def _indices(n: int, resamples: int, seed: int) -> np.ndarray:
    return np.random.default_rng(seed).integers(0, n, size=(resamples, n))


def bootstrap_ci(values, resamples: int = RESAMPLES, confidence: float = CONFIDENCE,
                 seed: int = SEED) -> Interval:
    """The mean of ``values`` (nan = not applicable) with its percentile bootstrap interval."""
    v = np.asarray(values, dtype=float)
    v = v[~np.isnan(v)]
    if not v.size:
        return Interval(float("nan"), float("nan"), float("nan"), 0)
    means = v[_indices(v.size, resamples, seed)].mean(axis=1)
    lo, hi = np.quantile(means, [(1 - confidence) / 2, (1 + confidence) / 2])
    return Interval(float(v.mean()), float(lo), float(hi), int(v.size))


def paired_bootstrap(a, b, resamples: int = RESAMPLES, confidence: float = CONFIDENCE,
                     seed: int = SEED) -> PairedDelta:
    """Difference ``mean(b) − mean(a)`` of two runs' per-question values, aligned question by question."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if a.shape != b.shape:
        raise ValueError(f"paired values must be aligned: {a.shape} vs {b.shape}")
    keep = ~(np.isnan(a) & np.isnan(b))
    a, b = a[keep], b[keep]
    nan = float("nan")
    if not a.size or np.isnan(a).all() or np.isnan(b).all():
        return PairedDelta(nan, nan, nan, nan, nan, nan, int(a.size))
    ma, mb = float(np.nanmean(a)), float(np.nanmean(b))
    idx = _indices(a.size, resamples, seed)
    d = _nanmean_rows(b[idx]) - _nanmean_rows(a[idx])
    d = d[~np.isnan(d)]
    lo, hi = np.quantile(d, [(1 - confidence) / 2, (1 + confidence) / 2])
    side = min(np.mean(d <= 0), np.mean(d >= 0))
    p = float(min(1.0, max(2 * side, 1 / resamples)))
    return PairedDelta(ma, mb, mb - ma, float(lo), float(hi), p, int(a.size))


Statistic = Callable[[np.ndarray], float]  # the statistic of the questions at these row indices (repeats allowed)


def _interval(values: list[float], confidence: float) -> tuple[float, float]:
    v = np.asarray(values, dtype=float)
    v = v[~np.isnan(v)]
    if not v.size:
        return float("nan"), float("nan")
    lo, hi = np.quantile(v, [(1 - confidence) / 2, (1 + confidence) / 2])
    return float(lo), float(hi)


def bootstrap_statistic(statistic: Statistic, rows: np.ndarray, resamples: int = RESAMPLES,
                        confidence: float = CONFIDENCE, seed: int = SEED) -> Interval:
    """``statistic(rows)`` with its percentile bootstrap interval over resamples of ``rows``."""
    rows = np.asarray(rows, dtype=int)
    nan = float("nan")
    value = statistic(rows) if rows.size else nan
    if np.isnan(value):
        return Interval(nan, nan, nan, 0)
    lo, hi = _interval([statistic(rows[i]) for i in _indices(rows.size, resamples, seed)], confidence)
    return Interval(float(value), lo, hi, int(rows.size))


def paired_bootstrap_statistic(a: Statistic, b: Statistic, rows: np.ndarray, resamples: int = RESAMPLES,
                               confidence: float = CONFIDENCE, seed: int = SEED) -> PairedDelta:
    """Difference ``b(rows) − a(rows)`` of two runs' statistic over the same questions, each resample drawing the same
    questions for both."""
    rows = np.asarray(rows, dtype=int)
    nan = float("nan")
    va, vb = (a(rows), b(rows)) if rows.size else (nan, nan)
    if np.isnan(va) or np.isnan(vb):
        return PairedDelta(nan, nan, nan, nan, nan, nan, int(rows.size))
    d = np.array([b(rows[i]) - a(rows[i]) for i in _indices(rows.size, resamples, seed)])
    d = d[~np.isnan(d)]
    if not d.size:  # no resample where both are defined: nothing can be said about the difference
        return PairedDelta(float(va), float(vb), float(vb - va), -math.inf, math.inf, 1.0, int(rows.size))
    lo, hi = _interval(list(d), confidence)
    side = min(np.mean(d <= 0), np.mean(d >= 0))
    p = float(min(1.0, max(2 * side, 1 / resamples)))
    return PairedDelta(float(va), float(vb), float(vb - va), lo, hi, p, int(rows.size))
