"""The live indexes of a home: each corpus's built index, loaded once and reloaded when its live build changes.

A rebuild — by ``thuky index build``, by an upload job or by another worker — switches ``CURRENT``; the next
``get`` sees the new name and loads the new build. The CLI, the service and the evaluation harness share this.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

from corpus.store import Store
from indexing.index import CorpusIndex, EmbeddedBackend, IndexUnavailable


class IndexRegistry:
    """Cheap to construct; an index loads on first ``get`` of its corpus (with the embedder, made on first need).
    ``backend`` says where indexes live (default: ``EmbeddedBackend`` folders under home; ``MilvusBackend``)."""

    def __init__(self, home: Path, store: Store, embedder: Callable[[], object | None], model_dir: str | None,
                 ranker: bool = True, backend=None, adapter: bool = False):
        self.home, self.store, self.model_dir = Path(home), store, model_dir
        self.backend = backend or EmbeddedBackend(self.home)
        # use the learned models under home: the ranker (indexing/ranker.py) and, when asked, the query adapter
        # (query_adapter.py)
        self.ranker, self.adapter = ranker, adapter
        self._embedder = embedder
        self._loaded: dict[str, tuple[tuple, CorpusIndex]] = {}
        self._lock = threading.Lock()

    def current(self, corpus: str) -> str | None:
        """The name of the corpus's live build, or None when it has none."""
        return self.backend.current(corpus)

    def _stamp(self, corpus: str) -> tuple[str | None, tuple | None]:
        """What the loaded index must match: the live build and the learned models' files — the ranker's and the query
        adapter's (retrained: reload)."""
        if not self.ranker:
            return self.current(corpus), None
        from indexing.query_adapter import adapter_dir
        from indexing.ranker import ranker_dir

        mtimes = []
        for path in (ranker_dir(self.home) / "model.txt", adapter_dir(self.home) / "w.npy"):
            try:
                mtimes.append(path.stat().st_mtime)
            except OSError:
                mtimes.append(None)
        return self.current(corpus), tuple(mtimes)

    def get(self, corpus: str) -> CorpusIndex:
        """The live index of a corpus (raises :class:`IndexUnavailable` with a rebuild hint)."""
        current = self._stamp(corpus)
        cached = self._loaded.get(corpus)
        if cached is not None and cached[0] == current:
            return cached[1]
        with self._lock:
            cached = self._loaded.get(corpus)
            if cached is not None and cached[0] == current:
                return cached[1]
            if current[0] is None:
                raise IndexUnavailable(f"no index for corpus {corpus!r}: build it with `thuky index build --corpus "
                                       f"{corpus}`")
            if cached is not None and cached[0][0] == current[0]:  # same build, a learned model was retrained
                index = cached[1]
                self._attach_models(index)
            else:
                index = self.load(corpus)
            self._loaded[corpus] = (current, index)
            return index

    def load(self, corpus: str) -> CorpusIndex:
        """Load a corpus's built index with its documents' names and aliases (and the learned models, when they were
        trained under home), warmed up for the first query."""
        aliases = {d.doc_id: d.aliases for d in self.store.documents(corpus)}
        index = self.backend.load(corpus, embedder=self._embedder() if self.model_dir else None,
                                  model_dir=self.model_dir, resolver=self.store.resolver(corpus), aliases=aliases)
        if self.ranker:
            self._attach_models(index)
        index.warm_up()
        return index

    def _attach_models(self, index: CorpusIndex) -> None:
        """The learned models trained under home: the query adapter (dense side) and the ranker."""
        from indexing.query_adapter import attach_adapter, load_adapter
        from indexing.ranker import attach_ranker, load_ranker

        attach_adapter(index, load_adapter(self.home) if self.adapter else None)
        attach_ranker(index, load_ranker(self.home))

    def loaded(self, corpus: str) -> CorpusIndex | None:
        """The index if it is loaded already (no loading)."""
        cached = self._loaded.get(corpus)
        return cached[1] if cached else None

    def forget(self, corpus: str) -> None:
        with self._lock:
            self._loaded.pop(corpus, None)
