"""The reply's citations mapped back to the sources (document, Điều, khoản, điểm), and the answer text around them."""

from __future__ import annotations

import re

from assistant.answer import Citation, Source
from assistant.llm.output import LLMOutput
from assistant.verify import quote_in

__all__ = ["map_citations", "normalize_clause", "normalize_point", "body_text", "with_basis"]


def normalize_clause(v: str) -> str | None:
    """"khoản 2" / "2." / "2" → "2"; "" → None."""
    m = re.search(r"\d+", v or "")
    return m.group() if m else None


def normalize_point(v: str) -> str | None:
    """"điểm b" / "b)" / "đ" → "b" / "đ"; "" → None."""
    t = re.sub(r"(?i)^\s*điểm\s+", "", (v or "").strip()).strip(" ).:")
    m = re.fullmatch(r"([a-zđA-ZĐ])", t)
    return m.group(1).lower() if m else None


def _locate(source: Source, quote: str, clause: str | None, point: str | None) -> tuple[str | None, str | None]:
    """The (khoản, điểm) of ``source`` that holds ``quote``: the model's own when that unit holds it, otherwise the
    smallest unit that does, otherwise the whole article. Unchanged when the quote is not in the article at all."""
    from corpus.statute_parser import parse_article_body

    text = source.text or ""
    if not quote_in(quote, text):
        return clause, point
    try:
        clauses, art_points = parse_article_body(text)
    except Exception:  # noqa: BLE001 - an unparsable article is cited as a whole
        return None, None
    units: dict[tuple[str | None, str | None], str] = {}
    for c in clauses:
        units[(c.number, None)] = c.text
        for p in c.points:
            units[(c.number, p.letter)] = p.text
    for p in art_points:
        units[(None, p.letter)] = p.text
    given = units.get((clause, point))
    if given is not None and quote_in(quote, given):
        return clause, point
    # points first (the smallest), then clauses, then the article
    for (cl, pt), t in units.items():
        if pt is not None and quote_in(quote, t):
            return cl, pt
    for (cl, pt), t in units.items():
        if pt is None and quote_in(quote, t):
            return cl, None
    return None, None


def _clean_quote(q: str) -> str:
    q = " ".join((q or "").split())
    q = re.sub(r"^(?:\.\.\.|…)\s*|\s*(?:\.\.\.|…)$", "", q)
    return q.strip().strip("\"“”«»'").strip()


def _trim_cut_quote(quote: str, sources: list[Source]) -> str:
    """A quote cut by the schema's length bound often ends in a garbled word (the grammar forbade the token the model
    wanted): keep its longest word-boundary prefix that is verbatim in a passage, when that is most of it."""
    words = quote.split()
    for n in range(len(words) - 1, max(len(words) // 2, 3) - 1, -1):
        cand = " ".join(words[:n]).rstrip(",;:")
        if any(quote_in(cand, s.text or "") for s in sources):
            return cand
    return quote


def map_citations(out: LLMOutput, sources: list[Source], max_quote_chars: int | None = None
                  ) -> tuple[list[Citation], int]:
    """Citations of the reply mapped to the sources; also the number dropped because they name no passage and their
    quote is in none. Quotes are kept as the model wrote them (verification judges them), except that a quote cut at
    ``max_quote_chars`` loses its garbled last words."""
    cites: list[Citation] = []
    dropped = 0
    seen = set()
    for c in out.citations:
        quote = _clean_quote(c.quote)
        if (max_quote_chars and len(quote) >= max_quote_chars - 15
                and not any(quote_in(quote, s.text or "") for s in sources)):
            quote = _trim_cut_quote(quote, sources)
        src = sources[c.source - 1] if 1 <= c.source <= len(sources) else None
        if quote and (src is None or not quote_in(quote, src.text or "")):
            # the quote is in another passage: the passage number was wrong
            src = next((s for s in sources if quote_in(quote, s.text or "")), src)
        if src is None:
            dropped += 1
            continue
        clause, point = _locate(src, quote, normalize_clause(c.clause), normalize_point(c.point))
        key = (src.document_id, src.article, clause, point, quote)
        if key in seen:
            continue
        seen.add(key)
        cites.append(Citation(document_id=src.document_id, document_title=src.document_title, article=src.article,
                              clause=clause, point=point, quote=quote, document_status=src.document_status))
    return cites, dropped


def _label_for(sources: list[Source], n: int) -> str | None:
    if 1 <= n <= len(sources):
        s = sources[n - 1]
        return f"Điều {s.article} {s.document_title}".strip()
    return None


def body_text(answer: str, sources: list[Source]) -> str:
    """The model's answer with its passage markers "[2]" replaced by the article they stand for."""

    def sub(m: re.Match) -> str:
        label = _label_for(sources, int(m.group(1)))
        return f"({label})" if label else ""

    text = re.sub(r"\[(\d+)\]", sub, answer or "")
    return " ".join(text.split())


def with_basis(body: str, citations: list[Citation]) -> str:
    """The answer text followed by the units it rests on ("Căn cứ: điểm s khoản 1 Điều 51 Bộ luật Hình sự.")."""
    labels = []
    for c in citations:
        if c.label not in labels:
            labels.append(c.label)
    if not labels:
        return body
    body = body.rstrip()
    if body and body[-1] not in ".!?…":
        body += "."
    return f"{body} Căn cứ: {'; '.join(labels)}.".strip()
