"""Citation verification: an answer keeps only the citations that (1) name a unit that exists, (2) belong to an
article that was retrieved for it, and (3) quote text that really is in that unit.

Pure: the caller passes ``unit_text(document_id, article, clause, point) -> str | None`` (the store in the product,
a dict in tests). Quotes are compared after normalisation — NFC, whitespace squashed, case folded, typographic quotes
and the two spellings of "oà/òa", "uỷ/ủy" unified.
"""

from __future__ import annotations

from collections.abc import Callable

from assistant.answer import Answer, Source
from corpus.text import merge_tone_placements, nfc, normalize_quote_marks

__all__ = ["verify_citations", "normalize_quote", "quote_in"]

UnitText = Callable[[str, str, "str | None", "str | None"], "str | None"]

def normalize_quote(text: str) -> str:
    """The comparison form of a quote or a unit: NFC, case folded, quotation marks and tone placements unified,
    single spaces."""
    text = merge_tone_placements(normalize_quote_marks(nfc(text or "").casefold()))
    return " ".join(text.split())


def quote_in(quote: str, unit: str) -> bool:
    q = normalize_quote(quote).strip(" .;:,")
    return bool(q) and q in normalize_quote(unit)


def verify_citations(answer: Answer, sources: list[Source], unit_text: UnitText) -> Answer:
    """A copy of ``answer`` with only verified citations (``verified=True``); the others are dropped and counted in
    ``removed_citations``. When every citation is dropped the confidence is lowered (halved, and a warning added)."""
    retrieved = {(s.document_id, s.article) for s in sources}
    kept, removed = [], 0
    for c in answer.citations:
        text = None
        if (c.document_id, c.article) in retrieved:
            try:
                text = unit_text(c.document_id, c.article, c.clause, c.point)
            except Exception:  # noqa: BLE001 - a lookup failure of any kind is a missing unit
                text = None
        if text is None or not quote_in(c.quote, text):
            removed += 1
            continue
        kept.append(c.model_copy(update={"verified": True}))
    update: dict = {"citations": kept, "removed_citations": answer.removed_citations + removed}
    if removed and not kept:
        update["confidence"] = answer.confidence * 0.5
        update["warnings"] = [*answer.warnings, "Không trích dẫn nào được xác minh trong văn bản đã truy xuất."]
    elif removed:
        update["confidence"] = answer.confidence * (len(kept) / (len(kept) + removed)) ** 0.5
    return answer.model_copy(update=update)
