"""Ingest speed: parse and store the 208 statutes into a fresh SQLite store; prints files/s and articles/s.

Target (issue 2): under 60 s on the 2-core machine.  Run: .venv/bin/python benchmarks/ingest_speed.py
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from corpus.ingest import ingest  # noqa: E402
from corpus.loaders import iter_files, load_path  # noqa: E402
from corpus.store import Store  # noqa: E402
from thuky.settings import get_settings  # noqa: E402


def main() -> int:
    statutes = get_settings().statutes_dir
    if not statutes.exists():
        print(f"skipped: {statutes} not found (set THUKY_DATA_DIR)")
        return 0
    files = [p for p in iter_files([statutes]) if p.suffix == ".txt"]
    t0 = time.perf_counter()
    articles = sum(d.counts()["articles"] for p in files for d in load_path(p))
    parse_s = time.perf_counter() - t0
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(f"sqlite:///{Path(tmp) / 'thuky.db'}")
        t0 = time.perf_counter()
        report = ingest(store, "statutes", [statutes])
        total_s = time.perf_counter() - t0
        totals = store.totals("statutes")
    print(f"files: {len(files)}  articles: {articles}  stored documents: {totals['documents']}  "
          f"clauses: {totals['clauses']}  points: {totals['points']}  cross-references: {totals['links']}")
    print(f"parse only:        {parse_s:6.1f} s  {len(files) / parse_s:7.1f} files/s  "
          f"{articles / parse_s:8.0f} articles/s")
    print(f"parse + store:     {total_s:6.1f} s  {len(files) / total_s:7.1f} files/s  "
          f"{articles / total_s:8.0f} articles/s")
    ok = total_s < 60 and report.count("ingested") == len(files)
    print("target < 60 s:", "met" if ok else "NOT met")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
