"""Heavy resources, created lazily and once per process: the store, the embedder, each corpus's loaded index."""

from __future__ import annotations

import threading
from functools import lru_cache

from thuky.settings import Settings, get_settings

_lock = threading.Lock()
_indexes: dict[str, object] = {}


@lru_cache
def store():
    from corpus.store import Store

    return Store(get_settings().db_url)


def make_embedder(s: Settings):
    """The embedding model ``s`` configures (it loads on first encode), or None when the dense side is off."""
    from indexing.embedder import Embedder

    if not s.dense:
        return None
    return Embedder(s.model_dir, batch_size=s.embed_batch_size, max_seq_length=s.dense_max_seq, quantize=s.dense_int8)


def make_llm(s: Settings):
    """The LLM composer when ``s.llm_url`` is set (an OpenAI-compatible endpoint), else None."""
    if not s.llm_url:
        return None
    from assistant.llm import LLMComposer

    return LLMComposer(base_url=s.llm_url, model=s.llm_model, timeout=s.llm_timeout_s)


def load_index(s: Settings, st, corpus: str, embedder):
    """Load a corpus's built index with its documents' names and aliases, warmed up for the first query (raises
    ``indexing.index.IndexError`` with a rebuild hint)."""
    from indexing.index import CorpusIndex

    aliases = {d.doc_id: d.aliases for d in st.documents(corpus)}
    index = CorpusIndex.load(s.home, corpus, embedder=embedder, model_dir=str(s.model_dir) if s.dense else None,
                             resolver=st.resolver(corpus), aliases=aliases)
    index.warm_up()
    return index


@lru_cache
def embedder():
    """The configured embedding model (loaded on first use), or None when the dense side is off."""
    return make_embedder(get_settings())


def index_config(settings: Settings | None = None):
    from indexing.index import IndexConfig

    s = settings or get_settings()
    return IndexConfig(model_dir=str(s.model_dir) if s.dense else None, dense_max_seq=s.dense_max_seq,
                       dense_int8=s.dense_int8, max_pieces=s.dense_max_pieces)


def corpus_index(corpus: str):
    """The loaded index of a corpus (raises indexing.index.IndexError with a rebuild hint)."""
    with _lock:
        if corpus not in _indexes:
            _indexes[corpus] = load_index(get_settings(), store(), corpus, embedder())
        return _indexes[corpus]


def forget_index(corpus: str) -> None:
    with _lock:
        _indexes.pop(corpus, None)


@lru_cache
def assistant():
    """The assistant over the configured store and indexes, with conversations persisted in the same database."""
    from assistant.conversation import ConversationStore
    from assistant.pipeline import Assistant

    st = store()
    return Assistant(st, corpus_index, ConversationStore(st.engine), llm=llm(), related_cases=related_cases_hook())


@lru_cache
def llm():
    """The optional LLM composer when THUKY_LLM_URL is set, else None."""
    return make_llm(get_settings())


@lru_cache
def case_law():
    """The case-law service (judgments, precedents, similar cases) over the configured store; its index is built on
    first use, lexical only when the embedding model is not there."""
    from assistant.cases import case_law_from_settings

    return case_law_from_settings(get_settings(), store(), embedder, corpus_index)


def related_cases_hook():
    """question → judgments to show beside an answer (``THUKY_CASES_IN_ANSWERS``, 0: off), or None."""
    from assistant.cases import related_cases_hook as hook

    return hook(case_law, get_settings().cases_in_answers)
