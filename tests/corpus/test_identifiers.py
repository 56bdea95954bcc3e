"""Addresses below the district and identifying numbers found by pattern; what is no address stays."""

from __future__ import annotations

import pytest

from corpus.identifiers import find_identifiers


def found(text: str) -> list[tuple[str, str]]:
    return sorted({(s.category, text[s.start:s.end]) for s in find_identifiers(text)})  # may overlap: a set


@pytest.mark.parametrize("text, expected", [
    ("Ông T -sn:1981 (có mặt)", [("birth", "1981")]),
    ("bà Đ, sinh năm: 1974", [("birth", "1974")]),
    ("sinh ngày 12/03/1980", [("birth", "12/03/1980")]),
    ("Địa chỉ: Số nhà 3A ngõ 63 đường Nguyễn Bỉnh Khiêm, phường Lạch Tray, quận Ngô Quyền",
     [("address", "3A"), ("address", "63"), ("address", "Lạch Tray"), ("address", "Nguyễn Bỉnh Khiêm")]),
    ("Địa chỉ: 141, thôn An Lạc, xã B", [("address", "141"), ("address", "An Lạc")]),
    ("BKS: 15C-142.19 và số khung: LA9B53GE5F0TJV628", [("plate", "15C-142.19"), ("plate", "LA9B53GE5F0TJV628")]),
    ("chứng minh nhân dân số 212345678 cấp ngày 19/5/2015", [("id", "212345678")]),
    ("liên hệ 0987.654.321", [("phone", "0987.654.321")]),
])
def test_found(text, expected):
    assert found(text) == expected


@pytest.mark.parametrize("text", [
    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
    "Địa chỉ: thôn K, xã V, huyện V, thành phố Hà Nội",  # abbreviated at the source; a city is no commune
    "thị xã Bình Minh, tỉnh Vĩnh Long",
    "Ngân hàng Nông nghiệp và phát triển nông thôn Việt Nam",
    "giáp đường giao thông Quốc lộ 39A; khu đất; tổ hòa giải",
    "thửa đất số 20, tờ bản đồ số 4, năm 2008",
])
def test_not_an_identifier(text):
    assert found(text) == []
