"""``load_path``: one file → its documents, whatever its format; ``iter_files``: folders → files."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

from corpus.loaders.alqac import load_alqac2026_law, load_alqac_law
from corpus.loaders.detect import HEAD_BYTES, JSON_SHAPES, decode_text, describe_binary, detect_format, json_shape
from corpus.loaders.errors import LoadError
from corpus.loaders.judgments import load_judgments
from corpus.loaders.text import (
    DEFAULT_MAX_UNZIPPED_BYTES,
    document_from_text,
    text_from_docx,
    text_from_html,
    text_from_pdf,
)
from corpus.law import LegalDocument

DEFAULT_MAX_BYTES = 100 * 2**20

_JSON_LOADERS = {"alqac_law": load_alqac_law, "alqac2026_law": load_alqac2026_law, "judgments": load_judgments}


def _size(n: int) -> str:
    return f"{n / 2**20:.1f} MB" if n >= 2**20 else f"{n} bytes"


def _load_json(data: bytes, path: Path, guess: str) -> list[LegalDocument]:
    text = decode_text(data, path)
    try:
        parsed = json.loads(text)
    except json.JSONDecodeError as e:
        truncated = not text.rstrip().endswith(("]", "}")) or e.pos >= len(text.rstrip())
        why = f"{e.msg}; the file ends early (truncated?)" if truncated else e.msg
        raise LoadError(path, f"invalid JSON at line {e.lineno}, column {e.colno}: {why}") from None
    except RecursionError:
        raise LoadError(path, "invalid JSON: nested too deeply") from None
    shape = json_shape(parsed) or (guess if guess in _JSON_LOADERS else None)
    if shape is None:
        if isinstance(parsed, list):
            got = ("an empty list" if not parsed else
                   f"a list of {type(parsed[0]).__name__}" if not isinstance(parsed[0], dict) else
                   f"a list of objects with keys {sorted(parsed[0])[:8]}")
        elif isinstance(parsed, dict):
            got = f"an object with keys {sorted(parsed)[:8]}"
        else:
            got = f"a JSON {type(parsed).__name__}"
        expected = "; or ".join(JSON_SHAPES.values())
        raise LoadError(path, f"wrong JSON shape: got {got}; expected {expected}")
    return _JSON_LOADERS[shape](parsed, path)


def load_path(path: Path, *, max_bytes: int = DEFAULT_MAX_BYTES,
              max_unzipped_bytes: int = DEFAULT_MAX_UNZIPPED_BYTES) -> list[LegalDocument]:
    """One file → its documents (a statute gives one, a ``law.json`` many). Raises ``LoadError`` with a clear reason.

    The format comes from the content (``detect_format``), never from the extension alone; the size is checked
    before anything is read, and a .docx may unpack to at most ``max_unzipped_bytes``. An untrusted file (an upload)
    is parsed by ``corpus.loaders.isolated.load_path_isolated`` instead, in a child process with limits.
    """
    path = Path(path)
    try:
        st = path.stat()
    except FileNotFoundError:
        raise LoadError(path, "no such file") from None
    except OSError as e:
        raise LoadError(path, f"cannot stat file ({e.strerror or e})") from None
    if path.is_dir():
        raise LoadError(path, "is a directory (use iter_files to expand folders)")
    if st.st_size > max_bytes:
        raise LoadError(path, f"file is {_size(st.st_size)}, over the {_size(max_bytes)} limit")
    if st.st_size == 0:
        raise LoadError(path, "empty file (0 bytes)")
    try:
        data = path.read_bytes()
    except OSError as e:
        raise LoadError(path, f"cannot read file ({e.strerror or e})") from None
    if len(data) > max_bytes:  # grew since stat
        raise LoadError(path, f"file is {_size(len(data))}, over the {_size(max_bytes)} limit")

    fmt = detect_format(path, data[:HEAD_BYTES])
    if fmt == "empty":
        raise LoadError(path, f"empty file (only whitespace in {len(data)} bytes)")
    if fmt == "binary":
        raise LoadError(path, describe_binary(data[:HEAD_BYTES]))
    if fmt == "pdf":
        return [document_from_text(text_from_pdf(path, data), path, "pdf")]
    if fmt == "docx":
        text = text_from_docx(path, data, max_unzipped_bytes=max_unzipped_bytes)
        return [document_from_text(text, path, "docx")]
    if fmt == "html":
        return [document_from_text(text_from_html(data, path), path, "html")]
    if fmt == "text":
        return [document_from_text(decode_text(data, path), path, "text")]
    return _load_json(data, path, fmt)


def iter_files(paths: list[Path]) -> Iterator[Path]:
    """Files named, and files under folders named (recursively, sorted, hidden files and folders skipped).

    Nothing is filtered by name or extension: a README in a corpus folder is offered to ``load_path``, which refuses
    it with a reason, so a summary can list it as skipped. A path that does not exist is yielded as is (``load_path``
    then says "no such file"). Each file is yielded once.
    """
    seen: set[Path] = set()

    def once(p: Path) -> Iterator[Path]:
        key = p.resolve() if p.exists() else p.absolute()
        if key not in seen:
            seen.add(key)
            yield p

    for root in paths:
        root = Path(root)
        if not root.is_dir():
            yield from once(root)
            continue
        found: list[Path] = []
        for dirpath, dirnames, filenames in os.walk(root):  # does not follow symlinked folders: no cycles
            dirnames[:] = [d for d in dirnames if not d.startswith(".")]
            found.extend(Path(dirpath) / f for f in filenames if not f.startswith("."))
        for p in sorted(found, key=lambda p: p.relative_to(root).parts):
            if p.is_file():
                yield from once(p)
