from assistant.answer import Answer, Citation, Source
from assistant.verify import quote_in, verify_citations

UNITS = {
    ("luat-x", "5", "1", None): "1. Thời hạn kháng cáo là 15 ngày, kể từ ngày tuyên án.",
    ("luat-x", "5", None, None): "1. Thời hạn kháng cáo là 15 ngày, kể từ ngày tuyên án.\n2. Khác.",
    ("luat-x", "9", None, None): "Điều khác hoàn toàn.",
}


def unit_text(doc, art, cl, pt):
    return UNITS.get((doc, art, cl, pt))


SOURCES = [Source(document_id="luat-x", article="5", text=UNITS[("luat-x", "5", None, None)])]


def _answer(*cits):
    return Answer(question="q", text="t", citations=list(cits), confidence=0.8)


def test_good_quote_is_kept_and_marked():
    a = verify_citations(_answer(Citation(document_id="luat-x", article="5", clause="1",
                                          quote="thời hạn  kháng cáo là 15 ngày")), SOURCES, unit_text)
    assert len(a.citations) == 1 and a.citations[0].verified and a.removed_citations == 0


def test_fabricated_quote_rejected():
    a = verify_citations(_answer(Citation(document_id="luat-x", article="5", clause="1",
                                          quote="Thời hạn kháng cáo là 30 ngày")), SOURCES, unit_text)
    assert a.citations == [] and a.removed_citations == 1 and a.confidence < 0.8


def test_non_retrieved_article_rejected():
    a = verify_citations(_answer(Citation(document_id="luat-x", article="9", quote="Điều khác")), SOURCES, unit_text)
    assert a.citations == [] and a.removed_citations == 1


def test_missing_unit_rejected():
    a = verify_citations(_answer(Citation(document_id="luat-x", article="5", clause="7", quote="Khác")),
                         SOURCES, unit_text)
    assert a.citations == [] and a.removed_citations == 1


def test_partial_removal_lowers_confidence_a_little():
    good = Citation(document_id="luat-x", article="5", quote="Khác")
    bad = Citation(document_id="luat-x", article="5", quote="bịa đặt")
    a = verify_citations(_answer(good, bad), SOURCES, unit_text)
    assert len(a.citations) == 1 and 0.4 < a.confidence < 0.8


def test_normalisation():
    assert quote_in("“Hòa giải”", 'Việc "hoà giải" được tiến hành')
    assert quote_in("Ủy ban nhân dân", "uỷ ban nhân dân cấp tỉnh")
    assert not quote_in("", "abc")
