"""The optional LLM composer: a LangChain chat model answers from the retrieved articles, with structured citations.

The retrieved sources go into a Vietnamese prompt as numbered passages (``[1] Điều 51 Bộ luật Hình sự: …``,
:mod:`assistant.llm.prompt`) and the model must return one JSON object (:mod:`assistant.llm.output`)::

    {"citations": [{"source": 1, "clause": "1", "point": "s", "quote": "<text copied verbatim from passage 1>"}],
     "answer": "<the answer in Vietnamese>", "value": "Đúng" | "Sai" | "<letter>" | "<short value>"}

Structured output is asked of the endpoint when it supports it: llama.cpp's servers (``llama-cpp-python[server]``
and the native ``llama-server``) turn ``response_format={"type": "json_object", "schema": …}`` into a grammar, so the
reply is always valid JSON of that shape; vLLM and OpenAI take ``{"type": "json_schema", …}``. The reply is parsed
robustly all the same (code fences, text around the object, a reply cut at ``max_tokens``).

Each citation is mapped back to its :class:`Source` (document, Điều; :mod:`assistant.llm.citations`); when the quote is
found in the article, the khoản/điểm is set to the smallest unit that holds it (and a wrong passage number is corrected
to the passage that holds the quote). Quotes themselves are never changed: :func:`assistant.verify.verify_citations`
then keeps only the citations whose quote really is in the unit. The pipeline asks the LLM composer first and the
extractive one after it (:class:`assistant.composer.FallbackComposer`): the extractive answer is given instead — with
``fallback_reason`` set — whenever the endpoint is down, too slow, returns no usable JSON (:mod:`assistant.llm.errors`),
or no citation verifies.

The production path is an OpenAI-compatible endpoint (:meth:`LLMComposer.from_endpoint`, LangChain's ``ChatOpenAI``);
any LangChain chat model can be passed in instead (the tests use langchain-core's fake chat models).
"""

from assistant.llm.citations import map_citations, with_basis
from assistant.llm.composer import DEFAULT_MODEL_NAME, FALLBACK_COMPOSER, Generation, LLMComposer
from assistant.llm.errors import LLMEndpointError, LLMError, LLMInvalidOutput, LLMTimeout, LLMUnavailable
from assistant.llm.output import LLMCitation, LLMOutput, answer_schema, parse_llm_json
from assistant.llm.prompt import build_messages

__all__ = ["LLMComposer", "LLMError", "LLMUnavailable", "LLMTimeout", "LLMInvalidOutput", "LLMEndpointError",
           "Generation", "LLMOutput", "LLMCitation", "parse_llm_json", "answer_schema", "build_messages",
           "map_citations", "with_basis", "DEFAULT_MODEL_NAME", "FALLBACK_COMPOSER"]
