"""A fake system with known results, and the tiny suite it answers — every metric of it is computed by hand in
test_runner.py.

Corpus: documents A (Điều 1, 2) and B (Điều 1, 2, 3); "Luật A"/"Luật B" are their names; "Luật C" is unknown and A's
Điều 3 is not indexed. ``OUTSIDE`` adds three questions the corpus cannot answer (``answerable: false``), asked with
the suite in the confidence tests only.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from assistant.answer import Answer, AnswerForm, Citation, Source
from eval.suite import SuiteQuestion
from eval.system import System
from indexing.index import QueryError
from indexing.types import ArticleRecord, Hit

TEXTS = {("A", "1"): "Viên chức được hưởng lương theo vị trí việc làm.",
         ("A", "2"): "Viên chức không được đình công.",
         ("B", "1"): "Người nuôi ong phải bồi thường thiệt hại do ong gây ra.",
         ("B", "2"): "Tổ ong phải đặt cách nhà ở liền kề ít nhất 10 mét.",
         ("B", "3"): "Thời hạn kháng cáo là 03 tháng."}
TITLES = {"A": "Luật A", "B": "Luật B"}
CHOICES = {"A": "một", "B": "hai", "C": "ba", "D": "bốn"}

SUITE = [
    {"id": "q1", "question": "Viên chức được hưởng lương, đúng hay sai?", "type": "true_false", "answer": "Đúng",
     "relevant": [{"document": "Luật A", "article": "1"}], "corpus": "alqac"},
    {"id": "q2", "question": "Viên chức có được đình công không?", "type": "multiple_choice", "choices": CHOICES,
     "answer": "C", "relevant": [{"document": "Luật A", "article": "2"}, {"document": "B", "article": "3"}]},
    {"id": "q3", "question": "Thời hạn kháng cáo là bao lâu?", "type": "short_answer", "answer": "03 tháng",
     "relevant": [{"document": "Luật C", "article": "5"}]},
    {"id": "q4", "question": "Cơ quan nào xét xử phúc thẩm?", "type": "short_answer",
     "answer": "Tòa án nhân dân cấp tỉnh"},
    {"id": "q5", "question": "Ong đốt người thì ai bồi thường?", "type": "open",
     "relevant": [{"document": "Luật B", "article": "1"}]},
    {"id": "q6", "question": "Viên chức được kinh doanh, đúng hay sai?", "type": "true_false", "answer": "Sai",
     "relevant": [{"document": "Luật A", "article": "3"}, {"document": "Luật A", "article": "3"}]},
]

# questions whose law (a circular) is not in the corpus: to be abstained on
OUTSIDE = [
    {"id": "o1", "question": "Công an xã có được xử phạt lỗi không mang bằng lái xe?", "type": "open",
     "answerable": False, "references": [{"document": "47/2011/tt-bca", "article": "7"}]},
    {"id": "o2", "question": "Mẫu hóa chất được xử lý sơ bộ thế nào?", "type": "open", "answerable": False},
    {"id": "o3", "question": "Thủ tục cấp hộ chiếu phổ thông gồm những gì?", "type": "open", "answerable": False},
]

# what the fake index returns per question: (document, article, score), best first — q2 repeats A2
HITS = {"q1": [("A", "1", 10.0), ("A", "2", 9.5), ("B", "1", 5.0)],
        "q2": [("B", "1", 8.0), ("A", "2", 4.0), ("A", "2", 3.9), ("B", "3", 3.0)],
        "q3": [("A", "1", 2.0)],
        "q4": [("B", "2", 1.0)],
        "q5": [("B", "1", 1.0), ("B", "2", 0.95)],
        "q6": [],
        "o1": [("A", "1", 1.0)], "o2": [], "o3": [("B", "2", 0.5)]}


def _cite(doc: str, art: str, verified: bool = True) -> Citation:
    return Citation(document_id=doc, document_title=TITLES[doc], article=art, quote=TEXTS[(doc, art)],
                    verified=verified)


def _source(doc: str, art: str, rank: int) -> Source:
    return Source(document_id=doc, document_title=TITLES[doc], article=art, text=TEXTS[(doc, art)], rank=rank)


# what the fake assistant answers per question
ANSWERS = {
    "q1": dict(value="Đúng", text="Đúng. Theo Điều 1 Luật A: “Viên chức được hưởng lương theo vị trí việc làm.”.",
               citations=[_cite("A", "1")]),
    "q2": dict(value="B", text="Phương án B.", citations=[_cite("A", "2"), _cite("B", "1")], removed_citations=1),
    "q3": dict(value="3 tháng", text="3 tháng."),
    "q4": dict(value="Tòa án nhân dân", text="Tòa án nhân dân.", citations=[_cite("A", "1")]),
    "q5": dict(value=None, text="Theo Điều 1 Luật B: “Người nuôi ong phải bồi thường thiệt hại.”. "
                                "Người nuôi ong được miễn mọi nghĩa vụ thuế.", citations=[_cite("B", "1")],
               sources=[_source("B", "1", 1), _source("B", "2", 2)]),
    "q6": dict(value=None, text="Không tìm thấy quy định phù hợp trong cơ sở dữ liệu.", abstained=True),
    "o1": dict(value=None, text="Theo Điều 1 Luật A: “Viên chức được hưởng lương theo vị trí việc làm.”.",
               citations=[_cite("A", "1")]),
    "o2": dict(value=None, text="Không tìm thấy quy định phù hợp trong cơ sở dữ liệu.", abstained=True),
    "o3": dict(value=None, text="Tổ ong phải đặt cách nhà ở liền kề ít nhất 10 mét."),
}
# each answer's confidence: positives (answerable, citing gold) q1 0.9, q2 0.6, q5 0.4; outside o1 0.4 (a tie with
# q5), o2 0.2 (abstained), o3 0.7
CONFIDENCE = {"q1": 0.9, "q2": 0.6, "q3": 0.3, "q4": 0.5, "q5": 0.4, "q6": 0.1, "o1": 0.4, "o2": 0.2, "o3": 0.7}
ID_OF = {q["question"]: q["id"] for q in SUITE + OUTSIDE}


class FakeIndex:
    def __init__(self, corpus: str):
        self.corpus = corpus
        self.records = {key: ArticleRecord(key=key, doc_title=TITLES[key[0]], doc_type="Luật", title=f"Điều {key[1]}",
                                           text=t) for key, t in TEXTS.items()}
        self.queries: list[tuple[str, int, dict | None]] = []

    def search(self, query: str, k: int = 10, filters=None, choices=None) -> list[Hit]:
        self.queries.append((query, k, choices))
        if query == "lỗi":
            raise QueryError("the query is broken")
        return [Hit(key=(d, a), score=s, rank=i, doc_title=TITLES[d], title=f"Điều {a}")
                for i, (d, a, s) in enumerate(HITS[ID_OF[query]], 1)]


class FakeResolver:
    names = {"Luật A": "A", "Luật B": "B"}

    def resolve(self, name: str) -> str | None:
        return self.names.get(name)

    def __contains__(self, doc_id: object) -> bool:
        return doc_id in TITLES


@dataclass
class FakeAssistant:
    fail_on_call: int | None = None  # raise KeyboardInterrupt on this call (1-based): an interrupted run
    changes: dict[str, dict] = field(default_factory=dict)  # question id → answer fields replaced (another system)
    calls: list[dict] = field(default_factory=list)

    def answer(self, question: str, *, corpus: str, choices=None, form=None, use_llm: bool = False) -> Answer:
        self.calls.append({"question": question, "corpus": corpus, "choices": choices, "form": form})
        if self.fail_on_call == len(self.calls):
            raise KeyboardInterrupt
        qid = ID_OF[question]
        spec = dict(ANSWERS[qid]) | {"confidence": CONFIDENCE[qid]} | self.changes.get(qid, {})
        n = int(qid[1:])
        return Answer(question=question, form=AnswerForm(form), timings_ms={"retrieve": 1.0 * n, "total": 10.0 * n},
                      **spec)


def fake_system(assistant: FakeAssistant | None = None) -> tuple[System, dict[str, FakeIndex]]:
    indexes: dict[str, FakeIndex] = {}

    def index_for(corpus: str) -> FakeIndex:
        return indexes.setdefault(corpus, FakeIndex(corpus))

    return System(index_for=index_for, assistant=assistant or FakeAssistant(), resolver_for=lambda c: FakeResolver(),
                  description={"fake": True}), indexes


def suite_questions(outside: bool = False) -> list[SuiteQuestion]:
    """The suite's questions; with ``outside``, followed by the three the corpus cannot answer."""
    return [SuiteQuestion.model_validate(q) for q in SUITE + (OUTSIDE if outside else [])]
