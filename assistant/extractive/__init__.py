"""The offline, extractive composer: it answers only from the retrieved articles, quoting them verbatim.

Every source article is split into units — its khoản, its điểm (matched together with the clause's lead-in, quoted
on their own), and the sentences of an undivided article — each addressed exactly as the store addresses it, so a
quote is always a verbatim piece of the unit it cites. The units are scored against the question by lexical overlap
(syllables weighted by an idf taken from the sources, plus syllable bigrams), a small retrieval-rank prior and,
when an ``embed`` callable is injected, embedding similarity.

* Đúng/Sai: the best-matching unit is compared with the statement — negation that one side has and the other not
  ("không", "không được", "chưa", "cấm"), numbers and durations ("03 tháng" = "3 tháng", "từ 01 năm đến 05 năm") the
  statement states and the law does not, absolute words the law does not use ("luôn", "bất kỳ", "chỉ"), and
  content words of the statement missing from the law. A logistic score of these gives P(Đúng).
* Trắc nghiệm: each option, read with the question stem, gets the entailment features and the judge's log-odds;
  "Cả A, B, C đều đúng" / "B và C" / "Tất cả đều sai" options the log-odds and support of the options they name; a
  learned conditional logit over every option picks the answer (for a negative stem — "không phải", "trừ",
  "KHÔNG đúng" — the plain option the law says least, unless the law itself states the stem's negation: "Chồng
  không có quyền yêu cầu ly hôn trong trường hợp nào?").
* Short answer / open: the best unit(s), quoted.

The answer text is template words plus verbatim quotes; nothing else is stated.

Modules: :mod:`~assistant.extractive.features` (syllables, quantities, negation), :mod:`~assistant.extractive.units`
(splitting articles into units), :mod:`~assistant.extractive.scoring` (support and the Đúng/Sai features),
:mod:`~assistant.extractive.entailment` (a statement against its best units), :mod:`~assistant.extractive.decisions`
(the choice among options), :mod:`~assistant.extractive.composer` (the answer forms).
"""

from assistant.extractive.composer import ExtractiveComposer, aggregate_option
from assistant.extractive.features import COMMON_SYLLABLES, quantities, tokens
from assistant.extractive.scoring import Scorer, p_true, tf_features
from assistant.extractive.units import Unit, split_units

__all__ = ["ExtractiveComposer", "Unit", "split_units", "tf_features", "p_true", "Scorer", "aggregate_option",
           "quantities", "tokens", "COMMON_SYLLABLES"]
