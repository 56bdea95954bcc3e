"""Case files: what the reading extracts from the 20 ALQAC 2026 judgments uploaded as files, and how long uploading
and reading a 30-page PDF takes.

1. Extraction — each judgment's text is written out as a PDF and as a .docx (fpdf2 with DejaVu Sans, python-docx),
   parsed as an upload is (a child process with limits), split and read. Printed per format: the share of the
   provisions listed in its ``related_law_provisions`` that name a stored document which are among the provisions
   read from the file (the bar: ≥ 0.90), and how many timelines hold the judgment's date (the bar: 20 of 20).
2. Timing — a 30-page PDF (judgments one after another) uploaded through the API of an app over a home holding the
   statutes and the 20 judgments as case law, with the e5 model when it is built: from the POST to the file's status
   ``done`` (parse, passages, segmentation, embedding, reading, similar judgments). The bar: ≤ 60 s on 2 cores.

    .venv/bin/python benchmarks/casefile.py [--home DIR] [--model DIR] [--skip-timing] [--skip-extraction]

The home (default ``$TMPDIR/thuky-bench-casefile``) gets the statutes the judgments cite ingested once.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import os
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

REPO = Path(__file__).resolve().parent.parent
DATA = Path(os.environ.get("THUKY_DATA_DIR", REPO.parent / "shared" / "data"))
FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
#: the statutes the judgments' related_law_provisions name
CITED_STATUTES = ["Bo-luat-dan-su-2015", "Bo-luat-to-tung-dan-su-2015", "Luat-dat-dai-2013",
                  "Luat-Hon-nhan-va-gia-dinh-2014", "Luat-Ho-tich", "Luat-Xay-dung-2014",
                  "Luat-cac-to-chuc-tin-dung-2010", "Luat-khieu-nai-2011", "Luat-to-tung-hanh-chinh-2015"]


# -- files ----------------------------------------------------------------------------------------------------------
def pdf_bytes(text: str, *, encrypt: str | None = None) -> bytes:
    """``text`` as an A4 PDF (fpdf2, DejaVu Sans for the Vietnamese glyphs), a new page at each form feed; with
    ``encrypt``, protected by that user password."""
    import fpdf

    pdf = fpdf.FPDF(format="A4")
    pdf.add_font("dejavu", fname=str(FONT))
    pdf.set_font("dejavu", size=11)
    pdf.set_auto_page_break(True, margin=15)
    for page in text.split("\f"):
        pdf.add_page()
        for line in page.split("\n"):
            pdf.multi_cell(0, 5.5, line.strip() or " ", new_x="LMARGIN", new_y="NEXT")
    if encrypt:
        pdf.set_encryption(owner_password="owner", user_password=encrypt)
    return bytes(pdf.output())


def docx_bytes(text: str) -> bytes:
    """``text`` as a .docx (python-docx), one paragraph a line, a page break at each form feed."""
    import docx
    from docx.enum.text import WD_BREAK

    d = docx.Document()
    for i, page in enumerate(text.split("\f")):
        if i:
            d.paragraphs[-1].add_run().add_break(WD_BREAK.PAGE)
        for line in page.split("\n"):
            d.add_paragraph(line)
    out = io.BytesIO()
    d.save(out)
    return out.getvalue()


WRITERS = {"pdf": pdf_bytes, "docx": docx_bytes}


def judgment_text(j: dict) -> str:
    """The judgment's published text, without the dump's own header line ("*** 6616. row ***", "case_name: …")."""
    lines = str(j["judgment_text"]).split("\n")
    while lines and (lines[0].startswith("*") or lines[0].strip().startswith("case_name:")):
        lines.pop(0)
    if lines and lines[0].startswith("judgment_text:"):
        lines[0] = lines[0][len("judgment_text:"):]
    text = "\n".join(lines)
    return "".join(ch for ch in text if ch in "\n\t" or ord(ch) >= 32)  # no control character in a document


# -- extraction -----------------------------------------------------------------------------------------------------
@dataclass
class Extracted:
    case_id: str
    gold: set
    found: set
    judgment_date: dt.date | None
    timeline_has_date: bool

    @property
    def missing(self) -> set:
        return self.gold - self.found


def gold_provisions(resolver, j: dict) -> set:
    """(document id, article) of the related_law_provisions lines whose document is stored."""
    from corpus.citations import parse_provision_line

    out = set()
    for line in str(j.get("related_law_provisions") or "").splitlines():
        if "|" not in line:
            continue
        doc = resolver.resolve(line.split("|", 1)[0].strip())
        if doc:
            out |= {(doc, r.article) for r in parse_provision_line(line) if r.article}
    return out


def extract(store, corpus: str, judgments: list[dict], fmt: str, workdir: Path) -> list[Extracted]:
    """Each judgment written as ``fmt``, parsed as an upload, read; its provisions resolved against ``corpus``."""
    from assistant.case_file.reading import check_provisions
    from corpus.case_file import read_case_file, split_passages
    from corpus.case_law.cleaning import parse_vn_date
    from corpus.loaders.isolated import load_pages_isolated

    resolver = store.resolver(corpus)
    names = resolver.names()
    out = []
    for j in judgments:
        path = workdir / f"{j['case_id']}.{fmt}"
        path.write_bytes(WRITERS[fmt](judgment_text(j)))
        pages = load_pages_isolated(path, max_bytes=50 * 2**20, max_pages=300)
        facts = read_case_file(split_passages(pages), pages=pages, known_names=names)
        found = {(p.document_id, p.article) for p in check_provisions(store, corpus, facts.provisions, facts.date)
                 if p.document_id}
        day = parse_vn_date(j.get("judgment_date"))
        has = any(dt.date.fromisoformat(str(e.date)) == day for e in facts.timeline) if day else False
        out.append(Extracted(j["case_id"], gold_provisions(resolver, j), found, day, has))
    return out


def coverage(results: list[Extracted]) -> float:
    gold = sum(len(r.gold) for r in results)
    return sum(len(r.gold & r.found) for r in results) / gold if gold else 1.0


def law_store(home: Path, statutes: Path):
    from corpus.ingest import ingest
    from corpus.store import Store

    home.mkdir(parents=True, exist_ok=True)
    store = Store(f"sqlite:///{home / 'thuky.db'}")
    files = [p for p in sorted(statutes.glob("*.txt")) if any(p.name.startswith(n) for n in CITED_STATUTES)]
    report = ingest(store, "statutes", files)  # unchanged files are skipped
    if report.skipped:
        raise SystemExit(f"statutes not ingested: {report.skipped}")
    return store


# -- timing ---------------------------------------------------------------------------------------------------------
def thirty_pages(judgments: list[dict], pages: int = 30) -> bytes:
    from pypdf import PdfReader, PdfWriter

    text, data = "", b""
    for j in judgments:
        text += ("\f" if text else "") + judgment_text(j)
        data = pdf_bytes(text)
        if len(PdfReader(io.BytesIO(data)).pages) >= pages:
            break
    reader, writer = PdfReader(io.BytesIO(data)), PdfWriter()
    for page in reader.pages[:pages]:
        writer.add_page(page)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def time_upload(home: Path, model: Path | None, judgments_path: Path, data: bytes) -> dict:
    from fastapi.testclient import TestClient
    from sqlalchemy.orm import Session

    from api.tables import UserRow
    from thuky.runtime import Runtime
    from thuky.settings import Settings

    dense = model is not None and (model / "modules.json").exists()
    settings = Settings(home=home, dense=dense, embedding_model=model if dense else None, preload_index=False,
                        rate_limit_per_minute=0, default_corpus="statutes")
    runtime = Runtime(settings)
    law = runtime.case_law()
    if law.cases.count(law.corpus) == 0:
        law.ingest([judgments_path])
    t = time.perf_counter()
    law.warm_up()  # a serving process has its case index loaded
    warm = time.perf_counter() - t
    if dense:
        runtime.embedder().embed_queries(["khởi động"])  # and its model
    app = runtime.app()
    accounts = app.state.services.accounts
    if accounts.get_user("bench") is None:
        with Session(accounts.engine) as s, s.begin():
            s.add(UserRow(username="bench", role="judge", password_hash=None))
    headers = {"Authorization": f"Bearer {accounts.issue_token(accounts.get_user('bench'), hours=1)}"}
    with TestClient(app) as client:
        sid = client.post("/v1/sessions", json={"title": "benchmark"}, headers=headers).json()["id"]
        t0 = time.perf_counter()
        r = client.post(f"/v1/sessions/{sid}/files", files={"file": ("hồ sơ 30 trang.pdf", data)}, headers=headers)
        if r.status_code != 202:
            raise SystemExit(f"upload refused: {r.status_code} {r.text}")
        accepted = time.perf_counter() - t0
        fid = r.json()["file_id"]
        while True:
            body = client.get(f"/v1/sessions/{sid}/files/{fid}", headers=headers).json()
            if body["status"] in ("done", "failed"):
                break
            time.sleep(0.05)
        total = time.perf_counter() - t0
    reading = body.get("reading") or {}
    return {"status": body["status"], "message": body["message"], "pages": body["pages"],
            "passages": body["passages"], "dense": dense, "accepted_s": round(accepted, 2),
            "total_s": round(total, 2), "case_index_warm_up_s": round(warm, 2),
            "provisions": len(reading.get("provisions", [])), "timeline": len(reading.get("timeline", [])),
            "similar": len(reading.get("similar", []))}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--home", type=Path, default=Path(tempfile.gettempdir()) / "thuky-bench-casefile")
    ap.add_argument("--model", type=Path, default=Path.home() / ".thuky" / "models" / "multilingual-e5-small")
    ap.add_argument("--skip-extraction", action="store_true")
    ap.add_argument("--skip-timing", action="store_true")
    args = ap.parse_args()
    judgments_path = DATA / "alqac2026" / "judgments.json"
    judgments = json.loads(judgments_path.read_text(encoding="utf-8"))
    store = law_store(args.home, DATA / "statutes")
    print(f"cores: {len(os.sched_getaffinity(0))}; statutes: {len(store.documents('statutes'))} documents")
    if not args.skip_extraction:
        with tempfile.TemporaryDirectory() as tmp:
            for fmt in WRITERS:
                t = time.perf_counter()
                results = extract(store, "statutes", judgments, fmt, Path(tmp))
                took = time.perf_counter() - t
                gold = sum(len(r.gold) for r in results)
                dated = sum(r.timeline_has_date for r in results)
                print(f"\n{fmt}: provisions of related_law_provisions naming a stored document found in the file: "
                      f"{sum(len(r.gold & r.found) for r in results)}/{gold} = {coverage(results):.4f} (bar 0.90); "
                      f"timelines with the judgment date: {dated}/{len(results)}; {took:.1f} s for "
                      f"{len(results)} files")
                for r in results:
                    if r.missing or not r.timeline_has_date:
                        print(f"  {r.case_id}: missing {sorted(r.missing)}"
                              + ("" if r.timeline_has_date else f"; no {r.judgment_date} in the timeline"))
    if not args.skip_timing:
        data = thirty_pages(judgments)
        result = time_upload(args.home, args.model, judgments_path, data)
        print(f"\n30-page PDF ({len(data) / 2**20:.2f} MB), upload to reading done: {result['total_s']} s "
              f"(bar 60 s; accepted after {result['accepted_s']} s); dense={result['dense']}")
        print(json.dumps(result, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
