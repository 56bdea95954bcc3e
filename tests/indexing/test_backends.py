"""One conformance suite for every search backend: the embedded index (bm25s + FAISS folders) and Milvus (milvus-lite
in a file, and a Milvus server over ``http://``) are built, searched, filtered and updated through the same interfaces
and must agree."""

from __future__ import annotations

import datetime as dt

import pytest

from indexing.index import EmbeddedBackend, IndexConfig, IndexUnavailable, QueryError
from indexing.registry import IndexRegistry
from indexing.types import Filters
from tests.indexing.test_index import BLHS, VIEN_CHUC, HashEmbedder, doc

pytest.importorskip("pymilvus")

BACKENDS = ["embedded", "milvus-lite", "milvus-server"]


def make_backend(name: str, home, request):
    """The backend ``name``: the embedded folders, milvus-lite in a file, or a Milvus server (``milvus_uri``)."""
    if name == "embedded":
        return EmbeddedBackend(home)
    from indexing.milvus import MilvusBackend

    uri = request.getfixturevalue("milvus_uri") if name == "milvus-server" else str(home / "milvus.db")
    return MilvusBackend(uri, home)


@pytest.fixture(params=BACKENDS)
def site(request, store, tmp_path):
    """A store with two laws and the backend's index of them built."""
    store.replace_source("test", "/a", "h1", [BLHS])
    store.replace_source("test", "/b", "h1", [VIEN_CHUC])
    model = tmp_path / "fake-model"
    model.mkdir()
    (model / "config.json").write_text("{}")
    emb = HashEmbedder()
    config = IndexConfig(model_dir=str(model), piece_chars=80)  # every piece of an article embedded
    backend = make_backend(request.param, tmp_path / "home", request)
    report = backend.builder(config, emb).build(store, "test")
    return backend, store, config, emb, report


def load(site):
    backend, store, config, emb, _ = site
    return backend.load("test", embedder=emb, model_dir=config.model_dir, resolver=store.resolver("test"))


def test_build_reports_what_it_did(site):
    backend, _, _, emb, report = site
    assert report.articles == 5 and report.embedded == emb.calls >= 5
    assert backend.current("test")


def test_hybrid_search_finds_the_article_with_both_scores(site):
    hits = load(site).search("viên chức được hưởng trợ cấp thôi việc", k=3)
    assert hits[0].key == ("58/2010/QH12", "30")
    assert {"bm25", "dense", "fused"} <= set(hits[0].scores)
    assert [h.rank for h in hits] == [1, 2, 3]
    assert hits[0].doc_title == "Luật Viên chức" and "trợ cấp" in hits[0].snippet


def test_a_compound_word_of_the_question_matches_the_article(site):
    index = load(site)
    index.hybrid.dense = None  # BM25 alone: "tự_thú" must be one token on both sides
    hits = index.search("người phạm tội tự thú", k=1)
    assert hits[0].key == ("100/2015/QH13", "51")


def test_a_named_unit_comes_first(site):
    hits = load(site).search("khoản 1 Điều 52 BLHS quy định gì?", k=3)
    assert hits[0].key == ("100/2015/QH13", "52") and hits[0].scores.get("citation") == 1.0


def test_filters_restrict_both_sides(site):
    index = load(site)
    hits = index.search("chấm dứt hợp đồng làm việc", k=5, filters=Filters(doc_ids=["100/2015/QH13"]))
    assert hits and all(h.key[0] == "100/2015/QH13" for h in hits)
    hits = index.search("chấm dứt hợp đồng", k=5, filters=Filters(doc_types=["Bộ luật"]))
    assert hits and all(h.key[0] == "100/2015/QH13" for h in hits)
    hits = index.search("chấm dứt hợp đồng", k=5, filters=Filters(exclude_doc_ids=["58/2010/QH12"]))
    assert hits and all(h.key[0] != "58/2010/QH12" for h in hits)
    assert index.search("chấm dứt hợp đồng", k=5, filters=Filters(doc_ids=["no/such/doc"])) == []


def test_status_and_date_filters(store, tmp_path, request):
    for name in BACKENDS:
        old = doc("1/1990/QH8", "Luật Cũ", [("1", "Hợp đồng", "1. Hợp đồng lao động cũ.")])
        old.status, old.effective_date, old.expiry_date = "Hết hiệu lực", dt.date(1990, 1, 1), dt.date(2000, 1, 1)
        new = doc("2/2019/QH14", "Luật Mới", [("1", "Hợp đồng", "1. Hợp đồng lao động mới.")])
        new.status, new.effective_date = "Còn hiệu lực", dt.date(2020, 1, 1)
        corpus = name.replace("-", "_")
        store.replace_source(corpus, "/o", "h", [old])
        store.replace_source(corpus, "/n", "h", [new])
        backend = make_backend(name, tmp_path / name, request)
        backend.builder(IndexConfig()).build(store, corpus)
        index = backend.load(corpus, resolver=store.resolver(corpus))
        keys = lambda f: [h.key[0] for h in index.search("hợp đồng lao động", 5, f)]  # noqa: E731
        assert keys(Filters(statuses=["Còn hiệu lực"])) == ["2/2019/QH14"], name
        assert keys(Filters(effective_on=dt.date(1995, 6, 1))) == ["1/1990/QH8"], name
        assert keys(Filters(effective_on=dt.date(2021, 6, 1))) == ["2/2019/QH14"], name
        assert keys(Filters(effective_on=dt.date(2010, 6, 1))) == [], name


def test_rebuild_embeds_only_what_changed_and_forgets_what_is_gone(site):
    backend, store, config, emb, first = site
    changed = doc("58/2010/QH12", "Luật Viên chức", [
        ("30", "Chế độ thôi việc", "1. Viên chức được hưởng trợ cấp thôi việc khi chấm dứt hợp đồng làm việc."),
        ("31", "Nghỉ hưu", "1. Viên chức nghỉ hưu theo quy định của Bộ luật Lao động."),
    ])
    store.replace_source("test", "/b", "h2", [changed])  # article 29 removed, 31 added
    before = emb.calls
    second = backend.builder(config, emb).build(store, "test")
    assert second.embedded == emb.calls - before == 1 and second.articles == 5
    index = load(site)
    assert index.search("nghỉ hưu", k=1)[0].key == ("58/2010/QH12", "31")
    assert ("58/2010/QH12", "29") not in index.records
    assert all(h.key != ("58/2010/QH12", "29") for h in index.search("đơn phương chấm dứt hợp đồng", k=10))


def test_bad_queries_give_clear_errors_or_empty_results(site):
    index = load(site)
    with pytest.raises(QueryError, match="empty"):
        index.search("   ")
    assert index.search("???!!!") == []
    assert isinstance(index.search("и и и и"), list)


def test_missing_index_says_how_to_rebuild(tmp_path, request):
    for name in BACKENDS:
        with pytest.raises(IndexUnavailable, match="thuky index build --corpus nothing"):
            make_backend(name, tmp_path / name, request).load("nothing")


def test_the_registry_reloads_after_a_rebuild(site):
    backend, store, config, emb, _ = site
    registry = IndexRegistry(backend.home, store, lambda: emb, config.model_dir, ranker=False, backend=backend)
    first = registry.get("test")
    assert registry.get("test") is first
    store.replace_source("test", "/c", "h1", [doc("3/2020/QH14", "Luật Khác", [("1", "Nghỉ phép", "1. Nghỉ.")])])
    backend.builder(config, emb).build(store, "test")
    second = registry.get("test")
    assert second is not first and ("3/2020/QH14", "1") in second.records


def test_the_ranker_sees_the_same_corpus_on_every_backend(site):
    """The learned ranker's features read the corpus statistics and the candidates' articles: the embedded index
    makes them from its records, Milvus keeps the statistics from the build and fetches the articles."""
    import numpy as np

    from indexing.index import records_from_store
    from indexing.corpus_stats import CorpusStats
    from indexing.ranker import Candidate, RecordInfo, features

    backend, store, *_ = site
    index = load(site)
    records = records_from_store(store, "test")
    assert index.corpus_stats() == CorpusStats.from_records(records)
    assert dict(index.records.documents) == {"100/2015/QH13": "Bộ luật Hình sự", "58/2010/QH12": "Luật Viên chức"}
    assert len(index.records) == 5 and sorted(index.records) == sorted(r.key for r in records)
    cands = [Candidate(r.key, 1.0 / (i + 1), 0.5, 1.0 / (i + 1)) for i, r in enumerate(records)]
    want = features(RecordInfo.from_records(records), "viên chức thôi việc", ["58/2010/QH12"], cands)
    got = features(RecordInfo(index.corpus_stats(), index.records), "viên chức thôi việc", ["58/2010/QH12"], cands)
    assert np.array_equal(got, want, equal_nan=True)


def test_the_dense_side_finds_an_article_by_its_later_piece(store, tmp_path, request):
    """Every piece of an article is embedded and searched: a question worded like the article's third clause finds it
    by dense search alone, on every backend; with one piece per article it is not found."""
    long = doc("91/2015/QH13", "Bộ luật Dân sự", [
        ("468", "Lãi suất", "1. Lãi suất vay do các bên thỏa thuận.\n2. Trường hợp các bên có thỏa thuận về việc trả "
                            "lãi nhưng không xác định rõ lãi suất.\n3. Người cho vay được hưởng lãi quá hạn chưa trả "
                            "bằng mức lãi suất ghi trong hợp đồng vay tài sản."),
        ("469", "Hợp đồng vay", "1. Hợp đồng vay tài sản là sự thỏa thuận giữa các bên."),
    ])
    model = tmp_path / "fake-model"
    model.mkdir()
    (model / "config.json").write_text("{}")
    question = "người cho vay được hưởng lãi quá hạn chưa trả bằng mức lãi suất ghi trong hợp đồng"
    for name in BACKENDS:
        corpus = name.replace("-", "_")
        store.replace_source(corpus, "/c", "h", [long])
        for pieces in (8, 1):
            backend = make_backend(name, tmp_path / f"{name}-{pieces}", request)
            emb = HashEmbedder()
            config = IndexConfig(model_dir=str(model), piece_chars=60, max_pieces=pieces)
            report = backend.builder(config, emb).build(store, corpus)
            index = backend.load(corpus, embedder=emb, model_dir=config.model_dir)
            found = [key for key, _ in index._dense_search(question, 1, None)]
            if pieces == 8:
                assert report.pieces >= 4 and found == [("91/2015/QH13", "468")], name
                assert sum(1 for _, key in zip(*index.piece_vectors())) == report.pieces, name
            else:
                assert report.pieces == 2 and found == [("91/2015/QH13", "469")], name
