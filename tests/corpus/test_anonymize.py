"""Names masked consistently on display; officials and organisations kept."""

from __future__ import annotations

from corpus.anonymize import Anonymizer
from corpus.case_law import parse_judgment
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
    assert [p.name for p in parties] == ["H.", "M.", "T.", "Ủy ban nhân dân xã An Phú"]
    assert "Trần Quốc Khánh" not in parties[1].description  # the representative too
