"""Court judgments (bản án), ALQAC 2026 ``judgments.json``.

Two views of the same records: ``load_judgments`` gives one ``LegalDocument`` of type Bản án per judgment (no
articles: a judgment is not a statute), what the generic ingest stores; ``load_judgment_cases`` gives the structured
:class:`~corpus.case_law.Judgment` — header fields, parties, sections by their Vietnamese headings, cited provisions,
outcome — what the case-law store and index use. The dataset's own fields (court, level, type, number, date, verdict
label) win over what is read from the text; everything else comes from parsing ``judgment_text``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from corpus.case_law import Judgment, Outcome, Party, parse_judgment, parse_vn_date
from corpus.loaders.detect import JSON_SHAPES
from corpus.loaders.errors import LoadError
from corpus.loaders.known import normalize_number
from corpus.law import DocumentType, LegalDocument
from corpus.text import nfc

__all__ = ["load_judgment_cases", "load_judgments", "parse_vn_date"]

_ROW_HEADER = re.compile(r"\A\s*\*+ *\d+\. row *\*+\s*\n(?P<fields>(?:[ \t]*\w+: .*\n)*?)[ \t]*judgment_text: ?")


def _clean_judgment_text(text: str) -> tuple[str, dict[str, str]]:
    """Drop the MySQL ``*** N. row ***`` / ``case_name:`` wrapper some dumps carry; return the fields it held."""
    text = nfc(text).replace("\r\n", "\n").replace("\r", "\n")
    m = _ROW_HEADER.match(text)
    if not m:
        return text.strip(), {}
    fields = {}
    for line in m.group("fields").splitlines():
        key, _, value = line.strip().partition(": ")
        if key:
            fields[key] = value.strip()
    return text[m.end():].strip(), fields


def _s(value: object) -> str:
    return " ".join(nfc(value).split()) if isinstance(value, str) else ""


def _records(data: object, path: Path) -> list[tuple[int, dict, str]]:
    """Checked records with their ids: ``(index, record, id)``; LoadError on a wrong shape or a repeated id."""
    if not isinstance(data, list) or not data:
        what = "an empty list" if data == [] else (f"an object with keys {sorted(data)[:6]}" if isinstance(data, dict)
                                                   else f"a {type(data).__name__}")
        raise LoadError(path, f"wrong JSON shape: top level is {what}; expected {JSON_SHAPES['judgments']}")
    out: list[tuple[int, dict, str]] = []
    seen: set[str] = set()
    for i, item in enumerate(data):
        if not isinstance(item, dict) or not (item.get("case_id") or item.get("judgment_number")):
            what = f"an object with keys {sorted(item)[:6]}" if isinstance(item, dict) else f"a {type(item).__name__}"
            raise LoadError(path, f"wrong JSON shape: judgment #{i} is {what} without case_id or judgment_number; "
                                  f"expected {JSON_SHAPES['judgments']}")
        doc_id = _s(item.get("case_id")) or normalize_number(_s(item.get("judgment_number")))
        if doc_id in seen:
            raise LoadError(path, f"judgment #{i}: id {doc_id!r} appears twice")
        seen.add(doc_id)
        out.append((i, item, doc_id))
    return out


# the dataset's fields kept beside the structure (the long texts are the sections themselves)
_SECTION_FIELDS = {"judgment_text", "case_fact", "court_reasoning", "court_verdict"}


def _dataset_party(role: object, description: object) -> Party | None:
    role, text = _s(role), nfc(description).strip() if isinstance(description, str) else ""
    if not role or not text:
        return None
    name = re.split(r"\s*(?:[,;(\n]|\s[-–]\s|sinh năm|Sinh năm)", text, maxsplit=1)[0]
    name = re.sub(r"^(?:(?:ông|bà|anh|chị|cụ|em|cháu)\s+)", "", name.strip(), flags=re.IGNORECASE)
    return Party(role=role, name=name.strip(" .:"), description=text)


def judgment_from_record(item: dict, case_id: str, path: Path, known_names: Iterable[str] | None = None) -> Judgment:
    """One ``judgments.json`` record → a structured judgment (sections parsed from ``judgment_text``)."""
    text, wrapper = _clean_judgment_text(item.get("judgment_text") or "")
    if not text:
        raise LoadError(path, f"judgment {case_id!r} has no judgment_text")
    label = _s(item.get("verdict_label")).upper()
    extra = {k: v for k, v in item.items() if k not in _SECTION_FIELDS}
    extra.update({k: v for k, v in wrapper.items() if k not in extra})
    number = normalize_number(_s(item.get("judgment_number"))) or None
    case = parse_judgment(
        text, case_id=case_id, known_names=known_names,
        number=number, date=parse_vn_date(item.get("judgment_date")), court=_s(item.get("court")) or None,
        court_level=_s(item.get("court_level")) or None, case_type=_s(item.get("case_type")) or None,
        matter=_s(wrapper.get("case_name")) or None,
        outcome=label if label in Outcome.__members__ else None, source=str(path), extra=extra,
    )
    roles = {p.role for p in case.parties}
    for side in ("A", "B"):
        party = _dataset_party(item.get(f"{side}_role"), item.get(f"{side}_description"))
        if party and party.role not in roles:
            case.parties.append(party)
    return case


def load_judgment_cases(data: object, path: Path, known_names: Iterable[str] | None = None) -> list[Judgment]:
    """``[{case_id, judgment_text, court, …}]`` → structured judgments (see the module docstring). ``known_names``
    (a law corpus's document names) help the citation parser end document names."""
    names = list(known_names) if known_names is not None else None
    return [judgment_from_record(item, doc_id, path, names) for _i, item, doc_id in _records(data, path)]


def load_judgments(data: object, path: Path) -> list[LegalDocument]:
    """``[{case_id, judgment_number, judgment_date, court, case_type, judgment_text, …}]`` → documents of type Bản án.

    ``id`` is the dataset's ``case_id`` (unique; judgment numbers repeat across courts, e.g. two ``03/2018/DS-ST``),
    else the judgment number; ``number`` is the judgment number; the full text is the ``preamble``; every other
    field goes to ``extra``.
    """
    docs: list[LegalDocument] = []
    for _i, item, doc_id in _records(data, path):
        number = normalize_number(_s(item.get("judgment_number"))) or None
        court = _s(item.get("court")) or None
        date = parse_vn_date(item.get("judgment_date"))
        text, wrapper = _clean_judgment_text(item.get("judgment_text") or "")
        title = f"Bản án số {number}" if number else f"Bản án {doc_id}"
        if date:
            title += f" ngày {date:%d/%m/%Y}"
        if court:
            title += f" của {court}"
        kind = ", ".join(x for x in (_s(item.get("case_type")), _s(item.get("court_level"))) if x)
        if kind:
            title += f" ({kind})"
        extra = {k: v for k, v in item.items() if k != "judgment_text"}
        extra.update({k: v for k, v in wrapper.items() if k not in extra})
        aliases = [a for a in (number and f"Bản án số {number}", number) if a and a != doc_id]
        docs.append(LegalDocument(
            id=doc_id, title=title, doc_type=DocumentType.JUDGMENT, number=number, issuer=court, issued_date=date,
            aliases=aliases, source=str(path), source_format="judgments", extra=extra, preamble=text,
        ))
    return docs
