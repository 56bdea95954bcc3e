"""Calibrate abstention: the evidence signal on the 729 dev questions vs the out-of-corpus questions we wrote.

    .venv/bin/python benchmarks/abstention.py [--lexical-only]

Prints the signal's percentiles on both sets, then for a range of thresholds the share of dev questions that would
abstain (must stay ≤ 5%) and of out-of-corpus questions (must reach ≥ 90%), and the threshold in use
(assistant.abstain.DEFAULT_THRESHOLD) with its two rates. Corpus: ``alqac`` (the dev benchmark corpus).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from assistant.abstain import DEFAULT_THRESHOLD, coverage, evidence_score  # noqa: E402
from assistant.pipeline import sources_from_hits  # noqa: E402
from assistant.understand import understand  # noqa: E402
from eval import corpora  # noqa: E402
from indexing.index import IndexConfig  # noqa: E402
from thuky.settings import get_settings  # noqa: E402

OOC = Path(__file__).resolve().parent.parent / "tests" / "assistant" / "data" / "out_of_corpus.jsonl"


def signals(index, questions: list[tuple[str, dict | None]], k: int = 8) -> np.ndarray:
    """Per question: (coverage signal, top BM25 score, evidence score)."""
    out = []
    for text, choices in questions:
        q = understand(text, choices)
        sources = sources_from_hits(index, index.search(text, k, choices=choices))
        out.append((coverage(q, sources),
                    max((s.scores.get("bm25", 0.0) for s in sources), default=0.0), evidence_score(q, sources)))
    return np.array(out)


def open_alqac(home: Path, lexical_only: bool):
    """The dev corpus with the product's default index configuration; returns ``(store, index)``."""
    settings = get_settings()
    config = IndexConfig(model_dir=None if lexical_only else str(settings.model_dir))
    store, index, _ = corpora.open_alqac(home, settings.data_dir, config)
    return store, index


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--home", type=Path, default=Path(os.environ.get("TMPDIR", "/tmp")) / "thuky-bench-home")
    ap.add_argument("--lexical-only", action="store_true")
    args = ap.parse_args()
    data = get_settings().data_dir / "alqac"
    if not (data / "law.json").exists():
        print(f"skipped: {data} not found")
        return 0
    _, index = open_alqac(args.home, args.lexical_only)
    dev = [(q["text"], q.get("choices")) for q in json.loads((data / "questions.json").read_text(encoding="utf-8"))]
    ooc = [(json.loads(line)["question"], None) for line in OOC.read_text(encoding="utf-8").splitlines() if line]
    s_dev, s_ooc = signals(index, dev), signals(index, ooc)
    pct = [1, 2, 5, 10, 25, 50]
    for col, name in enumerate(("coverage", "top BM25", "evidence")):
        print(f"{name:<10} dev  " + "  ".join(f"p{p}={np.percentile(s_dev[:, col], p):.4f}" for p in pct))
        print(f"{'':<10} ooc  " + "  ".join(f"p{p}={np.percentile(s_ooc[:, col], p):.4f}" for p in pct))
    ev_dev, ev_ooc = s_dev[:, 2], s_ooc[:, 2]
    print("threshold  dev abstain  out-of-corpus abstain")
    for t in sorted({-1.4, -1.3, -1.2, -1.1, -1.0, -0.9, DEFAULT_THRESHOLD}):
        mark = "  ← in use" if t == DEFAULT_THRESHOLD else ""
        print(f"{t:9.2f}  {np.mean(ev_dev < t):11.3f}  {np.mean(ev_ooc < t):21.3f}{mark}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
