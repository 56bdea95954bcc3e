"""Retrieval quality on both dev sets through the product's ``CorpusIndex.search``.

- ALQAC: ``alqac/questions.json`` (729) on the ``alqac`` corpus;
- Zalo: ``zalo/questions-statutes.json`` (185 real users' questions) on the ``statutes`` corpus.

Both indexes are the live ones under ``THUKY_HOME`` (``thuky index build --corpus alqac|statutes``), loaded as
``thuky.runtime`` loads them. Prints Recall@1/5/10, MRR@10 and nDCG@10 per set and the query latency, for the index as
configured without the learned ranker ("baseline") and, with ``--candidate``, with the candidate: the learned
ranker (``indexing/ranker.py``) from ``--ranker DIR`` (default ``THUKY_HOME/models/ranker``; ``--train`` trains it
there first, from both dev sets) plus any ``--set`` search-time overrides. ``--lexical-only`` drops the dense side.

The ranker is trained on the very questions it is scored on here, so the candidate's numbers below are in-sample;
the honest, out-of-fold numbers come from ``benchmarks/retrieval_tune.py ranker`` (5-fold cross-validation).

    .venv/bin/python benchmarks/retrieval_both.py
    .venv/bin/python benchmarks/retrieval_both.py --lexical-only
    .venv/bin/python benchmarks/retrieval_both.py --candidate --train --ranker /tmp/ranker
    .venv/bin/python benchmarks/retrieval_both.py --candidate --set weights=1,0.5 --set ranker=off
    .venv/bin/python benchmarks/retrieval_both.py --sets zalo --misses 20    # print 20 Zalo misses
    .venv/bin/python benchmarks/retrieval_both.py --backend milvus --build  # the same on Milvus (THUKY_MILVUS_URI)

``--backend embedded|milvus`` chooses the search backend (default: ``THUKY_SEARCH_BACKEND``); ``--build`` first builds
(or incrementally updates) both corpora's indexes on it from the store — with the vector and segmentation caches
under home, a Milvus build of what the embedded index holds embeds nothing again.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.retrieval_lab import HEADER, SETS, fmt_row, load_questions, per_query, summary  # noqa: E402


def apply_overrides(index, overrides: dict) -> None:
    """Search-time settings on a loaded index: fusion, weights, rrf_k, depth, law_boost (and ``ranker``: a model
    path, or ``off``)."""
    h = index.hybrid
    for key, value in overrides.items():
        if key == "weights":
            h.weights = tuple(float(x) for x in str(value).split(","))
        elif key in ("depth",):
            h.depth = int(value)
        elif key in ("rrf_k", "law_boost"):
            setattr(h, key, float(value))
        elif key == "fusion":
            h.fusion = str(value)
        elif key == "ranker":
            set_ranker(index, None if value == "off" else value)
        else:
            raise SystemExit(f"--set {key}: not a search-time setting (fusion, weights, rrf_k, depth, law_boost, "
                             "ranker); BM25 k1/b/title weight need a rebuild")


def set_ranker(index, model_path) -> None:
    from indexing.ranker import LearnedRanker, attach_ranker

    attach_ranker(index, LearnedRanker.load(Path(model_path)) if model_path else None)


def run_set(index, questions: list[dict], k: int = 10) -> tuple[np.ndarray, list[float], list[list]]:
    rows, lat, ranked_all = [], [], []
    for q in questions:
        t = time.perf_counter()
        hits = index.search(q["text"], k, choices=q["choices"])
        lat.append((time.perf_counter() - t) * 1000)
        ranked = [h.key for h in hits]
        ranked_all.append(ranked)
        rows.append(per_query(ranked, q["gold"]))
    return np.stack(rows), lat, ranked_all


def main(argv=None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sets", nargs="+", default=list(SETS), choices=list(SETS))
    ap.add_argument("--lexical-only", action="store_true", help="BM25 only (the dense side switched off)")
    ap.add_argument("--candidate", action="store_true", help="also score the candidate settings")
    ap.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                    help="a candidate search-time setting (repeatable)")
    ap.add_argument("--ranker", type=Path, default=None, help="the candidate's ranker model folder")
    ap.add_argument("--train", action="store_true", help="train the ranker into --ranker first (both sets needed)")
    ap.add_argument("--misses", type=int, default=0, help="print this many missed questions per set")
    ap.add_argument("--backend", choices=("embedded", "milvus"), default=None,
                    help="search backend (default: THUKY_SEARCH_BACKEND)")
    ap.add_argument("--build", action="store_true", help="build or update the sets' indexes on the backend first")
    ap.add_argument("--json", type=Path, default=None)
    args = ap.parse_args(argv)

    from thuky.runtime import Runtime
    from thuky.settings import Settings

    from indexing.ranker import ranker_dir, train_from_dev

    rt = Runtime(Settings(**({"search_backend": args.backend} if args.backend else {})))
    print(f"backend: {rt.settings.search_backend}"
          + (f" ({rt.settings.milvus_address})" if rt.settings.search_backend == "milvus" else ""), file=sys.stderr)
    if args.build:
        for name in args.sets:
            t = time.perf_counter()
            report = rt.index_builder(embedder=rt.embedder()).build(rt.store, SETS[name][0])
            print(f"built {report.corpus}: {report.articles} articles, {report.embedded} embedded, "
                  f"{time.perf_counter() - t:.0f}s", file=sys.stderr)
    ranker = args.ranker or ranker_dir(rt.settings.home)
    if args.train:
        t = time.perf_counter()
        indexes = {name: rt.indexes.get(SETS[name][0]) for name in SETS}
        resolvers = {name: rt.store.resolver(SETS[name][0]) for name in SETS}
        train_from_dev(rt.settings.home, rt.settings.data_dir, indexes, resolvers, out_dir=ranker, force=True)
        print(f"ranker trained into {ranker} in {time.perf_counter() - t:.0f}s", file=sys.stderr)
    out: dict = {}
    print(HEADER)
    for name in args.sets:
        corpus, _ = SETS[name]
        index = rt.indexes.get(corpus)
        if args.lexical_only:
            index.hybrid.dense = None
        questions = load_questions(name, rt.settings.data_dir, rt.store.resolver(corpus))
        runs = [("baseline", {"ranker": "off"})]
        if args.candidate:
            runs.append(("candidate", {"ranker": str(ranker), **dict(kv.split("=", 1) for kv in args.set)}))
        for label, overrides in runs:
            saved = (index.hybrid.fusion, index.hybrid.weights, index.hybrid.depth, index.hybrid.rrf_k,
                     index.hybrid.law_boost, list(index.rerankers))
            apply_overrides(index, overrides)
            rows, lat, ranked = run_set(index, questions)
            (index.hybrid.fusion, index.hybrid.weights, index.hybrid.depth, index.hybrid.rrf_k,
             index.hybrid.law_boost, index.rerankers) = saved
            m = summary(rows)
            p50, p95 = np.percentile(lat, 50), np.percentile(lat, 95)
            print(fmt_row(f"{name} ({len(questions)}) {label}", m, f"p50 {p50:.1f} ms  p95 {p95:.1f} ms"))
            out[f"{name}/{label}"] = {**m, "n": len(questions), "overrides": overrides,
                                      "latency_ms": {"p50": float(p50), "p95": float(p95)}}
            if args.misses and label == "baseline":
                shown = 0
                for q, r, row in zip(questions, ranked, rows):
                    if row[2] < 1.0 and shown < args.misses:
                        shown += 1
                        print(f"  MISS {q['id']}: {q['text'][:150]}\n     gold {sorted(q['gold'])}\n"
                              f"     got  {r[:5]}")
    if args.json:
        args.json.write_text(json.dumps(out, ensure_ascii=False, indent=2))
    return out


if __name__ == "__main__":
    main()
