"""Case law: judgments (bản án) and precedents (án lệ) with their own structure, read from the text courts publish.

A published judgment runs, under Vietnamese headings:

* the header — court, "Bản án số …", the date, "V/v …" (the matter in dispute), the trial panel and the parties
  (nguyên đơn, bị đơn, người có quyền lợi, nghĩa vụ liên quan, người làm chứng);
* ``NỘI DUNG VỤ ÁN`` (facts; "NHẬN THẤY" in older judgments);
* ``NHẬN ĐỊNH CỦA TÒA ÁN`` (the court's reasoning; "XÉT THẤY" in older judgments);
* ``QUYẾT ĐỊNH`` (the decision), then "Nơi nhận" and the signature.

A precedent (án lệ) as the Supreme People's Court publishes it starts with its number ("ÁN LỆ SỐ 04/2016/AL"), the
case it names, the source judgment ("Nguồn án lệ"), where in it the precedent lies, the situation ("Tình huống án lệ"),
the legal solution ("Giải pháp pháp lý"), the provisions concerned and keywords; then the source judgment's facts,
reasoning and decision under the same headings as a judgment.

Everything here is text in, dataclasses out; no store, no model. Text is NFC-normalised and legacy-font words repaired
(:mod:`corpus.legacy_fonts`) before anything else. Headings are matched on whole lines, accent-insensitively, in
their order (facts, then reasoning, then decision), so a "Quyết định số 27" inside the reasoning is not a heading.
"""

from __future__ import annotations

from corpus.case_law.cited import cited_provisions, precedent_numbers
from corpus.case_law.header import case_type_from_number, court_level_from, normalize_court
from corpus.case_law.documents import (
    APPLIED_SECTIONS,
    OUTCOME_LABELS,
    REQUIRED_SECTIONS,
    SECTION_LABELS,
    CaseLawDocument,
    CaseSection,
    CaseSummary,
    CitedProvision,
    Judgment,
    Outcome,
    Party,
    Precedent,
    Section,
    case_year,
)
from corpus.case_law.outcome import detect_outcome
from corpus.case_law.parse import parse_judgment, parse_precedent
from corpus.case_law.parties import panel_names, parse_parties, person_names
from corpus.case_law.sections import split_judgment
from corpus.case_law.cleaning import clean_text, parse_vn_date

__all__ = [
    "APPLIED_SECTIONS", "CaseLawDocument", "CaseSection", "CaseSummary", "CitedProvision", "Judgment", "Outcome",
    "OUTCOME_LABELS", "Party", "Precedent", "REQUIRED_SECTIONS", "Section", "SECTION_LABELS", "case_type_from_number",
    "case_year", "cited_provisions", "clean_text", "court_level_from", "detect_outcome", "normalize_court",
    "panel_names", "parse_judgment", "parse_parties", "parse_precedent", "parse_vn_date", "person_names",
    "precedent_numbers", "split_judgment",
]
