"""One settings object for the whole product, overridable by ``THUKY_*`` environment variables."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

REPO_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="THUKY_", extra="ignore")

    home: Path = Field(default_factory=lambda: Path.home() / ".thuky", description="All state lives here")
    database_url: str | None = Field(default=None, description="SQLAlchemy URL; default SQLite under home")
    data_dir: Path = Field(default=REPO_ROOT.parent / "shared" / "data", description="The shared real data sets")
    default_corpus: str = "statutes"
    max_file_mb: int = Field(default=100, description="Files larger than this are refused at ingest")
    embedding_model: Path | None = Field(default=None, description="A sentence-transformers directory; default: "
                                         "the e5-small rebuilt by `thuky models build` under home")
    dense: bool = Field(default=True, description="Use the dense (embedding) side of retrieval")
    dense_max_seq: int = Field(default=96, description="Tokens of each article piece the encoder reads")
    dense_int8: bool = Field(default=True, description="Dynamic int8 quantisation of the encoder (CPU speed)")
    dense_max_pieces: int = Field(default=1, description="Pieces (runs of whole clauses) embedded per article")
    embed_batch_size: int = 16
    llm_url: str | None = Field(default=None, description="OpenAI-compatible endpoint (vLLM, llama.cpp server), "
                                "e.g. http://127.0.0.1:8080/v1; unset: extractive answers only")
    llm_model: str = "qwen2.5-coder-1.5b-instruct"
    llm_timeout_s: float = 120.0

    @property
    def db_url(self) -> str:
        return self.database_url or f"sqlite:///{self.home / 'thuky.db'}"

    @property
    def model_dir(self) -> Path:
        return self.embedding_model or self.home / "models" / "multilingual-e5-small"

    @property
    def statutes_dir(self) -> Path:
        return self.data_dir / "statutes"


@lru_cache
def get_settings() -> Settings:
    return Settings()
