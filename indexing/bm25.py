"""BM25 over segmented Vietnamese articles, on ``bm25s`` with our own tokens.

bm25s's own splitter drops one-letter tokens and knows nothing of Vietnamese words, so we pass it token lists made by
``Segmenter``. An article is indexed as its title tokens repeated ``title_weight`` times, its body, and (optionally)
its document title ``doc_title_weight`` times. Scores for the whole corpus come from one sparse product, so filters
and per-document boosts are applied to the score vector before the top-k cut.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Mapping, Sequence
from pathlib import Path

import bm25s
import numpy as np

from indexing.segment import Segmenter
from indexing.types import ArticleRecord, Filters, Hit, Key, snippet


def _record_to_json(r: ArticleRecord) -> dict:
    d = dataclasses.asdict(r)
    d["key"] = list(r.key)
    for f in ("effective_date", "expiry_date"):
        d[f] = d[f].isoformat() if d[f] else None
    return d


def _record_from_json(d: dict) -> ArticleRecord:
    d = dict(d)
    d["key"] = tuple(d["key"])
    for f in ("effective_date", "expiry_date"):
        d[f] = dt.date.fromisoformat(d[f]) if d.get(f) else None
    return ArticleRecord(**d)


def recover_compounds(tokens: Sequence[str], known, max_span: int = 4) -> list[str]:
    """Query tokens the index does not know, re-cut into words it does.

    underthesea may join syllables of a question into a word it never formed in the indexed text ("tự_thú" where the
    articles read "tự" + "thú", "luật_du_lịch", "?_người"): such a token matches nothing. Each unknown compound is cut
    greedily, left to right, into the longest runs of at most ``max_span`` syllables that ``known`` holds; syllables
    still unknown are dropped (they could not match anyway). Known tokens and one-syllable tokens pass unchanged."""
    out: list[str] = []
    for tok in tokens:
        if tok in known or "_" not in tok:
            out.append(tok)
            continue
        syl = [s for s in tok.split("_") if any(ch.isalnum() for ch in s)]
        i = 0
        while i < len(syl):
            for j in range(min(len(syl), i + max_span), i, -1):
                word = "_".join(syl[i:j])
                if word in known:
                    out.append(word)
                    i = j
                    break
            else:
                i += 1
    return out


class BM25Index:
    """``build(records)`` then ``search(query, k, filters)``; ``save(dir)`` / ``BM25Index.load(dir)``.

    Parameters are plain values (they are saved with the index). Defaults are the best on the ALQAC dev questions
    (see ``benchmarks/retrieval_dev.py``).
    """

    def __init__(self, k1: float = 0.8, b: float = 0.75, method: str = "lucene", title_weight: int = 2,
                 doc_title_weight: int = 0, segmenter: Segmenter | None = None, workers: int = 2,
                 recover: bool = False):
        self.k1, self.b, self.method = k1, b, method
        self.recover = recover
        self.title_weight, self.doc_title_weight = title_weight, doc_title_weight
        self.segmenter = segmenter if segmenter is not None else Segmenter()
        self.workers = workers
        self.records: list[ArticleRecord] = []
        self._bm25: bm25s.BM25 | None = None
        self._by_doc: dict[str, np.ndarray] = {}

    # --- building -------------------------------------------------------------------------------------------------
    def params(self) -> dict:
        return {"k1": self.k1, "b": self.b, "method": self.method, "title_weight": self.title_weight,
                "doc_title_weight": self.doc_title_weight, "recover": self.recover}

    def segment_texts(self, records: Sequence[ArticleRecord]) -> list[str]:
        """The texts ``document_tokens`` segments: every title, every body, then the document titles it weighs."""
        doc_titles = sorted({r.doc_title for r in records}) if self.doc_title_weight else []
        return [r.title for r in records] + [r.text for r in records] + doc_titles

    def segmented(self, records: Sequence[ArticleRecord]) -> tuple[list[list[str]], list[list[str]], dict]:
        """Each record's title and body, segmented, and the document titles the index weighs (text → tokens)."""
        texts = self.segment_texts(records)
        seg = self.segmenter.segment_many(texts, workers=self.workers)
        n = len(records)
        return seg[:n], seg[n:2 * n], dict(zip(texts[2 * n:], seg[2 * n:]))

    def document_tokens(self, records: Sequence[ArticleRecord], segmented: tuple | None = None) -> list[list[str]]:
        """The token list indexed for each record (from ``segmented(records)`` when already made)."""
        title_toks, body_toks, dt_toks = segmented if segmented is not None else self.segmented(records)
        out = []
        for r, t, body in zip(records, title_toks, body_toks):
            toks = t * self.title_weight + body
            if self.doc_title_weight:
                toks = toks + dt_toks[r.doc_title] * self.doc_title_weight
            out.append(toks)
        return out

    def build(self, records: Sequence[ArticleRecord], tokens: Sequence[list[str]] | None = None) -> BM25Index:
        """Index ``records`` (``tokens`` may be given to skip segmentation). Returns self."""
        self.records = list(records)
        tokens = list(tokens) if tokens is not None else self.document_tokens(self.records)
        self._bm25 = bm25s.BM25(k1=self.k1, b=self.b, method=self.method)
        self._bm25.index([t if t else [""] for t in tokens], show_progress=False)
        self._index_docs()
        return self

    def _index_docs(self) -> None:
        by_doc: dict[str, list[int]] = {}
        for i, r in enumerate(self.records):
            by_doc.setdefault(r.doc_id, []).append(i)
        self._by_doc = {d: np.asarray(ix) for d, ix in by_doc.items()}
        self.row_of: dict[Key, int] = {r.key: i for i, r in enumerate(self.records)}

    def __len__(self) -> int:
        return len(self.records)

    # --- searching ------------------------------------------------------------------------------------------------
    def tokens(self, query: str | Sequence[str]) -> list[str]:
        """The query's tokens (segmented when given as text); with ``recover``, unknown compounds re-cut into known
        words (:func:`recover_compounds`)."""
        toks = self.segmenter.segment(query) if isinstance(query, str) else list(query)
        if self.recover and self._bm25 is not None:
            toks = recover_compounds(toks, self._bm25.vocab_dict)
        return toks

    def score_all(self, query: str | Sequence[str]) -> np.ndarray:
        """BM25 score of every record for the query (float32, in record order)."""
        assert self._bm25 is not None, "build() or load() first"
        ids = self._bm25.get_tokens_ids(self.tokens(query))
        if not ids:
            return np.zeros(len(self.records), dtype=np.float32)
        return np.asarray(self._bm25.get_scores(ids), dtype=np.float32)

    def mask(self, filters: Filters | None) -> np.ndarray | None:
        """A boolean mask of the records the filters keep (``None``: all)."""
        if filters is None or filters.is_empty():
            return None
        if filters.doc_ids is not None:
            m = np.zeros(len(self.records), dtype=bool)
            for d in filters.doc_ids:
                if d in self._by_doc:
                    m[self._by_doc[d]] = True
        else:
            m = np.ones(len(self.records), dtype=bool)
        for d in filters.exclude_doc_ids or ():
            if d in self._by_doc:
                m[self._by_doc[d]] = False
        rest = dataclasses.replace(filters, doc_ids=None, exclude_doc_ids=None)
        if not rest.is_empty():
            for i in np.flatnonzero(m):
                m[i] = rest.matches(self.records[i])
        return m

    def search(self, query: str | Sequence[str], k: int = 10, filters: Filters | None = None,
               doc_boost: Mapping[str, float] | None = None) -> list[Hit]:
        """Top ``k`` records. ``doc_boost`` multiplies the scores of every article of the given documents (a soft
        preference, e.g. for a law named in the question)."""
        scores = self.score_all(query)
        final = scores.copy()
        if doc_boost:
            for d, f in doc_boost.items():
                if d in self._by_doc:
                    final[self._by_doc[d]] *= f
        return self._top(final, scores, k, self.mask(filters))

    def ranked(self, query: str | Sequence[str], k: int = 10,
               filters: Filters | None = None) -> list[tuple[Key, float]]:
        """Top ``k`` keys with their scores, best first (what fusion reads)."""
        return [(h.key, h.score) for h in self.search(query, k, filters)]

    def _top(self, final: np.ndarray, raw: np.ndarray, k: int, mask: np.ndarray | None) -> list[Hit]:
        if mask is not None:
            final = np.where(mask, final, -np.inf)
        k = min(k, int(np.isfinite(final).sum()))
        if k <= 0:
            return []
        idx = np.argpartition(-final, k - 1)[:k]
        idx = idx[np.lexsort((idx, -final[idx]))]
        hits = []
        for rank, i in enumerate(idx, 1):
            r = self.records[i]
            hits.append(Hit(key=r.key, score=float(final[i]), rank=rank, doc_title=r.doc_title, title=r.title,
                            snippet=snippet(r.text), scores={"bm25": float(raw[i])}))
        return hits

    # --- persistence ----------------------------------------------------------------------------------------------
    def save(self, directory: str | Path) -> None:
        assert self._bm25 is not None, "build() first"
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        self._bm25.save(str(directory / "bm25s"), show_progress=False)
        (directory / "config.json").write_text(json.dumps(self.params(), indent=2))
        with (directory / "records.jsonl").open("w", encoding="utf-8") as f:
            for r in self.records:
                f.write(json.dumps(_record_to_json(r), ensure_ascii=False) + "\n")

    @classmethod
    def load(cls, directory: str | Path, segmenter: Segmenter | None = None, mmap: bool = False) -> BM25Index:
        directory = Path(directory)
        self = cls(**json.loads((directory / "config.json").read_text()), segmenter=segmenter)
        self._bm25 = bm25s.BM25.load(str(directory / "bm25s"), mmap=mmap, show_progress=False)
        with (directory / "records.jsonl").open(encoding="utf-8") as f:
            self.records = [_record_from_json(json.loads(line)) for line in f if line.strip()]
        self._index_docs()
        return self
