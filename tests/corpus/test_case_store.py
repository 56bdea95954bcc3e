"""Storing cases, reading them back, and resolving their citations against a law corpus."""

from __future__ import annotations

import pytest

from corpus.case_law import parse_judgment, parse_precedent
from corpus.case_store import CaseStore, CaseStoreError
from tests.conftest import LAW_CORPUS, case_text


@pytest.fixture
def cases(law_store):
    cs = CaseStore(law_store)
    cs.replace("cases", [parse_judgment(case_text("ban-an-thua-ke.txt")),
                         parse_precedent(case_text("an-le-thua-ke.txt"))])
    return cs


def test_round_trip(cases):
    j = cases.get("cases", "12/2019/DS-ST")
    assert j.kind == "judgment" and j.court == "Tòa án nhân dân huyện An Bình, tỉnh Hà Tây"
    assert [s.name for s in j.sections][:4] == ["header", "facts", "reasoning", "decision"]
    assert j.parties[0].name == "Nguyễn Văn Hùng" and j.officials[0] == "Lê Văn Toàn"
    p = cases.get("cases", "05/2016/AL")
    assert p.kind == "precedent" and p.solution.startswith("Trường hợp này") and p.keywords
    assert cases.count("cases") == 2 and cases.find_precedent("cases", "05/2016/AL") == "05/2016/AL"
    assert [s.case_id for s in cases.summaries("cases")] == ["12/2019/DS-ST", "05/2016/AL"]


def test_replace_and_delete(cases):
    before = cases.version("cases")
    cases.replace("cases", [parse_judgment(case_text("ban-an-thua-ke.txt"))])
    assert cases.count("cases") == 2 and cases.version("cases") != before
    cases.delete("cases", "05/2016/AL")
    with pytest.raises(CaseStoreError, match="no case '05/2016/AL'"):
        cases.get("cases", "05/2016/AL")
    with pytest.raises(CaseStoreError):
        cases.delete("cases", "05/2016/AL")
    with pytest.raises(CaseStoreError, match="twice"):
        cases.replace("cases", [parse_judgment(case_text("ban-an-vay.txt"))] * 2)


def test_provisions_resolved_or_kept_unresolved(cases):
    j = cases.get("cases", "12/2019/DS-ST")
    provs = cases.provisions(j, LAW_CORPUS)
    by = {(p.document_ref, p.article): p for p in provs}
    ok = by[("Bộ luật Dân sự năm 2015", "650")]
    assert ok.resolved and ok.document_id == "91/2015/QH13" and ok.label == "Điều 650 Bộ luật Dân sự"
    old = by[("Bộ luật Dân sự năm 2005", "675")]  # BLDS 2005 is not stored: kept, shown as unresolved
    assert not old.resolved and old.document_id is None
    assert old.label == "Điều 675 Bộ luật Dân sự năm 2005 — chưa có trong cơ sở dữ liệu"
    first = next(p for p in provs if p.article == "26")
    assert first.clause == "5" and first.label.startswith("khoản 5 Điều 26 Bộ luật Tố tụng dân sự")
    applied = cases.applied_articles(j, LAW_CORPUS)
    assert ("91/2015/QH13", "651") in applied and ("92/2015/QH13", "147") in applied
    assert not any(d == "26/2008/QH12" for d, _ in applied)  # the enforcement notice applies nothing
    assert any(p.document_id == "26/2008/QH12" and p.section == "notice" for p in provs)


def test_a_stored_document_without_the_article(cases, law_store):
    from corpus.case_law import CaseSection, Judgment, cited_provisions

    sections = [CaseSection("decision", "", "Căn cứ Điều 999 Bộ luật Dân sự năm 2015.")]
    j = Judgment(case_id="x", title="x", sections=sections, citations=cited_provisions(sections))
    (p,) = cases.provisions(j, LAW_CORPUS)
    assert p.document_id == "91/2015/QH13" and not p.resolved and p.key is None
