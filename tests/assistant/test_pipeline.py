"""The assistant end to end on a small real-looking corpus: forms, citations verified, abstention, conversations."""

from __future__ import annotations

import datetime as dt

import pytest

from assistant.answer import AnswerForm
from assistant.conversation import ConversationStore
from assistant.errors import AssistantError
from assistant.pipeline import Assistant, standalone_question
from corpus.law import Article, DocumentType, LegalDocument
from corpus.statute_parser import parse_article_body
from indexing.index import CorpusIndex, IndexBuilder, IndexConfig


def article(number: str, title: str, body: str) -> Article:
    clauses, points = parse_article_body(body)
    return Article(number, title, body, clauses=clauses, points=points)


BLHS = LegalDocument(
    id="100/2015/QH13", title="Bộ luật Hình sự", doc_type=DocumentType.CODE, number="100/2015/QH13",
    issued_date=dt.date(2015, 11, 27),
    articles=[
        article("12", "Tuổi chịu trách nhiệm hình sự",
                "1. Người từ đủ 16 tuổi trở lên phải chịu trách nhiệm hình sự về mọi tội phạm, trừ những tội phạm mà "
                "Bộ luật này có quy định khác.\n2. Người từ đủ 14 tuổi đến dưới 16 tuổi phải chịu trách nhiệm hình sự "
                "về tội phạm rất nghiêm trọng, tội phạm đặc biệt nghiêm trọng."),
        article("51", "Các tình tiết giảm nhẹ trách nhiệm hình sự",
                "1. Các tình tiết sau đây là tình tiết giảm nhẹ trách nhiệm hình sự:\na) Người phạm tội đã ngăn chặn "
                "hoặc làm giảm bớt tác hại của tội phạm;\nb) Người phạm tội tự nguyện sửa chữa, bồi thường thiệt hại "
                "hoặc khắc phục hậu quả;\ns) Người phạm tội thành khẩn khai báo hoặc ăn năn hối cải;"),
        article("91", "Nguyên tắc xử lý đối với người dưới 18 tuổi phạm tội",
                "1. Việc xử lý người dưới 18 tuổi phạm tội phải bảo đảm lợi ích tốt nhất của người dưới 18 tuổi và "
                "chủ yếu nhằm mục đích giáo dục, giúp đỡ họ sửa chữa sai lầm."),
    ])
OLD_LAW = LegalDocument(id="62/2006/QH11", title="Luật Điện ảnh", doc_type=DocumentType.LAW, number="62/2006/QH11",
                        issued_date=dt.date(2006, 6, 29),
                        articles=[article("10", "Quyền của nhà sản xuất phim",
                                          "1. Nhà sản xuất phim được quyền phát hành phim trong nước.")])
NEW_LAW = LegalDocument(id="05/2022/QH15", title="Luật Điện ảnh", doc_type=DocumentType.LAW, number="05/2022/QH15",
                        issued_date=dt.date(2022, 6, 15),
                        articles=[article("10", "Sản xuất phim", "1. Cơ sở điện ảnh được sản xuất phim.")])


@pytest.fixture
def assistant(store, tmp_path):
    store.replace_source("t", "/a", "h", [BLHS])
    store.replace_source("t", "/b", "h", [OLD_LAW])
    store.replace_source("t", "/c", "h", [NEW_LAW])
    home = tmp_path / "home"
    IndexBuilder(home, IndexConfig(model_dir=None)).build(store, "t")
    index = CorpusIndex.load(home, "t", resolver=store.resolver("t"),
                             aliases={d.doc_id: d.aliases for d in store.documents("t")})
    return Assistant(store, lambda corpus: index, ConversationStore(store.engine))


def test_true_false_answer_cites_verified_units(assistant):
    a = assistant.answer("Người từ đủ 16 tuổi trở lên phải chịu trách nhiệm hình sự về mọi tội phạm, đúng hay sai?",
                         corpus="t")
    assert a.form == AnswerForm.TRUE_FALSE and a.value in ("Đúng", "Sai")
    assert a.citations and all(c.verified for c in a.citations)
    assert any(c.article == "12" for c in a.citations)
    assert not a.abstained and a.session_id
    assert set(a.timings_ms) >= {"understand", "retrieve", "compose+verify", "total"}


def test_named_unit_is_answered_from_that_unit(assistant):
    a = assistant.answer("Điều 51 Bộ luật Hình sự quy định gì?", corpus="t")
    assert a.sources[0].article == "51"
    assert any(c.article == "51" for c in a.citations)


def test_every_quote_occurs_in_its_unit(assistant, store):
    a = assistant.answer("Tình tiết giảm nhẹ khi người phạm tội tự nguyện bồi thường thiệt hại?", corpus="t")
    for c in a.citations:
        unit = store.get_unit("t", c.document_id, c.article, c.clause, c.point)
        assert " ".join(c.quote.split()).lower() in " ".join(unit.text.split()).lower()


def test_off_topic_question_abstains_with_leads(assistant):
    a = assistant.answer("Công thức nấu phở bò truyền thống gồm những nguyên liệu gì?", corpus="t")
    assert a.abstained and a.text.startswith("Không tìm thấy quy định phù hợp")
    assert a.citations == []


def test_follow_up_is_rewritten_from_the_conversation(assistant):
    first = assistant.answer("Người bao nhiêu tuổi phải chịu trách nhiệm hình sự?", corpus="t")
    follow = assistant.answer("Còn người dưới 18 tuổi thì sao?", corpus="t", session_id=first.session_id)
    assert follow.standalone_question and "trách nhiệm hình sự" in follow.standalone_question
    assert follow.session_id == first.session_id
    history = assistant.conversations.history(first.session_id)
    assert [t.question for t in history] == ["Người bao nhiêu tuổi phải chịu trách nhiệm hình sự?",
                                            "Còn người dưới 18 tuổi thì sao?"]


def test_standalone_questions_are_left_alone():
    from assistant.conversation import Turn

    h = [Turn("Tội giết người bị phạt thế nào?", None, "", {})]
    assert standalone_question("Điều 51 Bộ luật Hình sự quy định những tình tiết giảm nhẹ nào?", h) is None
    assert standalone_question("Viên chức có được thành lập doanh nghiệp tư nhân không?", h) is None
    assert standalone_question("Còn tội cố ý gây thương tích thì sao?", h).startswith("Tội giết người")


def test_a_validity_note_only_for_a_provision_not_in_force_on_the_date_asked(assistant):
    import datetime as dt

    from assistant.answer import Answer, Citation
    from corpus.validity import Validity

    old = Validity(effective=dt.date(2007, 1, 1), expiry=dt.date(2023, 1, 1), data_until=dt.date(2022, 6, 16),
                   replaced_by=[{"doc_id": "05/2022/QH15", "title": "Luật Điện ảnh", "number": "05/2022/QH15"}])
    assistant._validities["v"] = {"62/2006/QH11": old, "100/2015/QH13": Validity()}  # the second: status unknown

    def answer() -> Answer:
        return Answer(question="q", text="t", citations=[
            Citation(document_id="62/2006/QH11", document_title="Luật Điện ảnh", article="10", verified=True),
            Citation(document_id="100/2015/QH13", document_title="Bộ luật Hình sự", article="51", verified=True,
                     document_status="Không rõ")])

    a = answer()
    assert assistant._status_warnings(a, "v", None) == []  # in force on the corpus's own date; unknown is no warning
    assert [c.validity_note for c in a.citations] == [None, None] and a.citations[0].document_status == "Còn hiệu lực"
    a = answer()
    (warning,) = assistant._status_warnings(a, "v", dt.date(2023, 6, 1))
    assert "05/2022/QH15" in warning and "01/01/2023" in warning and "theo dữ liệu đến 16/06/2022" in warning
    assert a.citations[0].validity_note and a.citations[0].document_status == "Hết hiệu lực"
    assert a.citations[1].validity_note is None


def test_the_date_a_question_asks_about():
    import datetime as dt

    from assistant.as_of import asked_date

    assert asked_date("Theo quy định năm 2014, thời hạn kháng cáo là bao lâu?") == dt.date(2014, 12, 31)
    assert asked_date("Từ năm 2020, phạm nhân dưới 18 tuổi được gặp gia đình mấy lần?") == dt.date(2020, 1, 1)
    assert asked_date("Vào ngày 01/6/2015 thì áp dụng luật nào?") == dt.date(2015, 6, 1)
    assert asked_date("Điều 51 Bộ luật Hình sự năm 2015 quy định gì?") is None


def test_the_version_in_force_comes_first():
    import datetime as dt

    from assistant.as_of import prefer_in_force
    from corpus.validity import Validity

    v = {"old": Validity(effective=dt.date(2015, 7, 1), expiry=dt.date(2021, 1, 1), data_until=dt.date(2022, 6, 16),
                         replaced_by=[{"doc_id": "new"}]),
         "new": Validity(effective=dt.date(2021, 1, 1), data_until=dt.date(2022, 6, 16),
                         replaces=[{"doc_id": "old", "in_corpus": True, "partial": False}]),
         "gone": Validity(effective=dt.date(2000, 1, 1), expiry=dt.date(2010, 1, 1), data_until=dt.date(2022, 6, 16)),
         "unknown": Validity()}
    items = ["old", "gone", "unknown", "new"]
    assert prefer_in_force(items, str, v, None, explicit=False) == ["gone", "unknown", "new", "old"]
    assert prefer_in_force(items, str, v, dt.date(2016, 1, 1), explicit=True) == ["old", "unknown", "gone", "new"]


@pytest.mark.parametrize("question, message", [("", "empty"), ("   ", "empty"), ("x " * 10_001, "limit")])
def test_bad_questions_are_refused_clearly(assistant, question, message):
    with pytest.raises(AssistantError, match=message):
        assistant.answer(question, corpus="t")


def test_unknown_session_is_refused(assistant):
    with pytest.raises(AssistantError, match="no conversation"):
        assistant.answer("Điều 12 quy định gì?", corpus="t", session_id="does-not-exist")


@pytest.mark.parametrize("question", ["?!?!...", "What is the penalty for murder in Vietnam?"])
def test_odd_questions_never_crash_nor_fabricate(assistant, question):
    a = assistant.answer(question, corpus="t")
    assert all(c.verified for c in a.citations)


def test_a_turn_that_abstained_gives_no_topic_to_a_follow_up():
    from assistant.conversation import Turn

    h = [Turn("Công thức nấu phở bò?", None, "", {"abstained": True})]
    assert standalone_question("Còn người dưới 18 tuổi thì sao?", h) is None
    h = [Turn("Tội giết người bị phạt thế nào?", None, "", {"abstained": False})]
    assert standalone_question("Người dưới 18 tuổi?", h).startswith("Tội giết người")


class Stop(Exception):
    pass


def test_a_checkpoint_stops_the_work_between_stages(assistant):
    """The assistant calls its checkpoint between stages: one that raises (the caller went away) stops the work
    before composing, and nothing is stored."""
    stages = []

    class Recording:
        name = "extractive"

        def compose(self, question, sources):
            stages.append("compose")
            raise AssertionError("not reached")

    def checkpoint():
        stages.append("checkpoint")
        raise Stop()

    assistant.composer, assistant.checkpoint = Recording(), checkpoint
    with pytest.raises(Stop):
        assistant.answer("Điều 51 Bộ luật Hình sự quy định gì?", corpus="t")
    assert stages == ["checkpoint"]
    assert assistant.conversations.list() == []
