"""Legacy-font repair: TCVN3 and VNI words inside Unicode judgments, PDF glyph substitutes — and Unicode left alone."""

from __future__ import annotations

import pytest

from corpus.legacy_fonts import repair_legacy_glyphs


@pytest.mark.parametrize("legacy, unicode", [
    ("QuyÕt ®Þnh:", "Quyết định:"),  # TCVN3 heading (real, case_669)
    ("BÞ ®¬n: Bà N - Sinh n¨m 1949", "Bị đơn: Bà N - Sinh năm 1949"),  # TCVN3 role label (case_8732)
    ("Tr\u00adêng hîp b¶n ¸n, quyÕt ®Þnh thi hµnh theo quy ®Þnh t¹i §iÒu 2 LuËt Thi hµnh ¸n d©n sù",
     "Trường hợp bản án, quyết định thi hành theo quy định tại Điều 2 Luật Thi hành án dân sự"),
    ("®-îc thi hµnh", "được thi hành"),  # soft hyphen (ư) turned into '-' by PDF extraction
    ("QUYEÁT ÑÒNH", "QUYẾT ĐỊNH"),  # VNI heading (case_2978)
    ("Caên cöù vaøo caùc chöùng cöù", "Căn cứ vào các chứng cứ"),  # VNI sentence (case_1959)
    ("NƢỚC CỘNG HÒA", "NƯỚC CỘNG HÒA"),  # PDF glyph for ư
    ("Ðiều 5", "Điều 5"),  # Eth for Đ inside a Unicode word
])
def test_repairs(legacy, unicode):
    assert repair_legacy_glyphs(legacy) == unicode


@pytest.mark.parametrize("text", [
    "yêu cầu khởi kiện của ông Hùng về việc hoà giải, có mặt tại phiên tòa",
    "½ diện tích thửa đất; cụ Tư chết năm 2015",
    "Tòa án nhân dân tỉnh Bà Rịa - Vũng Tàu",
])
def test_unicode_text_is_unchanged(text):
    assert repair_legacy_glyphs(text) == text


def test_unicode_words_on_a_legacy_line_are_kept():
    assert repair_legacy_glyphs("yêu cầu QUYEÁT ÑÒNH") == "yêu cầu QUYẾT ĐỊNH"
    assert repair_legacy_glyphs("sửa đổi, bổ sung LuËt Thi hµnh ¸n") == "sửa đổi, bổ sung Luật Thi hành án"
