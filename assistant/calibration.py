"""Fit the answer-confidence model (``assistant.confidence``) on honest, out-of-fold answers to the dev questions.

The confidence of an answer reads the learned ranker's scores, and the ranker was trained on the very dev questions
the confidence model must learn from: on them its scores are better than on a new question. So every dev question is
answered by a ranker trained without it — each set is cut into ``k`` folds (fixed by the seed, the folds the ranker's
own cross-validation uses) and the questions of fold ``f`` are answered with the ranker fitted on the other folds —
and the confidence model learns from those answers:

- answerable: ALQAC's questions on the ``alqac`` corpus, Zalo's real questions on the ``statutes`` (their gold article
  is there);
- not answerable: Zalo's real questions whose law (a decree, a circular) is not in the corpus, asked on the
  ``statutes``.

:func:`cross_validate` scores the confidence model itself out of fold (fitted and thresholded on the other folds):
the numbers ``benchmarks/answers_cv.py`` prints. :func:`fit_confidence` fits the model that ships, on all of them,
with the threshold that keeps abstention on answerable questions at :data:`MAX_ABSTAIN` on each set.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from assistant.confidence import ConfidenceModel, fit, threshold_for
from assistant.confidence import features as confidence_features
from assistant.question_scope import QuestionScope, fit_scope
from indexing.adapted_dev import AdaptedDev
from indexing.query_adapter import attach_adapter
from indexing.ranker import DEV_CORPORA, DevFeatures, attach_ranker, collect_dev, fit_dev, folds

FOLDS = 5
SEED = 13
MAX_ABSTAIN = 0.03  # on the training folds (out of fold: 3.8% of Zalo's questions); the bar is ≤ 5%
OUTSIDE_FILE = ("zalo", "questions-outside.json")
# each group weighs the same in the fit, whatever its size
GROUPS = ("alqac", "zalo", "outside")
# every n-th question of a set is answered (ALQAC's exam questions are many and alike: a third of them is enough, and
# `make run` answers the rest of the dev questions in about a minute and a half)
EVERY = {"alqac": 3}
# the question-scope model learns how real users word questions: Zalo's, in the corpus and outside it (ALQAC's exam
# statements are worded otherwise; with them its AUROC out of fold was lower)
SCOPE_SETS = ("zalo", "outside")
CALIBRATION = 7  # how the out-of-fold answers are made (2: each fold with its own query adapter; 3: the composer cites
# the runner-up article within a ranker margin of 2.0; 4: its first citation follows the ranking; 5: Đúng/Sai answers
# and their confidence come from the statement judge; 6: ranker scores in units of the typical margin; 7: with a query
# adapter, the folds' rankers learn from questions searched through adapters that did not see them)


@dataclass
class AnsweredQuestion:
    """One dev question answered out of fold: its features, and what the answer got right."""

    set: str
    fold: int
    answerable: bool
    text: str
    x: np.ndarray
    cites_gold: bool
    first_gold: bool
    composer_abstained: bool

    def row(self) -> dict:
        return {"set": self.set, "fold": self.fold, "answerable": self.answerable, "text": self.text,
                "x": [None if np.isnan(v) else float(v) for v in self.x], "cites_gold": self.cites_gold,
                "first_gold": self.first_gold, "composer_abstained": self.composer_abstained}


def outside_questions(data_dir: Path) -> list[dict]:
    raw = json.loads(Path(data_dir).joinpath(*OUTSIDE_FILE).read_text(encoding="utf-8"))
    return [{"text": q["text"], "choices": None, "gold": set()} for q in raw]


def answer_out_of_fold(draft: Callable, indexes: Mapping[str, object], resolvers: Mapping[str, object],
                       data_dir: Path, dev: Mapping[str, DevFeatures] | None = None, *, k: int = FOLDS,
                       seed: int = SEED, progress: Callable[[int, int], None] | None = None,
                       adapted: AdaptedDev | None = None) -> list[AnsweredQuestion]:
    """Answer every dev question with a ranker that did not see it. ``draft(text, corpus=, choices=)`` is
    ``Assistant.draft`` with ``abstain_rule=False`` over ``indexes`` (the rankers are attached to those objects, so
    the assistant must search these very indexes); ``indexes``/``resolvers`` as for ``indexing.ranker.collect_dev``.
    With ``adapted`` (when the product searches through a query adapter) the folds are its folds: a fold's
    questions are searched through its adapter fitted without them, and its ranker learns from the other folds'
    out-of-fold features, as the shipped pair is trained. The indexes are left without a ranker or adapter: attach
    the ones that ship afterwards."""
    if adapted is None:
        dev = dev if dev is not None else collect_dev(data_dir, indexes, resolvers)
    else:
        dev, k = adapted.features, len(adapted.fold_adapters.adapters)
    asked = {name: d.questions for name, d in dev.items()}
    sets = {name: (DEV_CORPORA[name], qs, True) for name, qs in asked.items()}
    sets["outside"] = (DEV_CORPORA["zalo"], outside_questions(data_dir), False)
    fold_of = {name: folds(len(qs), k, seed) for name, (_, qs, _) in sets.items()}
    if adapted is not None:
        fold_of.update(adapted.fold_adapters.fold_of)
    distinct = list({id(i): i for i in indexes.values()}.values())  # both sets may search one index
    total = sum(len(range(0, len(qs), EVERY.get(name, 1))) for name, (_, qs, _) in sets.items())
    done = 0
    out: list[AnsweredQuestion] = []
    try:
        for f in range(k):
            train = {name: fold_of[name] != f for name in asked}
            if adapted is not None:
                for index in distinct:
                    attach_adapter(index, adapted.fold_adapters.adapters[f])
            model = fit_dev(dev, train, seed=seed)
            for index in distinct:
                attach_ranker(index, model)
            for name, (corpus, questions, answerable) in sets.items():
                for i in np.flatnonzero(fold_of[name] == f):
                    if i % EVERY.get(name, 1):
                        continue
                    q = questions[i]
                    d = draft(q["text"], corpus=corpus, choices=q.get("choices"))
                    cited = [(c.document_id, c.article) for c in d.answer.citations] if d.answer else []
                    out.append(AnsweredQuestion(
                        name, f, answerable, q["text"], confidence_features(d.question, d.sources, d.answer),
                        any(c in q["gold"] for c in cited), bool(cited) and cited[0] in q["gold"],
                        d.answer is None or d.answer.abstained))
                    done += 1
                    if progress:
                        progress(done, total)
    finally:
        for index in distinct:
            attach_ranker(index, None)
            if adapted is not None:
                attach_adapter(index, None)
    return out


def _weights(rows: list[AnsweredQuestion]) -> np.ndarray:
    counts = {g: sum(r.set == g for r in rows) for g in GROUPS}
    w = np.array([1.0 / max(1, counts[r.set]) for r in rows])
    return w / w.mean()


def _scope(rows: list[AnsweredQuestion]) -> QuestionScope | None:
    """The scope model of these rows' users' questions; None when they lack one of the two kinds."""
    users = [r for r in rows if r.set in SCOPE_SETS]
    if len({r.answerable for r in users}) < 2:
        return None
    return fit_scope([r.text for r in users], [r.answerable for r in users])


def stacked_scope(rows: list[AnsweredQuestion]) -> np.ndarray:
    """Every answer's question-scope score from a scope model fitted without its fold (so that the confidence model
    learns how much a score on an unseen question is worth); NaN where the other folds lack a kind of question."""
    out = np.full(len(rows), np.nan)
    fold = np.array([r.fold for r in rows])
    for f in sorted(set(fold)):
        scope = _scope([r for r, g in zip(rows, fold) if g != f])
        if scope is not None:
            out[fold == f] = scope.scores([r.text for r, g in zip(rows, fold) if g == f])
    return out


def fit_confidence(rows: list[AnsweredQuestion], max_abstain: float = MAX_ABSTAIN,
                   meta: dict | None = None) -> ConfidenceModel:
    """The logistic model on these answers (target: answerable), thresholded so that at most ``max_abstain`` of each
    answerable set falls below. The question-scope model that ships with it is fitted on all their users' questions
    (:data:`SCOPE_SETS`); the confidence model learns from out-of-fold scope scores (:func:`stacked_scope`)."""
    x = np.column_stack([np.array([r.x for r in rows]), stacked_scope(rows)])
    y = np.array([r.answerable for r in rows], dtype=int)
    model = fit(x, y, _weights(rows), meta={"trained_on": {g: sum(r.set == g for r in rows) for g in GROUPS},
                                            "max_abstain": max_abstain, **(meta or {})})
    model.scope = _scope(rows)
    p = model.probability(x)
    sets = [g for g in GROUPS if any(r.set == g and r.answerable for r in rows)]
    model.threshold = min(threshold_for(p[[r.set == g for r in rows]], max_abstain) for g in sets)
    return model


def cross_validate(rows: list[AnsweredQuestion], max_abstain: float = MAX_ABSTAIN) -> tuple[np.ndarray, np.ndarray]:
    """Out-of-fold confidence and abstention of every answer: fold ``f`` scored by the model fitted (and
    thresholded, its question scope stacked within them) on the other folds (NaN, and not abstained, where those
    lack one of the two kinds of question)."""
    p = np.full(len(rows), np.nan)
    abstain = np.zeros(len(rows), dtype=bool)
    fold = np.array([r.fold for r in rows])
    for f in sorted(set(fold)):
        train = [r for r, g in zip(rows, fold) if g != f]
        if len({r.answerable for r in train}) < 2:
            continue
        model = fit_confidence(train, max_abstain)
        test = fold == f
        p[test] = model.confidence(np.array([r.x for r, t in zip(rows, test) if t]),
                                   [r.text for r, t in zip(rows, test) if t])
        abstain[test] = p[test] < model.threshold
    return p, abstain


def confidence_fingerprint(ranker_fingerprint: str, data_dir: Path, max_abstain: float = MAX_ABSTAIN,
                           k: int = FOLDS, seed: int = SEED) -> str:
    """What the fitted confidence model depends on beyond the code: the ranker's inputs, the outside questions, the
    fitting parameters and the composer's learned decisions."""
    import hashlib

    from assistant import question_scope
    from assistant.confidence import FEATURES, FORMAT
    from assistant.extractive.decisions import OPTION_RANKER, STATEMENT_JUDGE

    # the composer's learned decisions make the closed answers and their confidence: a refit of them refits this
    h = hashlib.sha256(json.dumps([ranker_fingerprint, FORMAT, FEATURES, max_abstain, k, seed, CALIBRATION,
                                   SCOPE_SETS, question_scope.MIN_DF, question_scope.C, repr(STATEMENT_JUDGE),
                                   repr(OPTION_RANKER)]).encode())
    h.update(Path(data_dir).joinpath(*OUTSIDE_FILE).read_bytes())
    return h.hexdigest()[:16]


def cv_summary(rows: list[AnsweredQuestion], max_abstain: float = MAX_ABSTAIN) -> dict:
    """Out-of-fold abstention per set (what the shipped model's threshold policy does on unseen questions)."""
    _, abstain = cross_validate(rows, max_abstain)
    return {g: round(float(np.mean([a for r, a in zip(rows, abstain) if r.set == g])), 4)
            for g in GROUPS if any(r.set == g for r in rows)}
