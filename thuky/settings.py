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
    # -- the HTTP service (api/) -----------------------------------------------------------------------------------
    host: str = Field(default="127.0.0.1", description="Address `thuky serve` listens on")
    port: int = Field(default=8000, description="Port `thuky serve` listens on")
    workers: int = Field(default=1, description="Server worker processes (each loads the index)")
    cors_origins: list[str] = Field(default_factory=list, description='Origins allowed by CORS, as JSON: '
                                    '\'["https://toaan.example"]\'; empty: no CORS headers')
    max_body_kb: int = Field(default=64, description="Largest JSON request body; larger → 413")
    max_question_chars: int = Field(default=2000, description="Longest question /v1/chat accepts; longer → 422")
    rate_limit_per_minute: int = Field(default=240, description="Requests per minute per API key or login "
                                       "session (token bucket); 0 disables")
    rate_limit_burst: int = Field(default=60, description="Requests a key may make at once before the rate applies")
    login_attempts_per_minute: int = Field(default=10, description="Login attempts per minute per client address")
    session_hours: float = Field(default=12.0, description="Lifetime of a login session token / cookie")
    cookie_secure: bool = Field(default=False, description="Mark the session cookie Secure (serve over HTTPS)")
    search_depth: int = Field(default=100, description="Articles retrieved per search (/v1/search); its pages and "
                              "facets come from these")
    preload_index: bool = Field(default=True, description="Load the default corpus's index when the server starts")
    admin_username: str = Field(default="admin", description="The first administrator `make run` creates")
    admin_password: str | None = Field(default=None, description="Its password (THUKY_ADMIN_PASSWORD); unset: "
                                       "a generated one is printed once")
    # -- case law (bản án, án lệ) ---------------------------------------------------------------------------------
    cases_corpus: str = Field(default="cases", description="The corpus judgments and precedents are stored in")
    cases_law_corpus: str | None = Field(default=None, description="The law corpus case citations resolve against; "
                                         "default: default_corpus")
    anonymize: bool = Field(default=False, description="Mask personal names of parties when judgments are shown "
                            "(THUKY_ANONYMIZE=true), as published judgments must be")
    cases_max_facts_chars: int = Field(default=100_000, description="Longest facts text `cases similar` accepts; "
                                       "longer → 413")
    cases_in_answers: int = Field(default=3, description="Judgments shown beside an answer as supporting "
                                  "material (0: none)")

    @property
    def db_url(self) -> str:
        return self.database_url or f"sqlite:///{self.home / 'thuky.db'}"

    @property
    def model_dir(self) -> Path:
        return self.embedding_model or self.home / "models" / "multilingual-e5-small"

    @property
    def case_law_corpus(self) -> str:
        return self.cases_law_corpus or self.default_corpus

    @property
    def statutes_dir(self) -> Path:
        return self.data_dir / "statutes"


@lru_cache
def get_settings() -> Settings:
    return Settings()
