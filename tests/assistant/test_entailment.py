from assistant.answer import Source
from assistant.extractive.decisions import Linear, OptionRanker, aggregate_evidence, choose_option, pick_plain
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


def test_the_ranker_weighs_aggregate_options_against_plain_ones():
    ranker = OptionRanker(Linear({"statement_logit": 1.0}), Linear({"all": 0.5, "all_min_logit": 1.0}), offset=0.0)
    plain = {"A": {"statement_logit": 2.0}, "B": {"statement_logit": 1.5}, "C": {"statement_logit": -3.0}}
    aggs = {"A": None, "B": None, "C": None, "D": ("all", ["A", "B"])}
    evidence = aggregate_evidence(aggs, plain, {"A": 1.0, "B": 0.9, "C": 0.1}, False)
    assert set(evidence) == {"D"} and evidence["D"]["all_min_logit"] == 1.5 and evidence["D"]["all_min_support"] == 0.9
    assert ranker.choose(plain, evidence, False)[0] == "A"  # 2.0 against 0.5 + 1.5
    stronger = OptionRanker(ranker.plain, Linear({"all": 1.0, "all_min_logit": 1.0}))
    assert stronger.choose(plain, evidence, False)[0] == "D"
    # a negative stem: the plain option the law says least, and "all of A, B" read as both not said
    negated = aggregate_evidence(aggs, plain, {"A": 1.0, "B": 0.9, "C": 0.1}, True)
    assert negated["D"]["all_min_logit"] == -2.0
    assert ranker.choose(plain, negated, True)[0] == "C"
    every = aggregate_evidence({"A": None, "B": None, "D": ("none", [])}, plain, {}, False)
    assert every["D"]["none"] == 1.0 and every["D"]["none_max_logit"] == 2.0


def test_alignment_gaps_find_replaced_dropped_and_added_words():
    s = _scorer()
    u = _unit(s, "1")
    replaced, dropped, added = alignment_gaps(tokens("Thời hạn kháng cáo tối đa là 15 ngày"), u, s)
    assert replaced > 0 and dropped == 0 and added == 0
    replaced, dropped, added = alignment_gaps(tokens("Thời hạn kháng cáo là 15 ngày"), u, s)
    assert dropped > 0 and replaced == 0
    assert alignment_gaps(tokens("Thời hạn kháng cáo tối thiểu là 15 ngày"), u, s) == (0.0, 0.0, 0.0)


def test_a_phrase_put_in_place_of_the_law_is_a_replacement_but_a_number_written_01_is_not():
    from assistant.extractive.direct import lcs_pairs
    from assistant.extractive.entailment import replacements

    src = Source(document_id="d", document_title="Luật X", article="40", title="Cai nghiện", rank=1,
                 text="1. Chủ tịch Ủy ban nhân dân cấp xã ra quyết định quản lý sau cai nghiện.\n"
                      "2. Người phạm tội bị phạt tù từ 01 năm đến 05 năm.")
    s = Scorer(split_units(src))
    law = _unit(s, "1")
    said = tokens("Chủ tịch Ủy ban nhân dân cấp huyện ra quyết định quản lý sau cai nghiện")
    heaviest, count = replacements(said, law, s, lcs_pairs(said, law.toks))
    assert count == 1 and heaviest > 0
    same = tokens("Chủ tịch Ủy ban nhân dân cấp xã ra quyết định quản lý sau cai nghiện")
    assert replacements(same, law, s, lcs_pairs(same, law.toks)) == (0.0, 0)
    prison = _unit(s, "2")
    numbers = tokens("Người phạm tội bị phạt tù từ 1 năm đến 5 năm")
    assert replacements(numbers, prison, s, lcs_pairs(numbers, prison.toks)) == (0.0, 0)


def test_another_subject_for_the_same_rule_is_read():
    from assistant.extractive.direct import lcs_pairs
    from assistant.extractive.entailment import replaced_subject

    src = Source(document_id="d", document_title="Luật Giáo dục", article="11", title="Ngôn ngữ", rank=1,
                 text="Chính phủ quy định việc dạy và học bằng tiếng nước ngoài trong cơ sở giáo dục.")
    s = Scorer(split_units(src))
    law = s.units[0]
    other = tokens("Bộ Giáo dục và Đào tạo quy định việc dạy và học bằng tiếng nước ngoài")
    same = tokens("Chính phủ quy định việc dạy và học bằng tiếng nước ngoài")
    assert replaced_subject(other, law, s, lcs_pairs(other, law.toks)) > 0
    assert replaced_subject(same, law, s, lcs_pairs(same, law.toks)) == 0.0


def test_permission_against_prohibition_and_forbidding_written_alike():
    from assistant.extractive.entailment import negations_as_cam
    from assistant.extractive.features import law_polarity, prohibitions_as_cam, statement_polarity

    assert statement_polarity(tokens("Được phép mang vũ khí vào phòng xử án")) == 1
    assert statement_polarity(tokens("Không được phép lợi dụng hoạt động giáo dục")) == -1
    assert statement_polarity(tokens("Thời hạn kháng cáo là 15 ngày")) == 0
    assert law_polarity("2. Nghiêm cấm mang vũ khí vào phòng xử án.", tokens("Nội quy phiên tòa")) == -1
    assert law_polarity("Không truyền bá tôn giáo trong cơ sở giáo dục.", []) == -1
    assert law_polarity("a) Hút thuốc; uống rượu, bia;", tokens("Các hành vi bị nghiêm cấm. Hút thuốc")) == -1
    assert law_polarity("Người lao động có quyền đơn phương chấm dứt hợp đồng.", []) == 1
    assert prohibitions_as_cam(tokens("Không được phép lợi dụng")) == ["cấm", "lợi", "dụng"]
    src = Source(document_id="d", document_title="Luật Giáo dục", article="21", title="Hoạt động giáo dục", rank=1,
                 text="1. Cấm lợi dụng hoạt động giáo dục để xuyên tạc chủ trương.")
    law = split_units(src)[0]
    assert negations_as_cam(tokens("Không được phép lợi dụng hoạt động giáo dục để xuyên tạc"), law) == (0.0, 0.0)
    assert negations_as_cam(tokens("Được lợi dụng hoạt động giáo dục để xuyên tạc"), law)[1] == 1.0


ARBITRATION_FEE = Source(
    document_id="d", document_title="Luật Trọng tài thương mại", article="34", title="Phí trọng tài", rank=1, score=0.9,
    text="1. Phí trọng tài là khoản thù lao cho việc giải quyết tranh chấp.\n2. Phí trọng tài do Trung tâm trọng tài "
         "ấn định. Trường hợp vụ tranh chấp được giải quyết bởi Trọng tài vụ việc, phí trọng tài do Hội đồng trọng "
         "tài ấn định.")


REHAB = Source(
    document_id="m", document_title="Luật Phòng, chống ma túy", article="40", title="Quản lý sau cai nghiện", rank=1,
    score=0.9, text="1. Người đã hoàn thành cai nghiện ma túy được quản lý sau cai nghiện trong thời hạn 02 năm.\n"
                    "2. Chủ tịch Ủy ban nhân dân cấp xã ra quyết định và tổ chức quản lý sau cai nghiện ma túy.")
LEVEL_SWAPPED = ("Chủ tịch Ủy ban nhân dân cấp huyện ra quyết định và tổ chức quản lý sau cai nghiện ma túy, đúng hay "
                 "sai?")


def test_the_judge_reads_an_authority_swapped_and_a_narrowed_rule_as_false():
    from assistant.extractive import ExtractiveComposer
    from assistant.understand import understand

    scope = Source(document_id="t", document_title="Luật Tiếp cận thông tin", article="2", title="Phạm vi", rank=1,
                   score=0.9, text="Luật này áp dụng chung cho việc tiếp cận thông tin của công dân.")
    judged, rules = ExtractiveComposer(), ExtractiveComposer(statement_judge=None)
    narrowed = "Luật này áp dụng cho một số công dân trong việc tiếp cận thông tin, đúng hay sai?"

    def value(composer, text: str, source: Source = REHAB) -> str:
        return composer.compose(understand(text), [source]).value

    assert value(judged, LEVEL_SWAPPED.replace("cấp huyện", "cấp xã")) == "Đúng"
    assert value(judged, LEVEL_SWAPPED) == "Sai"
    assert value(judged, narrowed, scope) == "Sai"
    # every word but one of the swapped statement is in the law: the hand-set rules took it for true
    assert value(rules, LEVEL_SWAPPED) == "Đúng"
    # a body the contrast sets do not list put in place of another lowers the judge's odds, not enough alone to
    # say Sai: the law is copied word for word but for "Trung tâm" / "Hội đồng"
    swapped = ("Trường hợp vụ tranh chấp được giải quyết bởi Trọng tài vụ việc, phí trọng tài do Trung tâm trọng tài "
               "ấn định")
    kept = swapped.replace("Trung tâm trọng tài", "Hội đồng trọng tài")

    def odds(statement: str) -> float:
        scorer = judged.scorer_for(understand(statement), [ARBITRATION_FEE])
        return judged.statement_judge.log_odds(judged.statement_evidence(scorer, statement))

    assert odds(swapped) < odds(kept)


def test_a_false_statement_is_told_where_it_departs_from_the_law():
    from assistant.extractive import ExtractiveComposer
    from assistant.extractive.departure import departure
    from assistant.understand import understand

    answer = ExtractiveComposer().compose(understand(LEVEL_SWAPPED), [REHAB])
    assert answer.value == "Sai"
    assert answer.text.startswith("Sai. Luật quy định “cấp xã”, không phải “cấp huyện”. Theo khoản 2 Điều 40")
    s = _scorer()
    appeal = _unit(s, "1")
    assert departure("Thời hạn kháng cáo tối thiểu là 30 ngày", appeal, s) == \
        "Luật quy định 15 ngày, không phải 30 ngày."
    assert departure("Thời hạn kháng cáo tối thiểu là 15 ngày", appeal, s) is None
    work = _unit(s, "2")
    assert departure("Người lao động không có quyền đơn phương chấm dứt hợp đồng lao động", work, s) == \
        "Luật cho phép điều này."


def test_a_term_traded_for_another_of_its_contrast_set_is_counted():
    from assistant.extractive.direct import lcs_pairs
    from assistant.extractive.entailment import contrasting_terms

    src = Source(document_id="d", document_title="Luật X", article="2", title="Giải thích từ ngữ", rank=1,
                 text="1. Cung cấp thông tin là việc cơ quan nhà nước công khai thông tin theo yêu cầu của công dân.\n"
                      "2. Khu vực ô nhiễm là khu vực đất có chất ô nhiễm vượt mức cho phép.\n"
                      "3. Cấm lợi dụng hoạt động giáo dục để xuyên tạc chủ trương.")
    s = Scorer(split_units(src))

    def count(statement: str, clause: str) -> int:
        said, law = tokens(statement), _unit(s, clause)
        return contrasting_terms(said, law, lcs_pairs(said, law.toks))

    assert count("Cung cấp thông tin là việc công dân công khai thông tin theo yêu cầu của cơ quan nhà nước", "1") >= 1
    assert count("Cung cấp thông tin là việc cơ quan nhà nước công khai thông tin theo yêu cầu của công dân", "1") == 0
    assert count("Khu vực ô nhiễm là khu vực đất có chất ô nhiễm dưới mức cho phép", "2") == 1
    assert count("Khu vực ô nhiễm là khu vực đất có chất ô nhiễm vượt mức cho phép", "2") == 0
    # forbidding is read as "cấm" on both sides first: "không được phép" says what "cấm" says
    assert count("Không được phép lợi dụng hoạt động giáo dục để xuyên tạc chủ trương", "3") == 0
    assert count("Được lợi dụng hoạt động giáo dục để xuyên tạc chủ trương", "3") == 1


def test_the_judge_reads_a_bound_turned_around_as_false():
    from assistant.extractive import ExtractiveComposer
    from assistant.understand import understand

    src = Source(document_id="m", document_title="Luật Bảo vệ môi trường", article="16", title="Khu vực ô nhiễm",
                 rank=1, score=0.9, text="1. Khu vực ô nhiễm môi trường đất là khu vực đất có chất ô nhiễm vượt mức "
                                         "cho phép theo quy chuẩn kỹ thuật môi trường.")
    stated = "Khu vực ô nhiễm môi trường đất là khu vực đất có chất ô nhiễm vượt mức cho phép, đúng hay sai?"
    composer = ExtractiveComposer()
    assert composer.compose(understand(stated), [src]).value == "Đúng"
    assert composer.compose(understand(stated.replace("vượt", "dưới")), [src]).value == "Sai"
