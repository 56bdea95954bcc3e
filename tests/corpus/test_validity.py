"""Validity read from the statutes' own sentences (corpus/validity.py), the store's derived fields, and all 208."""

from __future__ import annotations

import datetime as dt

import pytest

from corpus.law import Article, DocumentStatus, DocumentType, LegalDocument
from corpus.validity import Validity, link_corpus, parse_date, parse_own_validity
from tests.conftest import data_path

D = dt.date


def law(doc_id: str, issued: dt.date | None, effect_text: str, title: str = "Luật Thử nghiệm") -> LegalDocument:
    return LegalDocument(id=doc_id, title=title, doc_type=DocumentType.LAW, number=doc_id, issued_date=issued,
                         articles=[Article("1", "Phạm vi điều chỉnh", "Luật này quy định về thử nghiệm."),
                                   Article("9", "Hiệu lực thi hành", effect_text)])


# -- real sentences --------------------------------------------------------------------------------------------
def test_effective_date_and_repeal_of_the_civil_code():  # Bộ luật Dân sự 2015, Điều 689
    doc = law("91/2015/QH13", D(2015, 11, 24), "Bộ luật này có hiệu lực thi hành từ ngày 01 tháng 01 năm 2017.\n"
              "Bộ luật dân sự số 33/2005/QH11 hết hiệu lực kể từ ngày Bộ luật này có hiệu lực.")
    own = parse_own_validity(doc)
    assert own.effective == D(2017, 1, 1) and own.article == "9"
    assert [r.number for rep in own.repeals for r in rep.refs] == ["33/2005/QH11"]
    assert not own.repeals[0].partial and own.repeals[0].kind == "repeals"


def test_typo_in_the_date_and_budget_year():
    # Luật Kiểm toán độc lập 2011 writes "ngày 2012"; Luật Ngân sách nhà nước 2015 takes effect "từ năm ngân sách 2017"
    assert parse_own_validity(law("67/2011/QH12", D(2011, 3, 29), "Luật này có hiệu lực thi hành từ ngày 01 tháng 01 "
                                                                  "ngày 2012.")).effective == D(2012, 1, 1)
    assert parse_own_validity(law("83/2015/QH13", D(2015, 6, 25), "1. Luật này có hiệu lực thi hành từ năm ngân sách "
                                                                  "2017.")).effective == D(2017, 1, 1)
    assert parse_date("ngày 1/7/2016") == D(2016, 7, 1) and parse_date("không có ngày") is None


def test_staggered_provisions_in_the_same_sentence_and_in_their_own_clause():
    # Luật Tổ chức Tòa án nhân dân 2014, Điều 98 (shortened) and Luật Đầu tư 2020, Điều 76
    own = parse_own_validity(law("62/2014/QH13", D(2014, 11, 24), "1. Luật này có hiệu lực thi hành từ ngày 01 tháng 6 "
                                 "năm 2015, trừ khoản 1 Điều 4, Điều 24, điểm b khoản 1 Điều 38 thì có hiệu lực kể từ "
                                 "ngày 01 tháng 02 năm 2015.\n2. Luật này thay thế Luật tổ chức Tòa án nhân dân số "
                                 "33/2002/QH10."))
    assert own.effective == D(2015, 6, 1)
    assert [(s.date, s.units) for s in own.staggered] == [(D(2015, 2, 1), [("4", "1", None), ("24", None, None),
                                                                           ("38", "1", "b")])]
    assert [r.number for rep in own.repeals for r in rep.refs] == ["33/2002/QH10"]
    own = parse_own_validity(law("61/2020/QH14", D(2020, 6, 17), "1. Luật này có hiệu lực thi hành từ ngày 01 tháng 01 "
                                 "năm 2021, trừ quy định tại khoản 2 Điều này.\n2. Quy định tại khoản 3 Điều 75 của "
                                 "Luật này có hiệu lực thi hành từ ngày 01 tháng 9 năm 2020."))
    assert own.effective == D(2021, 1, 1)
    assert [(s.date, s.units) for s in own.staggered] == [(D(2020, 9, 1), [("75", "3", None)])]


def test_amending_laws_named_after_the_repealed_one_are_its_amenders():
    # Luật Điện ảnh 2022, Điều 49
    own = parse_own_validity(law("05/2022/QH15", D(2022, 6, 15), "1. Luật này có hiệu lực thi hành từ ngày 01 tháng 01 "
                                 "năm 2023.\n2. Luật Điện ảnh số 62/2006/QH11 đã được sửa đổi, bổ sung một "
                                     "số điều theo "
                                 "Luật số 31/2009/QH12, Luật số 35/2018/QH14 và Luật số 61/2020/QH14 hết hiệu lực kể "
                                 "từ ngày Luật này có hiệu lực thi hành."))
    (rep,) = own.repeals
    assert [r.number for r in rep.refs] == ["62/2006/QH11"]
    assert [r.number for r in rep.amenders] == ["31/2009/QH12", "35/2018/QH14", "61/2020/QH14"]


def test_partial_repeal_names_the_units_and_an_amendment_is_not_a_repeal():
    # Luật Quản lý ngoại thương 2017, Điều 112 khoản 3; Luật Doanh nghiệp 2020, Điều 217 khoản 3 (shortened)
    own = parse_own_validity(law("05/2017/QH14", D(2017, 6, 12), "1. Luật này có hiệu lực thi hành từ ngày 01 tháng 01 "
                                 "năm 2018.\n3. Bãi bỏ khoản 3 Điều 28, các điều 31, 33 của Luật Thương mại số "
                                 "36/2005/QH11."))
    (rep,) = own.repeals
    assert rep.partial and rep.kind == "repeals" and rep.units == [("28", "3", None), ("31", None, None),
                                                                    ("33", None, None)]
    own = parse_own_validity(law("59/2020/QH14", D(2020, 6, 17), "1. Luật này có hiệu lực thi hành từ ngày 01 tháng 01 "
                                 "năm 2021.\n3. Thay thế cụm từ “doanh nghiệp nhà nước” bằng cụm từ “doanh nghiệp do "
                                 "Nhà nước nắm giữ 100% vốn điều lệ” quy định tại Điều 19 của Luật Tố cáo số "
                                 "25/2018/QH14."))
    assert [r.kind for r in own.repeals] == ["amends"]


def test_a_list_of_repealed_documents_and_an_exception_list():
    # Luật Thuế sử dụng đất phi nông nghiệp 2010, Điều 12; Luật Kinh doanh bảo hiểm 2022, Điều 157 (shortened)
    own = parse_own_validity(law("48/2010/QH12", D(2010, 6, 17), "1. Luật này có hiệu lực thi hành từ ngày 01 tháng 01 "
                                 "năm 2012.\n2. Các văn bản quy phạm pháp luật sau đây hết hiệu lực thi "
                                     "hành kể từ ngày "
                                 "Luật này có hiệu lực:\na) Pháp lệnh thuế nhà, đất năm 1992;\nb) Pháp lệnh "
                                     "sửa đổi, bổ "
                                 "sung một số điều của Pháp lệnh thuế nhà, đất năm 1994."))
    assert [(r.name, r.year) for rep in own.repeals for r in rep.refs] == [
        ("Pháp lệnh thuế nhà, đất", 1992), ("Pháp lệnh sửa đổi, bổ sung một số điều của Pháp lệnh thuế nhà, đất", 1994)]
    own = parse_own_validity(law("08/2022/QH15", D(2022, 6, 16), "1. Luật này có hiệu lực thi hành kể từ ngày 01 tháng "
                                 "01 năm 2023.\n3. Luật Kinh doanh bảo hiểm số 24/2000/QH10 hết hiệu lực kể "
                                     "từ ngày Luật "
                                 "này có hiệu lực thi hành, trừ trường hợp sau đây:\na) Khoản 1 Điều 157 "
                                     "của Luật này;\n"
                                 "b) Các điều 77, 78 của Luật Kinh doanh bảo hiểm số 24/2000/QH10 có hiệu lực đến hết "
                                 "ngày 31 tháng 12 năm 2027."))
    (rep,) = own.repeals
    assert not rep.partial and rep.until == D(2028, 1, 1)


# -- the corpus: links and status on a date ----------------------------------------------------------------------
def pair() -> list[LegalDocument]:
    old = law("68/2014/QH13", D(2014, 11, 26), "1. Luật này có hiệu lực thi hành từ ngày 01 tháng 7 năm 2015.",
              title="Luật Doanh nghiệp")
    new = law("59/2020/QH14", D(2020, 6, 17), "1. Luật này có hiệu lực thi hành từ ngày 01 tháng 01 năm 2021.\n2. Luật "
              "Doanh nghiệp số 68/2014/QH13 hết hiệu lực kể từ ngày Luật này có hiệu lực thi hành.",
              title="Luật Doanh nghiệp")
    return [old, new]


def test_versions_resolve_to_one_in_force_and_status_follows_the_date():
    linked = link_corpus(pair())
    old, new = linked["68/2014/QH13"][1], linked["59/2020/QH14"][1]
    assert old.expiry == D(2021, 1, 1) and old.replaced_by[0]["doc_id"] == "59/2020/QH14"
    assert new.replaces[0]["doc_id"] == "68/2014/QH13" and new.data_until == D(2020, 6, 17)
    assert (old.status_on(), new.status_on()) == (DocumentStatus.IN_FORCE, DocumentStatus.NOT_YET)  # on 17/06/2020
    assert old.status_on(D(2015, 6, 1)) == DocumentStatus.NOT_YET
    assert old.status_on(D(2021, 1, 1)) == DocumentStatus.EXPIRED and new.status_on(D(2021, 1, 1)) == \
        DocumentStatus.IN_FORCE
    events = [e["event"] for e in old.timeline()]
    assert events == ["issued", "effective", "repealed"]
    assert Validity.from_json(old.to_json()) == old


def test_a_corpus_with_an_undated_document_never_says_not_yet_on_its_own_date():
    """ALQAC's Luật Điện ảnh 2022 has no issue date: the latest known issue date (17/11/2020) is then only a lower
    bound of the corpus's date, so "chưa có hiệu lực" on that default date would be a guess — it is unknown. A date
    asked is answered as always, and "in force" still holds (its effective date is before the bound)."""
    from assistant.as_of import citation_note

    dated = law("luat-cu-tru", D(2020, 11, 13), "Luật này có hiệu lực thi hành từ ngày 01 tháng 7 năm 2021.")
    old = law("luat-vien-chuc", D(2010, 11, 15), "Luật này có hiệu lực thi hành từ ngày 01 tháng 01 năm 2012.")
    undated = law("luat-dien-anh", None, "Luật này có hiệu lực thi hành từ ngày 01 tháng 01 năm 2023.")
    linked = {k: v for k, (_, v) in link_corpus([dated, old, undated]).items()}
    assert {v.data_until for v in linked.values()} == {D(2020, 11, 13)}
    assert not any(v.data_until_exact for v in linked.values())
    assert linked["luat-cu-tru"].status_on() == DocumentStatus.UNKNOWN
    assert linked["luat-dien-anh"].unit_status_on(None, "1") == DocumentStatus.UNKNOWN
    assert linked["luat-vien-chuc"].status_on() == DocumentStatus.IN_FORCE
    assert linked["luat-cu-tru"].status_on(D(2021, 1, 1)) == DocumentStatus.NOT_YET  # asked: answered
    assert citation_note(linked["luat-dien-anh"], None, "1")[1] is None
    assert citation_note(linked["luat-dien-anh"], D(2022, 6, 1), "1")[1]
    assert Validity.from_json(linked["luat-cu-tru"].to_json()) == linked["luat-cu-tru"]
    # with every dated document dated, the default date is exact and "not yet" is said
    exact = {k: v for k, (_, v) in link_corpus([dated, old]).items()}
    assert exact["luat-cu-tru"].data_until_exact and exact["luat-cu-tru"].status_on() == DocumentStatus.NOT_YET


def test_a_law_repealed_outside_the_corpus_is_not_guessed():
    (doc,) = pair()[:1]
    v = link_corpus([doc])["68/2014/QH13"][1]
    assert v.expiry is None and v.status_on(D(2030, 1, 1)) == DocumentStatus.IN_FORCE and v.data_until == \
        D(2014, 11, 26)


def test_partly_repealed_units_and_staggered_units_have_their_own_status():
    thuong_mai = law("36/2005/QH11", D(2005, 6, 14), "Luật này có hiệu lực thi hành từ ngày 01 tháng 01 năm 2006.",
                     title="Luật Thương mại")
    ngoai_thuong = law("05/2017/QH14", D(2017, 6, 12), "1. Luật này có hiệu lực thi hành từ ngày 01 tháng 01 năm 2018."
                       "\n3. Bãi bỏ các điều 31, 33 của Luật Thương mại số 36/2005/QH11.")
    v = link_corpus([thuong_mai, ngoai_thuong])["36/2005/QH11"][1]
    day = D(2019, 1, 1)
    assert v.status_on(day) == DocumentStatus.PARTLY_IN_FORCE
    assert v.unit_status_on(day, "31") == DocumentStatus.EXPIRED and v.unit_status_on(day, "32") == \
        DocumentStatus.IN_FORCE
    own = link_corpus([law("61/2020/QH14", D(2020, 6, 17), "1. Luật này có hiệu lực thi hành từ ngày 01 tháng 01 năm "
                           "2021, trừ quy định tại khoản 2 Điều này.\n2. Quy định tại khoản 3 Điều 75 của Luật này có "
                           "hiệu lực thi hành từ ngày 01 tháng 9 năm 2020.")])["61/2020/QH14"][1]
    assert own.unit_status_on(D(2020, 10, 1), "75", "3") == DocumentStatus.IN_FORCE
    assert own.unit_status_on(D(2020, 10, 1), "75", "1") == DocumentStatus.NOT_YET


# -- the store: derived at ingest, re-derived when the corpus changes --------------------------------------------
def test_store_derives_validity_at_ingest_and_after_a_delete(tmp_path, store):
    from corpus.ingest import ingest

    texts = {
        "old.txt": "QUỐC HỘI\nSố: 68/2014/QH13\nHà Nội, ngày 26 tháng 11 năm 2014\nLUẬT\nDOANH NGHIỆP\nĐiều "
            "1. Phạm vi\n"
                   "Luật này quy định về doanh nghiệp.\nĐiều 2. Hiệu lực thi hành\nLuật này có hiệu lực thi "
                       "hành từ ngày "
                   "01 tháng 7 năm 2015.\n",
        "new.txt": "QUỐC HỘI\nSố: 59/2020/QH14\nHà Nội, ngày 17 tháng 6 năm 2020\nLUẬT\nDOANH NGHIỆP\nĐiều 1. Phạm vi\n"
                   "Luật này quy định về doanh nghiệp.\nĐiều 2. Điều khoản thi hành\n1. Luật này có hiệu "
                       "lực thi hành từ "
                   "ngày 01 tháng 01 năm 2021.\n2. Luật Doanh nghiệp số 68/2014/QH13 hết hiệu lực kể từ ngày Luật này "
                   "có hiệu lực thi hành.\n",
    }
    for name, text in texts.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    ingest(store, "laws", [tmp_path / "old.txt"])
    assert store.validity("laws", "68/2014/QH13").expiry is None
    ingest(store, "laws", [tmp_path / "new.txt"])  # a later law repeals the stored one: its row is updated
    rows = {d.doc_id: d for d in store.documents("laws")}
    assert rows["68/2014/QH13"].expiry_date == "2021-01-01" and rows["68/2014/QH13"].effective_date == "2015-07-01"
    assert rows["68/2014/QH13"].status == "Còn hiệu lực"  # on the corpus's own date, 17/06/2020
    assert rows["59/2020/QH14"].status == "Chưa có hiệu lực"
    assert not store.validity_stale("laws")
    store.delete_document("laws", "59/2020/QH14")
    assert store.validity("laws", "68/2014/QH13").replaced_by == []


# -- all 208 statutes ---------------------------------------------------------------------------------------------
@pytest.mark.slow
def test_the_208_statutes():
    folder = data_path("statutes")
    from benchmarks.validity import load_statutes

    docs = load_statutes(folder)
    assert len(docs) == 208
    linked = link_corpus(docs)
    with_date = sum(1 for d in docs if linked[d.id][0].effective)
    assert with_date / len(docs) >= 0.95
    status = {d: linked[d][1].status_on() for d in ("68/2014/QH13", "59/2020/QH14", "62/2006/QH11", "05/2022/QH15",
                                                   "24/2000/QH10", "08/2022/QH15", "15/2003/QH11", "06/2022/QH15")}
    assert status == {"68/2014/QH13": DocumentStatus.EXPIRED, "59/2020/QH14": DocumentStatus.IN_FORCE,
                      "62/2006/QH11": DocumentStatus.IN_FORCE, "05/2022/QH15": DocumentStatus.NOT_YET,
                      "24/2000/QH10": DocumentStatus.IN_FORCE, "08/2022/QH15": DocumentStatus.NOT_YET,
                      "15/2003/QH11": DocumentStatus.IN_FORCE, "06/2022/QH15": DocumentStatus.NOT_YET}
    repealed = {d.id for d in docs if linked[d.id][1].replaced_by or linked[d.id][1].partly_repealed_by}
    assert {"68/2014/QH13", "62/2006/QH11", "24/2000/QH10", "15/2003/QH11", "58/2014/QH13", "36/2005/QH11"} <= repealed
