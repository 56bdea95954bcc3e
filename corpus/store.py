"""The corpus store: documents, units and cross-references in a SQL database, scoped by corpus name.

Every write of one source file happens in one transaction: a crash or kill in the middle leaves the store as it was.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from sqlalchemy import delete, func, insert, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from corpus.aliases import AliasResolver, document_aliases
from corpus.citations import Reference, parse_citations, resolve_citation
from corpus.law import (
    Article,
    Clause,
    DocumentStatus,
    DocumentType,
    LegalDocument,
    Point,
)
from corpus.database import make_engine, prepare
from corpus.tables import CrossReferenceRow, DeletedDocumentRow, DocumentRow, SourceFileRow, UnitRow
from corpus.validity import VALIDITY_VERSION, Validity, link_corpus

CORPUS_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")


class StoreError(Exception):
    """A request the store cannot satisfy (unknown corpus, document or unit; invalid name)."""


def check_corpus_name(name: str) -> str:
    if not CORPUS_NAME.match(name or ""):
        raise StoreError(f"invalid corpus name {name!r}: use lowercase letters, digits, '-' or '_' (max 64)")
    return name


@dataclass
class DocumentSummary:
    corpus: str
    doc_id: str
    title: str
    doc_type: str
    number: str | None
    issued_date: str | None
    status: str
    articles: int
    clauses: int
    points: int
    source: str | None
    aliases: list[str] = field(default_factory=list)
    effective_date: str | None = None
    expiry_date: str | None = None


@dataclass
class UnitView:
    """A resolved unit with what a reader needs to check it: its document and its text."""

    corpus: str
    doc_id: str
    document_title: str
    document_status: str
    article: str
    clause: str | None
    point: str | None
    title: str
    text: str
    path: list[str]

    @property
    def label(self) -> str:
        parts = []
        if self.point:
            parts.append(f"điểm {self.point}")
        if self.clause:
            parts.append(f"khoản {self.clause}")
        parts.append(f"Điều {self.article}")
        return " ".join(parts)


class Store:
    """SQLAlchemy-backed store. The constructor is cheap; the engine is created on first use, when the database's
    schema is brought up to date (embedded SQLite) or checked (a server database: see ``corpus.database.prepare``)."""

    def __init__(self, url: str):
        self.url = url
        self._engine: Engine | None = None
        self._sessions: sessionmaker[Session] | None = None
        self._resolvers: dict[str, AliasResolver] = {}

    # -- plumbing -------------------------------------------------------------------------------------------------
    @property
    def engine(self) -> Engine:
        if self._engine is None:
            engine = make_engine(self.url)
            prepare(engine)  # SQLite: migrated now; a server database that is behind stops here, naming the fix
            self._engine = engine
            self._sessions = sessionmaker(engine, expire_on_commit=False)
        return self._engine

    def session(self) -> Session:
        self.engine
        assert self._sessions is not None
        return self._sessions()

    # -- writing --------------------------------------------------------------------------------------------------
    def source_hash(self, corpus: str, path: str) -> str | None:
        with self.session() as s:
            return s.scalar(
                select(SourceFileRow.content_hash).where(SourceFileRow.corpus == corpus, SourceFileRow.path == path)
            )

    def replace_source(self, corpus: str, path: str, content_hash: str, docs: list[LegalDocument]) -> list[str]:
        """Store the documents of one source file, replacing what that file gave before, in one transaction.

        Returns the stored document ids. A document id already stored from another file of the same corpus is
        replaced too (the newest ingest wins), so a document never exists twice in a corpus.
        """
        check_corpus_name(corpus)
        new_ids = [d.id for d in docs]
        if len(set(new_ids)) != len(new_ids):
            dupes = sorted({i for i in new_ids if new_ids.count(i) > 1})
            raise StoreError(f"{path}: the file holds the same document id twice: {', '.join(dupes)}")
        with self.session() as s, s.begin():
            old = s.scalar(select(SourceFileRow).where(SourceFileRow.corpus == corpus, SourceFileRow.path == path))
            stale = set(old.doc_ids) if old else set()
            stale |= set(new_ids)
            if stale:
                s.execute(delete(DocumentRow).where(DocumentRow.corpus == corpus, DocumentRow.doc_id.in_(stale)))
            if new_ids:  # stored again: no longer deleted
                s.execute(delete(DeletedDocumentRow).where(DeletedDocumentRow.corpus == corpus,
                                                           DeletedDocumentRow.doc_id.in_(new_ids)))
            resolver = self._resolver_with(s, corpus, docs)
            for doc in docs:
                self._insert_document(s, corpus, doc, resolver)
            if old:
                old.content_hash, old.doc_ids = content_hash, new_ids
            else:
                s.add(SourceFileRow(corpus=corpus, path=path, content_hash=content_hash, doc_ids=new_ids))
        self._resolvers.pop(corpus, None)
        return new_ids

    def _insert_document(self, s: Session, corpus: str, doc: LegalDocument, resolver: AliasResolver) -> None:
        counts = doc.counts()
        row = DocumentRow(
            corpus=corpus,
            doc_id=doc.id,
            title=doc.title,
            doc_type=str(doc.doc_type),
            number=doc.number,
            issuer=doc.issuer,
            issued_date=doc.issued_date,
            effective_date=doc.effective_date,
            expiry_date=doc.expiry_date,
            status=str(doc.status),
            aliases=document_aliases(doc),
            source=doc.source,
            source_format=doc.source_format,
            extra=doc.extra,
            preamble=doc.preamble,
            n_articles=counts["articles"],
            n_clauses=counts["clauses"],
            n_points=counts["points"],
        )
        s.add(row)
        s.flush()
        units: list[dict] = []
        refs: list[dict] = []
        for art in doc.articles:
            base = {"document_pk": row.pk, "article_no": art.number, "path": art.path, "repealed": art.repealed}
            units.append({**base, "kind": "article", "ordinal": len(units), "clause_no": None, "point_no": None,
                          "title": art.title, "text": art.text})
            for p in art.points:
                units.append({**base, "kind": "point", "ordinal": len(units), "clause_no": None, "point_no": p.letter,
                              "title": "", "text": p.text})
            for c in art.clauses:
                units.append({**base, "kind": "clause", "ordinal": len(units), "clause_no": c.number, "point_no": None,
                              "title": "", "text": c.text})
                for p in c.points:
                    units.append({**base, "kind": "point", "ordinal": len(units), "clause_no": c.number,
                                  "point_no": p.letter, "title": "", "text": p.text})
            for cit in parse_citations(art.text):
                if cit.article is None:
                    continue
                target = resolve_citation(cit, resolver, doc.id)
                refs.append({"document_pk": row.pk, "source_article": art.number, "text": cit.text,
                             "document_ref": cit.document_ref, "target_doc_id": target,
                             "target_article": cit.article, "target_clause": cit.clause, "target_point": cit.point})
        if units:
            s.execute(insert(UnitRow), units)
        if refs:
            s.execute(insert(CrossReferenceRow), refs)

    def delete_document(self, corpus: str, doc_id: str, *, deleted_by: str | None = None) -> None:
        """Delete a document and record the deletion (durable: every reader of the database sees it). Its source file
        stays recorded with its hash, so re-ingesting the unchanged file does not bring the document back; storing
        a source that holds it again does."""
        with self.session() as s, s.begin():
            n = s.execute(delete(DocumentRow).where(DocumentRow.corpus == corpus, DocumentRow.doc_id == doc_id))
            if n.rowcount == 0:
                raise StoreError(f"no document {doc_id!r} in corpus {corpus!r}")
            for src in s.scalars(select(SourceFileRow).where(SourceFileRow.corpus == corpus)):
                if doc_id in src.doc_ids:
                    src.doc_ids = [d for d in src.doc_ids if d != doc_id]
            if not s.scalar(select(DeletedDocumentRow.pk).where(DeletedDocumentRow.corpus == corpus,
                                                                 DeletedDocumentRow.doc_id == doc_id)):
                s.add(DeletedDocumentRow(corpus=corpus, doc_id=doc_id, deleted_by=deleted_by))
        self._resolvers.pop(corpus, None)
        self.refresh_validity(corpus)  # what the deleted document repealed is no longer known to be repealed

    def deleted_ids(self, corpus: str) -> set[str]:
        """The documents of a corpus deleted since they were last stored."""
        with self.session() as s:
            return set(s.scalars(select(DeletedDocumentRow.doc_id).where(DeletedDocumentRow.corpus == corpus)))

    def resolve_links(self, corpus: str) -> int:
        """Resolve cross-references that named a document not stored when they were written. Returns how many."""
        resolver = self.resolver(corpus)
        fixed = 0
        with self.session() as s, s.begin():
            rows = s.execute(
                select(CrossReferenceRow, DocumentRow.doc_id)
                .join(DocumentRow, DocumentRow.pk == CrossReferenceRow.document_pk)
                .where(DocumentRow.corpus == corpus, CrossReferenceRow.target_doc_id.is_(None),
                       CrossReferenceRow.document_ref.is_not(None))
            ).all()
            for ref, _ in rows:
                target = resolver.resolve(ref.document_ref)
                if target:
                    ref.target_doc_id = target
                    fixed += 1
        return fixed

    def validity_stale(self, corpus: str) -> bool:
        """True when a document of the corpus was stored without validity derived by this version of the parser."""
        with self.session() as s:
            for extra in s.scalars(select(DocumentRow.extra).where(DocumentRow.corpus == corpus)):
                if (extra or {}).get("validity", {}).get("version") != VALIDITY_VERSION:
                    return True
        return False

    def refresh_validity(self, corpus: str) -> int:
        """Derive every document's validity from the texts of the corpus (corpus/validity.py): effective and expiry
        dates, status on the corpus's own date, links between versions (kept in ``extra["validity"]``). Reproducible:
        the same documents give the same result. Returns how many documents changed."""
        with self.session() as s, s.begin():
            rows = s.scalars(select(DocumentRow).where(DocumentRow.corpus == corpus)).all()
            arts = s.execute(
                select(UnitRow.document_pk, UnitRow.article_no, UnitRow.title, UnitRow.text)
                .join(DocumentRow, DocumentRow.pk == UnitRow.document_pk)
                .where(DocumentRow.corpus == corpus, UnitRow.kind == "article").order_by(UnitRow.ordinal)
            ).all()
            by_pk: dict[int, list[Article]] = {}
            for pk, no, title, text in arts:
                by_pk.setdefault(pk, []).append(Article(number=no, title=title or "", text=text or ""))
            docs = [LegalDocument(id=r.doc_id, title=r.title, doc_type=DocumentType(r.doc_type), number=r.number,
                                  issued_date=r.issued_date, articles=by_pk.get(r.pk, []),
                                  extra={k: v for k, v in (r.extra or {}).items() if k in ("trailer", "unattached")})
                    for r in rows]
            linked = link_corpus(docs)
            changed = 0
            for r in rows:
                own, v = linked[r.doc_id]
                data = {"version": VALIDITY_VERSION, **v.to_json(), "effective_article": own.article,
                        "effective_text": own.sentence}
                status = str(v.status_on())
                if ((r.extra or {}).get("validity") != data or r.status != status
                        or r.effective_date != v.effective or r.expiry_date != v.expiry):
                    r.extra = {**(r.extra or {}), "validity": data}
                    r.status, r.effective_date, r.expiry_date = status, v.effective, v.expiry
                    changed += 1
        return changed

    def validities(self, corpus: str) -> dict[str, Validity]:
        """doc id → its validity (as the last refresh derived it)."""
        with self.session() as s:
            return {doc_id: Validity.from_json((extra or {}).get("validity"))
                    for doc_id, extra in s.execute(select(DocumentRow.doc_id, DocumentRow.extra)
                                                   .where(DocumentRow.corpus == corpus))}

    def validity(self, corpus: str, doc_id: str) -> Validity:
        with self.session() as s:
            return Validity.from_json((self._document_row(s, corpus, doc_id).extra or {}).get("validity"))

    # -- reading --------------------------------------------------------------------------------------------------
    def corpora(self) -> list[str]:
        with self.session() as s:
            return list(s.scalars(select(DocumentRow.corpus).distinct().order_by(DocumentRow.corpus)))

    def documents(self, corpus: str | None = None) -> list[DocumentSummary]:
        with self.session() as s:
            q = select(DocumentRow).order_by(DocumentRow.corpus, DocumentRow.title)
            if corpus:
                q = q.where(DocumentRow.corpus == corpus)
            return [
                DocumentSummary(
                    corpus=r.corpus, doc_id=r.doc_id, title=r.title, doc_type=r.doc_type, number=r.number,
                    issued_date=r.issued_date.isoformat() if r.issued_date else None, status=r.status,
                    articles=r.n_articles, clauses=r.n_clauses, points=r.n_points, source=r.source,
                    aliases=list(r.aliases or []),
                    effective_date=r.effective_date.isoformat() if r.effective_date else None,
                    expiry_date=r.expiry_date.isoformat() if r.expiry_date else None,
                )
                for r in s.scalars(q)
            ]

    def totals(self, corpus: str) -> dict[str, int]:
        with self.session() as s:
            row = s.execute(
                select(func.count(DocumentRow.pk), func.coalesce(func.sum(DocumentRow.n_articles), 0),
                       func.coalesce(func.sum(DocumentRow.n_clauses), 0),
                       func.coalesce(func.sum(DocumentRow.n_points), 0)).where(DocumentRow.corpus == corpus)
            ).one()
            links = s.scalar(
                select(func.count(CrossReferenceRow.pk))
                .join(DocumentRow, DocumentRow.pk == CrossReferenceRow.document_pk)
                .where(DocumentRow.corpus == corpus)
            )
        return {"documents": row[0], "articles": row[1], "clauses": row[2], "points": row[3], "links": links or 0}

    def _resolver_with(self, s: Session, corpus: str, extra_docs: list[LegalDocument]) -> AliasResolver:
        resolver = AliasResolver()
        new_ids = {d.id for d in extra_docs}
        for r in s.scalars(select(DocumentRow).where(DocumentRow.corpus == corpus)):
            if r.doc_id not in new_ids:
                resolver.add(r.doc_id, r.title, r.doc_type, r.number, r.issued_date.year if r.issued_date else None,
                             r.aliases)
        for d in extra_docs:
            resolver.add(d.id, d.title, str(d.doc_type), d.number, d.year, document_aliases(d))
        return resolver

    def resolver(self, corpus: str) -> AliasResolver:
        """The alias resolver of one corpus (cached until the corpus changes)."""
        if corpus not in self._resolvers:
            with self.session() as s:
                self._resolvers[corpus] = self._resolver_with(s, corpus, [])
        return self._resolvers[corpus]

    def _document_row(self, s: Session, corpus: str, doc_id: str) -> DocumentRow:
        row = s.scalar(select(DocumentRow).where(DocumentRow.corpus == corpus, DocumentRow.doc_id == doc_id))
        if row is None:
            raise StoreError(f"no document {doc_id!r} in corpus {corpus!r}")
        return row

    def get_document(self, corpus: str, doc_id: str) -> LegalDocument:
        """Rebuild a stored document with its articles, clauses and points."""
        with self.session() as s:
            row = self._document_row(s, corpus, doc_id)
            units = s.scalars(select(UnitRow).where(UnitRow.document_pk == row.pk).order_by(UnitRow.ordinal)).all()
        doc = LegalDocument(
            id=row.doc_id, title=row.title, doc_type=DocumentType(row.doc_type), number=row.number,
            issuer=row.issuer, issued_date=row.issued_date, effective_date=row.effective_date,
            expiry_date=row.expiry_date, status=DocumentStatus(row.status), aliases=list(row.aliases or []),
            source=row.source, source_format=row.source_format, extra=dict(row.extra or {}), preamble=row.preamble,
        )
        clause: Clause | None = None
        for u in units:
            if u.kind == "article":
                doc.articles.append(Article(number=u.article_no, title=u.title, text=u.text, path=list(u.path or []),
                                            repealed=u.repealed))
                clause = None
            elif u.kind == "clause":
                clause = Clause(number=u.clause_no or "", text=u.text)
                doc.articles[-1].clauses.append(clause)
            elif u.kind == "point":
                target = clause.points if (clause and u.clause_no == clause.number) else doc.articles[-1].points
                target.append(Point(letter=u.point_no or "", text=u.text))
        return doc

    def get_unit(self, corpus: str, doc_id: str, article: str, clause: str | None = None,
                 point: str | None = None) -> UnitView:
        """One unit by its address; raises StoreError naming what does not exist."""
        with self.session() as s:
            doc = self._document_row(s, corpus, doc_id)
            q = select(UnitRow).where(UnitRow.document_pk == doc.pk, UnitRow.article_no == article)
            art = s.scalar(q.where(UnitRow.kind == "article"))
            if art is None:
                raise StoreError(f"{doc.title} ({doc.doc_id}) has no Điều {article}")
            unit = art
            if clause is not None:
                unit = s.scalar(q.where(UnitRow.kind == "clause", UnitRow.clause_no == clause))
                if unit is None:
                    raise StoreError(f"Điều {article} {doc.title} has no khoản {clause}")
            if point is not None:
                unit = s.scalar(q.where(UnitRow.kind == "point", UnitRow.point_no == point,
                                        UnitRow.clause_no.is_(None) if clause is None else UnitRow.clause_no == clause))
                if unit is None:
                    where = f"khoản {clause} Điều {article}" if clause else f"Điều {article}"
                    raise StoreError(f"{where} {doc.title} has no điểm {point}")
            return UnitView(corpus=corpus, doc_id=doc.doc_id, document_title=doc.title, document_status=doc.status,
                            article=article, clause=clause, point=point, title=art.title, text=unit.text,
                            path=list(art.path or []))

    def lookup(self, corpus: str, citation_text: str, *, citing_doc_id: str | None = None) -> list[UnitView]:
        """Resolve a citation string ("khoản 1 Điều 51 BLHS") to the units it names."""
        resolver = self.resolver(corpus)
        # the corpus's own titles end document names exactly ("Luật Hàng không dân dụng Việt Nam", not "Luật Hàng")
        cits: list[Reference] = [c for c in parse_citations(citation_text, known_names=resolver.names()) if c.article]
        if not cits:
            raise StoreError(f"no citation (Điều …) found in {citation_text!r}")
        views = []
        for c in cits:
            doc_id = resolve_citation(c, resolver, citing_doc_id)
            if doc_id is None:
                named = c.document_ref or "(no document named)"
                raise StoreError(f"cannot tell which document {named!r} is in corpus {corpus!r}")
            views.append(self.get_unit(corpus, doc_id, c.article, c.clause, c.point))
        return views

    def article_rows(self, corpus: str) -> list[dict]:
        """Every article of a corpus with its document's fields, in document and article order (for indexing)."""
        with self.session() as s:
            rows = s.execute(
                select(DocumentRow.doc_id, DocumentRow.title, DocumentRow.doc_type, DocumentRow.status,
                       DocumentRow.number, DocumentRow.issued_date, DocumentRow.effective_date,
                       DocumentRow.expiry_date, UnitRow.article_no, UnitRow.title, UnitRow.text, UnitRow.path)
                .join(UnitRow, UnitRow.document_pk == DocumentRow.pk)
                .where(DocumentRow.corpus == corpus, UnitRow.kind == "article")
                .order_by(DocumentRow.pk, UnitRow.ordinal)
            ).all()
        keys = ("doc_id", "doc_title", "doc_type", "status", "number", "issued_date", "effective_date",
                "expiry_date", "article_no", "title", "text", "path")
        return [dict(zip(keys, r)) for r in rows]

    def links_from(self, corpus: str, doc_id: str, article: str) -> list[dict]:
        with self.session() as s:
            doc = self._document_row(s, corpus, doc_id)
            rows = s.scalars(select(CrossReferenceRow).where(CrossReferenceRow.document_pk == doc.pk,
                                                             CrossReferenceRow.source_article == article)).all()
            return [{"text": r.text, "target_doc_id": r.target_doc_id, "article": r.target_article,
                     "clause": r.target_clause, "point": r.target_point} for r in rows]
