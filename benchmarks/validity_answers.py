"""Validity notes in answers to the dev questions: which answers carry one, on which documents, and why.

    THUKY_HOME=~/.thuky .venv/bin/python benchmarks/validity_answers.py [--limit N] [--json FILE]

Runs the product's assistant (as `thuky serve` builds it, storing no conversation) over the ALQAC dev questions (corpus
``alqac``) and the Zalo questions (corpus ``statutes``, both files), and prints, per set, how many answers carry a
validity warning, then every distinct (document, status, note) behind them, with the date the answer was judged on
(the date written in the question, else the corpus's own date) and how many answers each accounts for. A note is
warranted only when the cited provision is not in force on that date: the listing is what a reviewer reads to check
that (the statuses come from the statutes' own texts, see benchmarks/validity.py).
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from thuky.settings import get_settings  # noqa: E402

SETS = (("alqac", "alqac", "alqac/questions.json"),
        ("zalo", "statutes", "zalo/questions-statutes.json"),
        ("zalo-outside", "statutes", "zalo/questions-outside.json"))


def questions_of(path: Path) -> list[dict]:
    raw = json.loads(path.read_text(encoding="utf-8"))
    out = []
    for q in raw:
        text = q.get("text") or q.get("question") or ""
        choices = q.get("choices") if isinstance(q.get("choices"), dict) else None
        out.append({"id": str(q.get("id") or q.get("question_id") or len(out)), "text": text, "choices": choices})
    return out


def main(argv=None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--limit", type=int, default=0)
    ap.add_argument("--json", type=Path, default=None)
    args = ap.parse_args(argv)
    settings = get_settings()
    from thuky.runtime import Runtime

    runtime = Runtime(settings)
    assistant = runtime.assistant(conversations=None)
    out: dict = {}
    for name, corpus, rel in SETS:
        path = settings.data_dir / rel
        if not path.exists():
            print(f"{name}: skipped, {path} not found")
            continue
        try:
            runtime.corpus_index(corpus)
        except Exception as exc:  # noqa: BLE001 - say why and go on
            print(f"{name}: skipped, no live {corpus!r} index under {settings.home}: {exc}")
            continue
        questions = questions_of(path)[: args.limit or None]
        warned, notes = [], collections.Counter()
        for q in questions:
            a = assistant.answer(q["text"], corpus=corpus, choices=q["choices"])
            noted = [c for c in a.citations if c.validity_note]
            if a.warnings or noted:
                warned.append({"id": q["id"], "as_of": a.as_of, "warnings": a.warnings})
            for c in noted:
                notes[(c.document_id, c.document_status, c.validity_note, a.as_of)] += 1
        out[name] = {"n": len(questions), "answers_with_warnings": len(warned), "warned": warned,
                     "notes": [{"document": d, "status": s, "note": n, "as_of": day, "answers": k}
                               for (d, s, n, day), k in notes.most_common()]}
        print(f"{name:<13} n={len(questions):<4} answers with a validity warning: {len(warned)} "
              f"({len(warned) / max(1, len(questions)):.1%})")
        for (doc, status, note, day), k in notes.most_common():
            print(f"    {k:>3} × {doc} [{status}] judged on {day}: {note}")
    if args.json:
        args.json.write_text(json.dumps(out, ensure_ascii=False, indent=2))
    return out


if __name__ == "__main__":
    main()
