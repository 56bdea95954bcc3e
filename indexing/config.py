"""What shapes an index (saved in its manifest), and its defaults — the one place they live."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class IndexConfig:
    """Everything that shapes an index; saved in its manifest."""

    model_dir: str | None = None  # None: lexical only
    dense_max_seq: int = 96
    dense_int8: bool = True
    piece_chars: int = 600
    # every piece of an article (a run of whole clauses, read to dense_max_seq tokens) is embedded and an article's
    # dense score is its best piece's (dense alone, nDCG@10: ALQAC 0.706 → 0.833, Zalo 0.617 → 0.709 against the
    # first piece alone)
    max_pieces: int = 8
    # BM25 measured best on the ALQAC dev questions (benchmarks/retrieval_dev.py)
    bm25_k1: float = 0.8
    bm25_b: float = 0.75
    title_weight: int = 2
    fusion: str = "minmax"
    # chosen by 5-fold cross-validation on both dev sets over the dense weight and the law boost, every piece
    # embedded (benchmarks/retrieval_tune.py; the weights of one piece per article were (1.0, 0.2) and 1.5)
    weights: tuple[float, float] = (1.0, 0.75)
    rrf_k: float = 60.0
    depth: int = 100
    law_boost: float = 1.25

    @classmethod
    def one_piece(cls, **kw) -> IndexConfig:
        """The configuration measured for one embedded piece per article (``THUKY_DENSE_MAX_PIECES=1``): its weaker
        dense side weighs less in the fusion."""
        return cls(**{"max_pieces": 1, "weights": (1.0, 0.2), "law_boost": 1.5, **kw})
