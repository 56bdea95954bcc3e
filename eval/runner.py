"""Run a suite through a system: every question is retrieved (``index.search``, top ``k``) and, unless retrieval-only,
answered (``assistant.answer``), exactly as the API calls them. Each finished question is appended to
``results.jsonl`` at once, so an interrupted run resumes where it stopped when the same command runs again; at the end
the run is scored into ``metrics.json``.

Which corpus a question runs against: ``--corpus`` when given, else the question's ``corpus`` field, else the
default corpus.
"""

from __future__ import annotations

import datetime as dt
import json
import platform
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from eval.metrics.retrieval import DEFAULT_CUTOFF_MAX, DEFAULT_CUTOFF_RATIO
from eval.rundir import (MANIFEST, METRICS, RESULTS, Run, RunError, load_run, read_results, rewrite_results,
                         write_json)
from eval.scoring import score_run
from eval.suite import Suite, SuiteQuestion, resolve_gold
from eval.system import System

TITLED_HITS = 10  # retrieved articles stored with their titles (the rest with key, rank and scores only)
REPO = Path(__file__).resolve().parent.parent


@dataclass
class RunOptions:
    corpus: str | None = None  # --corpus: wins over each question's own corpus
    default_corpus: str = "statutes"
    retrieval_only: bool = False
    k: int = 100  # articles retrieved per question for the retrieval metrics
    use_llm: bool = False
    cutoff_ratio: float = DEFAULT_CUTOFF_RATIO
    cutoff_max: int = DEFAULT_CUTOFF_MAX
    name: str | None = None
    restart: bool = False  # discard the results already in the run directory


Progress = Callable[[int, int, dict | None], None]  # (done, total, the result just written or None at start)

# what must match for a run directory to be resumed
_IDENTITY = ("suite_sha256", "corpus", "default_corpus", "retrieval_only", "k", "use_llm", "system")


def _git() -> dict:
    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=REPO, capture_output=True, text=True, timeout=10).stdout.strip()

    try:
        return {"commit": git("rev-parse", "HEAD") or None, "dirty": bool(git("status", "--porcelain"))}
    except (OSError, subprocess.SubprocessError):
        return {"commit": None, "dirty": None}


def manifest_for(suite: Suite, system: System, options: RunOptions, out_dir: Path) -> dict:
    return {
        "name": options.name or out_dir.name,
        "suite": str(suite.path) if suite.path else None, "suite_sha256": suite.sha256, "questions": len(suite),
        "corpus": options.corpus, "default_corpus": options.default_corpus,
        "retrieval_only": options.retrieval_only, "k": options.k, "use_llm": options.use_llm,
        "cutoff": {"ratio": options.cutoff_ratio, "max": options.cutoff_max},
        "system": system.description,
        "git": _git(), "python": platform.python_version(), "machine": platform.machine(),
        "started": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
    }


def corpus_of(q: SuiteQuestion, options: RunOptions) -> str:
    return options.corpus or q.corpus or options.default_corpus


def _hit_record(h, titled: bool) -> dict:
    rec = {"document": h.key[0], "article": h.key[1], "rank": int(h.rank), "score": round(float(h.score), 6),
           "scores": {k: round(float(v), 6) for k, v in (h.scores or {}).items()}}
    if titled:
        rec["document_title"] = getattr(h, "doc_title", "")
        rec["title"] = getattr(h, "title", "")
    return rec


def _answer_record(answer) -> dict:
    """The answer object as JSON; retrieved sources keep their text only when the answer cites them (groundedness
    needs it; the rest is in the index)."""
    d = answer.model_dump(mode="json")
    cited = {(c["document_id"], c["article"]) for c in d.get("citations", [])}
    for s in d.get("sources", []):
        if (s["document_id"], s["article"]) not in cited:
            s["text"] = ""
    return d


def run_question(q: SuiteQuestion, corpus: str, system: System, options: RunOptions) -> dict:
    """One question through retrieval and (unless retrieval-only) the assistant → its result record."""
    from assistant.errors import AssistantError
    from indexing.index import QueryError

    index = system.index_for(corpus)
    records = getattr(index, "records", None)
    gold = resolve_gold(q, system.resolver_for(corpus), records)
    problems = {(p.document, p.article): p.problem for p in gold.problems}
    gold_records = []
    for (doc, article), written in zip(gold.keys, gold.written):
        rec = {"document": doc, "article": article, "written": written.document}
        r = records.get((doc, article)) if records is not None else None
        if r is not None:
            rec |= {"document_title": r.doc_title, "title": r.title}
        problem = problems.get((written.document, written.article))
        if problem:
            rec["problem"] = problem
        gold_records.append(rec)
    result = {"id": q.id, "type": q.type, "corpus": corpus, "question": q.question, "choices": q.choices,
              "gold_answer": q.answer, "gold": gold_records, "retrieved": [], "answer": None, "timings_ms": {},
              "error": None, "answerable": q.answerable}
    if q.references:
        result["references"] = [g.model_dump() for g in q.references]
    timings = result["timings_ms"]
    try:
        t = time.perf_counter()
        hits = index.search(q.question, options.k, choices=q.choices)
        timings["search"] = round((time.perf_counter() - t) * 1000, 3)
        result["retrieved"] = [_hit_record(h, i < TITLED_HITS) for i, h in enumerate(hits)]
        if not options.retrieval_only and system.assistant is not None:
            answer = system.assistant.answer(q.question, corpus=corpus, choices=q.choices, form=q.type,
                                             use_llm=options.use_llm)
            result["answer"] = _answer_record(answer)
            for stage, ms in (answer.timings_ms or {}).items():
                timings[f"answer.{stage}"] = ms
        end = timings.get("answer.total", timings.get("search"))
        if end is not None:
            timings["end_to_end"] = end
    except (QueryError, AssistantError) as exc:
        result["error"] = f"{type(exc).__name__}: {exc}"
    return result


def _check_corpora(questions: list[SuiteQuestion], system: System, options: RunOptions) -> None:
    """Load the index of every corpus the questions still to run need, so a missing one stops the run at once."""
    from indexing.index import IndexUnavailable

    for corpus in sorted({corpus_of(q, options) for q in questions}):
        try:
            system.index_for(corpus)
        except IndexUnavailable as exc:
            raise RunError(str(exc)) from None


def run_suite(suite: Suite, system: System, out_dir: Path, options: RunOptions | None = None,
              on_progress: Progress | None = None) -> Run:
    """Run (or resume) ``suite`` into ``out_dir`` and score it. Raises :class:`RunError` when the directory holds a
    run of another suite or configuration (use ``restart`` or another directory)."""
    options = options or RunOptions()
    out_dir = Path(out_dir)
    if options.retrieval_only is False and system.assistant is None:
        raise RunError("this system has no assistant: run with --retrieval-only")
    manifest = manifest_for(suite, system, options, out_dir)
    results_path = out_dir / RESULTS
    done: dict[str, dict] = {}
    if (out_dir / MANIFEST).exists() and not options.restart:
        old = load_run(out_dir).manifest
        changed = [k for k in _IDENTITY if old.get(k) != manifest.get(k)]
        if changed:
            raise RunError(f"{out_dir} holds a run of a different suite or configuration ({', '.join(changed)} "
                           f"differ): use another --out, or --restart to discard it")
        manifest["started"] = old.get("started", manifest["started"])
        ids = {q.id for q in suite.questions}
        done = {r["id"]: r for r in read_results(results_path) if r.get("id") in ids}
    _check_corpora([q for q in suite.questions if q.id not in done], system, options)
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / METRICS).unlink(missing_ok=True)
    rewrite_results(results_path, [done[q.id] for q in suite.questions if q.id in done])
    manifest["resumed_with"] = len(done)
    write_json(out_dir / MANIFEST, manifest)

    total = len(suite)
    if on_progress:
        on_progress(len(done), total, None)
    with results_path.open("a", encoding="utf-8") as f:
        for q in suite.questions:
            if q.id in done:
                continue
            result = run_question(q, corpus_of(q, options), system, options)
            f.write(json.dumps(result, ensure_ascii=False) + "\n")
            f.flush()
            done[q.id] = result
            if on_progress:
                on_progress(len(done), total, result)
    results = [done[q.id] for q in suite.questions]
    manifest["finished"] = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
    write_json(out_dir / MANIFEST, manifest)
    metrics = score_run(results, manifest)
    write_json(out_dir / METRICS, metrics)
    return Run(out_dir, manifest, results, metrics)
