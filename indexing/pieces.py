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


def pack(parts: list[str], max_chars: int, sep: str) -> list[str]:
    """Consecutive ``parts`` joined by ``sep`` into runs of at most ``max_chars`` characters, in order; a part longer
    than ``max_chars`` stays whole, as a run of its own."""
    runs: list[str] = []
    current = ""
    for part in parts:
        if current and len(current) + len(sep) + len(part) > max_chars:
            runs.append(current)
            current = part
        else:
            current = f"{current}{sep}{part}" if current else part
    if current:
        runs.append(current)
    return runs


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
    pieces = pack(_blocks(body), max_chars - len(heading) - 1, sep="\n")
    return [Piece(key, i, f"{heading}\n{p}") for i, p in enumerate(pieces[:max_pieces])]
