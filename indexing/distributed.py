"""Segmentation and embedding of an index build as Ray Data batches, on a local Ray or a Ray cluster.

``IndexBuilder(home, config, embedder, executor=RayExecutor("local"))`` builds the same index as the single-process
path: the executor only fills the build's two content-hash caches (``segments.jsonl`` and the vector cache) with what
they lack, and the build then reads everything from them with the ordinary code. So:

- only work the caches lack goes to Ray; a fully cached rebuild does not even start Ray;
- each batch is written to its cache by the driver as soon as it comes back, so a build that is aborted (driver
  killed, cluster lost) keeps what it computed, and its rerun sends only the rest;
- a worker that dies mid-batch is Ray's to handle (Ray Data's defaults): a segmentation task is run again, an
  embedding actor is restarted and its batch re-run; the build goes on. An exception raised by ThuKy's own code is
  not retried: it fails the build, and the rerun resumes from the caches.

Segmentation runs as stateless tasks (underthesea loads once per worker process, which Ray reuses); embedding runs on
a pool of actors that each load the model once. Texts are embedded in the chunks the local path embeds
(``embed_chunk``, by default ``vector_cache.CHUNK``), so with an int8 encoder — whose activation scales depend on the
texts sharing a call — the vectors are the local path's.

On a cluster, every node needs ThuKy installed as on the driver and the model directory at the same path.
"""

from __future__ import annotations

import socket
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

import numpy as np

from indexing.segment import Segmenter, tokenize
from indexing.vector_cache import CHUNK, VectorCache

LOCAL = "local"  # the address that starts a Ray on this machine instead of joining a cluster


class RayUnavailable(RuntimeError):
    """Ray is not installed, or the cluster cannot be started or joined; the message says which."""


@dataclass(frozen=True)
class EmbedSpec:
    """What a worker needs to make the driver's encoder: plain values, sent to every embedding actor."""

    model_dir: str
    max_seq_length: int | None
    quantize: bool
    batch_size: int
    num_threads: int = 1

    @classmethod
    def of(cls, embedder, num_threads: int = 1) -> "EmbedSpec":
        return cls(str(embedder.model_dir), embedder.max_seq_length, embedder.quantize, embedder.batch_size,
                   num_threads)


def segment_batch(batch: dict) -> dict:
    """Ray Data UDF: each row is one chunk ``{"keys": [...], "texts": [...]}``; returns ``{"keys", "tokens"}``."""
    tokens = [[tokenize(str(t)) for t in texts] for texts in batch["texts"]]
    return {"keys": batch["keys"], "tokens": tokens}


class EmbedBatch:
    """Ray Data UDF (an actor): loads the encoder once, then embeds one chunk per call."""

    def __init__(self, spec: EmbedSpec):
        from indexing.embedder import Embedder

        self.embedder = Embedder(spec.model_dir, batch_size=spec.batch_size, max_seq_length=spec.max_seq_length,
                                 quantize=spec.quantize, num_threads=spec.num_threads)

    def __call__(self, batch: dict) -> dict:
        vectors = [self.embedder.embed_passages([str(t) for t in texts]) for texts in batch["texts"]]
        return {"keys": batch["keys"], "vectors": np.array([v.tobytes() for v in vectors], dtype=object)}


class RayExecutor:
    """Fills an index build's caches on Ray. ``address``: ``"local"`` (a Ray on this machine, ``num_cpus`` cores or
    all), ``"auto"`` (the cluster this machine belongs to) or a cluster address (``host:6379``, ``ray://host:10001``).

    Cheap to construct; Ray starts (or is joined) on the first batch of work, and only this executor's own start is
    shut down by ``close()``. ``segment_udf`` and ``embed_udf`` are the functions run on the workers."""

    segment_udf: Callable[[dict], dict] = staticmethod(segment_batch)
    embed_udf: type = EmbedBatch

    def __init__(self, address: str = LOCAL, *, num_cpus: int | None = None, embed_workers: int | None = None,
                 embed_threads: int = 1, segment_chunk: int = 64, embed_chunk: int = CHUNK):
        self.address = address
        self.num_cpus = num_cpus
        self.embed_workers = embed_workers
        self.embed_threads = embed_threads
        self.segment_chunk = segment_chunk
        self.embed_chunk = embed_chunk
        self._started = False

    def __repr__(self) -> str:
        return f"RayExecutor({self.address!r})"

    # -- Ray ------------------------------------------------------------------------------------------------------
    def _ray(self):
        try:
            import ray
            import ray.data
        except ImportError as exc:
            raise RayUnavailable(f"Ray is not installed ({exc}): pip install 'thuky[scale]'") from exc
        if not ray.is_initialized():
            if self.address not in (LOCAL, "auto"):
                self._check_reachable()
            try:
                if self.address == LOCAL:
                    ray.init(num_cpus=self.num_cpus, include_dashboard=False, log_to_driver=False)
                else:
                    ray.init(address=self.address, log_to_driver=False)
            except Exception as exc:  # noqa: BLE001 - connection, address and start-up errors of many kinds
                where = "a local Ray" if self.address == LOCAL else f"the Ray cluster at {self.address!r}"
                raise RayUnavailable(f"cannot start or join {where}: {type(exc).__name__}: {exc}") from exc
            self._started = True
        ctx = ray.data.DataContext.get_current()
        ctx.enable_progress_bars = False
        ctx.print_on_execution_start = False
        return ray

    def _check_reachable(self, timeout_s: float = 10.0) -> None:
        """Refuse at once a cluster address nothing answers on (``ray.init`` would wait for it for minutes)."""
        host, _, port = self.address.removeprefix("ray://").rpartition(":")
        if not host or not port.isdigit():
            raise RayUnavailable(f"{self.address!r} is not a Ray address: give 'local', 'auto', host:port or "
                                 "ray://host:port")
        try:
            socket.create_connection((host.strip("[]"), int(port)), timeout=timeout_s).close()
        except OSError as exc:
            raise RayUnavailable(f"nothing answers at the Ray address {self.address!r}: {exc}") from exc

    def workers(self) -> int:
        """How many embedding actors: ``embed_workers`` or one per ``embed_threads`` of the cluster's CPUs."""
        if self.embed_workers:
            return self.embed_workers
        cpus = int(self._ray().cluster_resources().get("CPU", 1))
        return max(1, cpus // max(1, self.embed_threads))

    def close(self) -> None:
        if self._started:
            import ray

            ray.shutdown()
            self._started = False

    def _chunks(self, todo: dict[str, str], size: int):
        items = list(todo.items())
        rows = [{"keys": [k for k, _ in items[i:i + size]], "texts": [t for _, t in items[i:i + size]]}
                for i in range(0, len(items), size)]
        return self._ray().data.from_items(rows, override_num_blocks=len(rows))

    # -- the two stages -------------------------------------------------------------------------------------------
    def segment(self, todo: dict[str, str]) -> Iterator[list[tuple[str, list[str]]]]:
        """Segment ``{key: text}``; yields ``[(key, tokens), …]`` chunk by chunk as they finish (in any order)."""
        if not todo:
            return
        ds = self._chunks(todo, self.segment_chunk).map_batches(self.segment_udf, batch_size=1, num_cpus=1)
        for batch in ds.iter_batches(batch_size=None, batch_format="numpy"):
            for keys, tokens in zip(batch["keys"], batch["tokens"]):
                yield [(str(k), [str(t) for t in toks]) for k, toks in zip(keys, tokens)]

    def embed(self, todo: dict[str, str], embedder, dim: int) -> Iterator[dict[str, np.ndarray]]:
        """Embed ``{hash: text}`` with ``embedder``'s settings, in ``embed_chunk``-sized chunks on a pool of actors;
        yields ``{hash: vector}`` chunk by chunk as they finish (in any order)."""
        if not todo:
            return
        spec = EmbedSpec.of(embedder, self.embed_threads)
        ds = self._chunks(todo, self.embed_chunk).map_batches(
            self.embed_udf, batch_size=1, fn_constructor_kwargs={"spec": spec},
            concurrency=min(self.workers(), -(-len(todo) // self.embed_chunk)), num_cpus=spec.num_threads)
        for batch in ds.iter_batches(batch_size=None, batch_format="numpy"):
            for keys, blob in zip(batch["keys"], batch["vectors"]):
                vectors = np.frombuffer(blob, dtype=np.float32).reshape(len(keys), dim)
                yield dict(zip((str(k) for k in keys), vectors))

    # -- what IndexBuilder calls ----------------------------------------------------------------------------------
    def fill_segments(self, segmenter: Segmenter, texts: Sequence[str],
                      on_progress: Callable[[int, int], None] | None = None) -> int:
        """Segment on Ray the ``texts`` the segmenter's cache lacks, storing each chunk as it comes back. Returns how
        many texts were segmented."""
        todo = segmenter.missing(texts)
        done = 0
        for results in self.segment(todo):
            segmenter.add(results)
            done += len(results)
            if on_progress:
                on_progress(done, len(todo))
        return len(todo)

    def fill_vectors(self, cache: VectorCache, texts: Sequence[str], embedder,
                     on_progress: Callable[[int], None] | None = None) -> int:
        """Embed on Ray, with ``embedder``'s settings, the ``texts`` the cache lacks, storing each chunk as it comes
        back. Returns how many texts were embedded."""
        todo = cache.missing(texts)
        for vectors in self.embed(todo, embedder, cache.dim):
            cache.put_many(vectors)
            if on_progress:
                on_progress(len(vectors))
        return len(todo)
