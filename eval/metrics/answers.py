"""Answer metrics as pure functions: correctness of Đúng/Sai and multiple-choice answers, exact match and token F1 of
short answers, citations against gold articles, citation verification, groundedness of open answers.

Every function returns a float in [0, 1], or ``nan`` where the metric does not apply to that question (no gold, no
citation offered…); the harness averages the values that apply and says how many did.

Vietnamese normalisation (:func:`normalize_answer`): NFC, case folded, the two tone placements unified ("hoà" =
"hòa", as citation verification does), punctuation dropped, whitespace squashed, and numbers written alike — leading
zeros dropped ("03 tháng" = "3 tháng") and thousands dots removed ("1.000.000" = "1000000").
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence

from assistant.verify import normalize_quote
from corpus.text import nfc

NAN = math.nan

_THOUSANDS = re.compile(r"(?<![\d.,])\d{1,3}(?:[.,]\d{3})+(?![\d.,]*\d)")
_WORD = re.compile(r"\w+")
_TRUE = {"đúng", "true", "đ", "yes", "có"}
_FALSE = {"sai", "false", "s", "no", "không"}


def normalize_answer(text: str | None) -> str:
    """The comparison form of an answer: NFC, case folded, tone placement and numbers unified, punctuation dropped,
    single spaces."""
    if not text:
        return ""
    text = normalize_quote(text)
    text = _THOUSANDS.sub(lambda m: re.sub(r"[.,]", "", m.group(0)), text)
    tokens = [t.lstrip("0") or "0" if t.isdigit() else t for t in _WORD.findall(text)]
    return " ".join(tokens)


def answer_tokens(text: str | None) -> list[str]:
    return normalize_answer(text).split()


def exact_match(prediction: str | None, gold: str) -> float:
    """1 when the normalised prediction equals the normalised gold answer."""
    return float(normalize_answer(prediction) == normalize_answer(gold))


def token_f1(prediction: str | None, gold: str) -> float:
    """SQuAD-style token F1 between the normalised prediction and gold answer (1 when both are empty)."""
    p, g = answer_tokens(prediction), answer_tokens(gold)
    if not p or not g:
        return float(p == g)
    common = sum((Counter(p) & Counter(g)).values())
    if common == 0:
        return 0.0
    precision, recall = common / len(p), common / len(g)
    return 2 * precision * recall / (precision + recall)


def true_false_value(text: str | None) -> bool | None:
    """"Đúng"/"Sai" (any case, with or without punctuation) → True/False; anything else → None."""
    t = normalize_answer(text)
    if t in _TRUE:
        return True
    if t in _FALSE:
        return False
    return None


def choice_letter(text: str | None) -> str | None:
    """"B", "b.", "Phương án B", "(B)" → "B"; anything else → None."""
    if not text:
        return None
    t = nfc(text).strip()
    m = re.fullmatch(r"(?:phương án|đáp án|lựa chọn)?\s*\(?([A-Za-z])\)?[.:)]?", t, re.IGNORECASE)
    return m.group(1).upper() if m else None


def choice_correct(prediction: str | None, gold: str, kind: str) -> float:
    """Correctness of a ``true_false`` or ``multiple_choice`` answer; an abstention (None) is wrong."""
    if kind == "true_false":
        p, g = true_false_value(prediction), true_false_value(gold)
    elif kind == "multiple_choice":
        p, g = choice_letter(prediction), choice_letter(gold)
    else:
        raise ValueError(f"not a closed question type: {kind!r}")
    if g is None:
        raise ValueError(f"gold answer {gold!r} is not a valid {kind} answer")
    return float(p is not None and p == g)


def citation_precision(cited: Iterable, gold: Iterable) -> float:
    """Share of the distinct cited articles that are gold; nan without gold or without citations."""
    cited, gold = set(cited), set(gold)
    if not gold or not cited:
        return NAN
    return len(cited & gold) / len(cited)


def citation_recall(cited: Iterable, gold: Iterable) -> float:
    """Share of the gold articles among the cited ones; nan without gold (no citation at all → 0)."""
    cited, gold = set(cited), set(gold)
    if not gold:
        return NAN
    return len(cited & gold) / len(gold)


def all_citations_verified(verified: Sequence[bool], removed: int = 0) -> float:
    """1 when the answer offered citations and every one verified (none removed by verification); nan when it
    offered none (kept + removed = 0)."""
    if not verified and not removed:
        return NAN
    return float(removed == 0 and all(verified))


# -- groundedness ---------------------------------------------------------------------------------------------------
_SENTENCE_END = re.compile(r"(?<=[.!?;…])[”\"»)]*\s+|\n+")
# words that frame a citation rather than state law ("Theo khoản 1 Điều 5 …: …", "Xem thêm …", "Phương án B")
_FRAME_WORDS = {"theo", "điều", "khoản", "điểm", "xem", "thêm", "phương", "án", "đúng", "sai", "quy", "định", "tại",
                "của", "và", "là", "này"}
DEFAULT_SUPPORT = 0.7


def split_sentences(text: str) -> list[str]:
    """Sentences of an answer: split after . ! ? ; … (and closing quotes) and at line breaks; empty pieces dropped."""
    return [s.strip() for s in _SENTENCE_END.split(nfc(text or "")) if s and s.strip()]


def _skip_words(frame: Iterable[str]) -> set[str]:
    """Words that frame a citation: the fixed framing words plus the words of ``frame`` (cited documents' titles)."""
    return _FRAME_WORDS | {w for f in frame for w in answer_tokens(f)}


def _vocab(text: str) -> set[str]:
    """The distinct normalised words of a unit's text."""
    return set(answer_tokens(text))


def _support(sentence: str, vocabs: Iterable[set[str]], skip: set[str]) -> float:
    """:func:`sentence_support` over precomputed unit vocabularies and skip words."""
    words = [w for w in answer_tokens(sentence) if w not in skip and not w.isdigit()]
    if not words:
        return 1.0
    best = 0.0
    for vocab in vocabs:
        best = max(best, sum(w in vocab for w in words) / len(words))
    return best


def sentence_support(sentence: str, unit_texts: Iterable[str], frame: Iterable[str] = ()) -> float:
    """The best share, over the cited units, of the sentence's words (bar citation framing: "Theo", "Điều",
    numbers, the cited documents' title words in ``frame``) that occur in that unit's text."""
    return _support(sentence, (_vocab(text) for text in unit_texts), _skip_words(frame))


def groundedness(answer_text: str, unit_texts: Sequence[str], frame: Iterable[str] = (),
                 threshold: float = DEFAULT_SUPPORT) -> float:
    """Share of the answer's sentences supported by a cited unit: at least ``threshold`` of the sentence's words
    occur in one cited unit's text (a lexical proxy for entailment). nan when the answer has no sentence."""
    sentences = split_sentences(answer_text)
    if not sentences:
        return NAN
    skip = _skip_words(frame)
    vocabs = [_vocab(text) for text in unit_texts]
    return sum(_support(s, vocabs, skip) >= threshold for s in sentences) / len(sentences)
