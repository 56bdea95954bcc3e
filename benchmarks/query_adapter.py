"""A query-side linear adapter on frozen multilingual-e5-small vectors, measured out of fold on both dev sets.

The adapter maps a query vector ``q`` to ``q' = normalize(q + q·W)`` (``W`` 384×384 from zero, or low rank ``A·B``)
and leaves the article vectors as they are (no re-embedding). It is trained with a softmax (InfoNCE) loss of ``q'``
against the FIXED article vectors of the question's corpus — every piece of the corpus is a candidate, the pieces
of its gold articles the positives (the index has one piece per article, but for one) — temperature 0.05, an L2
penalty pulling ``W`` toward zero, full-batch Adam, both dev sets pooled with each set weighing the same.

Cross-validation (5 folds, seed 13, ``indexing.ranker.folds`` per set, as ``benchmarks/retrieval_tune.py``): for
fold f the adapter is trained on the other folds of both sets and adapts fold f's query vectors. Its number of
epochs and its penalty are chosen inside the training folds (an inner 2-fold split of them: the setting with the
best mean of the two sets' inner held-out dense nDCG@10). The out-of-fold adapted vectors then replace the lab's
query vectors, and the table gives, per set, dense-only, hybrid (the product's fusion, ``FusionConfig()``) and
hybrid + learned ranker (the ranker's own 5-fold CV, ``retrieval_tune.ranker_cv``) nDCG@10, before and after. The
product's ranker learns from such rows too: each dev question searched through an adapter fitted without it
(``indexing/adapted_dev.py``).

    PYTHONPATH=. .venv/bin/python benchmarks/query_adapter.py --cache /tmp/adapter-lab --inner 0 --epochs 120 --l2 0.01
    PYTHONPATH=. .venv/bin/python benchmarks/query_adapter.py --cache /tmp/adapter-lab --rank 0 32   # with selection

``--inner 0`` fixes the epochs and the penalty (120 and 0.01: what the inner selection chose in every fold it ran
on; the product's ``indexing/query_adapter.py`` trains with them) and, for the full ``W`` without pairs, trains with
the product's own ``indexing.query_adapter.fit``. On one free core the adapter trains in ~10 s a
fold and the ranker's CV takes ~2 minutes per row, so the first command takes about 6 minutes once the lab cache
exists (building that cache from ``THUKY_HOME``'s indexes takes a few minutes more); the inner selection multiplies
the adapter's part by 1 + inner × len(l2). ``--pairs`` adds self-supervised statute pairs (not measured yet).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.retrieval_lab import DEFAULT_CACHE, FusionConfig, _top, open_lab  # noqa: E402
from benchmarks.retrieval_tune import NAMES, ranker_cv, ranker_rows  # noqa: E402
from indexing.ranker import folds  # noqa: E402

TAU = 0.05
DISC = 1.0 / np.log2(np.arange(2, 12))


# --- the training data of one set -------------------------------------------------------------------------------------
class SetTensors:
    """One set's questions as training rows: their query vectors, and which of the corpus's pieces are gold (a piece
    of a gold article)."""

    def __init__(self, lab, name: str):
        import torch

        s = lab.sets[name]
        self.name, self.n = name, s.n
        self.gold = lab.gold(name)
        self.q = torch.tensor(s.qvec, dtype=torch.float32)
        self.pvec = torch.tensor(s.pvec, dtype=torch.float32)
        self.piece_rec = s.piece_rec
        self.piece_idx = torch.tensor(s.piece_rec, dtype=torch.int64)
        self.n_rec = len(s.keys)
        pos = np.zeros((s.n, len(s.piece_rec)), dtype=bool)
        for i, (g, _) in enumerate(self.gold):
            pos[i] = np.isin(s.piece_rec, list(g))
        self.pos = torch.tensor(pos)
        self.has_gold = pos.any(1)

    def batch(self, keep: np.ndarray):
        """The training rows of the questions ``keep`` selects (those with a gold article in the corpus)."""
        import torch

        sel = torch.tensor(np.flatnonzero(keep & self.has_gold))
        return self.q[sel], self.pvec, self.pos[sel]


def adapt(q, w, rank: int):
    """``normalize(q + q·W)`` (``w``: the matrix, or the pair ``(A, B)`` of a low-rank one)."""
    import torch

    if w is None:
        return q
    d = q @ w[0] @ w[1] if rank else q @ w
    return torch.nn.functional.normalize(q + d, dim=-1)


def loss_of(batch, w, rank: int):
    """Mean InfoNCE loss of a batch ``(q, pvec, pos)`` (:meth:`SetTensors.batch`): every piece of the corpus is a
    candidate, the gold article's pieces the positives."""
    import torch

    q, pvec, pos = batch
    s = adapt(q, w, rank) @ pvec.T / TAU
    return (torch.logsumexp(s, -1) - torch.logsumexp(s.masked_fill(~pos, -1e4), -1)).mean()


def dense_ndcg(t: SetTensors, keep: np.ndarray, w, rank: int) -> float:
    """Mean dense-only nDCG@10 of the questions ``keep`` selects under the adapter (all articles ranked)."""
    import torch

    sel = np.flatnonzero(keep)
    if not len(sel):
        return 0.0
    with torch.no_grad():
        s = (adapt(t.q[sel], w, rank) @ t.pvec.T).numpy()
    out = []
    for row, i in zip(_article_scores(s, t), sel):
        g, ng = t.gold[i]
        if not ng:
            out.append(0.0)
            continue
        top = _top(row, 10)
        hit = np.array([j in g for j in top], dtype=float)
        out.append(float((hit * DISC[: len(hit)]).sum() / DISC[: min(ng, 10)].sum()))
    return float(np.mean(out))


def _article_scores(s: np.ndarray, t: SetTensors) -> np.ndarray:
    """An article's score: the best of its pieces'."""
    import torch

    if s.shape[1] == t.n_rec and np.all(t.piece_rec == np.arange(t.n_rec)):
        return s
    out = torch.full((s.shape[0], t.n_rec), -1.0)
    return out.scatter_reduce(1, t.piece_idx.expand(s.shape[0], -1), torch.from_numpy(s), "amax").numpy()


class Pairs:
    """Self-supervised (text, article) pairs of one set's corpus (a clause → its article, a citing sentence → the cited
    article), their texts embedded as queries: ``sample`` of them, drawn anew each epoch, join every fold's training
    with ``weight`` (they hold no dev question)."""

    def __init__(self, qvec: np.ndarray, rec: np.ndarray, target: SetTensors, weight: float, sample: int = 512):
        import torch

        self.q = torch.tensor(qvec, dtype=torch.float32)
        self.rec, self.target, self.weight, self.sample = rec, target, weight, sample

    def batch(self, gen):
        import torch

        sel = torch.randperm(len(self.q), generator=gen)[: self.sample].numpy()
        pos = torch.tensor(self.target.piece_rec[None, :] == self.rec[sel][:, None])
        return self.q[sel], self.target.pvec, pos


def train(sets: dict[str, SetTensors], keep: dict[str, np.ndarray], *, epochs: int, l2: float, rank: int,
          lr: float = 1e-3, seed: int = 13, watch: dict[str, np.ndarray] | None = None, every: int = 10,
          pairs: Pairs | None = None):
    """Full-batch Adam on the ``keep`` questions of both sets (each set's mean loss weighs the same). With ``watch``
    (held-out masks), also the mean over sets of their held-out dense nDCG@10 every ``every`` epochs."""
    import torch

    torch.manual_seed(seed)
    dim = next(iter(sets.values())).q.shape[1]
    if rank:
        a = torch.nn.Parameter(torch.randn(dim, rank) * 0.01)
        b = torch.nn.Parameter(torch.zeros(rank, dim))
        w, params = (a, b), [a, b]
    else:
        w = torch.nn.Parameter(torch.zeros(dim, dim))
        params = [w]
    opt = torch.optim.Adam(params, lr=lr)
    batches = {n: t.batch(keep[n]) for n, t in sets.items()}
    gen = torch.Generator().manual_seed(seed)
    curve = []
    for ep in range(1, epochs + 1):
        opt.zero_grad()
        loss = sum(loss_of(b, w, rank) for b in batches.values())
        if pairs is not None:
            loss = loss + pairs.weight * loss_of(pairs.batch(gen), w, rank)
        loss = loss / len(batches)
        reg = sum((p ** 2).sum() for p in params) if not rank else ((w[0] @ w[1]) ** 2).sum()
        (loss + l2 * reg).backward()
        opt.step()
        if watch is not None and ep % every == 0:
            curve.append((ep, np.mean([dense_ndcg(t, watch[n], w, rank) for n, t in sets.items()])))
    return w, curve


def choose(sets, train_mask: dict[str, np.ndarray], grid_l2, max_epochs: int, rank: int, seed: int, lr: float,
           inner: int = 2, pairs: Pairs | None = None):
    """(epochs, l2) with the best mean inner held-out dense nDCG@10 over an inner ``inner``-fold split of the training
    questions (epochs 0: no adapter)."""
    inner_of = {n: np.full(sets[n].n, -1) for n in sets}
    for n in sets:
        tr = np.flatnonzero(train_mask[n])
        inner_of[n][tr] = folds(len(tr), inner, seed + 1)
    best, table = None, {}
    for l2 in grid_l2:
        acc = {}
        for g in range(inner):
            keep = {n: train_mask[n] & (inner_of[n] != g) for n in sets}
            held = {n: inner_of[n] == g for n in sets}
            base = np.mean([dense_ndcg(sets[n], held[n], None, -1) for n in sets])
            _, curve = train(sets, keep, epochs=max_epochs, l2=l2, rank=rank, lr=lr, seed=seed, watch=held,
                             pairs=pairs)
            acc[0] = acc.get(0, 0.0) + base / inner
            for ep, v in curve:
                acc[ep] = acc.get(ep, 0.0) + v / inner
        for ep, v in acc.items():
            table[ep, l2] = v
            if best is None or v > table[best] + 1e-9:
                best = (ep, l2)
    return best, table


def oof_vectors(sets, k: int, seed: int, grid_l2, max_epochs: int, rank: int, lr: float, inner: int,
                pairs: Pairs | None = None, log=print):
    """Per set: every question's vector adapted by the adapter trained without its fold."""
    import torch

    fold_of = {n: folds(sets[n].n, k, seed) for n in sets}
    out = {n: np.zeros(tuple(sets[n].q.shape), dtype=np.float32) for n in sets}
    for f in range(k):
        t = time.perf_counter()
        train_mask = {n: fold_of[n] != f for n in sets}
        if inner:
            (ep, l2), _ = choose(sets, train_mask, grid_l2, max_epochs, rank, seed, lr, inner, pairs)
        else:  # fixed in advance
            ep, l2 = max_epochs, grid_l2[0]
        if not rank and not inner and pairs is None:  # the product's own fit (indexing/query_adapter.py)
            from indexing.query_adapter import TrainingSet
            from indexing.query_adapter import fit as product_fit

            rows = [TrainingSet(t.q.numpy()[train_mask[n]], t.pvec.numpy(),
                                [np.flatnonzero(p).tolist() for p in t.pos.numpy()[train_mask[n]]])
                    for n, t in sets.items()]
            w = torch.tensor(product_fit(rows, epochs=ep, l2=l2, lr=lr, seed=seed).w) if ep else None
        else:
            w = train(sets, train_mask, epochs=ep, l2=l2, rank=rank, lr=lr, seed=seed, pairs=pairs)[0] if ep else None
        for n in sets:
            sel = fold_of[n] == f
            with torch.no_grad():
                out[n][sel] = adapt(sets[n].q[sel], w, rank).numpy()
        log(f"fold {f}: epochs {ep} l2 {l2:g} ({time.perf_counter() - t:.0f}s)")
    return out


# --- the table -------------------------------------------------------------------------------------------------------
def measure(lab, cfg: FusionConfig, depth: int, rounds: int, seed: int) -> dict[str, tuple[float, float, float]]:
    """Per set: dense-only, hybrid and hybrid + ranker (its out-of-fold CV) nDCG@10 under the lab's query vectors."""
    lab._tops = {}
    res = {}
    for n in NAMES:
        s = lab.sets[n]
        s._dense = None
        dense = [[int(j) for j in _top(s.dense()[i], 10)] for i in range(s.n)]
        res[n] = [float(lab.scores_idx(n, dense)[:, 4].mean()),
                  float(lab.scores_idx(n, lab.rank_idx(n, cfg))[:, 4].mean())]
    rk, _ = ranker_cv(lab, ranker_rows(lab, cfg, depth), seed=seed, rounds=rounds)
    for n in NAMES:
        res[n].append(float(rk[n][:, 4].mean()))
    return {n: tuple(v) for n, v in res.items()}


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cache", type=Path, default=DEFAULT_CACHE)
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--rank", type=int, nargs="+", default=[0], help="0: full W; r > 0: W = A·B of rank r")
    ap.add_argument("--epochs", type=int, default=120, help="most epochs the inner selection may choose")
    ap.add_argument("--l2", type=float, nargs="+", default=[0.01, 0.1], help="the penalties it chooses among")
    ap.add_argument("--inner", type=int, default=2,
                    help="inner folds of the selection (0: no selection, --epochs and the first --l2)")
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--depth", type=int, default=40)
    ap.add_argument("--rounds", type=int, default=300)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--pairs", type=Path, default=None,
                    help="a folder with pairs_qvec.npy and pairs_rec.npy: statute pairs (Zalo's corpus) to train with")
    ap.add_argument("--pairs-weight", type=float, default=0.5)
    args = ap.parse_args(argv)
    import torch

    torch.set_num_threads(args.threads)
    lab = open_lab(NAMES, args.cache)
    cfg = FusionConfig()
    sets = {n: SetTensors(lab, n) for n in NAMES}
    base_q = {n: lab.sets[n].qvec for n in NAMES}
    pairs = None
    if args.pairs:
        pairs = Pairs(np.load(args.pairs / "pairs_qvec.npy"), np.load(args.pairs / "pairs_rec.npy"), sets["zalo"],
                      args.pairs_weight)
    print("nDCG@10, out of fold (5 folds, seed 13)")
    print(f"{'':<22}" + "".join(f"{n + ' ' + c:>16}" for n in NAMES for c in ("dense", "hybrid", "+ranker")))

    def row(label: str, res) -> None:
        print(f"{label:<22}" + "".join(f"{v:>16.4f}" for n in NAMES for v in res[n]), flush=True)

    row("unadapted", measure(lab, cfg, args.depth, args.rounds, args.seed))
    for rank in args.rank:
        t = time.perf_counter()
        vecs = oof_vectors(sets, 5, args.seed, args.l2, args.epochs, rank, args.lr, args.inner, pairs,
                           log=lambda m: print(f"[rank {rank}] {m}", file=sys.stderr))
        for n in NAMES:
            lab.sets[n].qvec = vecs[n]
        label = f"adapter {'full' if not rank else f'rank {rank}'}{' +pairs' if pairs else ''}"
        row(label, measure(lab, cfg, args.depth, args.rounds, args.seed))
        for n in NAMES:
            lab.sets[n].qvec = base_q[n]
        print(f"[rank {rank}] {time.perf_counter() - t:.0f}s", file=sys.stderr)


if __name__ == "__main__":
    main()
