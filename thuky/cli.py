"""The ``thuky`` command line. Every error is one readable line and a non-zero exit code."""

from __future__ import annotations

import sys

import typer

from thuky.cli_assistant import ask, chat
from thuky.cli_cases import cases_app
from thuky.cli_corpus import documents, ingest, show
from thuky.cli_db import db_app
from thuky.cli_eval import eval_app
from thuky.cli_index import index_app, search
from thuky.cli_models import models_app
from thuky.cli_serve import serve, worker
from thuky.cli_output import err
from thuky.cli_users import keys_app, users_app

app = typer.Typer(help="ThuKy (Thư Ký) — trợ lý pháp lý cho Tòa án: nạp văn bản, tra cứu, hỏi đáp.",
                  no_args_is_help=True, pretty_exceptions_enable=False)

app.add_typer(db_app, name="db")
app.add_typer(models_app, name="models")
app.add_typer(index_app, name="index")
app.add_typer(cases_app, name="cases")
app.add_typer(eval_app, name="eval")
app.command()(ingest)
app.command()(documents)
app.command()(show)
app.command()(search)
app.command()(ask)
app.command()(chat)
app.add_typer(users_app, name="users")
app.add_typer(keys_app, name="keys")
app.command()(serve)
app.command()(worker)


def main() -> None:  # pragma: no cover
    from corpus.database import SchemaOutOfDate

    try:
        app()
    except KeyboardInterrupt:
        sys.exit(130)
    except SchemaOutOfDate as exc:  # any command on a server database that is behind: one line naming the fix
        err.print(f"[bold red]error:[/] {exc}", highlight=False, soft_wrap=True)
        sys.exit(1)


if __name__ == "__main__":  # pragma: no cover
    main()
