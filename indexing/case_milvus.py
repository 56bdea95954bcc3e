"""The case index in Milvus: judgments and precedents searched like ``indexing/cases.py``'s in-memory ``CaseIndex`` —
same pieces, same scores, same interface — from two collections any number of API workers share:

- ``thuky_<corpus>__pieces``: one row per piece (case, section, ordinal, the masked text, its position in the case,
  whether ``similar`` compares it, the case's facet values for filters, the segmented text scored by Milvus's BM25,
  the piece's e5 vector);
- ``thuky_<corpus>__cases``: one row per case (its summary, facet values and date for filters and lists, and the
  tokens of the sections ``similar`` compares, scored by Milvus's BM25 as one text: the case-level BM25).

A worker holds no case: summaries and pieces are fetched as a request needs them (the most recently used kept), and
the word document frequencies ``coverage`` weighs with are made at build time and stored beside the collections. The
scores follow ``CaseIndex`` on the candidates the engine returns (``depth`` pieces or cases a list): BM25 and cosine
min-max normalised over those candidates rather than over the whole corpus, the dense side computed exactly for every
candidate from its stored vector. Milvus-lite scores BM25 with k1 = 1.5 (``indexing/milvus.py``); the in-memory index
uses the configuration's 1.2.

A build (``MilvusCaseIndex.sync``) upserts only the pieces and cases whose content changed and deletes the ones gone;
its manifest records the case store's version, so a worker that finds the version current loads without building.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
from collections import Counter
from collections.abc import Collection, Iterable
from dataclasses import asdict
from pathlib import Path

import numpy as np

from corpus.case_law import CaseLawDocument, CaseSummary, Section
from indexing.cases import (FACETS, CaseFilters, CaseHit, CaseIndexConfig, CasePiece, Masker, _summary, case_pieces,
                            split_section)
from indexing.fusion import normalize
from indexing.index import QUERY_CACHE
from indexing.milvus import (BATCH, MAX_TEXT, MILVUS_BM25_B, MILVUS_BM25_K1, Blobs, Manifests, _literal, client,
                             collection_name, drop, is_lite, lex_text, loaded, scan, token_repeat)
from indexing.records import Fetched
from indexing.segment import Segmenter

SCHEMA_VERSION = 1
DEPTH = 1000  # candidates a search takes from each side (pieces, or cases for the case-level BM25)
PIECE_FIELDS = ["case_id", "section", "ordinal", "text"]
_NO_DATE = 0


def _pk(*parts: object) -> str:
    return hashlib.blake2b(json.dumps(list(parts), ensure_ascii=False).encode(), digest_size=16).hexdigest()


def _plain(obj):
    """``obj`` as it comes back from a JSON field (tuples as lists, enums as their values)."""
    return json.loads(json.dumps(obj, ensure_ascii=False))


def _date_int(d: dt.date | None) -> int:
    return d.year * 10_000 + d.month * 100 + d.day if d else _NO_DATE


def _summary_json(m: CaseSummary) -> dict:
    return {**asdict(m), "date": m.date.isoformat() if m.date else None}


def _summary_from(row: dict) -> CaseSummary:
    data = dict(row["summary"])
    data["date"] = dt.date.fromisoformat(data["date"]) if data.get("date") else None
    return CaseSummary(**data)


def case_filter(filters: CaseFilters | None) -> str:
    """The Milvus expression keeping the rows of the cases ``filters.matches`` keeps ("" when nothing is filtered)."""
    if filters is None:
        return ""
    parts = []
    for field, values in (("court", filters.courts), ("court_level", filters.court_levels),
                          ("case_type", filters.case_types), ("outcome", filters.outcomes)):
        if values is not None:
            parts.append(f"{field} in {_literal('' if v is None else v for v in values)}")
    if filters.years is not None:
        parts.append(f"year in {json.dumps([int(y) if y is not None else 0 for y in filters.years])}")
    if filters.exclude:
        parts.append(f"case_id not in {_literal(filters.exclude)}")
    return " and ".join(f"({p})" for p in parts)


def _facet_values(m: CaseSummary) -> dict:
    return {"court": m.court or "", "court_level": m.court_level or "", "case_type": m.case_type or "",
            "outcome": m.outcome or "", "year": m.year or 0}


def _piece(row: dict) -> CasePiece:
    return CasePiece(row["case_id"], row["section"], int(row["ordinal"]), row["text"])


class MilvusCaseIndex:
    """A loaded case index in Milvus (see the module docstring): build with :meth:`sync`, or :meth:`load` one built."""

    def __init__(self, uri: str, corpus: str, manifest: dict, *, token: str | None = None, embedder=None,
                 config: CaseIndexConfig | None = None, df: dict[str, int] | None = None):
        self.uri, self.corpus, self.token, self.manifest = uri, corpus, token, manifest
        self.config = config or CaseIndexConfig()
        self.embedder = embedder if manifest.get("dense") else None
        self.pieces_name = collection_name(f"{corpus}__pieces")
        self.cases_name = collection_name(f"{corpus}__cases")
        self.segmenter = Segmenter(cache_path=None, max_entries=QUERY_CACHE)
        counts = manifest["counts"]
        n = max(1, counts["pieces"])
        self._idf = {t: float(np.log((n + 1) / (c + 0.5))) for t, c in (df or {}).items()}
        self._idf_unseen = float(np.log((n + 1) / 0.5))
        self.summaries = Fetched(self._fetch_summaries, counts["cases"], self._case_ids)

    # -- the collections ------------------------------------------------------------------------------------------
    @property
    def _client(self):
        c = client(self.uri, self.token)
        loaded(c, self.uri, self.pieces_name)
        return loaded(c, self.uri, self.cases_name)

    @staticmethod
    def _create(c, uri: str, pieces_name: str, cases_name: str, dim: int) -> None:
        from pymilvus import DataType, Function, FunctionType, MilvusClient

        def base():
            s = MilvusClient.create_schema(auto_id=False, enable_dynamic_field=False)
            s.add_field("pk", DataType.VARCHAR, is_primary=True, max_length=64)
            s.add_field("content_hash", DataType.VARCHAR, max_length=64)
            s.add_field("case_id", DataType.VARCHAR, max_length=512)
            s.add_field("ord", DataType.INT64)
            for f in ("court", "court_level", "case_type", "outcome"):
                s.add_field(f, DataType.VARCHAR, max_length=512)
            s.add_field("year", DataType.INT64)
            s.add_field("lex", DataType.VARCHAR, max_length=MAX_TEXT, enable_analyzer=True,
                        analyzer_params={"tokenizer": "standard"})
            s.add_field("sparse", DataType.SPARSE_FLOAT_VECTOR)
            s.add_function(Function(name="bm25", function_type=FunctionType.BM25, input_field_names=["lex"],
                                    output_field_names=["sparse"]))
            return s

        for name, extra in ((pieces_name, "pieces"), (cases_name, "cases")):
            s = base()
            if extra == "pieces":
                s.add_field("section", DataType.VARCHAR, max_length=64)
                s.add_field("ordinal", DataType.INT64)
                s.add_field("similar", DataType.BOOL)
                s.add_field("text", DataType.VARCHAR, max_length=MAX_TEXT)
                s.add_field("dense", DataType.FLOAT_VECTOR, dim=dim)
            else:
                s.add_field("date", DataType.INT64)
                s.add_field("summary", DataType.JSON)
                s.add_field("dense", DataType.FLOAT_VECTOR, dim=2)  # Milvus wants a dense field; never searched
            ip = c.prepare_index_params()
            ip.add_index(field_name="sparse", index_type="SPARSE_INVERTED_INDEX", metric_type="BM25",
                         params={"bm25_k1": MILVUS_BM25_K1, "bm25_b": MILVUS_BM25_B})
            ip.add_index(field_name="dense", index_type="FLAT" if is_lite(uri) or extra == "cases" else "AUTOINDEX",
                         metric_type="IP")
            c.create_collection(name, schema=s, index_params=ip)

    # -- building -------------------------------------------------------------------------------------------------
    @classmethod
    def sync(cls, cases: Iterable[CaseLawDocument], *, uri: str, corpus: str, version: str,
             token: str | None = None, config: CaseIndexConfig | None = None, embedder=None,
             cache_dir: Path | None = None, mask: Masker | None = None, workers: int = 2) -> MilvusCaseIndex:
        """Bring the collections to ``cases`` (masked by ``mask(case)`` as ``CaseIndex.build`` does): upsert what
        changed, delete what is gone, record ``version`` (the case store's) in the manifest."""
        config = config or CaseIndexConfig()
        cases = list(cases)
        maskers = {c.case_id: mask(c) if mask else None for c in cases}
        if cache_dir is not None:
            Path(cache_dir).mkdir(parents=True, exist_ok=True)
        segmenter = Segmenter(cache_path=Path(cache_dir) / "segments.jsonl" if cache_dir else None)
        summaries = [_summary(c, maskers[c.case_id]) for c in cases]
        pieces = [p for c in cases for p in case_pieces(c, config, maskers[c.case_id])]
        tokens = segmenter.segment_many([p.text for p in pieces], workers=workers)
        repeat = token_repeat(config.bm25_k1)
        dim = embedder.dim if embedder is not None else 2
        schema = {"version": SCHEMA_VERSION, "dim": dim, "token_repeat": repeat, "config": _plain(asdict(config))}
        c = client(uri, token)
        manifests = Manifests(uri, token)
        key = f"{corpus}__cases"
        pieces_name, cases_name = collection_name(f"{corpus}__pieces"), collection_name(key)
        old = manifests.get(key)
        if old is None or old.get("schema") != schema or not (c.has_collection(pieces_name)
                                                              and c.has_collection(cases_name)):
            for name in (pieces_name, cases_name):
                drop(c, uri, name)
            cls._create(c, uri, pieces_name, cases_name, dim)
        facets = {m.case_id: _facet_values(m) for m in summaries}
        fingerprint = None
        if embedder is not None:
            from indexing.index import model_fingerprint

            fingerprint = model_fingerprint(str(embedder.model_dir))
        piece_rows, by_case, position = [], {m.case_id: [] for m in summaries}, Counter()
        df: Counter = Counter()
        for p, toks in zip(pieces, tokens):
            similar = p.section in config.similar_sections
            if similar:
                by_case[p.case_id].extend(toks)
            lex = lex_text(toks, repeat)
            df.update(set(lex_text(toks).split()))
            row = {"pk": _pk(p.case_id, p.section, p.ordinal), "case_id": p.case_id, "ord": position[p.case_id],
                   "section": p.section, "ordinal": p.ordinal, "similar": similar, "text": p.text, "lex": lex,
                   **facets[p.case_id]}
            position[p.case_id] += 1
            row["content_hash"] = hashlib.sha1(json.dumps([row, fingerprint], ensure_ascii=False,
                                                          sort_keys=True).encode()).hexdigest()
            piece_rows.append(row)
        case_rows = []
        for i, m in enumerate(summaries):
            row = {"pk": _pk(m.case_id), "case_id": m.case_id, "ord": i, "date": _date_int(m.date),
                   "summary": _summary_json(m), "lex": lex_text(by_case[m.case_id], repeat), **facets[m.case_id]}
            content = {k: v for k, v in row.items() if k != "ord"}
            row["content_hash"] = hashlib.sha1(json.dumps(content, ensure_ascii=False,
                                                          sort_keys=True).encode()).hexdigest()
            case_rows.append(row | {"dense": [1.0, 0.0]})
        cls._sync_rows(c, uri, cases_name, case_rows)
        changed, gone = cls._diff(c, uri, pieces_name, piece_rows)
        if changed:
            if embedder is not None:
                texts = [r["text"] for r in changed]
                if cache_dir is not None:
                    from indexing.vector_cache import VectorCache

                    variant = f"{embedder.max_seq_length}{'-int8' if embedder.quantize else ''}"
                    cache = VectorCache(Path(cache_dir) / f"vectors-{fingerprint}-{variant}.sqlite", embedder.dim)
                    try:
                        vectors, _ = cache.embed(texts, embedder.embed_passages)
                    finally:
                        cache.close()
                else:
                    vectors = embedder.embed_passages(texts)
            else:
                vectors = np.zeros((len(changed), dim), dtype=np.float32)
                vectors[:, 0] = 1.0
            for i in range(0, len(changed), BATCH):
                c.upsert(pieces_name, [r | {"dense": v.tolist()} for r, v in zip(changed[i:i + BATCH],
                                                                                   vectors[i:i + BATCH])])
        cls._delete(c, pieces_name, gone)
        for name in (pieces_name, cases_name):
            c.flush(name)
        build = dt.datetime.now().strftime("%Y%m%d-%H%M%S-%f")
        manifest = {"backend": "milvus", "build": build, "version": version, "schema": schema,
                    "dense": embedder is not None, "model": fingerprint,
                    "counts": {"cases": len(summaries), "pieces": len(pieces), "upserted": len(changed)}}
        blobs = Blobs(uri, token)
        blobs.put(key, build, "df", dict(df))
        manifests.put(key, manifest)
        blobs.prune(key, build)
        return cls(uri, corpus, manifest, token=token, embedder=embedder, config=config, df=dict(df))

    @staticmethod
    def _diff(c, uri: str, name: str, rows: list[dict]) -> tuple[list[dict], list[str]]:
        """The rows whose content is not stored yet, and the stored primary keys no row has (one scan)."""
        stored = {r["pk"]: r["content_hash"] for r in scan(loaded(c, uri, name), name, ["pk", "content_hash"])}
        keep = {r["pk"] for r in rows}
        return [r for r in rows if stored.get(r["pk"]) != r["content_hash"]], sorted(set(stored) - keep)

    @staticmethod
    def _delete(c, name: str, gone: list[str]) -> None:
        for i in range(0, len(gone), 1000):
            c.delete(name, ids=gone[i:i + 1000])

    @classmethod
    def _sync_rows(cls, c, uri: str, name: str, rows: list[dict]) -> None:
        changed, gone = cls._diff(c, uri, name, rows)
        for i in range(0, len(changed), BATCH):
            c.upsert(name, changed[i:i + BATCH])
        cls._delete(c, name, gone)

    @classmethod
    def load(cls, uri: str, corpus: str, *, version: str | None = None, token: str | None = None, embedder=None,
             config: CaseIndexConfig | None = None) -> MilvusCaseIndex | None:
        """The index built for the case store's ``version`` (any version when None), or None when there is none
        (or it was built with another model or configuration)."""
        key = f"{corpus}__cases"
        manifest = Manifests(uri, token).get(key)
        config = config or CaseIndexConfig()
        if manifest is None or (version is not None and manifest.get("version") != version):
            return None
        if manifest["schema"].get("config") != _plain(asdict(config)) or \
                manifest["schema"].get("version") != SCHEMA_VERSION:
            return None
        if manifest.get("dense") != (embedder is not None):
            return None
        if embedder is not None:
            from indexing.index import model_fingerprint

            if manifest.get("model") != model_fingerprint(str(embedder.model_dir)):
                return None
        df = Blobs(uri, token).get(key, manifest["build"], "df")
        if df is None:
            return None
        return cls(uri, corpus, manifest, token=token, embedder=embedder, config=config, df=df)

    # -- fetching -------------------------------------------------------------------------------------------------
    def _fetch_summaries(self, case_ids: list[str]) -> dict[str, CaseSummary]:
        out = {}
        for i in range(0, len(case_ids), 100):
            rows = self._client.query(self.cases_name, filter=f"case_id in {_literal(case_ids[i:i + 100])}",
                                      output_fields=["case_id", "summary"])
            out.update((r["case_id"], _summary_from(r)) for r in rows)
        return out

    def _case_ids(self):
        yield from self.matching()

    def _query_all(self, name: str, expr: str, fields: list[str]) -> list[dict]:
        return list(scan(self._client, name, fields, expr))

    def _pieces_of(self, case_ids: Collection[str], expr: str, fields: list[str]) -> list[dict]:
        ids = list(case_ids)
        rows = []
        for i in range(0, len(ids), 100):
            e = f"case_id in {_literal(ids[i:i + 100])}" + (f" and ({expr})" if expr else "")
            rows += self._query_all(self.pieces_name, e, fields)
        return rows

    def _in_store_order(self, case_ids: Collection[str]) -> list[str]:
        ids, rows = list(case_ids), []
        for i in range(0, len(ids), 100):
            rows += self._client.query(self.cases_name, filter=f"case_id in {_literal(ids[i:i + 100])}",
                                       output_fields=["case_id", "ord"])
        return [r["case_id"] for r in sorted(rows, key=lambda r: r["ord"])]

    def _search(self, name: str, data, field: str, expr: str, fields: list[str], limit: int = DEPTH):
        res = self._client.search(name, data=[data], anns_field=field, limit=limit, filter=expr,
                                  output_fields=fields, search_params={"metric_type": "BM25" if field == "sparse"
                                                                       else "IP"}, consistency_level="Bounded")
        return [(h["entity"], abs(float(h["distance"])) if field == "sparse" else float(h["distance"]))
                for h in res[0]]

    # -- the CaseIndex interface ----------------------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self.summaries)

    def warm_up(self) -> None:
        from indexing.segment import tokenize

        tokenize("khởi động bộ tách từ")
        if self.embedder is not None:
            self.embedder.embed_queries(["khởi động"])

    def matching(self, filters: CaseFilters | None = None) -> list[str]:
        """Ids of the cases the filters keep, newest first (ties in the store's order)."""
        rows = self._query_all(self.cases_name, case_filter(filters), ["case_id", "date", "ord"])
        rows.sort(key=lambda r: r["ord"])
        return [r["case_id"] for r in sorted(rows, key=lambda r: r["date"], reverse=True)]

    def facets(self, case_ids: Iterable[str]) -> dict[str, list[tuple[object, int]]]:
        found = self.summaries.many(case_ids)
        out: dict[str, list[tuple[object, int]]] = {}
        for name in FACETS:
            counts = Counter(v for m in found.values() if (v := m.facet(name)) is not None)
            out[name] = sorted(counts.items(), key=lambda kv: (-kv[1], str(kv[0])))
        return out

    def first_piece(self, case_id: str, section: str = Section.FACTS) -> CasePiece | None:
        rows = self._pieces_of([case_id], "", [*PIECE_FIELDS, "ord"])
        rows.sort(key=lambda r: r["ord"])
        row = next((r for r in rows if r["section"] == section), rows[0] if rows else None)
        return _piece(row) if row else None

    def _vectors(self, texts: list[str]) -> np.ndarray | None:
        if self.embedder is None or not texts:
            return None
        return np.asarray(self.embedder.embed_queries(texts), dtype=np.float32)

    def search(self, query: str, filters: CaseFilters | None = None, k: int | None = None) -> list[CaseHit]:
        """Cases matching a short query, best first, each with its best piece (``CaseIndex.search``'s scores over
        the engine's candidates)."""
        if not len(self):
            return []
        expr = case_filter(filters)
        fields = [*PIECE_FIELDS, "dense"] if self.embedder is not None else PIECE_FIELDS
        lex_text_ = lex_text(self.segmenter.segment(query))
        found = self._search(self.pieces_name, lex_text_, "sparse", expr, fields) if lex_text_ else []
        qv = self._vectors([query])
        if not found and qv is not None:  # no word shared anywhere: matched by meaning alone
            found = [(e, 0.0) for e, _ in self._search(self.pieces_name, qv[0].tolist(), "dense", expr, fields)]
        if not found:
            return []
        lex = np.array([s for _, s in found])
        w_lex, w_dense = self.config.weights
        fused = w_lex * np.asarray(normalize(lex.tolist()))
        dense = np.zeros(len(found))
        if qv is not None:
            dense = np.array([float(np.dot(np.asarray(e["dense"], dtype=np.float32), qv[0])) for e, _ in found])
            fused = fused + w_dense * np.asarray(normalize(dense.tolist()))
        best: dict[str, int] = {}
        for i, (e, _) in enumerate(found):
            j = best.get(e["case_id"])
            if j is None or fused[i] > fused[j]:
                best[e["case_id"]] = i
        order = sorted(best.values(), key=lambda i: -fused[i])[: k if k is not None else None]
        return [CaseHit(case_id=found[i][0]["case_id"], score=float(fused[i]), piece=_piece(found[i][0]), rank=r,
                        scores={"bm25": float(lex[i]), "dense": float(dense[i])}) for r, i in enumerate(order, 1)]

    def similar(self, facts: str, k: int = 10, exclude: Collection[str] = ()) -> list[CaseHit]:
        """The cases most similar to a description of facts (``CaseIndex.similar``'s scores over the candidate
        cases: the case-level BM25's and the ones whose pieces the facts' pieces are nearest to)."""
        if not len(self):
            return []
        expr = case_filter(CaseFilters(exclude=frozenset(exclude)))
        w_lex, w_dense = self.config.weights
        q = lex_text(self.segmenter.segment(facts))
        case_lex = dict((e["case_id"], s) for e, s in self._search(self.cases_name, q, "sparse", expr, ["case_id"])) \
            if q else {}
        similar = f"similar == true{f' and ({expr})' if expr else ''}"
        piece_lex = {(e["case_id"], e["section"], e["ordinal"]): s for e, s in self._search(
            self.pieces_name, q, "sparse", similar, ["case_id", "section", "ordinal"])} if q else {}
        chunks = split_section(facts, self.config.piece_chars)
        if len(chunks) > self.config.query_pieces:  # evenly spread over the whole text
            step = len(chunks) / self.config.query_pieces
            chunks = [chunks[int(i * step)] for i in range(self.config.query_pieces)]
        qv = self._vectors(chunks)
        candidates = set(case_lex)
        if qv is not None:
            for v in qv:
                candidates |= {e["case_id"] for e, _ in self._search(self.pieces_name, v.tolist(), "dense", similar,
                                                                     ["case_id"], limit=100)}
        if len(candidates) < k:  # every case is ranked: those sharing nothing with the facts last, in store order
            rows = self._client.query(self.cases_name, filter=expr, output_fields=["case_id", "ord"],
                                      limit=k + len(candidates))
            extra = [r["case_id"] for r in sorted(rows, key=lambda r: r["ord"]) if r["case_id"] not in candidates]
            candidates |= set(extra[: k - len(candidates)])
        if not candidates:
            return []
        fields = [*PIECE_FIELDS, "ord", "similar"] + (["dense"] if qv is not None else [])
        rows = self._pieces_of(candidates, "", fields)
        ids = self._in_store_order(candidates)  # ties keep the store's order, as in CaseIndex
        lex = np.array([case_lex.get(c, 0.0) for c in ids])
        score = w_lex * np.asarray(normalize(lex.tolist()))
        case_dense = np.zeros(len(ids))
        sim_rows = [r for r in rows if r["similar"]]
        piece_score = np.asarray(normalize([piece_lex.get((r["case_id"], r["section"], r["ordinal"]), 0.0)
                                            for r in sim_rows])) if sim_rows else np.zeros(0)
        if qv is not None and sim_rows:
            sims = np.asarray([r["dense"] for r in sim_rows], dtype=np.float32) @ qv.T  # (pieces, chunks)
            cols: dict[str, list[int]] = {}
            for j, r in enumerate(sim_rows):
                cols.setdefault(r["case_id"], []).append(j)
            for i, c in enumerate(ids):
                if c in cols:
                    case_dense[i] = float(np.mean(np.max(sims[cols[c]], axis=0)))
            score = score + w_dense * np.asarray(normalize(case_dense.tolist()))
            piece_score = piece_score + np.asarray(normalize(sims.max(axis=1).tolist()))
        best: dict[str, tuple[float, dict]] = {}
        for s, r in zip(piece_score, sim_rows):
            if r["case_id"] not in best or s > best[r["case_id"]][0]:
                best[r["case_id"]] = (float(s), r)
        first = {}
        for r in sorted(rows, key=lambda r: r["ord"]):
            first.setdefault(r["case_id"], r)  # a case without the compared sections shows its first piece
        order = sorted(range(len(ids)), key=lambda i: -score[i])[:k]
        return [CaseHit(case_id=ids[i], score=float(score[i]),
                        piece=_piece(best[ids[i]][1] if ids[i] in best else first[ids[i]]), rank=r,
                        scores={"bm25": float(lex[i]), "dense": float(case_dense[i])})
                for r, i in enumerate(order, 1) if ids[i] in best or ids[i] in first]

    def coverage(self, query: str, piece: CasePiece) -> float:
        """The share of the query's words (weighted by rarity among the pieces) that the piece contains (0–1)."""
        words = set(lex_text(self.segmenter.segment(query)).split())
        pk = _pk(piece.case_id, piece.section, piece.ordinal)
        rows = self._client.query(self.pieces_name, filter=f"pk in {_literal([pk])}", output_fields=["lex"])
        if not words or not rows:
            return 0.0
        tokens = set(rows[0]["lex"].split())
        weight = {w: max(self._idf.get(w, self._idf_unseen), 0.0) for w in words}
        total = math.fsum(weight.values())
        return math.fsum(v for w, v in weight.items() if w in tokens) / total if total else 0.0
