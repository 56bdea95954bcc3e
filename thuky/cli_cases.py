"""``thuky cases ingest | search | show | similar`` — case law (bản án, án lệ) on the command line."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from thuky.cli_output import console, err, fail

cases_app = typer.Typer(help="Án lệ và bản án (case law): nạp, tìm kiếm, xem, tìm vụ án tương tự.",
                        no_args_is_help=True)

CorpusOpt = Annotated[str | None, typer.Option("--corpus", "-c", help="Case corpus (default: THUKY_CASES_CORPUS, "
                                                                      "'cases')")]
LawOpt = Annotated[str | None, typer.Option("--law-corpus", help="Law corpus citations resolve against (default: "
                                                                 "the statutes corpus)")]
AnonOpt = Annotated[bool | None, typer.Option(
    "--anonymize/--no-anonymize", help="Mask names, addresses, birth years and identifying numbers (default: on; "
    "--no-anonymize is for the server's operator, who holds the database anyway)")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON (the API's shape)")]


def _service(corpus: str | None = None, law_corpus: str | None = None):
    """The process's case-law service, or one bound to other corpora when asked."""
    from corpus.store import StoreError
    from thuky import runtime

    try:
        return runtime.current().case_law(corpus, law_corpus)
    except StoreError as exc:
        fail(str(exc))


def _print_json(model) -> None:
    print(json.dumps(model.model_dump(mode="json"), ensure_ascii=False, indent=1))


@cases_app.command("ingest")
def ingest(
    paths: Annotated[list[Path], typer.Argument(help="judgments.json (ALQAC 2026 shape), or judgment / precedent "
                                                     "texts (.txt .docx .pdf .html)")],
    corpus: CorpusOpt = None,
    law_corpus: LawOpt = None,
) -> None:
    """Nạp bản án, án lệ: parse into sections, parties and cited provisions, store, and index them."""
    from assistant.cases import CaseLawError

    service = _service(corpus, law_corpus)
    missing = [str(p) for p in paths if not p.is_file()]
    if missing:
        fail(f"no such file: {', '.join(missing)}")
    try:
        ids = service.ingest(paths)
    except CaseLawError as exc:
        fail(exc.message)
    incomplete = []
    unresolved = total = 0
    for cid in ids:
        case = service.cases.get(service.corpus, cid)
        if case.missing_sections():
            incomplete.append(f"{cid} ({', '.join(case.missing_sections())})")
        provs = service.cases.provisions(case, service.law_corpus)
        total += len(provs)
        unresolved += sum(not p.resolved for p in provs)
    err.print("indexing …")
    service.warm_up()
    console.print(f"stored {len(ids)} cases in '{service.corpus}' ({service.cases.count(service.corpus)} in all); "
                  f"{total} cited provisions, {total - unresolved} resolved in '{service.law_corpus}', "
                  f"{unresolved} kept as unresolved references")
    if incomplete:
        console.print(f"[yellow]sections not found:[/] {'; '.join(incomplete)}")


@cases_app.command("search")
def search(
    query: Annotated[str, typer.Argument(help="Từ khóa (empty: list every case)")] = "",
    court: Annotated[list[str] | None, typer.Option("--court", help="Only this court (repeatable)")] = None,
    level: Annotated[list[str] | None, typer.Option("--level", help="Court level: Sơ thẩm, Phúc thẩm…")] = None,
    case_type: Annotated[list[str] | None, typer.Option("--type", help="Case type: Dân sự, …")] = None,
    outcome: Annotated[list[str] | None, typer.Option("--outcome", help="A_WIN, PARTIAL_A_WIN, PARTIAL_B_WIN, "
                                                                         "B_WIN")] = None,
    year: Annotated[list[int] | None, typer.Option("--year", help="Year of the judgment")] = None,
    page: Annotated[int, typer.Option(help="Page")] = 1,
    page_size: Annotated[int, typer.Option(help="Results per page (1–50)")] = 10,
    corpus: CorpusOpt = None,
    anonymize: AnonOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Tìm bản án: ranked judgments with the passage that matched, and facets."""
    from assistant.cases import CaseLawError

    service = _service(corpus)
    try:
        result = service.search(query, court=court, court_level=level, case_type=case_type, outcome=outcome,
                                year=year, page=page, page_size=page_size, anonymize=anonymize)
    except CaseLawError as exc:
        fail(exc.message)
    if as_json:
        _print_json(result)
        return
    if not result.results:
        console.print("Không tìm thấy bản án phù hợp." if result.total == 0 else "No results on this page.")
        return
    table = Table(title=f"{result.total} bản án ({result.took_ms:.0f} ms) — trang {result.page}", show_lines=True)
    for col in ("#", "bản án", "kết quả", "phần"):
        table.add_column(col, no_wrap=col == "#")
    table.add_column("đoạn khớp", overflow="fold")
    for i, r in enumerate(result.results, (result.page - 1) * result.page_size + 1):
        table.add_row(str(i), f"[bold]{r.case_id}[/]\n{r.title}", r.outcome_label or "", r.section_label or "",
                      r.snippet)
    console.print(table)
    facets = result.facets
    for name, values in (("tòa án", facets.courts), ("cấp", facets.court_levels), ("loại", facets.case_types),
                         ("kết quả", facets.outcomes), ("năm", facets.years)):
        if values:
            console.print(f"[dim]{name}:[/] " + ", ".join(f"{v.value} ({v.count})" for v in values[:8]),
                          highlight=False)


@cases_app.command("show")
def show(
    case_id: Annotated[str, typer.Argument(help="Case id (e.g. case_6616) or a precedent's number")],
    section: Annotated[str | None, typer.Option("--section", help="Only this section: header, facts, reasoning, "
                                                                  "decision, …")] = None,
    corpus: CorpusOpt = None,
    law_corpus: LawOpt = None,
    anonymize: AnonOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Xem bản án: header fields, parties, sections and the provisions it cites (unresolved ones marked)."""
    from assistant.cases import CaseLawError

    service = _service(corpus, law_corpus)
    try:
        view = service.get(case_id, anonymize=anonymize)
    except CaseLawError as exc:
        fail(exc.message)
    if section and section not in {s.name for s in view.sections}:
        fail(f"{case_id} has no section {section!r}; it has: {', '.join(s.name for s in view.sections)}")
    if as_json:
        if section:
            view.sections = [s for s in view.sections if s.name == section]
        _print_json(view)
        return
    console.rule(f"[bold]{view.title}[/]")
    for label, value in (("Tòa án", view.court), ("Số", view.number), ("Ngày", view.date), ("Cấp xét xử",
                         view.court_level), ("Loại vụ án", view.case_type), ("Quan hệ tranh chấp", view.matter),
                         ("Kết quả", view.outcome_label)):
        if value:
            console.print(f"[dim]{label}:[/] {value}", highlight=False)
    for p in view.parties:
        console.print(f"[dim]{p.role}:[/] {p.name}", highlight=False)
    for s in view.sections:
        if section and s.name != section:
            continue
        if not section and s.name in ("header", "closing"):
            continue
        console.rule(s.label)
        console.print(s.text, highlight=False)
    if not section:
        console.rule("Điều luật được viện dẫn")
        seen = set()
        for p in view.provisions:
            if p.section == "notice" or p.label in seen:
                continue
            seen.add(p.label)
            style = "" if p.resolved else "[yellow]"
            console.print(f"{style}{'✓' if p.resolved else '?'} {p.label}", highlight=False)
        for ref in view.precedents:
            console.print(f"{'✓' if ref.resolved else '?'} Án lệ số {ref.number}"
                          + ("" if ref.resolved else " — chưa có trong cơ sở dữ liệu"), highlight=False)


@cases_app.command("similar")
def similar(
    facts: Annotated[str | None, typer.Argument(help="The facts of the case at hand (or use --file)")] = None,
    file: Annotated[Path | None, typer.Option("--file", "-f", help="Read the facts from a file ('-': stdin)")] = None,
    k: Annotated[int, typer.Option("--k", help="How many similar cases (1–50)")] = 10,
    exclude: Annotated[list[str] | None, typer.Option("--exclude", help="Leave this case out (repeatable)")] = None,
    corpus: CorpusOpt = None,
    law_corpus: LawOpt = None,
    anonymize: AnonOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Vụ án tương tự: the most similar judgments, and the provisions they applied, most frequent first."""
    from assistant.cases import CaseLawError

    if file is not None:
        try:
            facts = sys.stdin.read() if str(file) == "-" else file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            fail(f"cannot read {file}: {exc}")
    if facts is None:
        fail("give the facts as an argument or with --file PATH")
    service = _service(corpus, law_corpus)
    try:
        result = service.similar(facts, k=k, exclude=exclude or (), anonymize=anonymize)
    except CaseLawError as exc:
        fail(exc.message)
    if as_json:
        _print_json(result)
        return
    table = Table(title=f"Vụ án tương tự ({result.took_ms:.0f} ms)", show_lines=True)
    for col in ("#", "bản án", "kết quả", "score"):
        table.add_column(col)
    table.add_column("đoạn tương tự", overflow="fold")
    for i, c in enumerate(result.cases, 1):
        table.add_row(str(i), f"[bold]{c.case_id}[/]\n{c.title}", c.outcome_label or "", f"{c.score:.3f}",
                      " ".join(c.passage.split())[:400])
    console.print(table)
    if result.provisions:
        console.rule("Điều luật các vụ án tương tự đã áp dụng")
        for p in result.provisions:
            extra = " · tìm thấy trong văn bản luật" if p.retrieved else ""
            console.print(f"{p.score:.3f}  {p.label}  ({p.count} vụ án{extra})", highlight=False)
