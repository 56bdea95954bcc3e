"""Units: the quotable pieces of a source article (its points, clauses, and sentences outside any clause), each
addressed exactly as the store addresses it."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from assistant.answer import Source
from assistant.extractive.features import bigrams, tokens
from corpus.statute_parser import parse_article_body

__all__ = ["Unit", "split_units"]


@dataclass
class Unit:
    """A quotable piece of a source: its address, the exact text quoted, and the text it is matched on."""

    source: Source
    clause: str | None
    point: str | None
    quote: str  # verbatim piece of the unit's own text
    match: str  # quote plus context (the article title, the clause lead-in of a point)
    toks: list[str] = field(default_factory=list)
    tokset: set[str] = field(default_factory=set)
    bigrams: set[tuple[str, str]] = field(default_factory=set)

    def __post_init__(self):
        self.toks = tokens(self.match)
        self.tokset = set(self.toks)
        self.bigrams = bigrams(self.toks)

    @property
    def label(self) -> str:
        parts = [f"điểm {self.point}" if self.point else "", f"khoản {self.clause}" if self.clause else "",
                 f"Điều {self.source.article}"]
        title = self.source.document_title
        return " ".join(p for p in parts if p) + (f" {title}" if title else "")


_SENT_SPLIT = re.compile(r"(?<=[.;:!?])\s+(?=[A-ZÀ-ỸĐ\d“\"])|\n+")


def _sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENT_SPLIT.split(text) if s and len(s.strip()) > 3]


def split_units(source: Source) -> list[Unit]:
    """The units of one source article: its points (matched with their lead-in), clauses, and the sentences of text
    that sits outside any clause."""
    title = source.title or ""
    text = source.text or ""
    clauses, points = parse_article_body(text)
    units: list[Unit] = []

    def add(clause, point, quote, context=""):
        quote = quote.strip()
        if quote:
            units.append(Unit(source, clause, point, quote, f"{title}. {context} {quote}".strip()))

    if not clauses:
        if points:
            lead = text.split(points[0].text.split("\n")[0])[0]
            for s in _sentences(lead):
                add(None, None, s)
            for p in points:
                add(None, p.letter, p.text, lead[-300:])
        else:
            for s in _sentences(text):
                add(None, None, s)
        return units
    head = text.split(clauses[0].text.split("\n")[0])[0]
    for s in _sentences(head):
        add(None, None, s)
    for c in clauses:
        if c.points:
            lead = c.text.split(c.points[0].text.split("\n")[0])[0]
            add(c.number, None, lead) if lead.strip() else None
            for p in c.points:
                add(c.number, p.letter, p.text, lead[-300:])
        else:
            sents = _sentences(c.text)
            if len(sents) <= 1 or len(c.text) < 400:
                add(c.number, None, c.text)
            else:
                for s in sents:
                    add(c.number, None, s)
    return units
