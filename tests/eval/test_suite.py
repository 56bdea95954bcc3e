"""Suites: reading, validation messages with line numbers, writing, and resolving gold documents."""

from __future__ import annotations

import json

import pytest

from eval.suite import SuiteError, SuiteQuestion, load_suite, parse_suite, resolve_gold, write_suite
from tests.eval.fakes import FakeIndex, FakeResolver

GOOD = {"id": "q1", "question": "Viên chức được đình công, đúng hay sai?", "type": "true_false", "answer": "Sai",
        "relevant": [{"document": "Luật Viên chức", "article": 29}], "corpus": "alqac"}


def _lines(*objs) -> list[str]:
    return [o if isinstance(o, str) else json.dumps(o, ensure_ascii=False) for o in objs]


def test_a_good_suite_reads_and_round_trips(tmp_path):
    mc = {"id": "q2", "question": "Chọn?", "type": "multiple_choice", "choices": {"a": "x", "b": "y"}, "answer": "b"}
    suite = parse_suite(_lines(GOOD, "", mc))
    assert [q.id for q in suite.questions] == ["q1", "q2"]
    assert suite.questions[0].relevant[0].article == "29"  # numbers become strings
    assert suite.questions[1].choices == {"A": "x", "B": "y"} and suite.questions[1].answer == "B"
    path = tmp_path / "s.jsonl"
    assert write_suite(suite.questions, path) == 2
    again = load_suite(path)
    assert [q.model_dump() for q in again.questions] == [q.model_dump() for q in suite.questions]
    assert again.sha256 and again.name == "s"
    assert "relevant" not in json.loads(path.read_text(encoding="utf-8").splitlines()[1])  # empty fields left out


def test_answerable_defaults_to_true_and_outside_questions_round_trip(tmp_path):
    outside = {"id": "o1", "question": "Công an xã có được xử phạt?", "type": "open", "answerable": False,
               "references": [{"document": "47/2011/tt-bca", "article": "7"}]}
    suite = parse_suite(_lines(GOOD, outside))  # GOOD: a line written before the field existed
    assert suite.questions[0].answerable is True and suite.questions[0].references == []
    assert suite.questions[1].answerable is False and suite.questions[1].relevant == []
    path = tmp_path / "s.jsonl"
    write_suite(suite.questions, path)
    first, second = (json.loads(line) for line in path.read_text(encoding="utf-8").splitlines())
    assert "answerable" not in first and "references" not in first  # old suites are written as before
    assert second["answerable"] is False and second["references"] == [{"document": "47/2011/tt-bca", "article": "7"}]
    assert [q.model_dump() for q in load_suite(path).questions] == [q.model_dump() for q in suite.questions]
    # an outside question has no gold to resolve: its references are never looked up
    assert resolve_gold(suite.questions[1], FakeResolver()).keys == []


def test_question_text_is_nfc():
    q = SuiteQuestion(id="x", question="To\u0300a a\u0301n", type="open")
    assert q.question == "Tòa án"


@pytest.mark.parametrize("line, message", [
    ('{"id": "q9", "question": "?", "type": "essay"}', "line 2 (id 'q9'): type: Input should be"),
    ('{"id": "q9", "type": "open"}', "line 2 (id 'q9'): question: missing"),
    ('{"id": "q9", "question": "?", "type": "open", "relevent": []}', "relevent: unknown field"),
    ('{"id": "q9", "question": "?", "type": "multiple_choice", "choices": {"A": "x"}}', "at least two choices"),
    ('{"id": "q9", "question": "?", "type": "multiple_choice", "choices": {"A": "x", "B": "y"}, "answer": "E"}',
     "answer 'E' is not one of the choices"),
    ('{"id": "q9", "question": "?", "type": "true_false", "answer": "Có"}', "must be 'Đúng' or 'Sai'"),
    ('{"id": "q9", "question": "?", "type": "open", "choices": {"A": "x", "B": "y"}}', "use multiple_choice"),
    ('{"id": "q9", "question": "?", "type": "open", "relevant": [{"document": "", "article": "1"}]}',
     "relevant.0.document"),
    ('{"id": "q9", "question": "   ", "type": "open"}', "question: String should have at least 1 character"),
    ('{"id": "q9", "question": "?", "type": "open"', "line 2: not valid JSON"),
    ('["q9"]', "line 2: expected a JSON object, got list"),
    (json.dumps(GOOD), "line 2: duplicate id 'q1' (first on line 1)"),
    ('{"id": "q9", "question": "?", "type": "open", "answerable": false, "relevant": [{"document": "A", '
     '"article": "1"}]}', "cannot answer (answerable false) has no gold articles"),
    ('{"id": "q9", "question": "?", "type": "open", "answerable": "maybe"}', "answerable: Input should be"),
])
def test_each_malformed_line_is_named(line, message):
    with pytest.raises(SuiteError) as e:
        parse_suite(_lines(GOOD, line))
    assert message in str(e.value)


def test_every_bad_line_is_reported_at_once(tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text("\n".join(_lines(GOOD, "nope", GOOD, '{"id": 3}')), encoding="utf-8")
    with pytest.raises(SuiteError) as e:
        load_suite(path)
    text = str(e.value)
    assert text.startswith(f"{path}: 3 bad line(s)") and "line 2:" in text and "line 3:" in text and "line 4" in text


def test_empty_and_missing_suites():
    with pytest.raises(SuiteError, match="no questions"):
        parse_suite(["", "  "])
    with pytest.raises(SuiteError, match="no suite at"):
        load_suite("/nonexistent/suite.jsonl")


def test_gold_resolution_reports_and_keeps_what_does_not_resolve():
    q = SuiteQuestion(id="q", question="?", type="open", relevant=[
        {"document": "Luật A", "article": "1"},  # a name → id A
        {"document": "B", "article": "2"},  # already an id
        {"document": "A", "article": "1"},  # the same article again: once
        {"document": "Luật Z", "article": "7"},  # unknown document: kept as written, reported
        {"document": "Luật A", "article": "3"},  # known document, article not indexed: reported
    ])
    gold = resolve_gold(q, FakeResolver(), FakeIndex("c").records)
    assert gold.keys == [("A", "1"), ("B", "2"), ("Luật Z", "7"), ("A", "3")]
    assert [g.document for g in gold.written] == ["Luật A", "B", "Luật Z", "Luật A"]
    assert [(p.document, p.article, p.problem) for p in gold.problems] == [
        ("Luật Z", "7", "document not found in the corpus"),
        ("Luật A", "3", "document 'A' has no article 3 in the index")]
    assert resolve_gold(q, FakeResolver()).problems[0].document == "Luật Z"  # without records only names are checked
