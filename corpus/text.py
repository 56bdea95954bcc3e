"""Vietnamese text helpers shared by every part: NFC normalisation, whitespace, slugs, accent folding."""

from __future__ import annotations

import re
import unicodedata

_WS = re.compile(r"[ \t\u00a0\u200b\ufeff]+")


def nfc(text: str) -> str:
    """Normalize to Unicode NFC — the first thing done to every text."""
    return unicodedata.normalize("NFC", text)


def clean_lines(text: str) -> str:
    """NFC, unify line endings, collapse runs of spaces, strip each line, drop empty lines at both ends."""
    text = nfc(text).replace("\r\n", "\n").replace("\r", "\n")
    lines = [_WS.sub(" ", line).strip() for line in text.split("\n")]
    return "\n".join(lines).strip()


def squash(text: str) -> str:
    """All whitespace to single spaces (for comparing texts)."""
    return " ".join(nfc(text).split())


def fold(text: str) -> str:
    """Lowercase and strip diacritics (đ → d): a key for fuzzy name matching, never for display."""
    text = nfc(text).lower().replace("đ", "d")
    text = unicodedata.normalize("NFD", text)
    return "".join(ch for ch in text if unicodedata.category(ch) != "Mn")


def slugify(text: str) -> str:
    """A stable ASCII slug: "Luật Viên chức" → "luat-vien-chuc"."""
    return re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-")
