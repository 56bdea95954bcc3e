"""The model's structured reply: its JSON schema, its pydantic shape, robust parsing, and the value the form needs."""

from __future__ import annotations

import json
import re
from typing import Any

from langchain_core.utils.json import parse_json_markdown
from pydantic import BaseModel, Field, ValidationError, field_validator

from assistant.answer import AnswerForm
from assistant.llm.errors import LLMInvalidOutput
from assistant.understand import Question
from corpus.text import fold

__all__ = ["LLMCitation", "LLMOutput", "answer_schema", "parse_llm_json", "normalize_value"]


def _s(v: Any) -> str:
    return "" if v is None else str(v).strip()


class LLMCitation(BaseModel):
    source: int = Field(..., description="1-based number of the passage")
    clause: str = ""
    point: str = ""
    quote: str = ""

    @field_validator("source", mode="before")
    @classmethod
    def _source(cls, v):
        if isinstance(v, str):
            m = re.search(r"\d+", v)
            if not m:
                raise ValueError(f"no passage number in {v!r}")
            return int(m.group())
        return v

    @field_validator("clause", "point", "quote", mode="before")
    @classmethod
    def _str(cls, v):
        return _s(v)


class LLMOutput(BaseModel):
    answer: str = ""
    value: str = ""
    citations: list[LLMCitation] = Field(default_factory=list)

    @field_validator("answer", "value", mode="before")
    @classmethod
    def _str(cls, v):
        return _s(v)

    @field_validator("citations", mode="before")
    @classmethod
    def _cits(cls, v):
        if v is None:
            return []
        if isinstance(v, dict):
            v = [v]
        # drop entries that are not objects with a passage number, keep the rest
        out = []
        for c in v if isinstance(v, list) else []:
            if isinstance(c, dict) and c.get("source") not in (None, ""):
                try:
                    out.append(LLMCitation.model_validate(c))
                except ValidationError:
                    continue
        return out


def answer_schema(question: Question | None = None, max_citations: int = 3, max_quote_chars: int = 200,
                  max_answer_chars: int = 500, answer_first: bool = False) -> dict:
    """The JSON schema of the reply (``value`` restricted to Đúng/Sai or the option letters when the form asks).
    String lengths are bounded so that a grammar-constrained reply stays short (a quote cut at the bound is still a
    verbatim piece of the passage)."""
    value: dict[str, Any] = {"type": "string", "maxLength": 150}
    if question is not None and question.form == AnswerForm.TRUE_FALSE:
        value = {"type": "string", "enum": ["Đúng", "Sai"]}
    elif question is not None and question.form == AnswerForm.MULTIPLE_CHOICE and question.choices:
        value = {"type": "string", "enum": sorted(question.choices)}
    schema = {
        "type": "object",
        "properties": {
            "citations": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "source": {"type": "integer"},
                        "clause": {"type": "string"},
                        "point": {"type": "string"},
                        "quote": {"type": "string", "maxLength": max_quote_chars},
                    },
                    "required": ["source", "clause", "point", "quote"],
                },
                "maxItems": max_citations,
            },
            "answer": {"type": "string", "maxLength": max_answer_chars},
            "value": value,
        },
        "required": ["citations", "answer", "value"],
    }
    if answer_first:  # a grammar writes properties in this order
        props = schema["properties"]
        schema["properties"] = {k: props[k] for k in ("answer", "value", "citations")}
        schema["required"] = ["answer", "value", "citations"]
    return schema


_KEYS = {"answer", "value", "citations"}
_FENCE = re.compile(r"```(?:json|JSON)?\s*(.*?)(?:```|$)", re.S)


def parse_llm_json(text: str) -> tuple[dict, bool]:
    """The JSON object in a model reply and whether it had to be completed (a reply cut short).

    Accepts a bare object, one inside a code fence, one with text before or after it; a reply cut at ``max_tokens``
    is closed by LangChain's partial-JSON parser. Raises :class:`LLMInvalidOutput` when there is no object."""
    if not text or not text.strip():
        raise LLMInvalidOutput("empty reply")
    candidates = []
    m = _FENCE.search(text)
    if m:
        candidates.append(m.group(1))
    candidates.append(text)
    dec = json.JSONDecoder()
    for cand in candidates:
        for start in [i for i, ch in enumerate(cand) if ch == "{"][:20]:
            try:
                obj, _end = dec.raw_decode(cand[start:])
            except ValueError:
                continue
            if isinstance(obj, dict) and obj.keys() & _KEYS:  # not an inner object of a reply cut short
                return obj, False
    try:
        obj = parse_json_markdown(text[text.find("{"):] if "{" in text else text)
    except Exception as exc:  # noqa: BLE001 - any parser error is an invalid reply
        raise LLMInvalidOutput(f"no JSON object in the reply ({str(exc)[:80]}): {text[:120]!r}") from None
    if not isinstance(obj, dict):
        raise LLMInvalidOutput(f"the reply is JSON but not an object: {text[:120]!r}")
    return obj, True


def normalize_value(form: AnswerForm, value: str, answer: str, choices: dict[str, str] | None) -> str | None:
    """The value the form needs, or ``None`` when the reply does not give one."""
    v = (value or "").strip().strip(".\"'“”")
    if form == AnswerForm.TRUE_FALSE:
        f = fold(v).strip()
        if re.match(r"^(dung|true|chinh xac|co\s*$)", f):
            return "Đúng"
        if re.match(r"^(sai|false|khong dung|khong chinh xac|khong\s*$)", f):
            return "Sai"
        # no usable value: the answer's first words ("Đúng. …", "Nhận định trên là sai …")
        m = re.match(r"^(?:nhan dinh (?:tren|nay) (?:la )?)?(khong dung|dung|sai)\b", fold(answer or "").strip())
        if m:
            return "Sai" if m.group(1) in ("sai", "khong dung") else "Đúng"
        return None
    if form == AnswerForm.MULTIPLE_CHOICE:
        letters = sorted(choices) if choices else ["A", "B", "C", "D"]
        for cand in (v, answer or ""):
            m = re.match(r"^\s*(?:phương án|đáp án|câu)?\s*\(?([A-Za-z])\b", cand, re.I)
            if m and m.group(1).upper() in letters:
                return m.group(1).upper()
        return None
    return v or None
