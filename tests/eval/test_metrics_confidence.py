"""AUROC (Mann–Whitney, ties ½) and the abstention trade-off, against values computed by hand."""

from __future__ import annotations

import math

import pytest

from eval.metrics.confidence import abstention_curve, abstention_point, auroc, average_ranks


def test_average_ranks_share_ties():
    assert list(average_ranks([0.4, 0.1, 0.4, 0.9])) == [2.5, 1.0, 2.5, 4.0]


def test_auroc_by_hand_with_a_tie():
    # pairs (positive, negative): 0.9 beats 0.4, 0.2, 0.7 → 3; 0.6 beats 0.4, 0.2, loses to 0.7 → 2;
    # 0.4 ties 0.4 (½), beats 0.2, loses to 0.7 → 1.5; total 6.5 of 9 pairs
    assert auroc([0.9, 0.6, 0.4], [0.4, 0.2, 0.7]) == pytest.approx(6.5 / 9)


def test_auroc_extremes_and_symmetry():
    assert auroc([0.8, 0.9], [0.1, 0.2, 0.3]) == 1.0
    assert auroc([0.1, 0.2], [0.8, 0.9]) == 0.0
    assert auroc([0.5, 0.5], [0.5]) == 0.5  # all tied: chance
    assert auroc([0.3, 0.7, 0.2], [0.6, 0.1]) == pytest.approx(1 - auroc([0.6, 0.1], [0.3, 0.7, 0.2]))


def test_auroc_undefined_without_a_group():
    assert math.isnan(auroc([], [0.1])) and math.isnan(auroc([0.9], []))


def test_abstention_curve_by_hand():
    # answerable a1..a4, outside o1, o2; a1 and a2 correct; the system abstained on a4 and o2 by itself
    conf = [0.9, 0.5, 0.5, 0.2, 0.6, 0.1]
    own = [False, False, False, True, False, True]
    inside = [True, True, True, True, False, False]
    correct = [True, True, False, False, False, False]
    curve = abstention_curve(conf, own, inside, correct)
    rows = [(p.threshold, p.abstain_answerable, p.abstain_outside, p.answered_correct) for p in curve]
    assert [r[0] for r in rows[:-1]] == [0.1, 0.2, 0.5, 0.6, 0.9]
    assert rows[-1][0] > 0.9  # just above the highest: everything abstained
    assert [r[1:] for r in rows] == [  # quarters and halves: exact in floating point
        (1 / 4, 1 / 2, 2 / 4),   # t 0.1: nothing below it; the system's own abstentions (a4, o2)
        (1 / 4, 1 / 2, 2 / 4),   # t 0.2: below it only o2 (already abstained)
        (1 / 4, 1 / 2, 2 / 4),   # t 0.5: a4 (0.2) already abstained
        (3 / 4, 1 / 2, 1 / 4),   # t 0.6: a2, a3 (0.5) too; a1 still answered correctly
        (3 / 4, 1.0, 1 / 4),     # t 0.9: o1 (0.6) too
        (1.0, 1.0, 0.0),         # above 0.9: a1 too
    ]


def test_operating_point_and_empty_groups():
    import numpy as np

    p = abstention_point(np.array([True, False, True]), np.array([True, True, False]), np.array([False, True, False]))
    assert (p.threshold, p.abstain_answerable, p.abstain_outside, p.answered_correct) == (None, 0.5, 1.0, 0.5)
    only_inside = abstention_point(np.array([False]), np.array([True]), np.array([True]))
    assert only_inside.abstain_outside is None and only_inside.as_dict()["answered_correct"] == 1.0
    assert abstention_curve([], [], [], []) == []
