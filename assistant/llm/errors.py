"""The ways an LLM call fails; each carries the short ``reason`` that goes into ``Answer.fallback_reason``."""

from __future__ import annotations

from assistant.composer import ComposeError

__all__ = ["LLMError", "LLMUnavailable", "LLMTimeout", "LLMInvalidOutput", "LLMEndpointError", "classify_error"]


class LLMError(ComposeError):
    """The model gave no usable answer; ``reason`` is the short text that goes into ``Answer.fallback_reason``."""

    kind = "llm error"


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
