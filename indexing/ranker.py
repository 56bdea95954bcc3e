"""A learned ranker over the fused candidates: LightGBM LambdaMART on cheap, law-agnostic features.

The hybrid retriever's first ``depth`` candidates (BM25 ∥ dense → fusion → law boost) are re-scored by a small
gradient-boosted model whose features are what the hybrid already knows about each candidate — its BM25 and dense
scores and ranks, its fused score and rank — plus what is cheap to know about the article and the question: how much
of the article's title and of its document's title the question repeats, whether the question names its document,
the document's type and size, the article's number and length, and how many of the other candidates come from the
same document (a law that fills the candidate list is likely the right law), and how well the article's best passage
matches the question (``indexing/passage_bm25.py``: a long article's whole-text BM25 hides the clause that answers).
No feature names a document, so the model carries over to laws it was not trained on.

The model is trained from the two dev sets (ALQAC on its 17 laws, Zalo on the 208 statutes) by :func:`train_from_dev`
with a fixed seed (same data → same model file) and saved as ``ranker/model.txt`` + ``ranker/meta.json`` under
``THUKY_HOME/models``; :func:`attach_ranker` puts it in front of a ``CorpusIndex``'s other rerankers. A reranked hit
keeps the fused score of the rank it lands on as its ``score`` (so scores still fall with rank and stay on the scale
other parts of the product read), and the model's own score under ``scores["ranker"]``, in units of the model's
typical margin (:func:`typical_margin`): a LambdaMART score has no scale of its own — it grows with how well the
training data separates, so two homes (or two seeds) score the same ranking on scales a third apart — and whoever reads
the score (the composer's runner-up rule, the answer's confidence) reads it in those units.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from corpus.text import fold, nfc
from indexing.corpus_stats import CorpusStats, article_number, syllables
from indexing.records import ArticleLookup, InMemoryArticles
from indexing.types import ArticleRecord, Filters, Hit, Key

FORMAT = 5  # 4: the model carries its typical margin (meta "margin_scale"); 5: feature "case_kind"
DEFAULT_DEPTH = 40
FEATURES = (
    "bm25", "bm25_rel", "bm25_rank",
    "dense", "dense_gap", "dense_rank",
    "fused_rel", "fused_rank",
    "named_doc", "any_named",
    "title_cover", "query_in_title", "doc_title_cover", "title_in_query",
    "asks_definition", "definitions", "cover", "bigram_cover", "title_bigram_cover",
    "doc_type", "article_no", "article_pos", "doc_articles", "text_len",
    "doc_hits_top10", "doc_hits", "doc_best_rank", "doc_fused_share",
    "query_len", "superseded",
    "passage", "passage_rel", "passage_rank",
    "case_kind",
)
DOC_TYPES = {"Hiến pháp": 0, "Bộ luật": 1, "Luật": 2}
PARAMS = {"objective": "lambdarank", "metric": "ndcg", "eval_at": [10], "learning_rate": 0.05, "num_leaves": 15,
          "min_data_in_leaf": 20, "feature_fraction": 0.8, "bagging_fraction": 0.8, "bagging_freq": 1,
          "lambda_l2": 1.0, "verbose": -1, "deterministic": True, "force_row_wise": True, "num_threads": 2}
ROUNDS = 300
# the set whose questions' margins are the unit of the ranker's scores: the real users' (ALQAC's exam questions are
# ranked with margins more than twice as wide: 5.8 against 2.5 on a fresh home)
MARGIN_SET = "zalo"
# the dev sets the model learns from, under the shared data directory
DEV_FILES = {"alqac": ("alqac", "questions.json"), "zalo": ("zalo", "questions-statutes.json")}
DEV_CORPORA = {"alqac": "alqac", "zalo": "statutes"}  # the corpus each dev set is asked over
# a question asking what something is ("khái niệm …", "… là gì", "được hiểu như thế nào") and an article that says it
_ASKS_DEFINITION = re.compile(r"\b(khai niem|dinh nghia|la gi|hieu (nhu )?the nao|duoc hieu|giai thich|phan biet)\b")
_DEFINITIONS = re.compile(r"\b(giai thich tu ngu|khai niem|dinh nghia)\b")
# syllables of document titles that say nothing about the subject ("Luật", "Bộ luật", "sửa đổi"…)
_TITLE_STOP = {"luật", "bộ", "của", "về", "và", "năm", "sửa", "đổi", "bổ", "sung", "một", "số", "điều", "việt", "nam"}
#: the kinds of case a court tries (vụ án dân sự, hình sự, hành chính), as a question and a document's title name them
#: ("Bộ luật Tố tụng dân sự", "Luật Thi hành án hình sự", "Luật Xử lý vi phạm hành chính")
CASE_KINDS = frozenset({("dân", "sự"), ("hình", "sự"), ("hành", "chính")})


def case_kinds(text: str) -> frozenset:
    """The kinds of case (:data:`CASE_KINDS`) ``text`` names."""
    s = syllables(text)
    return frozenset(zip(s, s[1:])) & CASE_KINDS


def _case_kind(question: frozenset, document: frozenset) -> float:
    """1: the document's title names a kind of case the question names; -1: only others; 0: none; NaN: the question
    names none."""
    if not question:
        return np.nan
    return 1.0 if document & question else (-1.0 if document else 0.0)


def _doc_year(doc_id: str) -> float:
    """The year in a document number ("59/2020/QH14" → 2020), else -1."""
    m = re.search(r"/((?:19|20)\d\d)/", doc_id or "")
    return float(m.group(1)) if m else -1.0


@dataclass
class ArticleInfo:
    """What the features read of one article (made from its record and the corpus statistics)."""

    doc_id: str
    title_syl: set[str]
    title_text: str
    text: str
    definitions: float
    static: tuple[float, float, float, float, float]
    superseded: float
    doc_syl: set[str]
    case_kinds: frozenset


class RecordInfo:
    """The features' view of an index: the corpus statistics, and each candidate article's information, made from
    ``articles`` (a key → ``ArticleRecord`` mapping, e.g. ``indexing.records.ArticleLookup``) when first asked and
    kept for the ``capacity`` most recently used."""

    def __init__(self, stats: CorpusStats, articles: ArticleLookup, capacity: int = 4096):
        self.stats, self.articles, self.capacity = stats, articles, capacity
        n = max(1, stats.articles)
        self.idf = {w: math.log(1 + n / c) for w, c in stats.df.items()}
        self.max_idf = math.log(1 + n)
        self._doc_syl = {d: {w for w in syllables(t) if w not in _TITLE_STOP} for d, (t, _, _) in stats.docs.items()}
        self._case_kinds = {d: case_kinds(t) for d, (t, _, _) in stats.docs.items()}
        # a document another one of the same title and a later year replaces (two versions of a law in one corpus)
        newest: dict[str, float] = {}
        for d, (t, _, _) in stats.docs.items():
            title = nfc(t).lower()
            newest[title] = max(newest.get(title, -1.0), _doc_year(d))
        self._superseded = {d: float(_doc_year(d) < newest[nfc(t).lower()]) for d, (t, _, _) in stats.docs.items()}
        self._rows: dict[Key, ArticleInfo] = {}
        self._lock = threading.Lock()

    @classmethod
    def from_records(cls, records: Iterable[ArticleRecord]) -> RecordInfo:
        records = list(records)
        return cls(CorpusStats.from_records(records), InMemoryArticles(records))

    def rows(self, keys: Sequence[Key]) -> list[ArticleInfo]:
        with self._lock:
            found = {k: self._rows[k] for k in keys if k in self._rows}
        missing = [k for k in keys if k not in found]
        if missing:
            records = self.articles.many(missing)
            made = {k: self._row(records[k]) for k in missing}
            with self._lock:
                self._rows.update(made)
                for k in list(self._rows)[: max(0, len(self._rows) - self.capacity)]:
                    del self._rows[k]
            found.update(made)
        return [found[k] for k in keys]

    def _row(self, r: ArticleRecord) -> ArticleInfo:
        title, articles, max_no = self.stats.docs.get(r.doc_id, (r.doc_title, 1, float("nan")))
        no = article_number(r.article_no)
        return ArticleInfo(
            doc_id=r.doc_id, title_syl=set(syllables(r.title)), title_text=" ".join(syllables(r.title)),
            text=f"{r.title}\n{r.text}", definitions=float(bool(_DEFINITIONS.search(fold(r.title)))),
            static=(float(DOC_TYPES.get(r.doc_type, 3)), no, no / max_no if not math.isnan(max_no) else float("nan"),
                    math.log(articles), math.log(1 + len(r.text))),
            superseded=self._superseded.get(r.doc_id, 0.0),
            doc_syl=self._doc_syl.get(r.doc_id) or {w for w in syllables(title) if w not in _TITLE_STOP},
            case_kinds=self._case_kinds[r.doc_id] if r.doc_id in self._case_kinds else case_kinds(title))

    def weight(self, w: str) -> float:
        return self.idf.get(w, self.max_idf)


@dataclass
class Candidate:
    key: Key
    bm25: float | None  # None: not in the BM25 list
    dense: float | None  # None: not in the dense list (or no dense side)
    fused: float
    passage: float | None = None  # the best passage's BM25 (indexing/passage_bm25.py); None: the index has none


def _ranks(values: Sequence[float | None]) -> np.ndarray:
    """1-based rank of each present value (higher first, ties by position); NaN where absent."""
    present = [(i, v) for i, v in enumerate(values) if v is not None]
    out = np.full(len(values), np.nan)
    for r, (i, _) in enumerate(sorted(present, key=lambda iv: (-iv[1], iv[0])), 1):
        out[i] = r
    return out


def features(info: RecordInfo, query_text: str, named_docs: Sequence[str], cands: Sequence[Candidate]) -> np.ndarray:
    """(len(cands), len(FEATURES)) float matrix; ``cands`` in fused order."""
    n = len(cands)
    x = np.full((n, len(FEATURES)), np.nan)
    if not n:
        return x
    q_syl = syllables(query_text)
    q = set(q_syl)
    q_joined = f" {' '.join(q_syl)} "
    asks_definition = float(bool(_ASKS_DEFINITION.search(fold(query_text))))
    q_bi = set(zip(q_syl, q_syl[1:]))
    q_kinds = frozenset(q_bi & CASE_KINDS)  # case_kinds(query_text), from the syllable pairs at hand
    q_w = math.fsum(info.weight(w) for w in q) or 1.0
    rows = info.rows([c.key for c in cands])
    bm = [c.bm25 for c in cands]
    de = [c.dense for c in cands]
    fused = np.array([c.fused for c in cands], dtype=np.float64)
    top_bm = max((v for v in bm if v is not None), default=0.0) or 1.0
    top_de = max((v for v in de if v is not None), default=0.0)
    top_fused = fused.max() if fused.max() > 0 else 1.0
    docs = [r.doc_id for r in rows]
    per_doc = Counter(docs)
    per_doc10 = Counter(docs[:10])
    best_rank: dict[str, int] = {}
    fused_share: Counter = Counter()
    for i, d in enumerate(docs):
        best_rank.setdefault(d, i + 1)
        fused_share[d] += fused[i] / top_fused
    named = set(named_docs)
    bm_rank, de_rank = _ranks(bm), _ranks(de)
    passage = [c.passage for c in cands]
    top_passage = max((v for v in passage if v is not None), default=0.0) or 1.0
    passage_rank = _ranks(passage)
    for i, (c, r) in enumerate(zip(cands, rows)):
        title = r.title_syl
        t_w = math.fsum(info.weight(w) for w in title)
        common = title & q
        c_w = math.fsum(info.weight(w) for w in common)
        ds = r.doc_syl
        x[i] = [
            c.bm25 if c.bm25 is not None else np.nan,
            c.bm25 / top_bm if c.bm25 is not None else np.nan,
            bm_rank[i],
            c.dense if c.dense is not None else np.nan,
            top_de - c.dense if c.dense is not None else np.nan,
            de_rank[i],
            fused[i] / top_fused, i + 1,
            float(docs[i] in named), float(bool(named)),
            c_w / t_w if t_w else 0.0, c_w / q_w,
            len(ds & q) / len(ds) if ds else 0.0,
            float(bool(r.title_text) and f" {r.title_text} " in q_joined),
            asks_definition, r.definitions,
            *_coverage(info, r, q, q_w, q_bi),
            *r.static,
            per_doc10[docs[i]], per_doc[docs[i]], best_rank[docs[i]], fused_share[docs[i]],
            len(q), r.superseded,
            c.passage if c.passage is not None else np.nan,
            c.passage / top_passage if c.passage is not None else np.nan, passage_rank[i],
            _case_kind(q_kinds, r.case_kinds),
        ]
    return x


def _coverage(info: RecordInfo, r: ArticleInfo, q: set[str], q_w: float, q_bi: set) -> tuple[float, float, float]:
    """idf-weighted share of the question's syllables in the article (title and body), share of its syllable pairs
    in the article and in the article's title."""
    syl = syllables(r.text)
    words = set(syl)
    cover = math.fsum(info.weight(w) for w in q & words) / q_w
    if not q_bi:
        return cover, 0.0, 0.0
    title = r.title_text.split()
    return (cover, len(q_bi & set(zip(syl, syl[1:]))) / len(q_bi), len(q_bi & set(zip(title, title[1:]))) / len(q_bi))


def candidates_from_hits(hits: Sequence[Hit], passages: Sequence[float | None] | None = None) -> list[Candidate]:
    """The ranker's candidates of fused hits, with each one's passage score when given."""
    passages = passages if passages is not None else [None] * len(hits)
    return [Candidate(h.key, h.scores.get("bm25"), h.scores.get("dense"), h.scores.get("fused", h.score), p)
            for h, p in zip(hits, passages, strict=True)]


class LearnedRanker:
    """A trained model and what it was trained with (``meta``)."""

    def __init__(self, booster, meta: Mapping | None = None):
        self.booster = booster
        self.meta = dict(meta or {})
        self.depth = int(self.meta.get("depth", DEFAULT_DEPTH))

    @property
    def margin_scale(self) -> float:
        """The unit of the scores the index reads (:func:`typical_margin`; 1.0 for a model fitted without it)."""
        return float(self.meta.get("margin_scale", 1.0))

    def predict(self, x: np.ndarray) -> np.ndarray:
        if not len(x):
            return np.zeros(0)
        return np.asarray(self.booster.predict(x, num_threads=1), dtype=np.float64)

    def save(self, directory: Path) -> Path:
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        tmp = directory / "model.txt.tmp"
        self.booster.save_model(str(tmp))
        tmp.replace(directory / "model.txt")
        (directory / "meta.json").write_text(json.dumps(self.meta, ensure_ascii=False, indent=2))
        return directory

    @classmethod
    def load(cls, directory: Path) -> LearnedRanker:
        import lightgbm as lgb

        directory = Path(directory)
        meta = json.loads((directory / "meta.json").read_text())
        if meta.get("format") != FORMAT or list(meta.get("features", [])) != list(FEATURES):
            raise ValueError(f"ranker at {directory} was trained with other features: retrain it "
                             "(`thuky models train`)")
        return cls(lgb.Booster(model_file=str(directory / "model.txt")), meta)


def fit(x: np.ndarray, y: np.ndarray, group_sizes: Sequence[int], *, seed: int = 13, rounds: int = ROUNDS,
        weights: np.ndarray | None = None, meta: Mapping | None = None) -> LearnedRanker:
    """LambdaMART on candidate rows (``y`` 1 for a gold article), grouped by question in order; ``weights`` (one per
    row, equal within a question) weigh questions. Deterministic for a given seed."""
    import lightgbm as lgb

    params = {**PARAMS, "seed": seed, "bagging_seed": seed, "feature_fraction_seed": seed, "data_random_seed": seed}
    data = lgb.Dataset(np.asarray(x, dtype=np.float64), label=np.asarray(y), group=list(group_sizes), weight=weights,
                       feature_name=list(FEATURES), categorical_feature=["doc_type"], free_raw_data=False)
    booster = lgb.train(params, data, num_boost_round=rounds)
    return LearnedRanker(booster, {"format": FORMAT, "features": list(FEATURES), "depth": DEFAULT_DEPTH,
                                   "seed": seed, "rounds": rounds, **(meta or {})})


class IndexRanker:
    """A ``LearnedRanker`` bound to one index: the ``Reranker`` the index runs first, on its first ``depth`` fused
    candidates."""

    takes_choices = True

    def __init__(self, model: LearnedRanker, info: RecordInfo, analyzer,
                 passages: Callable[[str, list[Key]], list[float | None]] | None = None):
        self.model, self.analyzer, self.info = model, analyzer, info
        self.passages = passages  # CorpusIndex.passage_scores
        self.depth = model.depth

    def rerank(self, query: str, hits: list[Hit], filters: Filters | None = None,
               choices: Mapping[str, str] | None = None) -> list[Hit]:
        if len(hits) < 2:
            return hits
        head, tail = hits[: self.depth], hits[self.depth:]
        q = self.analyzer.analyze(query, choices)
        passages = self.passages(q.search_text, [h.key for h in head]) if self.passages is not None else None
        x = features(self.info, q.search_text, q.doc_ids, candidates_from_hits(head, passages))
        pred = self.model.predict(x) / self.model.margin_scale
        order = sorted(range(len(head)), key=lambda i: (-pred[i], i))
        scores = [h.score for h in head]  # the fused scores, best first: each rank keeps its score
        out = []
        for rank, i in enumerate(order):
            h = head[i]
            out.append(Hit(key=h.key, score=scores[rank], rank=rank + 1, doc_title=h.doc_title, title=h.title,
                           snippet=h.snippet, scores={**h.scores, "ranker": float(pred[i])}))
        return out + tail


def attach_ranker(index, model: LearnedRanker | None) -> None:
    """Put the model in front of the index's rerankers (replacing one attached before); ``None`` removes it."""
    index.rerankers = [r for r in index.rerankers if not isinstance(r, IndexRanker)]
    if model is not None:
        index.rerankers.insert(0, IndexRanker(model, RecordInfo(index.corpus_stats(), index.records), index.analyzer,
                                              index.passage_scores))


def load_ranker(home: Path) -> LearnedRanker | None:
    """The ranker trained under ``home``, or None when there is none or it cannot be used (it is logged)."""
    directory = ranker_dir(home)
    if not (directory / "model.txt").is_file():
        return None
    try:
        return LearnedRanker.load(directory)
    except Exception as exc:  # noqa: BLE001 - a stale or broken model must not stop search
        import logging

        logging.getLogger(__name__).warning("learned ranker at %s not used: %s", directory, exc)
        return None


# --- training from the dev sets ---------------------------------------------------------------------------------------
def ranker_dir(home: Path) -> Path:
    return Path(home) / "models" / "ranker"


def dev_questions(data_dir: Path, name: str, resolver) -> list[dict]:
    """A dev set (``alqac`` or ``zalo``) as ``{"text", "choices", "gold": set of keys}``; gold law names — ALQAC's
    titles, Zalo's lower-case document numbers ("73/2006/qh" → "73/2006/QH11") — through the corpus's alias
    ``resolver``."""
    raw = json.loads(Path(data_dir).joinpath(*DEV_FILES[name]).read_text(encoding="utf-8"))
    out = []
    for q in raw:
        gold = set()
        for r in q.get("relevant_articles") or []:
            doc = r["law_id"] if r["law_id"] in resolver else resolver.resolve(r["law_id"])
            gold.add((doc or r["law_id"], str(r["article_id"])))
        out.append({"text": q["text"], "choices": q.get("choices") or None, "gold": gold})
    return out


@dataclass
class DevFeatures:
    """One dev set's questions and the feature rows of their candidates (``groups[i]`` rows for question ``i``)."""

    questions: list[dict]
    x: np.ndarray
    y: np.ndarray
    groups: list[int]

    def rows(self, i: int) -> np.ndarray:
        """The feature rows of question ``i``'s candidates."""
        start = sum(self.groups[:i])
        return self.x[start:start + self.groups[i]]

    def subset(self, keep: np.ndarray) -> tuple[np.ndarray, np.ndarray, list[int]]:
        """The rows of the questions ``keep`` (a boolean mask over questions) selects."""
        rows = np.repeat(np.asarray(keep, dtype=bool), self.groups)
        return self.x[rows], self.y[rows], [g for g, k in zip(self.groups, keep) if k]

    @classmethod
    def gather(cls, questions: Sequence[Mapping], parts: Sequence[tuple[np.ndarray, DevFeatures]]) -> DevFeatures:
        """The features of ``questions`` collected in parts: each part's positions in ``questions`` and its
        features (of those questions, in that order), together covering every question once."""
        x: list = [None] * len(questions)
        y: list = [None] * len(questions)
        for positions, d in parts:
            cuts = np.cumsum(d.groups)[:-1]
            for i, xi, yi in zip(positions, np.split(d.x, cuts), np.split(d.y, cuts)):
                x[i], y[i] = xi, yi
        if any(v is None for v in x):
            raise ValueError("the parts do not cover every question")
        return cls(list(questions), np.concatenate(x), np.concatenate(y), [len(v) for v in y])


def collect(index, questions: Sequence[Mapping], depth: int = DEFAULT_DEPTH) -> DevFeatures:
    """Feature rows of the first ``depth`` fused candidates of each question through the index's own hybrid
    search."""
    from indexing.index import check_query

    info = RecordInfo(index.corpus_stats(), index.records)
    xs, ys, groups = [], [], []
    for q in questions:
        text = check_query(q["text"])
        hits = index.hybrid.search(text, depth, None, q.get("choices"))
        a = index.analyzer.analyze(text, q.get("choices"))
        passages = index.passage_scores(a.search_text, [h.key for h in hits])
        xs.append(features(info, a.search_text, a.doc_ids, candidates_from_hits(hits, passages)))
        ys.append(np.array([1.0 if h.key in q["gold"] else 0.0 for h in hits]))
        groups.append(len(hits))
    return DevFeatures(list(questions), np.concatenate(xs), np.concatenate(ys), groups)


def collect_dev(data_dir: Path, indexes: Mapping[str, object],
                resolvers: Mapping[str, object]) -> dict[str, DevFeatures]:
    """Both dev sets' features: ``indexes``/``resolvers`` map ``"alqac"`` and ``"zalo"`` to the loaded ``CorpusIndex``
    of corpora ``alqac`` and ``statutes`` (:data:`DEV_CORPORA`) and to their alias resolvers."""
    return {name: collect(indexes[name], dev_questions(data_dir, name, resolvers[name]))
            for name in DEV_FILES}


def fit_dev(dev: Mapping[str, DevFeatures], keep: Mapping[str, np.ndarray] | None = None, *, seed: int = 13,
            meta: Mapping | None = None) -> LearnedRanker:
    """The ranker fitted on the dev sets' questions that ``keep`` selects (all by default), with its typical margin
    over them (:func:`typical_margin`). Each set weighs the same, whatever its size: a question's weight is 1 / the
    number of its set's questions in training."""
    keep = {name: np.asarray(keep[name] if keep is not None else np.ones(len(d.questions)), dtype=bool)
            for name, d in dev.items()}
    return _fit_sets(dev, keep, seed, {**(meta or {}), "margin_scale": typical_margin(dev, keep, seed=seed)})


def typical_margin(dev: Mapping[str, DevFeatures], keep: Mapping[str, np.ndarray], *, seed: int = 13,
                   k: int = 5) -> float:
    """The median margin between the first two candidates of a real user's question (:data:`MARGIN_SET`; every
    set's when it is absent) that the model did not learn from: the questions ``keep`` selects, cut into ``k`` folds,
    each ranked by a model fitted on the others. A model fitted on them all then scores a new question on that scale:
    its own questions' margins are wider (in sample), and so are an exam's. 1.0 when there is nothing to measure."""
    names = [MARGIN_SET] if MARGIN_SET in dev else list(dev)
    inner = {name: folds(int(mask.sum()), k, seed) for name, mask in keep.items()}
    margins = []
    for f in range(k):
        train, held = {}, {}
        for name, mask in keep.items():
            train[name], held[name] = mask.copy(), mask.copy()
            train[name][mask] = inner[name] != f
            held[name][mask] = inner[name] == f
        if not any(held[name].any() for name in names) or not any(t.any() for t in train.values()):
            continue
        model = _fit_sets(dev, train, seed)
        for name in names:
            x, _, groups = dev[name].subset(held[name])
            for scores in np.split(model.predict(x), np.cumsum(groups)[:-1]):
                if len(scores) > 1:
                    top = np.sort(scores)
                    margins.append(top[-1] - top[-2])
    scale = float(np.median(margins)) if margins else 0.0
    return scale if scale > 1e-6 else 1.0


def _fit_sets(dev: Mapping[str, DevFeatures], keep: Mapping[str, np.ndarray], seed: int,
              meta: Mapping | None = None) -> LearnedRanker:
    xs, ys, ws, groups, counts = [], [], [], [], {}
    for name, d in dev.items():
        x, y, g = d.subset(keep[name])
        xs.append(x)
        ys.append(y)
        ws.append(np.full(len(y), 1.0 / max(1, len(g))))
        groups += g
        counts[name] = len(g)
    w = np.concatenate(ws)
    return fit(np.concatenate(xs), np.concatenate(ys), groups, seed=seed, weights=w / w.mean(),
               meta={"trained_on": counts, **(meta or {})})


def folds(n: int, k: int = 5, seed: int = 13) -> np.ndarray:
    """Fold number (0..k-1) of each of ``n`` questions: a fixed permutation by ``seed``, dealt round-robin."""
    perm = np.random.RandomState(seed).permutation(n)
    out = np.empty(n, dtype=int)
    out[perm] = np.arange(n) % k
    return out


def training_fingerprint(data_dir: Path, indexes: Mapping[str, object], seed: int, out_of_fold: bool = False) -> str:
    """What a trained model depends on, hashed: the dev questions' bytes, each index's corpus, configuration,
    embedding model and query adapter, the features, the training parameters and whether the questions were searched
    out of fold (``indexing.adapted_dev``). Same fingerprint → same model file."""
    params = {"format": FORMAT, "features": FEATURES, "params": PARAMS, "rounds": ROUNDS, "depth": DEFAULT_DEPTH,
              "seed": seed, **({"searched": "out of fold"} if out_of_fold else {})}
    # the candidates come from the adapted search when a query adapter is attached
    return dev_fingerprint(params, data_dir, indexes, lambda index: (
        a.meta.get("fingerprint") if (a := getattr(index, "query_adapter", None)) is not None else None))


def dev_fingerprint(params: Mapping, data_dir: Path, indexes: Mapping[str, object],
                    extra: Callable[[object], object] | None = None) -> str:
    """A model trained from the dev sets, hashed: its training ``params``, the dev questions' bytes, and each index's
    corpus, configuration and embedding model (and ``extra(index)``)."""
    h = hashlib.sha256(json.dumps(params, sort_keys=True, default=str).encode())
    for name in sorted(indexes):
        h.update((Path(data_dir).joinpath(*DEV_FILES[name])).read_bytes())
        man = indexes[name].manifest
        config = {k: v for k, v in man.get("config", {}).items() if k != "model_dir"}
        h.update(json.dumps([name, man.get("corpus_hash"), config, (man.get("model") or {}).get("fingerprint"),
                             *([extra(indexes[name])] if extra else [])], sort_keys=True, default=str).encode())
    return h.hexdigest()[:16]


def trained_fingerprint(directory: Path) -> str | None:
    """The fingerprint the model saved in ``directory`` was trained under (None: no usable model there)."""
    try:
        meta = json.loads((Path(directory) / "meta.json").read_text())
    except (OSError, ValueError):
        return None
    return meta.get("fingerprint") if (Path(directory) / "model.txt").is_file() else None


def train_from_dev(home: Path, data_dir: Path, indexes: Mapping[str, object], resolvers: Mapping[str, object],
                   seed: int = 13, out_dir: Path | None = None, force: bool = False,
                   dev: Callable[[], Mapping[str, DevFeatures]] | None = None) -> tuple[Path, bool]:
    """Train the ranker on both dev sets and save it (default: ``home/models/ranker``, where the index registry looks
    for it); returns ``(directory, trained)`` — ``trained`` is False when the model there already has this training's
    fingerprint (:func:`training_fingerprint`) and ``force`` is not set. ``indexes``/``resolvers`` map ``"alqac"``
    and ``"zalo"`` to the loaded ``CorpusIndex`` of corpora ``alqac`` and ``statutes`` and to their alias resolvers.
    Each set weighs the same in training, whatever its size (a question's weight is 1 / the number of questions of
    its set). ``dev()``, when given, makes the features to learn from instead of :func:`collect_dev` through the
    indexes as they search — give the out-of-fold ones (``indexing.adapted_dev.AdaptedDev``) whenever the indexes
    search through a query adapter."""
    directory = Path(out_dir) if out_dir else ranker_dir(home)
    fingerprint = training_fingerprint(data_dir, indexes, seed, out_of_fold=dev is not None)
    if not force and trained_fingerprint(directory) == fingerprint:
        return directory, False
    config = {name: {k: v for k, v in indexes[name].manifest["config"].items() if k != "model_dir"}
              for name in indexes}
    model = fit_dev(dev() if dev is not None else collect_dev(data_dir, indexes, resolvers), seed=seed,
                    meta={"index_config": config, "fingerprint": fingerprint})
    return model.save(directory), True
