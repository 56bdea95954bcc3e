from assistant.answer import AnswerForm
from assistant.understand import is_negative_question, parse_choices, understand


def test_true_false_tail_is_stripped():
    q = understand("Thời hạn kháng cáo là 15 ngày theo Điều 273 BLTTDS 2015, đúng hay sai?")
    assert q.form == AnswerForm.TRUE_FALSE
    assert q.text == "Thời hạn kháng cáo là 15 ngày theo Điều 273 BLTTDS 2015"
    assert [c.article for c in q.units] == ["273"]


def test_true_false_head():
    q = understand("Đúng hay sai: Viên chức được ký hợp đồng vụ, việc với cơ quan khác.")
    assert q.form == AnswerForm.TRUE_FALSE
    assert q.text.startswith("Viên chức")


def test_choices_parsed_from_text():
    q = understand("Ai có thẩm quyền? A. Tòa án B) Viện kiểm sát C. Cả A và B")
    assert q.form == AnswerForm.MULTIPLE_CHOICE
    assert q.choices == {"A": "Tòa án", "B": "Viện kiểm sát", "C": "Cả A và B"}
    assert q.text == "Ai có thẩm quyền?"


def test_choices_given_separately_win():
    q = understand("Chọn câu trả lời đúng nhất. Ai?", {"a": "X", "b": "Y"})
    assert q.choices == {"A": "X", "B": "Y"} and q.form == AnswerForm.MULTIPLE_CHOICE
    assert "Chọn" not in q.text


def test_short_and_open():
    assert understand("Thời hạn kháng cáo là bao lâu?").form == AnswerForm.SHORT_ANSWER
    assert understand("Cơ quan nào quản lý nhà nước về điện ảnh?").form == AnswerForm.SHORT_ANSWER
    assert understand("Nguyên tắc đối thoại được quy định như thế nào?").form == AnswerForm.OPEN


def test_parse_choices_needs_a_run():
    assert parse_choices("Điểm a khoản 1") == ("Điểm a khoản 1", None)


def test_negative_questions():
    assert is_negative_question("Điều nào sau đây KHÔNG đúng về tên gọi của pháp nhân?")
    assert is_negative_question("Đâu không phải là điều kiện cấp thẻ hướng dẫn viên?")
    assert not is_negative_question("Tổ chức kinh doanh dịch vụ lưu trú du lịch có nghĩa vụ nào sau đây?")
    assert not is_negative_question("Khi chấm dứt hợp đồng (trừ trường hợp buộc thôi việc) phải báo trước bao lâu?")
