"""The case-law store: structured judgments and precedents in the ``cases`` table, beside the statutes.

A case corpus (default "cases") is separate from the law corpus its citations point to (default "statutes"). Citations
are stored as written; :meth:`CaseStore.provisions` resolves them when read, against the law corpus as it is then: a
citation is *resolved* when its document is stored there and has the cited article, otherwise it is kept as an
unresolved reference (a code not in the store such as BLDS 2005, a typo, an article the stored version lacks).
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import delete, func, select

from corpus.case_law import (
    CaseLawDocument,
    Section,
    CaseSection,
    CaseSummary,
    CitedProvision,
    Judgment,
    Party,
    Precedent,
)
from corpus.tables import CaseRow, DocumentRow, UnitRow
from corpus.store import Store, check_corpus_name

__all__ = ["CaseStore", "CaseStoreError", "ResolvedProvision"]

_PRECEDENT_FIELDS = ("source_judgment", "situation", "solution", "provisions_concerned", "keywords", "adopted")


class CaseStoreError(LookupError):
    """An unknown case id or corpus name; the message names it."""


@dataclass(frozen=True)
class ResolvedProvision:
    """A cited provision and what it points to in the law corpus. ``resolved`` is True when the document is stored
    and has the article; ``document_id`` alone (no article) means the document is stored but lacks the article."""

    citation: str
    section: str
    article: str
    clause: str | None
    point: str | None
    document_ref: str | None
    document_id: str | None
    document_title: str | None
    resolved: bool

    @property
    def key(self) -> tuple[str, str] | None:
        return (self.document_id, self.article) if self.resolved and self.document_id else None

    @property
    def label(self) -> str:
        parts = [f"điểm {self.point}" if self.point else "", f"khoản {self.clause}" if self.clause else "",
                 f"Điều {self.article}"]
        unit = " ".join(p for p in parts if p)
        where = self.document_title or self.document_ref or "(văn bản không rõ)"
        return f"{unit} {where}" + ("" if self.resolved else " — chưa có trong cơ sở dữ liệu")


def _to_row(corpus: str, case: CaseLawDocument) -> dict:
    data = {"extra": case.extra}
    if isinstance(case, Precedent):
        data.update({f: getattr(case, f) for f in _PRECEDENT_FIELDS})
    return dict(
        corpus=corpus, case_id=case.case_id, kind=case.kind, title=case.title, number=case.number, date=case.date,
        court=case.court, court_level=case.court_level, case_type=case.case_type, matter=case.matter,
        outcome=case.outcome, parties=[dataclasses.asdict(p) for p in case.parties],
        sections=[dataclasses.asdict(s) for s in case.sections],
        citations=[dataclasses.asdict(c) for c in case.citations], precedents_cited=list(case.precedents_cited),
        officials=list(case.officials), data=data, source=case.source,
    )


def _from_row(r: CaseRow) -> CaseLawDocument:
    common = dict(
        case_id=r.case_id, title=r.title, number=r.number, date=r.date, court=r.court, court_level=r.court_level,
        case_type=r.case_type, matter=r.matter, outcome=r.outcome,
        parties=[Party(**p) for p in r.parties or []], sections=[CaseSection(**s) for s in r.sections or []],
        citations=[CitedProvision(**c) for c in r.citations or []], precedents_cited=list(r.precedents_cited or []),
        officials=list(r.officials or []), source=r.source, extra=dict((r.data or {}).get("extra") or {}),
    )
    if r.kind == "precedent":
        return Precedent(**common, **{f: (r.data or {}).get(f, [] if f == "keywords" else "")
                                      for f in _PRECEDENT_FIELDS})
    return Judgment(**common)


def _summary(r: CaseRow) -> CaseSummary:
    return CaseSummary(case_id=r.case_id, kind=r.kind, title=r.title, number=r.number, date=r.date, court=r.court,
                       court_level=r.court_level, case_type=r.case_type, matter=r.matter, outcome=r.outcome)


class CaseStore:
    """Cases of one database, scoped by corpus name; shares the :class:`~corpus.store.Store`'s engine."""

    def __init__(self, store: Store):
        self.store = store
        self._articles: dict[str, tuple[tuple, set[tuple[str, str]], dict[str, str]]] = {}

    # -- writing --------------------------------------------------------------------------------------------------
    def replace(self, corpus: str, cases: Iterable[CaseLawDocument]) -> list[str]:
        """Store cases, replacing any stored under the same ids, in one transaction. Returns the ids."""
        check_corpus_name(corpus)
        cases = list(cases)
        ids = [c.case_id for c in cases]
        if len(set(ids)) != len(ids):
            dupes = sorted({i for i in ids if ids.count(i) > 1})
            raise CaseStoreError(f"the same case id appears twice: {', '.join(dupes)}")
        with self.store.session() as s, s.begin():
            if ids:
                s.execute(delete(CaseRow).where(CaseRow.corpus == corpus, CaseRow.case_id.in_(ids)))
            s.add_all(CaseRow(**_to_row(corpus, c)) for c in cases)
        return ids

    def delete(self, corpus: str, case_id: str) -> None:
        with self.store.session() as s, s.begin():
            n = s.execute(delete(CaseRow).where(CaseRow.corpus == corpus, CaseRow.case_id == case_id))
        if n.rowcount == 0:
            raise CaseStoreError(f"no case {case_id!r} in corpus {corpus!r}")

    # -- reading --------------------------------------------------------------------------------------------------
    def get(self, corpus: str, case_id: str) -> CaseLawDocument:
        with self.store.session() as s:
            r = s.scalar(select(CaseRow).where(CaseRow.corpus == corpus, CaseRow.case_id == case_id))
            if r is None:
                raise CaseStoreError(f"no case {case_id!r} in corpus {corpus!r}")
            return _from_row(r)

    def all(self, corpus: str) -> list[CaseLawDocument]:
        with self.store.session() as s:
            return [_from_row(r) for r in s.scalars(select(CaseRow).where(CaseRow.corpus == corpus)
                                                    .order_by(CaseRow.pk))]

    def summaries(self, corpus: str) -> list[CaseSummary]:
        with self.store.session() as s:
            return [_summary(r) for r in s.scalars(select(CaseRow).where(CaseRow.corpus == corpus)
                                                   .order_by(CaseRow.pk))]

    def count(self, corpus: str) -> int:
        with self.store.session() as s:
            return s.scalar(select(func.count(CaseRow.pk)).where(CaseRow.corpus == corpus)) or 0

    def version(self, corpus: str) -> str:
        """Changes whenever a case of the corpus is added, replaced or deleted (for rebuilding an index); one
        aggregate query, cheap enough to ask before every search."""
        with self.store.session() as s:
            row = s.execute(select(func.count(CaseRow.pk), func.max(CaseRow.pk), func.sum(CaseRow.pk),
                                   func.max(CaseRow.ingested_at)).where(CaseRow.corpus == corpus)).one()
        return hashlib.sha1(repr(tuple(row)).encode()).hexdigest()[:16]

    def find_precedent(self, corpus: str, number: str) -> str | None:
        """The case id of a stored precedent with this number ("04/2016/AL"), if any."""
        with self.store.session() as s:
            return s.scalar(select(CaseRow.case_id).where(CaseRow.corpus == corpus, CaseRow.kind == "precedent",
                                                          CaseRow.number == number))

    # -- provisions -----------------------------------------------------------------------------------------------
    def _law_articles(self, law_corpus: str) -> tuple[set[tuple[str, str]], dict[str, str]]:
        """Every (document id, article) of the law corpus, and document titles; cached until the corpus changes."""
        with self.store.session() as s:
            stamp = tuple(s.execute(select(func.count(DocumentRow.pk), func.max(DocumentRow.ingested_at))
                                    .where(DocumentRow.corpus == law_corpus)).one())
            cached = self._articles.get(law_corpus)
            if cached and cached[0] == stamp:
                return cached[1], cached[2]
            rows = s.execute(select(DocumentRow.doc_id, UnitRow.article_no)
                             .join(UnitRow, UnitRow.document_pk == DocumentRow.pk)
                             .where(DocumentRow.corpus == law_corpus, UnitRow.kind == "article")).all()
            titles = dict(s.execute(select(DocumentRow.doc_id, DocumentRow.title)
                                    .where(DocumentRow.corpus == law_corpus)).all())
        articles = {(d, a) for d, a in rows}
        self._articles[law_corpus] = (stamp, articles, titles)
        return articles, titles

    def provisions(self, case: CaseLawDocument, law_corpus: str) -> list[ResolvedProvision]:
        """The case's citations resolved against ``law_corpus``, in order (duplicates kept: they say where)."""
        articles, titles = self._law_articles(law_corpus)
        resolver = self.store.resolver(law_corpus)
        names: dict[str | None, str | None] = {}
        out = []
        for c in case.citations:
            if c.document_ref not in names:
                names[c.document_ref] = resolver.resolve(c.document_ref) if c.document_ref else None
            doc_id = names[c.document_ref]
            ok = doc_id is not None and (doc_id, c.article) in articles
            out.append(ResolvedProvision(
                citation=c.citation, section=c.section, article=c.article, clause=c.clause, point=c.point,
                document_ref=c.document_ref, document_id=doc_id, document_title=titles.get(doc_id) if doc_id else None,
                resolved=ok))
        return out

    def applied_articles(self, case: CaseLawDocument, law_corpus: str) -> list[tuple[str, str]]:
        """The stored articles a case applied, once each, in order of first citation (the enforcement notice every
        civil decision ends with is not an application of the law it cites)."""
        return list(dict.fromkeys(p.key for p in self.provisions(case, law_corpus)
                                  if p.key and p.section != Section.NOTICE))

    def law_titles(self, law_corpus: str) -> dict[str, str]:
        return self._law_articles(law_corpus)[1]
