"""Search snippets and highlights (đánh dấu từ khớp): the part of an article where the query's words are densest,
with those words wrapped in ``<mark>`` and everything else HTML-escaped.

Matching is on NFC text, case-insensitive. A query word typed without diacritics ("tu thu") matches every accented
form ("tự thú"); a word typed with diacritics matches only itself ("tội" does not light up "tới" or "tôi"), since
in Vietnamese the tone marks are what tells the words apart. Very common function syllables ("của", "và", "được")
are not highlighted on their own.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from functools import lru_cache

from assistant.extractive.features import COMMON_SYLLABLES  # the assistant's list of function syllables
from corpus.text import fold, nfc

_WORD = re.compile(r"\w+", re.UNICODE)
SNIPPET_CHARS = 240
# ``corpus.text.fold`` as one str.translate over lowercase NFC text: the same result, at C speed (search results are
# checked by the hundred per request)
_FOLD = {ord(c): fold(c) for c in map(chr, range(0xC0, 0x1F00)) if c.islower() and fold(c) != c and len(fold(c)) == 1}


def fast_fold(text: str) -> str:
    """Lowercase NFC text without diacritics (đ → d)."""
    return text.lower().translate(_FOLD)


@lru_cache(maxsize=512)
def _alternation(words: frozenset[str]) -> re.Pattern | None:
    if not words:
        return None
    return re.compile(r"\b(?:" + "|".join(map(re.escape, sorted(words, key=len, reverse=True))) + r")\b")


@dataclass(frozen=True)
class Terms:
    exact: frozenset[str]  # lowercase NFC words typed with diacritics
    folded: frozenset[str]  # folded words typed without diacritics

    def __bool__(self) -> bool:
        return bool(self.exact or self.folded)

    def key(self, word: str) -> str | None:
        """The query term a text word matches, or None."""
        low = word.lower()
        if low in self.exact:
            return low
        if not self.folded:
            return None
        f = low.translate(_FOLD)
        return f if f in self.folded else None

    def found_in(self, text: str) -> bool:
        """Does the (NFC) text contain at least one of the terms as a whole word?"""
        if self.exact and _alternation(self.exact).search(text.lower()):
            return True
        return bool(self.folded) and bool(_alternation(self.folded).search(fast_fold(text)))


def query_terms(query: str) -> Terms:
    exact, folded = set(), set()
    for w in _WORD.findall(nfc(query or "").lower()):
        if w in COMMON_SYLLABLES or (len(w) < 2 and not w.isdigit()):
            continue
        if fold(w) == w:
            folded.add(w)
        else:
            exact.add(w)
    return Terms(frozenset(exact), frozenset(folded))


def _matches(text: str, terms: Terms) -> list[tuple[int, int, str]]:
    """(start, end, term) of every whole word of ``text`` that a term matches, in order."""
    if not terms:
        return []
    low = text.lower()
    if len(low) != len(text):  # a character whose lowercase is longer: positions would shift, go word by word
        return [(m.start(), m.end(), k) for m in _WORD.finditer(text) if (k := terms.key(m.group())) is not None]
    out = []
    if terms.exact:
        out += [(m.start(), m.end(), m.group()) for m in _alternation(terms.exact).finditer(low)]
    if terms.folded:  # the fold table maps one character to one: same positions
        out += [(m.start(), m.end(), m.group()) for m in _alternation(terms.folded).finditer(low.translate(_FOLD))]
    out.sort()
    return out


def snippet_window(text: str, terms: Terms, width: int = SNIPPET_CHARS) -> tuple[str, list[tuple[int, int]]]:
    """One line of about ``width`` characters around the densest run of matched words, and the spans (in that
    line) of the words to mark."""
    flat = " ".join(nfc(text or "").split())
    spans = _matches(flat, terms)
    start = 0
    if spans and len(flat) > width:
        best, best_i = -1, 0
        for i, (s, _, _) in enumerate(spans[:200]):
            distinct = {k for (_, e2, k) in spans[i:i + 60] if e2 <= s + width - 40}
            if len(distinct) > best:
                best, best_i = len(distinct), i
        start = max(0, spans[best_i][0] - 40)
        if start:
            cut = flat.rfind(" ", 0, start)
            start = cut + 1 if cut >= 0 else 0
    end = min(len(flat), start + width)
    if end < len(flat):
        cut = flat.rfind(" ", start, end)
        end = cut if cut > start else end
    piece = flat[start:end]
    prefix = "…" if start > 0 else ""
    suffix = "…" if end < len(flat) else ""
    shift = len(prefix) - start
    marks = [(s + shift, e + shift) for s, e, _ in spans if s >= start and e <= end]
    return prefix + piece + suffix, marks


def mark(text: str, spans: list[tuple[int, int]]) -> str:
    """HTML: ``text`` escaped, the spans wrapped in ``<mark>``; neighbouring marks joined over spaces."""
    merged: list[list[int]] = []
    for s, e in sorted(spans):
        if merged and text[merged[-1][1]:s].strip() == "":
            merged[-1][1] = e
        else:
            merged.append([s, e])
    out, pos = [], 0
    for s, e in merged:
        out.append(html.escape(text[pos:s], quote=True))
        out.append(f"<mark>{html.escape(text[s:e], quote=True)}</mark>")
        pos = e
    out.append(html.escape(text[pos:], quote=True))
    return "".join(out)


def snippet_and_highlight(text: str, query: str | Terms, width: int = SNIPPET_CHARS) -> tuple[str, str]:
    terms = query if isinstance(query, Terms) else query_terms(query)
    piece, spans = snippet_window(text, terms, width)
    return piece, mark(piece, spans)
