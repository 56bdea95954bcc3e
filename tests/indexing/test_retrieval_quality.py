"""Retrieval quality on the 729 ALQAC dev questions through the product path (store → index → search)."""

from __future__ import annotations

import json

import pytest

from eval.corpora import open_alqac
from eval.retrieval import run_alqac_questions
from indexing.index import IndexConfig
from tests.conftest import data_path

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def alqac(tmp_path_factory):
    questions = json.loads(data_path("alqac", "questions.json").read_text(encoding="utf-8"))
    return tmp_path_factory.mktemp("home"), questions


def _run(home, questions, config):
    store, index, _ = open_alqac(home, data_path("alqac", "law.json").parent.parent, config)
    return run_alqac_questions(index, questions, store.resolver("alqac")).metrics()


def test_lexical_side_alone_meets_the_bar(alqac):
    m = _run(*alqac, IndexConfig(model_dir=None))
    assert m["n"] == 729
    assert m["ndcg@10"] >= 0.90 and m["recall@10"] >= 0.97, m


def test_default_hybrid_meets_the_bar(alqac, e5_model_dir):
    m = _run(*alqac, IndexConfig(model_dir=str(e5_model_dir)))
    assert m["ndcg@10"] >= 0.90 and m["recall@10"] >= 0.97, m
