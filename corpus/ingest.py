"""Ingest: files in, documents stored — idempotent by content hash, one transaction per file."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from corpus.law import LegalDocument
from corpus.loaders import LoadError, iter_files, load_path
from corpus.store import Store, StoreError, check_corpus_name


@dataclass
class FileOutcome:
    """What happened to one file: ingested, replaced (content changed), unchanged, or skipped with a reason."""

    path: str
    status: str
    reason: str = ""
    documents: int = 0
    articles: int = 0
    clauses: int = 0
    points: int = 0


@dataclass
class IngestReport:
    corpus: str
    outcomes: list[FileOutcome] = field(default_factory=list)

    @property
    def skipped(self) -> list[FileOutcome]:
        return [o for o in self.outcomes if o.status == "skipped"]

    def count(self, status: str) -> int:
        return sum(1 for o in self.outcomes if o.status == status)

    def totals(self) -> dict[str, int]:
        stored = [o for o in self.outcomes if o.status in ("ingested", "replaced")]
        return {k: sum(getattr(o, k) for o in stored) for k in ("documents", "articles", "clauses", "points")}


def file_hash(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _stored(key: str, existed: bool, docs: list) -> FileOutcome:
    counts = [d.counts() for d in docs]
    return FileOutcome(
        key, "replaced" if existed else "ingested", documents=len(docs),
        articles=sum(c["articles"] for c in counts), clauses=sum(c["clauses"] for c in counts),
        points=sum(c["points"] for c in counts),
    )


def ingest_file(store: Store, corpus: str, path: Path, *, max_bytes: int) -> FileOutcome:
    key = str(path.resolve())
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise LoadError(path, f"file is {size / 2**20:.0f} MB, over the {max_bytes / 2**20:.0f} MB limit")
        digest = file_hash(path)
        if store.source_hash(corpus, key) == digest:
            return FileOutcome(key, "unchanged")
        existed = store.source_hash(corpus, key) is not None
        docs = load_path(path, max_bytes=max_bytes)
        store.replace_source(corpus, key, digest, docs)
    except (LoadError, StoreError) as exc:
        return FileOutcome(key, "skipped", reason=str(getattr(exc, "reason", exc)))
    except OSError as exc:
        return FileOutcome(key, "skipped", reason=f"cannot read: {exc.strerror or exc}")
    return _stored(key, existed, docs)


def ingest_parsed(store: Store, corpus: str, path: Path, docs: list[LegalDocument], *, stored_as: Path) -> FileOutcome:
    """Store documents already parsed from ``path`` (an upload, parsed once in a child process) as the source file
    ``stored_as``, where the caller moves it once this succeeded; the file there now is left alone. Documents whose
    ``source`` named ``path`` name ``stored_as`` instead."""
    check_corpus_name(corpus)
    key = str(stored_as.resolve())
    try:
        digest = file_hash(path)
        if store.source_hash(corpus, key) == digest:
            return FileOutcome(key, "unchanged")
        existed = store.source_hash(corpus, key) is not None
        for doc in docs:
            if doc.source == str(path):
                doc.source = str(stored_as)
        store.replace_source(corpus, key, digest, docs)
    except StoreError as exc:
        return FileOutcome(key, "skipped", reason=str(exc))
    except OSError as exc:
        return FileOutcome(key, "skipped", reason=f"cannot read: {exc.strerror or exc}")
    store.resolve_links(corpus)
    store.refresh_validity(corpus)
    return _stored(key, existed, docs)


def ingest(
    store: Store,
    corpus: str,
    paths: Iterable[Path],
    *,
    max_bytes: int = 100 * 2**20,
    on_file: Callable[[FileOutcome], None] | None = None,
) -> IngestReport:
    """Ingest files and folders into a corpus. Each file is stored whole or not at all."""
    check_corpus_name(corpus)
    report = IngestReport(corpus)
    existing = []
    for p in map(Path, paths):
        if p.exists():
            existing.append(p)
        else:
            report.outcomes.append(FileOutcome(str(p), "skipped", reason="no such file or folder"))
    for path in iter_files(existing):
        outcome = ingest_file(store, corpus, path, max_bytes=max_bytes)
        report.outcomes.append(outcome)
        if on_file:
            on_file(outcome)
    if any(o.status in ("ingested", "replaced") for o in report.outcomes):
        store.resolve_links(corpus)
    # validity is derived from the whole corpus (a later law repeals an earlier one): after any change, and when the
    # stored documents were derived by another version of the parser even if no file changed
    if any(o.status in ("ingested", "replaced") for o in report.outcomes) or store.validity_stale(corpus):
        store.refresh_validity(corpus)
    return report
