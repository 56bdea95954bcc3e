"""The assistant end to end on the 729 ALQAC dev questions, through `Assistant.answer` exactly as the CLI/API call it.

Product defaults: hybrid retrieval (BM25 + int8 e5), extractive composer, citation verification, abstention on.
An abstained Đúng/Sai or multiple-choice question counts as wrong. Prints per question type: accuracy (Đúng/Sai,
Trắc nghiệm), token F1 of the short value (Tự luận), gold article among the answer's citations, abstention rate;
overall: share of displayed citations verified, and end-to-end latency p50/p95.

    .venv/bin/python benchmarks/assistant_dev.py [--lexical-only] [--limit N]
    THUKY_HOME=~/.thuky .venv/bin/python benchmarks/assistant_dev.py --built   # the home's live alqac index, as is
    .venv/bin/python benchmarks/assistant_dev.py --llm-url http://127.0.0.1:8080/v1 --sample 100

With ``--llm-url`` the LLM composer answers (falling back to extractive when its answer does not verify); ``--sample N``
takes N questions spread evenly over the file (every len/N-th), so each type keeps its share.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections import Counter, defaultdict
from pathlib import Path

import numpy as np
from tqdm import tqdm

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from assistant.answer import AnswerForm  # noqa: E402
from assistant.pipeline import Assistant  # noqa: E402
from benchmarks.abstention import open_alqac  # noqa: E402
from eval.metrics.answers import exact_match, token_f1  # noqa: E402
from thuky.settings import get_settings  # noqa: E402

FORMS = {"Đúng/Sai": AnswerForm.TRUE_FALSE, "Trắc nghiệm": AnswerForm.MULTIPLE_CHOICE}


def main(argv=None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--home", type=Path, default=Path(os.environ.get("TMPDIR", "/tmp")) / "thuky-bench-home")
    ap.add_argument("--lexical-only", action="store_true")
    ap.add_argument("--built", action="store_true", help="use THUKY_HOME's live alqac index (no ingest, no build)")
    ap.add_argument("--limit", type=int, default=0)
    ap.add_argument("--sample", type=int, default=0, help="N questions spread evenly over the file")
    ap.add_argument("--llm-url", default=None, help="an OpenAI-compatible endpoint: answer with the LLM composer")
    ap.add_argument("--json", type=Path, default=None)
    ap.add_argument("--answers", type=Path, default=None, help="write every answer (JSON lines) here")
    args = ap.parse_args(argv)
    data = get_settings().data_dir / "alqac"
    if not (data / "law.json").exists():
        print(f"skipped: {data} not found")
        return {}
    if args.built:
        from thuky.runtime import Runtime

        runtime = Runtime(get_settings())
        store, index = runtime.store, runtime.corpus_index("alqac")
    else:
        store, index = open_alqac(args.home, args.lexical_only)
    llm = None
    if args.llm_url:
        from assistant.llm import LLMComposer

        llm = LLMComposer(base_url=args.llm_url, model=get_settings().llm_model, timeout=get_settings().llm_timeout_s)
    if args.built:  # the product's assistant: the confidence model too, when one is trained under the home
        assistant = runtime.assistant(index_for=lambda corpus: index, conversations=None)
        assistant.llm = llm or assistant.llm
    else:
        assistant = Assistant(store, lambda corpus: index, llm=llm)
    questions = json.loads((data / "questions.json").read_text(encoding="utf-8"))
    if args.limit:
        questions = questions[: args.limit]
    if args.sample and args.sample < len(questions):
        questions = [questions[i * len(questions) // args.sample] for i in range(args.sample)]
    composers: Counter[str] = Counter()
    resolver = store.resolver("alqac")
    stats: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    shown = verified = 0
    latency = []
    dump = args.answers.open("w", encoding="utf-8") if args.answers else None
    for q in tqdm(questions, desc="questions", unit="q", mininterval=5):
        qt = q["question_type"]
        a = assistant.answer(q["text"], corpus="alqac", choices=q.get("choices"), form=FORMS.get(qt),
                             use_llm=llm is not None)
        composers[a.composer] += 1
        latency.append(a.timings_ms["total"])
        gold = {(resolver.resolve(r["law_id"]) or r["law_id"], str(r["article_id"])) for r in q["relevant_articles"]}
        cited = {(c.document_id, c.article) for c in a.citations}
        shown += len(a.citations)
        verified += sum(c.verified for c in a.citations)
        s = stats[qt]
        s["gold_cited"].append(bool(gold & cited))
        s["abstained"].append(a.abstained)
        if qt in FORMS:
            s["correct"].append(not a.abstained and a.value == q["answer"])
        else:
            said = getattr(a, "direct", None) or a.value or a.text  # the direct answer, where there is one
            s["f1"].append(token_f1(said, q["answer"]))
            s["em"].append(exact_match(said, q["answer"]))
        if dump:
            dump.write(json.dumps({"id": q.get("question_id"), "type": qt, "text": q["text"], "gold": q["answer"],
                                   "gold_articles": sorted(gold), "answer": a.model_dump(mode="json",
                                   exclude={"sources"})}, ensure_ascii=False) + "\n")
    out: dict = {}
    print(f"{'type':<13}{'n':>5}{'accuracy':>10}{'EM':>8}{'F1':>8}{'gold∈cit':>10}{'abstain':>9}")
    for qt, s in stats.items():
        row = {"n": len(s["gold_cited"]), "accuracy": float(np.mean(s["correct"])) if s["correct"] else None,
               "f1": float(np.mean(s["f1"])) if s["f1"] else None,
               "em": float(np.mean(s["em"])) if s["em"] else None, "gold_cited": float(np.mean(s["gold_cited"])),
               "abstained": float(np.mean(s["abstained"]))}
        out[qt] = row
        acc = f"{row['accuracy']:.4f}" if row["accuracy"] is not None else "-"
        f1 = f"{row['f1']:.4f}" if row["f1"] is not None else "-"
        em = f"{row['em']:.4f}" if row["em"] is not None else "-"
        print(f"{qt:<13}{row['n']:>5}{acc:>10}{em:>8}{f1:>8}{row['gold_cited']:>10.4f}{row['abstained']:>9.3f}")
    all_gold = [g for s in stats.values() for g in s["gold_cited"]]
    all_abst = [x for s in stats.values() for x in s["abstained"]]
    lat = np.array(latency)
    out["all"] = {"gold_cited": float(np.mean(all_gold)), "abstained": float(np.mean(all_abst)),
                  "citations_shown": shown, "citations_verified": verified / shown if shown else 1.0,
                  "latency_ms": {"p50": float(np.percentile(lat, 50)), "p95": float(np.percentile(lat, 95))}}
    print(f"all: gold article among citations {out['all']['gold_cited']:.4f}; abstained "
          f"{out['all']['abstained']:.3f}; citations shown {shown}, verified {out['all']['citations_verified']:.4f}")
    print("composer used: " + ", ".join(f"{k} {v}" for k, v in composers.most_common()))
    print(f"end-to-end latency: p50 {np.percentile(lat, 50):.0f} ms, p95 {np.percentile(lat, 95):.0f} ms")
    if args.json:
        args.json.write_text(json.dumps(out, ensure_ascii=False, indent=2))
    return out


if __name__ == "__main__":
    main()
