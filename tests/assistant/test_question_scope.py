"""The question-scope model (assistant/question_scope.py): terms, fitting, and a hand-made score equal to
scikit-learn's."""

from __future__ import annotations

import json
import unicodedata

import numpy as np
import pytest

from assistant.question_scope import QuestionScope, fit_scope, terms

OUTSIDE = ["Mức phạt khi vượt đèn đỏ là bao nhiêu?", "Hồ sơ đăng ký xe máy gồm những gì?",
           "Mức phạt nồng độ cồn với xe máy?", "Lệ phí đăng ký xe máy là bao nhiêu?", "Hồ sơ xin cấp hộ chiếu?"]
INSIDE = ["Người phạm tội tự thú có được giảm nhẹ không?", "Điều kiện kết hôn là gì?",
          "Người phạm tội dưới 18 tuổi có được giảm nhẹ không?", "Tuổi kết hôn của nam là bao nhiêu?",
          "Thời hạn kháng cáo bản án sơ thẩm là bao nhiêu ngày?"]


def test_terms_are_lowercase_nfc_syllables_and_pairs():
    decomposed = unicodedata.normalize("NFD", "Mức Phạt")
    assert terms(decomposed) == ["mức", "phạt", "mức phạt"]
    assert terms("") == []


def test_wording_of_decree_questions_scores_below_statute_questions():
    scope = fit_scope(OUTSIDE + INSIDE, [False] * 5 + [True] * 5)
    assert scope.score("Mức phạt khi không đội mũ bảo hiểm khi đi xe máy?") < 0
    assert scope.score("Người phạm tội tự thú được giảm nhẹ trách nhiệm gì?") > 0
    assert scope.score("zzz qqq") == pytest.approx(scope.intercept)  # no known term: the prior alone


def test_hand_score_equals_scikit_learn():
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    texts, y = OUTSIDE + INSIDE, np.array([0] * 5 + [1] * 5)
    weights = np.linspace(0.5, 1.5, 10)
    scope = fit_scope(texts, y.astype(bool), weights)
    vec = TfidfVectorizer(analyzer=terms, min_df=2, sublinear_tf=True)
    lr = LogisticRegression(C=1.0, max_iter=2000, class_weight="balanced").fit(vec.fit_transform(texts), y,
                                                                                sample_weight=weights)
    probe = ["Mức phạt xe máy xe máy vượt đèn đỏ?", "Người phạm tội tự thú?", "Điều kiện hồ sơ kết hôn là gì?"]
    assert np.allclose(scope.scores(probe), lr.decision_function(vec.transform(probe)))
    again = QuestionScope.from_dict(json.loads(json.dumps(scope.to_dict(), ensure_ascii=False)))
    assert np.allclose(again.scores(probe), scope.scores(probe))


def test_fitting_needs_both_kinds_of_question():
    with pytest.raises(ValueError, match="not in the corpus"):
        fit_scope(INSIDE, [True] * 5)
