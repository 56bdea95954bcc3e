"""Loaders: files of any supported format → ``LegalDocument`` objects.

Public API (the ingest pipeline depends on these names):

- ``LoadError(path, reason)`` — ``str()`` is ``"PATH: reason"``; attributes ``path`` and ``reason``.
- ``load_path(path, *, max_bytes=100 MiB) -> list[LegalDocument]`` — one file → its documents.
- ``detect_format(path, head) -> str`` — from content: "pdf", "docx", "html", "text", "alqac_law",
  "alqac2026_law", "judgments", "json" (shape unknown from the head), "empty", "binary".
- ``iter_files(paths) -> Iterator[Path]`` — folders expanded recursively, sorted, hidden entries skipped.

Modules: ``detect`` (format sniffing, decoding), ``text`` (txt/docx/html/pdf → ``parse_statute``), ``alqac``
(ALQAC law corpora), ``judgments`` (bản án), ``known`` (number → title/type table).
"""

from corpus.loaders.core import DEFAULT_MAX_BYTES, iter_files, load_path
from corpus.loaders.detect import FORMATS, HEAD_BYTES, decode_text, detect_format
from corpus.loaders.errors import LoadError
from corpus.loaders.known import KNOWN_DOCUMENTS, KnownDocument

__all__ = [
    "DEFAULT_MAX_BYTES", "FORMATS", "HEAD_BYTES", "KNOWN_DOCUMENTS", "KnownDocument", "LoadError",
    "decode_text", "detect_format", "iter_files", "load_path",
]
