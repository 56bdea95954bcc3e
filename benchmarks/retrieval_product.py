"""Retrieval quality and latency through the product path: store → `IndexBuilder` → `CorpusIndex.search`.

Ingests ``alqac/law.json`` into corpus ``alqac`` of a benchmark home (idempotent), builds the index with the given
configuration, runs the 729 dev questions (``alqac/questions.json``) and prints Recall@1/5/10, MRR@10, nDCG@10 overall
and by question type, plus query latency. Gold ``law_id`` titles resolve through the corpus's alias resolver.

    .venv/bin/python benchmarks/retrieval_product.py                    # product default (int8 e5 @128 + BM25)
    .venv/bin/python benchmarks/retrieval_product.py --lexical-only
    .venv/bin/python benchmarks/retrieval_product.py --fp32 --max-seq 512   # the fp32 reference
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from eval.corpora import alqac_data, open_alqac  # noqa: E402
from indexing.index import IndexConfig  # noqa: E402
from eval.retrieval import run_alqac_questions  # noqa: E402
from eval.metrics.retrieval import evaluate  # noqa: E402
from thuky.settings import get_settings  # noqa: E402


def main(argv=None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--home", type=Path, default=Path(os.environ.get("TMPDIR", "/tmp")) / "thuky-bench-home")
    ap.add_argument("--lexical-only", action="store_true")
    ap.add_argument("--fp32", action="store_true", help="no int8 quantisation of the encoder")
    ap.add_argument("--max-seq", type=int, default=None)
    ap.add_argument("--max-pieces", type=int, default=None)
    ap.add_argument("--fusion", default=None)
    ap.add_argument("--weights", type=float, nargs=2, default=None)
    ap.add_argument("--json", type=Path, default=None, help="write config and metrics here")
    args = ap.parse_args(argv)

    settings = get_settings()
    data = alqac_data(settings.data_dir)
    if data is None:
        return {}
    config = IndexConfig(model_dir=None if args.lexical_only else str(settings.model_dir))
    if args.fp32:
        config.dense_int8 = False
    if args.max_seq:
        config.dense_max_seq = args.max_seq
    if args.max_pieces:
        config.max_pieces = args.max_pieces
    if args.fusion:
        config.fusion = args.fusion
    if args.weights:
        config.weights = tuple(args.weights)
    t = time.perf_counter()
    store, index, report = open_alqac(args.home, data, config)
    print(f"index: {report.articles} articles, {report.pieces} pieces, {report.embedded} embedded now, "
          f"ready in {time.perf_counter() - t:.1f}s", file=sys.stderr)
    resolver = store.resolver("alqac")
    questions = json.loads((data / "alqac" / "questions.json").read_text(encoding="utf-8"))
    index.search("khởi động", 1)  # warm-up: segmenter and encoder loaded
    result = run_alqac_questions(index, questions, resolver)
    runs, by_type, latencies = result.runs, result.by_type, result.latencies_ms
    metrics = evaluate(runs)
    lat = np.array(latencies)
    print(f"config: {json.dumps({k: v for k, v in vars(config).items() if k != 'model_dir'})}")
    print(f"{'set':<14}{'n':>5}{'R@1':>8}{'R@5':>8}{'R@10':>8}{'MRR@10':>8}{'nDCG@10':>9}")
    for name, rs in [("all", runs), *sorted(by_type.items())]:
        m = evaluate(rs)
        print(f"{name:<14}{m['n']:>5}{m['recall@1']:>8.4f}{m['recall@5']:>8.4f}{m['recall@10']:>8.4f}"
              f"{m['mrr@10']:>8.4f}{m['ndcg@10']:>9.4f}")
    print(f"query latency: p50 {np.percentile(lat, 50):.1f} ms, p95 {np.percentile(lat, 95):.1f} ms, "
          f"max {lat.max():.1f} ms")
    out = {"config": {k: v for k, v in vars(config).items()}, "metrics": metrics,
           "latency_ms": {"p50": float(np.percentile(lat, 50)), "p95": float(np.percentile(lat, 95))}}
    if args.json:
        args.json.write_text(json.dumps(out, ensure_ascii=False, indent=2))
    return out


if __name__ == "__main__":
    main()
