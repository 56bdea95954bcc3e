from assistant.answer import AnswerForm
from assistant.understand import is_negative_question, negated_phrase, parse_choices, understand


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
    # the words the negation opens, for the composer to look for in the law
    assert negated_phrase("Chồng không có quyền yêu cầu ly hôn trong trường hợp nào?") == "không có quyền yêu cầu"
    assert negated_phrase("Đâu không phải là điều kiện cấp thẻ hướng dẫn viên?") == "không phải là điều kiện"
    assert negated_phrase("Con dưới 36 tháng tuổi được giao cho mẹ, trừ trường hợp người mẹ không đủ điều kiện?") \
        == "trừ trường hợp người mẹ"
    assert negated_phrase("Điều nào sau đây KHÔNG đúng về tên gọi của pháp nhân?") is None  # capitals: the question's
    assert negated_phrase("Điều nào sau đây sai?") is None


def test_what_a_question_asks_for():
    q = understand("Thời hạn kháng cáo đối với bản án sơ thẩm trong vụ án dân sự là bao nhiêu ngày?")
    assert q.asks.kind == "quantity" and q.asks.measures == ("ngay",)
    assert q.text[slice(*q.asks.wh)] == "bao nhiêu ngày"
    assert understand("Lãi suất cho vay tối đa theo thỏa thuận là bao nhiêu?").asks.measures == ("phan tram", "%")
    assert "thang" in understand("Thời hạn kháng cáo là bao lâu?").asks.measures
    assert understand("Điều 468 Bộ luật Dân sự quy định gì?").asks.kind == "content"
    assert understand("Điều kiện để được hưởng án treo là gì?").asks.kind == "list"
    assert understand("Hồ sơ đăng ký tạm trú bao gồm những gì?").asks.kind == "list"
    assert understand("Chức năng của Trung tâm trọng tài là gì?").asks.kind == "definition"
    assert understand("Sự cố xảy ra trong quá trình hoạt động của con người được gọi là gì?").asks.kind == "term"
    assert understand("Có được cho thuê ô tô đang bị thế chấp cho ngân hàng không?").asks.kind == "yes_no"
    q = understand("Cơ quan nào có trách nhiệm thống nhất quản lý nhà nước về điện ảnh?")
    assert q.asks.kind == "entity" and q.text[slice(*q.asks.wh)] == "Cơ quan nào"
    # a count of things is found where the question word sits, not as a number with a unit
    assert understand("Bắt buộc có bao nhiêu cổ đông sáng lập công ty cổ phần?").asks.kind == "entity"
    # "như thế nào" asks for the provision, not for a gap to fill
    assert understand("Nguyên tắc đối thoại được quy định như thế nào?").asks.wh is None
