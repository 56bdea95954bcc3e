import pytest

from indexing.fusion import boost_docs, normalize, rrf, weighted_fusion
from indexing.query import QueryAnalyzer, strip_boilerplate

X, Y, Z = ("L1", "1"), ("L1", "2"), ("L2", "1")


def test_rrf_hand_computed():
    out = dict(rrf([[(X, 9.0), (Y, 5.0)], [(Y, 0.9), (Z, 0.8)]], k=60))
    assert out[X] == pytest.approx(1 / 61)
    assert out[Y] == pytest.approx(1 / 62 + 1 / 61)
    assert out[Z] == pytest.approx(1 / 62)
    ranked = rrf([[(X, 9.0), (Y, 5.0)], [(Y, 0.9), (Z, 0.8)]], k=60)
    assert [k for k, _ in ranked] == [Y, X, Z]  # X and Z tie on score? no: X 1/61 > Z 1/62


def test_rrf_weights_and_depth():
    out = dict(rrf([[(X, 1), (Y, 1)], [(Y, 1), (X, 1)]], k=0, weights=[2, 1], depth=1))
    assert out == {X: 2.0, Y: 1.0}


def test_rrf_ties_keep_first_seen_order():
    assert [k for k, _ in rrf([[(X, 1)], [(Y, 1)]])] == [X, Y]


def test_normalize():
    assert normalize([3.0, 1.0, 2.0]) == [1.0, 0.0, 0.5]
    assert normalize([2.0, 2.0]) == [1.0, 1.0]
    assert normalize([1.0, 3.0], "zscore") == [-1.0, 1.0]
    assert normalize([]) == []
    with pytest.raises(ValueError):
        normalize([1.0], "nope")


def test_weighted_minmax_hand_computed():
    # list 1 (min-max): X 1, Y 0; list 2: Y 1, Z 0 → X 1·1, Y 1·0 + 0.5·1, Z 0
    out = dict(weighted_fusion([[(X, 10.0), (Y, 4.0)], [(Y, 0.9), (Z, 0.7)]], weights=[1, 0.5]))
    assert out == {X: pytest.approx(1.0), Y: pytest.approx(0.5), Z: pytest.approx(0.0)}


def test_weighted_zscore_missing_gets_floor():
    out = dict(weighted_fusion([[(X, 3.0), (Y, 1.0)], [(Y, 5.0), (Z, 1.0)]], method="zscore"))
    # list 1: X +1, Y −1 (Z missing → −1); list 2: Y +1, Z −1 (X missing → −1)
    assert out == {X: pytest.approx(0.0), Y: pytest.approx(0.0), Z: pytest.approx(-2.0)}


def test_boost_docs_reorders_softly():
    ranked = [(X, 10.0), (Z, 8.0), (Y, 2.0)]
    assert [k for k, _ in boost_docs(ranked, ["L2"], 1.5)] == [Z, X, Y]  # 12 > 10
    assert [k for k, _ in boost_docs(ranked, ["L2"], 1.1)] == [X, Z, Y]  # 8.8 < 10: still a soft preference
    assert boost_docs(ranked, [], 3.0) == ranked


def test_strip_boilerplate():
    assert strip_boilerplate("Viên chức có quyền nghỉ phép, đúng hay sai?") == "Viên chức có quyền nghỉ phép"
    assert strip_boilerplate("Thanh niên là công dân. Đúng hay sai?") == "Thanh niên là công dân"
    assert strip_boilerplate("Theo Luật Du lịch, dịch vụ nào? Chọn câu trả lời đúng nhất.") == \
        "Theo Luật Du lịch, dịch vụ nào?"
    assert strip_boilerplate("Ai có quyền khởi kiện?") == "Ai có quyền khởi kiện?"


def test_query_analyzer_names_and_choices():
    qa = QueryAnalyzer.from_titles({"du-lich": "Luật Du lịch", "blds": "Bộ luật dân sự",
                                    "tths": "Luật Tố tụng hành chính"},
                                   aliases={"blds": ["BLDS 2015"]}, with_choices=True)
    q = qa.analyze("Theo Luật Du Lịch, các loại dịch vụ khác gồm? Chọn câu trả lời đúng nhất.",
                   {"B": "Ăn uống", "A": "Thể thao"})
    assert q.doc_ids == ["du-lich"]
    assert q.search_text == "Theo Luật Du Lịch, các loại dịch vụ khác gồm? Thể thao Ăn uống"
    assert qa.named_documents("Điều 5 BLDS 2015 và Bộ luật Dân sự") == ["blds"]
    assert qa.named_documents("theo luật tố tụng hành chính") == ["tths"]
    assert qa.named_documents("Luật Xử lý vi phạm hành chính") == []
    assert QueryAnalyzer().analyze("x, đúng hay sai?").doc_ids == []
