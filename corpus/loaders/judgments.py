"""Court judgments (bản án), ALQAC 2026 ``judgments.json``: one document per judgment, no articles (yet)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from corpus.loaders.detect import JSON_SHAPES
from corpus.loaders.errors import LoadError
from corpus.loaders.known import normalize_number
from corpus.model import DocumentType, LegalDocument
from corpus.text import nfc

_DATE = re.compile(r"(\d{1,2})\s*[-/.]\s*(\d{1,2})\s*[-/.]\s*(\d{4})")
_ROW_HEADER = re.compile(r"\A\s*\*+ *\d+\. row *\*+\s*\n(?P<fields>(?:[ \t]*\w+: .*\n)*?)[ \t]*judgment_text: ?")


def parse_vn_date(value: object) -> dt.date | None:
    """``07-11-2018``, ``29/11/2018``, ``29 - 11 - 2017``, ``3-8-2018`` (day first) → date; None if unreadable."""
    if not isinstance(value, str):
        return None
    m = _DATE.search(value)
    if not m:
        return None
    try:
        return dt.date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
    except ValueError:
        return None


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


def load_judgments(data: object, path: Path) -> list[LegalDocument]:
    """``[{case_id, judgment_number, judgment_date, court, case_type, judgment_text, …}]`` → documents of type Bản án.

    ``id`` is the dataset's ``case_id`` (unique; judgment numbers repeat across courts, e.g. two ``03/2018/DS-ST``),
    else the judgment number; ``number`` is the judgment number; the full text is the ``preamble``; every other
    field goes to ``extra``.
    """
    if not isinstance(data, list) or not data:
        what = "an empty list" if data == [] else (f"an object with keys {sorted(data)[:6]}" if isinstance(data, dict)
                                                   else f"a {type(data).__name__}")
        raise LoadError(path, f"wrong JSON shape: top level is {what}; expected {JSON_SHAPES['judgments']}")
    docs: list[LegalDocument] = []
    seen: set[str] = set()
    for i, item in enumerate(data):
        if not isinstance(item, dict) or not (item.get("case_id") or item.get("judgment_number")):
            what = f"an object with keys {sorted(item)[:6]}" if isinstance(item, dict) else f"a {type(item).__name__}"
            raise LoadError(path, f"wrong JSON shape: judgment #{i} is {what} without case_id or judgment_number; "
                                  f"expected {JSON_SHAPES['judgments']}")
        number = normalize_number(_s(item.get("judgment_number"))) or None
        doc_id = _s(item.get("case_id")) or number
        if doc_id in seen:
            raise LoadError(path, f"judgment #{i}: id {doc_id!r} appears twice")
        seen.add(doc_id)
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
