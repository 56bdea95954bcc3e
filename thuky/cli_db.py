"""``thuky db``: the database's schema (Alembic migrations shipped in ``corpus/migrations``).

On the embedded SQLite default every command migrates on its own; a shared server database (PostgreSQL) is upgraded by
``thuky db upgrade`` — run once per release, before the new service and workers start (they refuse an older schema).
"""

from __future__ import annotations

import typer

from thuky.cli_output import fail
from thuky.settings import get_settings

db_app = typer.Typer(help="Cơ sở dữ liệu: the schema's migrations (upgrade, current, check).", no_args_is_help=True)


def metadata():
    """Every table the code defines (each layer registers its own on ``corpus.tables.Base``)."""
    import api.tables  # noqa: F401 - accounts, sessions, keys, feedback, audit, jobs, limits
    import assistant.conversation  # noqa: F401 - conversations and their turns
    from corpus.tables import Base

    return Base.metadata


def _engine():
    from corpus.database import make_engine

    try:
        return make_engine(get_settings().db_url)
    except Exception as exc:  # noqa: BLE001 - one readable line (a malformed URL, a driver that is missing)
        fail(f"cannot open the database: {type(exc).__name__}: {exc}")


@db_app.command()
def upgrade() -> None:
    """Apply the migrations the database lacks (a database from before migrations is adopted, nothing lost)."""
    from sqlalchemy.exc import SQLAlchemyError

    from corpus.database import display_url, head, upgrade as run_upgrade

    engine = _engine()
    try:
        applied = run_upgrade(engine)
    except SQLAlchemyError as exc:
        fail(f"cannot upgrade {display_url(engine)}: {str(exc).splitlines()[0]}")
    print(f"{display_url(engine)}: " + (f"upgraded to {head()} (applied {', '.join(applied)})" if applied
                                         else f"already at {head()}"))


@db_app.command()
def current() -> None:
    """The schema revision the database is at, and the one this version needs."""
    from sqlalchemy.exc import SQLAlchemyError

    from corpus.database import current as at, display_url, head, pending

    engine = _engine()
    try:
        rev, todo = at(engine), pending(engine)
    except SQLAlchemyError as exc:
        fail(f"cannot read {display_url(engine)}: {str(exc).splitlines()[0]}")
    state = "up to date" if not todo else f"behind: {len(todo)} migration(s) to apply — run `thuky db upgrade`"
    print(f"{display_url(engine)}: at {rev or 'no revision (empty, or made before migrations)'}; needs {head()}; "
          f"{state}")


@db_app.command()
def check() -> None:
    """Exit 0 when the database is up to date and its tables match the code's; else name the differences."""
    from corpus.database import check as compare, display_url, pending

    engine = _engine()
    todo = pending(engine)
    if todo:
        fail(f"{display_url(engine)} is behind: {', '.join(todo)} not applied — run `thuky db upgrade`")
    diffs = compare(engine, metadata())
    if diffs:
        fail(f"{display_url(engine)} differs from the code's tables: " + "; ".join(map(str, diffs[:5])))
    print(f"{display_url(engine)}: up to date, tables match the code")
