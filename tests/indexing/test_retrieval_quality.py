"""Retrieval quality on the 729 ALQAC dev questions through the product path (store → index → search)."""

from __future__ import annotations

import json

import pytest

from corpus.ingest import ingest
from corpus.store import Store
from eval.retrieval import run_alqac_questions
from indexing.index import CorpusIndex, IndexBuilder, IndexConfig
from tests.conftest import data_path

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def alqac(tmp_path_factory):
    home = tmp_path_factory.mktemp("home")
    store = Store(f"sqlite:///{home / 'thuky.db'}")
    ingest(store, "alqac", [data_path("alqac", "law.json")])
    questions = json.loads(data_path("alqac", "questions.json").read_text(encoding="utf-8"))
    return home, store, questions


def _run(home, store, questions, config, embedder=None):
    IndexBuilder(home, config, embedder).build(store, "alqac")
    index = CorpusIndex.load(home, "alqac", embedder=embedder, model_dir=config.model_dir,
                             resolver=store.resolver("alqac"),
                             aliases={d.doc_id: d.aliases for d in store.documents("alqac")})
    return run_alqac_questions(index, questions, store.resolver("alqac")).metrics()


def test_lexical_side_alone_meets_the_bar(alqac):
    m = _run(*alqac, IndexConfig(model_dir=None))
    assert m["n"] == 729
    assert m["ndcg@10"] >= 0.90 and m["recall@10"] >= 0.97, m


def test_default_hybrid_meets_the_bar(alqac, e5_model_dir):
    from indexing.embedder import Embedder

    config = IndexConfig(model_dir=str(e5_model_dir))
    embedder = Embedder(e5_model_dir, max_seq_length=config.dense_max_seq, quantize=config.dense_int8)
    m = _run(*alqac, config, embedder)
    assert m["ndcg@10"] >= 0.90 and m["recall@10"] >= 0.97, m
