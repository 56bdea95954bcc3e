"""Answers to both dev sets, out of fold: the learned ranker and the confidence model each scored on questions they
were not fitted on (see ``assistant/calibration.py``).

    THUKY_HOME=~/.thuky .venv/bin/python benchmarks/answers_cv.py [--rows F.json] [--plot F.png]

Needs the built ``alqac`` and ``statutes`` indexes of the home and ``THUKY_DATA_DIR`` (``../shared/data``). Prints, per
set (ALQAC 729 on its corpus, Zalo 185 and the 68 outside-corpus Zalo questions on the statutes): the share of answers
citing a gold article and citing one first (ranker out of fold), the abstention rate with the out-of-fold confidence
model, and the AUROC of the out-of-fold confidence between answers that cite gold and outside-corpus questions; then
the abstention trade-off (answerable vs outside) at a range of thresholds, drawn into ``--plot``.
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

from assistant.calibration import (FOLDS, MAX_ABSTAIN, SEED, AnsweredQuestion, answer_out_of_fold,  # noqa: E402
                                   cross_validate)
from eval.metrics.confidence import abstention_curve, auroc  # noqa: E402
from indexing.adapted_dev import AdaptedDev  # noqa: E402
from indexing.ranker import DEV_CORPORA, DEV_FILES  # noqa: E402


def load_rows(path: Path) -> list[AnsweredQuestion]:
    rows = json.loads(path.read_text())
    return [AnsweredQuestion(r["set"], r["fold"], r["answerable"], r["text"],
                             np.array([np.nan if v is None else v for v in r["x"]]), r["cites_gold"],
                             r["first_gold"], r["composer_abstained"]) for r in rows]


def report(rows: list[AnsweredQuestion], max_abstain: float, plot: Path | None) -> dict:
    p, abstain = cross_validate(rows, max_abstain)
    sets = np.array([r.set for r in rows])
    out = {}
    print(f"{'set':9} {'n':>4} {'cites gold':>10} {'first':>7} {'abstains':>9}")
    for name in ("alqac", "zalo", "outside"):
        m = sets == name
        cites = np.array([r.cites_gold for r in rows])[m]
        first = np.array([r.first_gold for r in rows])[m]
        out[name] = {"n": int(m.sum()), "cites_gold": float(cites.mean()), "first_gold": float(first.mean()),
                     "abstained": float(abstain[m].mean())}
        print(f"{name:9} {m.sum():4d} {cites.mean():10.4f} {first.mean():7.4f} {abstain[m].mean():9.4f}")
    correct = np.array([r.answerable and r.cites_gold for r in rows])
    outside = sets == "outside"
    for name in ("zalo", "alqac"):
        keep = (sets == name) & correct | outside
        out[f"auroc_{name}"] = auroc(p[keep & correct], p[keep & ~correct])
        print(f"AUROC of the confidence, {name} answers citing gold vs outside questions: {out[f'auroc_{name}']:.4f}")
    zo = (sets == "zalo") | outside
    points = abstention_curve(p[zo], np.zeros(int(zo.sum()), dtype=bool), sets[zo] == "zalo", correct[zo])
    curve = [(pt.threshold, pt.abstain_answerable, pt.abstain_outside) for pt in points]
    print("threshold  abstain(zalo)  abstain(outside)")
    for t, a, b in curve[:: max(1, len(curve) // 10)]:
        print(f"{t:9.4f}  {a:13.4f}  {b:16.4f}")
    out["curve"] = curve
    if plot:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        fig, ax = plt.subplots(figsize=(5, 4))
        ax.plot([c[1] for c in curve], [c[2] for c in curve], marker=".", label="out-of-fold confidence")
        ax.scatter([out["zalo"]["abstained"]], [out["outside"]["abstained"]], color="red", zorder=3,
                   label="operating point")
        ax.axvline(0.05, ls="--", color="grey")
        ax.axhline(0.5, ls="--", color="grey")
        ax.set_xlabel("abstains on Zalo dev (answerable)")
        ax.set_ylabel("abstains on outside-corpus questions")
        ax.legend(loc="lower right")
        fig.tight_layout()
        fig.savefig(plot, dpi=120)
        print(f"plot: {plot}")
    return out


def main(argv=None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=Path, default=None, help="cache of the answered rows (read if it exists)")
    ap.add_argument("--plot", type=Path, default=None)
    ap.add_argument("--max-abstain", type=float, default=MAX_ABSTAIN)
    ap.add_argument("--json", type=Path, default=None)
    args = ap.parse_args(argv)
    from thuky.runtime import Runtime
    from thuky.settings import get_settings

    rt = Runtime(get_settings())
    data_dir = rt.settings.data_dir
    if not all(data_dir.joinpath(*parts).is_file() for parts in DEV_FILES.values()):
        print(f"skipped: dev sets not found under {data_dir}")
        return {}
    if args.rows and args.rows.exists():
        rows = load_rows(args.rows)
    else:
        t = time.perf_counter()
        indexes = {name: rt.indexes.get(corpus) for name, corpus in DEV_CORPORA.items()}
        resolvers = {name: rt.store.resolver(corpus) for name, corpus in DEV_CORPORA.items()}
        by_corpus = {DEV_CORPORA[name]: index for name, index in indexes.items()}
        assistant = rt.assistant(index_for=by_corpus.__getitem__, conversations=None)

        def draft(text, corpus, choices):
            return assistant.draft(text, corpus=corpus, choices=choices, abstain_rule=False)

        adapted = AdaptedDev(indexes, resolvers, data_dir, k=FOLDS, seed=SEED) if all(
            index.query_adapter is not None for index in indexes.values()) else None
        rows = answer_out_of_fold(draft, indexes, resolvers, data_dir, k=FOLDS, seed=SEED, adapted=adapted)
        print(f"answered {len(rows)} questions out of fold in {time.perf_counter() - t:.0f}s", file=sys.stderr)
        if args.rows:
            args.rows.write_text(json.dumps([r.row() for r in rows], ensure_ascii=False))
    out = report(rows, args.max_abstain, args.plot)
    if args.json:
        args.json.write_text(json.dumps(out, indent=2))
    return out


if __name__ == "__main__":
    main()
