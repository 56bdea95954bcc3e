"""Score a run: per-question values of every metric (``nan`` where one does not apply), their means with bootstrap
intervals, breakdowns by question type and by gold document, the Recall@k curve and latency percentiles.

Which questions each metric covers (a question outside a metric's scope is ``nan`` for it):

* retrieval metrics — questions with at least one gold article; the ranking is the ``k`` articles retrieved;
* ``f2``, ``precision@cutoff``, ``recall@cutoff`` — ALQAC/Zalo's per-question F2 of the articles the system returns,
  cut from the ranking by :func:`eval.metrics.retrieval.cutoff` (top-1 plus near ties, see there), averaged;
* ``accuracy`` — true_false and multiple_choice questions with a gold answer; an abstention is wrong;
* ``exact_match``, ``token_f1`` — short_answer (and open) questions with a gold answer, on the answer's direct
  answer (``direct``: the value said first, before the quotes), else its value, else its text;
* ``citation_precision`` — answers that cite at least one article, of questions with gold articles;
  ``citation_recall`` — answered questions with gold articles (an abstention cites nothing: 0);
* ``citations_verified`` — answers that offered at least one citation: 1 when every one verified;
* ``abstained`` — every answered question;
* ``groundedness`` — open questions without a gold answer that were not abstained: the share of the answer's
  sentences supported by a cited unit (:func:`eval.metrics.answers.groundedness`);
* ``abstained:answerable``, ``abstained:outside`` — the abstention rate of the answered questions the corpus is
  expected to answer (lower is better) and of those outside it (``answerable: false``; higher is better);
* ``confidence`` — the answer's confidence (every answered question); ``cites_gold`` — answerable questions with gold
  articles, answered: 1 when the answer cites a gold article;
* ``confidence_auroc`` — not a mean but a statistic of the run (:data:`STATISTICS`): the AUROC of the confidence with
  the answerable questions whose answer cites a gold article as positives and the outside questions as negatives (an
  abstained answer keeps its confidence); absent when either group is empty. ``metrics.json`` also holds the
  abstention trade-off (:func:`eval.metrics.confidence.abstention_curve`) and the run's own operating point.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable

import numpy as np

from eval.bootstrap import CONFIDENCE, RESAMPLES, SEED, Interval, bootstrap_ci, bootstrap_statistic
from eval.metrics import answers as am
from eval.metrics import confidence as cm
from eval.metrics import retrieval as rm
from eval.metrics.latency import summarize

NAN = math.nan
RECALL_KS = (1, 5, 10, 100)
PRECISION_KS = (1, 5, 10)
RETRIEVAL = ([f"recall@{k}" for k in RECALL_KS] + [f"precision@{k}" for k in PRECISION_KS]
             + ["mrr@10", "ndcg@10", "f2", "precision@cutoff", "recall@cutoff", "cutoff_size"])
ANSWERS = ["accuracy", "exact_match", "token_f1", "citation_precision", "citation_recall", "citations_verified",
           "abstained", "groundedness"]
METRICS = RETRIEVAL + ANSWERS
HEADLINE = ["recall@1", "recall@5", "recall@10", "recall@100", "mrr@10", "ndcg@10", "f2", "accuracy",
            "accuracy:true_false", "accuracy:multiple_choice", "exact_match",
            "token_f1", "citation_precision", "citation_recall", "citations_verified", "abstained",
            "abstained:answerable", "abstained:outside", "confidence_auroc", "groundedness"]
LABELS = {"recall@1": "Recall@1", "recall@5": "Recall@5", "recall@10": "Recall@10", "recall@100": "Recall@100",
          "precision@1": "Precision@1", "precision@5": "Precision@5", "precision@10": "Precision@10",
          "mrr@10": "MRR@10", "ndcg@10": "nDCG@10", "f2": "F2 (cut-off)", "precision@cutoff": "Precision (cut-off)",
          "recall@cutoff": "Recall (cut-off)", "cutoff_size": "articles returned (cut-off)",
          "accuracy": "accuracy (Đúng/Sai, trắc nghiệm)", "accuracy:true_false": "accuracy (Đúng/Sai)",
          "accuracy:multiple_choice": "accuracy (trắc nghiệm)", "exact_match": "exact match (short)",
          "token_f1": "token F1 (short)", "citation_precision": "citation precision", "citation_recall":
          "citation recall", "citations_verified": "all citations verified", "abstained": "abstention rate",
          "abstained:answerable": "abstention (answerable)", "abstained:outside": "abstention (outside the corpus)",
          "confidence_auroc": "confidence AUROC (correct vs outside)", "groundedness": "groundedness (open)",
          "confidence": "confidence", "cites_gold": "answer cites a gold article", "answerable": "answerable"}
LOWER_IS_BETTER = {"abstained", "abstained:answerable", "cutoff_size"}
CLOSED = ("true_false", "multiple_choice")
CONFIDENCE_COLUMNS = ["confidence", "answerable", "cites_gold"]
Table = dict[str, np.ndarray]  # metric → per-question values
CURVE_K = 100


def answerable(result: dict) -> bool:
    """Whether the corpus is expected to hold the answer (results written before the field: yes)."""
    return bool(result.get("answerable", True))


def gold_keys(result: dict) -> set[tuple[str, str]]:
    return {(g["document"], g["article"]) for g in result.get("gold", [])}


def ranked_keys(result: dict) -> list[tuple[str, str]]:
    return [(h["document"], h["article"]) for h in result.get("retrieved", [])]


def retrieval_scores(result: dict, cutoff_ratio: float, cutoff_max: int) -> dict[str, float]:
    gold = gold_keys(result)
    if not gold:
        return {m: NAN for m in RETRIEVAL}
    ranked = ranked_keys(result)
    out = {f"recall@{k}": rm.recall_at_k(ranked, gold, k) for k in RECALL_KS}
    out |= {f"precision@{k}": rm.precision_at_k(ranked, gold, k) for k in PRECISION_KS}
    out["mrr@10"] = rm.reciprocal_rank(ranked, gold, 10)
    out["ndcg@10"] = rm.ndcg_at_k(ranked, gold, 10)
    returned = rm.cutoff([((h["document"], h["article"]), h["score"]) for h in result.get("retrieved", [])],
                         cutoff_ratio, cutoff_max)
    p, r, f2 = rm.set_scores(returned, gold)
    out |= {"f2": f2, "precision@cutoff": p, "recall@cutoff": r, "cutoff_size": float(len(returned))}
    return out


def answer_scores(result: dict) -> dict[str, float]:
    out = {m: NAN for m in ANSWERS}
    a = result.get("answer")
    if a is None:
        return out
    kind, gold_answer, gold = result["type"], result.get("gold_answer"), gold_keys(result)
    abstained = bool(a.get("abstained"))
    value = None if abstained else (a.get("value") if a.get("value") is not None else a.get("text"))
    out["abstained"] = float(abstained)
    if gold_answer is not None:
        if kind in CLOSED:
            out["accuracy"] = am.choice_correct(value, gold_answer, kind)
        else:
            said = None if abstained else (a.get("direct") or value)  # the direct answer, where there is one
            out["exact_match"] = am.exact_match(said, gold_answer)
            out["token_f1"] = am.token_f1(said, gold_answer)
    citations = a.get("citations", [])
    cited = {(c["document_id"], c["article"]) for c in citations}
    out["citation_precision"] = am.citation_precision(cited, gold)
    out["citation_recall"] = am.citation_recall(cited, gold)
    out["citations_verified"] = am.all_citations_verified([bool(c.get("verified")) for c in citations],
                                                          int(a.get("removed_citations", 0)))
    if kind == "open" and gold_answer is None and not abstained:
        texts = [s.get("text", "") for s in a.get("sources", []) if (s["document_id"], s["article"]) in cited]
        frame = {c.get("document_title", "") for c in citations}
        out["groundedness"] = am.groundedness(a.get("text", ""), texts, frame)
    return out


def confidence_scores(result: dict) -> dict[str, float]:
    """``confidence``, ``answerable`` and ``cites_gold`` of one result (``nan`` where they do not apply)."""
    a, gold = result.get("answer"), gold_keys(result)
    out = {"confidence": NAN, "answerable": float(answerable(result)), "cites_gold": NAN}
    if a is None:
        return out
    if a.get("confidence") is not None:
        out["confidence"] = float(a["confidence"])
    if answerable(result) and gold:
        out["cites_gold"] = float(any((c["document_id"], c["article"]) in gold for c in a.get("citations", [])))
    return out


def question_scores(result: dict, cutoff_ratio: float = rm.DEFAULT_CUTOFF_RATIO,
                    cutoff_max: int = rm.DEFAULT_CUTOFF_MAX) -> dict[str, float]:
    """Every metric of one result record (``nan`` where it does not apply)."""
    return retrieval_scores(result, cutoff_ratio, cutoff_max) | answer_scores(result) | confidence_scores(result)


def score_table(results: list[dict], manifest: dict | None = None) -> Table:
    """metric → per-question values, in the order of ``results``."""
    cut = (manifest or {}).get("cutoff", {})
    ratio, max_n = cut.get("ratio", rm.DEFAULT_CUTOFF_RATIO), cut.get("max", rm.DEFAULT_CUTOFF_MAX)
    rows = [question_scores(r, ratio, max_n) for r in results]
    table = {m: np.array([row[m] for row in rows], dtype=float) for m in [*METRICS, *CONFIDENCE_COLUMNS]}
    for t in CLOSED:  # accuracy of one question type ("accuracy:true_false"): nan for the other questions
        table[f"accuracy:{t}"] = np.array([row["accuracy"] if r.get("type") == t else np.nan
                                           for r, row in zip(results, rows)], dtype=float)
    for group, inside in (("answerable", True), ("outside", False)):  # abstention per group: nan for the other
        table[f"abstained:{group}"] = np.where(table["answerable"] == float(inside), table["abstained"], np.nan)
    return table


# -- confidence: a statistic of the run, and the abstention trade-off ---------------------------------------------
def _positives(table: Table) -> np.ndarray:
    return (table["answerable"] == 1) & (table["cites_gold"] == 1) & ~np.isnan(table["confidence"])


def _negatives(table: Table) -> np.ndarray:
    return (table["answerable"] == 0) & ~np.isnan(table["confidence"])


def auroc_rows(table: Table) -> np.ndarray:
    """The questions the confidence AUROC is over: its positives and negatives."""
    return np.flatnonzero(_positives(table) | _negatives(table))


def confidence_auroc(table: Table, rows: np.ndarray) -> float:
    """AUROC of the confidence over ``rows`` (repeats allowed): answerable and citing gold vs outside the corpus."""
    conf = table["confidence"][rows]
    return cm.auroc(conf[_positives(table)[rows]], conf[_negatives(table)[rows]])


# headline metrics that are statistics of a set of questions, not means: name → (its rows, the statistic of rows)
STATISTICS: dict[str, tuple[Callable[[Table], np.ndarray], Callable[[Table, np.ndarray], float]]] = {
    "confidence_auroc": (auroc_rows, confidence_auroc)}


def headline_interval(table: Table, metric: str) -> Interval:
    """A headline metric's value and bootstrap interval: the mean over questions, or a statistic of them."""
    if metric in STATISTICS:
        rows_of, statistic = STATISTICS[metric]
        return bootstrap_statistic(lambda rows: statistic(table, rows), rows_of(table))
    return bootstrap_ci(table[metric])


def abstention(table: Table) -> tuple[list[dict], dict | None]:
    """The abstention trade-off curve over the answered questions and the run's own operating point."""
    answered = ~np.isnan(table["confidence"]) & ~np.isnan(table["abstained"])
    if not answered.any():
        return [], None
    conf, own = table["confidence"][answered], table["abstained"][answered] == 1
    inside, correct = table["answerable"][answered] == 1, table["cites_gold"][answered] == 1
    curve = cm.abstention_curve(conf, own, inside, correct)
    return [p.as_dict() for p in curve], cm.abstention_point(own, inside, correct).as_dict()


def _mean(v: np.ndarray) -> float | None:
    v = v[~np.isnan(v)]
    return float(v.mean()) if v.size else None


def _clean(x):
    """nan → None, recursively (JSON has no nan)."""
    if isinstance(x, float) and math.isnan(x):
        return None
    if isinstance(x, dict):
        return {k: _clean(v) for k, v in x.items()}
    if isinstance(x, list):
        return [_clean(v) for v in x]
    return x


def _breakdown(table: Table, groups: dict[str, list[int]], metrics: list[str]) -> dict:
    out = {}
    for name, rows in groups.items():
        idx = np.array(rows, dtype=int)
        out[name] = {"n": len(rows)} | {m: _mean(table[m][idx]) for m in metrics}
    return out


def recall_curve(results: list[dict], max_k: int = CURVE_K) -> list[float]:
    """Mean Recall@k for k = 1..max_k over the questions with gold."""
    curves = [rm.recall_curve(ranked_keys(r), gold_keys(r), max_k) for r in results if gold_keys(r)]
    return [float(x) for x in np.mean(curves, axis=0)] if curves else []


def score_run(results: list[dict], manifest: dict | None = None) -> dict:
    """The content of ``metrics.json``."""
    manifest = manifest or {}
    table = score_table(results, manifest)
    headline = {}
    for m in HEADLINE:
        ci = headline_interval(table, m)
        if ci.n:
            headline[m] = {"value": ci.value, "low": ci.low, "high": ci.high, "n": ci.n}
    all_metrics = {m: {"value": _mean(table[m]), "n": int((~np.isnan(table[m])).sum())} for m in table}
    by_type: dict[str, list[int]] = defaultdict(list)
    by_doc: dict[str, list[int]] = defaultdict(list)
    titles: dict[str, str] = {}
    for i, r in enumerate(results):
        by_type[r["type"]].append(i)
        for g in r.get("gold", []):
            if i not in by_doc[g["document"]]:
                by_doc[g["document"]].append(i)
            titles.setdefault(g["document"], g.get("document_title") or g.get("written") or g["document"])
    present = [m for m in METRICS if all_metrics[m]["n"]]
    curve, operating_point = abstention(table)
    documents = _breakdown(table, dict(by_doc), present)
    for doc, row in documents.items():
        row["title"] = titles.get(doc, doc)
    stages: dict[str, list[float]] = defaultdict(list)
    for r in results:
        for stage, ms in (r.get("timings_ms") or {}).items():
            stages[stage].append(ms)
    problems = [{"question_id": r["id"], "document": g["written"], "article": g["article"], "problem": g["problem"]}
                for r in results for g in r.get("gold", []) if g.get("problem")]
    return _clean({
        "run": manifest.get("name"), "suite": manifest.get("suite"), "questions": len(results),
        "errors": sum(1 for r in results if r.get("error")),
        "no_gold": sum(1 for r in results if not r.get("gold") and answerable(r)),
        "outside": sum(1 for r in results if not answerable(r)),
        "answered": any(r.get("answer") is not None for r in results),
        "headline": headline, "metrics": all_metrics,
        "by_type": _breakdown(table, dict(sorted(by_type.items())), present),
        "by_document": dict(sorted(documents.items(), key=lambda kv: -kv[1]["n"])),
        "recall_curve": recall_curve(results),
        "abstention_curve": curve, "abstention_operating_point": operating_point,
        "latency_ms": {stage: summarize(v) for stage, v in sorted(stages.items())},
        "gold_problems": problems,
        "cutoff": manifest.get("cutoff", {"ratio": rm.DEFAULT_CUTOFF_RATIO, "max": rm.DEFAULT_CUTOFF_MAX}),
        "bootstrap": {"resamples": RESAMPLES, "confidence": CONFIDENCE, "seed": SEED},
    })
