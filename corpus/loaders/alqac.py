"""ALQAC law corpora: ``law.json`` (2022–2025: ``[{id, articles: [{id, text}]}]``) and ALQAC 2026
``corpus_law_pub.json`` (``[{id, law_id, content: [{aid, content_Article}]}]``)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from corpus.loaders.detect import JSON_SHAPES
from corpus.loaders.errors import LoadError
from corpus.loaders.known import doc_type_for, is_number, issuer_from_number, known, normalize_number
from corpus.loaders.text import normalize_text
from corpus.law import Article, DocumentType, LegalDocument
from corpus.text import nfc, slugify

_TAB_BREAK = re.compile(r"[ ]*\t{2,}[ \t]*")
_PASSED = re.compile(r"thông qua ngày (\d{1,2}) tháng (\d{1,2}) năm (\d{4})")


def _parse_body(body: str):
    from corpus.statute_parser import parse_article_body  # written in parallel; imported late on purpose

    return parse_article_body(body)


_BODY_START = re.compile(r"^(?:\d+[a-zđ]?\.|[a-zđ]\))\s", re.I)


def split_title(text: str) -> tuple[str, str]:
    """``"Title\n\nBody"`` → (title, body). Articles without a heading (the Constitution's: "1. Nước …",
    "Nhân dân thực hiện …") start straight with the body: a first line that opens with a clause/point number or
    ends like a sentence (. : ;) is body, and the title is ""."""
    text = text.strip()
    first, _, rest = text.partition("\n")
    first = first.strip()
    if _BODY_START.match(first) or first.endswith((".", ":", ";")):
        return "", normalize_text(text)
    return first, normalize_text(rest)


def _shape_error(path: Path, shape: str, where: str, problem: str) -> LoadError:
    return LoadError(path, f"wrong JSON shape: {where} {problem}; expected {JSON_SHAPES[shape]}")


def _describe(value: object) -> str:
    if isinstance(value, dict):
        return f"an object with keys {sorted(value)[:6]}"
    return f"a {type(value).__name__}"


def _document_meta(law_id: str) -> tuple[str, str, str | None, list[str]]:
    """(document id, title, number, aliases) for a dataset law id that is a number or a title."""
    law_id = nfc(law_id).strip()
    if is_number(law_id):
        number = normalize_number(law_id)
        k = known(number)
        title = k.title if k else number
        aliases = [a for a in ([k.title] + list(k.aliases) if k else []) if a != number]
        return number, title, number, aliases
    return slugify(law_id), law_id, None, [law_id]


def _passed_date(articles: list[Article]) -> dt.date | None:
    """A law's last article often ends "… thông qua ngày 25 tháng 11 năm 2014." (the date it was adopted)."""
    for art in reversed(articles[-3:]):
        m = _PASSED.search(art.text)
        if m:
            try:
                return dt.date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
            except ValueError:
                return None
    return None


def _new_document(path: Path, law_id: str, source_format: str) -> LegalDocument:
    doc_id, title, number, aliases = _document_meta(law_id)
    return LegalDocument(
        id=doc_id, title=title, number=number, doc_type=doc_type_for(title, number),
        issuer=issuer_from_number(number) if number else None, aliases=aliases,
        source=str(path), source_format=source_format, extra={"source_law_id": law_id},
    )


def load_alqac_law(data: object, path: Path) -> list[LegalDocument]:
    """``[{id, articles: [{id, text: "Title\\n\\nBody"}]}]`` → one document per law, article numbers as given."""
    shape = "alqac_law"
    if not isinstance(data, list) or not data:
        raise _shape_error(path, shape, "top level is", "an empty list" if data == [] else _describe(data))
    docs: list[LegalDocument] = []
    for i, law in enumerate(data):
        if not isinstance(law, dict) or not isinstance(law.get("id"), str) or not isinstance(law.get("articles"), list):
            raise _shape_error(path, shape, f"law #{i}", f"is {_describe(law)}")
        doc = _new_document(path, law["id"], shape)
        seen: set[str] = set()
        for j, item in enumerate(law["articles"]):
            if not isinstance(item, dict) or not isinstance(item.get("text"), str) or item.get("id") is None:
                raise _shape_error(path, shape, f"law {law['id']!r} article #{j}", f"is {_describe(item)}")
            number = str(item["id"]).strip()
            if number in seen:
                raise LoadError(path, f"law {law['id']!r} has article {number!r} twice")
            seen.add(number)
            text = nfc(item["text"]).replace("\r\n", "\n").replace("\r", "\n").strip()
            title, body = split_title(text)
            clauses, points = _parse_body(body)
            doc.articles.append(Article(number=number, title=title, text=body,
                                        clauses=clauses, points=points))
        if not doc.articles:
            raise LoadError(path, f"law {law['id']!r} has no articles")
        if doc.doc_type != DocumentType.CONSOLIDATED:  # a consolidation repeats the original law's closing line
            doc.issued_date = _passed_date(doc.articles)
        docs.append(doc)
    _check_unique(docs, path)
    return docs


def load_alqac2026_law(data: object, path: Path) -> list[LegalDocument]:
    """``[{id, law_id, content: [{aid, content_Article}]}]`` → Điều n = aid − min(aid of the law) + 1; no titles."""
    shape = "alqac2026_law"
    if not isinstance(data, list) or not data:
        raise _shape_error(path, shape, "top level is", "an empty list" if data == [] else _describe(data))
    docs: list[LegalDocument] = []
    for i, law in enumerate(data):
        if (not isinstance(law, dict) or not isinstance(law.get("law_id"), str)
                or not isinstance(law.get("content"), list)):
            raise _shape_error(path, shape, f"law #{i}", f"is {_describe(law)}")
        items = law["content"]
        for j, item in enumerate(items):
            if (not isinstance(item, dict) or not isinstance(item.get("aid"), int)
                    or not isinstance(item.get("content_Article"), str)):
                raise _shape_error(path, shape, f"law {law['law_id']!r} article #{j}", f"is {_describe(item)}")
        if not items:
            raise LoadError(path, f"law {law['law_id']!r} has no articles")
        aids = [item["aid"] for item in items]
        if len(set(aids)) != len(aids):
            raise LoadError(path, f"law {law['law_id']!r} repeats an aid")
        first = min(aids)
        doc = _new_document(path, law["law_id"], shape)
        doc.extra["source_id"] = law.get("id")
        doc.extra["first_aid"] = first
        for item in sorted(items, key=lambda it: it["aid"]):
            # "\r\n" are hard wraps inside sentences in this dataset; "\n" separates paragraphs
            # and runs of tabs separate points ("…sau đây:\t\ta) …;\t\tb) …")
            raw = nfc(item["content_Article"]).replace("\r\n", " ").replace("\r", " ")
            raw = _TAB_BREAK.sub("\n", raw)
            body = normalize_text(raw)
            clauses, points = _parse_body(body)
            doc.articles.append(Article(number=str(item["aid"] - first + 1), title="", text=body,
                                        clauses=clauses, points=points))
        doc.issued_date = _passed_date(doc.articles)
        docs.append(doc)
    _check_unique(docs, path)
    return docs


def _check_unique(docs: list[LegalDocument], path: Path) -> None:
    seen: set[str] = set()
    for d in docs:
        if d.id in seen:
            raise LoadError(path, f"two laws map to the same document id {d.id!r}")
        seen.add(d.id)
