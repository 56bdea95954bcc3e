"""Precision and recall of the masking of judgments against the hand-made gold
(``tests/corpus/data/masking_gold.json``), per category and overall, on the 20 ALQAC 2026 judgments.

* recall — the share of gold strings (per judgment) that no longer appear anywhere in its masked text (sections and
  party descriptions; case-insensitive, whitespace squashed);
* precision — the share of masked spans that overlap an occurrence of one of the judgment's gold strings in the text
  as written (a span's category is the masker's; a gold string of any category counts). A span over a name the
  source already abbreviated to an initial ("ông H" → "ông H.") changes nothing and is not counted.

Run: ``python -m benchmarks.masking [judgments.json]``. Prints a table and a JSON line.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

from corpus.anonymize import Anonymizer
from corpus.case_law.cleaning import clean_description
from corpus.identifiers import CATEGORIES
from corpus.loaders.judgments import load_judgment_cases
from corpus.text import squash

REPO = Path(__file__).resolve().parents[1]
GOLD = REPO / "tests" / "corpus" / "data" / "masking_gold.json"
DATA = REPO.parent / "shared" / "data" / "alqac2026" / "judgments.json"


def _texts(case) -> list[str]:
    return [squash(s.text) for s in case.sections] + [squash(clean_description(p.description)) for p in case.parties]


_INITIAL = re.compile(r"[A-ZĐ]{1,2}\s?\d{0,2}")


def _occurrences(text: str, strings: list[str]) -> list[tuple[int, int]]:
    low = text.lower()
    out = []
    for s in strings:
        for m in re.finditer(re.escape(squash(s).lower()), low):
            out.append((m.start(), m.end()))
    return out


def score(cases, gold: dict) -> dict:
    """``{category: {"precision", "recall", "gold", "spans"}}`` plus ``"overall"``."""
    found = {c: [0, 0] for c in CATEGORIES}  # gold strings removed, gold strings
    right = {c: [0, 0] for c in CATEGORIES}  # spans overlapping gold, spans
    for case in cases:
        wanted = gold.get(case.case_id, {})
        if not wanted:
            continue
        a = Anonymizer.for_case(case)
        every = [s for xs in wanted.values() for s in xs]
        masked_all = []
        for text in _texts(case):
            spans = a.spans(text)
            occ = _occurrences(text, every)
            for s in spans:
                if _INITIAL.fullmatch(text[s.start:s.end]):
                    continue
                right[s.category][1] += 1
                right[s.category][0] += any(s.start < e and b < s.end for b, e in occ)
            masked_all.append(a.mask(text).lower())
        masked = "\n".join(masked_all)
        for category, strings in wanted.items():
            for s in set(strings):
                found[category][1] += 1
                found[category][0] += squash(s).lower() not in masked
    out = {}
    for c in CATEGORIES:
        out[c] = {"recall": found[c][0] / found[c][1] if found[c][1] else None, "gold": found[c][1],
                  "precision": right[c][0] / right[c][1] if right[c][1] else None, "spans": right[c][1]}
    g, s = sum(v[1] for v in found.values()), sum(v[1] for v in right.values())
    out["overall"] = {"recall": sum(v[0] for v in found.values()) / g if g else None, "gold": g,
                      "precision": sum(v[0] for v in right.values()) / s if s else None, "spans": s}
    return out


def missed(cases, gold: dict) -> list[tuple[str, str, str]]:
    """Gold strings still in the masked text: (case id, category, string)."""
    out = []
    for case in cases:
        a = Anonymizer.for_case(case)
        masked = "\n".join(a.mask(t).lower() for t in _texts(case))
        for category, strings in gold.get(case.case_id, {}).items():
            out += [(case.case_id, category, s) for s in strings if squash(s).lower() in masked]
    return out


def extra(cases, gold: dict) -> list[tuple[str, str, str]]:
    """Masked spans that overlap no gold string: (case id, category, text)."""
    out = []
    for case in cases:
        a = Anonymizer.for_case(case)
        every = [s for xs in gold.get(case.case_id, {}).values() for s in xs]
        for text in _texts(case):
            occ = _occurrences(text, every)
            out += [(case.case_id, s.category, text[s.start:s.end]) for s in a.spans(text)
                    if not _INITIAL.fullmatch(text[s.start:s.end]) and not any(s.start < e and b < s.end
                                                                               for b, e in occ)]
    return sorted(set(out))


def load(path: Path = DATA) -> tuple[list, dict]:
    cases = load_judgment_cases(json.loads(path.read_text(encoding="utf-8")), path)
    return cases, json.loads(GOLD.read_text(encoding="utf-8"))["judgments"]


def main() -> None:
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else DATA
    cases, gold = load(path)
    result = score(cases, gold)
    print(f"{'category':10} {'recall':>7} {'gold':>5} {'precision':>9} {'spans':>6}")
    for name, r in result.items():
        rec = f"{r['recall']:.3f}" if r["recall"] is not None else "-"
        pre = f"{r['precision']:.3f}" if r["precision"] is not None else "-"
        print(f"{name:10} {rec:>7} {r['gold']:>5} {pre:>9} {r['spans']:>6}")
    if "--missed" in sys.argv:
        for m in missed(cases, gold):
            print("missed", *m)
    if "--extra" in sys.argv:
        for m in extra(cases, gold):
            print("extra", *m)
    print(json.dumps({k: {m: (round(v, 4) if isinstance(v, float) else v) for m, v in r.items()}
                      for k, r in result.items()}))


if __name__ == "__main__":
    main()
