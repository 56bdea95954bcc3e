"""What only the Milvus backend has: filter expressions, the tokens Milvus sees, upserts by content hash, the
manifest every process reads, and — on real data — the same ranking as the embedded index."""

from __future__ import annotations

import datetime as dt
import json

import numpy as np
import pytest

from indexing.index import EmbeddedBackend, IndexConfig
from indexing.types import Filters
from tests.conftest import data_path
from tests.indexing.test_index import BLHS, VIEN_CHUC, HashEmbedder, doc

pytest.importorskip("pymilvus")

from indexing.milvus import (Collection, Manifests, MilvusBackend, collection_name, filter_expr,  # noqa: E402
                             lex_text, token_repeat)


def test_filter_expressions_quote_values_and_cover_every_field():
    assert filter_expr(None) == "" and filter_expr(Filters()) == ""
    e = filter_expr(Filters(doc_ids=['a"b\\c', "Bộ luật"], exclude_doc_ids=["x"], doc_types=["Luật"],
                            statuses=[None, "Còn hiệu lực"], effective_on=dt.date(2020, 7, 1)))
    assert 'doc_id in ["a\\"b\\\\c", "Bộ luật"]' in e
    assert 'doc_id not in ["x"]' in e and 'doc_type in ["Luật"]' in e
    assert 'status in ["", "Còn hiệu lực"]' in e  # an unknown status is stored as ""
    assert "effective <= 20200701 and expiry > 20200701" in e


def test_tokens_reach_milvus_whole():
    assert lex_text(["tự_thú", "100/2015/qh13", "1.", "?", "a"]) == "tự_thú 100_2015_qh13 1_ a"
    assert lex_text(["tự_thú", "a"], repeat=2) == "tự_thú tự_thú a a"


def test_bm25_k1_is_reached_by_repeating_tokens():
    assert token_repeat(0.8) == 2 and token_repeat(1.5) == 1 and token_repeat(0.5) == 3 and token_repeat(9) == 1


def test_milvus_bm25_is_bm25s_with_the_effective_k1(tmp_path):
    """Milvus's BM25 over tokens written twice ranks and scores (up to one factor) as bm25s with k1 = 0.75."""
    import bm25s
    import numpy as np

    from indexing.milvus import MILVUS_BM25_K1

    rng = np.random.default_rng(0)
    vocab = [f"w{i}" for i in range(40)] + ["tự_thú", "a"]
    docs = [[vocab[j] for j in rng.integers(0, rng.integers(1, len(vocab)) + 1, rng.integers(3, 40))]
            for _ in range(200)]
    coll = Collection(str(tmp_path / "m.db"), "bm25")
    coll.create(2)
    coll.upsert([{"pk": str(i), "content_hash": "", "ord": i, "doc_id": "d", "article_no": str(i), "doc_type": "",
                  "status": "", "doc_title": "", "title": "", "body": "", "path": [], "effective": 0, "expiry": 0,
                  "year": 0, "lex": lex_text(d, 2), "dense": [1.0, 0.0]} for i, d in enumerate(docs)])
    ref = bm25s.BM25(k1=MILVUS_BM25_K1 / 2, b=0.75, method="lucene")
    ref.index(docs, show_progress=False)
    for q in (["tự_thú"], ["w3", "a"], ["w1", "w7", "w30"]):
        got = dict(coll.search_lexical(lex_text(q), 200))
        want = ref.get_scores(q)
        keys = [k for k in got]
        ratio = np.array([got[k] / want[int(k[1])] for k in keys])
        assert len(got) == int((want > 0).sum())
        assert ratio.max() / ratio.min() < 1.0001, q


def test_collection_names_are_safe_and_distinct():
    assert collection_name("statutes") == "thuky_statutes"
    assert collection_name("luật-2024") != collection_name("luật_2024")
    assert all(ch.isalnum() or ch == "_" for ch in collection_name("luật-2024") if ch.isascii())


@pytest.fixture
def milvus_site(store, tmp_path):
    store.replace_source("test", "/a", "h1", [BLHS])
    store.replace_source("test", "/b", "h1", [VIEN_CHUC])
    model = tmp_path / "fake-model"
    model.mkdir()
    (model / "config.json").write_text("{}")
    backend = MilvusBackend(str(tmp_path / "m.db"), tmp_path / "home")
    return backend, store, IndexConfig(model_dir=str(model), piece_chars=80, max_pieces=1), HashEmbedder()


def test_an_unchanged_rebuild_upserts_nothing(milvus_site):
    backend, store, config, emb = milvus_site
    first = backend.builder(config, emb).build(store, "test")
    manifest = Manifests(backend.uri).get("test")
    assert manifest["counts"] == {"articles": 5, "documents": 2, "pieces": 5, "upserted": 5, "deleted": 0}
    second = backend.builder(config, emb).build(store, "test")
    manifest2 = Manifests(backend.uri).get("test")
    assert manifest2["counts"]["upserted"] == 0 and manifest2["counts"]["deleted"] == 0
    assert second.embedded == 0 and manifest2["build"] != manifest["build"] and first.directory != second.directory


def test_a_changed_article_is_upserted_and_a_removed_document_deleted(milvus_site):
    backend, store, config, emb = milvus_site
    backend.builder(config, emb).build(store, "test")
    edited = doc("100/2015/QH13", "Bộ luật Hình sự", [
        ("51", "Các tình tiết giảm nhẹ trách nhiệm hình sự", "1. Người phạm tội tự thú, lập công chuộc tội."),
        ("52", "Các tình tiết tăng nặng trách nhiệm hình sự", "1. Phạm tội có tổ chức; phạm tội có tính chất côn đồ."),
        ("123", "Tội giết người", "1. Người nào giết người thì bị phạt tù từ 12 năm đến 20 năm, tù chung thân."),
    ])
    store.replace_source("test", "/a", "h2", [edited])
    store.delete_document("test", "58/2010/QH12")
    backend.builder(config, emb).build(store, "test")
    counts = Manifests(backend.uri).get("test")["counts"]
    assert counts["upserted"] >= 1 and counts["deleted"] == 2 and counts["articles"] == 3
    coll = Collection(backend.uri, "test")
    assert set(coll.keys()) == {("100/2015/QH13", n) for n in ("51", "52", "123")}
    index = backend.load("test", embedder=emb, model_dir=config.model_dir)
    assert "lập công chuộc tội" in index.records[("100/2015/QH13", "51")].text


def test_a_reopened_file_is_searchable(milvus_site):
    """milvus-lite reopens a file with every collection released: loading the index loads them again."""
    from indexing import milvus

    backend, store, config, emb = milvus_site
    backend.builder(config, emb).build(store, "test")
    c = milvus.client(backend.uri)
    for name in (milvus.MANIFESTS, collection_name("test")):
        c.release_collection(name)
    milvus._loaded.clear()
    assert backend.current("test")
    index = backend.load("test", embedder=emb, model_dir=config.model_dir)
    assert index.search("nghỉ hưu trợ cấp thôi việc", k=1)[0].key == ("58/2010/QH12", "30")


def test_a_corpus_emptied_is_removed(milvus_site):
    backend, store, config, emb = milvus_site
    builder = backend.builder(config, emb)
    builder.build(store, "test")
    builder.remove("test")
    assert backend.current("test") is None and not Collection(backend.uri, "test").exists()


def test_an_index_built_with_another_model_is_refused(milvus_site, tmp_path):
    from indexing.index import IndexUnavailable

    backend, store, config, emb = milvus_site
    backend.builder(config, emb).build(store, "test")
    other = tmp_path / "other"
    other.mkdir()
    (other / "config.json").write_text(json.dumps({"hidden_size": 768}))
    with pytest.raises(IndexUnavailable, match="built with the model"):
        backend.load("test", embedder=emb, model_dir=str(other))


@pytest.mark.slow
def test_milvus_ranks_alqac_like_the_embedded_index(tmp_path):
    """The lexical side on the real ALQAC corpus and its 729 dev questions: same nDCG@10 (± 0.01) and mostly the
    same top 10. (The dense side is the same vectors searched exactly on both.)"""
    from corpus.ingest import ingest
    from corpus.store import Store
    from eval.retrieval import run_alqac_questions

    law = data_path("alqac", "law.json")
    questions = json.loads(data_path("alqac", "questions.json").read_text(encoding="utf-8"))
    store = Store(f"sqlite:///{tmp_path / 'thuky.db'}")
    ingest(store, "alqac", [law])
    home, config = tmp_path / "home", IndexConfig(model_dir=None)
    runs = {}
    for backend in (EmbeddedBackend(home), MilvusBackend(str(home / "milvus.db"), home)):
        backend.builder(config).build(store, "alqac")  # the second build reads the first's segmentation cache
        index = backend.load("alqac", resolver=store.resolver("alqac"),
                             aliases={d.doc_id: d.aliases for d in store.documents("alqac")})
        runs[backend.name] = run_alqac_questions(index, questions, store.resolver("alqac"))
    emb, mil = runs["embedded"].metrics(), runs["milvus"].metrics()
    assert mil["n"] == emb["n"] == 729
    assert abs(mil["ndcg@10"] - emb["ndcg@10"]) <= 0.01, (emb, mil)
    overlap = [len(set(a) & set(b)) / max(1, len(a)) for (a, _), (b, _) in zip(runs["embedded"].runs,
                                                                                  runs["milvus"].runs)]
    assert sum(overlap) / len(overlap) >= 0.9


def test_a_worker_fetches_articles_as_queries_need_them(milvus_site):
    """A loaded Milvus index holds no article until a query needs it, and never more than its cache's capacity."""
    backend, store, config, emb = milvus_site
    backend.builder(config, emb).build(store, "test")
    index = backend.load("test", embedder=emb, model_dir=config.model_dir)
    assert index.records.cached() == 0 and len(index.records) == 5
    hits = index.search("viên chức được hưởng trợ cấp thôi việc", k=2)
    assert hits[0].key == ("58/2010/QH12", "30") and 0 < index.records.cached() <= 5
    assert index.records[("58/2010/QH12", "30")].title == "Chế độ thôi việc"


def test_fetched_articles_keep_the_most_recently_used():
    from indexing.records import FetchedArticles
    from indexing.types import ArticleRecord

    stored = {("D", str(n)): ArticleRecord(("D", str(n)), "Luật D", "Luật", f"Điều {n}", "…") for n in range(5)}
    asked: list[list] = []

    def fetch(keys):
        asked.append(list(keys))
        return {k: stored[k] for k in keys if k in stored}

    articles = FetchedArticles(fetch, len(stored), {"D": "Luật D"}, lambda: iter(stored), capacity=2)
    assert list(articles.many([("D", "0"), ("D", "1"), ("X", "9")])) == [("D", "0"), ("D", "1")]
    assert articles[("D", "0")].title == "Điều 0" and asked == [[("D", "0"), ("D", "1"), ("X", "9")]]  # cached
    articles.many([("D", "2")])  # evicts ("D", "1"), the least recently used
    assert articles.cached() == 2 and ("D", "1") in articles and asked[-1] == [("D", "1")]
    assert ("X", "9") not in articles and articles.get(("X", "9")) is None
    with pytest.raises(KeyError):
        articles[("X", "9")]
    assert len(articles) == 5 and list(articles) == list(stored)


def test_blobs_round_trip_in_chunks_and_older_builds_are_pruned(tmp_path, monkeypatch):
    from indexing.milvus import Blobs

    monkeypatch.setattr(Blobs, "CHUNK", 100)  # many chunks from a small value
    blobs = Blobs(str(tmp_path / "m.db"))
    value = {"df": {f"từ{i}": i for i in range(300)}, "docs": {"100/2015/QH13": ["Bộ luật Hình sự", 3, None]}}
    blobs.put("statutes", "b1", "stats", value)
    blobs.put("statutes", "b2", "stats", {"df": {}})
    blobs.put("alqac", "b1", "stats", {"df": {"x": 1}})
    assert blobs.get("statutes", "b1", "stats") == value and blobs.get("statutes", "b1", "other") is None
    blobs.prune("statutes", "b2")
    assert blobs.get("statutes", "b1", "stats") is None and blobs.get("statutes", "b2", "stats") == {"df": {}}
    assert blobs.get("alqac", "b1", "stats") == {"df": {"x": 1}}  # another corpus keeps its own


def test_the_dense_search_reads_the_adapted_vector(milvus_site):
    """The query adapter (indexing/query_adapter.py) maps the vector the Milvus dense search is given; the
    collection hands back its vectors for the adapter's training."""
    from indexing.query_adapter import QueryAdapter, attach_adapter

    backend, store, config, emb = milvus_site
    backend.builder(config, emb).build(store, "test")
    index = backend.load("test", embedder=emb, model_dir=config.model_dir)
    vectors, keys = index.piece_vectors()
    assert vectors.shape == (5, emb.dim) and len(set(keys)) == 5
    target = vectors[keys.index(("100/2015/QH13", "123"))]
    text = "người viên chức được hưởng trợ cấp thôi việc"
    assert emb.embed_queries([text])[0] @ target > 0
    assert index._dense_search(text, 1, None)[0][0] == ("58/2010/QH12", "30")
    attach_adapter(index, QueryAdapter(np.outer(target, target) - np.eye(emb.dim, dtype=np.float32)))
    assert index._dense_search(text, 1, None)[0][0] == ("100/2015/QH13", "123")


def test_pieces_are_upserted_as_they_change_and_deleted_with_their_article(milvus_site):
    """With every piece embedded, a rebuild writes only the pieces whose text changed and deletes the pieces of a
    removed article; back to one piece per article, the piece collection is dropped."""
    from indexing.milvus import PieceCollection

    backend, store, config, emb = milvus_site
    config = IndexConfig(model_dir=config.model_dir, piece_chars=40)
    long = doc("91/2015/QH13", "Bộ luật Dân sự", [
        ("468", "Lãi suất", "1. Lãi suất vay do các bên thỏa thuận.\n2. Các bên có thỏa thuận về việc trả lãi.\n"
                            "3. Người cho vay được hưởng lãi quá hạn."),
    ])
    store.replace_source("test", "/c", "h1", [long])
    backend.builder(config, emb).build(store, "test")
    pieces = PieceCollection(backend.uri, "test")
    first = Manifests(backend.uri).get("test")
    n = first["counts"]["pieces"]
    assert first["piece_collection"] == pieces.name and n > 5 and len(pieces.hashes()) == n
    edited = doc("91/2015/QH13", "Bộ luật Dân sự", [
        ("468", "Lãi suất", "1. Lãi suất vay do các bên thỏa thuận.\n2. Các bên có thỏa thuận về việc trả lãi.\n"
                            "3. Người cho vay được hưởng lãi chậm trả."),
    ])
    store.replace_source("test", "/c", "h2", [edited])
    before = emb.calls
    backend.builder(config, emb).build(store, "test")
    counts = Manifests(backend.uri).get("test")["counts"]
    assert counts["pieces_upserted"] >= 1 and counts["pieces"] == n and emb.calls - before <= 2
    store.delete_document("test", "58/2010/QH12")
    backend.builder(config, emb).build(store, "test")
    counts = Manifests(backend.uri).get("test")["counts"]
    assert counts["pieces_deleted"] >= 2 and len(pieces.hashes()) == counts["pieces"] < n
    assert all(key[0] != "58/2010/QH12" for key in pieces.vectors()[1])
    backend.builder(IndexConfig(model_dir=config.model_dir, piece_chars=40, max_pieces=1), emb).build(store, "test")
    assert not pieces.exists() and Manifests(backend.uri).get("test")["piece_collection"] is None
