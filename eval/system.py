"""The system under evaluation: what the runner calls, and the product's own wiring of it.

A :class:`System` is three callables — a corpus's index (``search``), the assistant (``answer``) and a corpus's alias
resolver — so a test can inject fakes with known results. The product's own system is built by the composition root
(``thuky.runtime.evaluation_system``) from ``Settings(**overrides)``; this module parses and checks those overrides.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from pydantic import TypeAdapter, ValidationError

from assistant.answer import Answer
from assistant.pipeline import AssistantConfig
from eval.suite import Resolver
from indexing.types import Hit


class SearchIndex(Protocol):
    def search(self, query: str, k: int = 10, filters=None, choices: dict[str, str] | None = None) -> list[Hit]: ...


class AnswersQuestions(Protocol):
    def answer(self, question: str, *, corpus: str, choices: dict[str, str] | None = None, form=None,
               use_llm: bool = False) -> Answer: ...


@dataclass
class System:
    index_for: Callable[[str], SearchIndex]
    assistant: AnswersQuestions | None
    resolver_for: Callable[[str], Resolver]
    description: dict[str, Any] = field(default_factory=dict)  # the configuration, recorded with the run


class ConfigError(ValueError):
    """A configuration key or value the harness cannot apply; the message says which and what is allowed."""


ASSISTANT_PREFIX = "assistant."


def parse_config(items: list[str] | None) -> dict[str, str]:
    """``--config`` values → overrides. Each is ``KEY=VALUE`` or a JSON file of ``{KEY: VALUE}``. KEY is a
    ``thuky.settings.Settings`` field (``dense``, ``dense_max_seq``, ``llm_url``…) or ``assistant.<field>`` of
    ``assistant.pipeline.AssistantConfig`` (``assistant.k``, ``assistant.abstain_threshold``)."""
    out: dict[str, str] = {}
    for item in items or []:
        if "=" in item:
            key, _, value = item.partition("=")
            out[key.strip()] = value.strip()
            continue
        path = Path(item)
        if not path.is_file():
            raise ConfigError(f"--config {item!r} is neither KEY=VALUE nor a JSON file")
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise ConfigError(f"cannot read the configuration {path}: {exc}") from None
        if not isinstance(data, dict):
            raise ConfigError(f"{path} must hold a JSON object of KEY: VALUE")
        out.update({str(k): v if isinstance(v, str) else json.dumps(v) for k, v in data.items()})
    return out


def check_keys(overrides: Mapping[str, str], settings_keys: set[str]) -> None:
    """Every key is one of ``settings_keys`` (the product's settings) or ``assistant.<AssistantConfig field>``."""
    assistant_keys = {f.name for f in dataclasses.fields(AssistantConfig)}
    for key in overrides:
        if key.startswith(ASSISTANT_PREFIX):
            if key[len(ASSISTANT_PREFIX):] not in assistant_keys:
                raise ConfigError(f"unknown assistant setting {key!r}; known: "
                                  f"{', '.join(ASSISTANT_PREFIX + k for k in sorted(assistant_keys))}")
        elif key not in settings_keys:
            raise ConfigError(f"unknown setting {key!r}; known: {', '.join(sorted(settings_keys))} "
                              f"and assistant.<{'|'.join(sorted(assistant_keys))}>")


def assistant_config(base: AssistantConfig, overrides: Mapping[str, str]) -> AssistantConfig:
    """``base`` with the ``assistant.*`` overrides applied (each value checked against the field's type)."""
    changes = {}
    types = {f.name: f.type for f in dataclasses.fields(base)}
    for key, value in overrides.items():
        if key.startswith(ASSISTANT_PREFIX):
            name = key[len(ASSISTANT_PREFIX):]
            t = types[name]
            kind = {"int": int, "float": float, "bool": bool}.get(t if isinstance(t, str) else t.__name__, str)
            try:
                changes[name] = TypeAdapter(kind).validate_python(value)
            except ValidationError:
                raise ConfigError(f"{key}={value!r} is not a valid {kind.__name__}") from None
    return dataclasses.replace(base, **changes)


def describe_settings(settings) -> dict[str, Any]:
    """What shapes the results: retrieval and model settings (no secrets, no paths of the user's machine)."""
    return {"dense": settings.dense, "dense_max_seq": settings.dense_max_seq, "dense_int8": settings.dense_int8,
            "dense_max_pieces": settings.dense_max_pieces, "embedding_model": settings.model_dir.name,
            "llm": bool(settings.llm_url), "llm_model": settings.llm_model if settings.llm_url else None}
