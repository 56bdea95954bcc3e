"""Converters from the shared data sets to suites: hand-made items in their shapes, then the real files."""

from __future__ import annotations

import json
from collections import Counter

import pytest

from eval.convert import (ConvertError, case_facts, from_alqac, from_judgments, from_zalo, provisions, read_json,
                          zalo_suite)
from tests.conftest import data_path


def test_alqac_items_become_typed_questions():
    items = [
        {"question_id": "t1", "question_type": "Đúng/Sai", "text": "X, đúng hay sai?", "answer": "Đúng",
         "relevant_articles": [{"law_id": "Luật Viên chức", "article_id": "29"}]},
        {"question_id": "t2", "question_type": "Trắc nghiệm", "text": "Chọn?", "choices": {"A": "x", "B": "y"},
         "answer": "B", "relevant_articles": [{"law_id": "91/2015/QH13", "article_id": 5}]},
        {"question_id": "t3", "question_type": "Tự luận", "text": "Bao lâu?", "answer": "03 tháng",
         "relevant_articles": []},
        # older sets: no question_type, sometimes no answer
        {"question_id": "t4", "text": "Y?", "answer": "Sai", "relevant_articles": []},
        {"question_id": "t5", "text": "Z?", "relevant_articles": [{"law_id": "L", "article_id": "1"}]},
    ]
    qs = from_alqac(items).questions
    assert [q.type for q in qs] == ["true_false", "multiple_choice", "short_answer", "true_false", "open"]
    assert qs[0].relevant[0].model_dump() == {"document": "Luật Viên chức", "article": "29"}
    assert qs[1].relevant[0].article == "5" and qs[1].choices == {"A": "x", "B": "y"}
    assert all(q.corpus == "alqac" for q in qs)
    assert from_alqac(items, corpus=None).questions[0].corpus is None


@pytest.mark.parametrize("data, message", [
    ({}, "non-empty JSON list"),
    ([{"question_id": "t", "question_type": "Khác", "text": "?"}], "item #0: unknown question_type 'Khác'"),
    ([{"question_id": "t", "question_type": "Đúng/Sai", "text": ""}], "item #0 (id 't'): question"),
    ([{"question_id": "t", "text": "?", "relevant_articles": "Điều 5"}], "relevant_articles must be a list"),
])
def test_alqac_shape_errors_name_the_item(data, message):
    with pytest.raises(ConvertError, match=message.replace("(", r"\(").replace(")", r"\)")):
        from_alqac(data)


def test_judgment_provisions_and_facts():
    gold, unread = provisions("Bộ luật Dân sự năm 2015 | Điều 584, Điều 585 khoản 1, Điều 584\n\n"
                              "Nghị quyết số: 326/2016/UBTVQH14 | điều 12\n"
                              "Án lệ số 06/2016/AL | Quyết định số 220/QĐ-CA\n"
                              "Nghị định số 37/2015/NĐ-CP| Điều 4.")
    assert [(g.document, g.article) for g in gold] == [
        ("Bộ luật Dân sự năm 2015", "584"), ("Bộ luật Dân sự năm 2015", "585"),
        ("Nghị quyết số: 326/2016/UBTVQH14", "12"), ("Nghị định số 37/2015/NĐ-CP", "4")]
    assert unread == ["Án lệ số 06/2016/AL | Quyết định số 220/QĐ-CA"]
    assert case_facts({"case_query": "Ông A kiện ông B. Agent dự đoán nguyên đơn thắng?"}) == "Ông A kiện ông B."
    assert case_facts({"case_query": "", "case_fact": "Theo đơn khởi kiện …"}) == "Theo đơn khởi kiện …"


def test_judgments_become_provision_questions():
    conv = from_judgments([
        {"case_id": "c1", "case_query": "Tranh chấp hợp đồng vay. Agent dự đoán ai thắng?",
         "related_law_provisions": "Bộ luật Dân sự năm 2015 | Điều 463, Điều 466\nÁn lệ số 06/2016/AL | x"},
        {"case_id": "c2", "case_query": "Chia thừa kế.", "related_law_provisions": ""},
    ])
    [q] = conv.questions
    assert q.id == "judgment-c1" and q.type == "open" and q.corpus == "alqac2026" and q.answer is None
    assert q.question.startswith("Tranh chấp hợp đồng vay.") and "Agent" not in q.question
    assert [(g.document, g.article) for g in q.relevant] == [("Bộ luật Dân sự năm 2015", "463"),
                                                            ("Bộ luật Dân sự năm 2015", "466")]
    assert conv.problems == ["c1: no article in provision line 'Án lệ số 06/2016/AL | x'",
                             "c2: no cited article; left out"]


ZALO_STATUTES = [{"id": "z1", "text": "Có được cho thuê ô tô đang bị thế chấp không?",
                  "relevant_articles": [{"law_id": "91/2015/qh13", "article_id": "321"}]},
                 {"id": "z2", "text": "Con nuôi có được thừa kế không?",
                  "relevant_articles": [{"law_id": "91/2015/qh13", "article_id": "653"},
                                        {"law_id": "52/2014/qh13", "article_id": 78}]}]
ZALO_OUTSIDE = [{"id": "z3", "text": "Công an xã có được xử phạt lỗi không mang bằng lái xe?",
                 "relevant_articles": [{"law_id": "47/2011/tt-bca", "article_id": "7"}]}]


def test_zalo_items_become_open_questions():
    [q1, q2, q3] = zalo_suite({"statutes": ZALO_STATUTES, "outside": ZALO_OUTSIDE}).questions
    assert [q.id for q in (q1, q2, q3)] == ["z1", "z2", "z3"]  # ids kept: they are unique
    assert all(q.type == "open" and q.answer is None and q.corpus == "statutes" for q in (q1, q2, q3))
    assert q1.answerable and [(g.document, g.article) for g in q2.relevant] == [("91/2015/qh13", "653"),
                                                                               ("52/2014/qh13", "78")]
    assert not q3.answerable and q3.relevant == [] and q3.references[0].document == "47/2011/tt-bca"
    [only] = zalo_suite({"outside": ZALO_OUTSIDE}, corpus="other").questions
    assert only.id == "z3" and only.corpus == "other" and not only.answerable


def test_zalo_ids_shared_by_the_two_sets_are_prefixed():
    clash = [dict(ZALO_OUTSIDE[0], id="z1")]
    ids = [q.id for q in zalo_suite({"statutes": ZALO_STATUTES, "outside": clash}).questions]
    assert ids == ["statutes-z1", "statutes-z2", "outside-z1"]


@pytest.mark.parametrize("data, message", [
    ([], "non-empty JSON list of Zalo questions"),
    (["x"], "item #0 is a str"),
    ([{"id": "z", "text": "?", "relevant_articles": {"law_id": "x"}}], "item #0: relevant_articles must be a list"),
    ([{"id": "z", "text": "", "relevant_articles": []}], "item #0 (id 'z'): question"),
])
def test_zalo_shape_errors_name_the_item(data, message):
    with pytest.raises(ConvertError, match=message.replace("(", r"\(").replace(")", r"\)")):
        from_zalo(data)


def test_read_json_errors(tmp_path):
    with pytest.raises(ConvertError, match="no file at"):
        read_json(tmp_path / "missing.json")
    (tmp_path / "bad.json").write_text("{", encoding="utf-8")
    with pytest.raises(ConvertError, match="cannot read"):
        read_json(tmp_path / "bad.json")


def test_the_real_alqac_questions_convert_whole():
    items = json.loads(data_path("alqac", "questions.json").read_text(encoding="utf-8"))
    qs = from_alqac(items).questions
    assert len(qs) == 729 and len({q.id for q in qs}) == 729
    assert Counter(q.type for q in qs) == {"true_false": 387, "multiple_choice": 286, "short_answer": 56}
    assert sum(len(q.relevant) for q in qs) == sum(len(i["relevant_articles"]) for i in items)


def test_the_real_judgments_convert():
    conv = from_judgments(read_json(data_path("alqac2026", "judgments.json")))
    assert len(conv.questions) == 20 and all(q.relevant for q in conv.questions)
    # the án lệ line and two lines naming a resolution without an article are reported
    assert any("Án lệ số 06/2016/AL" in p for p in conv.problems)


def test_the_real_zalo_sets_convert_whole():
    statutes = read_json(data_path("zalo", "questions-statutes.json"))
    outside = read_json(data_path("zalo", "questions-outside.json"))
    qs = zalo_suite({"statutes": statutes, "outside": outside}).questions
    assert len(qs) == 253 and len({q.id for q in qs}) == 253
    assert Counter(q.answerable for q in qs) == {True: 185, False: 68} and {q.type for q in qs} == {"open"}
    assert sum(len(q.relevant) for q in qs) == sum(len(i["relevant_articles"]) for i in statutes)
    assert sum(len(q.references) for q in qs) == sum(len(i["relevant_articles"]) for i in outside)
    assert all(q.relevant and not q.references for q in qs if q.answerable)
