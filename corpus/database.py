"""The database every part of ThuKy stores into: its URL, its engine, and its schema's version (Alembic migrations).

One schema history for the whole product lives in ``corpus/migrations`` (shipped inside the package): the corpus's
tables and the service's (accounts, sessions, audit, jobs, conversations, limits) alike — a migration script is plain
DDL and imports no model, so it sits at the bottom with the store that opens the database.

- :func:`normalise_url` is the one place a ``postgresql://`` URL becomes SQLAlchemy's psycopg 3 dialect.
- :func:`prepare` is what opening a store does: the embedded SQLite database is brought up to date on the spot (one
  process owns that file; a database created before migrations existed is adopted, nothing in it lost); a shared
  server database (PostgreSQL) is only checked — an out-of-date schema stops the process with one line naming
  ``thuky db upgrade``, because replicas of different versions must not change a schema under each other.
- :func:`upgrade` and :func:`current` are what ``thuky db upgrade`` / ``thuky db current`` run.
"""

from __future__ import annotations

import contextlib
import fcntl
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Connection, Engine, make_url

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
VERSION_TABLE = "alembic_version"
_PG_LOCK = 0x7468756B79  # "thuky": the advisory lock two upgrading processes take in turn


class SchemaOutOfDate(RuntimeError):
    """The database's schema is not the one this version of ThuKy needs (the message says what to run)."""


def normalise_url(url: str) -> str:
    """The SQLAlchemy URL for ``url``: a plain ``postgresql://`` (or ``postgres://``) URL uses psycopg 3."""
    u = make_url(url.replace("postgres://", "postgresql://", 1) if url.startswith("postgres://") else url)
    if u.drivername == "postgresql":
        u = u.set(drivername="postgresql+psycopg")
    return u.render_as_string(hide_password=False)


def make_engine(url: str) -> Engine:
    """An engine for ``url`` (SQLite: its folder made, foreign keys on, WAL); no schema work."""
    url = normalise_url(url)
    if url.startswith("sqlite:///") and url != "sqlite:///:memory:":
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, future=True, pool_pre_ping=not url.startswith("sqlite"))
    if engine.dialect.name == "sqlite":

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record):  # pragma: no cover - trivial
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.close()

    return engine


def display_url(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=True)


# -- Alembic ------------------------------------------------------------------------------------------------------
def _config(connection: Connection | None = None, target_metadata=None):
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["connection"] = connection
    cfg.attributes["target_metadata"] = target_metadata
    return cfg


def head() -> str:
    """The newest revision the migrations shipped with this version reach."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(_config()).get_current_head()


def current(engine: Engine) -> str | None:
    """The revision the database is at (None: never migrated — empty, or made by ``create_all`` before migrations)."""
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def pending(engine: Engine) -> list[str]:
    """The revisions ``upgrade`` would apply, oldest first."""
    from alembic.script import ScriptDirectory

    scripts = ScriptDirectory.from_config(_config())
    at = current(engine)
    return [s.revision for s in reversed(list(scripts.iterate_revisions("heads", at)))]


@contextlib.contextmanager
def _exclusive(engine: Engine) -> Iterator[Connection | None]:
    """Only one process migrates a database at a time: a file lock beside a SQLite file, an advisory lock held by the
    migrating transaction on PostgreSQL."""
    if engine.dialect.name == "sqlite":
        db = engine.url.database
        if not db or db == ":memory:":
            yield None
            return
        with open(f"{db}.migrate.lock", "a") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX)
            try:
                yield None
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)
    else:
        with engine.begin() as conn:
            if engine.dialect.name == "postgresql":
                conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_LOCK})
            yield conn


def upgrade(engine: Engine, revision: str = "head") -> list[str]:
    """Apply the migrations the database lacks (a database made by ``create_all`` before migrations is adopted by
    the baseline: it creates only what is missing). Returns the revisions applied."""
    from alembic import command

    with _exclusive(engine) as conn:
        todo = pending(engine)
        if not todo:
            return []
        if conn is None:
            with engine.begin() as own:
                command.upgrade(_config(own), revision)
        else:
            command.upgrade(_config(conn), revision)
    return todo


def check(engine: Engine, metadata) -> list:
    """Differences between the database and ``metadata`` (the tables the code defines); empty when they agree."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True})
        return [d for d in compare_metadata(ctx, metadata) if not _ignored(d)]


def _ignored(diff) -> bool:
    """Alembic's own version table is not one of ours."""
    return isinstance(diff, tuple) and diff[0] == "remove_table" and diff[1].name == VERSION_TABLE


def prepare(engine: Engine) -> None:
    """What opening a store does: upgrade the embedded SQLite database; refuse a shared one that is behind."""
    if engine.dialect.name == "sqlite":
        upgrade(engine)
        return
    todo = pending(engine)
    if todo:
        at = current(engine) or "empty"
        raise SchemaOutOfDate(f"the database {display_url(engine)} is at schema {at}, this ThuKy needs {head()}: "
                              "run `thuky db upgrade` first")
