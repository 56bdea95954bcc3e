"""Alembic's environment for ThuKy's schema: it runs on the connection the caller hands in (``corpus.database``);
``thuky db`` passes the tables the code defines as ``target_metadata`` for comparisons."""

from __future__ import annotations

from alembic import context

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - always called through corpus.database
    raise RuntimeError("ThuKy's migrations run through `thuky db upgrade` (corpus.database.upgrade)")

context.configure(connection=connection, target_metadata=context.config.attributes.get("target_metadata"),
                  render_as_batch=connection.dialect.name == "sqlite", compare_type=True)
with context.begin_transaction():
    context.run_migrations()
