"""The assistant: understand → retrieve → compose → verify → answer, with conversations and abstention.

``Assistant.answer`` is the one entry point the CLI, the API and the evaluation harness share.
"""

from __future__ import annotations

import datetime as dt

import logging
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from assistant.answer import Answer, AnswerForm, Source
from assistant.abstain import DEFAULT_THRESHOLD, should_abstain
from assistant.as_of import asked_date, citation_note, prefer_in_force
from assistant.case_file.answer import file_citations, file_text, verify_file_citations
from assistant.composer import Composer, FallbackComposer
from assistant.confidence import ConfidenceModel
from assistant.confidence import features as confidence_features
from assistant.conversation import ConversationStore, Turn
from assistant.errors import QuestionRejected
from assistant.extractive import ExtractiveComposer
from assistant.defaults import MAX_QUESTION_CHARS
from assistant.understand import Question, understand
from assistant.verify import verify_citations
from corpus.store import Store, StoreError

log = logging.getLogger("thuky.assistant")

ABSTAIN_TEXT = "Không tìm thấy quy định phù hợp trong cơ sở dữ liệu."

_FOLLOW_UP = re.compile(
    r"^(còn|vậy|thế|thế còn|vậy còn|nếu|trường hợp|còn trường hợp|và|nhưng)\b|thì sao\s*\??$|(trường hợp|điều|quy định|"
    r"khoản|việc) (đó|này|trên)\b|như vậy", re.IGNORECASE)


@dataclass
class Draft:
    """A question understood, its sources and the composed answer (None: the evidence rule abstained)."""

    question: Question
    sources: list[Source]
    answer: Answer | None
    timings: dict[str, float]
    as_of: dt.date | None = None  # the date validity is judged on: asked (``as_of`` or in the question), else None


@dataclass
class AssistantConfig:
    k: int = 8
    abstain_threshold: float = DEFAULT_THRESHOLD
    history_turns: int = 4


def sources_from_hits(index, hits) -> list[Source]:
    out = []
    for h in hits:
        r = index.records.get(h.key)
        if r is None:
            continue
        out.append(Source(document_id=r.doc_id, document_title=r.doc_title, article=r.article_no, title=r.title,
                          text=r.text, score=float(h.score), rank=int(h.rank), scores=dict(h.scores),
                          document_status=r.status))
    return out


def standalone_question(question: str, history: list[Turn]) -> str | None:
    """Rewrite a follow-up ("còn người dưới 18 tuổi thì sao?") into a standalone question from the last turn.

    Extractive and offline: the previous standalone question gives the topic; the follow-up gives what changes.
    Returns None when the question already stands alone.
    """
    if not history:
        return None
    if history[-1].answer.get("abstained"):  # a turn the law did not answer gives no topic to carry on
        return None
    q = question.strip()
    short = len(q.split()) <= 6  # an elliptical fragment ("người dưới 18 tuổi?"), not a whole question
    if not (_FOLLOW_UP.search(q) or (short and not re.search(r"\b(luật|bộ luật|nghị định|điều)\b", q, re.I))):
        return None
    previous = history[-1].standalone or history[-1].question
    previous = re.sub(r"[?.!\s]+$", "", previous)
    follow = re.sub(r"^(còn|vậy|thế|thế còn|vậy còn|và|nhưng)\s+", "", q, flags=re.I)
    return f"{previous}; {follow}"


class Assistant:
    """Cheap to construct; the store, indexes and models it is given load lazily on first use."""

    def __init__(self, store: Store, index_for: Callable[[str], object],
                 conversations: ConversationStore | None = None, composer: Composer | None = None,
                 llm: Composer | None = None,
                 config: AssistantConfig | None = None, related_cases: Callable[[str], list] | None = None,
                 confidence: Callable[[], ConfidenceModel | None] | None = None,
                 checkpoint: Callable[[], None] | None = None, case_files=None):
        self.store = store
        # the conversation's own case files (assistant.case_file.CaseFiles): searched beside the law, quoted apart
        self.case_files = case_files
        # called between stages (before composing, before each fallback composer, before the related judgments);
        # it raises to stop the work — the service's way to drop an answer nobody waits for any more
        self.checkpoint = checkpoint or (lambda: None)
        # the fitted confidence model (assistant/confidence.py), asked for on every answer so that a refit is seen;
        # None, or a callable returning None: the evidence-score rule of assistant/abstain.py decides abstention
        self.confidence = confidence
        self.related_cases = related_cases  # question → CaseReference list (supporting judgments), optional
        self.index_for = index_for
        self.conversations = conversations
        self.composer = composer or ExtractiveComposer()
        self.llm = llm
        self.config = config or AssistantConfig()
        self._validities: dict[str, dict] = {}

    # -- helpers --------------------------------------------------------------------------------------------------
    def _unit_text(self, corpus: str):
        def unit_text(doc_id: str, article: str, clause: str | None, point: str | None) -> str | None:
            try:
                return self.store.get_unit(corpus, doc_id, article, clause, point).text
            except StoreError:
                return None

        return unit_text

    def validities(self, corpus: str):
        """doc id → Validity of one corpus, read once per corpus (the service builds a new assistant when a corpus
        changes)."""
        if corpus not in self._validities:
            try:
                self._validities[corpus] = self.store.validities(corpus)
            except StoreError:
                self._validities[corpus] = {}
        return self._validities[corpus]

    def _status_warnings(self, answer: Answer, corpus: str, day) -> list[str]:
        """Set each citation's status on the date asked and, only when it is not in force then, its note; the notes
        are the answer's validity warnings."""
        validities = self.validities(corpus)
        warnings: list[str] = []
        for c in answer.citations:
            status, note = citation_note(validities.get(c.document_id), day, c.article, c.clause, c.point)
            if status is not None:
                c.document_status = status
            c.validity_note = note
            if note:
                w = f"{c.label} ({c.document_id}): {note}."
                if w not in warnings:
                    warnings.append(w)
        return warnings

    # -- answering ------------------------------------------------------------------------------------------------
    def answer(self, question: str, *, corpus: str, session_id: str | None = None, owner: str | None = None,
               choices: dict[str, str] | None = None, form: AnswerForm | str | None = None, filters=None,
               use_llm: bool = False, k: int | None = None, as_of=None) -> Answer:
        """``as_of`` (a date): judge validity on that date and prefer the versions in force then; without it, a date
        the question writes ("theo quy định năm 2014") is used, else the corpus's own date."""
        t0 = time.perf_counter()
        timings: dict[str, float] = {}
        if question is None or not question.strip():
            raise QuestionRejected("the question is empty: ask something about the law")
        if len(question) > MAX_QUESTION_CHARS:
            raise QuestionRejected(f"the question is {len(question):,} characters long; the limit is "
                                 f"{MAX_QUESTION_CHARS:,}")
        history: list[Turn] = []
        if session_id is not None:
            if self.conversations is None:
                raise QuestionRejected("conversations are not available here")
            history = self.conversations.history(session_id, owner, last=self.config.history_turns)
            corpus = self.conversations.corpus_of(session_id, owner)

        standalone = standalone_question(question, history)
        model = self.confidence() if self.confidence is not None else None
        draft = self.draft(standalone or question, corpus=corpus, choices=choices, form=form, filters=filters,
                           use_llm=use_llm, k=k, abstain_rule=model is None, as_of=as_of)
        q, sources, answer = draft.question, draft.sources, draft.answer
        timings.update(draft.timings)
        t = time.perf_counter()
        if model is not None:
            p = float(model.confidence(confidence_features(q, sources, answer), [q.raw])[0])
            answer = self._abstention(question, q.form, sources) if p < model.threshold else answer
            answer.confidence = round(p, 4)
        elif answer is None:
            answer = self._abstention(question, q.form, sources)
        timings["confidence"] = (time.perf_counter() - t) * 1000

        if session_id is not None and self.case_files is not None:
            t = time.perf_counter()
            self._file_part(answer, standalone or question, session_id, owner)
            timings["case_file"] = (time.perf_counter() - t) * 1000
        self.checkpoint()
        answer.question = question
        answer.standalone_question = standalone
        answer.related_cases = self._related_cases(q.raw) if not answer.abstained else []
        day = draft.as_of
        answer.warnings = [*answer.warnings, *self._status_warnings(answer, corpus, day)]
        until = next((v.data_until for v in self.validities(corpus).values() if v.data_until), None)
        answer.as_of = (day or until).isoformat() if (day or until) else None
        answer.data_until = until.isoformat() if until else None
        timings["total"] = (time.perf_counter() - t0) * 1000
        answer.timings_ms = {**answer.timings_ms, **{k_: round(v, 2) for k_, v in timings.items()}}
        if self.conversations is not None:
            if session_id is None:
                session_id = self.conversations.create(corpus, owner, title=question)
            answer.session_id = session_id
            self.conversations.append(session_id, question, standalone, answer.model_dump(mode="json"), owner)
        return answer

    def draft(self, question: str, *, corpus: str, choices: dict[str, str] | None = None,
              form: AnswerForm | str | None = None, filters=None, use_llm: bool = False, k: int | None = None,
              abstain_rule: bool = True, as_of=None) -> Draft:
        """Understand, retrieve and compose a standalone question, before any abstention by the confidence model.
        With ``abstain_rule`` (no confidence model) the evidence-score rule applies here: its abstention is
        ``answer=None``."""
        timings: dict[str, float] = {}
        t = time.perf_counter()
        q = understand(question, choices, form)
        timings["understand"] = (time.perf_counter() - t) * 1000

        t = time.perf_counter()
        index = self.index_for(corpus)
        hits = index.search(q.raw, k or self.config.k, filters, choices=q.choices) if any(
            ch.isalnum() for ch in q.raw) else []
        day = as_of or asked_date(question)
        hits = prefer_in_force(hits, lambda h: h.key[0], self.validities(corpus), day, explicit=day is not None)
        for i, h in enumerate(hits, 1):
            h.rank = i
        sources = sources_from_hits(index, hits)
        timings["retrieve"] = (time.perf_counter() - t) * 1000

        self.checkpoint()
        t = time.perf_counter()
        if abstain_rule and should_abstain(q, sources, threshold=self.config.abstain_threshold):
            answer = None
        else:
            answer = self._compose(q, sources, use_llm, corpus)
        timings["compose+verify"] = (time.perf_counter() - t) * 1000
        return Draft(q, sources, answer, timings, day)

    def _compose(self, q, sources: list[Source], use_llm: bool, corpus: str) -> Answer:
        """The verified answer: the LLM's when it is asked for and one of its citations verifies, else the extractive
        composer's."""
        composers = [self.llm, self.composer] if use_llm and self.llm is not None else [self.composer]
        verify = partial(verify_citations, unit_text=self._unit_text(corpus))
        return FallbackComposer(composers, verify, self.checkpoint).compose(q, sources)

    def _file_part(self, answer: Answer, question: str, session_id: str, owner: str | None) -> None:
        """Passages of the conversation's case files retrieved for the question, quoted and verified apart from the
        law; the answer opens with them when the law gave no answer."""
        try:
            sources = self.case_files.search(session_id, owner, question)
        except Exception:  # noqa: BLE001 - the law's answer stands without the file
            log.exception("searching the case files of a conversation failed")
            return
        if not sources:
            return
        kept, removed = verify_file_citations(
            file_citations(question, sources), sources,
            lambda fid, n: self.case_files.passage_text(session_id, owner, fid, n))
        answer.file_sources, answer.file_citations = sources, kept
        answer.removed_citations += removed
        part = file_text(kept)
        if part:
            answer.text = f"{part}\n\n{answer.text}" if answer.abstained else f"{answer.text}\n\n{part}"

    def _related_cases(self, question: str) -> list:
        """Judgments cited as supporting material, kept apart from the law; never a reason for an answer to fail."""
        if self.related_cases is None:
            return []
        try:
            return list(self.related_cases(question))
        except Exception:  # noqa: BLE001 - the case index is optional; the answer stands without it
            return []

    @staticmethod
    def _abstention(question: str, form: AnswerForm, sources: list[Source]) -> Answer:
        leads = [f"Điều {s.article} {s.document_title}" + (f" ({s.title})" if s.title else "") for s in sources[:3]]
        text = ABSTAIN_TEXT
        if leads:
            text += " Các điều luật gần nhất (chỉ để tham khảo, không phải câu trả lời): " + "; ".join(leads) + "."
        return Answer(question=question, text=text, form=form, value=None, sources=sources, confidence=0.0,
                      abstained=True, composer="extractive")
