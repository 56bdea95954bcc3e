"""Candidates for the hand-made masking gold (``tests/corpus/data/masking_gold.json``): every string in the 20 ALQAC
2026 judgments that broad patterns — broader than the masker's own — take for a name, an address part, a birth year or
an identifying number. A person reads the list against the texts, keeps what must be masked and drops the rest; this
script only saves typing. Run: ``python -m benchmarks.masking_candidates [judgments.json] > candidates.json``."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

from corpus.identifiers import UPPER
from corpus.loaders.judgments import load_judgment_cases
from corpus.text import squash

DEFAULT = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "alqac2026" / "judgments.json"
_W = rf"[{UPPER}][\w]*"
PATTERNS = {
    "name": re.compile(rf"(?i:ông|bà|anh|chị|cụ|em|cháu|cô|chú|bác|dì|cậu|mợ|thím)\s+({_W}(?:\s+{_W}){{0,4}}"
                       rf"(?:\s\d)?)|({_W}(?:\s+{_W}){{1,4}})\s*[,;–-]?\s*(?i:sinh\s+năm|sn\b)"),
    "address": re.compile(rf"(?i:số\s+nhà|tổ\s+dân\s+phố|khu\s+phố|thị\s+trấn|đường|ngõ|ngách|hẻm|tổ|khu|khóm|khối|"
                          rf"ấp|thôn|xóm|làng|bản|buôn|xã|phường)\s+(?:{_W}(?:\s+{_W}){{0,3}}|\d+[A-Za-z]?(?:/\d+)*)"),
    "birth": re.compile(r"(?i:sinh\s*năm|năm\s+sinh|sinh\s+ngày|\bsn)\W{0,3}\d{1,4}(?:[/.-]\d{1,2}[/.-]\d{4})?"),
    "number": re.compile(r"(?<![\w/])(?:\d{2}[A-Z]{1,2}\d?\s*[-–]\s*\d{3}\.?\d{2}|[A-Z0-9]*\d[A-Z0-9]*\d{6,}[A-Z0-9]*|"
                         r"0\d{2,3}[ .]\d{3}[ .]\d{3,4})(?![\w/])"),
}


def texts(case) -> list[str]:
    return [squash(s.text) for s in case.sections] + [squash(p.description) for p in case.parties]


def main() -> None:
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT
    cases = load_judgment_cases(json.loads(path.read_text(encoding="utf-8")), path)
    out = {}
    for case in cases:
        found: dict[str, list[str]] = {k: [] for k in PATTERNS}
        for text in texts(case):
            for kind, rx in PATTERNS.items():
                found[kind] += [m.group(0) for m in rx.finditer(text)]
        out[case.case_id] = {k: sorted(set(v)) for k, v in found.items()} | {"officials": case.officials}
    json.dump(out, sys.stdout, ensure_ascii=False, indent=1)


if __name__ == "__main__":
    main()
