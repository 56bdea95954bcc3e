"""Untrusted files (uploads) parsed in a child process with limits: memory (``RLIMIT_AS``), CPU and wall-clock time
(the child is killed), and the size a .docx may unpack to. A zip bomb, a crafted PDF or HTML nested a hundred
thousand deep costs the child, never the caller: it gets a ``LoadError`` with a clear reason.

The child is a fresh interpreter (``python -m corpus.loaders.isolated``), not a fork of the caller, so its memory limit
does not depend on what the caller has loaded. It reads one request as JSON on stdin and answers with JSON on stdout:
``{"documents": [...]}`` (or, for a case file, ``{"pages": [...]}``) or ``{"error": "..."}``. Documents cross the
boundary as plain JSON, never as pickles.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from corpus.law import Article, Clause, DocumentStatus, DocumentType, LegalDocument, Point
from corpus.loaders.errors import LoadError

_ROOT = Path(__file__).resolve().parents[2]  # the folder holding the ``corpus`` package
_DATES = ("issued_date", "effective_date", "expiry_date")


@dataclass(frozen=True)
class ParseLimits:
    """What one parse may use. ``memory_mb`` is the child's address space, ``timeout_s`` its wall-clock (and CPU)
    time, ``max_unzipped_mb`` the most a .docx may unpack to."""

    memory_mb: int = 2048
    timeout_s: float = 60.0
    max_unzipped_mb: int = 200


# ---------------------------------------------------------------- documents as JSON

def document_to_dict(doc: LegalDocument) -> dict:
    out = dataclasses.asdict(doc)
    for key in _DATES:
        out[key] = out[key].isoformat() if out[key] else None
    out["doc_type"], out["status"] = str(doc.doc_type), str(doc.status)
    return out


def document_from_dict(d: dict) -> LegalDocument:
    articles = [Article(number=a["number"], title=a["title"], text=a["text"], path=list(a["path"]),
                        repealed=bool(a["repealed"]), points=[Point(**p) for p in a["points"]],
                        clauses=[Clause(number=c["number"], text=c["text"], points=[Point(**p) for p in c["points"]])
                                 for c in a["clauses"]])
                for a in d["articles"]]
    dates = {k: dt.date.fromisoformat(d[k]) if d[k] else None for k in _DATES}
    return LegalDocument(id=d["id"], title=d["title"], doc_type=DocumentType(d["doc_type"]), number=d["number"],
                         issuer=d["issuer"], status=DocumentStatus(d["status"]), aliases=list(d["aliases"]),
                         source=d["source"], source_format=d["source_format"], articles=articles,
                         extra=dict(d["extra"]), preamble=d["preamble"], **dates)


# ---------------------------------------------------------------- the caller's side

def load_path_isolated(path: Path, *, max_bytes: int, limits: ParseLimits = ParseLimits()) -> list[LegalDocument]:
    """``load_path`` in a child process under ``limits``. Raises ``LoadError`` naming the limit that was hit."""
    path = Path(path)
    request = {"path": str(path), "max_bytes": max_bytes, "max_unzipped_bytes": limits.max_unzipped_mb * 2**20,
               "memory_mb": limits.memory_mb, "cpu_s": int(limits.timeout_s) + 1}
    done = _run_child(path, request, limits)
    return [document_from_dict(d) for d in _answer(path, done, limits)["documents"]]


def load_pages_isolated(path: Path, *, max_bytes: int, max_pages: int,
                        limits: ParseLimits = ParseLimits()) -> list[str]:
    """``corpus.loaders.pages.pages_from_path`` (a case file's pages) in a child process under ``limits``."""
    path = Path(path)
    request = {"mode": "pages", "path": str(path), "max_bytes": max_bytes, "max_pages": max_pages,
               "max_unzipped_bytes": limits.max_unzipped_mb * 2**20, "memory_mb": limits.memory_mb,
               "cpu_s": int(limits.timeout_s) + 1}
    pages = _answer(path, _run_child(path, request, limits), limits).get("pages")
    if not isinstance(pages, list) or not all(isinstance(p, str) for p in pages):
        raise LoadError(path, "the parser stopped without an answer; the file was refused")
    return pages


def _run_child(path: Path, request: dict, limits: ParseLimits) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(_ROOT), os.environ.get("PYTHONPATH", "")]),
           "PYTHONDONTWRITEBYTECODE": "1"}
    try:
        return subprocess.run([sys.executable, "-m", "corpus.loaders.isolated"], input=json.dumps(request).encode(),
                              capture_output=True, timeout=limits.timeout_s, cwd=_ROOT, env=env)
    except subprocess.TimeoutExpired:  # run() has killed the child
        raise LoadError(path, f"parsing took longer than the limit of {limits.timeout_s:g} s; the file was "
                              "refused (a crafted or damaged file?)") from None


def _answer(path: Path, done: subprocess.CompletedProcess, limits: ParseLimits) -> dict:
    try:
        answer = json.loads(done.stdout) if done.returncode == 0 else None
    except ValueError:
        answer = None
    if isinstance(answer, dict) and "error" in answer:
        raise LoadError(path, answer["error"])
    if isinstance(answer, dict) and ("documents" in answer or "pages" in answer):
        return answer
    if done.returncode in (-signal.SIGXCPU, -signal.SIGKILL):
        raise LoadError(path, f"parsing took longer than the limit of {limits.timeout_s:g} s")
    if b"MemoryError" in done.stderr:
        raise LoadError(path, f"parsing needed more than the memory limit of {limits.memory_mb} MB")
    how = f"signal {signal.Signals(-done.returncode).name}" if done.returncode < 0 else f"exit {done.returncode}"
    raise LoadError(path, f"the parser stopped ({how}); the file was refused")


# ---------------------------------------------------------------- the child's side

def _limit_self(memory_mb: int, cpu_s: int) -> None:
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (memory_mb * 2**20, memory_mb * 2**20))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_s, cpu_s + 1))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))  # writes nothing but its answer, on a pipe


def _parse(request: dict) -> dict:
    from corpus.loaders.core import load_path
    from corpus.loaders.pages import pages_from_path

    path = Path(request["path"])
    try:
        if request.get("mode") == "pages":
            return {"pages": pages_from_path(path, max_bytes=request["max_bytes"], max_pages=request["max_pages"],
                                             max_unzipped_bytes=request["max_unzipped_bytes"])}
        docs = load_path(path, max_bytes=request["max_bytes"], max_unzipped_bytes=request["max_unzipped_bytes"])
    except LoadError as exc:
        return {"error": exc.reason}
    except MemoryError:
        return {"error": f"parsing needed more than the memory limit of {request['memory_mb']} MB"}
    except RecursionError:
        return {"error": "the file is nested too deeply to parse"}
    except Exception as exc:  # noqa: BLE001 - whatever a parser raises on hostile input is a refusal, not a crash
        return {"error": f"the parser failed ({type(exc).__name__})"}
    return {"documents": [document_to_dict(d) for d in docs]}


def main() -> None:
    request = json.loads(sys.stdin.buffer.read())
    _limit_self(request["memory_mb"], request["cpu_s"])
    try:
        answer = json.dumps(_parse(request), ensure_ascii=False, default=str)
    except MemoryError:
        answer = json.dumps({"error": f"parsing needed more than the memory limit of {request['memory_mb']} MB"})
    sys.stdout.write(answer)
    sys.stdout.flush()


if __name__ == "__main__":
    main()
