"""Repair text typed in the pre-Unicode Vietnamese fonts that court documents still carry.

Judgments are often assembled from old templates: a heading or a boilerplate sentence typed in a TCVN3 (ABC, ".VnTime")
or VNI ("VNI-Times") font survives copy-paste into a Unicode document as Latin-1 look-alikes — "QuyÕt ®Þnh" (TCVN3) or
"QUYEÁT ÑÒNH" (VNI) for "QUYẾT ĐỊNH", "BÞ ®¬n" for "Bị đơn". PDF extraction adds "ƣ" (U+01A3) for "ư" and "Ð" (Eth)
for "Đ". ``repair_legacy_glyphs`` undoes this, word by word:

* "ƣ"/"Ƣ" → "ư"/"Ư" everywhere (never a Vietnamese letter); "Ð" → "Đ" inside a word that is otherwise Unicode.
* Each line is classified as TCVN3 or VNI by its signals: TCVN3 uses Latin-1 symbols (``¸ µ ® © ª « ¬`` soft hyphen
  ``Þ ß × …``) as precomposed vowels; VNI writes a base vowel followed by a mark letter (``aø`` = "à", ``EÁ`` = "Ế")
  and ``ñ`` for "đ". A line with no signal is left alone; an ambiguous one follows the text's majority.
* Inside a classified line only words that carry a signal of that encoding and no real Unicode Vietnamese letter
  outside Latin-1 are converted (and, for TCVN3, look-alike words right next to one: "d©n sù" is "dân sự"), so
  correctly typed words on the same line are kept.

It is a repair, not a decoder of whole files: a legacy word made only of letters that are also valid Unicode
Vietnamese ("mét" for TCVN3 "một") cannot be told apart and stays as it is.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["repair_legacy_glyphs"]

# TCVN3 (TCVN 5712:1993, VN3): Latin-1 code point → Vietnamese letter. The same byte serves both cases (the upper-case
# font draws capitals), so the lower-case letter is given.
_TCVN3 = dict(zip(
    "¡¢£¤¥¦§¨©ª«¬\u00ad®µ¶·¸¹»¼½¾ÆÇÈÉÊËÌÎÏÐÑÒÓÔÕÖ×ØÜÝÞßáâãäåæçèéêëìíîïñòóôõö÷øùúûüýþ",
    "ĂÂÊÔƠƯĐăâêôơưđàảãáạằẳẵắặầẩẫấậèẻẽéẹềểễếệìỉĩíịòỏõóọồổỗốộờởỡớợùủũúụừửữứựỳỷỹýỵ",
))
_VIET_LOWER = set("aăâbcdđeêghiklmnoôơpqrstuưvxyáàảãạắằẳẵặấầẩẫậéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵ"
                  "fjwz")
_VIET = _VIET_LOWER | {c.upper() for c in _VIET_LOWER}
# TCVN3 code points that are never a letter of Unicode Vietnamese: seeing one marks a TCVN3 word
_TCVN3_SIGNAL = {c for c in _TCVN3 if c not in _VIET}
_TCVN3_SYMBOLS = {c for c in _TCVN3_SIGNAL if not c.isalpha() or c in "µÞßÐ×"}

# VNI: mark letters written after the base vowel, and the letters VNI uses for ư ơ đ and the i-vowels
_GRAVE, _ACUTE, _HOOK, _TILDE, _DOT = "\u0300", "\u0301", "\u0309", "\u0303", "\u0323"
_CIRC, _BREVE, _HORN = "\u0302", "\u0306", "\u031b"
_VNI_MARKS = {
    "ù": _ACUTE, "ø": _GRAVE, "û": _HOOK, "õ": _TILDE, "ï": _DOT,
    "â": _CIRC, "á": _CIRC + _ACUTE, "à": _CIRC + _GRAVE, "å": _CIRC + _HOOK, "ã": _CIRC + _TILDE, "ä": _CIRC + _DOT,
    "ê": _BREVE, "é": _BREVE + _ACUTE, "è": _BREVE + _GRAVE, "ú": _BREVE + _HOOK, "ü": _BREVE + _TILDE,
    "ë": _BREVE + _DOT,
}
_VNI_MARKS.update({k.upper(): v for k, v in list(_VNI_MARKS.items())})
_VNI_LETTERS = {"ö": "ư", "ô": "ơ", "ñ": "đ", "ò": "ị", "æ": "ỉ", "ó": "ĩ"}
_VNI_LETTERS.update({k.upper(): v.upper() for k, v in list(_VNI_LETTERS.items())})
_VNI_STRONG = set("øûïåäëüöñæ") | set("ØÛÏÅÄËÜÖÑÆ")
_VOWELS = set("aeiouyAEIOUYöôÖÔ")
# which base a mark may follow: tones any vowel, the circumflex a/e/o, the breve a only
_VNI_BASES = {m: ("aeoAEO" if m.lower() in "âáàåãä" else "aA" if m.lower() in "êéèúüë" else "aeiouyAEIOUYöôÖÔ")
              for m in _VNI_MARKS}
_VNI_PATTERN = re.compile(r"[aeiouyAEIOUYöôÖÔ][øûïåäëüØÛÏÅÄËÜ]|[ñÑ][aeiouyAEIOUYöôòÖÔÒ]|[öôÖÔ][ùõÙÕ]")
_WORD = re.compile(r"[^\s\d.,;:!?()\[\]\"'“”‘’/\\|=+*<>]+")


def _is_legacy_only(word: str) -> bool:
    """ASCII and Latin-1 only: a word holding a letter beyond Latin-1 (ư, ơ, đ, ị…) was typed in Unicode."""
    return all(ord(c) < 0x100 for c in word)


def _tcvn3_word(word: str) -> bool:
    if not _is_legacy_only(word) or not re.search(r"[A-Za-z]", word):
        return False
    if any(c in _TCVN3_SIGNAL for c in word):
        return True
    # "QuyÕt", "hiÖu": a capital look-alike right after a small letter
    return any(a.islower() and b in _TCVN3 and b.isupper() for a, b in zip(word, word[1:]))


def _decode_tcvn3(word: str, upper: bool) -> str:
    # PDF extraction often turns the soft hyphen that TCVN3 uses for "ư" into "-": "®-îc" is "được"
    word = re.sub(r"(?<=[A-Za-z®§])-(?=[A-Za-z" + "".join(_TCVN3) + "])", "\u00ad", word)
    out = []
    for c in word:
        d = _TCVN3.get(c)
        out.append((d.upper() if upper else d) if d else c)
    return "".join(out)


def _vni_word(word: str) -> bool:
    if not _is_legacy_only(word) or not re.search(r"[A-Za-z]", word):
        return False
    return any(c in _VNI_STRONG for c in word) or any(b in _VNI_MARKS and a in _VNI_BASES[b]
                                                      for a, b in zip(word, word[1:]))


def _decode_vni(word: str) -> str:
    out: list[str] = []
    for c in word:
        base = unicodedata.normalize("NFD", out[-1])[0] if out else ""
        if c in _VNI_MARKS and (base in _VNI_BASES[c] or (base in "ươƯƠ" and c.lower() in "ùøûõï")):
            out[-1] = unicodedata.normalize("NFC", out[-1] + _VNI_MARKS[c])
        else:
            out.append(_VNI_LETTERS.get(c, c))
    return unicodedata.normalize("NFC", "".join(out))


def _repair_tcvn3_line(line: str) -> str:
    """Decode the TCVN3 words of a line: those with a TCVN3 signal, and their neighbours made of look-alike letters
    only ("d©n sù": "sù" is "sự" because "d©n" before it is TCVN3)."""
    upper_line = sum(c.isupper() for c in line) > sum(c.islower() for c in line)
    words = list(_WORD.finditer(line))
    signal = [_tcvn3_word(m.group(0)) for m in words]
    out, pos = [], 0
    for j, m in enumerate(words):
        w = m.group(0)
        near = (j > 0 and signal[j - 1]) or (j + 1 < len(words) and signal[j + 1])
        if signal[j] or (near and _is_legacy_only(w) and any(c in _TCVN3 for c in w)):
            letters = [c for c in w if c.isalpha() and c not in _TCVN3]
            upper = upper_line or (len(letters) > 1 and all(c.isupper() for c in letters))
            out.append(line[pos:m.start()])
            out.append(_decode_tcvn3(w, upper))
            pos = m.end()
    out.append(line[pos:])
    return "".join(out)


def _line_kind(line: str, default: str | None) -> str | None:
    tcvn3 = sum(1 for c in line if c in _TCVN3_SYMBOLS)
    vni = len(_VNI_PATTERN.findall(line))
    if tcvn3 == vni == 0:
        if any(c in _TCVN3_SIGNAL or c in _VNI_STRONG for c in line):
            return default
        return None
    return "tcvn3" if tcvn3 >= vni else "vni"


def _fix_eth(word: str) -> str:
    return word.replace("Ð", "Đ") if not _is_legacy_only(word) else word


def repair_legacy_glyphs(text: str) -> str:
    """NFC text with TCVN3/VNI words and PDF glyph substitutes turned into Unicode Vietnamese (see the module doc)."""
    text = unicodedata.normalize("NFC", text).replace("ƣ", "ư").replace("Ƣ", "Ư")
    if "Ð" in text:
        text = _WORD.sub(lambda m: _fix_eth(m.group(0)), text)
    if not any(c in _TCVN3_SIGNAL or c in _VNI_STRONG for c in text) and not _VNI_PATTERN.search(text):
        return text
    totals = {"tcvn3": sum(1 for c in text if c in _TCVN3_SYMBOLS), "vni": len(_VNI_PATTERN.findall(text))}
    default = max(totals, key=totals.get) if any(totals.values()) else None
    lines = text.split("\n")
    for i, line in enumerate(lines):
        kind = _line_kind(line, default)
        if kind == "tcvn3":
            lines[i] = _repair_tcvn3_line(line)
        elif kind == "vni":
            lines[i] = _WORD.sub(lambda m: _decode_vni(m.group(0)) if _vni_word(m.group(0)) else m.group(0), line)
    return unicodedata.normalize("NFC", "\n".join(lines))
