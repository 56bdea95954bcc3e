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


def _as_of(value: str | None):
    """``--as-of 2015-06-01`` → a date (exit 2 with one line when it is not one)."""
    import datetime as dt

    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        fail(f"--as-of: {value!r} is not a date; write it YYYY-MM-DD, e.g. 2015-06-01")


def _replaced_by(v) -> str:
    return ", ".join(r.get("number") or r.get("title") or "" for r in v.replaced_by)


def documents(
    corpus: Annotated[str | None, typer.Option("--corpus", "-c", help="Only this corpus (default: all)")] = None,
    limit: Annotated[int, typer.Option(help="Show at most this many rows (0 = all)")] = 0,
    status: Annotated[bool, typer.Option("--status", help="Show validity: effective and expiry dates, status on "
                                         "the date asked, the document replacing it")] = False,
    as_of: Annotated[str | None, typer.Option("--as-of", help="Status on this date (YYYY-MM-DD; default: the "
                                              "corpus's own date)")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON")] = False,
) -> None:
    """Liệt kê văn bản: list the stored documents."""
    day = _as_of(as_of)
    store = get_store()
    rows = store.documents(corpus)
    validities = {c: store.validities(c) for c in {r.corpus for r in rows}} if (status or day or as_json) else {}

    def validity(r):
        return validities[r.corpus][r.doc_id]

    if as_json:
        out = []
        for r in rows:
            v = validity(r)
            out.append(r.__dict__ | {"status": str(v.status_on(day)) if (day or v.effective) else r.status,
                                     "status_as_of": (day or v.data_until).isoformat() if (day or v.data_until)
                                     else None, "data_until": v.data_until.isoformat() if v.data_until else None,
                                     "replaced_by": v.replaced_by, "replaces": v.replaces,
                                     "amended_by": v.amended_by, "partly_repealed_by": v.partly_repealed_by})
        print(json.dumps(out, ensure_ascii=False, indent=1))
        return
    title = f"{len(rows)} documents" + (f" in '{corpus}'" if corpus else "")
    if status or day:
        until = max((v.data_until for c in validities.values() for v in c.values() if v.data_until), default=None)
        title += f" — tình trạng ngày {(day or until):%d/%m/%Y}" if (day or until) else ""
        title += f" (theo dữ liệu đến {until:%d/%m/%Y})" if until else ""
    table = Table(title=title)
    cols = ([] if corpus else ["corpus"]) + ["id", "type", "năm"]
    cols += ["hiệu lực từ", "hết hiệu lực", "tình trạng", "thay thế bởi"] if (status or day) else ["điều", "khoản",
                                                                                                  "điểm"]
    for col in cols:
        table.add_column(col, no_wrap=True)
    table.add_column("title", overflow="fold")
    for r in rows[: limit or None]:
        cells = ([] if corpus else [r.corpus]) + [r.doc_id, r.doc_type, (r.issued_date or "")[:4]]
        if status or day:
            v = validity(r)
            cells += [r.effective_date or "", r.expiry_date or "", str(v.status_on(day)), _replaced_by(v)]
        else:
            cells += [str(r.articles), str(r.clauses), str(r.points)]
        table.add_row(*cells, r.title)
    console.print(table)
    if limit and len(rows) > limit:
        console.print(f"… and {len(rows) - limit} more (use --limit 0 to see all)")


def show(
    citation: Annotated[str, typer.Argument(help='A citation, e.g. "khoản 1 Điều 51 BLHS"')],
    corpus: CorpusOpt = None,
    as_of: Annotated[str | None, typer.Option("--as-of", help="Validity on this date (YYYY-MM-DD; default: the "
                                              "corpus's own date)")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON")] = False,
) -> None:
    """Xem điều luật: print the unit a citation names, with its document title and its validity on a date."""
    from corpus.store import StoreError

    day = _as_of(as_of)
    name = _corpus(corpus)
    store = get_store()
    try:
        views = store.lookup(name, citation)
    except StoreError as exc:
        fail(str(exc))
        return
    validity = {v.doc_id: store.validity(name, v.doc_id) for v in views}
    for v in views:
        val = validity[v.doc_id]
        if val.effective is not None:
            v.document_status = str(val.unit_status_on(day, v.article, v.clause, v.point))
    if as_json:
        print(json.dumps([v.__dict__ | {"label": v.label, "status_as_of": (day or validity[v.doc_id].data_until
                                                                           or None) and str(day or validity[
                                                                               v.doc_id].data_until),
                                        "effective_date": str(validity[v.doc_id].effective or "") or None,
                                        "expiry_date": str(validity[v.doc_id].expiry or "") or None,
                                        "replaced_by": validity[v.doc_id].replaced_by}
                          for v in views], ensure_ascii=False, indent=1))
        return
    for v in views:
        console.rule(f"[bold]{v.label}[/] — {v.document_title} ({v.doc_id})")
        if v.path:
            console.print(" › ".join(v.path), style="dim")
        console.print(f"[bold]Điều {v.article}. {v.title}[/]" if v.title else f"[bold]Điều {v.article}[/]")
        console.print(v.text, highlight=False)
        val = validity[v.doc_id]
        on = day or val.data_until
        line = f"Tình trạng hiệu lực{f' ngày {on:%d/%m/%Y}' if on else ''}: {v.document_status}"
        if val.effective:
            line += f" — có hiệu lực từ {val.effective:%d/%m/%Y}"
        if val.expiry:
            line += f", hết hiệu lực từ {val.expiry:%d/%m/%Y}"
        if val.replaced_by:
            line += f", thay thế bởi {_replaced_by(val)}"
        if val.data_until:
            line += f" (theo dữ liệu đến {val.data_until:%d/%m/%Y})"
        style = "green" if v.document_status == "Còn hiệu lực" else "yellow"
        console.print(f"[{style}]{line}[/]", highlight=False)
