"""Choose retrieval settings on both dev sets by k-fold cross-validation (see ``benchmarks/retrieval_lab.py``).

    .venv/bin/python benchmarks/retrieval_tune.py grid        # score every setting of the grid on every question
    .venv/bin/python benchmarks/retrieval_tune.py cv          # pick on training folds, report out-of-fold
    .venv/bin/python benchmarks/retrieval_tune.py ranker      # the learned ranker (indexing/ranker.py), out-of-fold

Each set is split into 5 folds fixed by a seed. For fold f the setting with the best mean nDCG@10 on the other folds
— the mean of the two sets' means, so the 185 Zalo questions weigh as much as the 729 ALQAC ones — is chosen, and
scored on fold f. The out-of-fold numbers are those held-out scores put together.
"""

from __future__ import annotations

import argparse
import itertools
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.retrieval_lab import DEFAULT_CACHE, HEADER, METRICS, FusionConfig, fmt_row, open_lab  # noqa: E402
from indexing.ranker import folds  # noqa: E402

NAMES = ("alqac", "zalo")


def grid() -> list[FusionConfig]:
    out = []
    fusions = [("minmax", w) for w in (0.1, 0.2, 0.35, 0.5, 0.75, 1.0)] + [("zscore", 0.5), ("rrf", 1.0)]
    for k1, b, tw in itertools.product((0.5, 0.8, 1.2, 1.6), (0.6, 0.75, 0.9), (1, 2)):
        for (fusion, w), boost in itertools.product(fusions, (1.0, 1.25, 1.5, 2.0)):
            out.append(FusionConfig(k1=k1, b=b, title_weight=tw, fusion=fusion, w_dense=w, law_boost=boost))
    return out


def run_grid(lab, configs: list[FusionConfig], path: Path) -> dict[str, np.ndarray]:
    res = {}
    for name in NAMES:
        s = lab.sets[name]
        m = np.zeros((len(configs), s.n, len(METRICS)), dtype=np.float32)
        t = time.perf_counter()
        for c, cfg in enumerate(configs):
            m[c] = lab.scores_idx(name, lab.rank_idx(name, cfg))
            if c % 200 == 0:
                print(f"[{name}] {c}/{len(configs)} {time.perf_counter() - t:.0f}s", file=sys.stderr)
        res[name] = m
    np.savez(path, **res, labels=np.array([c.label() for c in configs]))
    return res


def cv_select(res: dict[str, np.ndarray], k: int = 5, seed: int = 13, metric: int = 4):
    """Per fold: the config with the best mean (over the sets) of its mean training nDCG; out-of-fold rows."""
    fold_of = {n: folds(res[n].shape[1], k, seed) for n in res}
    oof = {n: np.zeros(res[n].shape[1:]) for n in res}
    chosen = []
    for f in range(k):
        obj = sum(res[n][:, fold_of[n] != f, metric].mean(axis=1) for n in res) / len(res)
        c = int(np.argmax(obj))
        chosen.append(c)
        for n in res:
            oof[n][fold_of[n] == f] = res[n][c][fold_of[n] == f]
    return oof, chosen


def ranker_rows(lab, cfg: FusionConfig, depth: int):
    """Per set: the feature rows, labels and candidate indices of every question's first ``depth`` candidates."""
    from indexing.passage_bm25 import PassageBM25
    from indexing.ranker import Candidate, RecordInfo, features

    out = {}
    for name in NAMES:
        s = lab.sets[name]
        info = RecordInfo.from_records(s.records)
        passages = PassageBM25.build(s.title_tokens, s.body_tokens)
        gold = lab.gold(name)
        rows = []
        for i in range(s.n):
            cand, fused, side = lab.candidates(name, cfg, i)
            cand, fused = cand[:depth], fused[:depth]
            bm, de = s.bm25(cfg.k1, cfg.b, cfg.title_weight, lab.cache)[i], s.dense()[i]
            q = s.queries[i]
            best = passages.best(q["tokens"], cand)
            cs = [Candidate(s.keys[j], float(bm[j]) if side["lex_rank"][r] > 0 else None,
                            float(de[j]) if side["dense_rank"][r] > 0 else None, float(fused[r]), float(best[r]))
                  for r, j in enumerate(cand)]
            x = features(info, q["search_text"], q["doc_ids"], cs)
            y = np.array([1.0 if j in gold[i][0] else 0.0 for j in cand])
            rows.append((x, y, cand))
        out[name] = rows
    return out


def ranker_cv(lab, rows, k: int = 5, seed: int = 13, rounds: int = 300, params: dict | None = None,
              set_weight: dict | str | None = "equal"):
    """Out-of-fold metrics of the ranker trained on the other folds of both sets together. ``set_weight``: a weight
    per set for its questions, or ``"equal"`` (each set weighs the same: 1 / its number of questions, as
    ``indexing.ranker.train_from_dev`` trains)."""
    import indexing.ranker as rk

    fold_of = {n: folds(len(rows[n]), k, seed) for n in NAMES}
    ranked = {n: [None] * len(rows[n]) for n in NAMES}
    for f in range(k):
        x = np.concatenate([rows[n][i][0] for n in NAMES for i in range(len(rows[n])) if fold_of[n][i] != f])
        y = np.concatenate([rows[n][i][1] for n in NAMES for i in range(len(rows[n])) if fold_of[n][i] != f])
        g = [len(rows[n][i][1]) for n in NAMES for i in range(len(rows[n])) if fold_of[n][i] != f]
        w = None
        if set_weight == "equal":
            w = np.concatenate([np.full(len(rows[n][i][1]), 1.0 / len(rows[n])) for n in NAMES
                                for i in range(len(rows[n])) if fold_of[n][i] != f])
            w = w / w.mean()
        elif set_weight:
            w = np.concatenate([np.full(len(rows[n][i][1]), set_weight.get(n, 1.0)) for n in NAMES
                                for i in range(len(rows[n])) if fold_of[n][i] != f])
        if params:
            saved = dict(rk.PARAMS)
            rk.PARAMS.update(params)
        model = rk.fit(x, y, g, seed=seed, rounds=rounds, weights=w)
        if params:
            rk.PARAMS.clear()
            rk.PARAMS.update(saved)
        for n in NAMES:
            for i in np.flatnonzero(fold_of[n] == f):
                xi, _, cand = rows[n][i]
                p = model.predict(xi)
                order = sorted(range(len(cand)), key=lambda j: (-p[j], j))
                ranked[n][i] = lab.finish_idx(n, i, [int(cand[j]) for j in order], 10)
    return {n: lab.scores_idx(n, ranked[n]) for n in NAMES}, model


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("what", choices=["grid", "cv", "ranker"])
    ap.add_argument("--base", default="", help="the fusion config under the ranker, e.g. k1=1.2,w_dense=0.5")
    ap.add_argument("--depth", type=int, default=40)
    ap.add_argument("--rounds", type=int, default=300)
    ap.add_argument("--cache", type=Path, default=DEFAULT_CACHE)
    ap.add_argument("--seed", type=int, default=13)
    args = ap.parse_args(argv)
    path = args.cache / "grid.npz"
    configs = grid()
    if args.what == "ranker":
        lab = open_lab(NAMES, args.cache)
        kw = {k: type(getattr(FusionConfig(), k))(v) for k, v in (kv.split("=") for kv in args.base.split(",") if kv)}
        cfg = FusionConfig(**kw)
        print(HEADER)
        for n in NAMES:
            print(fmt_row(f"{n} base", dict(zip(METRICS, lab.scores_idx(n, lab.rank_idx(n, cfg)).mean(axis=0)))))
        t = time.perf_counter()
        rows = ranker_rows(lab, cfg, args.depth)
        print(f"features in {time.perf_counter() - t:.1f}s", file=sys.stderr)
        t = time.perf_counter()
        res, _ = ranker_cv(lab, rows, seed=args.seed, rounds=args.rounds)
        print(f"5-fold training in {time.perf_counter() - t:.1f}s", file=sys.stderr)
        for n in NAMES:
            print(fmt_row(f"{n} ranker out-of-fold", dict(zip(METRICS, res[n].mean(axis=0)))))
        return
    if args.what == "grid":
        lab = open_lab(NAMES, args.cache)
        run_grid(lab, configs, path)
    z = np.load(path)
    res = {n: z[n] for n in NAMES}
    labels = list(z["labels"])
    base = labels.index(FusionConfig().label())
    print(HEADER)
    for n in NAMES:
        print(fmt_row(f"{n} baseline", dict(zip(METRICS, res[n][base].mean(axis=0)))))
    oof, chosen = cv_select(res, seed=args.seed)
    for n in NAMES:
        print(fmt_row(f"{n} out-of-fold", dict(zip(METRICS, oof[n].mean(axis=0)))))
    print("chosen per fold:", *[labels[c] for c in chosen], sep="\n  ")
    obj = sum(res[n][:, :, 4].mean(axis=1) for n in NAMES) / 2
    print("best on all questions:")
    for c in np.argsort(-obj)[:15]:
        print(f"  {labels[c]:<55} alqac {res['alqac'][c, :, 4].mean():.4f}  zalo {res['zalo'][c, :, 4].mean():.4f}")
    for n in NAMES:
        c = int(np.argmax(res[n][:, :, 4].mean(axis=1)))
        print(f"best for {n} alone: {labels[c]}  alqac {res['alqac'][c, :, 4].mean():.4f}  "
              f"zalo {res['zalo'][c, :, 4].mean():.4f}")


if __name__ == "__main__":
    main()
