"""Query analysis for retrieval: strip exam boilerplate, build the text to search, find a law named in the question.

A judge's question and a benchmark question differ mostly in wrapping: "…, đúng hay sai?", "Chọn câu trả lời đúng
nhất.", answer choices A–D. ``QueryAnalyzer.analyze`` turns either into a ``Query``: the cleaned text, the text to
search (optionally with the choices), and the documents the question names ("Theo Luật Du lịch, …"), which a
retriever uses as a soft boost — never as a filter, because a question may name a law that is not the one holding the
answer ("… theo quy định của Luật Xử lý vi phạm hành chính" answered by Luật Phòng, chống ma túy).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from corpus.text import fold, nfc

# Boilerplate, matched on the folded (lowercase, unaccented) text but cut from the original by position.
_TAIL = re.compile(r"[\s,.;:–-]*(la\s+)?(dung\s+hay\s+sai|dung\s+hoac\s+sai|dung\s*/\s*sai)\s*[?.!]*\s*$")
_CHOOSE = re.compile(r"[\s.]*(hay\s+)?chon\s+(cau\s+tra\s+loi|dap\s+an|phuong\s+an)\s+(dung|chinh\s+xac)"
                     r"(\s+nhat)?\s*[.:?!]*")


def cut_folded(text: str, pattern: re.Pattern) -> str:
    """Remove every match of ``pattern`` (found on ``fold(text)``, which keeps character positions) from ``text``."""
    folded = fold(text)
    if len(folded) != len(text):  # folding changed the length (should not happen after NFC): leave the text as is
        return text
    out, last = [], 0
    for m in pattern.finditer(folded):
        out.append(text[last:m.start()])
        last = m.end()
    out.append(text[last:])
    return "".join(out)


def strip_boilerplate(text: str) -> str:
    """ "X, đúng hay sai?" → "X"; drop "Chọn câu trả lời đúng nhất"."""
    text = " ".join(nfc(text).split())
    text = cut_folded(text, _CHOOSE)
    text = cut_folded(text, _TAIL)
    return text.strip(" ,;:")


@dataclass
class Query:
    raw: str
    text: str  # cleaned question
    search_text: str  # what the retrievers search (cleaned question, plus choices when asked)
    doc_ids: list[str] = field(default_factory=list)  # documents named in the question, longest name first


class QueryAnalyzer:
    """``names`` maps a document id to the names it goes by (its title and aliases). Matching is on folded text with
    word boundaries, longest name first, so "Bộ luật Tố tụng dân sự" is not also read as "Luật … dân sự"."""

    def __init__(self, names: Mapping[str, Iterable[str]] | None = None, with_choices: bool = False,
                 min_name_words: int = 2):
        self.with_choices = with_choices
        pairs = []
        for doc_id, ns in (names or {}).items():
            for n in ns:
                f = " ".join(fold(n).split())
                if len(f.split()) >= min_name_words:
                    pairs.append((f, doc_id))
        pairs.sort(key=lambda p: -len(p[0]))
        self._names = pairs
        self._pattern = (re.compile(r"(?<!\w)(" + "|".join(re.escape(f) for f, _ in pairs) + r")(?!\w)")
                         if pairs else None)
        self._by_name = dict(pairs)

    @classmethod
    def from_titles(cls, titles: Mapping[str, str], aliases: Mapping[str, Iterable[str]] | None = None,
                    **kw) -> QueryAnalyzer:
        """From ``doc_id → title`` (plus optional ``doc_id → aliases``)."""
        names = {d: [t, *((aliases or {}).get(d, ()))] for d, t in titles.items()}
        return cls(names, **kw)

    def named_documents(self, text: str) -> list[str]:
        """Ids of the documents named in ``text``, in order of first mention, without repeats."""
        if self._pattern is None:
            return []
        folded = " ".join(fold(text).split())
        out: list[str] = []
        for m in self._pattern.finditer(folded):
            d = self._by_name[m.group(1)]
            if d not in out:
                out.append(d)
        return out

    def analyze(self, text: str, choices: Mapping[str, str] | None = None) -> Query:
        clean = strip_boilerplate(text)
        search = clean
        if self.with_choices and choices:
            opts = [strip_boilerplate(v) for _, v in sorted(choices.items())]
            search = " ".join([clean, *opts])
        return Query(raw=text, text=clean, search_text=search, doc_ids=self.named_documents(text))
