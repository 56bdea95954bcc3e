"""The tuning lab behind ``benchmarks/retrieval_both.py``: both dev sets, their retrieval signals cached, and k-fold
cross-validation that picks settings on training folds and scores them on the held-out one.

The two dev sets (see ``../shared/design.md``, "What a number on one dev set is worth"):

- ``alqac``: ``alqac/questions.json`` (729) on the ``alqac`` corpus (17 laws, 2,249 articles); gold law titles go
  through the corpus's alias resolver;
- ``zalo``: ``zalo/questions-statutes.json`` (185 real users' questions) on the ``statutes`` corpus (208 statutes,
  17,855 articles); gold ``law_id`` is the document number in lower case, read by the corpus's alias resolver
  (without regard to case, and a unique completion of a number without its session: ``73/2006/qh`` → ``73/2006/QH11``).

Everything slow is computed once from the product's built index and cached under ``--cache`` (default
``$TMPDIR/thuky-lab``): the segmented article titles and bodies, the analysed queries (search text, named laws,
named articles, tokens), the query vectors (embedded one at a time, as the product does — int8 activations are
quantised per batch, so a batch would give slightly different vectors) and the article vectors (read back from the
FAISS index). BM25 score matrices for other ``k1``/``b``/title weights are re-indexed from the cached tokens.

``Lab.rank`` reproduces ``CorpusIndex.search`` (BM25 ∥ dense → min-max/z-score/RRF fusion → law boost → named
articles first) from those matrices in numpy; ``check`` compares it with the product path question by question.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import shutil
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from corpus.text import nfc  # noqa: E402
from eval.metrics.retrieval import ndcg_at_k, recall_at_k, reciprocal_rank  # noqa: E402
from indexing.ranker import dev_questions  # noqa: E402

SETS = {"alqac": ("alqac", "alqac/questions.json"), "zalo": ("statutes", "zalo/questions-statutes.json")}
DEFAULT_CACHE = Path(os.environ.get("TMPDIR", "/tmp")) / "thuky-lab"
METRICS = ("recall@1", "recall@5", "recall@10", "mrr@10", "ndcg@10")


# --- questions and gold ----------------------------------------------------------------------------------------------
def load_questions(name: str, data_dir: Path, resolver) -> list[dict]:
    """The set's questions as ``{"id", "text", "choices", "type", "gold": set of keys}``."""
    corpus, rel = SETS[name]
    raw = json.loads((data_dir / rel).read_text(encoding="utf-8"))
    out = []
    if name == "zalo":  # lower-case document numbers, read by the corpus's alias resolver
        for q, dev in zip(raw, dev_questions(data_dir, "zalo", resolver)):
            out.append({"id": q["id"], **dev, "type": "zalo"})
    else:
        from eval.convert import from_alqac
        from eval.suite import resolve_gold

        for item, q in zip(raw, from_alqac(raw, corpus=None).questions):
            gold = set(resolve_gold(q, resolver).keys)
            out.append({"id": q.id, "text": q.question, "choices": q.choices, "type": item.get("question_type", ""),
                        "gold": gold})
    return out


# --- metrics ---------------------------------------------------------------------------------------------------------
def per_query(ranked: Sequence, gold: set) -> np.ndarray:
    """Recall@1/5/10, MRR@10, nDCG@10 of one ranked list."""
    return np.array([recall_at_k(ranked, gold, 1), recall_at_k(ranked, gold, 5), recall_at_k(ranked, gold, 10),
                     reciprocal_rank(ranked, gold, 10), ndcg_at_k(ranked, gold, 10)])


def summary(rows: np.ndarray) -> dict[str, float]:
    m = np.asarray(rows).mean(axis=0)
    return dict(zip(METRICS, (float(x) for x in m)))


def fmt_row(name: str, m: dict[str, float], extra: str = "") -> str:
    return f"{name:<34}" + "".join(f"{m[k]:>9.4f}" for k in METRICS) + (f"  {extra}" if extra else "")


HEADER = f"{'':<34}" + "".join(f"{k:>9}" for k in ("R@1", "R@5", "R@10", "MRR@10", "nDCG@10"))




# --- the cached signals of one set -----------------------------------------------------------------------------------
@dataclass
class SetData:
    name: str
    corpus: str
    questions: list[dict]
    keys: list[tuple[str, str]]  # records in BM25 order
    doc_of: np.ndarray  # document number (index into docs) of each record
    docs: list[str]
    title_tokens: list[list[str]]
    body_tokens: list[list[str]]
    queries: list[dict]  # per question: search_text, doc_ids, named (keys), tokens
    qvec: np.ndarray  # (n_questions, dim)
    pvec: np.ndarray  # (n_records, dim): best piece per article is the article's vector when one piece each
    piece_rec: np.ndarray  # record index of each piece
    records: list = field(default_factory=list)
    config: dict = field(default_factory=dict)  # the index's config (manifest)
    _bm25: dict = field(default_factory=dict)
    _dense: np.ndarray | None = None

    @property
    def n(self) -> int:
        return len(self.questions)

    def dense(self) -> np.ndarray:
        """Cosine of every question with every article (max over the article's pieces)."""
        if self._dense is None:
            s = self.qvec @ self.pvec.T
            if len(self.piece_rec) == len(self.keys) and np.all(self.piece_rec == np.arange(len(self.keys))):
                self._dense = s.astype(np.float32)
            else:
                out = np.full((self.n, len(self.keys)), -1.0, dtype=np.float32)
                for j, r in enumerate(self.piece_rec):
                    out[:, r] = np.maximum(out[:, r], s[:, j])
                self._dense = out
        return self._dense

    def bm25(self, k1: float, b: float, title_weight: int, cache: Path | None = None,
             query_tokens: list[list[str]] | None = None, tag: str = "") -> np.ndarray:
        """BM25 (bm25s, Lucene variant) of every question with every article, indexing the title ``title_weight``
        times before the body."""
        key = (k1, b, title_weight, tag)
        if key in self._bm25:
            return self._bm25[key]
        path = cache / self.name / f"bm25-{k1}-{b}-{title_weight}{tag}.npy" if cache else None
        if path is not None and path.exists():
            m = np.load(path)
        else:
            import bm25s

            toks = [t * title_weight + body for t, body in zip(self.title_tokens, self.body_tokens)]
            model = bm25s.BM25(k1=k1, b=b, method="lucene")
            model.index([t if t else [""] for t in toks], show_progress=False)
            qt = query_tokens if query_tokens is not None else [q["tokens"] for q in self.queries]
            m = np.zeros((self.n, len(self.keys)), dtype=np.float32)
            for i, t in enumerate(qt):
                ids = model.get_tokens_ids(t)
                if ids:
                    m[i] = model.get_scores(ids)
            if path is not None:
                np.save(path, m)
        self._bm25[key] = m
        return m


def _sha(obj) -> str:
    return hashlib.sha1(json.dumps(obj, ensure_ascii=False, sort_keys=True, default=str).encode()).hexdigest()[:12]


def open_index(corpus: str):
    """The product's loaded index of a corpus (as ``thuky.runtime`` loads it), and its store's resolver."""
    from thuky.runtime import Runtime
    from thuky.settings import get_settings

    rt = Runtime(get_settings())
    return rt.indexes.get(corpus), rt.store.resolver(corpus), rt.settings


def load_set(name: str, cache: Path = DEFAULT_CACHE, data_dir: Path | None = None, index=None, resolver=None,
             settings=None) -> SetData:
    """The cached signals of a dev set (computing what is missing from the product's live index)."""
    corpus, _ = SETS[name]
    folder = cache / name
    folder.mkdir(parents=True, exist_ok=True)
    if index is None:
        index, resolver, settings = open_index(corpus)
    data_dir = data_dir or settings.data_dir
    build = index.directory.name
    stamp = folder / "build.txt"
    if stamp.exists() and stamp.read_text() != build:  # the index was rebuilt: start over
        shutil.rmtree(folder)
        folder.mkdir(parents=True)
    stamp.write_text(build)
    questions = load_questions(name, data_dir, resolver)
    records = index.bm25.records
    keys = [r.key for r in records]
    docs = sorted({r.doc_id for r in records})
    doc_no = {d: i for i, d in enumerate(docs)}
    doc_of = np.array([doc_no[r.doc_id] for r in records])

    tok_path = folder / "doc_tokens.pkl"
    if tok_path.exists():
        title_tokens, body_tokens = pickle.loads(tok_path.read_bytes())
    else:
        from indexing.segment import Segmenter

        seg_copy = folder / "segments.jsonl"
        shutil.copy(index.directory.parent / "segments.jsonl", seg_copy)
        seg = Segmenter(cache_path=seg_copy)
        toks = seg.segment_many([r.title for r in records] + [r.text for r in records], workers=2)
        title_tokens, body_tokens = toks[: len(records)], toks[len(records):]
        tok_path.write_bytes(pickle.dumps((title_tokens, body_tokens)))

    q_path = folder / "queries.pkl"
    if q_path.exists():
        queries = pickle.loads(q_path.read_bytes())
    else:
        queries = []
        from indexing.rerank import NamedUnitReranker

        named = next(r for r in index.rerankers if isinstance(r, NamedUnitReranker))
        for q in questions:
            text = nfc(q["text"]).strip()
            a = index.analyzer.analyze(text, q["choices"])
            queries.append({"search_text": a.search_text, "doc_ids": list(a.doc_ids),
                            "named": named.named_units(text), "tokens": index.bm25.tokens(a.search_text)})
        q_path.write_bytes(pickle.dumps(queries))

    v_path = folder / "qvec.npy"
    if v_path.exists():
        qvec = np.load(v_path)
    elif index.embedder is not None:
        t = time.perf_counter()
        qvec = np.stack([index.embedder.embed_queries([q["search_text"]])[0] for q in queries])
        print(f"[{name}] embedded {len(queries)} queries in {time.perf_counter() - t:.0f}s", file=sys.stderr)
        np.save(v_path, qvec)
    else:
        qvec = np.zeros((len(queries), 1), dtype=np.float32)

    p_path = folder / "pvec.npy"
    if p_path.exists():
        pvec = np.load(p_path)
        piece_rec = np.load(folder / "piece_rec.npy")
    elif index.dense is not None:
        rec_no = {k: i for i, k in enumerate(keys)}
        pvec = index.dense.index.reconstruct_n(0, index.dense.index.ntotal)
        piece_rec = np.array([rec_no[tuple(k)] for k in index.dense.keys])
        np.save(p_path, pvec)
        np.save(folder / "piece_rec.npy", piece_rec)
    else:
        pvec, piece_rec = np.zeros((len(keys), 1), dtype=np.float32), np.arange(len(keys))
    return SetData(name, corpus, questions, keys, doc_of, docs, title_tokens, body_tokens, queries, qvec, pvec,
                   piece_rec, records=list(records), config=dict(index.manifest["config"]))


# --- the product's ranking, in numpy ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class FusionConfig:
    k1: float = 0.8
    b: float = 0.75
    title_weight: int = 2
    fusion: str = "minmax"  # minmax | zscore | rrf | lexical
    w_bm25: float = 1.0
    w_dense: float = 0.75
    rrf_k: float = 60.0
    depth: int = 100
    law_boost: float = 1.25

    def label(self) -> str:
        f = "lex" if self.fusion == "lexical" else f"{self.fusion} {self.w_bm25:g}:{self.w_dense:g}"
        return f"k1 {self.k1:g} b {self.b:g} tw {self.title_weight} {f} d{self.depth} boost {self.law_boost:g}"


def _top(row: np.ndarray, n: int) -> np.ndarray:
    """Indices of the ``n`` largest, best first, ties by index (as ``BM25Index._top``)."""
    n = min(n, len(row))
    idx = np.argpartition(-row, n - 1)[:n]
    return idx[np.lexsort((idx, -row[idx]))]


def _norm(s: np.ndarray, method: str) -> np.ndarray:
    if method == "minmax":
        lo, hi = s.min(), s.max()
        return np.ones_like(s) if hi - lo <= 1e-12 else (s - lo) / (hi - lo)
    sd = s.std()
    return np.zeros_like(s) if sd <= 1e-12 else (s - s.mean()) / sd


def fuse_one(bm: np.ndarray, de: np.ndarray | None, cfg: FusionConfig, boost_docs: np.ndarray | None,
             doc_of: np.ndarray, lb: np.ndarray | None = None, ld: np.ndarray | None = None
             ) -> tuple[np.ndarray, np.ndarray, dict]:
    """Candidates (record indices, best first) and their fused scores for one question, as ``HybridRetriever``
    computes them (without the cut to k), plus each candidate's rank on each side (0: not in that list). ``lb`` and
    ``ld`` may pass the two sides' top lists when already known."""
    lb = _top(bm, cfg.depth) if lb is None else lb
    if de is None or cfg.fusion == "lexical":
        cand, fused = lb, bm[lb].astype(np.float64)
        side = {"lex_rank": np.arange(1, len(lb) + 1), "dense_rank": np.full(len(lb), 0)}
    else:
        ld = _top(de, cfg.depth) if ld is None else ld
        # union in first-seen order: BM25 list, then the dense list's newcomers
        n = len(bm)
        seen = np.zeros(n, dtype=bool)
        seen[lb] = True
        cand = np.concatenate([lb, ld[~seen[ld]]])
        pos_l = np.zeros(len(cand), dtype=int)
        pos_l[: len(lb)] = np.arange(1, len(lb) + 1)
        rank_d = np.zeros(n, dtype=int)
        rank_d[ld] = np.arange(1, len(ld) + 1)
        pos_d = rank_d[cand]
        if cfg.fusion == "rrf":
            fused = np.where(pos_l > 0, cfg.w_bm25 / (cfg.rrf_k + pos_l), 0.0) + \
                np.where(pos_d > 0, cfg.w_dense / (cfg.rrf_k + pos_d), 0.0)
        else:
            nl, nd = _norm(bm[lb].astype(np.float64), cfg.fusion), _norm(de[ld].astype(np.float64), cfg.fusion)
            fl = nl.min() if cfg.fusion == "zscore" else 0.0
            fd = nd.min() if cfg.fusion == "zscore" else 0.0
            vl = np.full(len(cand), fl)
            vl[: len(lb)] = nl
            vals = np.full(n, fd)
            vals[ld] = nd
            vd = vals[cand]
            fused = cfg.w_bm25 * vl + cfg.w_dense * vd
            if cfg.fusion == "zscore":
                fused = fused - fused.min() + 1e-6
        side = {"lex_rank": pos_l, "dense_rank": pos_d}
    if boost_docs is not None and len(boost_docs) and cfg.law_boost != 1.0:
        fused = np.where(np.isin(doc_of[cand], boost_docs), fused * cfg.law_boost, fused)
    order = np.lexsort((np.arange(len(cand)), -fused))
    side = {k: v[order] for k, v in side.items()}
    return cand[order], fused[order], side


class Lab:
    """Both dev sets and the operations the tuning scripts need."""

    def __init__(self, sets: dict[str, SetData], cache: Path = DEFAULT_CACHE):
        self.sets, self.cache = sets, cache
        self._key_no = {n: {k: i for i, k in enumerate(s.keys)} for n, s in sets.items()}
        self._doc_no = {n: {d: i for i, d in enumerate(s.docs)} for n, s in sets.items()}
        self._tops: dict = {}
        self._boost: dict = {}

    def boost_docs(self, name: str, i: int) -> np.ndarray:
        if (name, i) not in self._boost:
            dn = self._doc_no[name]
            self._boost[name, i] = np.array([dn[d] for d in self.sets[name].queries[i]["doc_ids"] if d in dn],
                                            dtype=int)
        return self._boost[name, i]

    def named(self, name: str, i: int) -> list[int]:
        kn = self._key_no[name]
        return [kn[tuple(k)] for k in self.sets[name].queries[i]["named"] if tuple(k) in kn]

    def candidates(self, name: str, cfg: FusionConfig, i: int, bm: np.ndarray | None = None,
                   de: np.ndarray | None = None):
        s = self.sets[name]
        bm = s.bm25(cfg.k1, cfg.b, cfg.title_weight, self.cache) if bm is None else bm
        de = (s.dense() if s.qvec.shape[1] > 1 else None) if de is None else de
        return fuse_one(bm[i], None if de is None else de[i], cfg, self.boost_docs(name, i), s.doc_of)

    def rank_idx(self, name: str, cfg: FusionConfig, k: int = 10, bm: np.ndarray | None = None) -> list[list[int]]:
        """The top ``k`` record indices of every question of a set under ``cfg`` (named articles first)."""
        s = self.sets[name]
        bm = s.bm25(cfg.k1, cfg.b, cfg.title_weight, self.cache) if bm is None else bm
        de = s.dense() if s.qvec.shape[1] > 1 else None
        tops = self._tops.get((name, cfg.k1, cfg.b, cfg.title_weight, cfg.depth, id(bm)))
        if tops is None:
            tops = [(_top(bm[i], cfg.depth), None if de is None else _top(de[i], cfg.depth)) for i in range(s.n)]
            self._tops = {(name, cfg.k1, cfg.b, cfg.title_weight, cfg.depth, id(bm)): tops}  # keep one
        out = []
        for i in range(s.n):
            cand, _, _ = fuse_one(bm[i], None if de is None else de[i], cfg, self.boost_docs(name, i), s.doc_of,
                                  *tops[i])
            out.append(self.finish_idx(name, i, cand[: k + 2], k))
        return out

    def rank(self, name: str, cfg: FusionConfig, k: int = 10, bm: np.ndarray | None = None) -> list[list]:
        """The top ``k`` keys of every question of a set under ``cfg`` (named articles first)."""
        keys = self.sets[name].keys
        return [[keys[j] for j in idx] for idx in self.rank_idx(name, cfg, k, bm)]

    def finish_idx(self, name: str, i: int, ranked_idx: Sequence[int], k: int = 10) -> list[int]:
        """Named articles first, then the ranking, cut to ``k``."""
        named = self.named(name, i)
        if not named:
            return [int(j) for j in ranked_idx[:k]]
        return (named + [int(j) for j in ranked_idx if j not in set(named)])[:k]

    def finish(self, name: str, i: int, ranked_idx: Sequence[int], k: int = 10) -> list:
        keys = self.sets[name].keys
        return [keys[j] for j in self.finish_idx(name, i, ranked_idx, k)]

    def gold(self, name: str) -> list[tuple[set[int], int]]:
        """Per question: the gold record indices found in the corpus, and the number of gold keys."""
        if not hasattr(self, "_gold"):
            self._gold = {}
        if name not in self._gold:
            kn = self._key_no[name]
            self._gold[name] = [({kn[g] for g in q["gold"] if g in kn}, len(q["gold"]))
                                for q in self.sets[name].questions]
        return self._gold[name]

    def scores_idx(self, name: str, ranked: list[Sequence[int]]) -> np.ndarray:
        """(n_questions, 5) per-question metrics of ranked record indices (fast path of ``scores``)."""
        out = np.zeros((len(ranked), 5))
        disc = 1.0 / np.log2(np.arange(2, 12))
        for i, (r, (g, ng)) in enumerate(zip(ranked, self.gold(name))):
            if not ng:
                continue
            hit = np.array([j in g for j in list(r)[:10]] + [False] * (10 - min(10, len(r))), dtype=float)
            first = np.flatnonzero(hit)
            out[i] = (hit[:1].sum() / ng, hit[:5].sum() / ng, hit.sum() / ng,
                      1.0 / (first[0] + 1) if len(first) else 0.0,
                      (hit * disc).sum() / disc[: min(ng, 10)].sum())
        return out

    def scores(self, name: str, ranked: list[list]) -> np.ndarray:
        """(n_questions, 5) per-question metrics."""
        return np.stack([per_query(r, q["gold"]) for r, q in zip(ranked, self.sets[name].questions)])


def open_lab(names: Sequence[str] = ("alqac", "zalo"), cache: Path = DEFAULT_CACHE) -> Lab:
    sets = {}
    for name in names:
        t = time.perf_counter()
        sets[name] = load_set(name, cache)
        print(f"[{name}] {sets[name].n} questions, {len(sets[name].keys)} articles "
              f"({time.perf_counter() - t:.1f}s)", file=sys.stderr)
    return Lab(sets, cache)
