"""Converters from the shared data sets to suites (see ../shared/data/README.md for the source formats).

* ALQAC questions (``alqac/questions.json``; the 2022–2024 sets have the same shape, some without
  ``question_type``/``answer``): ``{question_id, question_type, text, choices?, relevant_articles: [{law_id,
  article_id}], answer}`` → one question each. Đúng/Sai → ``true_false``, Trắc nghiệm → ``multiple_choice``, Tự luận
  → ``short_answer`` (ALQAC's essay answers are short values: "10 ngày"); without a type: choices → multiple choice,
  an answer Đúng/Sai → true/false, another answer → short answer, none → open. ``law_id`` goes to ``document`` as
  written: the corpus's resolver reads it when the suite runs.
* Judgments (``alqac2026/judgments.json``): each bản án → an ``open`` question "which provisions apply to this case",
  the case summary (``case_query`` without its closing "Agent dự đoán …" line) as the facts and the provisions the
  court cited (``related_law_provisions`` lines "Bộ luật Dân sự năm 2015 | Điều 584, Điều 585 khoản 1", read by
  :func:`corpus.citations.parse_provision_line`) as the gold articles. A line with no article in it (an án lệ, a
  decision cited without articles) is reported, not guessed.
* Zalo AI 2021 legal questions (``zalo/questions-statutes.json``, ``zalo/questions-outside.json``): ``{id, text,
  relevant_articles: [{law_id, article_id}]}`` → ``open`` questions without a gold answer. The statutes set's
  ``law_id``s (document numbers in lower case, "91/2015/qh13") are gold, resolved by the corpus's resolver; the
  outside set's laws (decrees, circulars) are not in the corpus: those questions are ``answerable: false`` and keep
  the laws as ``references`` only. Ids are kept, or prefixed with the set's name when the two sets share one.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from corpus.citations import parse_provision_line
from corpus.text import nfc, squash
from eval.suite import TRUE_FALSE_ANSWERS, GoldArticle, SuiteQuestion, describe_validation_error

ALQAC_TYPES = {"Đúng/Sai": "true_false", "Trắc nghiệm": "multiple_choice", "Tự luận": "short_answer"}
PROVISIONS_QUESTION = "Những điều luật nào áp dụng để giải quyết vụ án này?"
_AGENT_TAIL = re.compile(r"\s*Agent\s+dự\s+đoán\b.*$", re.IGNORECASE | re.DOTALL)


class ConvertError(ValueError):
    """A source file of the wrong shape; the message names the item and what is wrong."""


@dataclass
class Conversion:
    questions: list[SuiteQuestion]
    problems: list[str] = field(default_factory=list)  # what could not be converted, one line each


def read_json(path: Path):
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConvertError(f"no file at {path}") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ConvertError(f"cannot read {path} as JSON: {exc}") from None


def _question(item_no: int, fields: dict) -> SuiteQuestion:
    try:
        return SuiteQuestion.model_validate(fields)
    except ValidationError as exc:
        raise ConvertError(f"item #{item_no} (id {fields.get('id')!r}): {describe_validation_error(exc)}") from None


def alqac_type(item: dict) -> str:
    kind = item.get("question_type")
    if kind is not None:
        if kind not in ALQAC_TYPES:
            raise ConvertError(f"unknown question_type {kind!r}; expected one of {sorted(ALQAC_TYPES)}")
        return ALQAC_TYPES[kind]
    answer = item.get("answer")
    if item.get("choices"):
        return "multiple_choice"
    if isinstance(answer, str) and nfc(answer).strip() in TRUE_FALSE_ANSWERS:
        return "true_false"
    return "short_answer" if answer else "open"


def from_alqac(data: object, corpus: str | None = "alqac") -> Conversion:
    """ALQAC question items → suite questions (ids kept)."""
    if not isinstance(data, list) or not data:
        raise ConvertError("expected a non-empty JSON list of ALQAC questions "
                           "[{question_id, question_type, text, relevant_articles, answer}]")
    out: list[SuiteQuestion] = []
    for i, item in enumerate(data):
        if not isinstance(item, dict):
            raise ConvertError(f"item #{i} is a {type(item).__name__}, not an object")
        text = item.get("text", item.get("question"))
        rel = item.get("relevant_articles") or []
        if not isinstance(rel, list) or not all(isinstance(r, dict) for r in rel):
            raise ConvertError(f"item #{i}: relevant_articles must be a list of {{law_id, article_id}}")
        try:
            kind = alqac_type(item)
        except ConvertError as exc:
            raise ConvertError(f"item #{i}: {exc}") from None
        fields = {"id": str(item.get("question_id", "")), "question": text, "type": kind,
                  "choices": item.get("choices") or None, "answer": item.get("answer") or None,
                  "relevant": [{"document": r.get("law_id"), "article": r.get("article_id")} for r in rel],
                  "corpus": corpus}
        out.append(_question(i, fields))
    return Conversion(out)


def case_facts(item: dict) -> str:
    """The case in a few sentences: ``case_query`` without the annotators' "Agent dự đoán …" prompt, else the
    opening of ``case_fact``."""
    facts = _AGENT_TAIL.sub("", squash(item.get("case_query") or ""))
    if not facts:
        facts = squash(item.get("case_fact") or "")[:1000]
    return facts.strip()


def provisions(text: str) -> tuple[list[GoldArticle], list[str]]:
    """``related_law_provisions`` → distinct (document as written, article) and the lines without an article."""
    gold: list[GoldArticle] = []
    unread: list[str] = []
    for line in nfc(text or "").splitlines():
        if not line.strip():
            continue
        cits = [c for c in parse_provision_line(line.rstrip(" .;")) if c.article and c.document_ref]
        if not cits:
            unread.append(squash(line))
            continue
        for c in cits:
            g = GoldArticle(document=c.document_ref.strip(" ,;:"), article=c.article)
            if g not in gold:
                gold.append(g)
    return gold, unread


def from_judgments(data: object, corpus: str | None = "alqac2026") -> Conversion:
    """Judgments → "which provisions apply" questions with the cited provisions as gold."""
    if not isinstance(data, list) or not data:
        raise ConvertError("expected a non-empty JSON list of judgments [{case_id, case_query, "
                           "related_law_provisions, …}]")
    out: list[SuiteQuestion] = []
    problems: list[str] = []
    for i, item in enumerate(data):
        if not isinstance(item, dict) or not (item.get("case_id") or item.get("judgment_number")):
            raise ConvertError(f"item #{i} is not a judgment with a case_id")
        case = squash(str(item.get("case_id") or item.get("judgment_number")))
        facts = case_facts(item)
        if not facts:
            problems.append(f"{case}: no case_query or case_fact; left out")
            continue
        gold, unread = provisions(item.get("related_law_provisions") or "")
        problems += [f"{case}: no article in provision line {line!r}" for line in unread]
        if not gold:
            problems.append(f"{case}: no cited article; left out")
            continue
        out.append(_question(i, {"id": f"judgment-{case}", "question": f"{facts} {PROVISIONS_QUESTION}",
                                 "type": "open", "relevant": [g.model_dump() for g in gold], "corpus": corpus}))
    return Conversion(out, problems)


def from_zalo(data: object, corpus: str | None = "statutes", answerable: bool = True) -> Conversion:
    """Zalo question items → ``open`` questions; their articles are gold when ``answerable``, else references."""
    if not isinstance(data, list) or not data:
        raise ConvertError("expected a non-empty JSON list of Zalo questions [{id, text, relevant_articles}]")
    out: list[SuiteQuestion] = []
    for i, item in enumerate(data):
        if not isinstance(item, dict):
            raise ConvertError(f"item #{i} is a {type(item).__name__}, not an object")
        rel = item.get("relevant_articles") or []
        if not isinstance(rel, list) or not all(isinstance(r, dict) for r in rel):
            raise ConvertError(f"item #{i}: relevant_articles must be a list of {{law_id, article_id}}")
        articles = [{"document": r.get("law_id"), "article": r.get("article_id")} for r in rel]
        fields = {"id": str(item.get("id") or ""), "question": item.get("text"), "type": "open", "corpus": corpus,
                  "answerable": answerable, ("relevant" if answerable else "references"): articles}
        out.append(_question(i, fields))
    return Conversion(out)


ZALO_SETS = {"statutes": ("zalo/questions-statutes.json", True), "outside": ("zalo/questions-outside.json", False)}


def zalo_suite(sets: dict[str, object], corpus: str | None = "statutes") -> Conversion:
    """The Zalo sets named in ``sets`` (set name in :data:`ZALO_SETS` → its loaded JSON), in that order, as one suite;
    ids are prefixed with the set's name ("outside-…") only when two sets share an id."""
    parts = {name: from_zalo(data, corpus, ZALO_SETS[name][1]).questions for name, data in sets.items()}
    ids = [q.id for qs in parts.values() for q in qs]
    if len(set(ids)) == len(ids):
        return Conversion([q for qs in parts.values() for q in qs])
    return Conversion([q.model_copy(update={"id": f"{name}-{q.id}"}) for name, qs in parts.items() for q in qs])


CONVERTERS = {"alqac": from_alqac, "judgments": from_judgments}  # one file each; Zalo: zalo_suite
