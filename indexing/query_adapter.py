"""A query-side linear adapter: dense retrieval fitted to real questions without re-embedding the corpus.

The frozen e5 query vector ``q`` becomes ``q' = normalize(q + q·W)`` before the dense search; the article vectors
stay as built. ``W`` (dim × dim, from zero) is fitted with a softmax (InfoNCE) loss of ``q'`` against the FIXED
piece vectors of the question's corpus — every piece is a candidate, the pieces of the question's gold articles the
positives — at temperature 0.05, with an L2 penalty pulling ``W`` toward zero, by full-batch Adam over questions of
several corpora at once (each set weighs the same). Measured out of fold in ``benchmarks/query_adapter.py``.

:func:`fit` is deterministic for a seed; :meth:`QueryAdapter.save` writes ``w.npy`` + ``meta.json`` (default
``THUKY_HOME/models/query-adapter``) and :func:`load_adapter` reads it back for the index registry.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

FORMAT = 1
TAU = 0.05
EPOCHS = 120
L2 = 0.01
LR = 1e-3


@dataclass
class TrainingSet:
    """One corpus's training questions: their query vectors (n, dim), the corpus's piece vectors (m, dim) and, per
    question, the indices of its gold pieces (a question without one is left out)."""

    queries: np.ndarray
    pieces: np.ndarray
    positives: Sequence[Sequence[int]]

    def subset(self, keep: np.ndarray) -> TrainingSet:
        """The questions ``keep`` (a boolean mask over the questions) selects, against the same pieces."""
        keep = np.asarray(keep, dtype=bool)
        return TrainingSet(np.asarray(self.queries)[keep], self.pieces,
                           [p for p, k in zip(self.positives, keep) if k])


@dataclass
class QueryAdapter:
    w: np.ndarray  # (dim, dim)
    meta: dict = field(default_factory=dict)

    def apply(self, vecs: np.ndarray) -> np.ndarray:
        """The adapted, L2-normalised query vectors of ``vecs`` ((n, dim) or (dim,))."""
        v = np.asarray(vecs, dtype=np.float32)
        out = v + v @ self.w
        norm = np.linalg.norm(out, axis=-1, keepdims=True)
        return (out / np.maximum(norm, 1e-12)).astype(np.float32)

    def save(self, directory: Path) -> Path:
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        with open(directory / "w.npy.tmp", "wb") as f:
            np.save(f, self.w.astype(np.float32))
        (directory / "w.npy.tmp").replace(directory / "w.npy")
        (directory / "meta.json").write_text(json.dumps(self.meta, ensure_ascii=False, indent=2))
        return directory

    @classmethod
    def load(cls, directory: Path) -> QueryAdapter:
        directory = Path(directory)
        meta = json.loads((directory / "meta.json").read_text())
        if meta.get("format") != FORMAT:
            raise ValueError(f"query adapter at {directory} has format {meta.get('format')}, expected {FORMAT}: "
                             "retrain it (`thuky models train`)")
        w = np.load(directory / "w.npy")
        if w.ndim != 2 or w.shape[0] != w.shape[1]:
            raise ValueError(f"query adapter at {directory} is not a square matrix ({w.shape})")
        return cls(w, meta)


def fit(sets: Sequence[TrainingSet], *, epochs: int = EPOCHS, l2: float = L2, lr: float = LR, seed: int = 13,
        meta: Mapping | None = None) -> QueryAdapter:
    """Fit ``W`` on the training sets (each set's mean loss weighs the same). Deterministic for a seed."""
    import torch

    torch.manual_seed(seed)
    batches = []
    for s in sets:
        keep = [i for i, p in enumerate(s.positives) if len(p)]
        if not keep:
            continue
        pos = torch.zeros((len(keep), len(s.pieces)), dtype=torch.bool)
        for r, i in enumerate(keep):
            pos[r, list(s.positives[i])] = True
        batches.append((torch.tensor(np.asarray(s.queries)[keep], dtype=torch.float32),
                        torch.tensor(np.asarray(s.pieces), dtype=torch.float32), pos))
    if not batches:
        raise ValueError("no training question has a gold piece")
    dim = batches[0][0].shape[1]
    w = torch.nn.Parameter(torch.zeros(dim, dim))
    opt = torch.optim.Adam([w], lr=lr)
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        for _ in range(epochs):
            opt.zero_grad()
            loss = sum(_loss(b, w) for b in batches) / len(batches) + l2 * (w ** 2).sum()
            loss.backward()
            opt.step()
    finally:
        torch.set_num_threads(threads)
    counts = [int(b[0].shape[0]) for b in batches]
    return QueryAdapter(w.detach().numpy().copy(), {"format": FORMAT, "dim": dim, "epochs": epochs, "l2": l2,
                                                     "lr": lr, "tau": TAU, "seed": seed, "trained_on": counts,
                                                     **(meta or {})})


def _loss(batch, w):
    import torch

    q, pieces, pos = batch
    a = torch.nn.functional.normalize(q + q @ w, dim=-1)
    s = a @ pieces.T / TAU
    return (torch.logsumexp(s, -1) - torch.logsumexp(s.masked_fill(~pos, -1e4), -1)).mean()


# --- in the product --------------------------------------------------------------------------------------------------
def adapter_dir(home: Path) -> Path:
    return Path(home) / "models" / "query-adapter"


def load_adapter(home: Path) -> QueryAdapter | None:
    """The adapter trained under ``home``, or None when there is none or it cannot be used (it is logged)."""
    directory = adapter_dir(home)
    if not (directory / "w.npy").is_file():
        return None
    try:
        return QueryAdapter.load(directory)
    except Exception as exc:  # noqa: BLE001 - a stale or broken adapter must not stop search
        import logging

        logging.getLogger(__name__).warning("query adapter at %s not used: %s", directory, exc)
        return None


def attach_adapter(index, adapter: QueryAdapter | None) -> None:
    """Map the index's dense query vectors through ``adapter`` (``None``: the encoder's vectors as they are). An
    adapter of another dimension than the index's vectors is not attached (logged)."""
    if adapter is not None and index.embedder is not None and adapter.w.shape[0] != index.embedder.dim:
        import logging

        logging.getLogger(__name__).warning("query adapter of dim %d not used with an encoder of dim %d",
                                            adapter.w.shape[0], index.embedder.dim)
        adapter = None
    index.query_adapter = adapter


# --- training from the dev sets ---------------------------------------------------------------------------------------
def training_set(index, questions: Sequence[Mapping]) -> TrainingSet:
    """The questions (``{"text", "choices", "gold": set of keys}``) of one index as training rows: the encoder's own
    vector of each question's search text (never adapted) and the positions of its gold articles' pieces."""
    from indexing.index import check_query

    pieces, keys = index.piece_vectors()
    at: dict = {}
    for j, k in enumerate(keys):
        at.setdefault(tuple(k), []).append(j)
    texts = [index.analyzer.analyze(check_query(q["text"]), q.get("choices")).search_text for q in questions]
    queries = np.stack([index.embedder.embed_queries([t])[0] for t in texts])  # one at a time, as searched
    positives = [sorted(j for g in q["gold"] for j in at.get(tuple(g), [])) for q in questions]
    return TrainingSet(queries, pieces, positives)


def training_fingerprint(data_dir: Path, indexes: Mapping[str, object], seed: int) -> str:
    """What a trained adapter depends on, hashed: the dev questions' bytes, each index's corpus, configuration and
    embedding model, and the training parameters. Same fingerprint → same adapter."""
    from indexing.ranker import dev_fingerprint

    return dev_fingerprint({"format": FORMAT, "tau": TAU, "epochs": EPOCHS, "l2": L2, "lr": LR, "seed": seed},
                           data_dir, indexes)


def train_from_dev(home: Path, data_dir: Path, indexes: Mapping[str, object], resolvers: Mapping[str, object],
                   seed: int = 13, out_dir: Path | None = None, force: bool = False,
                   sets: Callable[[], Mapping[str, TrainingSet]] | None = None) -> tuple[Path | None, bool]:
    """Fit the adapter on both dev sets (``indexes``/``resolvers`` as ``indexing.ranker.train_from_dev``) and save it
    (default: ``home/models/query-adapter``); returns ``(directory, trained)`` — ``trained`` is False when the adapter
    there already has this training's fingerprint and ``force`` is not set; ``(None, False)`` when an index has no
    dense side (lexical only: nothing to adapt). Train it before the ranker, whose candidates come from the adapted
    dense search. ``sets()``, when given, makes each set's training rows (:func:`training_set`), e.g. shared with
    ``indexing.adapted_dev.AdaptedDev``."""
    from indexing.ranker import dev_questions

    if any(getattr(index, "dense", None) is None or index.embedder is None for index in indexes.values()):
        return None, False
    directory = Path(out_dir) if out_dir else adapter_dir(home)
    fingerprint = training_fingerprint(data_dir, indexes, seed)
    if not force:
        try:
            if (directory / "w.npy").is_file() and QueryAdapter.load(directory).meta.get("fingerprint") == fingerprint:
                return directory, False
        except (OSError, ValueError):
            pass
    rows = sets() if sets is not None else {
        name: training_set(indexes[name], dev_questions(data_dir, name, resolvers[name])) for name in indexes}
    adapter = fit([rows[name] for name in sorted(indexes)], seed=seed,
                  meta={"fingerprint": fingerprint, "sets": sorted(indexes)})
    return adapter.save(directory), True
