"""Anonymisation of judgments on display: personal names masked consistently ("Nguyễn Văn A" → "A.").

Published judgments must not name the people in them (Nghị quyết 03/2017/NQ-HĐTP on publishing judgments). A name is
replaced by the initial of the given name, with the number the judgment already gave it ("Nguyễn Văn H 2" → "H2."),
and a counter when two different people would share a mask ("Nguyễn Văn Hồng" after "Nguyễn Văn H" → "H3."
when H1, H2 are taken). The same person gets the same mask everywhere in the judgment: written in full, after an
honorific ("ông Nguyễn Văn H"), or by the given name alone ("cụ Hồng") when only one person carries that given name.

Which names: every person the header lists as a party (organisations are kept: "Ngân hàng B", "Ủy ban nhân dân…"),
and every name written after an honorific (ông, bà, anh, chị, cụ, …) in the judgment — witnesses, representatives,
relatives — and every name written just before a birth year ("Nguyễn Thanh S, sinh năm 1967"). The trial panel, clerk
and prosecutor act in a public capacity and keep their names.

Besides names, :func:`corpus.identifiers.find_identifiers` gives the addresses below the district, birth years and
dates, identity, phone, plate and account numbers; :meth:`Anonymizer.spans` merges both into non-overlapping spans
(the benchmark ``benchmarks/masking.py`` scores them) and :meth:`Anonymizer.mask` applies them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from corpus.case_law import CaseLawDocument, Party, person_names
from corpus.case_law.cleaning import clean_description
from corpus.identifiers import UPPER, Span, find_identifiers
from corpus.text import nfc, squash

__all__ = ["Anonymizer", "apply_spans", "names_before_birth"]

# family names that open a person's name written without an honorific ("Nguyễn Thanh S, sinh năm 1967")
_SURNAMES = ("Nguyễn Trần Lê Phạm Hoàng Huỳnh Phan Vũ Võ Đặng Bùi Đỗ Hồ Ngô Dương Lý Đinh Đoàn Lương Trương Lưu Mai "
             "Đào Cao Hà Lâm Tạ Chu Châu Tô Thái Đàm Vương Lộc Diệp Chử Danh Thị Kiều Quách Trịnh La Triệu Nông Hứa "
             "Tăng Từ Lại Khúc Mạc Thạch Kim Ong Phùng Âu Giang Tôn Nghiêm Lò Lục Tống Tiêu Đồng Bế Ksor Rơ Puih Siu "
             "Rah Kpă").split()
_BORN_NAME = re.compile(
    r"(?<![\w])((?:" + "|".join(_SURNAMES) + r")(?:\s+[" + UPPER + r"][\w]*){1,4}(?:\s\d{1,2})?)"
    r"\s*[,;–-]?\s*(?=(?i:sinh\s+năm|sn\b|sinh\s+ngày))")


def names_before_birth(text: str) -> list[str]:
    """Names written without an honorific right before a birth year or date."""
    return [m.group(1) for m in _BORN_NAME.finditer(nfc(text))]


def apply_spans(text: str, spans: Iterable[Span]) -> str:
    """``text`` with each (non-overlapping) span replaced."""
    out, pos = [], 0
    for s in sorted(spans, key=lambda s: s.start):
        out.append(text[pos:s.start])
        out.append(s.replacement)
        pos = s.end
    out.append(text[pos:])
    return "".join(out)


def _merge(spans: list[Span]) -> list[Span]:
    """The longest span wins where spans overlap (then the earliest); the rest are dropped."""
    kept: list[Span] = []
    for s in sorted(spans, key=lambda s: (-(s.end - s.start), s.start)):
        if all(s.end <= k.start or s.start >= k.end for k in kept):
            kept.append(s)
    return sorted(kept, key=lambda s: s.start)

_ORG_START = re.compile(
    r"^(?:ngân\s+hàng|công\s+ty|ủy\s+ban|uỷ\s+ban|ubnd|phòng|chi\s+cục|văn\s+phòng|hợp\s+tác\s+xã|doanh\s+nghiệp|"
    r"chủ\s+tịch|tổng\s+công\s+ty|trung\s+tâm|sở|cục|bộ|tòa|toà|viện|trường|bệnh\s+viện|hộ\s+gia\s+đình|"
    r"quỹ|tổ\s+chức|cơ\s+quan|ban|hội)\b", re.IGNORECASE)


def _is_person(name: str) -> bool:
    words = name.split()
    return bool(words) and len(words) <= 6 and not _ORG_START.match(name) and all(w[:1].isupper() or w.isdigit()
                                                                                 for w in words)


def _split(name: str) -> tuple[str, str]:
    """(given name, number) of a name: "Nguyễn Văn H 2" → ("H", "2"); "Võ Thị Huỳnh H1" → ("H1", "")."""
    words = name.split()
    number = ""
    if len(words) > 1 and words[-1].isdigit():
        number = words.pop()
    return words[-1], number


class Anonymizer:
    """Masks the names it was given, consistently. Build one per judgment with :meth:`for_case`."""

    def __init__(self, names: Iterable[str], keep: Iterable[str] = ()):
        self.keep = {squash(k) for k in keep if k} | {squash(re.sub(r"\s\d+$", "", k)) for k in keep if k}
        self._mask: dict[str, str] = {}  # full name → mask
        self._used: dict[str, str] = {}  # mask → full name
        ordered = [squash(nfc(n)) for n in names if n and squash(n) not in self.keep]
        ordered = list(dict.fromkeys(n for n in ordered if _is_person(n)))
        # full names that carry their own number first, so "H2." goes to "… H 2" / "… H2", not to a stranger;
        # then the other full names; a given name alone last, sharing the mask of the one full name it can mean
        full_names = [n for n in ordered if len(n.split()) > 1]
        for name in sorted(full_names, key=lambda n: not re.search(r"\d", n)):
            self._assign(name)
        self._by_given: dict[str, set[str]] = {}
        for name in full_names:
            self._by_given.setdefault(_split(name)[0], set()).add(name)
        for name in ordered:
            if len(name.split()) == 1:
                self.mask_name(name)
        full = sorted((n for n in self._mask if len(n.split()) > 1), key=len, reverse=True)
        self._full_rx = re.compile(r"(?<!\w)(" + "|".join(re.escape(n).replace(r"\ ", r"\s+") for n in full)
                                   + r")(?!\w)") if full else None

    @classmethod
    def for_case(cls, case: CaseLawDocument) -> Anonymizer:
        """The parties that are people, then every honorific-introduced name in the case, minus the officials."""
        names = [p.name for p in case.parties]
        for text in [p.description for p in case.parties] + [s.text for s in case.sections]:
            names += [n for _h, n, _s, _e in person_names(text)]
            names += names_before_birth(text)
        return cls(names, keep=case.officials)

    def _assign(self, name: str) -> str:
        if name in self._mask:
            return self._mask[name]
        given, number = _split(name)
        initial = given[:1].upper()
        digits = number or "".join(ch for ch in given[1:] if ch.isdigit())
        mask = f"{initial}{digits}."
        n = 1
        while mask in self._used and self._used[mask] != name:
            n += 1
            mask = f"{initial}{n}."
        self._mask[name] = mask
        self._used[mask] = name
        return mask

    def mask_name(self, name: str) -> str:
        """The mask of one name (a full name, or a given name alone)."""
        name = squash(nfc(name))
        if not name or name in self.keep or not _is_person(name):
            return name
        if name in self._mask:
            return self._mask[name]
        given, number = _split(name)
        if len(name.split()) == 1 or (number and len(name.split()) == 2):
            owners = self._by_given.get(given, set())
            if number:
                owners = {o for o in owners if _split(o)[1] == number}
            if len(owners) == 1:
                return self._mask[next(iter(owners))]
        return self._assign(name)

    def _name_span(self, text: str, start: int, end: int, name: str) -> Span:
        masked = self.mask_name(name)
        if masked.endswith(".") and text[end:end + 1] == ".":
            masked = masked[:-1]
        return Span(start, end, "name", masked)

    def spans(self, text: str) -> list[Span]:
        """What :meth:`mask` replaces in ``text`` (NFC): every name after an honorific or before a birth year, every
        known full name, every address part and identifying number — non-overlapping, in order."""
        spans = [self._name_span(text, start, end, name) for _h, name, start, end in person_names(text)
                 if squash(name) not in self.keep]
        for m in _BORN_NAME.finditer(text):
            if squash(m.group(1)) not in self.keep and _is_person(squash(m.group(1))):
                spans.append(self._name_span(text, m.start(1), m.end(1), m.group(1)))
        if self._full_rx is not None:
            spans += [self._name_span(text, m.start(1), m.end(1), m.group(1)) for m in self._full_rx.finditer(text)]
        spans += find_identifiers(text)
        return _merge(spans)

    def mask(self, text: str) -> str:
        """``text`` with names, addresses and identifying numbers masked (see :meth:`spans`)."""
        if not text:
            return text
        text = nfc(text)
        return apply_spans(text, self.spans(text))

    def party(self, p: Party) -> Party:
        return Party(role=p.role, name=self.mask_name(p.name) if _is_person(p.name) else self.mask(p.name),
                     description=self.mask(clean_description(p.description)))
