"""What a composer is, and composers tried one after another.

A :class:`Composer` writes an :class:`Answer` from the retrieved sources; its citations are checked afterwards (see
:mod:`assistant.verify`). :class:`FallbackComposer` tries a list of composers in order — like Haystack's
``FallbackChatGenerator`` — and takes the first answer with at least one verified citation; the last composer always
answers. The product's pair is the LLM composer, then the extractive one.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Protocol

from assistant.answer import Answer, Source
from assistant.understand import Question

__all__ = ["Composer", "ComposeError", "FallbackComposer", "Verify", "fallback_name"]

Verify = Callable[[Answer, list[Source]], Answer]  # the answer with only its verified citations


class Composer(Protocol):
    """Answers a question from the sources only. ``compose`` may raise :class:`ComposeError` (or anything else) when
    it cannot answer. A composer may also define ``finish(answer) -> Answer``: its verified answer as finally given
    (the LLM composer's "Căn cứ" line then names the verified units only)."""

    name: str

    def compose(self, question: Question, sources: list[Source]) -> Answer: ...


class ComposeError(RuntimeError):
    """A composer gave no usable answer; ``reason`` is the short text that goes into ``Answer.fallback_reason``."""

    kind = "compose error"

    def __init__(self, detail: str = ""):
        super().__init__(detail)
        self.detail = detail

    @property
    def reason(self) -> str:
        return f"{self.kind}: {self.detail}" if self.detail else self.kind


def fallback_name(answered: str, first: str) -> str:
    """The composer name of an answer given because the first composer's failed: "extractive (fallback from llm)"."""
    return f"{answered} (fallback from {first})"


class FallbackComposer:
    """Tries ``composers`` in order; each answer is checked with ``verify(answer, sources)``.

    An answer from any but the last composer is taken when at least one of its citations verifies; otherwise — or
    when the composer raises, or when there are no sources it could cite — the next composer is tried. The last
    composer always answers. An answer given by a later composer is named ``"<its name> (fallback from <first
    name>)"``, with ``fallback_reason`` saying why the composers before it failed and ``timings_ms[<first name>]`` the
    time spent since the first was asked. Never raises because of an earlier composer."""

    def __init__(self, composers: Sequence[Composer], verify: Verify, checkpoint: Callable[[], None] | None = None):
        if not composers:
            raise ValueError("FallbackComposer needs at least one composer")
        self.composers = list(composers)
        self.verify = verify
        self.checkpoint = checkpoint  # called before each fallback: it raises to stop (the caller went away)
        self.name = self.composers[0].name

    def compose(self, question: Question, sources: list[Source]) -> Answer:
        t0 = time.perf_counter()
        *earlier, last = self.composers
        failures: list[tuple[str, str]] = []
        for composer in earlier:
            taken = self._try(composer, question, sources)
            if isinstance(taken, Answer):
                return taken
            failures.append((composer.name, taken))
            if self.checkpoint is not None:
                self.checkpoint()
        answer = self._finish(last, self.verify(last.compose(question, sources), sources))
        if not failures:
            return answer
        first = self.composers[0].name
        timings = dict(answer.timings_ms)
        timings[first] = round((time.perf_counter() - t0) * 1000, 1)
        reason = failures[0][1] if len(failures) == 1 else "; ".join(f"{n}: {r}" for n, r in failures)
        return answer.model_copy(update={"composer": fallback_name(last.name, first), "fallback_reason": reason,
                                         "timings_ms": timings})

    def _try(self, composer: Composer, question: Question, sources: list[Source]) -> Answer | str:
        """The composer's verified answer, or why it is not taken."""
        if not sources:
            return "no sources retrieved"
        try:
            checked = self.verify(composer.compose(question, sources), sources)
        except ComposeError as exc:
            return exc.reason
        except Exception as exc:  # noqa: BLE001 - any failure of an earlier composer falls back
            detail = f"{type(exc).__name__}: {exc}".strip()[:300]
            return f"{composer.name} error: {detail}"
        if checked.citations:
            return self._finish(composer, checked)
        return (f"no verified citation ({checked.removed_citations} removed by verification)"
                if checked.removed_citations else "the model cited nothing")

    @staticmethod
    def _finish(composer: Composer, answer: Answer) -> Answer:
        finish = getattr(composer, "finish", None)
        return finish(answer) if finish is not None else answer
