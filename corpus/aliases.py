"""The names people use for a document, and resolving such a name back to a document id.

``document_aliases(doc)`` lists a document's names: its number ("100/2015/QH13"), its title ("Bộ luật Hình sự"), title +
year ("Bộ luật Hình sự 2015", "Bộ luật Hình sự năm 2015"), the usual abbreviation ("BLHS", "BLHS 2015") and
``doc.aliases``.

:class:`AliasResolver` maps a name as written ("Bộ luật dân sự năm 2015", "BLTTDS", "Luật Phòng, chống ma tuý",
"45/2013/QH13") to a document id. Matching ignores case, spacing, punctuation and old/new tone-mark placement
("hoà"/"hòa", "tuý"/"túy", "uỷ"/"ủy"); an accent-free fold is only a fallback. A document number matches in any case
("91/2015/qh13", as Zalo writes them), and one without its legislature's session digits ("73/2006/qh" for
73/2006/QH11) when exactly one number completes it. A year or number in the name selects
that version; without one the newest version wins (Luật Đất đai 2003 and 2013 → 2013).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

from corpus.law import DocumentType, LegalDocument
from corpus.text import fold, nfc, squash

__all__ = ["AliasResolver", "ABBREVIATIONS", "document_aliases", "name_key", "number_key"]

# folded base title → abbreviations people write
ABBREVIATIONS: dict[str, tuple[str, ...]] = {
    "bo luat hinh su": ("BLHS",),
    "bo luat dan su": ("BLDS",),
    "bo luat to tung dan su": ("BLTTDS",),
    "bo luat to tung hinh su": ("BLTTHS",),
    "bo luat lao dong": ("BLLĐ", "BLLD"),
    "bo luat hang hai viet nam": ("BLHH", "Bộ luật Hàng hải"),
    "bo luat hang hai": ("BLHH",),
    "hien phap": ("HP",),
    "luat hon nhan va gia dinh": ("Luật HN&GĐ", "Luật HNGĐ", "Luật HN và GĐ"),
    "luat to tung hanh chinh": ("Luật TTHC",),
    "luat thi hanh an dan su": ("Luật THADS",),
    "luat thi hanh an hinh su": ("Luật THAHS",),
    "luat xu ly vi pham hanh chinh": ("Luật XLVPHC",),
    "luat dat dai": ("Luật ĐĐ", "LĐĐ"),
    "luat so huu tri tue": ("Luật SHTT",),
    "luat to chuc toa an nhan dan": ("Luật TCTAND",),
    "luat to chuc vien kiem sat nhan dan": ("Luật TCVKSND",),
    "luat ban hanh van ban quy pham phap luat": ("Luật BHVBQPPL",),
    "luat trach nhiem boi thuong cua nha nuoc": ("Luật TNBTCNN",),
    "luat kinh doanh bao hiem": ("Luật KDBH",),
    "luat doanh nghiep": ("Luật DN",),
    "luat nha o": ("Luật NƠ",),
    "luat cac to chuc tin dung": ("Luật TCTD", "Luật Tổ chức tín dụng"),
}

_TONES = "\u0300\u0301\u0303\u0309\u0323"
# old style puts the tone on the first vowel of oa/oe/uy at the end of a syllable ("hòa", "thủy"), new style on the
# second ("hoà", "thuỷ"); both become the old style in keys. "qu" + y keeps the tone on y ("quý").
_TONE_MOVE = re.compile(r"(?<!q)([ou])([aey])([" + _TONES + r"])(?![\w\u0300-\u036f])")
_PUNCT = re.compile(r"[,.;:()\[\]\"“”'‘’!?]+")
_YEAR_TAIL = re.compile(r"(?:\s+năm)?\s+((?:18|19|20)\d\d)$")
_NUMBER = re.compile(
    r"(?-i:\d{1,4}(?:/\d{4})?[/-][A-ZĐa-zđ][A-ZĐa-zđ0-9]*"
    r"(?:[-–&/][A-ZĐa-zđ0-9][A-ZĐa-zđ0-9&]*|\s*[-–]\s*[A-ZĐ0-9][A-ZĐ0-9&]*(?!\w))*"
    r"(?:(?<=[A-ZĐ])\s\d{1,2}(?![\w/]))?)"
)
_LEADING = re.compile(r"^(?:của|theo|tại|trong)\s+", re.IGNORECASE)
_SO = re.compile(r"\s*(?:,\s*)?\bsố\s*:?\s*$|\bsố\s*:?\s*", re.IGNORECASE)
_CONSTITUTION_TAIL = re.compile(r"\s+(?:của\s+)?nước\s+cộng\s+hòa\s+xã\s+hội\s+chủ\s+nghĩa\s+việt\s+nam\b")


def _tone_old_style(text: str) -> str:
    text = unicodedata.normalize("NFD", text)
    text = _TONE_MOVE.sub(r"\1\3\2", text)
    return unicodedata.normalize("NFC", text)


def name_key(name: str) -> str:
    """The exact lookup key: NFC, lower case, old-style tone placement, punctuation dropped, single spaces."""
    text = nfc(name).lower()
    text = _tone_old_style(text)
    text = _PUNCT.sub(" ", text)
    text = text.replace("&", " & ")
    text = squash(text)
    text = _CONSTITUTION_TAIL.sub("", text)
    return text


def _fold_key(key: str) -> str:
    return squash(fold(key))


def number_key(number: str) -> str:
    """A document number compared loosely: upper case, no spaces, one kind of dash ("326/2016/UBTVQH 14")."""
    return re.sub(r"\s+", "", nfc(number).replace("–", "-").replace("—", "-")).upper()


def _split_name(name: str) -> tuple[str, int | None, str | None]:
    """A name as written → (base key without year/number, year or None, number or None)."""
    text = squash(nfc(name))
    number = None
    m = _NUMBER.search(text)
    if m:
        number = m.group(0)
        text = (text[: m.start()] + " " + text[m.end():]).strip()
        text = _SO.sub(" ", text)
    text = _LEADING.sub("", squash(text))
    key = name_key(text)
    year = None
    y = _YEAR_TAIL.search(key)
    if y:
        year = int(y.group(1))
        key = key[: y.start()].strip()
    if year is None and number:
        parts = number.split("/")
        if len(parts) >= 2 and parts[1].isdigit() and len(parts[1]) == 4:
            year = int(parts[1])
    return key, year, number


def _abbreviations_for(title: str) -> tuple[str, ...]:
    base, _, _ = _split_name(title)
    return ABBREVIATIONS.get(_fold_key(base), ())


def document_aliases(doc: LegalDocument) -> list[str]:
    """The names people use for ``doc``, most specific first, without duplicates."""
    names: list[str] = []
    year = doc.year
    title = squash(doc.title) if doc.title else ""
    base_title = title
    if title:
        m = _YEAR_TAIL.search(title)
        if m:
            base_title = title[: m.start()].strip()
            year = year or int(m.group(1))
    if doc.number:
        names.append(squash(doc.number))
    if base_title:
        names.append(base_title)
        if year:
            names += [f"{base_title} {year}", f"{base_title} năm {year}"]
        if doc.number:
            names.append(f"{base_title} số {squash(doc.number)}")
    abbreviations = list(_abbreviations_for(base_title)) if base_title else []
    if doc.doc_type == DocumentType.CONSTITUTION or (base_title and name_key(base_title) == "hiến pháp"):
        abbreviations = ["Hiến pháp", *[a for a in abbreviations if a != "Hiến pháp"]]
        if "HP" not in abbreviations:
            abbreviations.append("HP")
    for abbr in abbreviations:
        names.append(abbr)
        if year:
            names += [f"{abbr} {year}", f"{abbr} năm {year}"]
    names += [squash(a) for a in doc.aliases]
    out, seen = [], set()
    for n in names:
        k = squash(n).lower()
        if n and k not in seen:
            seen.add(k)
            out.append(n)
    return out


@dataclass
class _Entry:
    doc_id: str
    title: str
    doc_type: DocumentType | None
    number: str | None
    year: int | None
    names: list[str] = field(default_factory=list)


class AliasResolver:
    """Resolve document names to ids. Build with :meth:`from_documents` or :meth:`add`."""

    def __init__(self) -> None:
        self._entries: dict[str, _Entry] = {}
        self._exact: dict[str, list[str]] = {}
        self._folded: dict[str, list[str]] = {}
        self._numbers: dict[str, str] = {}

    # building ----------------------------------------------------------------------------------------------------
    @classmethod
    def from_documents(cls, docs: Iterable[LegalDocument]) -> AliasResolver:
        resolver = cls()
        for doc in docs:
            resolver.add_document(doc)
        return resolver

    def add_document(self, doc: LegalDocument) -> None:
        self.add(doc.id, doc.title, doc.doc_type, doc.number, doc.year, document_aliases(doc))

    def add(
        self,
        doc_id: str,
        title: str,
        doc_type: DocumentType | str | None = None,
        number: str | None = None,
        year: int | None = None,
        aliases: Iterable[str] = (),
    ) -> None:
        if isinstance(doc_type, str) and not isinstance(doc_type, DocumentType):
            try:
                doc_type = DocumentType(doc_type)
            except ValueError:
                doc_type = None
        if year is None:
            probe = LegalDocument(id=doc_id, title=title, number=number)
            year = probe.year
            if year is None and title:
                m = _YEAR_TAIL.search(squash(title))
                year = int(m.group(1)) if m else None
        names = [title, *aliases] if title else list(aliases)
        if doc_type == DocumentType.CONSTITUTION:
            names += ["Hiến pháp", "HP"]
        names += list(_abbreviations_for(title)) if title else []
        entry = _Entry(doc_id, title, doc_type if isinstance(doc_type, DocumentType) else None, number, year, names)
        self._entries[doc_id] = entry
        if number:
            self._numbers[number_key(number)] = doc_id
        for name in names:
            base, _y, num = _split_name(name)
            if num:
                self._numbers.setdefault(number_key(num), doc_id)
            if not base:
                continue
            for index, key in ((self._exact, base), (self._folded, _fold_key(base))):
                ids = index.setdefault(key, [])
                if doc_id not in ids:
                    ids.append(doc_id)
        if _NUMBER.fullmatch(doc_id):
            self._numbers.setdefault(number_key(doc_id), doc_id)

    # lookup ------------------------------------------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, doc_id: object) -> bool:
        return doc_id in self._entries

    def names(self) -> list[str]:
        """Every registered name (for :func:`corpus.citations.parse_citations`'s ``known_names``)."""
        return sorted({n for e in self._entries.values() for n in e.names})

    def _base_ids(self, base: str) -> list[str]:
        ids = self._exact.get(base)
        if ids:
            return ids
        # "Luật Dân sự" for "Bộ luật Dân sự" and back
        if base.startswith("luật "):
            ids = self._exact.get("bộ " + base)
        elif base.startswith("bộ luật "):
            ids = self._exact.get(base[4:])
        if ids:
            return ids
        return self._folded.get(_fold_key(base), [])

    def _number_completion(self, key: str) -> str | None:
        """The document whose number is ``key`` plus the session digits it lacks ("73/2006/QH" → "73/2006/QH11"),
        when exactly one is."""
        if not key[-1:].isalpha():
            return None
        ids = {doc_id for number, doc_id in self._numbers.items()
               if number.startswith(key) and number[len(key):].isdigit()}
        return ids.pop() if len(ids) == 1 else None

    def candidates(self, name: str) -> list[str]:
        """Document ids ``name`` can mean, best first (the newest version first when no year or number is given)."""
        if not name or not name.strip():
            return []
        base, year, number = _split_name(name)
        if number:
            doc_id = self._numbers.get(number_key(number)) or self._number_completion(number_key(number))
            if doc_id:
                return [doc_id]
        if name.strip() in self._entries:
            return [name.strip()]
        ids = list(self._base_ids(base)) if base else []
        if not ids:
            return []
        if year is not None:
            exact = [i for i in ids if self._entries[i].year == year]
            if exact:
                ids = exact
            else:
                ids = [i for i in ids if self._entries[i].year is None]
        return sorted(ids, key=lambda i: self._entries[i].year or 0, reverse=True)

    def resolve(self, name: str) -> str | None:
        """The document id ``name`` means, or None when nothing (or only a different version) matches."""
        ids = self.candidates(name)
        return ids[0] if ids else None
