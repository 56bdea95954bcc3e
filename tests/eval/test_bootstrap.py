"""Bootstrap intervals: they hold the mean, shrink with agreement, and the paired test tells a real difference from
noise."""

from __future__ import annotations

import math

import numpy as np
import pytest

from eval.bootstrap import bootstrap_ci, paired_bootstrap


def test_interval_holds_the_mean_and_skips_nan():
    v = [1, 0, 1, 1, float("nan"), 0, 1, 1]
    ci = bootstrap_ci(v)
    assert ci.value == pytest.approx(5 / 7) and ci.n == 7
    assert 0 <= ci.low <= ci.value <= ci.high <= 1
    assert bootstrap_ci(v) == ci  # seeded: the same values give the same interval


def test_constant_values_have_a_zero_width_interval():
    ci = bootstrap_ci([0.5] * 20)
    assert (ci.value, ci.low, ci.high) == (0.5, 0.5, 0.5)


def test_no_applicable_value():
    ci = bootstrap_ci([float("nan")] * 3)
    assert ci.n == 0 and math.isnan(ci.value)


def test_interval_width_matches_the_normal_approximation():
    # 400 Bernoulli(0.5) values: standard error √(0.25 / 400) = 0.025 → 95% half-width ≈ 0.049
    v = np.array([1, 0] * 200, dtype=float)
    ci = bootstrap_ci(v)
    assert (ci.high - ci.low) / 2 == pytest.approx(1.96 * 0.025, rel=0.15)


def test_identical_runs_do_not_differ():
    a = np.array([1, 0, 1, 1, 0, 1, 0, 0, 1, 1], dtype=float)
    d = paired_bootstrap(a, a)
    assert d.delta == 0 and d.low == 0 and d.high == 0 and not d.significant and d.p_value == 1.0


def test_a_consistent_improvement_is_significant():
    rng = np.random.default_rng(1)
    a = (rng.random(300) < 0.6).astype(float)
    b = a.copy()
    b[np.flatnonzero(a == 0)[:40]] = 1.0  # b fixes 40 of a's misses and breaks nothing
    d = paired_bootstrap(a, b)
    assert d.delta == pytest.approx(40 / 300) and d.significant and d.low > 0 and d.p_value < 0.01


def test_pairing_sees_what_unpaired_intervals_miss():
    # b is better than a on 6 of 200 hard-varying questions: the runs' own intervals overlap, the paired one does not
    rng = np.random.default_rng(7)
    a = (rng.random(200) < 0.5).astype(float)
    b = a.copy()
    b[np.flatnonzero(a == 0)[:6]] = 1.0
    ca, cb = bootstrap_ci(a), bootstrap_ci(b)
    assert cb.low < ca.high  # overlapping
    assert paired_bootstrap(a, b).significant


def test_a_coin_flip_difference_is_not_significant():
    rng = np.random.default_rng(3)
    a = (rng.random(100) < 0.5).astype(float)
    b = a.copy()
    flip = rng.choice(100, 10, replace=False)
    b[flip] = 1 - b[flip]  # random changes both ways
    d = paired_bootstrap(a, b)
    assert d.low <= 0 <= d.high and not d.significant


def test_paired_values_must_align_and_nan_is_skipped():
    with pytest.raises(ValueError):
        paired_bootstrap([1, 0], [1])
    d = paired_bootstrap([1, float("nan"), 0], [1, float("nan"), 1])
    assert d.n == 2 and d.a == 0.5 and d.b == 1.0
