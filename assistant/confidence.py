"""Answer confidence: one calibrated probability that the corpus holds the answer, and the abstention it decides.

Each answer is described by what retrieval and composition already know (:func:`features`): the evidence score of
``assistant.abstain`` and its parts, the best BM25 and dense scores and their gaps, the learned ranker's score of the
first article and its margin over the second, how concentrated the first articles are in one document, whether the
question names a unit that was found, the composer's own confidence, and two cues of questions that subordinate
legislation answers rather than a statute (mức phạt of an administrative violation; thủ tục, hồ sơ, biểu mẫu) — and
by how the question is worded (``assistant.question_scope``: a bag-of-words model of the questions the corpus answers).

A logistic model over these (:class:`ConfidenceModel`) is fitted by ``assistant.calibration`` on out-of-fold answers
to the dev questions — answerable ones (ALQAC on its corpus, Zalo on the statutes) against real questions whose law is
not in the corpus — and saved as JSON beside the ranker (``THUKY_HOME/models/confidence``). Its probability is the
answer's ``confidence``; below the model's threshold (chosen so that at most ~3% of answerable dev questions abstain)
the assistant abstains. Without a model, the evidence-score rule of ``assistant.abstain`` decides, as before.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from assistant.abstain import coverage, evidence_score
from assistant.answer import Answer, Source
from assistant.question_scope import QuestionScope
from assistant.understand import Question
from corpus.text import fold

FORMAT = 2
# what the answer itself tells (:func:`features`)
SIGNALS = (
    "evidence", "coverage", "bm25_top", "dense_top", "dense_gap", "ranker_top", "ranker_gap", "named",
    "top_doc_share", "docs_top10", "composer_conf", "cites_first_source", "asks_fine", "asks_procedure",
    "question_len",
)
# ... and the question's wording (``assistant.question_scope``): the model's inputs
FEATURES = (*SIGNALS, "scope")
# on folded text: administrative fines and procedures are mostly set by decrees and circulars, not statutes
_ASKS_FINE = re.compile(r"\b(muc phat|bi phat|xu phat|phat tien|phat bao nhieu|phat nhu the nao|phat the nao)\b")
_ASKS_PROCEDURE = re.compile(r"\b(thu tuc|ho so|trinh tu|bieu mau|mau so|to khai)\b")


def _top(sources: Sequence[Source], key: str) -> list[float]:
    return sorted((s.scores[key] for s in sources if key in s.scores), reverse=True)


def features(question: Question, sources: Sequence[Source], answer: Answer) -> np.ndarray:
    """The answer's signals, in :data:`SIGNALS` order (NaN where one is missing)."""
    sources = list(sources)
    bm25, dense, ranker = _top(sources, "bm25"), _top(sources, "dense"), _top(sources, "ranker")
    first = [s for s in sources if s.rank == 1] or sources[:1]
    top_doc = first[0].document_id if first else None
    top10 = sources[:10]
    cited = answer.citations[0] if answer.citations else None
    folded = fold(question.raw)
    ev = evidence_score(question, sources) if sources else -5.0
    return np.array([
        max(-5.0, min(2.0, ev)),
        coverage(question, sources) if sources else 0.0,
        math.log1p(bm25[0]) if bm25 else 0.0,
        dense[0] if dense else np.nan,
        dense[0] - dense[min(4, len(dense) - 1)] if dense else np.nan,
        ranker[0] if ranker else np.nan,
        ranker[0] - ranker[1] if len(ranker) > 1 else np.nan,
        float(any("citation" in s.scores for s in sources)),
        sum(s.document_id == top_doc for s in sources[:5]) / 5 if sources else 0.0,
        float(len({s.document_id for s in top10})),
        float(answer.confidence),
        float(cited is not None and bool(first) and (cited.document_id, cited.article)
              == (first[0].document_id, first[0].article)),
        float(bool(_ASKS_FINE.search(folded))),
        float(bool(_ASKS_PROCEDURE.search(folded))),
        math.log1p(len(folded.split())),
    ], dtype=np.float64)


@dataclass
class ConfidenceModel:
    """Standardised logistic regression: ``p = sigmoid(coef · (x − mean) / scale + intercept)`` over
    :data:`FEATURES`; NaN features take their training mean. ``threshold``: abstain when ``p`` is below it.
    ``scope``: the question-wording model whose score is the last feature (None: that feature is missing)."""

    mean: list[float]
    scale: list[float]
    coef: list[float]
    intercept: float
    threshold: float
    meta: dict = field(default_factory=dict)
    scope: QuestionScope | None = None

    def confidence(self, signals: np.ndarray, questions: Sequence[str]) -> np.ndarray:
        """The probability of answers with these :data:`SIGNALS` (one row per answer) to these questions."""
        signals = np.atleast_2d(np.asarray(signals, dtype=np.float64))
        scope = self.scope.scores(questions) if self.scope is not None else np.full(len(signals), np.nan)
        return self.probability(np.column_stack([signals, scope]))

    def probability(self, x: np.ndarray) -> np.ndarray:
        """The probability of full :data:`FEATURES` rows."""
        x = np.atleast_2d(np.asarray(x, dtype=np.float64))
        mean, scale = np.asarray(self.mean), np.asarray(self.scale)
        x = np.where(np.isnan(x), mean, x)
        z = ((x - mean) / scale) @ np.asarray(self.coef) + self.intercept
        return 1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))

    def save(self, directory: Path) -> Path:
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        body = {"format": FORMAT, "features": list(FEATURES), "mean": self.mean, "scale": self.scale,
                "coef": self.coef, "intercept": self.intercept, "threshold": self.threshold, "meta": self.meta,
                "scope": self.scope.to_dict() if self.scope is not None else None}
        tmp = directory / "model.json.tmp"
        tmp.write_text(json.dumps(body, ensure_ascii=False, indent=2))
        tmp.replace(directory / "model.json")
        return directory

    @classmethod
    def load(cls, directory: Path) -> ConfidenceModel:
        body = json.loads((Path(directory) / "model.json").read_text())
        if body.get("format") != FORMAT or body.get("features") != list(FEATURES):
            raise ValueError(f"confidence model at {directory} was fitted on other features: retrain it "
                             "(`thuky models train`)")
        scope = QuestionScope.from_dict(body["scope"]) if body.get("scope") else None
        return cls(body["mean"], body["scale"], body["coef"], float(body["intercept"]), float(body["threshold"]),
                   body.get("meta", {}), scope)


def fit(x: np.ndarray, y: np.ndarray, weights: np.ndarray | None = None, *, c: float = 1.0,
        threshold: float = 0.5, meta: dict | None = None) -> ConfidenceModel:
    """Fit the logistic model (``y`` 1: the corpus answers the question) with sample ``weights``."""
    from sklearn.linear_model import LogisticRegression

    if len(set(np.asarray(y).tolist())) < 2:
        raise ValueError("the confidence model needs both answerable questions and questions whose law is not in the "
                         "corpus")
    x = np.asarray(x, dtype=np.float64)
    present = (~np.isnan(x)).sum(axis=0)  # a feature missing everywhere (no scope model) takes 0
    mean = np.where(present > 0, np.nansum(x, axis=0) / np.maximum(present, 1), 0.0)
    x = np.where(np.isnan(x), mean, x)
    scale = x.std(axis=0)
    scale = np.where(scale > 1e-9, scale, 1.0)
    lr = LogisticRegression(C=c, max_iter=2000)
    lr.fit((x - mean) / scale, np.asarray(y), sample_weight=weights)
    return ConfidenceModel(mean.tolist(), scale.tolist(), lr.coef_[0].tolist(), float(lr.intercept_[0]),
                           float(threshold), dict(meta or {}))


def threshold_for(p_answerable: np.ndarray, max_abstain: float) -> float:
    """The highest threshold at which at most ``max_abstain`` of these answerable questions' probabilities fall
    below it."""
    p = np.sort(np.asarray(p_answerable, dtype=np.float64))
    if not len(p):
        return 0.0
    allowed = int(math.floor(max_abstain * len(p)))  # how many may fall below
    return float(p[allowed]) if allowed < len(p) else float(p[-1])


def confidence_dir(home: Path) -> Path:
    return Path(home) / "models" / "confidence"


def load_confidence(home: Path) -> ConfidenceModel | None:
    """The model fitted under ``home``, or None when there is none or it cannot be used (logged)."""
    directory = confidence_dir(home)
    if not (directory / "model.json").is_file():
        return None
    try:
        return ConfidenceModel.load(directory)
    except (OSError, ValueError, KeyError) as exc:
        import logging

        logging.getLogger(__name__).warning("confidence model at %s not used: %s", directory, exc)
        return None


class ConfidenceFile:
    """The model fitted under ``home``, read on first call and again whenever its file changes (a refit is seen
    without a restart); None while there is none. Pass it as ``Assistant(confidence=...)``."""

    def __init__(self, home: Path):
        self.home = Path(home)
        self._stamp: float | None = None
        self._model: ConfidenceModel | None = None

    def __call__(self) -> ConfidenceModel | None:
        try:
            stamp = (confidence_dir(self.home) / "model.json").stat().st_mtime
        except OSError:
            return None
        if stamp != self._stamp:
            self._model, self._stamp = load_confidence(self.home), stamp
        return self._model
