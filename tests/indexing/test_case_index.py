"""The case index: pieces by section, search with facets and filters, similar cases with exclusion."""

from __future__ import annotations

import datetime as dt

import pytest

from corpus.case_law import parse_judgment, parse_precedent
from indexing.cases import CaseFilters, CaseIndex, CaseIndexConfig, split_section
from tests.conftest import case_text


@pytest.fixture(scope="module")
def cases():
    return [parse_judgment(case_text("ban-an-thua-ke.txt")), parse_judgment(case_text("ban-an-vay.txt")),
            parse_precedent(case_text("an-le-thua-ke.txt"))]


@pytest.fixture(scope="module")
def index(cases, tmp_path_factory):
    return CaseIndex.build(cases, cache_dir=tmp_path_factory.mktemp("cases-index"))


def test_pieces_follow_sections_and_sentences(index):
    assert {p.section for p in index.pieces} == {"facts", "reasoning", "decision", "situation", "solution"}
    assert all(len(p.text) <= 450 or "." not in p.text[:-1] for p in index.pieces)
    assert split_section("Câu một. Câu hai dài hơn nhiều. Câu ba.", 20) == ["Câu một.", "Câu hai dài hơn nhiều.",
                                                                            "Câu ba."]


def test_search_ranks_by_best_piece_and_shows_it(index):
    hits = index.search("vay tiền lãi trả nợ")
    assert hits[0].case_id == "05/2020/DS-ST" and hits[0].rank == 1
    assert "lãi" in hits[0].piece.text and hits[0].scores["bm25"] > 0
    inherit = index.search("chia di sản thừa kế công sức chăm sóc")
    assert {h.case_id for h in inherit[:2]} == {"12/2019/DS-ST", "05/2016/AL"}
    assert index.search("xyzzy qwerty") == []


def test_filters_facets_and_exclusion(index):
    years = CaseFilters(years={2020})
    assert [h.case_id for h in index.search("di sản vay", years)] == ["05/2020/DS-ST"]
    assert index.matching(CaseFilters(court_levels={"Án lệ"})) == ["05/2016/AL"]
    assert index.matching() == ["05/2020/DS-ST", "12/2019/DS-ST", "05/2016/AL"]  # newest first
    facets = index.facets(index.matching())
    assert facets["year"] == [(2016, 1), (2019, 1), (2020, 1)]
    assert ("A_WIN", 1) in facets["outcome"] and ("Sơ thẩm", 2) in facets["court_level"]
    assert index.matching(CaseFilters(exclude={"05/2020/DS-ST"})) == ["12/2019/DS-ST", "05/2016/AL"]


def test_similar_excludes_and_returns_a_facts_passage(index):
    facts = ("Cha mẹ chết không để lại di chúc, di sản là nhà đất; người con út chăm sóc cha mẹ và quản lý di sản, "
             "các anh chị yêu cầu chia thừa kế theo pháp luật.")
    hits = index.similar(facts, k=3)
    assert hits[0].case_id in {"12/2019/DS-ST", "05/2016/AL"} and hits[-1].case_id == "05/2020/DS-ST"
    assert hits[0].piece.section in ("facts", "situation")
    excluded = index.similar(facts, k=3, exclude={"12/2019/DS-ST", "05/2016/AL"})
    assert [h.case_id for h in excluded] == ["05/2020/DS-ST"]


def test_coverage_is_a_share_of_the_query_words(index):
    loan = next(p for p in index.pieces if p.case_id == "05/2020/DS-ST" and p.section == "facts")
    assert index.coverage("vay tiền trả nợ gốc và lãi", loan) > 0.8
    assert index.coverage("tội giết người bị phạt tù", loan) < 0.2
    assert 0.0 <= index.coverage("vay tiền xyzzy", loan) < index.coverage("vay tiền", loan) == 1.0


def test_empty_index(tmp_path):
    empty = CaseIndex.build([], cache_dir=tmp_path)
    assert len(empty) == 0 and empty.search("vay") == [] and empty.similar("vay tiền") == []
    assert empty.matching() == [] and empty.facets([])["court"] == []


@pytest.mark.slow
def test_dense_side(cases, e5_model_dir, tmp_path):
    from indexing.embedder import Embedder

    emb = Embedder(e5_model_dir, max_seq_length=96, quantize=True)
    index = CaseIndex.build(cases, embedder=emb, cache_dir=tmp_path, config=CaseIndexConfig())
    assert index.vectors is not None and index.vectors.shape == (len(index.pieces), 384)
    hits = index.search("người vay không trả nợ đúng hạn")
    assert hits[0].case_id == "05/2020/DS-ST" and hits[0].scores["dense"] > 0
    # a rebuild embeds nothing new: every piece vector comes from the cache
    again = CaseIndex.build(cases, embedder=emb, cache_dir=tmp_path)
    assert (again.vectors == index.vectors).all()
    assert index.similar("cha mẹ chết không để lại di chúc, các con tranh chấp nhà đất", k=1)[0].case_id in \
        {"12/2019/DS-ST", "05/2016/AL"}
    assert dt.date.today()  # the model loaded and answered on this machine
