"""``thuky ask`` and ``thuky chat``: the assistant in the terminal."""

from __future__ import annotations

import json
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
    for w in answer.warnings:
        console.print(f"[yellow]⚠ {w}[/]", highlight=False)
    timings = ", ".join(f"{k} {v:.0f} ms" for k, v in answer.timings_ms.items())
    console.print(f"độ tin cậy {answer.confidence:.2f} · {answer.composer} · {timings} · phiên {answer.session_id}",
                  style="dim", highlight=False)


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
) -> None:
    """Trò chuyện: an interactive conversation (empty line, 'thoát' or Ctrl-D to leave)."""
    from thuky import runtime

    name = corpus or get_settings().default_corpus
    assistant = runtime.current().assistant()
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
