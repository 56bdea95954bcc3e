"""Vietnamese text helpers shared by every part: NFC normalisation, whitespace, slugs, accent folding, tone-mark
placement and quotation marks."""

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


# --- tone-mark placement ---------------------------------------------------------------------------------------------
# In a syllable ending in "oa", "oe" or "uy" (not after "q") the tone mark is written either on the first vowel ("hòa",
# "khỏe", "thủy" — the older style, the majority in statute texts) or on the second ("hoà", "khoẻ", "thuỷ"). ThuKy's
# convention is the older style: ``normalize_tones`` rewrites the second form to the first. With a final consonant
# ("hoàn", "khoản", "thuyền") the placement is fixed (on the second vowel) and nothing changes.
#
# Comparing texts needs a different tool: ``merge_tone_placements`` writes every pair one way wherever it stands, with
# no look at syllable boundaries, so that a quote cut inside a syllable is still a substring of its source and a
# misspelt "đọan" still matches "đoạn". Its pairs go to the second vowel, the form a correctly spelt closed syllable
# ("khoản", "toàn") already has; its output is a comparison key, never shown.
_TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}  # huyền, sắc, ngã, hỏi, nặng
_SECOND_FORM = re.compile(r"([oO])([àáảãạÀÁẢÃẠèéẻẽẹÈÉẺẼẸ])(?!\w)|(?<![qQ])([uU])([ỳýỷỹỵỲÝỶỸỴ])(?!\w)")
_TONE_PAIRS = [("òa", "oà"), ("óa", "oá"), ("ỏa", "oả"), ("õa", "oã"), ("ọa", "oạ"),
               ("òe", "oè"), ("óe", "oé"), ("ỏe", "oẻ"), ("õe", "oẽ"), ("ọe", "oẹ"),
               ("ùy", "uỳ"), ("úy", "uý"), ("ủy", "uỷ"), ("ũy", "uỹ"), ("ụy", "uỵ")]


def _move_tone(first: str, second: str) -> str:
    dec = unicodedata.normalize("NFD", second)
    tone = next((c for c in dec if c in _TONES), "")
    base = "".join(c for c in dec if c not in _TONES)
    return unicodedata.normalize("NFC", first + tone) + unicodedata.normalize("NFC", base)


def _to_first_form(m: re.Match) -> str:
    if m.group(1):
        return _move_tone(m.group(1), m.group(2))
    return _move_tone(m.group(3), m.group(4))


def normalize_tones(text: str) -> str:
    """NFC, and "hoà"/"khoẻ"/"thuỷ" → "hòa"/"khỏe"/"thủy" (tone on the first vowel of an open oa/oe/uy)."""
    return _SECOND_FORM.sub(_to_first_form, nfc(text))


def merge_tone_placements(text: str) -> str:
    """A comparison key of lowercase NFC text: every "òa"/"oà", "òe"/"oè", "ùy"/"uỳ" written with the tone on the
    second vowel, wherever it stands (see above why this is not :func:`normalize_tones`)."""
    for first, second in _TONE_PAIRS:
        text = text.replace(first, second)
    return text


# --- quotation marks -------------------------------------------------------------------------------------------------
_QUOTE_MARKS = str.maketrans({"“": '"', "”": '"', "„": '"', "«": '"', "»": '"', "‘": "'", "’": "'"})


def normalize_quote_marks(text: str) -> str:
    """Typographic quotation marks (“ ” „ « » ‘ ’) → ASCII " and '."""
    return text.translate(_QUOTE_MARKS)
