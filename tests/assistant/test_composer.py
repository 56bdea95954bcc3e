"""FallbackComposer on its own: order, reasons, names, and the answer a composer finishes."""

import pytest

from assistant.answer import Answer, Citation, Source
from assistant.composer import ComposeError, FallbackComposer
from assistant.understand import understand

Q = understand("Người phạm tội tự thú là tình tiết giảm nhẹ, đúng hay sai?")
SOURCES = [Source(document_id="d", article="1", text="Người phạm tội tự thú.")]


class Stub:
    def __init__(self, name: str, quote: str | None = None, error: Exception | None = None):
        self.name, self.quote, self.error, self.calls = name, quote, error, 0

    def compose(self, question, sources) -> Answer:
        self.calls += 1
        if self.error is not None:
            raise self.error
        cites = [Citation(document_id="d", article="1", quote=self.quote)] if self.quote else []
        return Answer(question=question.raw, text=f"{self.name} answer", citations=cites, composer=self.name)


def verify(answer: Answer, sources: list[Source]) -> Answer:
    """Keeps the citations whose quote is in a source."""
    kept = [c.model_copy(update={"verified": True}) for c in answer.citations
            if any(c.quote in s.text for s in sources)]
    return answer.model_copy(update={"citations": kept,
                                     "removed_citations": len(answer.citations) - len(kept)})


def test_first_verified_answer_is_taken_and_later_composers_not_asked():
    a, b = Stub("a", quote="tự thú"), Stub("b", quote="tự thú")
    ans = FallbackComposer([a, b], verify).compose(Q, SOURCES)
    assert ans.composer == "a" and ans.fallback_reason is None and ans.citations[0].verified
    assert (a.calls, b.calls) == (1, 0)


def test_failures_are_named_in_order_and_the_last_composer_answers():
    a = Stub("a", error=ComposeError("down"))
    b = Stub("b", error=ValueError("boom"))
    c = Stub("c", quote="không có")  # the last answers even without a verified citation
    ans = FallbackComposer([a, b, c], verify).compose(Q, SOURCES)
    assert ans.composer == "c (fallback from a)" and ans.citations == []
    assert ans.fallback_reason == "a: compose error: down; b: b error: ValueError: boom"
    assert "a" in ans.timings_ms


@pytest.mark.parametrize("first, sources, reason", [
    (Stub("a", quote="không có"), SOURCES, "no verified citation (1 removed by verification)"),
    (Stub("a"), SOURCES, "the model cited nothing"),
    (Stub("a", quote="tự thú"), [], "no sources retrieved"),
])
def test_reasons_for_an_unusable_answer(first, sources, reason):
    ans = FallbackComposer([first, Stub("b")], verify).compose(Q, sources)
    assert ans.composer == "b (fallback from a)" and ans.fallback_reason == reason
    assert first.calls == (1 if sources else 0)


def test_a_composer_finishes_its_verified_answer():
    class Finishing(Stub):
        def finish(self, answer: Answer) -> Answer:
            return answer.model_copy(update={"text": f"{answer.text} ({len(answer.citations)} verified)"})

    ans = FallbackComposer([Finishing("a", quote="tự thú"), Stub("b")], verify).compose(Q, SOURCES)
    assert ans.text == "a answer (1 verified)"
    with pytest.raises(ValueError):
        FallbackComposer([], verify)


class Stop(Exception):
    pass


def test_a_checkpoint_that_raises_stops_before_the_fallback():
    def checkpoint():
        raise Stop()

    a, b = Stub("a", error=ComposeError("down")), Stub("b", quote="tự thú")
    with pytest.raises(Stop):
        FallbackComposer([a, b], verify, checkpoint).compose(Q, SOURCES)
    assert (a.calls, b.calls) == (1, 0)
    calls = []
    ans = FallbackComposer([Stub("a", error=ComposeError("down")), b], verify, lambda: calls.append(1)).compose(
        Q, SOURCES)
    assert ans.composer == "b (fallback from a)" and calls == [1]  # a checkpoint that lets the work go on
