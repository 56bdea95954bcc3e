"""What a corpus is as a whole, for the learned ranker's features: how many articles hold each syllable, and per
document its title, article count and highest article number (``CorpusStats``). The embedded index makes it from
the articles it holds; the Milvus backend makes it at build time and stores it beside the collection."""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from corpus.text import nfc
from indexing.types import ArticleRecord

_WORD = re.compile(r"\w+")


def syllables(text: str) -> list[str]:
    """Lower-case NFC syllables (word characters only)."""
    return _WORD.findall(nfc(text).lower())


def article_number(no: str) -> float:
    m = re.match(r"\d+", no or "")
    return float(m.group()) if m else float("nan")


@dataclass
class CorpusStats:
    """What the features need to know about a corpus as a whole: how many articles hold each syllable (title and
    body), and per document its title, number of articles and highest article number (NaN: none numbered). Made in
    one pass over the articles (:meth:`from_records`); the Milvus backend makes it at build time and keeps it with
    the collection (:meth:`to_json`), so a worker never reads the whole corpus."""

    articles: int
    df: dict[str, int]
    docs: dict[str, tuple[str, int, float]]

    @classmethod
    def from_records(cls, records: Iterable[ArticleRecord]) -> CorpusStats:
        n, df = 0, Counter()
        docs: dict[str, list] = {}
        for r in records:
            n += 1
            df.update(set(syllables(r.title)) | set(syllables(r.text)))
            d = docs.setdefault(r.doc_id, [r.doc_title, 0, float("nan")])
            d[1] += 1
            no = article_number(r.article_no)
            if not math.isnan(no):
                d[2] = no if math.isnan(d[2]) else max(d[2], no)
        return cls(n, dict(df), {k: (t, c, m) for k, (t, c, m) in docs.items()})

    def to_json(self) -> dict:
        return {"articles": self.articles, "df": self.df,
                "docs": {k: [t, c, None if math.isnan(m) else m] for k, (t, c, m) in self.docs.items()}}

    @classmethod
    def from_json(cls, data: Mapping) -> CorpusStats:
        return cls(int(data["articles"]), dict(data["df"]),
                   {k: (t, int(c), float("nan") if m is None else float(m)) for k, (t, c, m) in data["docs"].items()})
