"""Split an article into pieces for embedding: along its clauses, never mid-clause, each piece carrying the heading.

The encoder sees at most ``max_chars`` characters per piece (a cheap proxy for its token window). Short articles are
one piece; a long article becomes several pieces of consecutive whole clauses. A single clause longer than the window
stays whole (the encoder truncates it) rather than being cut in the middle of a sentence by us.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Piece:
    key: tuple[str, str]
    ordinal: int
    text: str


def _blocks(body: str) -> list[str]:
    """Clause-level blocks: a new block starts at a line that begins with a clause number ("1.", "2."…)."""
    blocks: list[str] = []
    for line in body.split("\n"):
        head = line.split(".", 1)[0]
        if blocks and not (head.isdigit() and line[len(head):len(head) + 1] == "."):
            blocks[-1] += "\n" + line
        else:
            blocks.append(line)
    return [b for b in blocks if b.strip()]


def split_article(key: tuple[str, str], heading: str, body: str, *, max_chars: int = 1200,
                  max_pieces: int = 8) -> list[Piece]:
    """Pieces of one article. ``heading`` is e.g. "Bộ luật Hình sự — Điều 51. Các tình tiết giảm nhẹ …"."""
    body = body.strip()
    if len(heading) + len(body) + 1 <= max_chars:
        return [Piece(key, 0, f"{heading}\n{body}".strip())]
    pieces: list[str] = []
    current = ""
    for block in _blocks(body):
        if current and len(heading) + len(current) + len(block) + 2 > max_chars:
            pieces.append(current)
            current = block
        else:
            current = f"{current}\n{block}" if current else block
    if current:
        pieces.append(current)
    return [Piece(key, i, f"{heading}\n{p}") for i, p in enumerate(pieces[:max_pieces])]
