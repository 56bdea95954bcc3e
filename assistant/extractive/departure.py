"""Where a false statement departs from the law, said in one sentence before the quote ("Sai. Luật quy định “cấp
xã”, không phải “cấp huyện”. Theo …"): a number of the same measure with another value, a permission against a
prohibition, the heaviest phrase put in place of the law's (in whole words, as the word segmenter reads them), words
that narrow the rule. Every phrase is quoted as the law and the statement write it."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from assistant.extractive.direct import lcs_pairs
from assistant.extractive.entailment import narrowing_words, replaced_phrases
from assistant.extractive.features import WORD, law_polarity, quantities, statement_polarity, tokens
from assistant.extractive.scoring import Scorer
from assistant.extractive.units import Unit
from corpus.text import merge_tone_placements, nfc
from indexing.segment import tokenize as segment_words

__all__ = ["departure", "word_spans", "SHOWN_SPAN"]

#: the longest phrase (either side, in syllables) shown as put in place of the law's
SHOWN_SPAN = 2


def _as_written(words: Sequence[str], text: str) -> str:
    """``words`` (normalised syllables) as ``text`` writes them, or joined as they are when it does not."""
    pattern = r"(?<!\w)" + r"\W+".join(re.escape(w) for w in words) + r"(?!\w)"
    m = re.search(pattern, merge_tone_placements(nfc(text)), re.IGNORECASE)
    return m.group(0) if m else " ".join(words)


def word_spans(text: str, n: int, words: Callable[[str], list[str]]) -> list[tuple[int, int]] | None:
    """For each of the ``n`` syllables :func:`tokens` reads in ``text``, the syllables of the word it belongs to
    (``words``: a word segmenter, "thủ_tục"); None when the two readings do not line up."""
    spans: list[tuple[int, int]] = []
    for w in words(text):
        k = len(WORD.findall(w.replace("_", " ")))
        spans.extend([(len(spans), len(spans) + k)] * k)
    return spans if len(spans) == n else None


def departure(statement: str, unit: Unit, scorer: Scorer,
              words: Callable[[str], list[str]] = segment_words) -> str | None:
    """Where ``statement`` departs from ``unit``, in one sentence for a judge ("Luật quy định “cấp xã”, không phải
    “cấp huyện”."): a number of the same measure with another value, a permission against a prohibition, the
    heaviest phrase put in place of the law's (whole words as ``words`` segments them, from the shared word before
    it), words that narrow the rule; None when none is found."""
    st = tokens(statement)
    said_q, law_q = quantities(statement), quantities(unit.match)
    for value, measure in sorted(said_q, key=lambda q: (q[1] or "", q[0])):
        lawful = sorted(v for v, m in law_q if m == measure and measure)
        if lawful and value not in lawful:
            return f"Luật quy định {' hoặc '.join(f'{v} {measure}' for v in lawful)}, không phải {value} {measure}."
    said, law = statement_polarity(st), law_polarity(unit.quote, unit.toks)
    if said == 1 and law == -1:
        return "Luật cấm điều này."
    if said == -1 and law == 1:
        return "Luật cho phép điều này."
    pairs = lcs_pairs(st, unit.toks)
    # a short phrase without numbers, read from the shared word before it ("cấp huyện" for "cấp xã")
    spans = [(w, pairs[a], pairs[b]) for w, a, b in replaced_phrases(st, unit, scorer, pairs)]
    short = [(w, (i0, j0), (i2, j2)) for w, (i0, j0), (i2, j2) in spans
             if i2 - i0 <= SHOWN_SPAN + 1 and j2 - j0 <= SHOWN_SPAN + 1
             and not any(t.isdigit() for t in [*st[i0:i2], *unit.toks[j0:j2]])]
    if short:
        _w, (i0, j0), (i2, j2) = max(short, key=lambda p: p[0])
        said_words, law_words = word_spans(statement, len(st), words), word_spans(unit.match, len(unit.toks), words)
        if said_words and law_words:  # whole words, as many shared words on both sides
            before = max(i0 - said_words[i0][0], j0 - law_words[j0][0])
            after = max(said_words[i2 - 1][1] - i2, law_words[j2 - 1][1] - j2, 0)
            i0, j0 = max(0, i0 - min(before, i0, j0)), max(0, j0 - min(before, i0, j0))
            after = min(after, len(st) - i2, len(unit.toks) - j2)
            i2, j2 = i2 + after, j2 + after
        return (f"Luật quy định “{_as_written(unit.toks[j0:j2], unit.quote)}”, không phải "
                f"“{_as_written(st[i0:i2], statement)}”.")
    narrowing = narrowing_words(st, unit)
    if narrowing:
        return f"Luật không giới hạn ở “{narrowing[0]}”."
    return None
