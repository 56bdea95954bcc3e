"""A suite: the questions of a benchmark, one JSON object per line (JSONL).

``{"id": str, "question": str, "type": "true_false" | "multiple_choice" | "short_answer" | "open",
"choices": {"A": str, …}?, "answer": str?, "relevant": [{"document": str, "article": str}]?, "corpus": str?,
"answerable": bool?, "references": [{"document": str, "article": str}]?}``

``answerable`` (default true) says whether the corpus is expected to hold the answer; a question it is not
(``false``: its law is outside the corpus) should be abstained on, has no gold articles, and may keep the articles its
source names in ``references`` — information only, never resolved, never retrieval gold.

``document`` is a document id, number ("100/2015/QH13") or any title or alias the corpus knows ("Luật Viên chức"); it
is resolved through the corpus's alias resolver when the suite runs (:func:`resolve_gold`). Loading checks every line
and reports each malformed one by its line number; duplicate ids are an error.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, Protocol

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from corpus.text import nfc
from eval.rundir import write_text_atomic

QuestionType = Literal["true_false", "multiple_choice", "short_answer", "open"]
QUESTION_TYPES: tuple[str, ...] = ("true_false", "multiple_choice", "short_answer", "open")
TRUE_FALSE_ANSWERS = ("Đúng", "Sai")
MAX_ERRORS_SHOWN = 20


class SuiteError(ValueError):
    """A suite that cannot be read; the message names each bad line and what is wrong with it."""


class GoldArticle(BaseModel):
    """A relevant article as the suite writes it: a document name and an article number (Điều)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    document: str = Field(min_length=1)
    article: str = Field(min_length=1)

    @field_validator("document", "article", mode="before")
    @classmethod
    def _text(cls, v):
        if isinstance(v, int) and not isinstance(v, bool):
            v = str(v)
        if isinstance(v, str):
            v = " ".join(nfc(v).split())
        return v


class SuiteQuestion(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str = Field(min_length=1)
    question: str = Field(min_length=1)
    type: QuestionType
    choices: dict[str, str] | None = None
    answer: str | None = None
    relevant: list[GoldArticle] = Field(default_factory=list)
    corpus: str | None = None
    answerable: bool = True
    references: list[GoldArticle] = Field(default_factory=list)  # named by the source; outside the corpus

    @field_validator("question", "answer", mode="before")
    @classmethod
    def _nfc(cls, v):
        return nfc(v).strip() if isinstance(v, str) else v

    @field_validator("choices", mode="before")
    @classmethod
    def _choices(cls, v):
        if isinstance(v, dict):
            return {str(k).strip().upper(): nfc(t).strip() if isinstance(t, str) else t for k, t in v.items()}
        return v

    @model_validator(mode="after")
    def _consistent(self):
        if self.type == "multiple_choice":
            if not self.choices or len(self.choices) < 2:
                raise ValueError("a multiple_choice question needs at least two choices")
            if self.answer is not None and self.answer.upper() not in self.choices:
                raise ValueError(f"answer {self.answer!r} is not one of the choices {sorted(self.choices)}")
            if self.answer is not None:
                self.answer = self.answer.upper()
        elif self.choices:
            raise ValueError(f"choices are given but type is {self.type!r} (use multiple_choice)")
        if self.type == "true_false" and self.answer is not None and self.answer not in TRUE_FALSE_ANSWERS:
            raise ValueError(f"a true_false answer must be 'Đúng' or 'Sai', not {self.answer!r}")
        if not self.answerable and self.relevant:
            raise ValueError("a question the corpus cannot answer (answerable false) has no gold articles in "
                             "'relevant'; name its laws in 'references'")
        return self

    def line(self) -> str:
        """The question as one JSONL line (fields in schema order, empty optional fields left out)."""
        d = self.model_dump(exclude_none=True)
        for key in ("relevant", "references"):
            if not d.get(key):
                d.pop(key, None)
        if d.get("answerable"):
            d.pop("answerable")  # the default: suites written before the field stay byte for byte the same
        return json.dumps(d, ensure_ascii=False)


@dataclass
class Suite:
    path: Path | None
    questions: list[SuiteQuestion]
    sha256: str = ""

    @property
    def name(self) -> str:
        return self.path.stem if self.path else "suite"

    def __len__(self) -> int:
        return len(self.questions)


def describe_validation_error(exc: ValidationError) -> str:
    parts = []
    for e in exc.errors():
        where = ".".join(str(x) for x in e["loc"])
        msg = e["msg"].removeprefix("Value error, ")
        if e["type"] == "extra_forbidden":
            msg = "unknown field"
        elif e["type"] == "missing":
            msg = "missing"
        parts.append(f"{where}: {msg}" if where else msg)
    return "; ".join(parts)


def parse_suite(lines: Iterable[str], path: Path | None = None) -> Suite:
    """Questions from JSONL lines (blank lines are skipped). Raises :class:`SuiteError` listing every bad line."""
    questions: list[SuiteQuestion] = []
    errors: list[str] = []
    first_line: dict[str, int] = {}
    digest = hashlib.sha256()
    for no, raw in enumerate(lines, 1):
        digest.update(raw.encode("utf-8"))
        if not raw.strip():
            continue
        try:
            obj = json.loads(raw)
        except json.JSONDecodeError as exc:
            errors.append(f"line {no}: not valid JSON ({exc.msg} at column {exc.colno})")
            continue
        if not isinstance(obj, dict):
            errors.append(f"line {no}: expected a JSON object, got {type(obj).__name__}")
            continue
        try:
            q = SuiteQuestion.model_validate(obj)
        except ValidationError as exc:
            qid = obj.get("id")
            named = f" (id {qid!r})" if isinstance(qid, str) else ""
            errors.append(f"line {no}{named}: {describe_validation_error(exc)}")
            continue
        if q.id in first_line:
            errors.append(f"line {no}: duplicate id {q.id!r} (first on line {first_line[q.id]})")
            continue
        first_line[q.id] = no
        questions.append(q)
    where = f"{path}: " if path else ""
    if errors:
        shown = errors[:MAX_ERRORS_SHOWN]
        more = f"\n… and {len(errors) - len(shown)} more" if len(errors) > len(shown) else ""
        raise SuiteError(f"{where}{len(errors)} bad line(s):\n" + "\n".join(shown) + more)
    if not questions:
        raise SuiteError(f"{where}the suite has no questions")
    return Suite(path, questions, digest.hexdigest())


def load_suite(path: Path) -> Suite:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SuiteError(f"no suite at {path}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise SuiteError(f"cannot read the suite {path}: {exc}") from None
    return parse_suite(text.splitlines(), path)


def write_suite(questions: Iterable[SuiteQuestion], path: Path) -> int:
    """Write questions as JSONL (atomically); returns how many."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = [q.line() for q in questions]
    write_text_atomic(path, "".join(line + "\n" for line in lines))
    return len(lines)


# -- gold articles against a corpus -----------------------------------------------------------------------------------
class Resolver(Protocol):
    def resolve(self, name: str) -> str | None: ...

    def __contains__(self, doc_id: object) -> bool: ...


@dataclass
class GoldProblem:
    """A gold reference that does not match the corpus; it stays in the gold set (as a miss), never dropped."""

    question_id: str
    document: str
    article: str
    problem: str


@dataclass
class ResolvedGold:
    keys: list[tuple[str, str]] = field(default_factory=list)  # (document id, article), in suite order, distinct
    written: list[GoldArticle] = field(default_factory=list)  # the reference each key came from (first one)
    problems: list[GoldProblem] = field(default_factory=list)


def resolve_gold(q: SuiteQuestion, resolver: Resolver, records: Mapping | None = None) -> ResolvedGold:
    """The question's gold articles as index keys ``(document_id, article)``. A document already an id of the
    corpus is kept; any other name goes through the alias resolver. An unresolvable name stays as written (so it
    counts as a miss) and is reported; so is a resolved article the index does not hold (when ``records`` is given)."""
    out = ResolvedGold()
    for g in q.relevant:
        doc = g.document if g.document in resolver else resolver.resolve(g.document)
        if doc is None:
            problem = "document not found in the corpus"
            key = (g.document, g.article)
        else:
            key = (doc, g.article)
            problem = None
            if records is not None and key not in records:
                problem = f"document {doc!r} has no article {g.article} in the index"
        if key in out.keys:
            continue
        if problem:
            out.problems.append(GoldProblem(q.id, g.document, g.article, problem))
        out.keys.append(key)
        out.written.append(g)
    return out
