"""Retrieval quality on the ALQAC dev questions (``alqac/questions.json``, 729) over ``alqac/law.json`` (2,249
articles).

Prints Recall@1/5/10, MRR@10 and nDCG@10 (binary relevance) for the configured retriever:

    .venv/bin/python benchmarks/retrieval_dev.py                       # best lexical configuration
    .venv/bin/python benchmarks/retrieval_dev.py --plain               # plain BM25: raw question, no title boost
    .venv/bin/python benchmarks/retrieval_dev.py --dense-model DIR     # + e5 dense side, RRF fusion
    .venv/bin/python benchmarks/retrieval_dev.py --dense-model DIR --fusion minmax --weights 1 1
    .venv/bin/python benchmarks/retrieval_dev.py --json results.json   # also write config + metrics

Segmentations and passage vectors are cached under ``--cache`` (default ``$TMPDIR/thuky-bench``) so reruns are fast.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from corpus.text import nfc  # noqa: E402
from indexing.bm25 import BM25Index  # noqa: E402
from indexing.fusion import HybridRetriever  # noqa: E402
from eval.metrics.retrieval import evaluate  # noqa: E402
from indexing.query import QueryAnalyzer  # noqa: E402
from indexing.segment import Segmenter, text_key  # noqa: E402
from indexing.types import ArticleRecord, Filters  # noqa: E402

DATA = Path(os.environ.get("THUKY_DATA_DIR", Path(__file__).resolve().parent.parent.parent / "shared" / "data"))

# The best configuration measured on the dev questions (see the module docstring of indexing/bm25.py and the report).
BEST = {"k1": 0.8, "b": 0.75, "title_weight": 2, "doc_title_weight": 0, "clean": True, "choices": True,
        "law_boost": 1.5}
PLAIN = {"k1": 1.5, "b": 0.75, "title_weight": 1, "doc_title_weight": 0, "clean": False, "choices": False,
         "law_boost": 1.0}


# --- data ------------------------------------------------------------------------------------------------------------
def split_article_text(text: str) -> tuple[str, str]:
    """ALQAC article text is "Title\\n\\nBody" (sometimes one newline): the first line is the title."""
    text = nfc(text).strip()
    title, _, body = text.partition("\n")
    return title.strip(), body.strip()


def load_alqac_records(path: Path) -> list[ArticleRecord]:
    """ALQAC ``law.json`` → records keyed ``(law title, article id)``, exactly as ``relevant_articles`` label them."""
    records = []
    for law in json.loads(path.read_text(encoding="utf-8")):
        doc_id = nfc(law["id"])
        doc_type = "Hiến pháp" if doc_id.startswith("Hiến pháp") else "Bộ luật" if doc_id.startswith("Bộ luật") \
            else "Luật"
        for a in law["articles"]:
            title, body = split_article_text(a["text"])
            records.append(ArticleRecord(key=(doc_id, str(a["id"])), doc_title=doc_id, doc_type=doc_type,
                                         title=title, text=body))
    return records


def load_corpus_records(path: Path) -> tuple[list[ArticleRecord], dict[str, str]]:
    """The same articles through the project's loader (``corpus.loaders.load_path``): document ids are its slugs, so
    also return ``law title → doc id`` to map the gold labels. Falls back to the JSON adapter when the loader is
    unavailable."""
    try:
        from corpus.loaders import load_path
    except ImportError:
        records = load_alqac_records(path)
        return records, {r.doc_id: r.doc_id for r in records}
    records, law_ids = [], {}
    for doc in load_path(path):
        law_ids[nfc((doc.extra or {}).get("source_law_id") or doc.title)] = doc.id
        for a in doc.articles:
            records.append(ArticleRecord(key=(doc.id, a.number), doc_title=doc.title, doc_type=str(doc.doc_type),
                                         title=a.title, text=a.text, path=list(a.path), status=str(doc.status),
                                         effective_date=doc.effective_date, expiry_date=doc.expiry_date))
    return records, law_ids


def load_questions(path: Path, law_ids: dict[str, str] | None = None) -> list[dict]:
    """Questions with ``gold``: the set of ``(doc id, article id)``; ``law_ids`` maps law titles to doc ids."""
    qs = json.loads(path.read_text(encoding="utf-8"))
    law_ids = law_ids or {}
    for q in qs:
        q["gold"] = {(law_ids.get(nfc(r["law_id"]), nfc(r["law_id"])), str(r["article_id"]))
                     for r in q["relevant_articles"]}
    return qs


# --- dense side ------------------------------------------------------------------------------------------------------
class MatrixDense:
    """Exact cosine search over cached passage vectors with an ``Embedder`` for queries (enough for 2k articles)."""

    def __init__(self, embedder, records: list[ArticleRecord], cache_dir: Path):
        self.embedder, self.records = embedder, records
        self.keys = [r.key for r in records]
        texts = [f"{r.title}\n\n{r.text}" if r.title else r.text for r in records]
        tag = text_key("\x00".join(texts) + str(embedder.model_dir))[:16]
        path = cache_dir / f"passages-{tag}.npy"
        if path.exists():
            self.P = np.load(path)
        else:
            t = time.perf_counter()
            self.P = embedder.embed_passages(texts)
            print(f"embedded {len(texts)} passages in {time.perf_counter() - t:.0f}s", file=sys.stderr)
            cache_dir.mkdir(parents=True, exist_ok=True)
            np.save(path, self.P)
        self._qcache: dict[str, np.ndarray] = {}

    def embed_queries(self, texts: list[str]) -> None:
        todo = [t for t in dict.fromkeys(texts) if t not in self._qcache]
        if todo:
            for t, v in zip(todo, self.embedder.embed_queries(todo)):
                self._qcache[t] = v

    def __call__(self, query: str, n: int, filters: Filters | None = None) -> list[tuple[tuple[str, str], float]]:
        self.embed_queries([query])
        s = self.P @ self._qcache[query]
        if filters is not None and not filters.is_empty():
            s = np.where([filters.matches(r) for r in self.records], s, -np.inf)
        idx = np.argsort(-s, kind="stable")[:n]
        return [(self.keys[i], float(s[i])) for i in idx if np.isfinite(s[i])]


# --- running ---------------------------------------------------------------------------------------------------------
def run(retriever: HybridRetriever, questions: list[dict], k: int = 10, choices: bool = True) -> dict:
    runs = []
    for q in questions:
        ranked = retriever.ranked(q["text"], k, choices=q.get("choices") if choices else None)
        runs.append(([key for key, _, _ in ranked], q["gold"]))
    return evaluate(runs)


def by_type(retriever, questions, choices=True) -> dict[str, dict]:
    groups: dict[str, list[dict]] = {}
    for q in questions:
        groups.setdefault(q["question_type"], []).append(q)
    return {t: run(retriever, qs, choices=choices) for t, qs in groups.items()}


def make_retriever(records, cfg: dict, segmenter: Segmenter, dense=None) -> HybridRetriever:
    bm25 = BM25Index(k1=cfg["k1"], b=cfg["b"], title_weight=cfg["title_weight"],
                     doc_title_weight=cfg["doc_title_weight"], segmenter=segmenter).build(records)
    analyzer = QueryAnalyzer.from_titles({r.doc_id: r.doc_title for r in records}, with_choices=cfg["choices"])
    if not cfg["clean"]:
        analyzer.analyze = _raw_analyze(analyzer)  # type: ignore[method-assign]
    return HybridRetriever(bm25, dense=dense, analyzer=analyzer, fusion=cfg.get("fusion", "rrf"),
                           weights=cfg.get("weights", (1.0, 1.0)), rrf_k=cfg.get("rrf_k", 60.0),
                           depth=cfg.get("depth", 100), law_boost=cfg["law_boost"])


def _raw_analyze(analyzer: QueryAnalyzer):
    from indexing.query import Query

    def analyze(text, choices=None):
        search = " ".join([text, *[v for _, v in sorted(choices.items())]]) if choices and analyzer.with_choices \
            else text
        return Query(raw=text, text=text, search_text=search, doc_ids=analyzer.named_documents(text))

    return analyze


def fmt(m: dict) -> str:
    return "  ".join(f"{k}={v:.4f}" if isinstance(v, float) else f"{k}={v}" for k, v in m.items())


def main(argv=None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=DATA)
    ap.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "thuky-bench")
    ap.add_argument("--plain", action="store_true", help="plain BM25 baseline (raw question, title once, no boost)")
    ap.add_argument("--k1", type=float)
    ap.add_argument("--b", type=float)
    ap.add_argument("--title-weight", type=int)
    ap.add_argument("--doc-title-weight", type=int)
    ap.add_argument("--law-boost", type=float)
    ap.add_argument("--no-clean", action="store_true")
    ap.add_argument("--no-choices", action="store_true")
    ap.add_argument("--dense-model", type=Path, help="sentence-transformers dir (e.g. the rebuilt e5-small)")
    ap.add_argument("--dense-only", action="store_true")
    ap.add_argument("--fusion", default="minmax", choices=["rrf", "minmax", "zscore"])
    ap.add_argument("--depth", type=int, default=100, help="candidates taken from each side before fusion")
    ap.add_argument("--weights", type=float, nargs=2, default=(1.0, 0.5), metavar=("BM25", "DENSE"))
    ap.add_argument("--rrf-k", type=float, default=60.0)
    ap.add_argument("--by-type", action="store_true")
    ap.add_argument("--json-adapter", action="store_true",
                    help="read law.json directly instead of through corpus.loaders (doc ids = law titles)")
    ap.add_argument("--json", type=Path, help="write the configuration and metrics here")
    args = ap.parse_args(argv)

    cfg = dict(PLAIN if args.plain else BEST)
    for name in ("k1", "b", "title_weight", "doc_title_weight", "law_boost"):
        if getattr(args, name) is not None:
            cfg[name] = getattr(args, name)
    if args.no_clean:
        cfg["clean"] = False
    if args.no_choices:
        cfg["choices"] = False
    cfg.update(fusion=args.fusion, weights=tuple(args.weights), rrf_k=args.rrf_k, depth=args.depth)

    if args.json_adapter:
        records, law_ids = load_alqac_records(args.data / "alqac" / "law.json"), None
    else:
        records, law_ids = load_corpus_records(args.data / "alqac" / "law.json")
    questions = load_questions(args.data / "alqac" / "questions.json", law_ids)
    known = {r.key for r in records}
    missing = Counter(k for q in questions for k in q["gold"] if k not in known)
    print(f"{len(records)} articles, {len(questions)} questions; gold not in corpus: {dict(missing)}")

    args.cache.mkdir(parents=True, exist_ok=True)
    seg = Segmenter(cache_path=args.cache / "segments.jsonl")
    t = time.perf_counter()
    dense = None
    if args.dense_model:
        from indexing.embedder import Embedder

        dense = MatrixDense(Embedder(args.dense_model), records, args.cache)
        dense.embed_queries([_query_text(q, cfg) for q in questions])
    if args.dense_only:
        if dense is None:
            ap.error("--dense-only needs --dense-model")
        cfg = {**cfg, "fusion": "dense-only", "weights": (0.0, 1.0)}
    retriever = make_retriever(records, cfg, seg, dense)
    print(f"built in {time.perf_counter() - t:.1f}s; config {json.dumps(cfg, ensure_ascii=False)}")

    t = time.perf_counter()
    m = run(retriever, questions, choices=cfg["choices"])
    dt = time.perf_counter() - t
    print(fmt(m) + f"  ({dt / len(questions) * 1000:.1f} ms/query)")
    out = {"config": cfg, "dense_model": str(args.dense_model) if args.dense_model else None, "metrics": m}
    if args.by_type:
        out["by_type"] = by_type(retriever, questions, choices=cfg["choices"])
        for typ, mm in out["by_type"].items():
            print(f"  {typ:12s} {fmt(mm)}")
    if args.json:
        args.json.write_text(json.dumps(out, ensure_ascii=False, indent=2))
    return out


def _query_text(q: dict, cfg: dict) -> str:
    """The text the dense side will embed for a question (batched up front: much faster than one at a time)."""
    from indexing.query import strip_boilerplate

    text = strip_boilerplate(q["text"]) if cfg["clean"] else q["text"]
    if cfg["choices"] and q.get("choices"):
        opts = [strip_boilerplate(v) if cfg["clean"] else v for _, v in sorted(q["choices"].items())]
        text = " ".join([text, *opts])
    return text


if __name__ == "__main__":
    main()
