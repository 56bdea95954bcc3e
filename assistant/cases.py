"""Case law as a service: ingest, search, show and similar cases — the one implementation behind ``thuky cases …``,
``/v1/cases`` and the assistant's "related judgments".

``CaseLaw`` binds a store, a case corpus ("cases"), the law corpus its citations resolve against ("statutes") and the
models. Its answers are pydantic models (the API's response bodies are their ``model_dump(mode="json")``), so the CLI,
the API and the benchmarks share them.

Privacy: every answer is masked (:mod:`corpus.anonymize`: names, addresses below the district, birth years, identity,
phone, plate and account numbers) unless the caller passes ``anonymize=False`` — which only an administrator
may (the API checks the role and audits it). The case index is built from masked text (``CaseIndex.build(mask=…)``),
so a search for a party's full name finds nothing, and its on-disk cache (``indexes/cases-<corpus>-masked-v1``) never
holds an unmasked passage; the cache of an older, unmasked build is deleted when the index is first built.

Bad input raises a :class:`CaseLawError`: :class:`CaseNotFound`,
:class:`CaseRequestInvalid`, :class:`FactsTooLong` or :class:`CaseFileRejected`; ``api/errors.py`` maps them.
"""

from __future__ import annotations

import json
import shutil
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Collection, Iterable
from pathlib import Path

from pydantic import BaseModel, Field

from assistant.answer import CaseMatch, CaseReference
from assistant.provisions import ProvisionSuggester, SuggesterConfig
from assistant.defaults import CASES_CORPUS, MAX_FACTS_CHARS, MAX_QUESTION_CHARS
from corpus.anonymize import Anonymizer
from corpus.case_law import (OUTCOME_LABELS, SECTION_LABELS, CaseLawDocument, CaseSummary, Party, Precedent,
                              parse_judgment, parse_precedent)
from corpus.case_law.cleaning import clean_description
from corpus.case_store import CaseStore, CaseStoreError
from corpus.store import Store, check_corpus_name
from corpus.text import nfc
from indexing.case_milvus import MilvusCaseIndex
from indexing.cases import CaseFilters, CaseHit, CaseIndex, CaseIndexConfig, CasePiece, case_pieces
from indexing.index import MAX_QUERY_CHARS
from indexing.types import snippet

__all__ = ["CaseLaw", "CaseLawError", "CaseNotFound", "CaseRequestInvalid", "FactsTooLong",
           "CaseFileRejected", "CaseSearchResult", "CaseView", "SimilarResult"]

MAX_PAGE_SIZE = 50
# the on-disk cache of the case index (segmented and embedded pieces) is of masked text; bump when masking changes so
# that no cache of an older masking survives
INDEX_CACHE_VERSION = "masked-v1"
RELATED_MIN_MATCH = 0.5  # share of the question's words a passage must hold to be shown beside an answer


class CaseLawError(ValueError):
    """A request the case-law service refuses; the message says what is wrong."""

    @property
    def message(self) -> str:
        return str(self)


class CaseNotFound(CaseLawError, LookupError):
    """No case with that id in the case corpus."""


class CaseRequestInvalid(CaseLawError):
    """A search or similar-cases request with a value the service cannot take (empty facts, a bad filter…)."""


class FactsTooLong(CaseLawError):
    """Facts longer than the configured limit (``max_facts_chars``)."""


class CaseFileRejected(CaseLawError):
    """A file that cannot be read as case law; ``reason`` is ``unreadable``, ``invalid_json`` or ``not_case_law``."""

    def __init__(self, reason: str, message: str):
        super().__init__(message)
        self.reason = reason


# -- answers (the shapes the API returns) -------------------------------------------------------------------------
class FacetValue(BaseModel):
    value: str | int
    count: int


class CaseFacets(BaseModel):
    courts: list[FacetValue] = Field(default_factory=list)
    court_levels: list[FacetValue] = Field(default_factory=list)
    case_types: list[FacetValue] = Field(default_factory=list)
    outcomes: list[FacetValue] = Field(default_factory=list)
    years: list[FacetValue] = Field(default_factory=list)


class CaseResult(CaseMatch):
    """One case in a search: where it matched (``section``, ``passage``) and a one-line ``snippet`` of it."""

    court_level: str | None = None
    case_type: str | None = None
    section_label: str | None = None
    snippet: str = ""


class CaseSearchResult(BaseModel):
    query: str
    total: int
    page: int
    page_size: int
    took_ms: float
    results: list[CaseResult]
    facets: CaseFacets


class SectionView(BaseModel):
    name: str
    heading: str
    label: str
    text: str


class PartyView(BaseModel):
    role: str
    name: str
    description: str = ""


class ProvisionView(BaseModel):
    """A provision the case cites; ``resolved`` False: the document or article is not in the store (shown as an
    unresolved reference, e.g. BLDS 2005)."""

    citation: str
    section: str
    document_id: str | None = None
    document_title: str | None = None
    article: str
    clause: str | None = None
    point: str | None = None
    resolved: bool
    label: str


class PrecedentRef(BaseModel):
    number: str
    case_id: str | None = None
    resolved: bool


class CaseView(BaseModel):
    case_id: str
    kind: str
    title: str
    number: str | None = None
    date: str | None = None
    court: str | None = None
    court_level: str | None = None
    case_type: str | None = None
    matter: str | None = None
    parties: list[PartyView] = Field(default_factory=list)
    sections: list[SectionView] = Field(default_factory=list)
    outcome: str | None = None
    outcome_label: str | None = None
    provisions: list[ProvisionView] = Field(default_factory=list)
    precedents: list[PrecedentRef] = Field(default_factory=list)
    anonymized: bool = True
    # a precedent's summary (empty for a judgment)
    source_judgment: str = ""
    situation: str = ""
    solution: str = ""
    provisions_concerned: str = ""
    keywords: list[str] = Field(default_factory=list)


class SimilarCase(CaseMatch):
    score: float


class SuggestedProvision(BaseModel):
    """An article similar cases applied (``count`` of them: ``cases``) and/or statute retrieval found."""

    document_id: str
    document_title: str = ""
    article: str
    label: str
    count: int
    score: float
    cases: list[str] = Field(default_factory=list)
    retrieved: bool = False


class SimilarResult(BaseModel):
    cases: list[SimilarCase]
    provisions: list[SuggestedProvision]
    took_ms: float = 0.0


def _outcome_label(outcome: str | None) -> str | None:
    return OUTCOME_LABELS.get(outcome) if outcome else None  # type: ignore[arg-type]


def _summary_fields(m: CaseSummary) -> dict:
    """The fields of a ``CaseMatch`` that a case's index entry gives."""
    return {"case_id": m.case_id, "title": m.title, "court": m.court,
            "date": m.date.isoformat() if m.date else None, "outcome": m.outcome,
            "outcome_label": _outcome_label(m.outcome)}


def _as_set(value) -> set | None:
    if value is None:
        return None
    values = [value] if isinstance(value, (str, int)) else list(value)
    values = [v for v in values if v not in (None, "")]
    return set(values) or None


class CaseLaw:
    """Cheap to construct; the case index is built on first use and rebuilt when the case corpus changes."""

    def __init__(self, store: Store, *, corpus: str = CASES_CORPUS, law_corpus: str = "statutes",
                 home: Path | None = None, embedder=None,
                 statute_index: Callable[[], object] | None = None,
                 max_facts_chars: int = MAX_FACTS_CHARS, index_config: CaseIndexConfig | None = None,
                 suggester_config: SuggesterConfig | None = None, milvus: tuple[str, str | None] | None = None):
        self.store = store
        self.milvus = milvus  # (URI, token): the case index lives in Milvus, shared by every worker
        self.cases = CaseStore(store)
        self.corpus = check_corpus_name(corpus)
        self.law_corpus = check_corpus_name(law_corpus)
        self.home = Path(home) if home else None
        self.embedder = embedder
        self.statute_index = statute_index
        self.max_facts_chars = max_facts_chars
        self.index_config = index_config or CaseIndexConfig()
        self.suggester_config = suggester_config or SuggesterConfig()
        self._index: tuple[str, CaseIndex | MilvusCaseIndex] | None = None
        self._lock = threading.Lock()
        self._anonymizers: OrderedDict[str, Anonymizer] = OrderedDict()
        self._applied: dict[str, list[tuple[str, str]]] = {}

    # -- ingesting ------------------------------------------------------------------------------------------------
    def load(self, path: Path) -> list[CaseLawDocument]:
        """Cases from a file: ALQAC-style ``judgments.json``, or one judgment or precedent as text (.txt, .docx, .pdf,
        .html). Raises CaseFileRejected with the reason when the file cannot be read as case law."""
        from corpus.loaders import LoadError, decode_text
        from corpus.loaders.judgments import load_judgment_cases
        from corpus.loaders.text import text_from_docx, text_from_html, text_from_pdf

        path = Path(path)
        names = self.store.resolver(self.law_corpus).names()
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CaseFileRejected("unreadable", f"{path}: cannot read ({exc.strerror or exc})") from None
        suffix = path.suffix.lower()
        try:
            if suffix == ".json":
                try:
                    parsed = json.loads(decode_text(data, path))
                except json.JSONDecodeError as exc:
                    raise CaseFileRejected("invalid_json", f"{path}: invalid JSON ({exc.msg}, line {exc.lineno})"
                                       ) from None
                return list(load_judgment_cases(parsed, path, names))
            if suffix == ".docx":
                text = text_from_docx(path, data)
            elif suffix == ".pdf":
                text = text_from_pdf(path, data)
            elif suffix in (".html", ".htm"):
                text = text_from_html(data, path)
            else:
                text = decode_text(data, path)
        except LoadError as exc:
            raise CaseFileRejected("unreadable", str(exc)) from None
        try:
            if "án lệ số" in " ".join(nfc(text).split())[:300].lower():  # a precedent opens with its number
                return [parse_precedent(text, known_names=names, source=str(path))]
            case = parse_judgment(text, case_id=None, known_names=names, source=str(path))
        except ValueError as exc:
            raise CaseFileRejected("not_case_law", f"{path}: {exc}") from None
        if case.missing_sections():
            raise CaseFileRejected("not_case_law", f"{path}: no {', '.join(case.missing_sections())} section "
                                                    "found (headings NỘI DUNG VỤ ÁN, NHẬN ĐỊNH CỦA TÒA ÁN, QUYẾT ĐỊNH)")
        return [case]

    def ingest(self, paths: Iterable[Path]) -> list[str]:
        """Load and store cases from files; each file is stored whole or not at all. Returns the stored ids."""
        ids: list[str] = []
        for p in paths:
            ids += self.cases.replace(self.corpus, self.load(Path(p)))
        self._forget()
        return ids

    def _forget(self) -> None:
        with self._lock:
            self._index = None
            self._anonymizers.clear()
            self._applied.clear()

    # -- the index ------------------------------------------------------------------------------------------------
    def index(self) -> CaseIndex | MilvusCaseIndex:
        """The case index, built on first use and again whenever the stored cases changed (in Milvus: loaded when
        another worker has built it for the stored cases already, brought up to date by content otherwise)."""
        version = self.cases.version(self.corpus)
        current = self._index
        if current is not None and current[0] == version:
            return current[1]
        with self._lock:
            if self._index is not None and self._index[0] == version:
                return self._index[1]
            cache = self._cache_dir()
            mask = lambda case: self._anonymizer(case.case_id, case).mask  # noqa: E731
            if self.milvus is not None:
                uri, token = self.milvus
                index = MilvusCaseIndex.load(uri, self.corpus, version=version, token=token, embedder=self.embedder,
                                             config=self.index_config) or MilvusCaseIndex.sync(
                    self.cases.all(self.corpus), uri=uri, corpus=self.corpus, version=version, token=token,
                    config=self.index_config, embedder=self.embedder, cache_dir=cache, mask=mask)
            else:
                index = CaseIndex.build(self.cases.all(self.corpus), config=self.index_config, embedder=self.embedder,
                                        cache_dir=cache, mask=mask)
            self._index = (version, index)
            self._applied.clear()
            return index

    def _cache_dir(self) -> Path | None:
        """The index cache of this masking version; caches of older builds (unmasked text) are deleted."""
        if self.home is None:
            return None
        root = self.home / "indexes"
        current = root / f"cases-{self.corpus}-{INDEX_CACHE_VERSION}"
        for old in [root / f"cases-{self.corpus}", *root.glob(f"cases-{self.corpus}-masked-*")]:
            if old != current and old.is_dir():
                shutil.rmtree(old, ignore_errors=True)
        return current

    def warm_up(self) -> None:
        """Build the index and load the models it queries with, so the first request does not wait."""
        index = self.index()
        index.warm_up()
        if len(index):
            index.search("tranh chấp hợp đồng", k=1)

    # -- reading --------------------------------------------------------------------------------------------------
    def _case(self, case_id: str) -> CaseLawDocument:
        if not isinstance(case_id, str) or not case_id.strip() or len(case_id) > 200:
            raise CaseNotFound("no such case: the id is empty or too long")
        try:
            return self.cases.get(self.corpus, case_id)
        except CaseStoreError:
            raise CaseNotFound(f"no case {case_id!r} in corpus {self.corpus!r}") from None

    def _anonymizer(self, case_id: str, case: CaseLawDocument | None = None) -> Anonymizer:
        """The case's anonymizer, cached; the case is read from the store only when it is not."""
        a = self._anonymizers.get(case_id)
        if a is None:
            a = Anonymizer.for_case(case or self._case(case_id))
            self._anonymizers[case_id] = a
            while len(self._anonymizers) > 512:
                self._anonymizers.popitem(last=False)
        return a

    def _passage(self, piece: CasePiece, anonymize: bool) -> str:
        """A piece's text: as indexed (masked), or as written for an administrator's unmasked view."""
        if anonymize:
            return piece.text
        original = {p.key: p.text for p in case_pieces(self._case(piece.case_id), self.index_config)}
        return original.get(piece.key, piece.text)

    def get(self, case_id: str, anonymize: bool | None = None) -> CaseView:
        """One case with its sections, parties and provisions (unresolved ones marked as such); masked unless
        ``anonymize`` is False."""
        case = self._case(case_id)
        anonymize = anonymize is not False
        a = self._anonymizer(case.case_id, case) if anonymize else None
        mask = a.mask if a else (lambda t: t)
        parties = [a.party(p) if a else Party(p.role, p.name, clean_description(p.description))
                   for p in case.parties]
        provisions = [ProvisionView(citation=p.citation, section=p.section, document_id=p.document_id,
                                    document_title=p.document_title, article=p.article, clause=p.clause,
                                    point=p.point, resolved=p.resolved, label=p.label)
                      for p in self.cases.provisions(case, self.law_corpus)]
        precedents = []
        for number in case.precedents_cited:
            target = self.cases.find_precedent(self.corpus, number)
            precedents.append(PrecedentRef(number=number, case_id=target, resolved=target is not None))
        view = CaseView(
            case_id=case.case_id, kind=case.kind, title=mask(case.title), number=case.number,
            date=case.date.isoformat() if case.date else None, court=case.court, court_level=case.court_level,
            case_type=case.case_type, matter=mask(case.matter or "") or None,
            parties=[PartyView(role=p.role, name=p.name, description=p.description) for p in parties],
            sections=[SectionView(name=s.name, heading=s.heading, label=SECTION_LABELS.get(s.name, s.name),
                                  text=mask(s.text)) for s in case.sections],
            outcome=case.outcome, outcome_label=_outcome_label(case.outcome), provisions=provisions,
            precedents=precedents, anonymized=bool(anonymize),
        )
        if isinstance(case, Precedent):
            view.source_judgment = case.source_judgment
            view.situation, view.solution = mask(case.situation), mask(case.solution)
            view.provisions_concerned, view.keywords = case.provisions_concerned, list(case.keywords)
        return view

    def search(self, q: str = "", *, court=None, court_level=None, case_type=None, outcome=None, year=None,
               page: int = 1, page_size: int = 10, anonymize: bool | None = None) -> CaseSearchResult:
        """Cases matching a query (all cases, newest first, when it is empty), with facets over the matches."""
        t0 = time.perf_counter()
        q = nfc(q or "").strip()
        if len(q) > MAX_QUESTION_CHARS:
            raise CaseRequestInvalid(f"q: the query is {len(q):,} characters long; the limit is "
                                                        f"{MAX_QUESTION_CHARS:,}")
        if page < 1 or not 1 <= page_size <= MAX_PAGE_SIZE:
            raise CaseRequestInvalid(f"page must be ≥ 1 and page_size between 1 and "
                                                        f"{MAX_PAGE_SIZE}")
        years = _as_set(year)
        try:
            years = {int(y) for y in years} if years else None
        except (TypeError, ValueError):
            raise CaseRequestInvalid(f"year: {year!r} is not a year") from None
        filters = CaseFilters(courts=_as_set(court), court_levels=_as_set(court_level),
                              case_types=_as_set(case_type), outcomes=_as_set(outcome), years=years)
        index = self.index()
        if q and any(ch.isalnum() for ch in q):
            hits = index.search(q, filters)
            ids = [h.case_id for h in hits]
        else:
            ids = index.matching(filters)
            hits = [CaseHit(case_id=i, score=0.0, piece=p) for i in ids if (p := index.first_piece(i)) is not None]
        anonymize = anonymize is not False
        start = (page - 1) * page_size
        results = []
        for h in hits[start:start + page_size]:
            m = index.summaries[h.case_id]
            passage = self._passage(h.piece, anonymize)
            results.append(CaseResult(
                **self._summary_fields(m, anonymize), court_level=m.court_level, case_type=m.case_type,
                section=h.piece.section, section_label=SECTION_LABELS.get(h.piece.section, h.piece.section),
                snippet=snippet(passage, 240), passage=passage, score=round(h.score, 6)))
        facets = index.facets(ids)
        return CaseSearchResult(
            query=q, total=len(ids), page=page, page_size=page_size,
            took_ms=round((time.perf_counter() - t0) * 1000, 2), results=results,
            facets=CaseFacets(**{name: [FacetValue(value=v, count=c) for v, c in facets[key]]
                                 for name, key in (("courts", "court"), ("court_levels", "court_level"),
                                                   ("case_types", "case_type"), ("outcomes", "outcome"),
                                                   ("years", "year"))}))

    # -- similar cases and provisions -------------------------------------------------------------------------------
    def _summary_fields(self, m: CaseSummary, anonymize: bool) -> dict:
        """A match's fields; the index holds the masked title, the unmasked one is read from the store."""
        fields = _summary_fields(m)
        if not anonymize:
            fields["title"] = self._case(m.case_id).title
        return fields

    def check_facts(self, facts: str) -> str:
        if not isinstance(facts, str) or not facts.strip() or not any(ch.isalnum() for ch in facts):
            raise CaseRequestInvalid("facts: describe the facts of the case (the text is empty)")
        if len(facts) > self.max_facts_chars:
            raise FactsTooLong(f"facts: the text is {len(facts):,} characters long; the "
                                                         f"limit is {self.max_facts_chars:,}")
        if "\x00" in facts:
            raise CaseRequestInvalid("facts: must not contain NUL characters")
        return nfc(facts).strip()

    def applied(self, case_id: str) -> list[tuple[str, str]]:
        """The stored articles a case applied (cached until the cases change)."""
        if case_id not in self._applied:
            self._applied[case_id] = self.cases.applied_articles(self._case(case_id), self.law_corpus)
        return self._applied[case_id]

    def _statute_search(self):
        if self.statute_index is None:
            return None
        try:
            index = self.statute_index()
        except Exception:  # noqa: BLE001 - no statute index: the suggestion rests on similar cases alone
            return None
        if index is None:
            return None
        return lambda text, k: index.search(text[:MAX_QUERY_CHARS], k)

    def similar(self, facts: str, k: int = 10, exclude: Collection[str] = (),
                anonymize: bool | None = None) -> SimilarResult:
        """The ``k`` judgments most similar to the facts, with the passage that matches and their outcome, and the
        provisions they applied ranked by similarity-weighted frequency, fused with statute retrieval."""
        t0 = time.perf_counter()
        facts = self.check_facts(facts)
        if not isinstance(k, int) or not 1 <= k <= 50:
            raise CaseRequestInvalid("k must be between 1 and 50")
        index = self.index()
        hits = index.similar(facts, k=max(k, self.suggester_config.cases_k), exclude=set(exclude or ()))
        anonymize = anonymize is not False
        cases = []
        for h in hits[:k]:
            m = index.summaries[h.case_id]
            cases.append(SimilarCase(**self._summary_fields(m, anonymize), score=round(h.score, 6),
                                     section=h.piece.section, passage=self._passage(h.piece, anonymize)))
        suggester = ProvisionSuggester(self.applied, self._statute_search(), self.cases.law_titles(self.law_corpus),
                                       self.suggester_config)
        provisions = [SuggestedProvision(document_id=p.document_id, document_title=p.document_title,
                                         article=p.article, label=p.label, count=p.count, score=p.score,
                                         cases=p.cases, retrieved=p.retrieved)
                      for p in suggester.suggest(facts, hits, k=10)]
        return SimilarResult(cases=cases, provisions=provisions,
                             took_ms=round((time.perf_counter() - t0) * 1000, 2))

    def related(self, question: str, k: int = 3, min_match: float = RELATED_MIN_MATCH) -> list[CaseReference]:
        """Judgments to show beside an answer as supporting material (never as the law itself): the best passages for
        the question that hold at least ``min_match`` of its words, weighted by rarity (``CaseIndex.coverage``).
        Below that a judgment shares only common words with the question: on the 20 ALQAC judgments a criminal or a
        labour question reaches 0.2–0.45 against these civil cases, questions on inheritance, loans or damages
        0.5–0.85."""
        index = self.index()
        if not len(index) or not question.strip():
            return []
        out = []
        for h in index.search(question, k=k):
            if index.coverage(question, h.piece) < min_match:
                continue
            m = index.summaries[h.case_id]
            passage = h.piece.text  # as indexed: masked (whoever reads the answer)
            out.append(CaseReference(**_summary_fields(m), section=h.piece.section,
                                     passage=snippet(passage, 400), score=round(h.score, 6)))
        return out


def related_cases_hook(service: Callable[[], CaseLaw], n: int) -> Callable[[str], list[CaseReference]] | None:
    """The assistant's ``related_cases`` hook: question → up to ``n`` judgments shown beside the answer as supporting
    material (``THUKY_CASES_IN_ANSWERS``); None when ``n`` is 0."""
    if n <= 0:
        return None

    def related(question: str) -> list[CaseReference]:
        law = service()
        if law.cases.count(law.corpus) == 0:
            return []
        return law.related(question, k=n)

    return related
