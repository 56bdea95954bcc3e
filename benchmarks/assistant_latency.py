"""End-to-end latency of `Assistant.answer` (extractive) over the statutes index (~17.9k articles).

    .venv/bin/python benchmarks/assistant_latency.py --home DIR     # a home whose 'statutes' index is built
                                                                   # (e.g. by benchmarks/index_build.py)
Asks the ALQAC dev question texts and Zalo's real users' questions and prints p50/p95/max of the whole answer
(understand + retrieve with the learned ranker when one is trained + compose + verify + confidence + related
judgments), without storing a conversation (the benchmark must not fill the home's database with sessions).
Target (issue 13): p95 ≤ 300 ms.
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


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--home", type=Path, required=True)
    ap.add_argument("--n", type=int, default=300)
    args = ap.parse_args()
    os.environ["THUKY_HOME"] = str(args.home)
    from thuky import runtime

    assistant = runtime.current().assistant(conversations=None)
    data = runtime.current().settings.data_dir
    questions = json.loads((data / "alqac" / "questions.json").read_text("utf-8"))[: args.n]
    zalo = data / "zalo" / "questions-statutes.json"
    if zalo.exists():
        questions += json.loads(zalo.read_text("utf-8"))
    assistant.answer("Điều 51 Bộ luật Hình sự quy định gì?", corpus="statutes")  # warm-up: index and models
    lat, abstained = [], 0
    for q in questions:
        t = time.perf_counter()
        a = assistant.answer(q["text"], corpus="statutes", choices=q.get("choices"))
        lat.append((time.perf_counter() - t) * 1000)
        abstained += a.abstained
    lat = np.array(lat)
    print(f"{len(lat)} questions over the statutes index: p50 {np.percentile(lat, 50):.0f} ms, "
          f"p95 {np.percentile(lat, 95):.0f} ms, max {lat.max():.0f} ms (target p95 ≤ 300 ms); "
          f"abstained {abstained}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
