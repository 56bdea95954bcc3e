"""The HTML report in a real browser (Debian's Chromium, headless, driven by Playwright): it opens without a console
or page error, every plot decodes and has a size, and a full-page screenshot is saved under ``$THUKY_ARTIFACTS``
(default ``artifacts/screenshots``)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from eval.report import write_report
from eval.rundir import load_run
from eval.runner import RunOptions, run_suite
from eval.suite import Suite
from tests.conftest import REPO
from tests.eval.fakes import FakeAssistant, fake_system, suite_questions

pytestmark = pytest.mark.slow

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--no-first-run"]
ARTIFACTS = Path(os.environ.get("THUKY_ARTIFACTS", REPO / "artifacts" / "screenshots"))


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("report")
    suite = Suite(None, suite_questions(outside=True), "x")  # with questions outside the corpus: the trade-off plot
    base, _ = fake_system()
    other, _ = fake_system(FakeAssistant(changes={"q2": {"value": "C"}}))
    runs = [run_suite(suite, base, root / "baseline", RunOptions(default_corpus="fake")),
            run_suite(suite, other, root / "candidate", RunOptions(default_corpus="fake"))]
    return write_report([load_run(r.directory) for r in runs], root / "report.html")


def test_report_opens_in_chromium_with_its_plots(report):
    if not CHROMIUM.exists():
        pytest.skip(f"Chromium not installed at {CHROMIUM} (Debian package `chromium`)")
    from playwright.sync_api import sync_playwright

    errors: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.on("console", lambda m: errors.append(f"console: {m.text}") if m.type == "error" else None)
            page.on("pageerror", lambda e: errors.append(f"page: {e}"))
            page.goto(report.as_uri())
            page.wait_for_load_state("load")
            images = page.evaluate("Array.from(document.images).map(i => "
                                   "({alt: i.alt, complete: i.complete, w: i.naturalWidth, h: i.naturalHeight}))")
            headline = page.locator("h2", has_text="Headline metrics")
            assert headline.is_visible()
            assert page.locator("table").nth(1).locator("tr").count() > 10  # the headline table has its rows
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            shot = ARTIFACTS / "eval-report.png"
            page.screenshot(path=str(shot), full_page=True)
        finally:
            browser.close()
    assert not errors, errors
    assert len(images) >= 5, images
    broken = [i for i in images if not (i["complete"] and i["w"] > 100 and i["h"] > 100)]
    assert not broken, broken
    assert {"Recall@k curves", "Recall@10 by document", "Abstention trade-off"} <= {i["alt"] for i in images}
    assert shot.stat().st_size > 20_000
