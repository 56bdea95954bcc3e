"""The composition root: every object of the product built from one :class:`~thuky.settings.Settings`.

The CLI, the service and the evaluation harness all get their store, indexes, embedder, composers, assistant and
case-law service here, and nowhere else. A :class:`Runtime` is cheap to make; each heavy resource is built on first
use and then kept (the embedding model, the LLM client, each corpus's loaded index, the case index).

``current()`` is the process's runtime over ``get_settings()`` (the CLI's); a test or an evaluation run makes its own
``Runtime(Settings(...))``. ``serve_app`` is the app factory ``thuky serve`` names to uvicorn.
"""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Callable, Mapping

from fastapi import FastAPI
from pydantic import ValidationError

from api.app import create_app
from api.services import Services
from assistant.case_file.service import CaseFiles, CaseFilesConfig
from assistant.cases import CaseLaw, related_cases_hook
from assistant.confidence import ConfidenceFile
from assistant.conversation import ConversationStore
from assistant.llm import LLMComposer
from assistant.pipeline import Assistant, AssistantConfig
from corpus.store import Store
from eval.system import ASSISTANT_PREFIX, ConfigError, System, assistant_config, check_keys, describe_settings
from indexing.distributed import RayExecutor
from indexing.embedder import Embedder
from indexing.index import CorpusIndex, EmbeddedBackend, IndexConfig
from indexing.registry import IndexRegistry
from thuky.settings import Settings, get_settings

_KEEP = object()  # "the runtime's own conversation store"


class Runtime:
    def __init__(self, settings: Settings):
        self.settings = settings
        self._lock = threading.RLock()  # re-entrant: making one resource may make another
        self._store: Store | None = None
        self._indexes: IndexRegistry | None = None
        self._embedder: Embedder | None = None
        self._llm: LLMComposer | None = None
        self._case_law: CaseLaw | None = None
        self._confidence: ConfidenceFile | None = None
        self._case_files: CaseFiles | None = None

    # -- storage and models ---------------------------------------------------------------------------------------
    @property
    def store(self) -> Store:
        return self._once("_store", lambda: Store(self.settings.db_url))

    def _once(self, attr: str, make: Callable[[], object]):
        """The object kept in ``attr``, made by ``make`` the first time (once, even from several threads)."""
        with self._lock:
            if getattr(self, attr) is None:
                setattr(self, attr, make())
            return getattr(self, attr)

    def embedder(self) -> Embedder | None:
        """The configured embedding model (it loads on first encode), or None when the dense side is off."""
        s = self.settings
        if not s.dense:
            return None
        return self._once("_embedder", lambda: Embedder(s.model_dir, batch_size=s.embed_batch_size,
                                                        max_seq_length=s.dense_max_seq, quantize=s.dense_int8))

    def llm(self) -> LLMComposer | None:
        """The LLM composer when ``llm_url`` is set (an OpenAI-compatible endpoint), else None."""
        s = self.settings
        if not s.llm_url:
            return None
        return self._once("_llm", lambda: LLMComposer(base_url=s.llm_url, model=s.llm_model, timeout=s.llm_timeout_s))

    # -- indexes --------------------------------------------------------------------------------------------------
    def index_config(self) -> IndexConfig:
        s = self.settings
        kw = {"model_dir": str(s.model_dir) if s.dense else None, "dense_max_seq": s.dense_max_seq,
              "dense_int8": s.dense_int8}
        if s.dense_max_pieces:
            kw["max_pieces"] = s.dense_max_pieces
        # one piece per article: the fusion weights measured for it
        return IndexConfig.one_piece(**kw) if s.dense_max_pieces == 1 else IndexConfig(**kw)

    def index_executor(self, ray_address: str | None = None) -> RayExecutor | None:
        """What segments and embeds an index build besides this process: Ray at ``ray_address`` (``"local"``: a Ray
        started on this machine), or None for the single-process default."""
        return RayExecutor(ray_address) if ray_address else None

    def index_backend(self):
        """Where the indexes live (``THUKY_SEARCH_BACKEND``): folders under home, or Milvus collections."""
        s = self.settings
        if s.search_backend == "milvus":
            from indexing.milvus import MilvusBackend

            return MilvusBackend(s.milvus_address, s.home, s.milvus_token)
        return EmbeddedBackend(s.home)

    def index_builder(self, config: IndexConfig | None = None, embedder=None, executor=None):
        """The builder of the configured backend (``IndexBuilder`` or ``MilvusIndexBuilder``); ``executor`` (see
        :meth:`index_executor`) segments and embeds on Ray what the caches lack."""
        return self.index_backend().builder(config or self.index_config(), embedder, executor)

    @property
    def indexes(self) -> IndexRegistry:
        s = self.settings
        return self._once("_indexes", lambda: IndexRegistry(s.home, self.store, self.embedder,
                                                            str(s.model_dir) if s.dense else None,
                                                            ranker=s.learned_ranker, backend=self.index_backend(),
                                                            adapter=s.learned_ranker and s.query_adapter))

    def corpus_index(self, corpus: str) -> CorpusIndex:
        """The live index of a corpus (raises ``indexing.index.IndexUnavailable`` with a rebuild hint)."""
        return self.indexes.get(corpus)

    # -- case law and the assistant -------------------------------------------------------------------------------
    def case_law(self, corpus: str | None = None, law_corpus: str | None = None) -> CaseLaw:
        """The case-law service (``THUKY_CASES_*``; its answers masked unless a call asks otherwise); the configured
        corpora's is built once. The embedder only when the dense side is on and the model is built; the statute
        index loads on first use."""
        s = self.settings
        if corpus in (None, s.cases_corpus) and law_corpus in (None, s.case_law_corpus):
            return self._once("_case_law", lambda: self._new_case_law(s.cases_corpus, s.case_law_corpus))
        return self._new_case_law(corpus or s.cases_corpus, law_corpus or s.case_law_corpus)

    def _new_case_law(self, corpus: str, law: str) -> CaseLaw:
        s = self.settings
        emb = self.embedder() if s.dense and (s.model_dir / "modules.json").exists() else None
        return CaseLaw(self.store, corpus=corpus, law_corpus=law, home=s.home, embedder=emb,
                       statute_index=lambda: self.indexes.get(law),
                       max_facts_chars=s.cases_max_facts_chars,
                       milvus=(s.milvus_address, s.milvus_token) if s.search_backend == "milvus" else None)

    def case_files(self) -> CaseFiles:
        """Case files uploaded into conversations: split, segmented, embedded (when the model is built), read, and
        searched privately per conversation."""
        s = self.settings

        def segment(texts: list[str]) -> list[list[str]]:
            from indexing.segment import Segmenter

            return Segmenter().segment_many(texts, workers=2)  # a fresh cache: no file's words kept in memory

        def embedder():
            return self.embedder() if s.dense and (s.model_dir / "modules.json").exists() else None

        config = CaseFilesConfig(max_files_per_session=s.case_files_per_session, mask_parties=s.case_file_mask_parties,
                                 similar_k=s.case_file_similar)
        return self._once("_case_files", lambda: CaseFiles(self.store, segment=segment, embedder=embedder,
                                                           case_law=self.case_law, config=config))

    def assistant(self, *, index_for: Callable[[str], CorpusIndex] | None = None, conversations=_KEEP,
                  config: AssistantConfig | None = None, checkpoint: Callable[[], None] | None = None) -> Assistant:
        """The assistant over this runtime's store and indexes, with conversations kept in the same database (pass
        ``conversations=None`` for none), the LLM composer when configured, and related judgments beside answers."""
        if conversations is _KEEP:
            conversations = ConversationStore(self.store.engine)
        s = self.settings
        return Assistant(self.store, index_for or self.indexes.get, conversations, llm=self.llm(), config=config,
                         related_cases=related_cases_hook(self.case_law, s.cases_in_answers),
                         confidence=self._once("_confidence", lambda: ConfidenceFile(s.home))
                         if s.learned_confidence else None, checkpoint=checkpoint,
                         case_files=self.case_files() if conversations is not None else None)

    # -- the service and the harness ------------------------------------------------------------------------------
    def services(self) -> Services:
        return Services(self.settings, self)

    def app(self) -> FastAPI:
        return create_app(self.services())

    def system(self, overrides: Mapping[str, str] | None = None, *, with_assistant: bool = True) -> System:
        """What the evaluation harness runs: the product's index, assistant and resolvers. The assistant stores no
        conversation (an evaluation run is not a user's chat); ``assistant.*`` overrides replace its config."""
        overrides = dict(overrides or {})
        assistant = None
        description = {"settings": describe_settings(self.settings), "overrides": overrides}
        if with_assistant:
            assistant = self.assistant(conversations=None, config=assistant_config(AssistantConfig(), overrides))
            description["assistant"] = dataclasses.asdict(assistant.config) | {
                "composer": getattr(assistant.composer, "name", type(assistant.composer).__name__)}
        return System(index_for=self.indexes.get, assistant=assistant, resolver_for=self.store.resolver,
                      description=description)


def evaluation_system(overrides: Mapping[str, str] | None = None, *, with_assistant: bool = True) -> System:
    """The product as an evaluation run configures it: ``Settings(**overrides)`` over the environment's settings."""
    overrides = dict(overrides or {})
    check_keys(overrides, set(Settings.model_fields))
    try:
        settings = Settings(**{k: v for k, v in overrides.items() if not k.startswith(ASSISTANT_PREFIX)})
    except ValidationError as exc:
        e = exc.errors()[0]
        raise ConfigError(f"invalid setting: {e['loc'][0]}: {e['msg']}") from None
    return Runtime(settings).system(overrides, with_assistant=with_assistant)


_current: Runtime | None = None


def current() -> Runtime:
    """The process's runtime, over ``get_settings()`` (a new one when the settings are reloaded)."""
    global _current
    settings = get_settings()
    if _current is None or _current.settings is not settings:
        _current = Runtime(settings)
    return _current


def serve_app() -> FastAPI:
    """The app factory ``thuky serve`` gives uvicorn (each worker process builds its own)."""
    return current().app()
