"""The database's schema under Alembic: a fresh database migrated equals the code's tables, on SQLite and PostgreSQL;
an existing database that ``create_all`` made before migrations is adopted with every row kept; a server database
that is behind is refused with one line naming ``thuky db upgrade``; ``postgresql://`` URLs use psycopg 3."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, inspect, text
from typer.testing import CliRunner

from corpus.database import SchemaOutOfDate, current, head, make_engine, normalise_url, pending, upgrade
from corpus.store import Store


def test_plain_postgresql_urls_use_psycopg_3():
    assert normalise_url("postgresql://judge@db:5432/thuky") == "postgresql+psycopg://judge@db:5432/thuky"
    assert normalise_url("postgres://u:p@db/thuky") == "postgresql+psycopg://u:p@db/thuky"
    assert normalise_url("postgresql+psycopg://u@db/t") == "postgresql+psycopg://u@db/t"
    assert normalise_url("sqlite:////tmp/x.db") == "sqlite:////tmp/x.db"


def test_a_fresh_database_migrated_has_exactly_the_code_s_tables(db_url):
    from corpus.database import check
    from thuky.cli_db import metadata

    engine = make_engine(db_url)
    todo = pending(engine)
    assert current(engine) is None and todo[0] == "0001_baseline" and todo[-1] == head()
    assert upgrade(engine) == todo
    assert current(engine) == head() and pending(engine) == [] and upgrade(engine) == []
    assert check(engine, metadata()) == []
    assert {"documents", "units", "jobs", "rate_limits", "conversations", "users"} <= set(
        inspect(engine).get_table_names())
    engine.dispose()


LEGACY_DDL = [  # what create_all made before migrations, before api_keys.expires_at and audit_log.target existed
    "CREATE TABLE users (id INTEGER NOT NULL, username VARCHAR(64) NOT NULL, role VARCHAR(20) NOT NULL, "
    "password_hash TEXT, disabled BOOLEAN NOT NULL, created_at DATETIME NOT NULL, PRIMARY KEY (id), UNIQUE (username))",
    "CREATE TABLE api_keys (id INTEGER NOT NULL, user_id INTEGER NOT NULL, name VARCHAR(100) NOT NULL, "
    "prefix VARCHAR(16) NOT NULL, key_hash VARCHAR(64) NOT NULL, created_at DATETIME NOT NULL, last_used_at DATETIME, "
    "revoked BOOLEAN NOT NULL, PRIMARY KEY (id), UNIQUE (key_hash), FOREIGN KEY(user_id) REFERENCES users (id) "
    "ON DELETE CASCADE)",
    "CREATE INDEX ix_api_keys_user_id ON api_keys (user_id)",
    "CREATE TABLE audit_log (id INTEGER NOT NULL, at DATETIME NOT NULL, username VARCHAR(64), "
    "action VARCHAR(40) NOT NULL, method VARCHAR(8) NOT NULL, path TEXT NOT NULL, question TEXT, "
    "status INTEGER NOT NULL, client VARCHAR(64), PRIMARY KEY (id))",
    "CREATE TABLE jobs (id VARCHAR(36) NOT NULL, kind VARCHAR(20) NOT NULL, corpus VARCHAR(64) NOT NULL, "
    "filename TEXT, username VARCHAR(64) NOT NULL, status VARCHAR(10) NOT NULL, progress FLOAT NOT NULL, "
    "message TEXT NOT NULL, documents JSON NOT NULL, created_at DATETIME NOT NULL, finished_at DATETIME, "
    "PRIMARY KEY (id))",
]


def _legacy_sqlite(path) -> str:
    """A ~/.thuky database as an older ThuKy left it: the corpus tables with a stored document (made by the store
    of that time: create_all), the service's tables of that time with a user, a key, an audit entry and a job."""
    from corpus.tables import Base

    url = f"sqlite:///{path}"
    engine = create_engine(url)
    corpus_tables = [Base.metadata.tables[n] for n in ("documents", "units", "cross_references", "source_files",
                                                        "deleted_documents", "cases")]
    Base.metadata.create_all(engine, tables=corpus_tables)
    with engine.begin() as conn:
        for ddl in LEGACY_DDL:
            conn.execute(text(ddl))
        conn.execute(text("INSERT INTO documents (pk, corpus, doc_id, title, doc_type, status, aliases, extra, "
                          "preamble, n_articles, n_clauses, n_points, ingested_at) VALUES (1, 'statutes', "
                          "'99/2019/QH14', 'Luật Nuôi ong', 'Luật', 'unknown', '[]', '{}', '', 1, 0, 0, "
                          "'2024-01-01 00:00:00')"))
        conn.execute(text("INSERT INTO units (document_pk, kind, ordinal, article_no, title, text, path, repealed) "
                          "VALUES (1, 'article', 0, '1', 'Phạm vi', 'Luật này quy định về nuôi ong.', '[]', 0)"))
        conn.execute(text("INSERT INTO users (id, username, role, password_hash, disabled, created_at) VALUES "
                          "(1, 'cu', 'clerk', NULL, 0, '2024-01-01 00:00:00')"))
        conn.execute(text("INSERT INTO audit_log (at, username, action, method, path, status) VALUES "
                          "('2024-01-01 00:00:00', 'cu', 'search', 'GET', '/v1/search', 200)"))
        conn.execute(text("INSERT INTO jobs (id, kind, corpus, username, status, progress, message, documents, "
                          "created_at, finished_at) VALUES ('j1', 'ingest', 'statutes', 'cu', 'done', 1.0, 'ok', "
                          "'[]', '2024-01-01 00:00:00', '2024-01-01 00:01:00')"))
    engine.dispose()
    return url


def test_an_existing_database_made_before_migrations_is_adopted_and_loses_nothing(tmp_path):
    from api.accounts import Accounts
    from api.audit import AuditLog
    from corpus.database import check
    from thuky.cli_db import metadata

    url = _legacy_sqlite(tmp_path / "thuky.db")
    store = Store(url)  # what every command and the service do first: the embedded database is migrated on open
    assert current(store.engine) == head()
    assert check(store.engine, metadata()) == []
    assert store.get_unit("statutes", "99/2019/QH14", "1").text == "Luật này quy định về nuôi ong."
    accounts = Accounts(store.engine)
    assert accounts.get_user("cu").role == "clerk"
    assert accounts.resolve(accounts.create_key("cu", "khóa mới").key).username == "cu"  # the new column works
    assert [e["path"] for e in AuditLog(store.engine).query()] == ["/v1/search"]
    with store.engine.connect() as conn:
        assert conn.execute(text("SELECT status, attempts FROM jobs WHERE id = 'j1'")).one() == ("done", 0)
    assert Store(url).totals("statutes")["articles"] == 1  # opening it again changes nothing


def test_the_embedded_database_of_an_older_version_is_upgraded_on_open(tmp_path):
    from alembic import command

    from corpus.database import _config

    url = f"sqlite:///{tmp_path / 'thuky.db'}"
    engine = make_engine(url)
    with engine.begin() as conn:
        command.upgrade(_config(conn), "0001_baseline")
    assert pending(engine) == ["0002_job_leases_rate_limits", "0003_case_files"]
    assert current(Store(url).engine) == head()


def _behind_postgres(url: str):
    from alembic import command

    from corpus.database import _config

    engine = make_engine(url)
    with engine.begin() as conn:
        command.upgrade(_config(conn), "0001_baseline")
    return engine


def test_a_server_database_that_is_behind_is_refused_until_thuky_db_upgrade(postgres_url, monkeypatch):
    from thuky.cli import app
    from thuky.settings import get_settings

    engine = _behind_postgres(postgres_url)
    with pytest.raises(SchemaOutOfDate, match="run `thuky db upgrade`"):
        Store(postgres_url).engine
    assert current(engine) == "0001_baseline"  # refused, not changed

    monkeypatch.setenv("THUKY_DATABASE_URL", postgres_url)
    get_settings.cache_clear()
    runner = CliRunner()
    out = runner.invoke(app, ["db", "current"])
    assert out.exit_code == 0 and "behind" in out.output, out.output
    out = runner.invoke(app, ["db", "check"])
    assert out.exit_code == 1 and "thuky db upgrade" in out.output, out.output
    out = runner.invoke(app, ["db", "upgrade"])
    assert out.exit_code == 0 and f"upgraded to {head()}" in out.output, out.output
    out = runner.invoke(app, ["db", "check"])
    assert out.exit_code == 0 and "tables match" in out.output, out.output
    assert Store(postgres_url).totals("statutes")["documents"] == 0
    engine.dispose()


def test_a_command_on_a_behind_server_database_fails_with_one_line(postgres_url, tmp_path):
    import os
    import subprocess
    import sys

    from tests.conftest import REPO

    _behind_postgres(postgres_url).dispose()
    env = {**os.environ, "THUKY_DATABASE_URL": postgres_url, "THUKY_HOME": str(tmp_path / "home")}
    done = subprocess.run([sys.executable, "-m", "thuky.cli", "documents"], cwd=REPO, env=env, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 1
    lines = [ln for ln in done.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and "thuky db upgrade" in lines[0], done.stderr
