"""BM25 over the passages of articles: how well an article's best passage matches a query (a learned-ranker feature).

A whole article's BM25 score is diluted by its length: a long article whose fifth clause answers the question scores
below a short one that repeats a word of it. Here every article body is cut into windows of :data:`WINDOW` segmented
words, :data:`STRIDE` apart, each read with the article's title, and indexed with BM25 (bm25s, Lucene, ``k1``
:data:`K1`, ``b`` :data:`B`); an article's passage score is its best window's. The index answers for given articles
(the ranker's candidates), not a top-k: the fused lists stay as they are.

Measured with the ranker out of fold on both dev sets (``benchmarks/retrieval_tune.py ranker``); the window and the
BM25 parameters are the lab's first setting, not tuned on the dev sets.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import bm25s
import numpy as np

WINDOW, STRIDE = 48, 24
K1, B = 1.2, 0.75


def windows(title: Sequence[str], body: Sequence[str]) -> list[list[str]]:
    """The article's windows: the title's words, then :data:`WINDOW` body words, every :data:`STRIDE` words (one
    window when the body is no longer)."""
    title, body = list(title), list(body)
    if len(body) <= WINDOW:
        return [title + body]
    return [title + body[s:s + WINDOW] for s in range(0, len(body) - WINDOW + STRIDE, STRIDE)]


class PassageBM25:
    """BM25 over every article's windows; ``starts[i]:starts[i + 1]`` are the windows of the ``i``-th article (in the
    order of the lexical index's records)."""

    def __init__(self, model: bm25s.BM25, starts: np.ndarray):
        self.model, self.starts = model, np.asarray(starts, dtype=np.int64)

    @classmethod
    def build(cls, title_tokens: Sequence[Sequence[str]], body_tokens: Sequence[Sequence[str]]) -> PassageBM25:
        docs: list[list[str]] = []
        starts = [0]
        for title, body in zip(title_tokens, body_tokens, strict=True):
            docs.extend(w or [""] for w in windows(title, body))
            starts.append(len(docs))
        model = bm25s.BM25(k1=K1, b=B, method="lucene")
        model.index(docs or [[""]], show_progress=False)
        return cls(model, np.array(starts))

    def __len__(self) -> int:
        return len(self.starts) - 1

    def best(self, query_tokens: Sequence[str], rows: Sequence[int]) -> np.ndarray:
        """The best window's score of each article ``rows`` names (0 when no window shares a word with the query)."""
        out = np.zeros(len(rows))
        ids = self.model.get_tokens_ids(list(query_tokens))
        if not ids or not len(rows):
            return out
        scores = self.model.get_scores(ids)
        for i, r in enumerate(rows):
            lo, hi = self.starts[r], self.starts[r + 1]
            if hi > lo:
                out[i] = float(scores[lo:hi].max())
        return out

    def save(self, directory: Path) -> None:
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        self.model.save(str(directory / "bm25s"), show_progress=False)
        np.save(directory / "starts.npy", self.starts)
        (directory / "config.json").write_text(json.dumps({"window": WINDOW, "stride": STRIDE, "k1": K1, "b": B}))

    @classmethod
    def load(cls, directory: Path, mmap: bool = False) -> PassageBM25:
        directory = Path(directory)
        config = json.loads((directory / "config.json").read_text())
        if config != {"window": WINDOW, "stride": STRIDE, "k1": K1, "b": B}:
            raise ValueError(f"passages at {directory} were cut with {config}: rebuild the index")
        return cls(bm25s.BM25.load(str(directory / "bm25s"), mmap=mmap, show_progress=False),
                   np.load(directory / "starts.npy"))
