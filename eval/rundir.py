"""A run directory: ``run.json`` (what was run, with which configuration), ``results.jsonl`` (one line per question,
appended as each finishes) and ``metrics.json`` (the scores). A run is read back with :func:`load_run`."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

MANIFEST = "run.json"
RESULTS = "results.jsonl"
METRICS = "metrics.json"


class RunError(Exception):
    """A run that cannot start, resume or be read; the message says what to do."""


@dataclass
class Run:
    directory: Path
    manifest: dict
    results: list[dict]
    metrics: dict = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.manifest.get("name") or self.directory.name


def read_results(path: Path) -> list[dict]:
    """Complete result lines; a torn last line (a run killed mid-write) is ignored."""
    if not path.exists():
        return []
    out = []
    lines = path.read_text(encoding="utf-8").splitlines()
    for no, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            out.append(json.loads(line))
        except json.JSONDecodeError:
            if no == len(lines):
                break
            raise RunError(f"{path} line {no} is not valid JSON; the run directory is damaged") from None
    return out


def write_text_atomic(path: Path, text: str) -> None:
    """Write ``text`` (UTF-8) to ``path`` via a sibling ``.tmp`` file and a rename, so readers never see half a file."""
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)


def rewrite_results(path: Path, results: list[dict]) -> None:
    """Rewrite ``results.jsonl`` with exactly ``results`` (drops a torn line before appending resumes)."""
    write_text_atomic(path, "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in results))


def write_json(path: Path, obj: dict) -> None:
    write_text_atomic(path, json.dumps(obj, ensure_ascii=False, indent=1))


def load_run(directory: Path) -> Run:
    directory = Path(directory)
    manifest_path = directory / MANIFEST
    if not manifest_path.is_file():
        raise RunError(f"{directory} is not a run directory (no {MANIFEST}); create one with `thuky eval run`")
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except ValueError as exc:
        raise RunError(f"{manifest_path} is not valid JSON: {exc}") from None
    results = read_results(directory / RESULTS)
    metrics_path = directory / METRICS
    metrics = json.loads(metrics_path.read_text(encoding="utf-8")) if metrics_path.is_file() else {}
    return Run(directory, manifest, results, metrics)
