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
    max_pieces: int = 1
    # defaults measured best on the ALQAC dev questions (benchmarks/retrieval_dev.py)
    bm25_k1: float = 0.8
    bm25_b: float = 0.75
    title_weight: int = 2
    fusion: str = "minmax"
    weights: tuple[float, float] = (1.0, 0.2)
    rrf_k: float = 60.0
    depth: int = 100
    law_boost: float = 1.5
