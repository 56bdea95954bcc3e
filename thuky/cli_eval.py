"""``thuky eval``: convert data sets to suites, run a suite against a configuration, score, report and compare runs."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from thuky.cli_output import console, err, fail
from thuky.settings import get_settings

eval_app = typer.Typer(help="Đánh giá (evaluation): suites → runs → metrics → HTML reports and comparisons.",
                       no_args_is_help=True)
convert_app = typer.Typer(help="Convert a shared data set into a suite (JSONL).", no_args_is_help=True)
eval_app.add_typer(convert_app, name="convert")

# benchmark corpora `thuky eval prepare` can load: name → file under the data folder
CORPORA = {"alqac": "alqac/law.json", "alqac2022": "alqac2022/law.json",
           "alqac2026": "alqac2026/corpus_law_pub.json"}


def _default_suite_path(name: str) -> Path:
    return get_settings().home / "eval" / "suites" / f"{name}.jsonl"


def _convert(kind: str, source: Path | None, default: str, out: Path | None, corpus: str | None) -> None:
    from eval.convert import CONVERTERS, ConvertError, read_json

    source = source or get_settings().data_dir / default
    try:
        conversion = CONVERTERS[kind](read_json(source), corpus=corpus)
    except ConvertError as exc:
        fail(f"{source}: {exc}")
    _write_conversion(conversion, out or _default_suite_path(f"{kind}-{source.stem}"))


def _write_conversion(conversion, out: Path) -> None:
    from eval.suite import write_suite

    n = write_suite(conversion.questions, out)
    for line in conversion.problems:
        err.print(f"[yellow]warning:[/] {line}", highlight=False, soft_wrap=True)
    counts: dict[str, int] = {}
    for q in conversion.questions:
        counts[q.type] = counts.get(q.type, 0) + 1
    kinds = ", ".join(f"{v} {k}" for k, v in sorted(counts.items()))
    outside = sum(not q.answerable for q in conversion.questions)
    kinds += f"; {outside} outside the corpus" if outside else ""
    console.print(f"{n} questions ({kinds}) → {out}", highlight=False)


SourceArg = Annotated[Path | None, typer.Argument(help="Source file (default: from the shared data folder)")]
OutOpt = Annotated[Path | None, typer.Option("--out", "-o", help="Suite to write (default: under THUKY_HOME/eval)")]


@convert_app.command("alqac")
def convert_alqac(
    source: SourceArg = None, out: OutOpt = None,
    corpus: Annotated[str, typer.Option("--corpus", "-c", help="Corpus named in each question")] = "alqac",
) -> None:
    """ALQAC questions (alqac/questions.json) → suite: Đúng/Sai, trắc nghiệm, tự luận with gold articles."""
    _convert("alqac", source, "alqac/questions.json", out, corpus)


@convert_app.command("judgments")
def convert_judgments(
    source: SourceArg = None, out: OutOpt = None,
    corpus: Annotated[str, typer.Option("--corpus", "-c", help="Corpus named in each question")] = "alqac2026",
) -> None:
    """Judgments (alqac2026/judgments.json) → "which provisions apply to this case", the cited provisions as gold."""
    _convert("judgments", source, "alqac2026/judgments.json", out, corpus)


@convert_app.command("zalo")
def convert_zalo(
    source: Annotated[Path | None, typer.Argument(help="Folder with the Zalo files (default: zalo/ in the shared "
                                                       "data folder)")] = None,
    out: OutOpt = None,
    which: Annotated[str, typer.Option("--set", help="statutes (answers in the corpus), outside (not in it: "
                                                     "to be abstained on) or both")] = "both",
    corpus: Annotated[str, typer.Option("--corpus", "-c", help="Corpus named in each question")] = "statutes",
) -> None:
    """Zalo AI 2021 real questions → open questions: over the statutes with gold articles, or outside the corpus."""
    from eval.convert import ZALO_SETS, ConvertError, read_json, zalo_suite

    if which not in (*ZALO_SETS, "both"):
        fail(f"--set must be statutes, outside or both, not {which!r}")
    folder = source or get_settings().data_dir / "zalo"
    names = list(ZALO_SETS) if which == "both" else [which]
    sets = {}
    for name in names:
        path = folder / Path(ZALO_SETS[name][0]).name
        try:
            sets[name] = read_json(path)
        except ConvertError as exc:
            fail(str(exc))
    try:
        conversion = zalo_suite(sets, corpus)
    except ConvertError as exc:
        fail(f"{folder}: {exc}")
    _write_conversion(conversion, out or _default_suite_path(f"zalo-{which}"))


def _load_suite(path: Path):
    from eval.suite import SuiteError, load_suite

    try:
        return load_suite(path)
    except SuiteError as exc:
        fail(str(exc))


@eval_app.command()
def validate(
    suite: Annotated[Path, typer.Argument(help="Suite (JSONL)")],
    corpus: Annotated[str | None, typer.Option("--corpus", "-c", help="Also resolve gold documents in this "
                                                                        "corpus (default: each question's)")] = None,
) -> None:
    """Check a suite: every line well-formed, ids unique, gold documents resolvable in their corpus."""
    from eval.suite import resolve_gold
    from thuky import runtime

    s = _load_suite(suite)
    console.print(f"{suite}: {len(s)} questions, well-formed", highlight=False)
    corpora = {q.id: corpus or q.corpus for q in s.questions}
    known = set(runtime.current().store.corpora())
    problems = 0
    for q in s.questions:
        name = corpora[q.id]
        if not name or not q.relevant:
            continue
        if name not in known:
            fail(f"corpus {name!r} is not in the store ({', '.join(sorted(known)) or 'empty'}): "
                  f"ingest it first (thuky eval prepare {name})")
        for p in resolve_gold(q, runtime.current().store.resolver(name)).problems:
            problems += 1
            err.print(f"[yellow]{p.question_id}[/]: {p.document} Điều {p.article}: {p.problem}", highlight=False,
                      soft_wrap=True)
    if problems:
        console.print(f"{problems} gold reference(s) do not resolve (they count as misses when the suite runs)")


@eval_app.command()
def prepare(
    corpus: Annotated[str, typer.Argument(help=f"One of: {', '.join(CORPORA)}")],
    lexical_only: Annotated[bool, typer.Option("--lexical-only", help="BM25 only, no embeddings")] = False,
) -> None:
    """Load a benchmark corpus from the shared data folder and build its index (= thuky ingest + thuky index build)."""
    from thuky.cli_corpus import ingest
    from thuky.cli_index import build

    if corpus not in CORPORA:
        fail(f"unknown benchmark corpus {corpus!r}; known: {', '.join(CORPORA)} (any other: thuky ingest --corpus "
              f"NAME FILES, then thuky index build --corpus NAME)")
    path = get_settings().data_dir / CORPORA[corpus]
    if not path.exists():
        fail(f"{path} not found (set THUKY_DATA_DIR to the shared data folder)")
    ingest([path], corpus=corpus)
    build(corpus=corpus, lexical_only=lexical_only)


def _headline_table(metrics: dict, title: str) -> Table:
    from eval.scoring import LABELS

    table = Table(title=title)
    for col in ("metric", "value", "95% CI", "n"):
        table.add_column(col, justify="left" if col == "metric" else "right", no_wrap=True)
    for m, h in metrics.get("headline", {}).items():
        table.add_row(LABELS.get(m, m), f"{h['value']:.4f}", f"[{h['low']:.3f}, {h['high']:.3f}]", str(h["n"]))
    for stage, s in metrics.get("latency_ms", {}).items():
        if stage in ("search", "end_to_end") and s.get("n"):
            table.add_row(f"{stage} latency p50 / p95 / max (ms)", f"{s['p50']:.1f}",
                          f"{s['p95']:.1f} / {s['max']:.1f}", str(s["n"]))
    return table


@eval_app.command()
def run(
    suite: Annotated[Path, typer.Argument(help="Suite (JSONL)")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Run directory (results.jsonl, metrics.json)")],
    corpus: Annotated[str | None, typer.Option("--corpus", "-c", help="Corpus for every question (default: each "
                                                                        "question's corpus, else the default)")] = None,
    config: Annotated[list[str] | None, typer.Option(
        "--config", help="KEY=VALUE (a THUKY_ setting such as dense=false, or assistant.k=5) or a JSON file; "
                         "repeatable")] = None,
    retrieval_only: Annotated[bool, typer.Option("--retrieval-only", help="Retrieve only; no answers")] = False,
    k: Annotated[int, typer.Option("--k", help="Articles retrieved per question for the retrieval metrics")] = 100,
    llm: Annotated[bool, typer.Option("--llm", help="Compose with the LLM at THUKY_LLM_URL (falls back)")] = False,
    cutoff_ratio: Annotated[float, typer.Option(help="F2 cut-off: keep hits scoring ≥ ratio × the top score")] = 0.9,
    name: Annotated[str | None, typer.Option(help="Run name in reports (default: the directory name)")] = None,
    restart: Annotated[bool, typer.Option("--restart", help="Discard results already in the run directory")] = False,
) -> None:
    """Run a suite through retrieval and the assistant (the API's code path), resuming an interrupted run."""
    from rich.progress import (BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn,
                               TimeRemainingColumn)

    from eval.rundir import RunError
    from eval.runner import RunOptions, run_suite
    from eval.system import ConfigError, parse_config
    from thuky.runtime import evaluation_system

    if not 1 <= k <= 1000:
        fail("--k must be between 1 and 1000")
    if not 0 < cutoff_ratio <= 1:
        fail("--cutoff-ratio must be in (0, 1]")
    s = _load_suite(suite)
    try:
        system = evaluation_system(parse_config(config), with_assistant=not retrieval_only)
    except ConfigError as exc:
        fail(str(exc))
    options = RunOptions(corpus=corpus, default_corpus=get_settings().default_corpus, retrieval_only=retrieval_only,
                         k=k, use_llm=llm, cutoff_ratio=cutoff_ratio, name=name, restart=restart)
    with Progress(TextColumn("[bold]eval[/] {task.description}"), BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn(), TimeRemainingColumn(), console=err, transient=True) as progress:
        task = progress.add_task(s.name, total=len(s))

        def on_progress(done: int, total: int, result: dict | None) -> None:
            progress.update(task, completed=done, total=total)

        try:
            result = run_suite(s, system, out, options, on_progress)
        except RunError as exc:
            progress.stop()
            fail(str(exc))
        except KeyboardInterrupt:
            progress.stop()
            from eval.rundir import RESULTS, read_results

            kept = len(read_results(out / RESULTS))
            fail(f"interrupted: {kept} of {len(s)} results kept in {out}; run the same command again to resume",
                  130)
    m = result.metrics
    console.print(_headline_table(m, f"{result.name}: {m['questions']} questions"))
    notes = []
    if m.get("errors"):
        notes.append(f"{m['errors']} question(s) failed (see 'error' in results.jsonl)")
    if m.get("no_gold"):
        notes.append(f"{m['no_gold']} question(s) have no gold articles (left out of the retrieval metrics)")
    if m.get("outside"):
        notes.append(f"{m['outside']} question(s) are outside the corpus (to be abstained on; no retrieval gold)")
    problems = m.get("gold_problems", [])
    if problems:
        notes.append(f"{len(problems)} gold reference(s) do not resolve in the corpus (counted as misses):")
    for line in notes:
        console.print(line, highlight=False)
    for p in problems[:10]:
        console.print(f"  {p['question_id']}: {p['document']} Điều {p['article']} — {p['problem']}", highlight=False)
    if len(problems) > 10:
        console.print(f"  … and {len(problems) - 10} more (metrics.json, gold_problems)")
    console.print(f"results: {out / 'results.jsonl'}; metrics: {out / 'metrics.json'}", highlight=False)


def _load_runs(dirs: list[Path]):
    from eval.rundir import RunError, load_run

    try:
        runs = [load_run(d) for d in dirs]
    except RunError as exc:
        fail(str(exc))
    for r in runs:
        if not r.metrics:
            fail(f"{r.directory} has no metrics.json: the run did not finish (run the same command to resume)")
    return runs


@eval_app.command()
def report(
    runs: Annotated[list[Path], typer.Argument(help="Run directories (the first is the baseline)")],
    out: Annotated[Path, typer.Option("--out", "-o", help="HTML file to write")] = Path("report.html"),
    worst: Annotated[int, typer.Option(help="Worst failures shown per run")] = 20,
) -> None:
    """One self-contained HTML report: headline with intervals, plots, breakdowns, worst failures, deltas."""
    from eval.report import write_report
    from eval.rundir import RunError

    loaded = _load_runs(runs)
    try:
        path = write_report(loaded, out, worst)
    except RunError as exc:
        fail(str(exc))
    console.print(f"report: {path}", highlight=False)


@eval_app.command()
def compare(
    a: Annotated[Path, typer.Argument(help="Baseline run directory")],
    b: Annotated[Path, typer.Argument(help="Run directory to compare with it")],
) -> None:
    """Compare two runs in the terminal: metrics, Δ (b − a) with paired-bootstrap interval, significance."""
    from eval.compare import compare_runs, latency_rows
    from eval.rundir import RunError

    ra, rb = _load_runs([a, b])
    try:
        rows = compare_runs(ra, rb)
    except RunError as exc:
        fail(str(exc))
    table = Table(title=f"{rb.name} vs {ra.name} (Δ = {rb.name} − {ra.name}; paired bootstrap, 95%)")
    table.add_column("metric", overflow="fold", min_width=12)
    for col in (ra.name, rb.name, "Δ", "95% CI of Δ", "p", "n"):
        table.add_column(col, justify="right", no_wrap=True, overflow="fold")
    for c in rows:
        d = c.delta
        style = {True: "green", False: "red"}.get(c.better, "")
        mark = " ✱" if d.significant else ""
        table.add_row(c.label, f"{d.a:.4f}", f"{d.b:.4f}", f"[{style}]{d.delta:+.4f}{mark}[/]" if style else
                      f"{d.delta:+.4f}{mark}", f"[{d.low:+.3f}, {d.high:+.3f}]", f"{d.p_value:.3f}", str(d.n))
    for label, (va, vb) in latency_rows([ra, rb]):
        delta = f"{vb - va:+.1f}" if va is not None and vb is not None else "–"
        table.add_row(label, f"{va:.1f}" if va is not None else "–", f"{vb:.1f}" if vb is not None else "–",
                      delta, "", "", "")
    console.print(table)
    common = len({r["id"] for r in ra.results} & {r["id"] for r in rb.results})
    if common != len(ra.results) or common != len(rb.results):
        console.print(f"metrics compared on the {common} questions both runs hold ({ra.name}: {len(ra.results)}, "
                      f"{rb.name}: {len(rb.results)}); latency rows are each run's own", highlight=False)
    console.print("✱ significant: the 95% interval of Δ excludes 0 (green better, red worse)", style="dim")


@eval_app.command()
def table(runs: Annotated[list[Path], typer.Argument(help="Run directories")]) -> None:
    """Print the headline metrics of one or more runs as a Markdown table (for the README)."""
    from eval.compare import markdown_table
    from eval.rundir import RunError

    try:
        print(markdown_table(_load_runs(runs)))
    except RunError as exc:
        fail(str(exc))
