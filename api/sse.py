"""Server-sent events: the wire format, and the answer text cut into the pieces streamed as ``delta`` events."""

from __future__ import annotations

import json
import re

_PIECE = re.compile(r".+?(?:[.;:!?…,\n]+[\s\"”’)\]]*|$)", re.S)
MAX_PIECE = 120


def event(name: str, data: dict) -> str:
    """One SSE event; the JSON has no raw newline, so it fits one ``data:`` line."""
    return f"event: {name}\ndata: {json.dumps(data, ensure_ascii=False, separators=(',', ':'))}\n\n"


def comment(text: str = "keep-alive") -> str:
    return f": {text}\n\n"


def pieces(text: str, max_chars: int = MAX_PIECE) -> list[str]:
    """Sentence and phrase pieces (cut after punctuation, long ones between words) whose concatenation is ``text``."""
    out: list[str] = []
    for m in _PIECE.finditer(text):
        piece = m.group()
        while len(piece) > max_chars:
            cut = piece.rfind(" ", 0, max_chars)
            cut = cut + 1 if cut > 0 else max_chars
            out.append(piece[:cut])
            piece = piece[cut:]
        if piece:
            out.append(piece)
    return out if "".join(out) == text else ([text] if text else [])
