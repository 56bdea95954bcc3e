"""Whether a question's wording is the kind the corpus answers: a bag-of-words prior for answer confidence.

Real users ask the statutes some questions and decrees or circulars others (the fine for a violation, the papers of a
procedure, a fee, a form), and the two kinds are worded differently long before any article is retrieved. A
:class:`QuestionScope` is a logistic model over the question's syllables and syllable pairs (lower-case NFC,
sublinear tf-idf), fitted on the dev questions — answerable ones against those whose law is not in the corpus. Its
score (a log-odds, > 0: worded like a question the corpus answers) is one feature of the answer's confidence
(``assistant.confidence``); ``assistant.calibration`` stacks it out of fold so that the confidence model never learns
from a score that saw the question.

The model is stored as plain data (vocabulary, idf, weights) and scored by hand: no pickled estimator.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from corpus.text import nfc

_WORD = re.compile(r"\w+")
MIN_DF = 2  # a term in fewer training questions says nothing general
C = 1.0  # the logistic model's inverse regularisation


def terms(text: str) -> list[str]:
    """The question's lower-case syllables and its pairs of adjacent syllables."""
    words = _WORD.findall(nfc(text).lower())
    return words + [f"{a} {b}" for a, b in zip(words, words[1:])]


@dataclass
class QuestionScope:
    """Sublinear tf-idf (l2-normalised, as scikit-learn's ``TfidfVectorizer(sublinear_tf=True)``) of :func:`terms`,
    then ``coef · v + intercept``."""

    vocabulary: dict[str, int]
    idf: list[float]
    coef: list[float]
    intercept: float

    def score(self, text: str) -> float:
        """The log-odds that the corpus answers a question worded so."""
        weights: dict[int, float] = {}
        for term, n in Counter(terms(text)).items():
            j = self.vocabulary.get(term)
            if j is not None:
                weights[j] = (1.0 + math.log(n)) * self.idf[j]
        norm = math.sqrt(math.fsum(v * v for v in weights.values()))
        if not norm:
            return self.intercept
        return math.fsum(self.coef[j] * v for j, v in weights.items()) / norm + self.intercept

    def scores(self, texts: Sequence[str]) -> np.ndarray:
        return np.array([self.score(t) for t in texts], dtype=np.float64)

    def to_dict(self) -> dict:
        return {"vocabulary": self.vocabulary, "idf": self.idf, "coef": self.coef, "intercept": self.intercept}

    @classmethod
    def from_dict(cls, body: dict) -> QuestionScope:
        return cls(dict(body["vocabulary"]), list(body["idf"]), list(body["coef"]), float(body["intercept"]))


def fit_scope(texts: Sequence[str], answerable: Sequence[bool],
              weights: Sequence[float] | None = None) -> QuestionScope:
    """The scope model of these questions (``answerable``: the corpus holds the law), the two classes balanced, each
    question weighing its ``weights``. Deterministic."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    y = np.asarray(answerable, dtype=int)
    if len(set(y.tolist())) < 2:
        raise ValueError("the question scope needs both answerable questions and questions whose law is not in the "
                         "corpus")
    vec = TfidfVectorizer(analyzer=terms, min_df=MIN_DF, sublinear_tf=True)
    x = vec.fit_transform(list(texts))
    lr = LogisticRegression(C=C, max_iter=2000, class_weight="balanced")
    lr.fit(x, y, sample_weight=None if weights is None else np.asarray(weights, dtype=np.float64))
    vocabulary = {t: int(j) for t, j in sorted(vec.vocabulary_.items())}
    return QuestionScope(vocabulary, [float(v) for v in vec.idf_], [float(v) for v in lr.coef_[0]],
                         float(lr.intercept_[0]))
