"""Names masked consistently on display; officials and organisations kept."""

from __future__ import annotations

from corpus.anonymize import Anonymizer
from corpus.case_law import Party, parse_judgment
from tests.conftest import case_text


def test_masks_are_consistent_and_distinct():
    a = Anonymizer(["Nguyễn Văn A", "Nguyễn Văn H 2", "Trần Văn H", "Nguyễn Văn Hồng", "Lê Thị H1"])
    assert a.mask_name("Nguyễn Văn A") == "A."
    assert a.mask_name("Nguyễn Văn H 2") == "H2." and a.mask_name("Lê Thị H1") == "H1."
    masks = {a.mask_name(n) for n in ("Trần Văn H", "Nguyễn Văn Hồng", "Nguyễn Văn H 2", "Lê Thị H1")}
    assert len(masks) == 4  # different people never share a mask
    assert a.mask_name("Hồng") == a.mask_name("Nguyễn Văn Hồng")  # the given name alone: the one person it can be
    assert a.mask("Ông Nguyễn Văn A kiện bà Lê Thị H1; ông A yêu cầu") == "Ông A. kiện bà H1.; ông A. yêu cầu"


def test_judgment_masking_keeps_officials_and_organisations():
    case = parse_judgment(case_text("ban-an-thua-ke.txt"))
    a = Anonymizer.for_case(case)
    facts = a.mask(case.text_of("facts"))
    assert "Nguyễn Văn Hùng" not in facts and "Hùng" not in facts and "ông H." in facts
    assert "cụ B. và cụ T2. có ba người con là ông H., bà M. và ông T. Năm 2010" in facts  # parents: facts only
    decision = a.mask(case.text_of("decision"))
    assert "ông H.," in decision and "bà M.," in decision  # "ông Hùng, bà Mai" mapped to the same masks
    header = a.mask(case.text_of("header"))
    assert "Lê Văn Toàn" in header and "Vũ Thị Lan" in header  # the trial panel acts in public
    parties = [a.party(p) for p in case.parties]
    # an organisation keeps its name, but not the commune it names (as the published judgments: "UBND thị trấn H")
    assert [p.name for p in parties] == ["H.", "M.", "T.", "Ủy ban nhân dân xã A"]
    assert "Trần Quốc Khánh" not in parties[1].description  # the representative too


def test_addresses_birth_years_and_numbers_masked_with_the_names():
    a = Anonymizer(["Nguyễn Văn Hùng"])
    text = ("Ông Nguyễn Văn Hùng, sinh năm 1971, CCCD số 034068004434, điện thoại 0912 345 678. Địa chỉ: số 79, "
            "ấp Thạnh Hiệp, xã An Thạnh Thủy, huyện Chợ Gạo, tỉnh Tiền Giang; xe máy biển số 24B1-857.82; "
            "số tài khoản 3407601891812 tại Tòa án nhân dân huyện Chợ Gạo.")
    masked = a.mask(text)
    for secret in ("Nguyễn Văn Hùng", "1971", "034068004434", "0912 345 678", "79", "Thạnh Hiệp", "An Thạnh Thủy",
                   "24B1-857.82", "3407601891812"):
        assert secret not in masked, secret
    assert masked.startswith("Ông H., sinh năm ***, CCCD số ***, điện thoại ***. Địa chỉ: số X, ấp T, xã A, ")
    assert "huyện Chợ Gạo, tỉnh Tiền Giang" in masked  # district and province stay, as published
    assert "Tòa án nhân dân huyện Chợ Gạo" in masked
    categories = {s.category for s in a.spans(text)}
    assert categories == {"name", "birth", "id", "phone", "address", "plate", "account"}


def test_name_without_honorific_before_a_birth_year():
    a = Anonymizer([])
    assert a.mask("Đại diện theo ủy quyền: Đinh Thị Loan, sinh năm 1967.") == \
        "Đại diện theo ủy quyền: L., sinh năm ***."


def test_party_description_loses_parse_debris():
    a = Anonymizer(["Nguyễn Thanh S"])
    p = Party(role="Nguyên đơn", name="Nguyễn Thanh S", description=(
        "Nguyễn Thanh S, sinh năm 1967.\nNơi cư trú: ấp Thạnh Hiệp, xã An Thạnh Thủy, huyện Chợ Gạo, Tiền\n\nGiang."
        "\n\nTiền Giang.\n\nTiền Giang.\n\nLong An.\n\nĐại diện theo ủy quyền: Đinh Thị L, sinh năm 1967."))
    masked = a.party(p)
    assert masked.name == "S."
    assert masked.description == ("S., sinh năm ***.\nNơi cư trú: ấp T, xã A, huyện Chợ Gạo, Tiền Giang.\n"
                                  "Đại diện theo ủy quyền: L., sinh năm ***.")
