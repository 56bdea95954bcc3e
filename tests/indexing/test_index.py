"""The persisted corpus index: build, atomic switch, incremental rebuild, named units, filters, errors."""

from __future__ import annotations

import hashlib
import json

import numpy as np
import pytest

from corpus.law import Article, Clause, DocumentType, LegalDocument
from indexing.index import CorpusIndex, IndexBuilder, IndexConfig, IndexUnavailable, QueryError
from indexing.types import Filters


class HashEmbedder:
    """A deterministic bag-of-words embedder: fast, and similar texts get similar vectors."""

    dim = 64

    def __init__(self):
        self.calls = 0

    def _vec(self, text: str) -> np.ndarray:
        v = np.zeros(self.dim, dtype=np.float32)
        for w in text.lower().split():
            v[int(hashlib.md5(w.encode()).hexdigest(), 16) % self.dim] += 1
        n = np.linalg.norm(v)
        return v / n if n else v

    def embed_passages(self, texts):
        self.calls += len(texts)
        return np.stack([self._vec(t) for t in texts]) if texts else np.zeros((0, self.dim), np.float32)

    def embed_queries(self, texts):
        return np.stack([self._vec(t) for t in texts])


def doc(doc_id: str, title: str, articles: list[tuple[str, str, str]], doc_type=DocumentType.LAW) -> LegalDocument:
    return LegalDocument(id=doc_id, title=title, doc_type=doc_type, number=doc_id,
                         articles=[Article(n, t, body, clauses=[Clause("1", body)]) for n, t, body in articles])


BLHS = doc("100/2015/QH13", "Bộ luật Hình sự", [
    ("51", "Các tình tiết giảm nhẹ trách nhiệm hình sự", "1. Người phạm tội tự thú, đầu thú, thành khẩn khai báo."),
    ("52", "Các tình tiết tăng nặng trách nhiệm hình sự", "1. Phạm tội có tổ chức; phạm tội có tính chất côn đồ."),
    ("123", "Tội giết người", "1. Người nào giết người thì bị phạt tù từ 12 năm đến 20 năm, tù chung thân."),
], DocumentType.CODE)
VIEN_CHUC = doc("58/2010/QH12", "Luật Viên chức", [
    ("29", "Đơn phương chấm dứt hợp đồng làm việc", "1. Viên chức có 02 năm liên tiếp không hoàn thành nhiệm vụ."),
    ("30", "Chế độ thôi việc", "1. Viên chức được hưởng trợ cấp thôi việc khi chấm dứt hợp đồng làm việc."),
])


@pytest.fixture
def built(store, tmp_path):
    store.replace_source("test", "/a", "h1", [BLHS])
    store.replace_source("test", "/b", "h1", [VIEN_CHUC])
    emb = HashEmbedder()
    config = IndexConfig(model_dir=str(tmp_path / "fake-model"), piece_chars=80)
    (tmp_path / "fake-model").mkdir()
    (tmp_path / "fake-model" / "config.json").write_text("{}")
    report = IndexBuilder(tmp_path / "home", config, emb).build(store, "test")
    return store, tmp_path / "home", config, emb, report


def load(home, store, config, emb):
    return CorpusIndex.load(home, "test", embedder=emb, model_dir=config.model_dir, resolver=store.resolver("test"))


def test_build_writes_a_manifest_and_switches(built):
    store, home, config, emb, report = built
    assert report.articles == 5 and report.pieces >= 5 and report.embedded == report.pieces
    manifest = json.loads((report.directory / "manifest.json").read_text())
    assert manifest["counts"]["articles"] == 5
    assert manifest["dense_index"] == "flat"
    assert manifest["model"]["fingerprint"]
    assert (home / "indexes" / "test" / "CURRENT").read_text() == report.directory.name


def test_hybrid_search_finds_the_article(built):
    store, home, config, emb, _ = built
    index = load(home, store, config, emb)
    hits = index.search("viên chức được hưởng trợ cấp thôi việc", k=3)
    assert hits[0].key == ("58/2010/QH12", "30")
    assert {"bm25", "dense"} & set(hits[0].scores)
    assert [h.rank for h in hits] == [1, 2, 3]


def test_a_named_unit_comes_first(built):
    store, home, config, emb, _ = built
    index = load(home, store, config, emb)
    hits = index.search("khoản 1 Điều 52 BLHS quy định gì?", k=3)
    assert hits[0].key == ("100/2015/QH13", "52")
    assert hits[0].scores.get("citation") == 1.0


def test_filters_restrict_both_sides(built):
    store, home, config, emb, _ = built
    index = load(home, store, config, emb)
    hits = index.search("chấm dứt hợp đồng làm việc", k=5, filters=Filters(doc_ids=["100/2015/QH13"]))
    assert hits and all(h.key[0] == "100/2015/QH13" for h in hits)
    hits = index.search("chấm dứt hợp đồng", k=5, filters=Filters(doc_types=["Bộ luật"]))
    assert all(h.key[0] == "100/2015/QH13" for h in hits)


def test_rebuild_reembeds_only_changed_articles(built, tmp_path):
    store, home, config, emb, first = built
    changed = doc("58/2010/QH12", "Luật Viên chức", [
        ("29", "Đơn phương chấm dứt hợp đồng làm việc", "1. Viên chức có 02 năm liên tiếp không hoàn thành nhiệm vụ."),
        ("30", "Chế độ thôi việc", "1. Viên chức được hưởng trợ cấp thôi việc khi chấm dứt hợp đồng làm việc."),
        ("31", "Nghỉ hưu", "1. Viên chức nghỉ hưu theo quy định của Bộ luật Lao động."),
    ])
    store.replace_source("test", "/b", "h2", [changed])
    second = IndexBuilder(home, config, emb).build(store, "test")
    assert second.embedded == 1 and second.articles == 6
    assert second.segmented <= 2  # title and body of the new article
    index = load(home, store, config, emb)
    assert index.search("nghỉ hưu", k=1)[0].key == ("58/2010/QH12", "31")
    assert first.directory.exists()  # the previous build is kept for readers that still hold it


def test_bad_queries_give_clear_errors_or_empty_results(built):
    store, home, config, emb, _ = built
    index = load(home, store, config, emb)
    for q in ("", "   \n\t"):
        with pytest.raises(QueryError, match="empty"):
            index.search(q)
    with pytest.raises(QueryError, match="limit"):
        index.search("a" * 100_001)
    assert index.search("???!!!") == []
    assert isinstance(index.search("и и и и"), list)  # another script: no crash
    assert isinstance(index.search("của và là thì mà"), list)  # only stop words


def test_missing_index_says_how_to_rebuild(tmp_path, store):
    with pytest.raises(IndexUnavailable, match="thuky index build --corpus nothing"):
        CorpusIndex.load(tmp_path, "nothing")


def test_corrupt_or_foreign_index_says_how_to_rebuild(built, tmp_path):
    store, home, config, emb, report = built
    other = tmp_path / "other-model"
    other.mkdir()
    (other / "config.json").write_text('{"hidden_size": 768}')
    with pytest.raises(IndexUnavailable, match="built with the model"):
        CorpusIndex.load(home, "test", embedder=emb, model_dir=str(other))
    faiss_file = report.directory / "dense.faiss"
    faiss_file.write_bytes(faiss_file.read_bytes()[:100])
    with pytest.raises(IndexUnavailable, match="rebuild"):
        load(home, store, config, emb)


def test_empty_corpus_cannot_be_indexed(store, tmp_path):
    with pytest.raises(IndexUnavailable, match="no articles"):
        IndexBuilder(tmp_path, IndexConfig()).build(store, "empty")
