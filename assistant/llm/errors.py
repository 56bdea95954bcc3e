"""The ways an LLM call fails; each carries the short ``reason`` that goes into ``Answer.fallback_reason``."""

from __future__ import annotations

__all__ = ["LLMError", "LLMUnavailable", "LLMTimeout", "LLMInvalidOutput", "LLMEndpointError", "classify_error"]


class LLMError(RuntimeError):
    """The model gave no usable answer; ``reason`` is the short text that goes into ``Answer.fallback_reason``."""

    kind = "llm error"

    def __init__(self, detail: str = ""):
        super().__init__(detail)
        self.detail = detail

    @property
    def reason(self) -> str:
        return f"{self.kind}: {self.detail}" if self.detail else self.kind


class LLMUnavailable(LLMError):
    kind = "endpoint unavailable"


class LLMTimeout(LLMError):
    kind = "timeout"


class LLMInvalidOutput(LLMError):
    kind = "invalid output"


class LLMEndpointError(LLMError):
    kind = "endpoint error"


def classify_error(exc: BaseException) -> LLMError:
    """Map an exception from the chat model (openai/httpx/anything) to an :class:`LLMError`."""
    if isinstance(exc, LLMError):
        return exc
    names = {c.__name__ for c in type(exc).__mro__}
    msg = f"{type(exc).__name__}: {exc}".strip()[:300]
    if names & {"APITimeoutError", "TimeoutException", "TimeoutError", "ReadTimeout", "ConnectTimeout"}:
        return LLMTimeout(msg)
    if names & {"APIConnectionError", "ConnectError", "ConnectionError", "RemoteProtocolError", "NetworkError"}:
        return LLMUnavailable(msg)
    if names & {"APIStatusError", "HTTPStatusError", "APIError"}:
        return LLMEndpointError(msg)
    return LLMError(msg)
