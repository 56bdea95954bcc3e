"""Anonymisation of judgments on display: personal names masked consistently ("Nguyễn Văn A" → "A.").

Published judgments must not name the people in them (Nghị quyết 03/2017/NQ-HĐTP on publishing judgments). A name is
replaced by the initial of the given name, with the number the judgment already gave it ("Nguyễn Văn H 2" → "H2."),
and a counter when two different people would share a mask ("Nguyễn Văn Hồng" after "Nguyễn Văn H" → "H3."
when H1, H2 are taken). The same person gets the same mask everywhere in the judgment: written in full, after an
honorific ("ông Nguyễn Văn H"), or by the given name alone ("cụ Hồng") when only one person carries that given name.

Which names: every person the header lists as a party (organisations are kept: "Ngân hàng B", "Ủy ban nhân dân…"),
and every name written after an honorific (ông, bà, anh, chị, cụ, …) in the judgment — witnesses, representatives,
relatives. The trial panel, clerk and prosecutor act in a public capacity and keep their names. Addresses are not
touched (the published data already abbreviates them); that is a limit of this module, not a guarantee.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from corpus.case_law import CaseLawDocument, Party, person_names
from corpus.text import nfc, squash

__all__ = ["Anonymizer"]

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
        for p in case.parties:
            names += [n for _h, n, _s, _e in person_names(p.description)]
        for s in case.sections:
            names += [n for _h, n, _s, _e in person_names(s.text)]
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

    def mask(self, text: str) -> str:
        """``text`` with every name after an honorific and every known full name masked."""
        if not text:
            return text
        text = nfc(text)
        out, pos = [], 0
        for _h, name, start, end in person_names(text):
            if squash(name) in self.keep:
                continue
            out.append(text[pos:start])
            masked = self.mask_name(name)
            out.append(masked[:-1] if masked.endswith(".") and text[end:end + 1] == "." else masked)
            pos = end
        out.append(text[pos:])
        text = "".join(out)
        if self._full_rx is not None:
            def full(m: re.Match) -> str:
                masked = self._mask.get(squash(m.group(1)), m.group(1))
                return masked[:-1] if masked.endswith(".") and m.string[m.end():m.end() + 1] == "." else masked

            text = self._full_rx.sub(full, text)
        return text

    def party(self, p: Party) -> Party:
        return Party(role=p.role, name=self.mask_name(p.name) if _is_person(p.name) else self.mask(p.name),
                     description=self.mask(p.description))
