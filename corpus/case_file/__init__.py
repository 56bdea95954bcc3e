"""A judge's own case file (hồ sơ vụ án) as text: its passages with page and paragraph (``passages``), and what a
first reading finds in it — the parties, the claims, the key dates, the provisions it cites (``reading``). Pure text
work: no store, no model; the assistant resolves the provisions and finds similar judgments."""

from corpus.case_file.passages import Passage, split_passages
from corpus.case_file.reading import CaseFileFacts, CitedInFile, DateEntry, FileParty, read_case_file

__all__ = ["CaseFileFacts", "CitedInFile", "DateEntry", "FileParty", "Passage", "read_case_file", "split_passages"]
