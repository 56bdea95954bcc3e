"""The search index of a corpus in Milvus: the same articles, pieces, tokens and vectors as the embedded index, served
by a Milvus collection — milvus-lite in-process when the URI is a file path, a Milvus server or cluster when it is an
``http://host:19530`` address (the same ``pymilvus`` code).

One collection per corpus (``thuky_<corpus>``), one row per article:

- the key (``doc_id``, ``article_no``) and what a hit shows and filters read (document title and type, status,
  effective and expiry dates as ``yyyymmdd`` integers, year, the article's title, body and Phần/Chương path);
- ``lex``: the article's underthesea tokens (title ``title_weight`` times, then body — exactly the embedded BM25's
  tokens) joined by spaces, each token's non-word characters turned into ``_`` so that Milvus's ``standard`` tokenizer
  keeps it whole ("tự_thú", "100_2015_qh13"); Milvus's built-in BM25 function makes the sparse vector from it.
  milvus-lite 3.2.2 scores BM25 with k1 = 1.5 and b = 0.75 whatever the index asks (measured; a server honours the
  index's ``bm25_k1``/``bm25_b``, which are set to the same values), and ThuKy's tuned k1 is 0.8. Writing every token
  ``r`` times scales term frequencies, document lengths and their average alike, which is BM25 with k1 / r: each token
  is written ``round(1.5 / k1)`` times (twice: k1 0.75), the query's once;
- ``dense``: the e5 vector of the article's first piece (``indexing/pieces.py``), from the same vector cache as the
  embedded index, searched exactly (``FLAT``, inner product) on milvus-lite and by Milvus's ``AUTOINDEX`` on a server;
  the dense side when an article is read in one piece (``max_pieces`` 1);
- ``content_hash``: what the row was built from, so a rebuild upserts only the articles that changed and deletes the
  ones that are gone.

When the dense side reads every piece of an article (``max_pieces`` above 1, the default), a second collection
(``thuky_<corpus>__article_pieces``) holds one row per piece: its article's key and filter fields and its vector. An
article's dense score is its best piece's, as in the embedded index (the search reads ``PIECES_PER_HIT`` pieces per
article wanted); a rebuild writes only the pieces that changed.

Each list is fetched from Milvus with the search's filters as a Milvus filter expression; the two lists are fused in
Python by ``HybridRetriever`` (ThuKy's weighted min-max fusion and law boost), so rankers and the assistant see the
same ``CorpusIndex`` as with the embedded backend. A build's manifest (its id, configuration, model, counts) is a row
of the ``thuky_manifests`` collection: every process reading the same Milvus sees a rebuild and reloads.

milvus-lite opens its file from one process at a time: a site with several processes (``thuky serve`` workers, a
``thuky index build`` while serving) runs a Milvus server.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import logging
import re
import threading
import time
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict
from pathlib import Path

import numpy as np

from indexing.bm25 import BM25Index
from indexing.config import IndexConfig
from indexing.corpus_stats import CorpusStats
from indexing.index import (FORMAT_VERSION, BuildReport, CorpusIndex, IndexUnavailable, _corpus_hash, article_pieces,
                            QUERY_CACHE, build_lock, corpus_root, model_fingerprint, records_from_store)
from indexing.records import FetchedArticles
from indexing.segment import Segmenter
from indexing.types import ArticleRecord, Filters, Hit, Key, snippet
from indexing.vector_cache import VectorCache

SCHEMA_VERSION = 2
MANIFESTS = "thuky_manifests"
BLOBS = "thuky_blobs"
MILVUS_BM25_K1, MILVUS_BM25_B = 1.5, 0.75  # what milvus-lite 3.2.2 scores with, whatever the index asks
MAX_TEXT = 1_048_576  # bytes of a VARCHAR field (the longest statute article is ~155 kB)
BATCH = 256
PIECES_PER_HIT = 4  # pieces read per article wanted from a piece collection (the embedded dense index reads 4 too)
NO_DATE, NEVER = 0, 99_991_231  # unknown effective date (in force since always), unknown expiry (never)
RECORD_FIELDS = ["ord", "doc_id", "article_no", "doc_title", "doc_type", "status", "title", "body", "path",
                 "effective", "expiry"]
_NON_WORD = re.compile(r"[^\w]+")

_clients: dict[tuple[str, str | None], object] = {}
_clients_lock = threading.Lock()


def is_lite(uri: str) -> bool:
    """A file path (milvus-lite, in-process) rather than a server address."""
    return "://" not in uri


def client(uri: str, token: str | None = None):
    """One ``MilvusClient`` per URI in a process (milvus-lite serves a file to one client process)."""
    with _clients_lock:
        c = _clients.get((uri, token))
        if c is None:
            from pymilvus import MilvusClient

            # milvus-lite (a file or its server) has no MVCC timestamps; every query iterator would warn that it uses
            # the client's
            logging.getLogger("pymilvus.client.iterator.query_iterator").setLevel(logging.ERROR)
            if is_lite(uri):
                Path(uri).expanduser().parent.mkdir(parents=True, exist_ok=True)
                uri = str(Path(uri).expanduser())
            try:
                c = MilvusClient(uri=uri, token=token or "")
            except Exception as exc:  # noqa: BLE001 - connection errors of many kinds, one readable message
                raise IndexUnavailable(f"cannot open Milvus at {uri} (THUKY_MILVUS_URI): {exc}") from exc
            _clients[(uri, token)] = c
        return c


_loaded: set[tuple[str, str]] = set()


def loaded(c, uri: str, name: str):
    """The client, with the collection loaded for searching (a reopened milvus-lite file starts with every collection
    released); checked once per process."""
    if (uri, name) not in _loaded:
        state = str(c.get_load_state(name).get("state", ""))
        if not state.endswith("Loaded"):
            c.load_collection(name)
        _loaded.add((uri, name))
    return c


def drop(c, uri: str, name: str) -> None:
    """Drop a collection (when it exists) and forget that it was loaded."""
    if c.has_collection(name):
        c.drop_collection(name)
    _loaded.discard((uri, name))


def scan(c, name: str, fields: list[str], expr: str = "") -> Iterator[dict]:
    """Every row of a loaded collection (``fields`` of the rows ``expr`` keeps), read in batches."""
    it = c.query_iterator(name, batch_size=2000, filter=expr, output_fields=fields, consistency_level="Strong")
    try:
        while batch := it.next():
            yield from batch
    finally:
        it.close()


def service_collection(uri: str, token: str | None, name: str, fields: list[tuple[str, str, dict]]):
    """The client with a small bookkeeping collection (manifests, blobs) created when missing: ``fields`` as
    ``(name, DataType name, add_field keywords)``, the first the primary key, plus the dense field Milvus wants in
    every collection."""
    from pymilvus import DataType, MilvusClient

    c = client(uri, token)
    if not c.has_collection(name):
        s = MilvusClient.create_schema(auto_id=False, enable_dynamic_field=False)
        for i, (field, kind, kw) in enumerate(fields):
            s.add_field(field, getattr(DataType, kind), is_primary=i == 0, **kw)
        s.add_field("v", DataType.FLOAT_VECTOR, dim=2)
        ip = c.prepare_index_params()
        ip.add_index(field_name="v", index_type="FLAT", metric_type="L2")
        c.create_collection(name, schema=s, index_params=ip)
    return loaded(c, uri, name)


def collection_name(corpus: str) -> str:
    """``thuky_<corpus>`` with characters Milvus refuses replaced, plus a short hash when anything was replaced."""
    safe = re.sub(r"[^0-9A-Za-z_]", "_", corpus)
    if safe != corpus:
        safe += "_" + hashlib.sha1(corpus.encode()).hexdigest()[:8]
    return f"thuky_{safe}"[:255]


def lex_text(tokens: Iterable[str], repeat: int = 1) -> str:
    """Tokens as the text Milvus's ``standard`` tokenizer splits back into the same tokens, each ``repeat`` times."""
    out = []
    for tok in tokens:
        t = _NON_WORD.sub("_", tok)
        if t.strip("_"):
            out.extend([t] * repeat)
    return " ".join(out)


def token_repeat(k1: float) -> int:
    """How many times each indexed token is written so that Milvus's BM25 (k1 1.5) scores as BM25 with k1 close to
    ``k1``: the effective k1 is 1.5 / the repeat."""
    return max(1, round(MILVUS_BM25_K1 / k1))


def _date_int(d: dt.date | None, default: int) -> int:
    return d.year * 10_000 + d.month * 100 + d.day if d else default


def _int_date(n: int, default: int) -> dt.date | None:
    return None if n == default else dt.date(n // 10_000, n // 100 % 100, n % 100)


def _literal(values: Iterable[str]) -> str:
    return json.dumps([str(v) for v in values], ensure_ascii=False)


def filter_expr(filters: Filters | None) -> str:
    """The Milvus boolean expression keeping what ``filters.matches`` keeps ("" when nothing is filtered)."""
    if filters is None or filters.is_empty():
        return ""
    parts = []
    if filters.doc_ids is not None:
        parts.append(f"doc_id in {_literal(filters.doc_ids)}")
    if filters.exclude_doc_ids:
        parts.append(f"doc_id not in {_literal(filters.exclude_doc_ids)}")
    if filters.doc_types is not None:
        parts.append(f"doc_type in {_literal(filters.doc_types)}")
    if filters.statuses is not None:
        parts.append(f"status in {_literal('' if s is None else s for s in filters.statuses)}")
    if filters.effective_on is not None:
        day = _date_int(filters.effective_on, NO_DATE)
        parts.append(f"effective <= {day} and expiry > {day}")
    return " and ".join(f"({p})" for p in parts)


def row_key(key: Key) -> str:
    return hashlib.blake2b(json.dumps(list(key), ensure_ascii=False).encode(), digest_size=16).hexdigest()


def _year(r: ArticleRecord) -> int:
    if r.effective_date:
        return r.effective_date.year
    m = re.search(r"/((?:19|20)\d\d)/", r.doc_id)
    return int(m.group(1)) if m else 0


def _record(r: dict) -> ArticleRecord:
    return ArticleRecord(key=(r["doc_id"], r["article_no"]), doc_title=r["doc_title"], doc_type=r["doc_type"],
                         title=r["title"], text=r["body"], path=list(r["path"] or []), status=r["status"] or None,
                         effective_date=_int_date(r["effective"], NO_DATE), expiry_date=_int_date(r["expiry"], NEVER))


# --- the collection ----------------------------------------------------------------------------------------------
class _Rows:
    """A collection of one corpus: rows with a primary key and a content hash, written in batches, searched with the
    filters inside Milvus."""

    suffix = ""

    def __init__(self, uri: str, corpus: str, token: str | None = None):
        self.uri, self.corpus, self.token = uri, corpus, token
        self.name = collection_name(corpus + self.suffix)

    @property
    def client(self):
        return client(self.uri, self.token)

    @property
    def ready(self):
        """The client with this collection loaded."""
        return loaded(self.client, self.uri, self.name)

    def exists(self) -> bool:
        return self.client.has_collection(self.name)

    def drop(self) -> None:
        drop(self.client, self.uri, self.name)

    def hashes(self) -> dict[str, str]:
        """pk → content hash of every row."""
        return {r["pk"]: r["content_hash"] for r in scan(self.ready, self.name, ["pk", "content_hash"])}

    def upsert(self, rows: list[dict]) -> None:
        for i in range(0, len(rows), BATCH):
            self.ready.upsert(self.name, rows[i:i + BATCH])

    def delete(self, pks: list[str]) -> None:
        for i in range(0, len(pks), 1000):
            self.ready.delete(self.name, ids=pks[i:i + 1000])

    def vectors(self) -> tuple[np.ndarray, list[Key]]:
        """Every stored dense vector and the article key of each (a scan of the collection)."""
        vecs, keys = [], []
        for r in scan(self.ready, self.name, ["doc_id", "article_no", "dense"]):
            vecs.append(np.asarray(r["dense"], dtype=np.float32))
            keys.append((r["doc_id"], r["article_no"]))
        return (np.stack(vecs) if vecs else np.zeros((0, 0), dtype=np.float32)), keys

    def _search(self, data, field: str, k: int, filters: Filters | None, params: dict) -> list[tuple[Key, float]]:
        # "Bounded": a search does not wait for the newest writes (Strong costs up to a second a query on milvus-lite);
        # a build's rows are all in before its manifest is, and loading reads them with Strong consistency
        res = self.ready.search(self.name, data=[data], anns_field=field, limit=max(1, min(k, 16_384)),
                                 filter=filter_expr(filters), output_fields=["doc_id", "article_no"],
                                 search_params=params, consistency_level="Bounded")
        return [((h["entity"]["doc_id"], h["entity"]["article_no"]), float(h["distance"])) for h in res[0]]

    def _create(self, schema, dim: int) -> None:
        """Creates the collection from ``schema`` (its own fields) plus what filters read and the dense vector."""
        from pymilvus import DataType

        for f in ("doc_id", "article_no", "doc_type", "status"):
            schema.add_field(f, DataType.VARCHAR, max_length=512)
        for f in ("effective", "expiry", "year"):
            schema.add_field(f, DataType.INT64)
        schema.add_field("dense", DataType.FLOAT_VECTOR, dim=dim)
        ip = self.client.prepare_index_params()
        ip.add_index(field_name="dense", index_type="FLAT" if is_lite(self.uri) else "AUTOINDEX", metric_type="IP")
        if not is_lite(self.uri):  # scalar indexes for the filters (milvus-lite scans)
            for f in ("doc_id", "doc_type", "status"):
                ip.add_index(field_name=f, index_type="INVERTED")
        self._index_params(ip)
        self.client.create_collection(self.name, schema=schema, index_params=ip)

    def _index_params(self, ip) -> None:
        """Indexes of the collection's own fields."""


class PieceCollection(_Rows):
    """A corpus's article pieces (``thuky_<corpus>__article_pieces``; a double underscore marks a collection derived
    from a corpus's, as the case-law ones are), when the dense side reads an article in several: one row
    per piece with its article's key and filter fields and its e5 vector. An article's dense score is its best
    piece's, as in the embedded index."""

    suffix = "__article_pieces"

    def create(self, dim: int) -> None:
        from pymilvus import DataType, MilvusClient

        s = MilvusClient.create_schema(auto_id=False, enable_dynamic_field=False)
        s.add_field("pk", DataType.VARCHAR, is_primary=True, max_length=64)
        s.add_field("content_hash", DataType.VARCHAR, max_length=64)
        self._create(s, dim)

    def search_dense(self, vector: np.ndarray, k: int, filters: Filters | None = None) -> list[tuple[Key, float]]:
        """The ``k`` best articles by their best piece (``PIECES_PER_HIT`` pieces read per article wanted)."""
        best: dict[Key, float] = {}
        for key, score in self._search(np.asarray(vector, dtype=np.float32).tolist(), "dense", k * PIECES_PER_HIT,
                                       filters, {"metric_type": "IP"}):
            best.setdefault(key, score)
        return sorted(best.items(), key=lambda kv: -kv[1])[:k]


class Collection(_Rows):
    """A corpus's collection: schema, rows, and the two searches (BM25 and dense) with filters inside Milvus."""

    def create(self, dim: int) -> None:
        from pymilvus import DataType, Function, FunctionType, MilvusClient

        s = MilvusClient.create_schema(auto_id=False, enable_dynamic_field=False)
        s.add_field("pk", DataType.VARCHAR, is_primary=True, max_length=64)
        s.add_field("content_hash", DataType.VARCHAR, max_length=64)
        s.add_field("ord", DataType.INT64)
        for f in ("doc_title", "title", "body"):
            s.add_field(f, DataType.VARCHAR, max_length=MAX_TEXT)
        s.add_field("path", DataType.JSON)
        s.add_field("lex", DataType.VARCHAR, max_length=MAX_TEXT, enable_analyzer=True,
                    analyzer_params={"tokenizer": "standard"})
        s.add_field("sparse", DataType.SPARSE_FLOAT_VECTOR)
        s.add_function(Function(name="bm25", function_type=FunctionType.BM25, input_field_names=["lex"],
                                output_field_names=["sparse"]))
        self._create(s, dim)

    def _index_params(self, ip) -> None:
        ip.add_index(field_name="sparse", index_type="SPARSE_INVERTED_INDEX", metric_type="BM25",
                     params={"bm25_k1": MILVUS_BM25_K1, "bm25_b": MILVUS_BM25_B})

    def fetch(self, keys: list[Key]) -> dict[Key, ArticleRecord]:
        """The articles stored under ``keys`` (the ones found)."""
        out: dict[Key, ArticleRecord] = {}
        for i in range(0, len(keys), 100):
            rows = self.ready.get(self.name, ids=[row_key(k) for k in keys[i:i + 100]], output_fields=RECORD_FIELDS)
            for r in rows:
                rec = _record(r)
                out[rec.key] = rec
        return out

    def keys(self) -> Iterator[Key]:
        """Every stored article's key (a scan of the collection)."""
        return ((r["doc_id"], r["article_no"]) for r in scan(self.ready, self.name, ["doc_id", "article_no"]))

    def search_lexical(self, text: str, k: int, filters: Filters | None = None) -> list[tuple[Key, float]]:
        """BM25 over ``lex`` (``text`` made by :func:`lex_text`); best first. milvus-lite reports BM25 scores
        negated, a server as they are: the absolute value is the score either way (BM25 is never negative)."""
        if not text:
            return []
        return [(key, abs(s)) for key, s in self._search(text, "sparse", k, filters, {"metric_type": "BM25"})]

    def search_dense(self, vector: np.ndarray, k: int, filters: Filters | None = None) -> list[tuple[Key, float]]:
        return self._search(np.asarray(vector, dtype=np.float32).tolist(), "dense", k, filters,
                            {"metric_type": "IP"})


# --- manifests ---------------------------------------------------------------------------------------------------
class Manifests:
    """One row per corpus in ``thuky_manifests``: the live build's manifest (JSON)."""

    def __init__(self, uri: str, token: str | None = None):
        self.uri, self.token = uri, token

    def _ensure(self):
        return service_collection(self.uri, self.token, MANIFESTS, [
            ("corpus", "VARCHAR", {"max_length": 512}), ("build", "VARCHAR", {"max_length": 64}),
            ("manifest", "JSON", {})])

    def get(self, corpus: str) -> dict | None:
        c = client(self.uri, self.token)
        if not c.has_collection(MANIFESTS):
            return None
        rows = loaded(c, self.uri, MANIFESTS).query(MANIFESTS, filter=f"corpus in {_literal([corpus])}",
                                                    output_fields=["manifest"])
        return dict(rows[0]["manifest"]) if rows else None

    def current(self, corpus: str) -> str | None:
        c = client(self.uri, self.token)
        if not c.has_collection(MANIFESTS):
            return None
        rows = loaded(c, self.uri, MANIFESTS).query(MANIFESTS, filter=f"corpus in {_literal([corpus])}",
                                                    output_fields=["build"])
        return rows[0]["build"] if rows else None

    def put(self, corpus: str, manifest: dict) -> None:
        row = {"corpus": corpus, "build": manifest["build"], "manifest": manifest, "v": [0.0, 0.0]}
        self._ensure().upsert(MANIFESTS, [row])

    def remove(self, corpus: str) -> None:
        c = client(self.uri, self.token)
        if c.has_collection(MANIFESTS):
            loaded(c, self.uri, MANIFESTS).delete(MANIFESTS, ids=[corpus])


class Blobs:
    """Large JSON values of a corpus's build (its corpus statistics) in ``thuky_blobs``, compressed and cut into
    chunks a VARCHAR holds on any Milvus (at most 65,535 bytes)."""

    CHUNK = 60_000

    def __init__(self, uri: str, token: str | None = None):
        self.uri, self.token = uri, token

    def _ensure(self):
        return service_collection(self.uri, self.token, BLOBS, [
            ("pk", "VARCHAR", {"max_length": 1024}), ("corpus", "VARCHAR", {"max_length": 512}),
            ("build", "VARCHAR", {"max_length": 64}), ("seq", "INT64", {}),
            ("data", "VARCHAR", {"max_length": 65_535})])

    def put(self, corpus: str, build: str, name: str, value) -> None:
        """Store ``value`` as the build's ``name`` (before the build's manifest names it)."""
        c = self._ensure()
        data = base64.b64encode(zlib.compress(json.dumps(value, ensure_ascii=False).encode(), 6)).decode()
        rows = [{"pk": f"{corpus}\x00{build}\x00{name}\x00{i}", "corpus": corpus, "build": build, "seq": i,
                 "data": data[at:at + self.CHUNK], "v": [0.0, 0.0]}
                for i, at in enumerate(range(0, max(1, len(data)), self.CHUNK))]
        c.upsert(BLOBS, rows)

    def prune(self, corpus: str, build: str) -> None:
        """Drop what the corpus's other builds stored (once the manifest names ``build``)."""
        self._ensure().delete(BLOBS, filter=f"corpus in {_literal([corpus])} and build not in {_literal([build])}")

    def get(self, corpus: str, build: str, name: str):
        c = client(self.uri, self.token)
        if not c.has_collection(BLOBS):
            return None
        prefix = f"{corpus}\x00{build}\x00{name}\x00"
        rows = loaded(c, self.uri, BLOBS).query(
            BLOBS, filter=f"corpus in {_literal([corpus])} and build in {_literal([build])}",
            output_fields=["pk", "seq", "data"], consistency_level="Strong")
        rows = sorted((r for r in rows if r["pk"].startswith(prefix)), key=lambda r: r["seq"])
        if not rows:
            return None
        return json.loads(zlib.decompress(base64.b64decode("".join(r["data"] for r in rows))))

    def remove(self, corpus: str) -> None:
        c = client(self.uri, self.token)
        if c.has_collection(BLOBS):
            loaded(c, self.uri, BLOBS).delete(BLOBS, filter=f"corpus in {_literal([corpus])}")


# --- building ----------------------------------------------------------------------------------------------------
def _schema(config: IndexConfig, dim: int) -> dict:
    """What the collection's layout depends on: a change drops and recreates it."""
    repeat = token_repeat(config.bm25_k1)
    return {"version": SCHEMA_VERSION, "dim": dim, "bm25_k1": MILVUS_BM25_K1 / repeat, "bm25_b": MILVUS_BM25_B,
            "token_repeat": repeat, "title_weight": config.title_weight}


def piece_key(key: Key, ordinal: int) -> str:
    return hashlib.blake2b(json.dumps([*key, ordinal], ensure_ascii=False).encode(), digest_size=16).hexdigest()


def _piece_rows(pieces, records: dict[Key, ArticleRecord], fingerprint: str | None,
                variant: str) -> list[tuple[dict, str]]:
    """(row, text) of each piece: its article's key and filter fields, hashed with the text and the encoder, so
    that a rebuild re-embeds only changed pieces and re-writes the pieces of an article whose status or dates
    changed."""
    out = []
    for p in pieces:
        r = records[p.key]
        row = {"pk": piece_key(p.key, p.ordinal), "doc_id": r.doc_id, "article_no": r.article_no,
               "doc_type": r.doc_type or "", "status": r.status or "",
               "effective": _date_int(r.effective_date, NO_DATE), "expiry": _date_int(r.expiry_date, NEVER),
               "year": _year(r)}
        h = hashlib.sha1(json.dumps([row, p.text, fingerprint, variant], ensure_ascii=False,
                                    sort_keys=True).encode()).hexdigest()
        out.append((row | {"content_hash": h}, p.text))
    return out


class MilvusIndexBuilder:
    """Builds (or updates) a corpus's collection from the store: same tokens and vectors as ``IndexBuilder``, from
    the same caches under ``THUKY_HOME/indexes/<corpus>/``; only changed articles are upserted, removed ones
    deleted."""

    def __init__(self, uri: str, home: Path, config: IndexConfig, embedder=None, token: str | None = None,
                 executor=None):
        self.uri, self.home, self.config, self.embedder, self.token = uri, Path(home), config, embedder, token
        self.executor = executor  # e.g. indexing.distributed.RayExecutor: fills the caches on Ray first

    def build(self, store, corpus: str, progress: Callable[[str, int, int], None] | None = None) -> BuildReport:
        with build_lock(corpus_root(self.home, corpus)):
            return self._build(store, corpus, progress or (lambda stage, done, total: None))

    def remove(self, corpus: str) -> None:
        """Drop the corpus's collections and manifest (its corpus is empty)."""
        Manifests(self.uri, self.token).remove(corpus)
        Blobs(self.uri, self.token).remove(corpus)
        Collection(self.uri, corpus, self.token).drop()
        PieceCollection(self.uri, corpus, self.token).drop()

    def _build(self, store, corpus: str, progress: Callable[[str, int, int], None]) -> BuildReport:
        t0 = time.perf_counter()
        cfg = self.config
        records = records_from_store(store, corpus)
        if not records:
            raise IndexUnavailable(f"corpus {corpus!r} has no articles: ingest documents first (`thuky ingest --corpus "
                                   f"{corpus} PATH`)")
        if cfg.bm25_b != MILVUS_BM25_B:
            raise IndexUnavailable(f"Milvus scores BM25 with b = {MILVUS_BM25_B}; this index asks for {cfg.bm25_b}")
        root = corpus_root(self.home, corpus)
        seconds: dict[str, float] = {}
        t = time.perf_counter()
        segmenter = Segmenter(cache_path=root / "segments.jsonl")
        progress("segment", 0, len(records))
        lexical = BM25Index(title_weight=cfg.title_weight, segmenter=segmenter)
        if self.executor is not None:
            self.executor.fill_segments(segmenter, lexical.segment_texts(records),
                                        lambda done, total: progress("segment", done, total))
        tokens = lexical.document_tokens(records)
        progress("segment", len(records), len(records))
        seconds["segment"] = time.perf_counter() - t
        fingerprint = model_fingerprint(cfg.model_dir)
        variant = f"{cfg.dense_max_seq}{'-int8' if cfg.dense_int8 else ''}"
        piece_of: dict[Key, str] = {}
        pieces = article_pieces(records, cfg) if cfg.model_dir else []
        for p in pieces:
            piece_of.setdefault(p.key, p.text)
        dim = self.embedder.dim if cfg.model_dir else 2
        coll = Collection(self.uri, corpus, self.token)
        manifests = Manifests(self.uri, self.token)
        old = manifests.get(corpus)
        schema = _schema(cfg, dim)
        piece_coll = PieceCollection(self.uri, corpus, self.token)
        if old is None or old.get("schema") != schema or not coll.exists():
            coll.drop()
            piece_coll.drop()
            coll.create(dim)
        several = bool(cfg.model_dir) and cfg.max_pieces > 1  # the dense side reads every piece
        if not several:
            piece_coll.drop()
            pieces = []
        elif not piece_coll.exists():
            piece_coll.create(dim)
        rows, seen = [], set()
        for i, (r, toks) in enumerate(zip(records, tokens)):
            pk = row_key(r.key)
            if pk in seen:
                continue
            seen.add(pk)
            row = {"pk": pk, "ord": i, "doc_id": r.doc_id, "article_no": r.article_no, "doc_title": r.doc_title,
                   "doc_type": r.doc_type or "", "status": r.status or "", "title": r.title, "body": r.text,
                   "path": list(r.path), "effective": _date_int(r.effective_date, NO_DATE),
                   "expiry": _date_int(r.expiry_date, NEVER), "year": _year(r),
                   "lex": lex_text(toks, schema["token_repeat"])}
            piece = piece_of.get(r.key) or (r.full_text if cfg.model_dir else "")
            # the corpus position ("ord") stays out of the hash: a document added in the middle must not re-upsert
            # every article after it (a stale position only orders ties among the loaded records)
            content = {k: v for k, v in row.items() if k != "ord"}
            h = hashlib.sha1(json.dumps([content, piece, fingerprint, variant], ensure_ascii=False,
                                        sort_keys=True).encode()).hexdigest()
            rows.append((row | {"content_hash": h}, piece))
        piece_rows = _piece_rows(pieces, {r.key: r for r in records}, fingerprint, variant)
        t = time.perf_counter()
        stored = coll.hashes()
        changed = [(row, piece) for row, piece in rows if stored.get(row["pk"]) != row["content_hash"]]
        gone = sorted(set(stored) - seen)
        stored_pieces = piece_coll.hashes() if several else {}
        changed_pieces = [(row, text) for row, text in piece_rows
                          if stored_pieces.get(row["pk"]) != row["content_hash"]]
        gone_pieces = sorted(set(stored_pieces) - {row["pk"] for row, _ in piece_rows})
        embedded = 0
        cache = (VectorCache(root / f"vectors-{fingerprint}-{variant}.sqlite", dim) if cfg.model_dir else None)
        try:
            if cache is not None and self.executor is not None:
                embedded += self.executor.fill_vectors(cache, [p for _, p in changed + changed_pieces], self.embedder)
            for target, todo in ((coll, changed), (piece_coll, changed_pieces)):
                progress("upsert", 0, len(todo))
                for start in range(0, len(todo), 1024):
                    chunk = todo[start:start + 1024]
                    if cache is not None:
                        vectors, n = cache.embed([p for _, p in chunk], self.embedder.embed_passages)
                        embedded += n
                    else:
                        vectors = np.zeros((len(chunk), dim), dtype=np.float32)
                        vectors[:, 0] = 1.0  # lexical only: a placeholder vector never searched
                    target.upsert([row | {"dense": v.tolist()} for (row, _), v in zip(chunk, vectors)])
                    progress("upsert", start + len(chunk), len(todo))
        finally:
            if cache is not None:
                cache.close()
        coll.delete(gone)
        coll.client.flush(coll.name)
        if several:
            piece_coll.delete(gone_pieces)
            piece_coll.client.flush(piece_coll.name)
        seconds["embed+upsert"] = time.perf_counter() - t
        build = dt.datetime.now().strftime("%Y%m%d-%H%M%S-%f")
        manifest = {"format": FORMAT_VERSION, "backend": "milvus", "build": build, "corpus": corpus,
                    "collection": coll.name, "schema": schema,
                    "built_at": dt.datetime.now(dt.timezone.utc).isoformat(), "config": asdict(cfg),
                    "model": {"dir": cfg.model_dir, "fingerprint": fingerprint},
                    "counts": {"articles": len(seen), "documents": len({r.doc_id for r in records}),
                               "pieces": len(piece_rows) if several else (len(seen) if cfg.model_dir else 0),
                               "upserted": len(changed), "deleted": len(gone),
                               **({"pieces_upserted": len(changed_pieces), "pieces_deleted": len(gone_pieces)}
                                  if several else {})},
                    "dense_index": "milvus" if cfg.model_dir else None,
                    "piece_collection": piece_coll.name if several else None, "corpus_hash": _corpus_hash(records)}
        # what the ranker's features and the query analyser read of the whole corpus, so a worker never reads it all
        blobs = Blobs(self.uri, self.token)
        blobs.put(corpus, build, "stats", CorpusStats.from_records(records).to_json())
        manifests.put(corpus, manifest)
        blobs.prune(corpus, build)
        seconds["total"] = time.perf_counter() - t0
        return BuildReport(corpus, Path(f"milvus:{coll.name}@{build}"), len(seen), manifest["counts"]["pieces"],
                           segmenter.misses, embedded, seconds)


# --- searching ---------------------------------------------------------------------------------------------------
class MilvusLexical:
    """The lexical side as ``HybridRetriever`` reads it (``ranked``): the query segmented here, scored by Milvus's
    BM25; ``search`` makes hits of the articles fetched through ``articles``."""

    def __init__(self, collection: Collection, articles: FetchedArticles, segmenter: Segmenter):
        self.collection, self.articles, self.segmenter = collection, articles, segmenter

    def __len__(self) -> int:
        return len(self.articles)

    def tokens(self, query: str) -> list[str]:
        return self.segmenter.segment(query)

    def ranked(self, query: str, k: int = 10, filters: Filters | None = None) -> list[tuple[Key, float]]:
        return self.collection.search_lexical(lex_text(self.tokens(query)), k, filters)

    def search(self, query: str, k: int = 10, filters: Filters | None = None) -> list[Hit]:
        ranked = self.ranked(query, k, filters)
        found = self.articles.many(key for key, _ in ranked)
        hits = []
        for key, score in ranked:
            if (r := found.get(key)) is not None:
                hits.append(Hit(key=key, score=score, rank=len(hits) + 1, doc_title=r.doc_title, title=r.title,
                                snippet=snippet(r.text), scores={"bm25": score}))
        return hits


class MilvusCorpusIndex(CorpusIndex):
    """A ``CorpusIndex`` whose two lists come from Milvus; fusion, law boost and rerankers as the embedded one."""

    def __init__(self, collection: Collection, manifest: dict, lexical: MilvusLexical, *, embedder=None,
                 resolver=None, aliases=None, articles: FetchedArticles, stats: CorpusStats,
                 pieces: PieceCollection | None = None):
        self.collection, self.pieces = collection, pieces
        directory = Path(f"milvus:{collection.name}@{manifest['build']}")
        super().__init__(collection.corpus, directory, manifest, lexical, collection if manifest["dense_index"]
                         else None, embedder, resolver, aliases, articles=articles, stats=stats)

    @classmethod
    def load_milvus(cls, uri: str, corpus: str, *, token: str | None = None, embedder=None,
                    model_dir: str | None = None, resolver=None, aliases=None) -> MilvusCorpusIndex:
        hint = f"rebuild it with `thuky index build --corpus {corpus}` (THUKY_SEARCH_BACKEND=milvus)"
        manifest = Manifests(uri, token).get(corpus)
        coll = Collection(uri, corpus, token)
        if manifest is None or not coll.exists():
            raise IndexUnavailable(f"no Milvus index for corpus {corpus!r} at {uri}: {hint}")
        if manifest.get("format") != FORMAT_VERSION or manifest.get("schema", {}).get("version") != SCHEMA_VERSION:
            raise IndexUnavailable(f"Milvus index of {corpus!r} has an older layout: {hint}")
        built_with = manifest["model"]["fingerprint"]
        if built_with and model_dir is not None and model_fingerprint(model_dir) != built_with:
            raise IndexUnavailable(f"Milvus index of {corpus!r} was built with the model at "
                                   f"{manifest['model']['dir']} ({built_with}), but the configured model is "
                                   f"{model_dir} ({model_fingerprint(model_dir)}): {hint}")
        if manifest["dense_index"] and embedder is None:
            raise IndexUnavailable(f"Milvus index of {corpus!r} has a dense part but no embedding model was given")
        int8 = manifest["config"].get("dense_int8", False)
        if manifest["dense_index"] and getattr(embedder, "quantize", int8) != int8:
            raise IndexUnavailable(f"Milvus index of {corpus!r} was built with int8={int8} but the encoder is "
                                   f"configured with int8={embedder.quantize} (THUKY_DENSE_INT8): {hint}")
        stats = Blobs(uri, token).get(corpus, manifest["build"], "stats")
        if stats is None:
            raise IndexUnavailable(f"Milvus index of {corpus!r} has no corpus statistics: {hint}")
        stats = CorpusStats.from_json(stats)
        articles = FetchedArticles(coll.fetch, int(manifest["counts"]["articles"]),
                                   {d: title for d, (title, _, _) in stats.docs.items()}, coll.keys)
        pieces = None
        if manifest.get("piece_collection"):
            pieces = PieceCollection(uri, corpus, token)
            if not pieces.exists():
                raise IndexUnavailable(f"Milvus index of {corpus!r} misses its pieces ({pieces.name}): {hint}")
        lexical = MilvusLexical(coll, articles, Segmenter(cache_path=None, max_entries=QUERY_CACHE))
        return cls(coll, manifest, lexical, embedder=embedder, resolver=resolver, aliases=aliases, articles=articles,
                   stats=stats, pieces=pieces)

    def _dense_search(self, text: str, n: int, filters: Filters | None):
        return (self.pieces or self.collection).search_dense(self.query_vector(text), n, filters)

    def piece_vectors(self) -> tuple[np.ndarray, list[Key]]:
        return (self.pieces or self.collection).vectors()


class MilvusBackend:
    """Where the indexes live when ``THUKY_SEARCH_BACKEND=milvus``: the registry's and the builders' view."""

    name = "milvus"

    def __init__(self, uri: str, home: Path, token: str | None = None):
        self.uri, self.home, self.token = uri, Path(home), token

    def current(self, corpus: str) -> str | None:
        try:
            return Manifests(self.uri, self.token).current(corpus)
        except IndexUnavailable:
            return None

    def load(self, corpus: str, *, embedder=None, model_dir=None, resolver=None, aliases=None) -> CorpusIndex:
        return MilvusCorpusIndex.load_milvus(self.uri, corpus, token=self.token, embedder=embedder,
                                             model_dir=model_dir, resolver=resolver, aliases=aliases)

    def builder(self, config: IndexConfig, embedder=None, executor=None) -> MilvusIndexBuilder:
        return MilvusIndexBuilder(self.uri, self.home, config, embedder, self.token, executor)
