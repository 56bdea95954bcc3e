"""The case-law service end to end on the hand-written cases: ingest, search, show, similar, and clear errors (with
the case index in memory and in Milvus)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.cases import CaseLaw, CaseLawError, CaseNotFound, CaseRequestInvalid, FactsTooLong
from tests.conftest import CASE_DATA, LAW_CORPUS


@pytest.fixture
def case_files() -> list[Path]:
    return [CASE_DATA / "ban-an-thua-ke.txt", CASE_DATA / "ban-an-vay.txt", CASE_DATA / "an-le-thua-ke.txt"]


@pytest.fixture(params=["in-memory", "milvus"])
def service(request, law_store, case_files, tmp_path):
    """The service with its case index in memory, and in Milvus (a server, as replicas share it)."""
    milvus = (request.getfixturevalue("milvus_uri"), None) if request.param == "milvus" else None
    s = CaseLaw(law_store, corpus="cases", law_corpus=LAW_CORPUS, home=tmp_path / "home", max_facts_chars=50_000,
                milvus=milvus)
    assert s.ingest(case_files) == ["12/2019/DS-ST", "05/2020/DS-ST", "05/2016/AL"]
    return s


def test_search_pages_and_facets(service):
    r = service.search("di sản thừa kế", page_size=1)
    assert r.total == 2 and len(r.results) == 1 and r.results[0].case_id in ("12/2019/DS-ST", "05/2016/AL")
    assert r.results[0].section in ("facts", "reasoning", "situation", "solution", "decision")
    assert r.results[0].snippet and r.results[0].outcome_label in (None, "Chấp nhận yêu cầu khởi kiện")
    second = service.search("di sản thừa kế", page=2, page_size=1)
    assert {second.results[0].case_id, r.results[0].case_id} == {"12/2019/DS-ST", "05/2016/AL"}
    assert {f.value: f.count for f in r.facets.years} == {2019: 1, 2016: 1}
    listing = service.search("", year=2020)
    assert [x.case_id for x in listing.results] == ["05/2020/DS-ST"] and listing.total == 1
    assert service.search("", outcome=["A_WIN", "PARTIAL_A_WIN"]).total == 2
    assert service.search("vay", court="Tòa án không có").total == 0


def test_show_with_provisions_and_anonymisation(service):
    v = service.get("12/2019/DS-ST", anonymize=False)
    assert v.kind == "judgment" and v.outcome == "A_WIN" and v.parties[0].name == "Nguyễn Văn Hùng"
    assert not v.anonymized
    assert [s.name for s in v.sections][:4] == ["header", "facts", "reasoning", "decision"]
    labels = {p.label: p.resolved for p in v.provisions}
    assert labels["Điều 650 Bộ luật Dân sự"] is True
    assert labels["Điều 675 Bộ luật Dân sự năm 2005 — chưa có trong cơ sở dữ liệu"] is False
    assert [(p.number, p.resolved, p.case_id) for p in v.precedents] == [("05/2016/AL", True, "05/2016/AL")]
    masked = service.get("12/2019/DS-ST")  # masked unless asked otherwise
    assert masked.anonymized and masked.parties[0].name == "H."
    assert "Nguyễn Văn Hùng" not in json.dumps(masked.model_dump(mode="json"), ensure_ascii=False)
    assert "Lê Văn Toàn" in masked.sections[0].text
    hits = service.search("chia di sản")
    assert hits.results and all("Nguyễn Văn Hùng" not in h.passage for h in hits.results)
    p = service.get("05/2016/AL")
    assert p.kind == "precedent" and p.situation and p.solution and p.keywords


def test_the_index_holds_masked_text(service, tmp_path):
    full = "Nguyễn Văn Hùng"
    assert full in json.dumps(service.get("12/2019/DS-ST", anonymize=False).model_dump(), ensure_ascii=False)
    assert service.search(full).total == 0 and service.search("Hùng").total == 0  # a name finds no judgment
    assert all(full not in c.passage for c in service.similar(f"ông {full} chia di sản thừa kế", k=3).cases)
    assert all(full not in c.passage for c in service.related("chia di sản thừa kế theo pháp luật", min_match=0))
    cache = tmp_path / "home" / "indexes"
    assert [d.name for d in cache.iterdir()] == ["cases-cases-masked-v1"]
    assert full not in "".join(f.read_text(errors="ignore") for f in cache.rglob("*") if f.is_file())
    unmasked = service.search("chia di sản", anonymize=False)  # an administrator's view: the text as written
    masked = service.search("chia di sản")
    assert [r.case_id for r in unmasked.results] == [r.case_id for r in masked.results]
    assert any("Hùng" in r.passage for r in unmasked.results) and not any("Hùng" in r.passage for r in masked.results)


def test_an_unmasked_index_cache_of_an_older_build_is_deleted(law_store, case_files, tmp_path):
    old = tmp_path / "home" / "indexes" / "cases-cases"
    old.mkdir(parents=True)
    (old / "segments.jsonl").write_text('{"text": "ông Nguyễn Văn Hùng"}\n', encoding="utf-8")
    s = CaseLaw(law_store, corpus="cases", law_corpus=LAW_CORPUS, home=tmp_path / "home")
    s.ingest(case_files)
    assert s.search("di sản").total
    assert not old.exists()


def test_similar_cases_and_provisions(service):
    r = service.similar("Cha mẹ chết không để lại di chúc; các con tranh chấp chia di sản thừa kế là nhà đất.", k=2)
    assert [c.case_id for c in r.cases][0] in ("12/2019/DS-ST", "05/2016/AL") and len(r.cases) == 2
    assert r.cases[0].passage
    top = {p.label: p for p in r.provisions}
    assert top["Điều 651 Bộ luật Dân sự"].count >= 1 and top["Điều 651 Bộ luật Dân sự"].cases
    assert not any(p.document_id == "26/2008/QH12" for p in r.provisions)  # boilerplate notice never suggested
    excl = service.similar("chia di sản thừa kế", k=5, exclude=["12/2019/DS-ST", "05/2016/AL"])
    assert [c.case_id for c in excl.cases] == ["05/2020/DS-ST"]


@pytest.mark.parametrize("call, kind", [
    (lambda s: s.get("case_unknown"), CaseNotFound),
    (lambda s: s.get(""), CaseNotFound),
    (lambda s: s.similar(""), CaseRequestInvalid),
    (lambda s: s.similar("   \n ..."), CaseRequestInvalid),
    (lambda s: s.similar("x" * 1_000_000), FactsTooLong),
    (lambda s: s.similar("vay tiền", k=0), CaseRequestInvalid),
    (lambda s: s.search("vay", page=0), CaseRequestInvalid),
    (lambda s: s.search("vay", page_size=500), CaseRequestInvalid),
    (lambda s: s.search("vay", year="năm ngoái"), CaseRequestInvalid),
    (lambda s: s.search("x" * 5000), CaseRequestInvalid),
])
def test_bad_input_is_refused_clearly(service, call, kind):
    with pytest.raises(kind) as e:
        call(service)
    assert isinstance(e.value, CaseLawError) and e.value.message


def test_a_file_that_is_not_case_law(service, tmp_path):
    f = tmp_path / "note.txt"
    f.write_text("Biên bản họp tổ dân phố, không phải bản án.", encoding="utf-8")
    with pytest.raises(CaseLawError, match="no facts, reasoning, decision section found|not_case_law|needs an id"):
        service.load(f)
    bad = tmp_path / "x.json"
    bad.write_text("[{", encoding="utf-8")
    with pytest.raises(CaseLawError, match="invalid JSON"):
        service.load(bad)
    assert service.cases.count("cases") == 3  # nothing stored was lost


def test_related_judgments_need_the_question_words(service):
    related = service.related("Chia di sản thừa kế khi cha mẹ chết không để lại di chúc", k=3)
    assert [r.case_id for r in related] == ["12/2019/DS-ST"]  # the precedent covers fewer of its words
    assert related[0].note.startswith("Bản án tham khảo") and related[0].passage
    assert service.related("Người phạm tội tự thú có được giảm nhẹ trách nhiệm hình sự không?") == []
    assert service.related("   ") == []


def test_the_assistant_shows_related_judgments_apart_from_the_law(service, law_store, tmp_path):
    from assistant.conversation import ConversationStore
    from assistant.pipeline import Assistant
    from indexing.index import CorpusIndex, IndexBuilder, IndexConfig

    home = tmp_path / "law-home"
    IndexBuilder(home, IndexConfig(model_dir=None)).build(law_store, LAW_CORPUS)
    index = CorpusIndex.load(home, LAW_CORPUS, resolver=law_store.resolver(LAW_CORPUS))
    a = Assistant(law_store, lambda corpus: index, ConversationStore(law_store.engine),
                  related_cases=lambda q: service.related(q, k=2))
    ans = a.answer("Điều 651 Bộ luật Dân sự quy định người thừa kế theo pháp luật khi chia di sản thừa kế?",
                   corpus=LAW_CORPUS)
    assert not ans.abstained and ans.related_cases and ans.related_cases[0].case_id in ("12/2019/DS-ST", "05/2016/AL")
    assert ans.related_cases[0].note.startswith("Bản án tham khảo")
    assert all(c.document_id != ans.related_cases[0].case_id for c in ans.citations)  # the law stays the law

    def broken(q):
        raise RuntimeError("case index unavailable")

    b = Assistant(law_store, lambda corpus: index, ConversationStore(law_store.engine), related_cases=broken)
    answer = b.answer("Điều 651 Bộ luật Dân sự quy định người thừa kế theo pháp luật?", corpus=LAW_CORPUS)
    assert answer.related_cases == []
