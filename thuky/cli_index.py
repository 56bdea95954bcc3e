"""``thuky index build`` and ``thuky search``."""

from __future__ import annotations

import json
import time
from typing import Annotated

import typer
from rich.table import Table

from thuky.cli_output import console, err, fail
from thuky.settings import get_settings

index_app = typer.Typer(help="Chỉ mục tìm kiếm (search index): build the BM25 + dense index of a corpus.",
                        no_args_is_help=True)


@index_app.command("build")
def build(
    corpus: Annotated[str | None, typer.Option("--corpus", "-c", help="Corpus name")] = None,
    lexical_only: Annotated[bool, typer.Option("--lexical-only", help="BM25 only, no embeddings")] = False,
    ray: Annotated[str | None, typer.Option(
        "--ray", metavar="ADDRESS",
        help="Segment and embed as Ray Data batches: 'local' (a Ray on this machine), 'auto' (the cluster this "
             "machine is in) or a cluster address such as host:6379 or ray://host:10001")] = None,
) -> None:
    """Build (or incrementally update) the index of a corpus and switch to it atomically."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from corpus.store import StoreError, check_corpus_name
    from indexing.distributed import RayUnavailable
    from indexing.index import IndexUnavailable
    from thuky import runtime

    s = get_settings()
    try:
        name = check_corpus_name(corpus or s.default_corpus)
    except StoreError as exc:
        fail(str(exc))
    config = runtime.current().index_config()
    emb = None
    if lexical_only:
        config.model_dir = None
    else:
        if not (s.model_dir / "modules.json").exists():
            if s.embedding_model is not None:
                fail(f"no sentence-transformers model at {s.model_dir} (THUKY_EMBEDDING_MODEL)")
            from weights.e5_rebuild import build_e5_model

            err.print(f"building the default embedding model into {s.model_dir} …")
            build_e5_model(s.model_dir)
        emb = runtime.current().embedder()
    with Progress(TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=err, transient=True) as progress:
        tasks: dict[str, int] = {}

        def on_progress(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = progress.add_task(stage, total=total)
            progress.update(tasks[stage], completed=done, total=total)

        executor = runtime.current().index_executor(ray)
        try:
            report = runtime.current().index_builder(config, emb, executor).build(runtime.current().store, name,
                                                                                 on_progress)
        except (IndexUnavailable, RayUnavailable) as exc:
            fail(str(exc))
        finally:
            if executor is not None:
                executor.close()
    runtime.current().indexes.forget(name)
    secs = ", ".join(f"{k} {v:.1f}s" for k, v in report.seconds.items())
    console.print(f"index of '{name}': {report.articles} articles, {report.pieces} dense pieces "
                  f"({report.segmented} texts segmented, {report.embedded} pieces embedded, the rest from cache); "
                  f"{secs}")
    console.print(f"live build: {report.directory}")


def search(
    query: Annotated[str, typer.Argument(help="Câu hỏi hoặc từ khóa")],
    corpus: Annotated[str | None, typer.Option("--corpus", "-c", help="Corpus name")] = None,
    k: Annotated[int, typer.Option("--k", help="How many articles")] = 10,
    doc: Annotated[list[str] | None, typer.Option("--doc", help="Only these document ids")] = None,
    doc_type: Annotated[list[str] | None, typer.Option("--type", help="Only these document types")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON")] = False,
) -> None:
    """Tìm điều luật: ranked articles with document, number, title, score and a snippet."""
    from indexing.index import IndexUnavailable, QueryError
    from indexing.types import Filters
    from thuky import runtime

    s = get_settings()
    name = corpus or s.default_corpus
    if k < 1 or k > 1000:
        fail("--k must be between 1 and 1000")
    try:
        index = runtime.current().corpus_index(name)
        t = time.perf_counter()
        hits = index.search(query, k, Filters(doc_ids=doc or None, doc_types=doc_type or None))
        ms = (time.perf_counter() - t) * 1000
    except (IndexUnavailable, QueryError) as exc:
        fail(str(exc))
    if as_json:
        print(json.dumps({"query": query, "corpus": name, "ms": round(ms, 1), "hits": [
            {"rank": h.rank, "document": h.key[0], "article": h.key[1], "document_title": h.doc_title,
             "title": h.title, "score": round(h.score, 6), "scores": h.scores, "snippet": h.snippet}
            for h in hits]}, ensure_ascii=False, indent=1))
        return
    if not hits:
        console.print("Không tìm thấy điều luật phù hợp.")
        return
    table = Table(title=f"{len(hits)} kết quả ({ms:.0f} ms)", show_lines=True)
    for col in ("#", "văn bản", "điều", "score"):
        table.add_column(col, no_wrap=True)
    table.add_column("tiêu đề / trích đoạn", overflow="fold")
    for h in hits:
        table.add_row(str(h.rank), f"{h.doc_title}\n{h.key[0]}", h.key[1], f"{h.score:.3f}",
                      f"[bold]{h.title}[/]\n{h.snippet}")
    console.print(table)
