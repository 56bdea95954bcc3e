"""Growth, measured: build throughput, query latency at 1 and 10 clients, resident memory and disk of each search
backend as the corpus grows from the 17,855 statute articles to 170k and 1M+ article-sized units.

The units are re-numbered copies of the statutes: copy ``c`` of document ``D`` is document ``D~c`` titled
"<title> (bản sao c)", with the same articles. Nothing is segmented again (the copies' texts are the statutes',
whose segmentation cache is copied in) and **nothing is embedded again: each copy's piece vector is the statute's
vector from the vector cache plus small Gaussian noise (norm 0.1, cosine ≈ 0.995 to the original), renormalised** —
so build throughput here is the index build without the encoder (on these 2 cores the encoder embeds ~60 pieces/s:
17,855 articles ≈ 5 min, 170k ≈ 50 min, 1M ≈ 5 h of CPU; see ``benchmarks/index_build.py``). Questions are encoded
by the real e5 model, so query latency is the product's (segment + BM25 + embed + vector search + fusion, no learned
ranker). Each (backend, size) runs in a fresh process that builds through the product's builder, loads the index as
the service does, and answers the ALQAC and Zalo dev question texts.

Needs the statutes corpus ingested and indexed under ``THUKY_HOME`` (its vector cache complete):

    .venv/bin/python benchmarks/scale.py                                  # 17,855 and 170,000 units, both backends
    .venv/bin/python benchmarks/scale.py --sizes 17855 170000 1000000 --backends milvus
    .venv/bin/python benchmarks/scale.py --plot-only --out /tmp/thuky-scale   # redraw from results.json

Results go to ``--out`` (``results.json``, one line per run appended, and ``scale.png``); the README's table is
copied from there. RSS is the API-worker process's (what each ``thuky serve`` worker holds), child processes
(``engine_rss_mb``) beside it. milvus-lite runs inside that process, so on it the worker's RSS includes the engine
(segments, indexes) and the records the index keeps for hits and rankers; a Milvus server keeps the engine's part
off the API machines.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

CORPUS = "scale"
NOISE = 0.1


def rss_mb(pid: int | str = "self") -> float:
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def descendants(pid: int) -> list[int]:
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        for task in Path(f"/proc/{p}/task").glob("*"):
            try:
                kids = [int(x) for x in (task / "children").read_text().split()]
            except OSError:
                kids = []
            out += kids
            todo += kids
    return out


def du_mb(path: Path) -> float:
    if not path.exists():
        return 0.0
    files = [path] if path.is_file() else [p for p in path.rglob("*") if p.is_file()]
    return sum(p.stat().st_size for p in files) / 2**20


class CopiedStatutes:
    """A stand-in store whose corpus ``scale`` is ``size`` units: the statutes, then re-numbered copies of them."""

    def __init__(self, rows: list[dict], size: int):
        self.rows, self.size = rows, size

    def article_rows(self, corpus: str) -> list[dict]:
        out = []
        copy = 0
        while len(out) < self.size:
            for r in self.rows[: self.size - len(out)]:
                out.append(r if copy == 0 else {**r, "doc_id": f"{r['doc_id']}~{copy}",
                                                "doc_title": f"{r['doc_title']} (bản sao {copy})"})
            copy += 1
        return out


class NoisyCopies:
    """Passage vectors of the copies: the original's cached vector plus small noise; queries by the real model.
    ``original_of`` maps a copy's piece text to its statute's (a longer title moves where a long article is cut, so
    the texts differ by more than the title)."""

    def __init__(self, cache, real, original_of: dict[str, str]):
        self.cache, self.real, self.original_of = cache, real, original_of
        self.dim, self.quantize = real.dim, real.quantize

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        from indexing.vector_cache import text_hash

        originals = [self.original_of.get(t, t) for t in texts]
        found = self.cache.get_many(list({text_hash(t) for t in originals}))
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i, (t, o) in enumerate(zip(texts, originals)):
            v = found.get(text_hash(o))
            if v is None:
                raise SystemExit("the statutes' vector cache misses a piece: build the statutes index under "
                                 "THUKY_HOME first (`thuky index build --corpus statutes`)")
            if t != o:
                rng = np.random.default_rng(int(hashlib.sha1(t.encode()).hexdigest()[:8], 16))
                noise = rng.standard_normal(self.dim).astype(np.float32)
                v = v + NOISE * noise / np.linalg.norm(noise)
            out[i] = v / np.linalg.norm(v)
        return out

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return self.real.embed_queries(texts)


def questions(data_dir: Path, n: int) -> list[str]:
    texts = []
    for rel in ("alqac/questions.json", "zalo/questions-statutes.json"):
        texts += [q["text"] for q in json.loads((data_dir / rel).read_text(encoding="utf-8"))]
    rng = np.random.default_rng(7)
    return [texts[i] for i in rng.permutation(len(texts))[:n]]


def latencies(index, qs: list[str], clients: int) -> dict:
    def one(q: str) -> float:
        t = time.perf_counter()
        index.search(q, 10)
        return (time.perf_counter() - t) * 1000

    t = time.perf_counter()
    if clients == 1:
        lat = [one(q) for q in qs]
    else:
        with ThreadPoolExecutor(clients) as pool:
            lat = list(pool.map(one, qs))
    wall = time.perf_counter() - t
    return {"p50_ms": float(np.percentile(lat, 50)), "p95_ms": float(np.percentile(lat, 95)),
            "qps": len(qs) / wall}


def run_one(backend_name: str, size: int, out: Path, n_queries: int, source_limit: int | None = None) -> dict:
    """Build ``size`` units on a backend in ``out/<backend>-<size>``, load, query; the numbers as a dict."""
    import shutil

    from corpus.store import Store
    from indexing.index import EmbeddedBackend, article_pieces, corpus_root, model_fingerprint, records_from_store
    from indexing.milvus import MilvusBackend
    from indexing.vector_cache import VectorCache
    from thuky.runtime import Runtime
    from thuky.settings import Settings

    rt = Runtime(Settings())
    s, config = rt.settings, rt.index_config()
    rows = Store(s.db_url).article_rows("statutes")[:source_limit]
    source = corpus_root(s.home, "statutes")
    variant = f"{config.dense_max_seq}{'-int8' if config.dense_int8 else ''}"
    real = rt.embedder()
    cache = VectorCache(source / f"vectors-{model_fingerprint(config.model_dir)}-{variant}.sqlite", real.dim)
    store = CopiedStatutes(rows, size)
    work = out / f"{backend_name}-{size}"
    shutil.rmtree(work, ignore_errors=True)
    home = work / "home"
    corpus_root(home, CORPUS).mkdir(parents=True)
    shutil.copy(source / "segments.jsonl", corpus_root(home, CORPUS) / "segments.jsonl")
    server = None
    if backend_name == "embedded":
        backend = EmbeddedBackend(home)
    elif backend_name == "milvus":
        backend = MilvusBackend(str(work / "milvus.db"), home)
    else:  # a Milvus server in its own process, as a site with several API workers runs it
        server, uri = start_milvus_server(work / "milvus-server")
        backend = MilvusBackend(uri, home)
    # the copies' vectors are made before the clock starts: they stand for an encoder's output
    t = time.perf_counter()
    source_piece = {p.key: p.text for p in article_pieces(records_from_store(CopiedStatutes(rows, len(rows)), CORPUS),
                                                          config)}
    pieces = article_pieces(records_from_store(store, CORPUS), config)
    emb = NoisyCopies(cache, real, {p.text: source_piece[(p.key[0].split("~")[0], p.key[1])] for p in pieces})
    texts = [p.text for p in pieces]
    pre = VectorCache(corpus_root(home, CORPUS) / f"vectors-{model_fingerprint(config.model_dir)}-{variant}.sqlite",
                      real.dim)
    for i in range(0, len(texts), 20_000):
        chunk = texts[i:i + 20_000]
        pre.embed(chunk, emb.embed_passages, batch=20_000)
    pre.close()
    prep = time.perf_counter() - t
    t = time.perf_counter()
    report = backend.builder(config, emb).build(store, CORPUS)
    build_s = time.perf_counter() - t
    cache.close()
    try:
        # the API worker: a fresh process that loads the index as `thuky serve` does and answers the questions
        cmd = [sys.executable, __file__, "--serve", backend_name, str(home),
               *([] if backend_name == "embedded" else [backend.uri]), "--queries", str(n_queries)]
        if backend_name == "milvus":  # milvus-lite opens its file from one process at a time: this one lets it go
            from milvus_lite.server_manager import server_manager_instance

            server_manager_instance.release_server(backend.uri)
        served = subprocess.run(cmd, capture_output=True, text=True, check=True)
        serving = json.loads(served.stdout.strip().splitlines()[-1])
        engine = rss_mb(server.pid) if server else 0.0
    finally:
        if server:
            server.terminate()
            server.wait(30)
    if backend_name == "embedded":
        disk = du_mb(report.directory)
    else:
        disk = du_mb(work / ("milvus.db" if backend_name == "milvus" else "milvus-server"))
    return {"backend": backend_name, "units": report.articles, "build_s": build_s, "build_units_per_s":
            report.articles / build_s, "vectors_prep_s": prep, **serving, "engine_rss_mb": engine, "disk_mb": disk,
            "caches_mb": du_mb(corpus_root(home, CORPUS)) - (disk if backend_name == "embedded" else 0.0)}


def serve(backend_name: str, home: Path, uri: str | None, n_queries: int) -> dict:
    """What one API worker does and holds: load the index (with the learned ranker when one is trained), warm up,
    answer the dev questions at 1 and 10 clients; its RSS before loading and at the end."""
    from indexing.index import EmbeddedBackend
    from indexing.milvus import MilvusBackend
    from thuky.runtime import Runtime
    from thuky.settings import Settings

    rt = Runtime(Settings())
    config = rt.index_config()
    embedder = rt.embedder()
    embedder.embed_queries(["khởi động"])  # the model's weights are the worker's whatever the corpus
    before = rss_mb()
    backend = EmbeddedBackend(home) if backend_name == "embedded" else MilvusBackend(uri, home)
    t = time.perf_counter()
    index = backend.load(CORPUS, embedder=embedder, model_dir=config.model_dir)
    index.warm_up()
    load_s = time.perf_counter() - t
    qs = questions(rt.settings.data_dir, n_queries)
    one = latencies(index, qs, 1)
    ten = latencies(index, qs, 10)
    return {"load_s": load_s, "rss_before_load_mb": before, "rss_mb": rss_mb(), "queries": len(qs),
            "clients_1": one, "clients_10": ten}


def start_milvus_server(data_dir: Path):
    """milvus-lite's gRPC server (``python -m milvus_lite server``) in its own process: (the process, its URI)."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    data_dir.mkdir(parents=True, exist_ok=True)
    proc = subprocess.Popen([sys.executable, "-m", "milvus_lite", "server", "--data-dir", str(data_dir), "--host",
                             "127.0.0.1", "--port", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(600):
        try:
            socket.create_connection(("127.0.0.1", port), 0.5).close()
            return proc, f"http://127.0.0.1:{port}"
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise SystemExit("the Milvus server did not start")


def plot(results: list[dict], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 4, figsize=(18, 4))
    colours = {"embedded": "C0", "milvus": "C1", "milvus-server": "C2"}
    for backend in sorted({r["backend"] for r in results}):
        rs = sorted((r for r in results if r["backend"] == backend), key=lambda r: r["units"])
        x, col = [r["units"] for r in rs], colours.get(backend)
        axes[0].plot(x, [r["build_units_per_s"] for r in rs], "o-", color=col, label=backend)
        for c, marker in (("clients_1", "o"), ("clients_10", "s")):
            n = c.split("_")[1]
            axes[1].plot(x, [r[c]["p50_ms"] for r in rs], marker + "-", color=col, label=f"{backend} p50, {n} cl.")
            axes[1].plot(x, [r[c]["p95_ms"] for r in rs], marker + ":", color=col, alpha=0.5,
                         label=f"{backend} p95, {n} cl.")
        axes[2].plot(x, [r["rss_mb"] for r in rs], "o-", color=col, label=f"{backend} API worker")
        if any(r["engine_rss_mb"] for r in rs):
            axes[2].plot(x, [r["engine_rss_mb"] for r in rs], "s--", color=col, label=f"{backend} engine process")
        axes[3].plot(x, [r["disk_mb"] for r in rs], "o-", color=col, label=backend)
    titles = ("build throughput (units/s, no encoder)", "query latency (ms)", "resident memory (MB)",
              "index on disk (MB)")
    for ax, title in zip(axes, titles):
        ax.set_xscale("log")
        ax.set_title(title)
        ax.set_xlabel("units (articles)")
        ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def table(results: list[dict]) -> str:
    head = ("| backend | units | build units/s | p50 / p95 ms, 1 client | p50 / p95 ms, 10 clients (q/s) | "
            "RSS MB (engine) | disk MB |\n|---|---|---|---|---|---|---|")
    lines = [head]
    for r in sorted(results, key=lambda r: (r["backend"], r["units"])):
        c1, c10 = r["clients_1"], r["clients_10"]
        engine = f" ({r['engine_rss_mb']:.0f})" if r["engine_rss_mb"] else ""
        lines.append(f"| {r['backend']} | {r['units']:,} | {r['build_units_per_s']:.0f} | {c1['p50_ms']:.1f} / "
                     f"{c1['p95_ms']:.1f} | {c10['p50_ms']:.1f} / {c10['p95_ms']:.1f} ({c10['qps']:.1f}) | "
                     f"{r['rss_mb']:.0f}{engine} | {r['disk_mb']:.0f} |")
    return "\n".join(lines)


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", type=int, nargs="+", default=[17_855, 170_000])
    ap.add_argument("--backends", nargs="+", default=["embedded", "milvus-server"],
                    choices=["embedded", "milvus", "milvus-server"],
                    help="milvus: milvus-lite in the API process (a file); milvus-server: a Milvus server process")
    ap.add_argument("--queries", type=int, default=300, help="dev question texts asked per run")
    ap.add_argument("--out", type=Path, default=Path(os.environ.get("TMPDIR", "/tmp")) / "thuky-scale")
    ap.add_argument("--timeout", type=float, default=3600, help="seconds one (backend, size) run may take")
    ap.add_argument("--plot-only", action="store_true")
    ap.add_argument("--source-limit", type=int, default=None, help="copy only the first N statute articles (a quick "
                    "check of the script)")
    ap.add_argument("--one", nargs=2, metavar=("BACKEND", "SIZE"), help=argparse.SUPPRESS)
    ap.add_argument("--serve", nargs="+", metavar="BACKEND HOME [URI]", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.serve:
        backend_name, home, *uri = args.serve
        print(json.dumps(serve(backend_name, Path(home), uri[0] if uri else None, args.queries)))
        return
    args.out.mkdir(parents=True, exist_ok=True)
    results_file = args.out / "results.json"
    if args.one:
        print(json.dumps(run_one(args.one[0], int(args.one[1]), args.out, args.queries, args.source_limit)))
        return
    if not args.plot_only:
        for size in args.sizes:
            for backend in args.backends:
                t = time.perf_counter()
                cmd = [sys.executable, __file__, "--one", backend, str(size), "--out", str(args.out),
                       "--queries", str(args.queries)]
                if args.source_limit:
                    cmd += ["--source-limit", str(args.source_limit)]
                try:
                    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=args.timeout)
                except subprocess.TimeoutExpired:
                    print(f"{backend} at {size:,} units: over {args.timeout:.0f}s, stopped", file=sys.stderr)
                    continue
                if proc.returncode != 0:
                    print(f"{backend} at {size:,} units failed ({proc.returncode}):\n{proc.stderr[-2000:]}",
                          file=sys.stderr)
                    continue
                result = json.loads(proc.stdout.strip().splitlines()[-1])
                with results_file.open("a") as f:
                    f.write(json.dumps(result) + "\n")
                print(f"{backend} at {size:,} units: {time.perf_counter() - t:.0f}s — {json.dumps(result)}",
                      file=sys.stderr)
    results = [json.loads(line) for line in results_file.read_text().splitlines() if line.strip()] \
        if results_file.exists() else []
    latest = {}
    for r in results:  # the last run of each (backend, units)
        latest[(r["backend"], r["units"])] = r
    results = list(latest.values())
    if results:
        plot(results, args.out / "scale.png")
        print(table(results))
        print(f"\nplots: {args.out / 'scale.png'}; every run: {results_file}")


if __name__ == "__main__":
    main()
