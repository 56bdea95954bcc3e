"""The persisted index of one corpus: BM25 + FAISS + manifest, built into a new directory and switched atomically.

Layout under ``THUKY_HOME/indexes/<corpus>/``::

    CURRENT                 the name of the live build (replaced with os.replace: readers never see half an index)
    build-<timestamp>/      manifest.json, bm25/, dense.faiss, dense_keys.json
    segments.jsonl          word-segmentation cache (content hash → tokens)
    vectors-<model>.sqlite  passage-vector cache (content hash → vector)

A rebuild after documents were added or removed re-segments and re-embeds only the articles whose text changed; the
caches make everything else a lookup, so an incremental update costs seconds, not minutes.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import hashlib
import json
import os
import shutil
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from indexing.bm25 import BM25Index
from indexing.config import IndexConfig
from indexing.corpus_stats import CorpusStats
from indexing.dense import DenseIndex
from indexing.fusion import HybridRetriever
from indexing.passage_bm25 import PassageBM25
from indexing.pieces import split_article
from indexing.query import QueryAnalyzer
from indexing.records import ArticleLookup, InMemoryArticles
from indexing.rerank import NamedUnitReranker, Reranker
from indexing.segment import Segmenter
from indexing.types import ArticleRecord, Filters, Hit, Key
from indexing.vector_cache import VectorCache

FORMAT_VERSION = 2  # 2: passage BM25 (indexing/passage_bm25.py)
MAX_QUERY_CHARS = 20_000
QUERY_CACHE = 10_000  # questions whose segmentation a serving process keeps


class IndexUnavailable(Exception):
    """The index cannot be used as it is; the message says how to rebuild it."""


class QueryError(ValueError):
    """A query that cannot be searched (empty, too long); the message says what is wrong."""


@dataclass
class BuildReport:
    corpus: str
    directory: Path
    articles: int
    pieces: int
    segmented: int
    embedded: int
    seconds: dict[str, float] = field(default_factory=dict)


def model_fingerprint(model_dir: str | None) -> str | None:
    """A short id of a model directory's weights (its manifest if it has one, else its config and weight sizes)."""
    if not model_dir:
        return None
    d = Path(model_dir)
    h = hashlib.sha1()
    for name in ("thuky_manifest.json", "config.json"):
        if (d / name).exists():
            h.update((d / name).read_bytes())
    for w in sorted(d.glob("*.safetensors")) + sorted(d.glob("*.bin")):
        h.update(f"{w.name}:{w.stat().st_size}".encode())
    return h.hexdigest()[:16]


def records_from_store(store, corpus: str) -> list[ArticleRecord]:
    rows = store.article_rows(corpus)
    return [
        ArticleRecord(key=(r["doc_id"], r["article_no"]), doc_title=r["doc_title"], doc_type=r["doc_type"],
                      title=r["title"] or "", text=r["text"] or "", path=list(r["path"] or []), status=r["status"],
                      effective_date=r["effective_date"], expiry_date=r["expiry_date"])
        for r in rows
    ]


def corpus_root(home: Path, corpus: str) -> Path:
    return Path(home) / "indexes" / corpus


def _heading(r: ArticleRecord) -> str:
    head = f"Điều {r.article_no}. {r.title}".strip().rstrip(".") if r.title else f"Điều {r.article_no}"
    return f"{r.doc_title} — {head}"


def article_pieces(records: list[ArticleRecord], config: IndexConfig):
    out = []
    for r in records:
        out.extend(split_article(r.key, _heading(r), r.text, max_chars=config.piece_chars,
                                 max_pieces=config.max_pieces))
    return out


@contextmanager
def build_lock(root: Path) -> Iterator[None]:
    """Hold the build lock of a corpus's index folder: one build at a time, across threads, workers and processes."""
    root.mkdir(parents=True, exist_ok=True)
    with (root / ".build.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


class IndexBuilder:
    """Builds the index of a corpus from the store. Cheap to construct; the embedder loads on first use.

    ``executor`` (e.g. ``indexing.distributed.RayExecutor``) segments and embeds elsewhere what the caches lack,
    before the build reads everything from them; without one, this process does the work (the default)."""

    def __init__(self, home: Path, config: IndexConfig, embedder=None, executor=None):
        self.home = Path(home)
        self.config = config
        self.embedder = embedder
        self.executor = executor

    def remove(self, corpus: str) -> None:
        """Stop serving the corpus's index (its corpus is empty); the caller holds the build lock."""
        (corpus_root(self.home, corpus) / "CURRENT").unlink(missing_ok=True)

    def build(self, store, corpus: str, progress: Callable[[str, int, int], None] | None = None) -> BuildReport:
        """Build the corpus's index into a new folder and switch ``CURRENT`` to it, under the corpus's build lock."""
        with build_lock(corpus_root(self.home, corpus)):
            return self._build(store, corpus, progress)

    def _build(self, store, corpus: str, progress: Callable[[str, int, int], None] | None = None) -> BuildReport:
        progress = progress or (lambda stage, done, total: None)
        t0 = time.perf_counter()
        records = records_from_store(store, corpus)
        if not records:
            raise IndexUnavailable(f"corpus {corpus!r} has no articles: ingest documents first (`thuky ingest --corpus "
                             f"{corpus} PATH`)")
        root = corpus_root(self.home, corpus)
        root.mkdir(parents=True, exist_ok=True)
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S-%f")
        tmp = root / f".tmp-build-{stamp}"
        final = root / f"build-{stamp}"
        tmp.mkdir()
        seconds: dict[str, float] = {}
        try:
            # lexical side
            t = time.perf_counter()
            segmenter = Segmenter(cache_path=root / "segments.jsonl")
            bm25 = BM25Index(k1=self.config.bm25_k1, b=self.config.bm25_b, title_weight=self.config.title_weight,
                             segmenter=segmenter)
            progress("segment", 0, len(records))
            segmented = 0
            if self.executor is not None:
                texts = bm25.segment_texts(records)
                segmented = self.executor.fill_segments(segmenter, texts,
                                                        lambda done, total: progress("segment", done, total))
            parts = bm25.segmented(records)  # titles, bodies, document titles: segmented once for both indexes
            bm25.build(records, bm25.document_tokens(records, parts))
            bm25.save(tmp / "bm25")
            PassageBM25.build(*parts[:2]).save(tmp / "passages")
            segmented += segmenter.misses
            progress("segment", len(records), len(records))
            seconds["segment+bm25"] = time.perf_counter() - t
            # dense side
            pieces, embedded, kind = [], 0, None
            if self.config.model_dir:
                t = time.perf_counter()
                pieces = article_pieces(records, self.config)
                emb = self.embedder
                variant = f"{self.config.dense_max_seq}{'-int8' if self.config.dense_int8 else ''}"
                cache = VectorCache(root / f"vectors-{model_fingerprint(self.config.model_dir)}-{variant}.sqlite",
                                    emb.dim)
                done = 0

                def tick(n: int) -> None:
                    nonlocal done
                    done += n
                    progress("embed", done, len(pieces))

                progress("embed", 0, len(pieces))
                texts = [p.text for p in pieces]
                if self.executor is not None:
                    embedded = self.executor.fill_vectors(cache, texts, emb, on_progress=tick)
                vectors, embedded_here = cache.embed(texts, emb.embed_passages, on_progress=tick)
                embedded += embedded_here
                cache.close()
                progress("embed", len(pieces), len(pieces))
                dense = DenseIndex(vectors, [p.key for p in pieces])
                dense.save(tmp)
                kind = dense.kind
                seconds["embed+faiss"] = time.perf_counter() - t
            manifest = {
                "format": FORMAT_VERSION,
                "corpus": corpus,
                "built_at": dt.datetime.now(dt.timezone.utc).isoformat(),
                "config": asdict(self.config),
                "model": {"dir": self.config.model_dir, "fingerprint": model_fingerprint(self.config.model_dir)},
                "counts": {"articles": len(records), "documents": len({r.doc_id for r in records}),
                           "pieces": len(pieces)},
                "dense_index": kind,
                "corpus_hash": _corpus_hash(records),
                "files": _file_sums(tmp),
            }
            (tmp / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2))
            tmp.rename(final)
            _switch(root, final.name)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        _prune(root, keep=2)
        seconds["total"] = time.perf_counter() - t0
        return BuildReport(corpus, final, len(records), len(pieces), segmented, embedded, seconds)


def _corpus_hash(records: list[ArticleRecord]) -> str:
    h = hashlib.sha1()
    for r in records:
        h.update(f"{r.key}\x00{r.title}\x00{r.text}\x01".encode())
    return h.hexdigest()


def _file_sums(directory: Path) -> dict[str, dict]:
    out = {}
    for p in sorted(directory.rglob("*")):
        if p.is_file():
            out[str(p.relative_to(directory))] = {"bytes": p.stat().st_size,
                                                 "sha1": hashlib.sha1(p.read_bytes()).hexdigest()}
    return out


def _switch(root: Path, name: str) -> None:
    tmp = root / "CURRENT.tmp"
    tmp.write_text(name)
    os.replace(tmp, root / "CURRENT")


def _prune(root: Path, keep: int) -> None:
    live = (root / "CURRENT").read_text().strip()
    builds = sorted(p for p in root.glob("build-*") if p.is_dir())
    for old in builds[:-keep]:
        if old.name != live:
            shutil.rmtree(old, ignore_errors=True)


class CorpusIndex:
    """A loaded, read-only index of one corpus: hybrid search with named-unit lookup first.

    ``CorpusIndex.load(home, corpus, embedder=...)`` checks the manifest (format, model, files) and raises
    ``IndexUnavailable`` saying how to rebuild when anything is off.
    """

    def __init__(self, corpus: str, directory: Path, manifest: dict, bm25: BM25Index, dense: DenseIndex | None,
                 embedder=None, resolver=None, aliases: dict[str, list[str]] | None = None, *,
                 articles: ArticleLookup | None = None, stats: CorpusStats | None = None,
                 passages: PassageBM25 | None = None):
        self.corpus, self.directory, self.manifest = corpus, directory, manifest
        self.bm25, self.dense, self.embedder, self.resolver = bm25, dense, embedder, resolver
        self.passages = passages
        cfg = manifest["config"]
        self.config = IndexConfig(**{**cfg, "weights": tuple(cfg["weights"])})
        # every article (the embedded index holds them in memory; the Milvus one fetches them as queries need them)
        self.records: ArticleLookup = articles if articles is not None else InMemoryArticles(bm25.records)
        self._stats = stats
        self.analyzer = QueryAnalyzer.from_titles(dict(self.records.documents), aliases, with_choices=True)
        self.rerankers: list[Reranker] = [NamedUnitReranker(self.records, resolver)]
        self.query_adapter = None  # indexing/query_adapter.py: maps the query vector before the dense search
        self.hybrid = HybridRetriever(bm25, self._dense_search if dense is not None else None, self.analyzer,
                                      fusion=self.config.fusion, weights=self.config.weights,
                                      rrf_k=self.config.rrf_k, depth=self.config.depth,
                                      law_boost=self.config.law_boost, articles=self.records)

    def corpus_stats(self) -> CorpusStats:
        """The corpus statistics the learned ranker's features read (made once from the articles when the index did
        not come with them)."""
        if self._stats is None:
            self._stats = CorpusStats.from_records(self.bm25.records)
        return self._stats

    @classmethod
    def load(cls, home: Path, corpus: str, *, embedder=None, model_dir: str | None = None,
             resolver=None, aliases: dict[str, list[str]] | None = None) -> "CorpusIndex":
        root = corpus_root(home, corpus)
        hint = f"rebuild it with `thuky index build --corpus {corpus}`"
        current = root / "CURRENT"
        if not current.exists():
            raise IndexUnavailable(f"no index for corpus {corpus!r} under {root}: {hint}")
        directory = root / current.read_text().strip()
        try:
            manifest = json.loads((directory / "manifest.json").read_text())
        except (OSError, ValueError) as exc:
            raise IndexUnavailable(f"index of {corpus!r} at {directory} has no readable manifest ({exc}): "
                                   f"{hint}") from exc
        if manifest.get("format") != FORMAT_VERSION:
            raise IndexUnavailable(f"index of {corpus!r} has format {manifest.get('format')}, "
                                   f"expected {FORMAT_VERSION}: {hint}")
        for name, meta in manifest.get("files", {}).items():
            p = directory / name
            if not p.is_file() or p.stat().st_size != meta["bytes"]:
                raise IndexUnavailable(f"index file {p} is missing or has the wrong size: {hint}")
        built_with = manifest["model"]["fingerprint"]
        if built_with and model_dir is not None and model_fingerprint(model_dir) != built_with:
            raise IndexUnavailable(f"index of {corpus!r} was built with the model at {manifest['model']['dir']} "
                             f"({built_with}), but the configured model is {model_dir} "
                             f"({model_fingerprint(model_dir)}): {hint}")
        try:
            bm25 = BM25Index.load(directory / "bm25", segmenter=Segmenter(cache_path=None, max_entries=QUERY_CACHE))
            dense = DenseIndex.load(directory, manifest["dense_index"]) if manifest["dense_index"] else None
            passages = PassageBM25.load(directory / "passages")
        except Exception as exc:  # corrupt files: numpy/faiss/json errors of many kinds
            raise IndexUnavailable(f"index of {corpus!r} at {directory} is corrupt ({type(exc).__name__}: {exc}): "
                             f"{hint}") from exc
        if dense is not None and embedder is None:
            raise IndexUnavailable(f"index of {corpus!r} has a dense part but no embedding model was given")
        int8 = manifest["config"].get("dense_int8", False)
        if dense is not None and getattr(embedder, "quantize", int8) != int8:
            raise IndexUnavailable(f"index of {corpus!r} was built with int8={int8} but the encoder is configured with "
                             f"int8={embedder.quantize} (THUKY_DENSE_INT8): {hint}")
        return cls(corpus, directory, manifest, bm25, dense, embedder, resolver, aliases, passages=passages)

    def warm_up(self) -> None:
        """Run a few queries of growing length so the first real ones do not pay for lazy loads and kernel set-up
        (the segmenter's model, the encoder's per-shape kernels): about a second at load instead of at first use."""
        sample = "người phạm tội tự thú thành khẩn khai báo được giảm nhẹ trách nhiệm hình sự theo quy định"
        for n in (1, 2, 4, 8, 16):
            self.search(" ".join([sample] * n)[: 400 * n], 5)

    # -- searching ------------------------------------------------------------------------------------------------
    def query_vector(self, text: str) -> np.ndarray:
        """The dense side's vector of a (search) text: the encoder's, through the query adapter when one is
        attached."""
        vec = self.embedder.embed_queries([text])[0]
        return vec if self.query_adapter is None else self.query_adapter.apply(vec)

    def passage_scores(self, search_text: str, keys: list[Key]) -> list[float | None]:
        """The best passage's BM25 score of each article (``indexing/passage_bm25.py``) for an analysed search text;
        None for every article when the index has no passages."""
        if self.passages is None or not keys:
            return [None] * len(keys)
        row = self.bm25.row_of
        return self.passages.best(self.bm25.tokens(search_text), [row[k] for k in keys]).tolist()

    def piece_vectors(self) -> tuple[np.ndarray, list[Key]]:
        """Every stored dense vector (one per article piece) and the article key of each."""
        return self.dense.index.reconstruct_n(0, self.dense.index.ntotal), [tuple(k) for k in self.dense.keys]

    def _dense_search(self, text: str, n: int, filters: Filters | None):
        vec = self.query_vector(text)
        allowed = None
        mask = self.bm25.mask(filters)
        if mask is not None:
            allowed = {self.bm25.records[i].key for i in np.flatnonzero(mask)}
        return self.dense.search(vec, n, allowed)

    def search(self, query: str, k: int = 10, filters: Filters | None = None,
               choices: dict[str, str] | None = None) -> list[Hit]:
        query = check_query(query)
        k = max(1, min(int(k), 1000))
        want = max([k + 2, *(getattr(r, "depth", 0) for r in self.rerankers)])
        hits = self.hybrid.search(query, want, filters, choices) if _has_words(query) else []
        for reranker in self.rerankers:
            if getattr(reranker, "takes_choices", False):
                hits = reranker.rerank(query, hits, filters, choices=choices)
            else:
                hits = reranker.rerank(query, hits, filters)
        out = hits[:k]
        for i, h in enumerate(out, 1):
            h.rank = i
        return out


class EmbeddedBackend:
    """Where the indexes live by default: folders under ``THUKY_HOME/indexes`` (the registry's and the builders'
    view; ``indexing/milvus.py`` has the same for Milvus)."""

    name = "embedded"

    def __init__(self, home: Path):
        self.home = Path(home)

    def current(self, corpus: str) -> str | None:
        """The name of the corpus's live build, or None when it has none."""
        try:
            return (corpus_root(self.home, corpus) / "CURRENT").read_text().strip()
        except OSError:
            return None

    def load(self, corpus: str, *, embedder=None, model_dir: str | None = None, resolver=None,
             aliases: dict[str, list[str]] | None = None) -> CorpusIndex:
        return CorpusIndex.load(self.home, corpus, embedder=embedder, model_dir=model_dir, resolver=resolver,
                                aliases=aliases)

    def builder(self, config: IndexConfig, embedder=None, executor=None) -> IndexBuilder:
        return IndexBuilder(self.home, config, embedder, executor)


def _has_words(query: str) -> bool:
    return any(ch.isalnum() for ch in query)


def check_query(query: str) -> str:
    """Refuse what cannot be searched; return the query NFC-normalised and trimmed."""
    from corpus.text import nfc

    if query is None or not query.strip():
        raise QueryError("the query is empty: type a question or keywords")
    if len(query) > MAX_QUERY_CHARS:
        raise QueryError(f"the query is {len(query):,} characters long; the limit is {MAX_QUERY_CHARS:,}")
    return nfc(query).strip()
