"""The 20 ALQAC 2026 judgments uploaded as case files (PDF and .docx written by the test): ≥ 90% of the provisions
their related_law_provisions list that name a stored document are among those read from the file, and every
timeline holds the judgment's date. The same measure is printed by ``benchmarks/casefile.py``."""

from __future__ import annotations

import json

import pytest

from benchmarks.casefile import FONT, WRITERS, coverage, extract, law_store
from tests.conftest import data_path


@pytest.fixture(scope="module")
def cited_store(tmp_path_factory):
    return law_store(tmp_path_factory.mktemp("casefile-law"), data_path("statutes"))


@pytest.mark.slow
@pytest.mark.parametrize("fmt", sorted(WRITERS))
def test_the_judgments_as_files_give_their_provisions_and_dates(cited_store, tmp_path, fmt):
    if fmt == "pdf":
        pytest.importorskip("fpdf", reason="fpdf2 writes the test PDFs")
        if not FONT.exists():
            pytest.skip(f"no font with Vietnamese glyphs at {FONT}")
    judgments = json.loads(data_path("alqac2026", "judgments.json").read_text(encoding="utf-8"))
    results = extract(cited_store, "statutes", judgments, fmt, tmp_path)
    assert len(results) == 20 and sum(len(r.gold) for r in results) > 150
    assert coverage(results) >= 0.90, [(r.case_id, sorted(r.missing)) for r in results if r.missing]
    assert all(r.timeline_has_date for r in results), [r.case_id for r in results if not r.timeline_has_date]
