from assistant.answer import Source
from assistant.extractive.decisions import Linear, choose_option, pick_plain
from assistant.extractive.entailment import (alignment_gaps, longest_gap, option_features, ordered_share,
                                             same_measure_conflicts, statement_features, substitutions)
from assistant.extractive.features import tokens
from assistant.extractive.scoring import Scorer
from assistant.extractive.units import split_units

LAW = ("1. Thời hạn kháng cáo tối thiểu là 15 ngày, kể từ ngày tuyên án.\n"
       "2. Người lao động có quyền đơn phương chấm dứt hợp đồng lao động.")


def _scorer() -> Scorer:
    src = Source(document_id="d", document_title="Luật X", article="1", title="Kháng cáo", text=LAW, rank=1)
    return Scorer(split_units(src))


def _unit(scorer: Scorer, clause: str):
    return next(u for u in scorer.units if u.clause == clause)


def test_a_word_swapped_in_a_shared_context_is_a_substitution():
    s = _scorer()
    u = _unit(s, "1")
    assert substitutions(tokens("Thời hạn kháng cáo tối đa là 15 ngày"), u, s)[0] == 1.0
    assert substitutions(tokens("Thời hạn kháng cáo tối thiểu là 15 ngày"), u, s)[0] == 0.0


def test_ordered_share_and_longest_gap():
    s = _scorer()
    u = _unit(s, "1")
    assert ordered_share(tokens("thời hạn kháng cáo 15 ngày"), u, s) > 0.99
    assert ordered_share(tokens("ngày 15 cáo kháng hạn thời"), u, s) < 0.5
    assert longest_gap(tokens("thời hạn kháng cáo của viện kiểm sát nhân dân"), u.tokset) > 0.4
    assert longest_gap(tokens("thời hạn kháng cáo"), u.tokset) == 0.0


def test_same_measure_with_another_value_conflicts():
    s = _scorer()
    u = _unit(s, "1")
    assert same_measure_conflicts("Thời hạn kháng cáo là 30 ngày", u) == 1.0
    assert same_measure_conflicts("Thời hạn kháng cáo là 15 ngày", u) == 0.0
    assert same_measure_conflicts("Thời hạn kháng cáo là 3 tháng", u) == 0.0


def test_statement_features_have_the_same_keys_whatever_the_statement():
    s = _scorer()
    ranked = s.rank(tokens("Thời hạn kháng cáo là 15 ngày"))
    f = statement_features("Thời hạn kháng cáo là 15 ngày", ranked, s)
    g = statement_features("Người lao động không có quyền chấm dứt", s.rank(tokens("Người lao động")), s)
    assert set(f) == set(g)
    assert f["num_same"] == 0.0 and f["sub"] == 0.0


def test_option_features_measure_the_option_own_words():
    s = _scorer()
    stem = "Thời hạn kháng cáo là"
    options = {"A": "15 ngày", "B": "người lao động"}
    ranked = {k: s.rank(tokens(f"{stem} {v}")) for k, v in options.items()}
    f = option_features(stem, options, ranked, s)
    assert f["A"]["opt_uni"] == 1.0
    assert f["B"]["opt_uni"] < 1.0 and f["B"]["opt_any"] == 1.0


def test_ranker_picks_the_highest_utility_or_the_lowest_for_a_negative_stem():
    m = Linear({"x": 2.0})
    assert m.score({"x": 0.5}) == 1.0 and m.score({}) == 0.0
    assert pick_plain({"A": 0.1, "B": 3.0, "C": 0.2}, False)[0] == "B"
    assert pick_plain({"A": 0.1, "B": 3.0, "C": 0.2}, True)[0] == "A"
    best, margin = pick_plain({"A": 1.0, "B": 1.0}, False)
    assert best == "A" and margin == 0.0
    assert pick_plain({"A": 9.0, "B": 0.0}, False)[1] > 0.99


def test_choice_with_aggregate_options():
    letters = ["A", "B", "C", "D"]
    aggs = {"A": None, "B": None, "C": None, "D": ("all", [])}
    assert choose_option(letters, aggs, {"A": 0.9, "B": 0.2, "C": 0.1}, False, 0.5, 0.5)[0] == "A"
    assert choose_option(letters, aggs, {"A": 0.9, "B": 0.2, "C": 0.1}, True, 0.5, 0.5)[0] == "C"
    assert choose_option(letters, aggs, {"A": 0.9, "B": 0.8, "C": 0.7}, False, 0.5, 0.5)[0] == "D"
    none = {"A": None, "B": None, "C": None, "D": ("none", [])}
    assert choose_option(letters, none, {"A": 0.1, "B": 0.2, "C": 0.1}, False, 0.5, 0.5)[0] == "D"


def test_alignment_gaps_find_replaced_dropped_and_added_words():
    s = _scorer()
    u = _unit(s, "1")
    replaced, dropped, added = alignment_gaps(tokens("Thời hạn kháng cáo tối đa là 15 ngày"), u, s)
    assert replaced > 0 and dropped == 0 and added == 0
    replaced, dropped, added = alignment_gaps(tokens("Thời hạn kháng cáo là 15 ngày"), u, s)
    assert dropped > 0 and replaced == 0
    assert alignment_gaps(tokens("Thời hạn kháng cáo tối thiểu là 15 ngày"), u, s) == (0.0, 0.0, 0.0)
