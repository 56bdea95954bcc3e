"""The ranker's dev features when dense search goes through a query adapter: each question searched through an
adapter fitted without it.

An adapter fitted on every dev question ranks those questions' gold articles far higher than a new question's (in
sample). A ranker that learns from that search learns to trust the adapted dense score as no user's question earns
it: on "Thời hạn kháng cáo … trong vụ án dân sự" it put the criminal procedure code's identical rule (BLTTHS Điều
333) before the civil one's (BLTTDS Điều 273). So each dev set's questions are cut into folds
(:func:`indexing.ranker.folds`); :func:`fold_adapters` fits one adapter per fold on the other folds' questions, and
:func:`collect_out_of_fold` searches each question through its own fold's adapter. The shipped ranker learns from
those rows, and the shipped adapter (fitted on every question) then searches questions it never saw, as in training.

``assistant.calibration`` answers each fold's questions through that fold's adapter, with a ranker fitted on the
other folds' rows, so one set of fold adapters serves both.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import numpy as np

from indexing.query_adapter import QueryAdapter, TrainingSet, attach_adapter, fit, training_set
from indexing.ranker import DEFAULT_DEPTH, DEV_FILES, DevFeatures, collect, dev_questions, folds

FOLDS = 5


@dataclass
class FoldAdapters:
    """Each dev set's fold of every question (``fold_of[name][i]``) and, per fold, the adapter fitted without it."""

    fold_of: dict[str, np.ndarray]
    adapters: list[QueryAdapter]

    def training(self, f: int) -> dict[str, np.ndarray]:
        """Which questions of each set fold ``f``'s adapter learned from (a boolean mask per set)."""
        return {name: fold != f for name, fold in self.fold_of.items()}


def fold_adapters(sets: Mapping[str, TrainingSet], *, k: int = FOLDS, seed: int = 13) -> FoldAdapters:
    """One adapter per fold of ``sets`` (each dev set's training rows, in the order of its questions), fitted with
    ``seed`` on the questions of the other folds."""
    import torch

    fold_of = {name: folds(len(s.positives), k, seed) for name, s in sets.items()}

    def fit_fold(f: int) -> QueryAdapter:
        return fit([sets[name].subset(fold_of[name] != f) for name in sorted(sets)], seed=seed)

    # each fit runs on one thread, as it does alone (so the same adapters), and the folds side by side on the cores
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        with ThreadPoolExecutor(max_workers=max(1, min(k, os.cpu_count() or 1))) as pool:
            adapters = list(pool.map(fit_fold, range(k)))
    finally:
        torch.set_num_threads(threads)
    return FoldAdapters(fold_of, adapters)


def collect_out_of_fold(indexes: Mapping[str, object], questions: Mapping[str, Sequence[Mapping]],
                        adapters: FoldAdapters, depth: int = DEFAULT_DEPTH) -> dict[str, DevFeatures]:
    """Each set's features (``indexing.ranker.collect`` over ``indexes[name]``), every question searched through the
    adapter of its fold. The indexes keep the adapters they had."""
    distinct = list({id(i): i for i in indexes.values()}.values())  # both sets may search one index
    before = [index.query_adapter for index in distinct]
    parts: dict[str, list] = {name: [] for name in questions}
    try:
        for f, adapter in enumerate(adapters.adapters):
            for index in distinct:
                attach_adapter(index, adapter)
            for name, qs in questions.items():
                at = np.flatnonzero(adapters.fold_of[name] == f)
                if len(at):
                    parts[name].append((at, collect(indexes[name], [qs[i] for i in at], depth)))
    finally:
        for index, adapter in zip(distinct, before):
            index.query_adapter = adapter
    return {name: DevFeatures.gather(qs, parts[name]) for name, qs in questions.items()}


class AdaptedDev:
    """The dev sets as learned from through a query adapter — their questions, the adapter's training rows, the fold
    adapters and the out-of-fold features — each made once, when first asked. ``indexes``/``resolvers`` map
    ``"alqac"`` and ``"zalo"`` to the loaded ``CorpusIndex`` of each set's corpus and its alias resolver (as
    ``indexing.ranker.collect_dev``)."""

    def __init__(self, indexes: Mapping[str, object], resolvers: Mapping[str, object], data_dir: Path, *,
                 k: int = FOLDS, seed: int = 13):
        self.indexes, self.resolvers, self.data_dir, self.k, self.seed = indexes, resolvers, Path(data_dir), k, seed

    @cached_property
    def questions(self) -> dict[str, list[dict]]:
        return {name: dev_questions(self.data_dir, name, self.resolvers[name]) for name in DEV_FILES}

    @cached_property
    def training_sets(self) -> dict[str, TrainingSet]:
        """Each set's query-adapter training rows, in the order of its questions."""
        return {name: training_set(self.indexes[name], qs) for name, qs in self.questions.items()}

    @cached_property
    def fold_adapters(self) -> FoldAdapters:
        return fold_adapters(self.training_sets, k=self.k, seed=self.seed)

    @cached_property
    def features(self) -> dict[str, DevFeatures]:
        """Every question's features through the adapter of its fold."""
        return collect_out_of_fold(self.indexes, self.questions, self.fold_adapters)
