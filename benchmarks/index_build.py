"""Index build speed, query latency and memory over the 208 statutes (~17.9k articles), from cold caches.

    .venv/bin/python benchmarks/index_build.py                 # product default: BM25 + int8 e5 @128 tokens
    .venv/bin/python benchmarks/index_build.py --lexical-only
    .venv/bin/python benchmarks/index_build.py --home DIR      # reuse a home (warm caches: an incremental rebuild)

Targets (issue 3): build ≤ 8 min on 2 cores; one query (segment + BM25 + embed + FAISS + fuse) p50 ≤ 40 ms and
p95 ≤ 120 ms; resident memory of a loaded index ≤ 1.5 GB. Latency and memory are measured in a fresh process that only
loads the index and answers the 729 ALQAC dev question texts (real legal questions) against the statutes corpus.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("HF_HUB_OFFLINE", "1")


def rss_mb() -> float:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def build(home: Path, lexical_only: bool) -> None:
    from corpus.ingest import ingest
    from corpus.store import Store
    from weights.e5_rebuild import build_e5_model
    from indexing.embedder import Embedder
    from indexing.index import IndexBuilder
    from thuky import runtime
    from thuky.settings import get_settings

    settings = get_settings()
    store = Store(f"sqlite:///{home / 'thuky.db'}")
    t = time.perf_counter()
    ingest(store, "statutes", [settings.statutes_dir])
    print(f"ingest (not part of the index build): {time.perf_counter() - t:.1f}s")
    config = runtime.current().index_config()
    embedder = None
    if lexical_only:
        config.model_dir = None
    else:
        build_e5_model(settings.model_dir)
        embedder = Embedder(settings.model_dir, max_seq_length=config.dense_max_seq, quantize=config.dense_int8)
    stages: dict[str, float] = {}
    last = {"stage": None, "t": time.perf_counter()}

    def progress(stage: str, done: int, total: int) -> None:
        if stage != last["stage"]:
            last["stage"], last["t"] = stage, time.perf_counter()
        stages[stage] = time.perf_counter() - last["t"]

    t = time.perf_counter()
    report = IndexBuilder(home, config, embedder).build(store, "statutes", progress)
    total = time.perf_counter() - t
    print(f"articles: {report.articles}  dense pieces: {report.pieces}  segmented: {report.segmented} texts  "
          f"embedded: {report.embedded} pieces  (int8={config.dense_int8}, max_seq={config.dense_max_seq})")
    for k, v in report.seconds.items():
        print(f"  {k:<14} {v:7.1f} s")
    print(f"index build: {total:.1f} s = {total / 60:.2f} min, {report.articles / total:.1f} articles/s "
          f"→ target ≤ 8 min: {'met' if total <= 480 else 'NOT met'}")


def serve(home: Path) -> None:
    """Load the index in this (fresh) process and time queries; print one JSON line."""
    import numpy as np

    from thuky import runtime

    base = rss_mb()
    t = time.perf_counter()
    index = runtime.current().corpus_index("statutes")
    index.search("khởi động", 1)
    load_s = time.perf_counter() - t
    data = runtime.current().settings.data_dir / "alqac" / "questions.json"
    questions = [q["text"] for q in json.loads(data.read_text(encoding="utf-8"))]
    lat = []
    for q in questions:
        t = time.perf_counter()
        index.search(q, 10)
        lat.append((time.perf_counter() - t) * 1000)
    lat = np.array(lat)
    print(json.dumps({"queries": len(lat), "p50_ms": float(np.percentile(lat, 50)),
                      "p95_ms": float(np.percentile(lat, 95)), "max_ms": float(lat.max()), "load_s": load_s,
                      "rss_mb": rss_mb(), "rss_before_load_mb": base}))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--home", type=Path, default=None)
    ap.add_argument("--lexical-only", action="store_true")
    ap.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.serve:
        serve(Path(os.environ["THUKY_HOME"]))
        return 0
    from thuky.settings import get_settings

    if not get_settings().statutes_dir.exists():
        print(f"skipped: {get_settings().statutes_dir} not found (set THUKY_DATA_DIR)")
        return 0
    home = args.home or Path(tempfile.mkdtemp(prefix="thuky-index-bench-"))
    os.environ["THUKY_HOME"] = str(home)
    os.environ["THUKY_DENSE"] = "0" if args.lexical_only else "1"
    # the model is shared with the user's home so a cold index build does not also rebuild the model
    os.environ.setdefault("THUKY_EMBEDDING_MODEL", str(Path.home() / ".thuky" / "models" / "multilingual-e5-small"))
    get_settings.cache_clear()
    build(home, args.lexical_only)
    out = subprocess.run([sys.executable, __file__, "--serve"], capture_output=True, text=True, env=os.environ)
    if out.returncode != 0:
        print(out.stderr[-2000:])
        return 1
    m = json.loads(out.stdout.strip().splitlines()[-1])
    print(f"queries: {m['queries']}  p50 {m['p50_ms']:.1f} ms  p95 {m['p95_ms']:.1f} ms  max {m['max_ms']:.1f} ms  "
          f"(targets p50 ≤ 40, p95 ≤ 120)")
    print(f"resident memory with the loaded index: {m['rss_mb']:.0f} MB (target ≤ 1536 MB); index load "
          f"{m['load_s']:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
