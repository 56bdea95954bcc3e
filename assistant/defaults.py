"""Defaults of the assistant and the case-law service, in one light module that the settings take them from."""

from __future__ import annotations

#: the longest question the assistant (and case search) takes; the service's ``max_question_chars`` defaults to it
MAX_QUESTION_CHARS = 2_000
#: the longest description of facts "similar cases" takes
MAX_FACTS_CHARS = 100_000
#: the corpus judgments and precedents are stored in
CASES_CORPUS = "cases"
#: the model name sent to an OpenAI-compatible endpoint (the GGUF that ``thuky models fetch-llm`` assembles)
LLM_MODEL_NAME = "qwen2.5-coder-1.5b-instruct"
