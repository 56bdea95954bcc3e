"""``thuky ingest``, ``thuky documents``, ``thuky show``: the corpus — files in, documents and units out."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from thuky.cli_output import console, err, fail
from thuky.settings import get_settings

CorpusOpt = Annotated[str | None, typer.Option("--corpus", "-c", help="Corpus name (default: the statutes corpus)")]


def get_store():
    from thuky import runtime

    return runtime.current().store


def _corpus(name: str | None) -> str:
    from corpus.store import StoreError, check_corpus_name

    try:
        return check_corpus_name(name or get_settings().default_corpus)
    except StoreError as exc:
        fail(str(exc))
        raise


def ingest(
    paths: Annotated[list[Path], typer.Argument(help="Files or folders (.txt .docx .html .pdf .json)")],
    corpus: CorpusOpt = None,
) -> None:
    """Nạp văn bản: parse files into documents, articles, clauses and points, and store them."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from corpus.ingest import FileOutcome, ingest as run_ingest
    from corpus.loaders import iter_files

    name = _corpus(corpus)
    settings = get_settings()
    store = get_store()
    total = len(list(iter_files([p for p in paths if p.exists()])))
    with Progress(TextColumn("[bold]ingest[/] {task.description}"), BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn(), console=err, transient=True) as progress:
        task = progress.add_task(name, total=total)

        def advance(o: FileOutcome) -> None:
            progress.update(task, advance=1, description=Path(o.path).name[:40])

        report = run_ingest(store, name, paths, max_bytes=settings.max_file_mb * 2**20, on_file=advance)

    t = report.totals()
    stored = store.totals(name)
    table = Table(title=f"Corpus '{name}' — this run", show_lines=False)
    for col in ("new files", "replaced", "unchanged", "skipped", "văn bản", "điều", "khoản", "điểm"):
        table.add_column(col, justify="right", no_wrap=True)
    table.add_row(*(str(x) for x in (report.count("ingested"), report.count("replaced"), report.count("unchanged"),
                                     report.count("skipped"), t["documents"], t["articles"], t["clauses"],
                                     t["points"])))
    console.print(table)
    console.print(f"Stored in '{name}': {stored['documents']} documents, {stored['articles']} articles, "
                  f"{stored['clauses']} clauses, {stored['points']} points, {stored['links']} cross-references "
                  f"({settings.db_url})")
    if report.skipped:
        skipped = Table(title="Skipped files")
        skipped.add_column("file")
        skipped.add_column("reason")
        for o in report.skipped:
            skipped.add_row(o.path, o.reason)
        console.print(skipped)
    if report.outcomes and len(report.skipped) == len(report.outcomes):
        fail("nothing was ingested: every file was skipped (see above)")


def documents(
    corpus: Annotated[str | None, typer.Option("--corpus", "-c", help="Only this corpus (default: all)")] = None,
    limit: Annotated[int, typer.Option(help="Show at most this many rows (0 = all)")] = 0,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON")] = False,
) -> None:
    """Liệt kê văn bản: list the stored documents."""
    rows = get_store().documents(corpus)
    if as_json:
        print(json.dumps([r.__dict__ for r in rows], ensure_ascii=False, indent=1))
        return
    table = Table(title=f"{len(rows)} documents" + (f" in '{corpus}'" if corpus else ""))
    cols = ([] if corpus else ["corpus"]) + ["id", "type", "năm", "điều", "khoản", "điểm"]
    for col in cols:
        table.add_column(col, no_wrap=True)
    table.add_column("title", overflow="fold")
    for r in rows[: limit or None]:
        cells = ([] if corpus else [r.corpus]) + [r.doc_id, r.doc_type, (r.issued_date or "")[:4], str(r.articles),
                                                  str(r.clauses), str(r.points), r.title]
        table.add_row(*cells)
    console.print(table)
    if limit and len(rows) > limit:
        console.print(f"… and {len(rows) - limit} more (use --limit 0 to see all)")


def show(
    citation: Annotated[str, typer.Argument(help='A citation, e.g. "khoản 1 Điều 51 BLHS"')],
    corpus: CorpusOpt = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON")] = False,
) -> None:
    """Xem điều luật: print the unit a citation names, with its document title."""
    from corpus.store import StoreError

    name = _corpus(corpus)
    try:
        views = get_store().lookup(name, citation)
    except StoreError as exc:
        fail(str(exc))
        return
    if as_json:
        print(json.dumps([v.__dict__ | {"label": v.label} for v in views], ensure_ascii=False, indent=1))
        return
    for v in views:
        console.rule(f"[bold]{v.label}[/] — {v.document_title} ({v.doc_id})")
        if v.path:
            console.print(" › ".join(v.path), style="dim")
        console.print(f"[bold]Điều {v.article}. {v.title}[/]" if v.title else f"[bold]Điều {v.article}[/]")
        console.print(v.text, highlight=False)
        if v.document_status not in ("Còn hiệu lực",):
            console.print(f"[yellow]Tình trạng hiệu lực: {v.document_status}[/]")
