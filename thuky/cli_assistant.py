"""``thuky ask`` and ``thuky chat``: the assistant in the terminal."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.panel import Panel

from thuky.cli_output import console, err, fail
from thuky.settings import get_settings



def _ask(question: str, corpus: str, session: str | None, use_llm: bool):
    from assistant.errors import AssistantError
    from indexing.index import IndexUnavailable, QueryError
    from thuky import runtime

    try:
        return runtime.current().assistant().answer(question, corpus=corpus, session_id=session, use_llm=use_llm)
    except (AssistantError, IndexUnavailable, QueryError) as exc:
        fail(str(exc))


def _print(answer) -> None:
    style = "yellow" if answer.abstained else "green"
    head = ""
    said = answer.direct or answer.value  # the direct answer first, then the quotes that support it
    if said and not answer.abstained:
        head = f"[bold]{escape(said)}[/]\n"
    console.print(Panel(head + escape(answer.text), title=f"Trả lời ({answer.form.value})", border_style=style,
                        highlight=False))
    for i, c in enumerate(answer.citations, 1):
        mark = "✓" if c.verified else "✗"
        console.print(f"[bold]{mark} [{i}] {c.label}[/] ({c.document_id})", highlight=False)
        if c.quote:
            console.print(f"   “{c.quote}”", style="dim", highlight=False)
    for c in answer.file_citations:
        console.print(f"[bold]{'✓' if c.verified else '✗'} {escape(c.label)}[/]", highlight=False)
        console.print(f"   “{escape(c.quote)}”", style="dim", highlight=False)
    for w in answer.warnings:
        console.print(f"[yellow]⚠ {w}[/]", highlight=False)
    timings = ", ".join(f"{k} {v:.0f} ms" for k, v in answer.timings_ms.items())
    console.print(f"độ tin cậy {answer.confidence:.2f} · {answer.composer} · {timings} · phiên {answer.session_id}",
                  style="dim", highlight=False)


def _attach(path: Path, corpus: str, session: str | None) -> str:
    """Parse the case file (in a child process with the upload limits), split, embed and read it into the
    conversation (a new one unless ``--session``); print its reading. Returns the conversation id."""
    from corpus.loaders import LoadError
    from corpus.loaders.isolated import ParseLimits, load_pages_isolated
    from corpus.loaders.pages import FORMATS
    from corpus.loaders.detect import HEAD_BYTES, detect_format
    from thuky import runtime

    s = get_settings()
    rt = runtime.current()
    try:
        pages = load_pages_isolated(path, max_bytes=s.case_file_max_mb * 2**20, max_pages=s.case_file_max_pages,
                                    limits=ParseLimits(s.parse_memory_mb, s.parse_timeout_s, s.parse_max_unzipped_mb))
        kind = detect_format(path, path.read_bytes()[:HEAD_BYTES])
    except (LoadError, OSError) as exc:
        fail(f"{path}: {getattr(exc, 'reason', exc)}")
    from assistant.errors import AssistantError

    if session is None:
        session = rt.assistant().conversations.create(corpus, None, title=path.name)
    files = rt.case_files()
    try:
        fid = files.add(session, None, path.name, kind if kind in FORMATS else "text", path.stat().st_size, pages)
        with console.status(f"Đang đọc {path.name} ({len(pages)} trang)…") as status:
            summary = files.process(fid, lambda f, m: status.update(f"{path.name}: {m} ({f:.0%})"))
    except AssistantError as exc:
        fail(str(exc))
    except Exception as exc:  # noqa: BLE001 - one readable line
        files.fail(fid, f"failed: {exc}")
        fail(f"{path}: {type(exc).__name__}: {exc}")
    _print_reading(files.get(session, fid, None).reading, path.name, summary)
    return session


def _print_reading(r, name: str, summary: str) -> None:
    lines = [f"[bold]{escape(name)}[/]: {escape(summary)}"]
    if r.number or r.court:
        lines.append(escape(" · ".join(x for x in (r.number, r.court, r.date) if x)))
    lines += [f"• {escape(p.role)}: {escape(p.name)}" for p in r.parties]
    lines += [f"Yêu cầu: {escape(c)}" for c in r.claims[:5]]
    lines += [f"{e.date}{' ★' if e.kind == 'judgment' else ''} {escape(e.text[:120])}" for e in r.timeline[:15]]
    for p in r.provisions:
        mark = {"ok": "✓", "unresolved": "?"}.get(p.status, "⚠")
        lines.append(f"{mark} {escape(p.label)}" + (f" — {escape(p.note)}" if p.note else ""))
    lines += [f"≈ {escape(c.title)}: {escape(', '.join(c.provisions[:6]))}" for c in r.similar]
    console.print(Panel("\n".join(lines), title="Hồ sơ vụ án", border_style="blue", highlight=False))


def ask(
    question: Annotated[str, typer.Argument(help="Câu hỏi pháp lý bằng tiếng Việt")],
    corpus: Annotated[str | None, typer.Option("--corpus", "-c", help="Corpus name")] = None,
    session: Annotated[str | None, typer.Option("--session", help="Continue this conversation")] = None,
    llm: Annotated[bool, typer.Option("--llm", help="Compose with the LLM at THUKY_LLM_URL (falls back)")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the answer object as JSON")] = False,
) -> None:
    """Hỏi: one question → an answer with verified citations, confidence and timings."""
    answer = _ask(question, corpus or get_settings().default_corpus, session, llm)
    if as_json:
        print(json.dumps(answer.model_dump(mode="json"), ensure_ascii=False, indent=1))
    else:
        _print(answer)


def chat(
    corpus: Annotated[str | None, typer.Option("--corpus", "-c", help="Corpus name")] = None,
    session: Annotated[str | None, typer.Option("--session", help="Continue this conversation")] = None,
    llm: Annotated[bool, typer.Option("--llm", help="Compose with the LLM at THUKY_LLM_URL")] = False,
    file: Annotated[Path | None, typer.Option("--file", help="A case file (.pdf .docx .txt .html) to ask about: "
                                              "read first, then searched beside the law")] = None,
) -> None:
    """Trò chuyện: an interactive conversation (empty line, 'thoát' or Ctrl-D to leave)."""
    from thuky import runtime

    name = corpus or get_settings().default_corpus
    assistant = runtime.current().assistant()
    if file is not None:
        session = _attach(file, name, session)
    console.print("ThuKy — hỏi về pháp luật; gõ 'thoát' để kết thúc.", style="bold")
    while True:
        try:
            question = console.input("[bold cyan]Bạn:[/] ")
        except (EOFError, KeyboardInterrupt):
            console.print()
            break
        if question.strip().lower() in ("", "thoát", "thoat", "exit", "quit"):
            break
        from assistant.errors import AssistantError
        from indexing.index import IndexUnavailable, QueryError

        try:
            answer = assistant.answer(question, corpus=name, session_id=session, use_llm=llm)
        except (AssistantError, IndexUnavailable, QueryError) as exc:
            err.print(f"[red]{exc}[/]")
            continue
        session = answer.session_id
        _print(answer)
