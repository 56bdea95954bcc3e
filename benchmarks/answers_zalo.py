"""Answers to real users' questions: the Zalo questions through `Assistant.answer` over the `statutes` corpus.

    THUKY_HOME=~/.thuky .venv/bin/python benchmarks/answers_zalo.py [--limit N] [--answers FILE]

The 185 questions of ``zalo/questions-statutes.json`` (their gold article is in the statutes corpus): the share of
answers citing a gold article (any citation), citing one first, and the abstention rate; the 68 of
``zalo/questions-outside.json`` (their gold article is not in the corpus): the abstention rate, which should be high.
Gold ``law_id`` is the document number lower-cased; statutes document ids match it case-insensitively. Uses the home's
live `statutes` index as it is (no ingest, no build); product defaults otherwise (hybrid retrieval, extractive composer,
abstention on).
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

from thuky.settings import get_settings  # noqa: E402

CORPUS = "statutes"


def gold_of(q: dict) -> set[tuple[str, str]]:
    return {(r["law_id"].lower(), str(r["article_id"])) for r in q["relevant_articles"]}


def cited_keys(answer) -> list[tuple[str, str]]:
    return [(c.document_id.lower(), c.article) for c in answer.citations]


def main(argv=None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--limit", type=int, default=0)
    ap.add_argument("--answers", type=Path, default=None, help="write every answer (JSON lines) here")
    ap.add_argument("--json", type=Path, default=None)
    args = ap.parse_args(argv)
    settings = get_settings()
    data = settings.data_dir / "zalo"
    if not (data / "questions-statutes.json").exists():
        print(f"skipped: {data} not found")
        return {}
    from thuky.runtime import Runtime

    runtime = Runtime(settings)
    try:
        runtime.corpus_index(CORPUS)
    except Exception as exc:  # noqa: BLE001 - say why and stop
        print(f"skipped: no live {CORPUS!r} index under {settings.home}: {exc}")
        return {}
    # the product's assistant (learned ranker and confidence model when trained), storing no conversation
    assistant = runtime.assistant(conversations=None)
    dump = args.answers.open("w", encoding="utf-8") if args.answers else None
    out: dict = {}
    for name in ("questions-statutes.json", "questions-outside.json"):
        questions = json.loads((data / name).read_text(encoding="utf-8"))
        if args.limit:
            questions = questions[: args.limit]
        cites, first, abstained, latency = [], [], [], []
        for q in questions:
            a = assistant.answer(q["text"], corpus=CORPUS)
            gold, cited = gold_of(q), cited_keys(a)
            cites.append(bool(gold & set(cited)))
            first.append(bool(cited) and cited[0] in gold)
            abstained.append(a.abstained)
            latency.append(a.timings_ms.get("total", 0.0))
            if dump:
                dump.write(json.dumps({"set": name, "id": q["id"], "text": q["text"], "gold": sorted(gold),
                                       "sources": [(s.document_id.lower(), s.article) for s in a.sources],
                                       "answer": a.model_dump(mode="json", exclude={"sources"})},
                                      ensure_ascii=False) + "\n")
        row = {"n": len(questions), "cites_gold": float(np.mean(cites)), "cites_gold_first": float(np.mean(first)),
               "abstained": float(np.mean(abstained)),
               "latency_ms": {"p50": float(np.percentile(latency, 50)), "p95": float(np.percentile(latency, 95))}}
        out[name] = row
        print(f"{name:<24} n={row['n']:<4} cites gold {row['cites_gold']:.4f}  first {row['cites_gold_first']:.4f}  "
              f"abstained {row['abstained']:.4f}  latency p50 {row['latency_ms']['p50']:.0f} ms, "
              f"p95 {row['latency_ms']['p95']:.0f} ms")
    if args.json:
        args.json.write_text(json.dumps(out, ensure_ascii=False, indent=2))
    return out


if __name__ == "__main__":
    main()
