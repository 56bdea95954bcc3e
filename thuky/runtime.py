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


@lru_cache
def embedder():
    """The configured embedding model (loaded on first use), or None when the dense side is off."""
    from indexing.embedder import Embedder

    s = get_settings()
    if not s.dense:
        return None
    return Embedder(s.model_dir, batch_size=s.embed_batch_size, max_seq_length=s.dense_max_seq, quantize=s.dense_int8)


def index_config(settings: Settings | None = None):
    from indexing.index import IndexConfig

    s = settings or get_settings()
    return IndexConfig(model_dir=str(s.model_dir) if s.dense else None, dense_max_seq=s.dense_max_seq,
                       dense_int8=s.dense_int8, max_pieces=s.dense_max_pieces)


def corpus_index(corpus: str):
    """The loaded index of a corpus (raises indexing.index.IndexError with a rebuild hint)."""
    from indexing.index import CorpusIndex

    with _lock:
        if corpus not in _indexes:
            s = get_settings()
            st = store()
            aliases = {d.doc_id: d.aliases for d in st.documents(corpus)}
            _indexes[corpus] = CorpusIndex.load(s.home, corpus, embedder=embedder(),
                                                model_dir=str(s.model_dir) if s.dense else None,
                                                resolver=st.resolver(corpus), aliases=aliases)
        return _indexes[corpus]


def forget_index(corpus: str) -> None:
    with _lock:
        _indexes.pop(corpus, None)
