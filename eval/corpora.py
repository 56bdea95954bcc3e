"""Open a benchmark corpus ready to query: ingest it into a store (idempotent), build its index, load it."""

from __future__ import annotations

from pathlib import Path

from corpus.ingest import ingest
from corpus.store import Store
from indexing.index import BuildReport, CorpusIndex, IndexBuilder, IndexConfig


def alqac_data(data_dir: Path) -> Path | None:
    """The shared data folder when it holds ALQAC's ``law.json``; else None, having printed why the caller skips."""
    if not (data_dir / "alqac" / "law.json").exists():
        print(f"skipped: {data_dir / 'alqac'} not found (set THUKY_DATA_DIR)")
        return None
    return data_dir


def open_alqac(home: Path, data_dir: Path, config: IndexConfig) -> tuple[Store, CorpusIndex, BuildReport]:
    """ALQAC ``law.json`` as corpus ``alqac`` under ``home``, indexed with ``config`` (no model dir: lexical only)."""
    store = Store(f"sqlite:///{home / 'thuky.db'}")
    ingest(store, "alqac", [data_dir / "alqac" / "law.json"])
    embedder = None
    if config.model_dir:
        from weights.e5_rebuild import build_e5_model
        from indexing.embedder import Embedder

        build_e5_model(Path(config.model_dir))
        embedder = Embedder(config.model_dir, max_seq_length=config.dense_max_seq, quantize=config.dense_int8)
    report = IndexBuilder(home, config, embedder).build(store, "alqac")
    index = CorpusIndex.load(home, "alqac", embedder=embedder, model_dir=config.model_dir,
                             resolver=store.resolver("alqac"),
                             aliases={d.doc_id: d.aliases for d in store.documents("alqac")})
    return store, index, report
