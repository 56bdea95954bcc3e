"""Index builds with segmentation and embedding on Ray (``indexing/distributed.py``).

The fast tests check the executor's contract without starting Ray (the work done inline): it fills the caches with
what they lack and nothing else, the build from them equals the local build, and an aborted build keeps what came
back. The slow ones run a local Ray with 2 CPUs and the real e5 model: the same index as the local build, a worker
killed mid-batch that Ray replaces, and a rerun after an aborted build that reuses the cached work."""

from __future__ import annotations

import json
import os
import socket
import sqlite3
from pathlib import Path

import faiss
import numpy as np
import pytest

from indexing.distributed import EmbedBatch, RayExecutor, segment_batch
from indexing.index import IndexBuilder, IndexConfig, corpus_root
from tests.indexing.test_index import BLHS, VIEN_CHUC, HashEmbedder


class Abort(Exception):
    """Stands for a build that dies half-way (the driver killed, the cluster lost)."""


class InlineExecutor(RayExecutor):
    """The Ray executor's cache filling with each chunk worked in this process: its contract, without Ray."""

    def __init__(self, **kw):
        super().__init__(**kw)
        self.sent = {"segment": 0, "embed": 0}

    def segment(self, todo):
        items = list(todo.items())
        for i in range(0, len(items), self.segment_chunk):
            chunk = items[i:i + self.segment_chunk]
            self.sent["segment"] += len(chunk)
            out = segment_batch({"keys": [[k for k, _ in chunk]], "texts": [[t for _, t in chunk]]})
            yield list(zip(out["keys"][0], out["tokens"][0]))

    def embed(self, todo, embedder, dim):
        items = list(todo.items())
        for i in range(0, len(items), self.embed_chunk):
            chunk = items[i:i + self.embed_chunk]
            self.sent["embed"] += len(chunk)
            yield dict(zip((h for h, _ in chunk), embedder.embed_passages([t for _, t in chunk])))


def abort_at(stage: str, calls: int):
    """A progress callback that aborts the build at its ``calls``-th report of ``stage`` after the start."""
    seen = {"n": 0}

    def progress(s: str, done: int, total: int) -> None:
        if s == stage and done > 0:
            seen["n"] += 1
            if seen["n"] >= calls:
                raise Abort(f"aborted during {stage} at {done}/{total}")

    return progress


@pytest.fixture
def corpus(store):
    store.replace_source("test", "/a", "h1", [BLHS])
    store.replace_source("test", "/b", "h1", [VIEN_CHUC])
    return store


def fake_config(tmp_path) -> IndexConfig:
    (tmp_path / "fake-model").mkdir(exist_ok=True)
    (tmp_path / "fake-model" / "config.json").write_text("{}")
    return IndexConfig(model_dir=str(tmp_path / "fake-model"), piece_chars=80)


def cached_segments(home: Path) -> dict[str, list[str]]:
    path = corpus_root(home, "test") / "segments.jsonl"
    if not path.exists():
        return {}
    return {row["k"]: row["t"] for row in map(json.loads, path.read_text().splitlines())}


def cached_vectors(home: Path) -> int:
    (path,) = corpus_root(home, "test").glob("vectors-*.sqlite")
    with sqlite3.connect(path) as db:
        return db.execute("SELECT COUNT(*) FROM vectors").fetchone()[0]


def vectors(report) -> np.ndarray:
    index = faiss.read_index(str(report.directory / "dense.faiss"))
    return index.reconstruct_n(0, index.ntotal)


def assert_same_index(a, b, atol: float = 0.0) -> None:
    """Same manifest config and counts, byte-identical BM25 files and keys, vectors equal within ``atol``."""
    ma, mb = (json.loads((r.directory / "manifest.json").read_text()) for r in (a, b))
    assert ma["config"] == mb["config"] and ma["counts"] == mb["counts"] and ma["corpus_hash"] == mb["corpus_hash"]
    lexical = {name: meta["sha1"] for name, meta in ma["files"].items() if name != "dense.faiss"}
    assert lexical == {name: mb["files"][name]["sha1"] for name in lexical}
    assert any(name.startswith("bm25/") for name in lexical) and "dense_keys.json" in lexical
    np.testing.assert_allclose(vectors(a), vectors(b), rtol=0, atol=atol)


# -- the contract, without Ray -------------------------------------------------------------------------------------
def test_an_executor_build_equals_the_local_build(corpus, tmp_path):
    config = fake_config(tmp_path)
    local = IndexBuilder(tmp_path / "local", config, HashEmbedder()).build(corpus, "test")
    emb, executor = HashEmbedder(), InlineExecutor(segment_chunk=3, embed_chunk=2)
    remote = IndexBuilder(tmp_path / "remote", config, emb, executor).build(corpus, "test")
    assert_same_index(local, remote)
    assert cached_segments(tmp_path / "local") == cached_segments(tmp_path / "remote")
    # the executor did all the work; the build itself segmented and embedded nothing
    assert executor.sent == {"segment": remote.segmented, "embed": remote.embedded} and emb.calls == remote.pieces
    assert (remote.segmented, remote.embedded) == (local.segmented, local.embedded)


def test_a_cached_rebuild_sends_nothing_and_a_change_sends_only_itself(corpus, tmp_path):
    config, home = fake_config(tmp_path), tmp_path / "home"
    IndexBuilder(home, config, HashEmbedder(), InlineExecutor()).build(corpus, "test")
    again = InlineExecutor()
    report = IndexBuilder(home, config, HashEmbedder(), again).build(corpus, "test")
    assert again.sent == {"segment": 0, "embed": 0} and (report.segmented, report.embedded) == (0, 0)
    from tests.indexing.test_index import doc

    corpus.replace_source("test", "/b", "h2", [doc("58/2010/QH12", "Luật Viên chức", [
        ("29", "Đơn phương chấm dứt hợp đồng làm việc", "1. Viên chức có 02 năm liên tiếp không hoàn thành nhiệm vụ."),
        ("30", "Chế độ thôi việc", "1. Viên chức được hưởng trợ cấp thôi việc khi chấm dứt hợp đồng làm việc."),
        ("31", "Nghỉ hưu", "1. Viên chức nghỉ hưu theo quy định của Bộ luật Lao động.")])])
    changed = InlineExecutor()
    report = IndexBuilder(home, config, HashEmbedder(), changed).build(corpus, "test")
    assert changed.sent == {"segment": 2, "embed": 1} and report.articles == 6


def test_an_aborted_build_keeps_what_came_back_and_the_rerun_sends_only_the_rest(corpus, tmp_path):
    config, home = fake_config(tmp_path), tmp_path / "home"
    texts = 10  # 5 articles: a title and a body each
    first = InlineExecutor(segment_chunk=3, embed_chunk=2)
    with pytest.raises(Abort):
        IndexBuilder(home, config, HashEmbedder(), first).build(corpus, "test", abort_at("segment", 2))
    assert len(cached_segments(home)) == 6 and not (corpus_root(home, "test") / "CURRENT").exists()
    second = InlineExecutor(segment_chunk=3, embed_chunk=2)
    with pytest.raises(Abort):
        IndexBuilder(home, config, HashEmbedder(), second).build(corpus, "test", abort_at("embed", 1))
    assert second.sent["segment"] == texts - 6 and cached_vectors(home) == 2
    third = InlineExecutor(segment_chunk=3, embed_chunk=2)
    report = IndexBuilder(home, config, HashEmbedder(), third).build(corpus, "test")
    assert third.sent == {"segment": 0, "embed": report.pieces - 2} and report.embedded == report.pieces - 2
    local = IndexBuilder(tmp_path / "local", config, HashEmbedder()).build(corpus, "test")
    assert_same_index(local, report)


def free_port() -> int:
    """A port that was free a moment ago: nothing listens there."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_a_cluster_address_that_does_not_answer_is_refused_at_once():
    pytest.importorskip("ray", reason="Ray is not installed (pip install -e '.[scale]')")
    from indexing.distributed import RayUnavailable

    port = free_port()
    for address in (f"127.0.0.1:{port}", f"ray://127.0.0.1:{port}"):
        with pytest.raises(RayUnavailable, match="nothing answers"):
            RayExecutor(address).workers()
    with pytest.raises(RayUnavailable, match="not a Ray address"):
        RayExecutor("head-node").workers()


# -- on a local Ray ------------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def local_ray():
    ray = pytest.importorskip("ray", reason="Ray is not installed (pip install -e '.[scale]')")
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    yield
    ray.shutdown()


@pytest.fixture
def e5(e5_model_dir):
    from indexing.embedder import Embedder

    config = IndexConfig(model_dir=str(e5_model_dir))  # the product's defaults: int8, 96 tokens
    return config, Embedder(e5_model_dir, max_seq_length=config.dense_max_seq, quantize=config.dense_int8)


def crash_once_segmenting(marker: Path):
    """A segmentation UDF whose worker process dies on its first batch (once across retries: ``marker``)."""

    def udf(batch):
        if not marker.exists():
            marker.touch()
            os._exit(1)
        return segment_batch(batch)

    return udf


def crash_once_embedding(marker: Path):
    """An embedding actor that dies on its first batch (once across restarts: ``marker``)."""

    class CrashOnce(EmbedBatch):
        def __call__(self, batch):
            if not marker.exists():
                marker.touch()
                os._exit(1)
            return super().__call__(batch)

    return CrashOnce


@pytest.mark.slow
def test_a_ray_build_equals_the_local_build(local_ray, corpus, e5, tmp_path):
    config, emb = e5
    local = IndexBuilder(tmp_path / "local", config, emb).build(corpus, "test")
    executor = RayExecutor(segment_chunk=3)
    remote = IndexBuilder(tmp_path / "ray", config, emb, executor).build(corpus, "test")
    assert_same_index(local, remote, atol=1e-5)
    assert cached_segments(tmp_path / "local") == cached_segments(tmp_path / "ray")
    assert (remote.segmented, remote.embedded) == (local.segmented, local.embedded) == (10, 5)
    executor.close()  # joined a running Ray: leaves it up
    import ray

    assert ray.is_initialized()


@pytest.mark.slow
def test_a_killed_worker_is_replaced_and_the_build_completes(local_ray, corpus, e5, tmp_path):
    config, emb = e5
    executor = RayExecutor(segment_chunk=3, embed_workers=1)
    executor.segment_udf = crash_once_segmenting(tmp_path / "segment-crashed")
    executor.embed_udf = crash_once_embedding(tmp_path / "embed-crashed")
    report = IndexBuilder(tmp_path / "ray", config, emb, executor).build(corpus, "test")
    assert (tmp_path / "segment-crashed").exists() and (tmp_path / "embed-crashed").exists()
    assert (report.segmented, report.embedded) == (10, 5)
    local = IndexBuilder(tmp_path / "local", config, emb).build(corpus, "test")
    assert_same_index(local, report, atol=1e-5)


@pytest.mark.slow
def test_the_rerun_of_an_aborted_ray_build_reuses_its_cached_work(local_ray, corpus, e5, tmp_path):
    config, emb = e5
    home = tmp_path / "home"

    def executor():
        return RayExecutor(segment_chunk=2, embed_chunk=2, embed_workers=1)

    with pytest.raises(Abort):
        IndexBuilder(home, config, emb, executor()).build(corpus, "test", abort_at("segment", 1))
    segmented_before = len(cached_segments(home))
    assert 2 <= segmented_before < 10
    with pytest.raises(Abort):
        IndexBuilder(home, config, emb, executor()).build(corpus, "test", abort_at("embed", 1))
    embedded_before = cached_vectors(home)
    assert 2 <= embedded_before < 5
    report = IndexBuilder(home, config, emb, executor()).build(corpus, "test")
    assert report.segmented == 0 and report.embedded == 5 - embedded_before
    assert len(cached_segments(home)) == 10


@pytest.mark.slow
def test_the_cli_builds_on_a_local_ray(tmp_path):
    pytest.importorskip("ray", reason="Ray is not installed (pip install -e '.[scale]')")
    from tests.thuky.test_cli_search import STATUTE, _cli

    src = tmp_path / "luat.txt"
    src.write_text(STATUTE, encoding="utf-8")
    home = tmp_path / "home"
    assert _cli(home, "ingest", "--corpus", "statutes", str(src)).returncode == 0
    port = free_port()
    refused = _cli(home, "index", "build", "--corpus", "statutes", "--lexical-only", "--ray", f"127.0.0.1:{port}")
    assert refused.returncode == 1 and "nothing answers at the Ray address" in refused.stderr
    assert len(refused.stderr.strip().splitlines()) == 1 and not (home / "indexes" / "statutes" / "CURRENT").exists()
    built = _cli(home, "index", "build", "--corpus", "statutes", "--lexical-only", "--ray", "local")
    assert built.returncode == 0, built.stderr
    assert "4 texts segmented" in built.stdout
    found = _cli(home, "search", "khoảng cách tổ ong", "--json")
    assert json.loads(found.stdout)["hits"][0]["article"] == "2"
