"""A small private index over the passages of a conversation's case files: BM25 over their segmented words and, when
they were embedded, cosine similarity of their vectors, fused as the statute index fuses (min-max, BM25 1 : dense w).

Built in memory from rows the caller read (a case file has hundreds of passages, not thousands: building takes
milliseconds), never written to disk and never mixed with a shared index, so a passage is only ever found by a
search over its own conversation's files.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import bm25s
import numpy as np

from indexing.bm25 import recover_compounds
from indexing.fusion import weighted_fusion

DENSE_WEIGHT = 0.5


@dataclass(frozen=True)
class PassageHit:
    key: object  # the caller's key of the passage
    score: float
    lexical: float  # BM25 score (0: no word of the query in it)


class PassageIndex:
    def __init__(self, keys: Sequence, tokens: Sequence[list[str]], vectors: np.ndarray | None = None,
                 dense_weight: float = DENSE_WEIGHT, k1: float = 0.8, b: float = 0.75):
        self.keys = list(keys)
        self.vectors = vectors if vectors is not None and len(vectors) == len(self.keys) else None
        self.dense_weight = dense_weight
        self.vocab = {t for toks in tokens for t in toks}
        self._bm25 = bm25s.BM25(k1=k1, b=b, method="lucene")
        self._empty = not self.vocab
        if not self._empty:
            self._bm25.index([list(t) if t else ["\u2205"] for t in tokens], show_progress=False)

    def __len__(self) -> int:
        return len(self.keys)

    def search(self, query_tokens: list[str], k: int = 5, query_vector: np.ndarray | None = None) -> list[PassageHit]:
        if not self.keys:
            return []
        known = [t for t in recover_compounds(query_tokens, self.vocab) if t in self.vocab]
        ids = self._bm25.get_tokens_ids(known) if known and not self._empty else []
        lexical = np.asarray(self._bm25.get_scores(ids), dtype=np.float64) if ids else np.zeros(len(self.keys))
        depth = min(len(self.keys), max(k * 4, 20))
        lists = [[(i, float(lexical[i])) for i in np.argsort(-lexical)[:depth] if lexical[i] > 0]]
        weights = [1.0]
        if self.vectors is not None and query_vector is not None:
            dense = self.vectors @ np.asarray(query_vector, dtype=np.float32)
            lists.append([(i, float(dense[i])) for i in np.argsort(-dense)[:depth]])
            weights.append(self.dense_weight)
        fused = weighted_fusion(lists, weights)
        return [PassageHit(self.keys[i], round(s, 6), float(lexical[i])) for i, s in fused[:k]]
