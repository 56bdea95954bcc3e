"""The reading of a case file shown to the judge on upload: :mod:`corpus.case_file.reading`'s facts, each provision
the file cites resolved against the law corpus and checked on the file's date, and the most similar judgments of the
case index with the provisions they applied.

A provision is flagged (``flag``) when its document is in the store but the article (or its khoản, điểm) is not —
``no_such_article`` —, or when it is not in force on the file's date — ``not_in_force``, with the note saying why
(repealed and by what, or in force only from when). A document the store does not hold is ``unresolved``: ThuKy
cannot check it, which is not the same as wrong.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable

from pydantic import BaseModel, Field

from assistant.as_of import citation_note
from corpus.case_file.reading import CaseFileFacts, CitedInFile
from corpus.store import Store, StoreError

log = logging.getLogger("thuky.case_file")


class PartyEntry(BaseModel):
    role: str
    name: str
    description: str = ""


class TimelineEntry(BaseModel):
    date: str
    text: str
    page: int | None = None
    paragraph: int | None = None
    kind: str = Field("event", description='"judgment": the date of the judgment (or of the document itself)')


class ProvisionCheck(BaseModel):
    citation: str = Field(..., description="As the file writes it")
    article: str
    clause: str | None = None
    point: str | None = None
    document_ref: str | None = None
    document_id: str | None = None
    document_title: str | None = None
    label: str
    section: str
    count: int = 1
    page: int | None = None
    paragraph: int | None = None
    status: str = Field(..., description="ok, unresolved (document not in the store), no_such_article, "
                                         "not_in_force")
    document_status: str | None = Field(None, description="Status of the provision on the file's date")
    note: str | None = None

    @property
    def flagged(self) -> bool:
        return self.status in ("no_such_article", "not_in_force")


class SimilarJudgment(BaseModel):
    case_id: str
    title: str
    court: str | None = None
    date: str | None = None
    outcome_label: str | None = None
    score: float = 0.0
    passage: str = ""
    provisions: list[str] = Field(default_factory=list, description="The provisions it applied")


class CaseFileReading(BaseModel):
    kind: str = Field(..., description='"judgment" or "document"')
    number: str | None = None
    court: str | None = None
    matter: str | None = None
    date: str | None = Field(None, description="The file's date: its judgment's, else its own, else the latest")
    parties: list[PartyEntry] = Field(default_factory=list)
    claims: list[str] = Field(default_factory=list)
    timeline: list[TimelineEntry] = Field(default_factory=list)
    provisions: list[ProvisionCheck] = Field(default_factory=list)
    flagged: int = Field(0, description="Provisions that do not exist or are not in force on the file's date")
    similar: list[SimilarJudgment] = Field(default_factory=list)
    masked: bool = True


def _label(c: CitedInFile, title: str | None) -> str:
    parts = [f"điểm {c.point}" if c.point else "", f"khoản {c.clause}" if c.clause else "", f"Điều {c.article}",
             title or c.document_ref or ""]
    return " ".join(p for p in parts if p)


def check_provisions(store: Store, corpus: str, cited: list[CitedInFile], day: dt.date | None) -> list[ProvisionCheck]:
    """Each provision resolved against ``corpus`` and checked on ``day``."""
    try:
        resolver = store.resolver(corpus)
        validities = store.validities(corpus)
    except StoreError:
        resolver, validities = None, {}
    titles: dict[str, str] = {}
    out: list[ProvisionCheck] = []
    for c in cited:
        doc_id = resolver.resolve(c.document_ref) if resolver is not None and c.document_ref else None
        status, note, doc_status, title = "unresolved", None, None, None
        if doc_id is not None:
            try:
                unit = store.get_unit(corpus, doc_id, c.article, c.clause, c.point)
                title = unit.document_title
                doc_status, note = citation_note(validities.get(doc_id), day, c.article, c.clause, c.point)
                status = "not_in_force" if note else "ok"
            except StoreError:  # the document is stored, the unit it names is not
                if doc_id not in titles:
                    titles[doc_id] = next((d.title for d in store.documents(corpus) if d.doc_id == doc_id), doc_id)
                title = titles[doc_id]
                unit_name = " ".join(p for p in (f"điểm {c.point}" if c.point else "",
                                                 f"khoản {c.clause}" if c.clause else "", f"Điều {c.article}") if p)
                status, note = "no_such_article", f"{title} ({doc_id}) không có {unit_name}"
        out.append(ProvisionCheck(citation=c.citation, article=c.article, clause=c.clause, point=c.point,
                                  document_ref=c.document_ref, document_id=doc_id, document_title=title,
                                  label=_label(c, title), section=c.section, count=c.count, page=c.page,
                                  paragraph=c.paragraph, status=status, document_status=doc_status, note=note))
    return out


def similar_judgments(case_law, facts: str, k: int) -> list[SimilarJudgment]:
    """The ``k`` most similar judgments of the case index (masked) with the provisions each applied; none when there
    is no case law (or no facts)."""
    if case_law is None or k <= 0 or not facts.strip():
        return []
    try:
        if case_law.cases.count(case_law.corpus) == 0:
            return []
        result = case_law.similar(facts[:case_law.max_facts_chars], k=k)
        titles = case_law.cases.law_titles(case_law.law_corpus)
        out = []
        for c in result.cases:
            applied = [f"Điều {a} {titles.get(d, d)}" for d, a in case_law.applied(c.case_id)]
            out.append(SimilarJudgment(case_id=c.case_id, title=c.title, court=c.court, date=c.date,
                                       outcome_label=c.outcome_label, score=c.score, passage=c.passage,
                                       provisions=applied))
        return out
    except Exception:  # noqa: BLE001 - the case index is optional: the reading stands without it
        log.exception("similar judgments for a case file failed")
        return []


def build_reading(facts: CaseFileFacts, store: Store, corpus: str, case_law=None, similar_k: int = 5,
                  masked: bool = True, checkpoint: Callable[[], None] | None = None) -> CaseFileReading:
    provisions = check_provisions(store, corpus, facts.provisions, facts.date)
    if checkpoint is not None:
        checkpoint()
    return CaseFileReading(
        kind=facts.kind, number=facts.number, court=facts.court, matter=facts.matter,
        date=facts.date.isoformat() if facts.date else None,
        parties=[PartyEntry(role=p.role, name=p.name, description=p.description) for p in facts.parties],
        claims=facts.claims,
        timeline=[TimelineEntry(date=e.date.isoformat(), text=e.text, page=e.page, paragraph=e.paragraph,
                                kind=e.kind) for e in facts.timeline],
        provisions=provisions, flagged=sum(p.flagged for p in provisions),
        similar=similar_judgments(case_law, facts.summary, similar_k), masked=masked)
