"""What the service reads of the configuration: its own knobs, with their defaults (the one place they live).

``thuky.settings.Settings`` is a ``ServiceConfig`` (it inherits these fields and reads them from ``THUKY_*``
variables); the service itself never reads the environment.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, Field, field_validator

from api.client_address import parse_networks

from assistant.defaults import MAX_FACTS_CHARS, MAX_QUESTION_CHARS


class ServiceConfig(BaseModel):
    home: Path = Field(default_factory=lambda: Path.home() / ".thuky", description="All state lives here")
    default_corpus: str = Field(default="statutes", description="The corpus asked and searched by default")
    max_file_mb: int = Field(default=100, description="Files larger than this are refused at ingest")
    parse_timeout_s: float = Field(default=60.0, description="An upload is parsed in a child process, killed after "
                                   "this many seconds (the upload is refused)")
    parse_memory_mb: int = Field(default=2048, description="Address space of the child process parsing an upload "
                                 "(RLIMIT_AS)")
    parse_max_unzipped_mb: int = Field(default=200, description="The most an uploaded .docx may unpack to (all its zip "
                                       "members together)")
    host: str = Field(default="127.0.0.1", description="Address `thuky serve` listens on")
    port: int = Field(default=8000, description="Port `thuky serve` listens on")
    workers: int = Field(default=1, description="Server worker processes (each loads the index)")
    cors_origins: list[str] = Field(default_factory=list, description='Origins allowed by CORS, as JSON: '
                                    '\'["https://toaan.example"]\'; empty: no CORS headers')
    max_body_kb: int = Field(default=64, description="Largest JSON request body; larger → 413")
    max_question_chars: int = Field(default=MAX_QUESTION_CHARS, description="Longest question /v1/chat accepts; "
                                    "longer → 422")
    rate_limit_per_minute: int = Field(default=240, description="Requests per minute per user (all their login "
                                       "sessions and API keys share one token bucket) and per client address for "
                                       "calls without a valid credential; 0 disables")
    rate_limit_burst: int = Field(default=60, description="Requests a user may make at once before the rate applies")
    login_attempts_per_minute: int = Field(default=10, description="Login attempts per minute per client address")
    login_attempts_per_account_per_minute: int = Field(default=10, description="Login attempts per minute per "
                                                       "username, from any address")
    trusted_proxies: list[str] = Field(default_factory=list, description='Reverse proxies whose X-Forwarded-For '
                                       'gives the client address, as JSON: \'["127.0.0.1", "10.0.0.0/8"]\'; '
                                       'empty: the direct peer is the client')
    max_api_keys_per_user: int = Field(default=5, ge=0, description="Usable (not revoked, not expired) API keys a "
                                       "user may hold; more → 409")
    max_chats_in_flight_per_user: int = Field(default=4, ge=0, description="Questions a user may have /v1/chat "
                                              "answer at once; more → 429; 0 disables")
    session_hours: float = Field(default=12.0, description="Lifetime of a login session token / cookie")
    cookie_secure: bool = Field(default=False, description="Mark the session cookie Secure: set it when the service "
                                "is served over HTTPS (behind a TLS proxy)")
    search_depth: int = Field(default=100, description="Articles retrieved per search (/v1/search); its pages and "
                              "facets come from these")
    run_jobs: bool = Field(default=True, description="The server runs ingest jobs itself; false when `thuky worker` "
                           "processes run them (any number, on any machine sharing the database)")
    job_lease_s: float = Field(default=60.0, gt=0, description="A worker holds a job this long and renews it while it "
                               "works; a job whose worker died is taken up again once its lease has run out")
    job_max_attempts: int = Field(default=3, ge=1, description="Workers that may die on one job before it is failed")
    job_poll_s: float = Field(default=1.0, gt=0, description="How often an idle worker looks for a queued job")
    preload_index: bool = Field(default=True, description="Load the default corpus's index when the server starts")
    case_file_max_mb: int = Field(default=20, ge=1, description="Largest case file a judge may upload into a "
                                  "conversation; larger → 413")
    case_file_max_pages: int = Field(default=300, ge=1, description="Most pages a case file may have; more → 422")
    case_files_per_session: int = Field(default=10, ge=1, description="Case files one conversation may hold; more "
                                        "→ 409")
    case_file_mask_parties: bool = Field(default=True, description="Mask the parties' names, addresses and "
                                         "identifying numbers in a case file's reading (as published judgments are)")
    case_file_similar: int = Field(default=5, ge=0, description="Similar judgments shown in a case file's reading")
    cases_max_facts_chars: int = Field(default=MAX_FACTS_CHARS,
                                       description="Longest facts text `cases similar` accepts; "
                                                   "longer → 413")

    @field_validator("trusted_proxies")
    @classmethod
    def _proxies(cls, value: list[str]) -> list[str]:
        parse_networks(value)  # a bad entry is an error at start-up, not a proxy silently untrusted
        return value

    @property
    def uploads_dir(self) -> Path:
        return Path(self.home) / "uploads"
