"""One settings object for the whole product, overridable by ``THUKY_*`` environment variables.

Only the top reads it: :class:`thuky.runtime.Runtime` builds every object from one ``Settings`` instance. Each layer's
own knobs keep their defaults where that layer defines them — the service's in :class:`api.config.ServiceConfig` (which
``Settings`` inherits), the index's in :class:`indexing.config.IndexConfig`, the assistant's in ``assistant.defaults``.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from api.config import ServiceConfig
from assistant.defaults import CASES_CORPUS, LLM_MODEL_NAME
from indexing.config import IndexConfig

REPO_ROOT = Path(__file__).resolve().parent.parent
_INDEX = IndexConfig()


class Settings(BaseSettings, ServiceConfig):
    model_config = SettingsConfigDict(env_prefix="THUKY_", extra="ignore")

    database_url: str | None = Field(default=None, description="SQLAlchemy URL; default SQLite under home")
    data_dir: Path = Field(default=REPO_ROOT.parent / "shared" / "data", description="The shared real data sets")
    embedding_model: Path | None = Field(default=None, description="A sentence-transformers directory; default: "
                                         "the e5-small rebuilt by `thuky models build` under home")
    dense: bool = Field(default=True, description="Use the dense (embedding) side of retrieval")
    dense_max_seq: int = Field(default=_INDEX.dense_max_seq, description="Tokens of each article piece the encoder "
                               "reads")
    dense_int8: bool = Field(default=_INDEX.dense_int8, description="Dynamic int8 quantisation of the encoder (CPU "
                             "speed)")
    dense_max_pieces: int | None = Field(default=None, description="Pieces (runs of whole clauses) embedded per "
                                         f"article, on either backend; default {_INDEX.max_pieces}. 1: the first "
                                         "piece alone, with the fusion weights measured for one")
    embed_batch_size: int = 16
    search_backend: Literal["embedded", "milvus"] = Field(
        default="embedded", description="Where the search indexes live: `embedded` (bm25s + FAISS folders under "
        "home) or `milvus` (a Milvus collection per corpus at milvus_uri)")
    milvus_uri: str | None = Field(default=None, description="With search_backend=milvus: a file path runs "
                                   "milvus-lite in-process (default: milvus.db under home), an http://host:19530 "
                                   "address talks to a Milvus server or cluster")
    milvus_token: str | None = Field(default=None, description="Milvus credentials (`user:password` or an API "
                                     "key), when the server asks for them")
    learned_ranker: bool = Field(default=True, description="Re-rank search candidates with the model `thuky models "
                                 "train` trained under home (when there is one)")
    query_adapter: bool = Field(default=True, description="Map dense query vectors through the query adapter "
                                "`thuky models train` fits (indexing/query_adapter.py; its ranker learns from each "
                                "dev question searched through an adapter that did not see it). Out of fold it ranks "
                                "and answers real users' questions better at the same abstention (README)")
    learned_confidence: bool = Field(default=True, description="Answer confidence and abstention from the model "
                                     "`thuky models train` fitted under home (else the evidence-score rule)")
    llm_url: str | None = Field(default=None, description="OpenAI-compatible endpoint (vLLM, llama.cpp server), "
                                "e.g. http://127.0.0.1:8080/v1; unset: extractive answers only")
    llm_model: str = LLM_MODEL_NAME
    llm_timeout_s: float = 120.0
    admin_username: str = Field(default="admin", description="The first administrator `make run` creates")
    admin_password: str | None = Field(default=None, description="Its password (THUKY_ADMIN_PASSWORD); unset: "
                                       "a generated one is printed once")
    # -- case law (bản án, án lệ) ---------------------------------------------------------------------------------
    cases_corpus: str = Field(default=CASES_CORPUS, description="The corpus judgments and precedents are stored in")
    cases_law_corpus: str | None = Field(default=None, description="The law corpus case citations resolve against; "
                                         "default: default_corpus")
    cases_in_answers: int = Field(default=3, description="Judgments shown beside an answer as supporting "
                                  "material (0: none)")

    @property
    def db_url(self) -> str:
        return self.database_url or f"sqlite:///{self.home / 'thuky.db'}"

    @property
    def model_dir(self) -> Path:
        return self.embedding_model or self.home / "models" / "multilingual-e5-small"

    @property
    def milvus_address(self) -> str:
        return self.milvus_uri or str(self.home / "milvus.db")

    @property
    def case_law_corpus(self) -> str:
        return self.cases_law_corpus or self.default_corpus

    @property
    def statutes_dir(self) -> Path:
        return self.data_dir / "statutes"


@lru_cache
def get_settings() -> Settings:
    return Settings()
