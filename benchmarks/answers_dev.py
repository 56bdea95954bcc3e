"""Answers on the ALQAC dev questions through the product path: store → index → retrieve → understand → compose →
verify.

Ingests ``alqac/law.json`` into corpus ``alqac`` of a benchmark home (idempotent), builds the index (lexical only by
default — fast; ``--dense`` for the product default), retrieves the top ``k`` articles of each of the 729 questions
(``alqac/questions.json``, with their choices), answers with the extractive composer, verifies every citation against
the store, and prints per question type: Đúng/Sai and Trắc nghiệm accuracy, short-answer token F1, the share of
questions whose gold article is among the answer's citations, the share of displayed citations that verified,
abstention, compose time, and the distribution of the abstention signal (to set its threshold).

Retrieval results are cached as JSON under ``/tmp`` (keyed by the index configuration and k), so reruns only redo the
answering.

    .venv/bin/python benchmarks/answers_dev.py
    .venv/bin/python benchmarks/answers_dev.py --dense --k 5
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import time
from collections import defaultdict
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from assistant.abstain import coverage  # noqa: E402
from assistant.answer import Source  # noqa: E402
from assistant.extractive import ExtractiveComposer  # noqa: E402
from assistant.understand import understand  # noqa: E402
from assistant.verify import verify_citations  # noqa: E402
from corpus.store import Store, StoreError  # noqa: E402
from eval.corpora import alqac_data, open_alqac  # noqa: E402
from eval.metrics.answers import token_f1  # noqa: E402
from indexing.index import IndexConfig  # noqa: E402

TYPES = {"Đúng/Sai": "true_false", "Trắc nghiệm": "multiple_choice", "Tự luận": "open"}


def open_index(home: Path, data: Path, dense: bool = False, model_dir: Path | None = None):
    """Ingest ALQAC into ``home`` and build/load its index; returns ``(store, index)``."""
    config = IndexConfig(model_dir=str(model_dir) if dense and model_dir else None)
    store, index, _ = open_alqac(home, data, config)
    return store, index


def retrieve_all(index, questions: list[dict], k: int, cache: Path | None = None) -> list[list[dict]]:
    """Top-``k`` hits of every question as plain dicts (key, score, rank, scores), cached in ``cache``."""
    if cache is not None and cache.exists():
        return json.loads(cache.read_text())
    out = []
    for q in questions:
        hits = index.search(q["text"], k, choices=q.get("choices"))
        out.append([{"key": list(h.key), "score": h.score, "rank": h.rank, "scores": h.scores} for h in hits])
    if cache is not None:
        cache.write_text(json.dumps(out, ensure_ascii=False))
    return out


def to_sources(index, hits: list[dict]) -> list[Source]:
    out = []
    for h in hits:
        r = index.records.get(tuple(h["key"]))
        if r is None:
            continue
        out.append(Source(document_id=r.doc_id, document_title=r.doc_title, article=r.article_no, title=r.title,
                          text=r.text, score=float(h["score"]), rank=int(h["rank"]),
                          scores={k: float(v) for k, v in h["scores"].items()}, document_status=r.status))
    return out


def unit_text_from(store: Store, corpus: str):
    def unit_text(doc_id: str, article: str, clause: str | None, point: str | None) -> str | None:
        try:
            return store.get_unit(corpus, doc_id, article, clause, point).text
        except StoreError:
            return None

    return unit_text


def run(store, index, questions: list[dict], hits_all: list[list[dict]], k: int,
        abstain_threshold: float | None = None) -> dict:
    resolver = store.resolver("alqac")
    unit_text = unit_text_from(store, "alqac")
    composer = ExtractiveComposer()
    stats = defaultdict(lambda: defaultdict(list))
    signals, times = [], []
    shown = verified = removed = 0
    for q, hits in zip(questions, hits_all):
        qt = q["question_type"]
        sources = to_sources(index, hits[:k])
        question = understand(q["text"], q.get("choices"), form=TYPES.get(qt) if qt != "Tự luận" else None)
        t = time.perf_counter()
        answer = composer.compose(question, sources)
        answer = verify_citations(answer, sources, unit_text)
        times.append((time.perf_counter() - t) * 1000)
        signals.append(coverage(question, sources))
        abstained = (not sources or signals[-1] < abstain_threshold) if abstain_threshold is not None \
            else answer.abstained
        shown += len(answer.citations)
        verified += sum(c.verified for c in answer.citations)
        removed += answer.removed_citations
        gold = {(resolver.resolve(r["law_id"]) or r["law_id"], str(r["article_id"])) for r in q["relevant_articles"]}
        cited = {(c.document_id, c.article) for c in answer.citations}
        s = stats[qt]
        s["gold_cited"].append(bool(gold & cited))
        s["abstained"].append(abstained)
        s["form_ok"].append(answer.form.value == TYPES.get(qt, "open") or (qt == "Tự luận"))
        if qt == "Đúng/Sai":
            s["correct"].append(answer.value == q["answer"])
            s["pred"].append(answer.value)
        elif qt == "Trắc nghiệm":
            s["correct"].append(answer.value == q["answer"])
        else:
            s["f1"].append(token_f1(answer.value or answer.text, q["answer"]))
            s["f1_text"].append(token_f1(answer.text, q["answer"]))
    return {"stats": stats, "signals": signals, "times": times, "shown": shown, "verified": verified,
            "removed": removed}


def report(res: dict, questions: list[dict]) -> dict:
    stats = res["stats"]
    out: dict = {}
    print(f"{'type':<13}{'n':>5}{'acc':>8}{'F1':>8}{'gold∈cit':>10}{'abst':>7}")
    allgold = []
    for qt in ["Đúng/Sai", "Trắc nghiệm", "Tự luận"]:
        s = stats.get(qt)
        if not s:
            continue
        n = len(s["gold_cited"])
        acc = float(np.mean(s["correct"])) if s.get("correct") else float("nan")
        f1 = float(np.mean(s["f1"])) if s.get("f1") else float("nan")
        gold = float(np.mean(s["gold_cited"]))
        ab = float(np.mean(s["abstained"]))
        allgold += s["gold_cited"]
        print(f"{qt:<13}{n:>5}{acc:>8.4f}{f1:>8.4f}{gold:>10.4f}{ab:>7.3f}")
        out[qt] = {"n": n, "accuracy": acc, "f1": f1, "gold_cited": gold, "abstained": ab}
        if qt == "Đúng/Sai":
            preds = s["pred"]
            print(f"  predicted Đúng {preds.count('Đúng')}, Sai {preds.count('Sai')}")
        if qt == "Tự luận":
            print(f"  token F1 of the whole answer text: {np.mean(s['f1_text']):.4f}")
    out["gold_cited_all"] = float(np.mean(allgold))
    share = res["verified"] / res["shown"] if res["shown"] else 1.0
    out["citations_verified"] = share
    print(f"gold article among citations (all): {out['gold_cited_all']:.4f}")
    print(f"displayed citations: {res['shown']}, verified {share:.4f}; removed by verification: {res['removed']}")
    t = np.array(res["times"])
    print(f"compose+verify time: p50 {np.percentile(t, 50):.1f} ms, p95 {np.percentile(t, 95):.1f} ms")
    sig = np.array(res["signals"])
    pct = {p: float(np.percentile(sig, p)) for p in (1, 2, 5, 10, 25, 50)}
    print("abstention signal on dev (abstain below the threshold): "
          + ", ".join(f"p{p} {v:.3f}" for p, v in pct.items()))
    out["signal_percentiles"] = pct
    out["compose_ms"] = {"p50": float(np.percentile(t, 50)), "p95": float(np.percentile(t, 95))}
    return out


def main(argv=None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--home", type=Path, default=Path(os.environ.get("TMPDIR", "/tmp")) / "thuky-answers-home")
    ap.add_argument("--dense", action="store_true", help="hybrid retrieval with the default e5 model")
    ap.add_argument("--k", type=int, default=8)
    ap.add_argument("--abstain-threshold", type=float, default=None,
                    help="count a question as abstained when its coverage signal is under this")
    ap.add_argument("--no-cache", action="store_true")
    ap.add_argument("--json", type=Path, default=None)
    args = ap.parse_args(argv)

    from thuky.settings import get_settings

    settings = get_settings()
    data = alqac_data(settings.data_dir)
    if data is None:
        return {}
    questions = json.loads((data / "alqac" / "questions.json").read_text(encoding="utf-8"))
    t = time.perf_counter()
    store, index = open_index(args.home, data, dense=args.dense, model_dir=settings.model_dir)
    print(f"index ready in {time.perf_counter() - t:.1f}s", file=sys.stderr)
    tag = hashlib.sha1(json.dumps([index.manifest.get("config"), index.manifest.get("corpus_hash"), args.k,
                                   len(questions)], sort_keys=True, default=str).encode()).hexdigest()[:12]
    cache = None if args.no_cache else Path("/tmp") / f"thuky-answers-hits-{tag}.json"
    t = time.perf_counter()
    cached = cache is not None and cache.exists()
    hits = retrieve_all(index, questions, args.k, cache)
    print(f"retrieval ({'cached' if cached else 'fresh'}) in {time.perf_counter() - t:.1f}s",
          file=sys.stderr)
    res = run(store, index, questions, hits, args.k, args.abstain_threshold)
    out = report(res, questions)
    if args.json:
        args.json.write_text(json.dumps(out, ensure_ascii=False, indent=2))
    return out


if __name__ == "__main__":
    main()
