"""Applicable-provision suggestion, leave-one-out on the 20 ALQAC 2026 judgments.

For each judgment: the case index is built from the *other* 19, its ``case_fact`` is given to the system (similar
cases → the provisions they applied, fused with retrieval over the statutes), and the suggested articles are scored
against its ``related_law_provisions`` that resolve to stored articles of the law corpus. Prints Recall@10 and
MRR@10 for:

* ``bm25-statutes`` — plain BM25 from the facts to statute articles (the baseline the issue quotes, about 1%);
* ``statute-search`` — the product's statute search for the same text (BM25, dense when on, and the articles the
  facts name outright — a party's claim often cites its ground — looked up first);
* ``popularity`` — every other judgment counts the same (what any civil case cites: procedure, court fees);
* ``similar-cases`` — weighted frequency among the most similar judgments only;
* ``system`` — similar cases fused with statute retrieval (the product's ``ProvisionSuggester``),

then the gold coverage (which law corpus the provisions resolve against), the ceiling (gold articles that no other
judgment applied cannot come from similar cases) and the per-judgment numbers.

    .venv/bin/python benchmarks/case_provisions.py                       # lexical, law corpus "statutes"
    .venv/bin/python benchmarks/case_provisions.py --dense cases         # + e5 on the case side
    .venv/bin/python benchmarks/case_provisions.py --dense all           # + e5 on the statutes too
    .venv/bin/python benchmarks/case_provisions.py --law-corpus alqac2026

The home (default ``$TMPDIR/thuky-bench-home``) gets the law corpus ingested and, if it has none, a lexical index of
it (about 4 minutes the first time for the 208 statutes; seconds after).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from assistant.provisions import ProvisionSuggester, SuggesterConfig  # noqa: E402
from corpus.case_store import CaseStore  # noqa: E402
from corpus.citations import parse_provision_line  # noqa: E402
from corpus.ingest import ingest  # noqa: E402
from corpus.loaders.judgments import load_judgment_cases  # noqa: E402
from corpus.store import Store  # noqa: E402
from corpus.text import fold  # noqa: E402
from eval.metrics.retrieval import recall_at_k, reciprocal_rank  # noqa: E402
from indexing.cases import CaseIndex, CaseIndexConfig  # noqa: E402
from indexing.index import CorpusIndex, IndexBuilder, IndexConfig, IndexUnavailable  # noqa: E402
from indexing.segment import Segmenter  # noqa: E402
from thuky.settings import get_settings  # noqa: E402

LAW_SOURCES = {"statutes": ("statutes",), "alqac2026": ("alqac2026", "corpus_law_pub.json")}


def gold_articles(case, resolver, articles: set) -> tuple[set, int, int]:
    """(gold stored articles, lines naming a stored document, lines in all) of one judgment."""
    gold, named, lines = set(), 0, 0
    for line in str(case.extra.get("related_law_provisions") or "").splitlines():
        if not line.strip() or "|" not in line:
            continue
        lines += 1
        doc = resolver.resolve(line.split("|", 1)[0].strip())
        if doc is None:
            continue
        named += 1
        gold |= {(doc, c.article) for c in parse_provision_line(line) if c.article and (doc, c.article) in articles}
    return gold, named, lines


def open_law(home: Path, data: Path, corpus: str, dense: bool):
    store = Store(f"sqlite:///{home / 'thuky.db'}")
    ingest(store, corpus, [data.joinpath(*LAW_SOURCES[corpus])])
    embedder, model_dir = None, None
    if dense:
        from indexing.embedder import Embedder

        s = get_settings()
        model_dir = str(s.model_dir)
        embedder = Embedder(model_dir, max_seq_length=s.dense_max_seq, quantize=s.dense_int8)
    aliases = {d.doc_id: d.aliases for d in store.documents(corpus)}
    try:
        index = CorpusIndex.load(home, corpus, embedder=embedder, model_dir=model_dir, resolver=store.resolver(corpus),
                                 aliases=aliases)
    except IndexUnavailable:
        print(f"building the {'hybrid' if dense else 'lexical'} index of {corpus!r} under {home} …", file=sys.stderr)
        IndexBuilder(home, IndexConfig(model_dir=model_dir), embedder).build(store, corpus)
        index = CorpusIndex.load(home, corpus, embedder=embedder, model_dir=model_dir, resolver=store.resolver(corpus),
                                 aliases=aliases)
    return store, index, embedder


def main(argv=None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--home", type=Path, default=Path(os.environ.get("TMPDIR", "/tmp")) / "thuky-bench-home")
    ap.add_argument("--law-corpus", default="statutes", choices=sorted(LAW_SOURCES))
    ap.add_argument("--dense", choices=("none", "cases", "all"), default="none",
                    help="embeddings on the case side, or on both sides (the statutes' dense index takes minutes)")
    ap.add_argument("--cases-k", type=int, default=None)
    ap.add_argument("--sharpness", type=float, default=None)
    ap.add_argument("--statute-weight", type=float, default=None)
    ap.add_argument("--facts", choices=("dataset", "parsed"), default="dataset",
                    help="the query: the dataset's case_fact field, or the facts section parsed from the text")
    ap.add_argument("--grid", action="store_true", help="also print a small grid of suggester settings")
    ap.add_argument("--json", type=Path, default=None, help="write the numbers here")
    args = ap.parse_args(argv)

    data = get_settings().data_dir
    path = data / "alqac2026" / "judgments.json"
    if not path.exists():
        print(f"skipped: {path} not found (set THUKY_DATA_DIR)")
        return {}
    t0 = time.perf_counter()
    store, statute_index, embedder = open_law(args.home, data, args.law_corpus, args.dense == "all")
    if args.dense == "cases":
        from indexing.embedder import Embedder

        s = get_settings()
        embedder = Embedder(s.model_dir, max_seq_length=s.dense_max_seq, quantize=s.dense_int8)
    resolver = store.resolver(args.law_corpus)
    records = json.loads(path.read_text(encoding="utf-8"))
    cases = load_judgment_cases(records, path, resolver.names())
    case_store = CaseStore(store)
    articles, titles = case_store._law_articles(args.law_corpus)
    applied = {c.case_id: case_store.applied_articles(c, args.law_corpus) for c in cases}
    if args.facts == "dataset":  # the dataset's own facts field, as the issue says
        facts = {r["case_id"]: str(r["case_fact"]) for r in records}
    else:
        facts = {c.case_id: c.text_of("facts") for c in cases}
    print(f"ready in {time.perf_counter() - t0:.1f}s: {len(cases)} judgments, law corpus {args.law_corpus!r}",
          file=sys.stderr)

    # gold and coverage ------------------------------------------------------------------------------------------
    gold, named_lines, all_lines = {}, 0, 0
    for c in cases:
        gold[c.case_id], n, m = gold_articles(c, resolver, articles)
        named_lines += n
        all_lines += m
    gold_total = sum(len(g) for g in gold.values())
    seen_elsewhere = sum(len(g & set().union(*(set(applied[o]) for o in applied if o != cid)))
                         for cid, g in gold.items())

    config = SuggesterConfig()  # the product's defaults
    for name in ("cases_k", "sharpness", "statute_weight"):
        if getattr(args, name) is not None:
            setattr(config, name, getattr(args, name))

    statute_cache: dict[tuple[str, int], list] = {}

    def statute_search(text: str, k: int):
        if (text, k) not in statute_cache:
            statute_cache[(text, k)] = statute_index.search(text[:20_000], k)
        return statute_cache[(text, k)]

    segmenter = Segmenter(cache_path=args.home / "indexes" / "cases-bench" / "segments.jsonl")
    runs: dict[str, dict[str, list]] = {n: {} for n in ("bm25-statutes", "statute-search", "popularity",
                                                         "similar-cases", "system")}
    similar_ms = []
    similar_hits = {}
    for c in cases:
        others = [o for o in cases if o.case_id != c.case_id]
        index = CaseIndex.build(others, segmenter=segmenter, embedder=embedder,
                                cache_dir=args.home / "indexes" / "cases-bench", config=CaseIndexConfig())
        q = facts[c.case_id]
        t = time.perf_counter()
        hits = index.similar(q, k=len(others))
        similar_ms.append((time.perf_counter() - t) * 1000)
        similar_hits[c.case_id] = hits
        runs["bm25-statutes"][c.case_id] = [h.key for h in statute_index.bm25.search(q[:20_000], 10)]
        runs["statute-search"][c.case_id] = [h.key for h in statute_search(q, 10)]
        popular = ProvisionSuggester(applied.get, None, titles, SuggesterConfig(cases_k=len(others), sharpness=0,
                                                                                  statute_k=0))
        runs["popularity"][c.case_id] = [p.key for p in popular.suggest(q, hits, k=10)]
        only_cases = ProvisionSuggester(applied.get, None, titles, SuggesterConfig(
            cases_k=config.cases_k, sharpness=config.sharpness, statute_k=0))
        runs["similar-cases"][c.case_id] = [p.key for p in only_cases.suggest(q, hits, k=10)]
        system = ProvisionSuggester(applied.get, statute_search, titles, config)
        runs["system"][c.case_id] = [p.key for p in system.suggest(q, hits, k=10)]

    scored = [cid for cid in gold if gold[cid]]
    procedural = {d for d, _a in articles if titles.get(d, "").lower().startswith("bộ luật tố tụng")}
    substantive = {cid: {g for g in gold[cid] if g[0] not in procedural} for cid in scored}
    print(f"\nlaw corpus {args.law_corpus!r}: {named_lines}/{all_lines} related_law_provisions lines name a stored "
          f"document; {gold_total} gold (document, article) pairs are stored articles, over {len(scored)} judgments")
    odd = sorted(cid for cid, f in facts.items() if fold(f).lstrip(" -*\n").startswith("nguoi co quyen loi"))
    if odd and args.facts == "dataset":
        print(f"note: the dataset's case_fact of {', '.join(odd)} starts with the header's party list (for some it is "
              f"only that); the system gets it as it is — `--facts parsed` gives the parsed facts section instead")
    print(f"ceiling from similar cases: {seen_elsewhere}/{gold_total} = {seen_elsewhere / max(gold_total, 1):.3f} of "
          f"the gold articles were applied by at least one other judgment")
    print(f"config: {json.dumps(vars(config))}, dense={args.dense}, facts={args.facts}")
    sub_scored = [cid for cid in scored if substantive[cid]]

    def measure(run: dict) -> dict:
        return {"recall@10": float(np.mean([recall_at_k(run[cid], gold[cid], 10) for cid in scored])),
                "mrr@10": float(np.mean([reciprocal_rank(run[cid], gold[cid], 10) for cid in scored])),
                "substantive_recall@10": float(np.mean([recall_at_k(run[cid], substantive[cid], 10)
                                                        for cid in sub_scored]))}

    print(f"{'method':<16}{'R@10':>8}{'MRR@10':>9}{'R@10 subst.':>13}   (subst.: gold outside the procedure codes, "
          f"{sum(len(v) for v in substantive.values())} articles over {len(sub_scored)} judgments)")
    results = {}
    for name, run in runs.items():
        m = measure(run)
        results[name] = {k: round(v, 4) for k, v in m.items()}
        print(f"{name:<16}{m['recall@10']:>8.4f}{m['mrr@10']:>9.4f}{m['substantive_recall@10']:>13.4f}")
    if args.grid:
        print("\ngrid (system): cases_k sharpness statute_weight → R@10 MRR@10 R@10-subst.")
        for ck in (3, 5, 10, 19):
            for sh in (0.0, 1.0, 2.0, 4.0):
                for sw in (0.0, 0.15, 0.3, 0.6):
                    cfg = SuggesterConfig(cases_k=ck, sharpness=sh, statute_weight=sw)
                    sug = ProvisionSuggester(applied.get, statute_search, titles, cfg)
                    run = {cid: [p.key for p in sug.suggest(facts[cid], similar_hits[cid], k=10)] for cid in scored}
                    m = measure(run)
                    print(f"  {ck:>3} {sh:>4} {sw:>5} → {m['recall@10']:.4f} {m['mrr@10']:.4f} "
                          f"{m['substantive_recall@10']:.4f}")
    print(f"similar() latency over 19 judgments: p50 {np.percentile(similar_ms, 50):.0f} ms, "
          f"p95 {np.percentile(similar_ms, 95):.0f} ms")
    print("\nper judgment (system): case, gold articles, R@10, first hit rank")
    for cid in scored:
        run = runs["system"][cid]
        rr = reciprocal_rank(run, gold[cid], 10)
        print(f"  {cid:<10} {len(gold[cid]):>3} {recall_at_k(run, gold[cid], 10):.2f} "
              f"{int(round(1 / rr)) if rr else '-'}")
    out = {"law_corpus": args.law_corpus, "dense": args.dense, "facts": args.facts, "config": vars(config),
           "results": results,
           "gold_articles": gold_total, "ceiling": round(seen_elsewhere / max(gold_total, 1), 4),
           "lines_naming_stored_document": named_lines, "lines": all_lines}
    if args.json:
        args.json.write_text(json.dumps(out, ensure_ascii=False, indent=2))
    return out


if __name__ == "__main__":
    main()
