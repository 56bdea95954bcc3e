"""The case index in Milvus (milvus-lite in a file, and a Milvus server) answers as the in-memory ``CaseIndex`` does:
the same cases, passages, filters, lists, facets, similar cases and coverage; its builds upsert only what changed."""

from __future__ import annotations

import dataclasses

import pytest

from corpus.case_law import parse_judgment, parse_precedent
from indexing.cases import CaseFilters, CaseIndex
from tests.conftest import case_text

pytest.importorskip("pymilvus")

from indexing.case_milvus import MilvusCaseIndex, case_filter  # noqa: E402

FACTS = ("Cha mẹ chết không để lại di chúc, di sản là nhà đất; người con út chăm sóc cha mẹ và quản lý di sản, "
         "các anh chị yêu cầu chia thừa kế theo pháp luật.")
QUERIES = ["vay tiền lãi trả nợ", "chia di sản thừa kế công sức chăm sóc", "xyzzy qwerty", "di sản vay"]


@pytest.fixture(scope="module")
def cases():
    return [parse_judgment(case_text("ban-an-thua-ke.txt")), parse_judgment(case_text("ban-an-vay.txt")),
            parse_precedent(case_text("an-le-thua-ke.txt"))]


@pytest.fixture(params=["milvus-lite", "milvus-server"])
def uri(request, tmp_path):
    return request.getfixturevalue("milvus_uri") if request.param == "milvus-server" else str(tmp_path / "m.db")


@pytest.fixture
def both(cases, uri, tmp_path):
    memory = CaseIndex.build(cases, cache_dir=tmp_path / "memory")
    milvus = MilvusCaseIndex.sync(cases, uri=uri, corpus="judgments", version="v1", cache_dir=tmp_path / "milvus")
    return memory, milvus


def _view(hits):
    return [(h.case_id, h.piece.key) for h in hits]


def test_search_lists_and_facets_agree(both):
    memory, milvus = both
    assert len(milvus) == len(memory) == 3
    for q in QUERIES:
        assert _view(milvus.search(q)) == _view(memory.search(q)), q
    years = CaseFilters(years={2020})
    assert _view(milvus.search("di sản vay", years)) == _view(memory.search("di sản vay", years))
    for f in (None, CaseFilters(court_levels={"Án lệ"}), CaseFilters(exclude={"05/2020/DS-ST"}),
              CaseFilters(outcomes={"A_WIN"}, years={2019, 2020})):
        assert milvus.matching(f) == memory.matching(f), f
    assert milvus.facets(milvus.matching()) == memory.facets(memory.matching())
    assert milvus.summaries["05/2016/AL"] == memory.summaries["05/2016/AL"]
    for case_id in memory.order:
        assert milvus.first_piece(case_id) == memory.first_piece(case_id)


def test_similar_and_coverage_agree(both):
    memory, milvus = both
    assert _view(milvus.similar(FACTS, k=3)) == _view(memory.similar(FACTS, k=3))
    excluded = {"12/2019/DS-ST", "05/2016/AL"}
    assert _view(milvus.similar(FACTS, k=3, exclude=excluded)) == _view(memory.similar(FACTS, k=3, exclude=excluded))
    loan = next(p for p in memory.pieces if p.case_id == "05/2020/DS-ST" and p.section == "facts")
    for q in ("vay tiền trả nợ gốc và lãi", "tội giết người bị phạt tù", "vay tiền xyzzy", "vay tiền"):
        assert milvus.coverage(q, loan) == pytest.approx(memory.coverage(q, loan), abs=0.05), q


def test_a_sync_upserts_what_changed_and_a_worker_loads_the_version(cases, uri, tmp_path):
    first = MilvusCaseIndex.sync(cases, uri=uri, corpus="judgments", version="v1", cache_dir=tmp_path)
    assert first.manifest["counts"]["upserted"] == first.manifest["counts"]["pieces"] > 0
    loan = cases[1]
    edited = dataclasses.replace(loan, sections=[dataclasses.replace(s, text=s.text + " Bị đơn xin trả góp.")
                                                 if s.name == "decision" else s for s in loan.sections])
    second = MilvusCaseIndex.sync([cases[0], edited], uri=uri, corpus="judgments", version="v2", cache_dir=tmp_path)
    assert 1 <= second.manifest["counts"]["upserted"] <= 2 and len(second) == 2
    assert second.matching() == ["05/2020/DS-ST", "12/2019/DS-ST"]
    assert all(h.case_id != "05/2016/AL" for h in second.search("chia di sản thừa kế"))
    assert MilvusCaseIndex.load(uri, "judgments", version="v1") is None  # a worker on v1 must build
    loaded = MilvusCaseIndex.load(uri, "judgments", version="v2")
    assert loaded is not None and _view(loaded.search("trả góp")) == _view(second.search("trả góp"))
    assert loaded.search("trả góp")[0].case_id == "05/2020/DS-ST"


def test_filter_expressions():
    assert case_filter(None) == "" and case_filter(CaseFilters()) == ""
    e = case_filter(CaseFilters(courts=['TAND "X"'], years={2020}, exclude={"a"}))
    assert 'court in ["TAND \\"X\\""]' in e and "year in [2020]" in e and 'case_id not in ["a"]' in e


def test_an_empty_corpus(uri, tmp_path):
    empty = MilvusCaseIndex.sync([], uri=uri, corpus="judgments", version="v0", cache_dir=tmp_path)
    assert len(empty) == 0 and empty.search("vay") == [] and empty.similar("vay tiền") == []
    assert empty.matching() == [] and empty.facets([])["court"] == []


@pytest.mark.slow
def test_the_dense_side_agrees(cases, e5_model_dir, uri, tmp_path):
    """With the real encoder: the same passages and similar cases as the in-memory index, vectors from one cache."""
    from indexing.embedder import Embedder

    emb = Embedder(e5_model_dir, max_seq_length=96, quantize=True)
    memory = CaseIndex.build(cases, embedder=emb, cache_dir=tmp_path)
    milvus = MilvusCaseIndex.sync(cases, uri=uri, corpus="judgments", version="v1", embedder=emb, cache_dir=tmp_path)
    for q in ("người vay không trả nợ đúng hạn", "chia di sản thừa kế công sức chăm sóc", "xyzzy qwerty"):
        got, want = milvus.search(q), memory.search(q)
        assert _view(got) == _view(want), q
        assert [h.scores["dense"] for h in got] == pytest.approx([h.scores["dense"] for h in want], abs=1e-4)
    assert _view(milvus.similar(FACTS, k=3)) == _view(memory.similar(FACTS, k=3))
    assert MilvusCaseIndex.load(uri, "judgments", version="v1") is None  # built with a model: needs the encoder
    assert MilvusCaseIndex.load(uri, "judgments", version="v1", embedder=emb) is not None
