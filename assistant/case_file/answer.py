"""The part of an answer that comes from the conversation's own case files: the retrieved passages quoted with
"Tệp: <name>, trang P, đoạn Q", kept apart from the law's citations and verified the same way — the passage was
retrieved for this question from this conversation's files, and the quote occurs in it.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from assistant.answer import FileCitation, FileSource
from assistant.verify import quote_in
from corpus.text import fold

MAX_QUOTE = 400
MIN_SCORE_SHARE = 0.5  # a passage below half the best one's score is not quoted
_SENTENCE = re.compile(r"(?<=[.;!?…])\s+")
_WORD = re.compile(r"\w+")

PassageText = Callable[[str, int], "str | None"]  # (file id, passage number) → its text in this conversation


def _words(text: str) -> set[str]:
    return {w for w in _WORD.findall(fold(text)) if len(w) > 1}


def best_quote(question: str, text: str) -> str:
    """The passage itself when short, else its sentence (or pair of sentences) sharing most words with the
    question."""
    if len(text) <= MAX_QUOTE:
        return text
    asked = _words(question)
    sentences = [s for s in _SENTENCE.split(text) if s.strip()]
    best, best_score = sentences[0], -1.0
    for i, s in enumerate(sentences):
        for window in (s, f"{s} {sentences[i + 1]}" if i + 1 < len(sentences) else None):
            if window is None or len(window) > MAX_QUOTE * 1.5:
                continue
            score = len(asked & _words(window)) - len(window) / 10_000
            if score > best_score:
                best, best_score = window, score
    if len(best) > MAX_QUOTE * 1.5:
        best = best[:MAX_QUOTE].rsplit(" ", 1)[0]
    return best


def file_citations(question: str, sources: list[FileSource], n: int = 2) -> list[FileCitation]:
    """Quotes of the best retrieved passages (at most ``n``, each scoring at least half the best)."""
    if not sources:
        return []
    top = sources[0].score
    chosen = [s for s in sources if s.score >= top * MIN_SCORE_SHARE][:n]
    return [FileCitation(file_id=s.file_id, file_name=s.file_name, passage=s.passage, page=s.page,
                         paragraph=s.paragraph, quote=best_quote(question, s.text)) for s in chosen]


def verify_file_citations(citations: list[FileCitation], sources: list[FileSource],
                          passage_text: PassageText) -> tuple[list[FileCitation], int]:
    """(the verified citations, how many were dropped)."""
    retrieved = {(s.file_id, s.passage) for s in sources}
    kept, removed = [], 0
    for c in citations:
        text = passage_text(c.file_id, c.passage) if (c.file_id, c.passage) in retrieved else None
        if text is None or not quote_in(c.quote, text):
            removed += 1
            continue
        kept.append(c.model_copy(update={"verified": True}))
    return kept, removed


def file_text(citations: list[FileCitation]) -> str:
    """The answer's paragraph on the case file."""
    if not citations:
        return ""
    quotes = [f"«{c.quote}» ({c.label})" for c in citations]
    return "Trong hồ sơ vụ án: " + "; ".join(quotes) + "."
