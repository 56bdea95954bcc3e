"""Đúng/Sai and multiple-choice decisions under 5-fold cross-validation on the ALQAC dev questions.

Retrieval is the product's (``THUKY_HOME``'s live ``alqac`` index, top ``k`` articles, cached as JSON under ``/tmp``);
the composer's units and support ranking are the product's. Each Đúng/Sai statement and each multiple-choice option
(its stem read with the option) gets the features of :mod:`assistant.extractive.entailment`. Folds are by question
(``KFold(5, shuffle, seed 13)``, separately for each type); every model and threshold is fitted on the training folds
only and scored on the held-out fold. Compared:

* ``today``: the composer as committed (its judge and ranker fitted on all these questions: in-sample);
* ``rules``: the composer's hand-set decisions (``scoring.p_true``; the options' support), fitted in-sample before
  any of this;
* ``refit``: the same logistic form and inputs as ``rules`` (``tf_features`` + support score; for options also the
  option's own coverage and its conflicts), refitted;
* ``judge`` (Đúng/Sai only): a logistic over ``decisions.STATEMENT_FEATURES``, the form of ``STATEMENT_JUDGE``;
* ``rich``: every entailment feature, logistic regression;
* ``rich-gbm``: every entailment feature, LightGBM;
* ``rank`` (options only): a conditional logit (softmax over every option of a question, plain options' utilities
  negated for a negative stem; L2 ``RANK_L2`` on the plain options' features, ``AGGREGATE_L2`` on the aggregate
  options') over ``decisions.OPTION_FEATURES`` and ``decisions.AGGREGATE_FEATURES``, the form of ``OPTION_RANKER``.
  Its input ``statement_logit`` is the log-odds of a judge fitted on all the Đúng/Sai statements (other questions
  than the options').

A stem is negative when it asks for the option the law does not support
(:meth:`~assistant.extractive.ExtractiveComposer.asks_unsupported`). For the per-option classifiers an option's
label is whether it states the law: the answer of a plain question, every option but the answer of a negative one,
all options under a right "Cả … đều đúng" (none under "… đều sai"); the choice then follows
:func:`assistant.extractive.decisions.choose_option`, its aggregate thresholds chosen on the training folds.
Logistic models use ``C = LOGISTIC_C``.

Prints out-of-fold accuracy per type (and counting the product's abstentions as wrong), then the judge and the
ranker fitted on all dev questions: the constants ``STATEMENT_JUDGE`` and ``OPTION_RANKER`` of
``assistant/extractive/decisions.py``.

    THUKY_HOME=~/.thuky .venv/bin/python benchmarks/entailment_cv.py [--k 8] [--json out.json]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from assistant.abstain import should_abstain  # noqa: E402
from assistant.answer import AnswerForm, Source  # noqa: E402
from assistant.extractive import ExtractiveComposer, aggregate_option  # noqa: E402
from assistant.extractive.decisions import (AGGREGATE_FEATURES, OPTION_FEATURES, STATEMENT_FEATURES,  # noqa: E402
                                            Linear, Logistic, OptionRanker, aggregate_evidence, choose_option)
from assistant.understand import understand  # noqa: E402

FORMS = {"Đúng/Sai": AnswerForm.TRUE_FALSE, "Trắc nghiệm": AnswerForm.MULTIPLE_CHOICE}
FOLDS, SEED = 5, 13
#: the inputs of the decision as it stood before this script (scoring.TF_WEIGHTS and the option combination)
TODAY_TF = ["neg", "neg_drop", "neg_extra", "num", "abs", "uni", "bi", "tri", "miss", "miss_max", "n_miss", "oov",
            "score"]
TODAY_OPTION = TODAY_TF + ["opt_uni", "opt_bi", "opt_conflict"]
THRESHOLDS = [round(x, 2) for x in np.arange(0.2, 0.81, 0.05)]
LOGISTIC_C = 0.1
RANK_L2 = 30.0
AGGREGATE_L2 = 1.0


# -- data ---------------------------------------------------------------------------------------------------------
def collect(questions: list[dict], k: int, cache_dir: Path) -> list[list[dict]]:
    """The product's top-``k`` sources of every question (as ``Source`` dicts), cached by the index build."""
    from thuky.runtime import Runtime
    from thuky.settings import get_settings

    index = Runtime(get_settings()).corpus_index("alqac")
    tag = hashlib.sha1(json.dumps([str(index.directory), index.manifest.get("corpus_hash"), k,
                                   [q["question_id"] for q in questions]]).encode()).hexdigest()[:12]
    cache = cache_dir / f"thuky-entailment-sources-{tag}.json"
    if cache.exists():
        return json.loads(cache.read_text())
    from assistant.pipeline import sources_from_hits

    out = []
    for q in questions:
        uq = understand(q["text"], q.get("choices"), FORMS[q["question_type"]])
        hits = index.search(uq.raw, k, None, choices=uq.choices)
        out.append([s.model_dump() for s in sources_from_hits(index, hits)])
    cache.parent.mkdir(parents=True, exist_ok=True)
    cache.write_text(json.dumps(out, ensure_ascii=False))
    return out


def option_truth(answer: str, aggregates: dict, negative: bool) -> dict[str, int]:
    """Whether each plain option states the law (see the module doc)."""
    plain = [k for k in sorted(aggregates) if aggregates[k] is None]
    agg = aggregates.get(answer)
    if agg is not None:
        kind, named = agg
        refs = set(named or plain)
        return {k: int((k in refs) == (kind == "all")) for k in plain}
    if negative:
        return {k: int(k != answer) for k in plain}
    return {k: int(k == answer) for k in plain}


def featurize(questions: list[dict], sources: list[list[dict]], composer: ExtractiveComposer) -> list[dict]:
    """Per question: the committed composer's answer, the hand-set rules' answer, whether the product abstains, and
    the features (per option for choices)."""
    rules = ExtractiveComposer(option_ranker=None, statement_judge=None)
    rows = []
    for q, srcs in zip(questions, sources):
        form = FORMS[q["question_type"]]
        uq = understand(q["text"], q.get("choices"), form)
        src = [Source(**s) for s in srcs]
        row = {"type": q["question_type"], "gold": q["answer"], "today": composer.compose(uq, src).value,
               "rules": rules.compose(uq, src).value, "abstained": should_abstain(uq, src)}
        scorer = composer.scorer_for(uq, src)
        if form == AnswerForm.TRUE_FALSE:
            row["feats"] = composer.statement_evidence(scorer, uq.text) if scorer else {}
        else:
            letters = sorted(uq.choices)
            aggs = {k: aggregate_option(uq.choices[k], letters) for k in letters}
            plain = {k: uq.choices[k] for k in letters if aggs[k] is None}
            negative = composer.asks_unsupported(uq, scorer) if scorer else uq.negative
            ranked = composer.rank_options(scorer, uq.text, plain) if scorer else {}
            row.update(letters=letters, aggs=aggs, negative=negative,
                       feats=composer.option_evidence(scorer, uq.text, plain, ranked) if scorer else {},
                       support={k: composer.option_support(scorer, uq.text, v, ranked[k]).p for k, v in plain.items()}
                       if scorer else {}, truth=option_truth(q["answer"], aggs, negative))
        rows.append(row)
    return rows


# -- models -------------------------------------------------------------------------------------------------------
def fit_logistic(x: np.ndarray, y: np.ndarray, names: list[str], c: float = LOGISTIC_C) -> Logistic:
    """L2 logistic regression on standardised features, returned on the raw scale (threshold 0.5)."""
    from sklearn.linear_model import LogisticRegression

    mu, sd = x.mean(0), x.std(0)
    sd[sd < 1e-9] = 1.0
    m = LogisticRegression(C=c, max_iter=2000).fit((x - mu) / sd, y)
    w = m.coef_[0] / sd
    return Logistic({n: float(round(v, 4)) for n, v in zip(names, w)}, float(round(m.intercept_[0] - w @ mu, 4)))


def fit_gbm(x: np.ndarray, y: np.ndarray, names: list[str]) -> Callable[[dict], float]:
    import lightgbm as lgb

    m = lgb.LGBMClassifier(n_estimators=200, learning_rate=0.03, num_leaves=7, min_child_samples=15,
                           subsample=0.8, subsample_freq=1, colsample_bytree=0.8, random_state=SEED, verbose=-1,
                           n_jobs=1).fit(x, y)
    return lambda f: float(m.predict_proba(np.array([[f.get(n, 0.0) for n in names]]))[0, 1])


def matrix(feats: list[dict], names: list[str]) -> np.ndarray:
    return np.array([[f.get(n, 0.0) for n in names] for f in feats], dtype=float)


def tf_samples(rows: list[dict]) -> tuple[list[dict], np.ndarray]:
    return [r["feats"] for r in rows], np.array([int(r["gold"] == "Đúng") for r in rows])


def option_samples(rows: list[dict]) -> tuple[list[dict], np.ndarray]:
    feats, y = [], []
    for r in rows:
        for k, f in r["feats"].items():
            feats.append(f)
            y.append(r["truth"][k])
    return feats, np.array(y)


def train(kind: str, feats: list[dict], y: np.ndarray, names: list[str]) -> Callable[[dict], float]:
    x = matrix(feats, names)
    if kind == "gbm":
        return fit_gbm(x, y, names)
    return fit_logistic(x, y, names).prob


def tf_decide(rows: list[dict], prob: Callable[[dict], float], threshold: float) -> list[str]:
    return ["Đúng" if r["feats"] and prob(r["feats"]) >= threshold else "Sai" for r in rows]


def option_decide(rows: list[dict], prob: Callable[[dict], float], all_t: float, none_t: float) -> list[str]:
    out = []
    for r in rows:
        p = {k: prob(f) for k, f in r["feats"].items()}
        out.append(choose_option(r["letters"], r["aggs"], p, r["negative"], all_t, none_t)[0] if p else "")
    return out


def accuracy(rows: list[dict], preds: list[str]) -> float:
    return float(np.mean([p == r["gold"] for r, p in zip(rows, preds)])) if rows else float("nan")


def best_threshold(rows: list[dict], prob: Callable[[dict], float]) -> float:
    return float(max(THRESHOLDS, key=lambda t: (accuracy(rows, tf_decide(rows, prob, t)), -abs(t - 0.5))))


def best_aggregate_thresholds(rows: list[dict], prob: Callable[[dict], float]) -> tuple[float, float]:
    cached = [{**r, "feats": {k: {"p": prob(f)} for k, f in r["feats"].items()}} for r in rows]
    grid = [(a, b) for a in THRESHOLDS for b in THRESHOLDS]
    return max(grid, key=lambda t: (accuracy(cached, option_decide(cached, lambda f: f["p"], *t)),
                                    -abs(t[0] - 0.5) - abs(t[1] - 0.5)))


def fit_judge(rows: list[dict], names: Sequence[str] = STATEMENT_FEATURES) -> Logistic:
    """The statement judge fitted on ``rows`` (Đúng/Sai), its threshold the training accuracy's best."""
    feats, y = tf_samples([r for r in rows if r["feats"]])
    model = fit_logistic(matrix(feats, list(names)), y, list(names))
    return Logistic(model.weights, model.bias, best_threshold(rows, model.prob))


def with_statement_logit(rows: list[dict], judge: Logistic) -> None:
    """Sets each option's ``statement_logit`` (multiple-choice ``rows``) to ``judge``'s log-odds."""
    for r in rows:
        for f in r["feats"].values():
            f["statement_logit"] = judge.log_odds(f)


def fit_ranker(rows: list[dict], names: list[str], l2: float = RANK_L2,
               l2_aggregate: float = AGGREGATE_L2) -> OptionRanker:
    """Conditional logit over every option of each question (plain options' features standardised, their utilities
    negated for a negative stem; aggregate options' ``AGGREGATE_FEATURES``), returned on the raw scale."""
    from scipy.optimize import minimize

    plain_x = matrix([f for r in rows for f in r["feats"].values()], names)
    mu, sd = plain_x.mean(0), plain_x.std(0)
    sd[sd < 1e-9] = 1.0
    n_plain, n_agg = len(names), len(AGGREGATE_FEATURES)
    groups = []
    for r in rows:
        if not r["feats"]:
            continue
        aggs = aggregate_evidence(r["aggs"], r["feats"], r["support"], r["negative"])
        letters = sorted(r["feats"]) + sorted(aggs)
        if r["gold"] not in letters or len(letters) < 2:
            continue
        sign = -1.0 if r["negative"] else 1.0
        x = np.zeros((len(letters), n_plain + n_agg))
        for i, k in enumerate(letters):
            if k in r["feats"]:
                x[i, :n_plain] = sign * (matrix([r["feats"][k]], names)[0] - mu) / sd
            else:
                x[i, n_plain:] = matrix([aggs[k]], list(AGGREGATE_FEATURES))[0]
        groups.append((x, letters.index(r["gold"])))
    penalty = np.array([l2] * n_plain + [l2_aggregate] * n_agg)

    def loss(w: np.ndarray) -> tuple[float, np.ndarray]:
        value, grad = float(penalty @ (w * w)), 2 * penalty * w
        for x, g in groups:
            u = x @ w
            p = np.exp(u - u.max())
            p /= p.sum()
            value -= math.log(p[g] + 1e-12)
            grad -= x[g] - p @ x
        return value, grad

    w = minimize(loss, np.zeros(n_plain + n_agg), jac=True, method="L-BFGS-B").x
    plain = w[:n_plain] / sd
    return OptionRanker(Linear({n: float(round(v, 4)) for n, v in zip(names, plain) if abs(v) >= 5e-5}),
                        Linear({n: float(round(v, 4)) for n, v in zip(AGGREGATE_FEATURES, w[n_plain:])}),
                        float(round(plain @ mu, 4)))


def rank_decide(rows: list[dict], ranker: OptionRanker) -> list[str]:
    """The ranker's choice among every option."""
    return [ranker.choose(r["feats"], aggregate_evidence(r["aggs"], r["feats"], r["support"], r["negative"]),
                          r["negative"])[0] if r["feats"] else "" for r in rows]


def folds(n: int, seed: int = SEED) -> list[np.ndarray]:
    from sklearn.model_selection import KFold

    return [test for _train, test in KFold(FOLDS, shuffle=True, random_state=seed).split(np.arange(n))]


def out_of_fold(rows: list[dict], names: list[str], kind: str, multiple_choice: bool,
                seed: int = SEED) -> list[str]:
    """Held-out predictions of a model (and its thresholds) fitted on the other folds."""
    preds = [""] * len(rows)
    for test in folds(len(rows), seed):
        held = set(test.tolist())
        tr = [r for i, r in enumerate(rows) if i not in held and r["feats"]]
        if kind != "rank":
            feats, y = option_samples(tr) if multiple_choice else tf_samples(tr)
            prob = train(kind, feats, y, names)
        te = [rows[i] for i in test]
        if kind == "rank":
            got = rank_decide(te, fit_ranker(tr, names))
        elif multiple_choice:
            got = option_decide(te, prob, *best_aggregate_thresholds(tr, prob))
        else:
            got = tf_decide(te, prob, best_threshold(tr, prob))
        for i, p in zip(test, got):
            preds[i] = p
    return preds


def report(rows: list[dict], preds: list[str]) -> tuple[float, float]:
    acc = accuracy(rows, preds)
    product = float(np.mean([p == r["gold"] and not r["abstained"] for r, p in zip(rows, preds)]))
    return acc, product


def main(argv=None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--k", type=int, default=8)
    ap.add_argument("--cache-dir", type=Path, default=Path("/tmp"))
    ap.add_argument("--json", type=Path, default=None)
    ap.add_argument("--seeds", default="13,7,21,5,42",
                    help="fold seeds over which the judge's and the ranker's out-of-fold accuracy is averaged too")
    args = ap.parse_args(argv)
    from thuky.settings import get_settings

    path = get_settings().data_dir / "alqac" / "questions.json"
    if not path.exists():
        print(f"skipped: {path} not found")
        return {}
    questions = [q for q in json.loads(path.read_text(encoding="utf-8")) if q["question_type"] in FORMS]
    sources = collect(questions, args.k, args.cache_dir)
    rows = featurize(questions, sources, ExtractiveComposer())
    tf = [r for r in rows if r["type"] == "Đúng/Sai"]
    mc = [r for r in rows if r["type"] == "Trắc nghiệm"]
    judge = fit_judge(tf)
    with_statement_logit(mc, judge)
    rich_tf = sorted({n for r in tf for n in r["feats"]})
    rich_mc = sorted({n for r in mc for f in r["feats"].values() for n in f} - {"statement_logit"})
    out: dict = {}
    print(f"{'decision':<10}{'Đúng/Sai':>10}{'(+abst)':>9}{'Trắc nghiệm':>13}{'(+abst)':>9}   out of fold, "
          f"{FOLDS} folds, seed {SEED}; (+abst): the product's abstentions counted wrong")
    # name: (model kind, Đúng/Sai inputs or None, multiple-choice inputs or None); None: the composer's own answers
    candidates = {"today": None, "rules": None, "refit": ("logistic", TODAY_TF, TODAY_OPTION),
                  "judge": ("logistic", list(STATEMENT_FEATURES), None),
                  "rich": ("logistic", rich_tf, rich_mc), "rich-gbm": ("gbm", rich_tf, rich_mc),
                  "rank": ("rank", None, list(OPTION_FEATURES))}
    nan = (float("nan"), float("nan"))
    for name, spec in candidates.items():
        if spec is None:
            a_tf, a_mc = report(tf, [r[name] for r in tf]), report(mc, [r[name] for r in mc])
        else:
            a_tf = report(tf, out_of_fold(tf, spec[1], spec[0], False)) if spec[1] else nan
            a_mc = report(mc, out_of_fold(mc, spec[2], spec[0], True)) if spec[2] else nan
        out[name] = {"true_false": a_tf, "multiple_choice": a_mc}
        print(f"{name:<10}{a_tf[0]:>10.4f}{a_tf[1]:>9.4f}{a_mc[0]:>13.4f}{a_mc[1]:>9.4f}", flush=True)
    seeds = [int(x) for x in args.seeds.split(",") if x.strip()]
    for name, rows_, names, kind, multiple in (("judge", tf, list(STATEMENT_FEATURES), "logistic", False),
                                               ("rank", mc, list(OPTION_FEATURES), "rank", True)):
        accs = [accuracy(rows_, out_of_fold(rows_, names, kind, multiple, seed)) for seed in seeds]
        out[name]["seeds"] = dict(zip(seeds, accs))
        print(f"{name}: {float(np.mean(accs)):.4f} out of fold over seeds {seeds} "
              f"({', '.join(f'{a:.4f}' for a in accs)})", flush=True)
    ranker = fit_ranker(mc, list(OPTION_FEATURES))
    in_sample = accuracy(tf, tf_decide(tf, judge.prob, judge.threshold))
    print(f"\n# fitted on all {len(tf)} dev Đúng/Sai statements and {len(mc)} multiple-choice questions "
          f"(assistant/extractive/decisions.py); the judge answers {in_sample:.4f} of the statements in-sample:")
    print(f"STATEMENT_JUDGE = {judge!r}")
    print(f"OPTION_RANKER = {ranker!r}")
    out["final"] = {"statement_judge": {"weights": dict(judge.weights), "bias": judge.bias,
                                        "threshold": judge.threshold},
                    "option_ranker": {"plain": dict(ranker.plain.weights),
                                      "aggregate": dict(ranker.aggregate.weights), "offset": ranker.offset},
                    "judge_in_sample": in_sample}
    if args.json:
        args.json.write_text(json.dumps(out, ensure_ascii=False, indent=2))
    return out


if __name__ == "__main__":
    main()
