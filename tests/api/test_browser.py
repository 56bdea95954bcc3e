"""The web client (api/static) in a real browser: Debian's Chromium, headless, driven by Playwright, against the real
app served by uvicorn over the ALQAC corpus (lexical index). Every flow runs at phone width (375 px) and desktop width
(1280 px), saves screenshots under ``$THUKY_ARTIFACTS`` and fails on any console error or uncaught page error."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.api.conftest import Server as ApiServer
from tests.conftest import REPO, data_path

pytestmark = pytest.mark.slow

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--no-first-run"]
ARTIFACTS = Path(os.environ.get("THUKY_ARTIFACTS", REPO / "artifacts" / "screenshots"))
VIEWPORTS = {"phone": {"width": 375, "height": 740}, "desktop": {"width": 1280, "height": 860}}
PASSWORD = "mat-khau-thu-nghiem"
# A Đúng/Sai question from the ALQAC dev set (alqac/questions.json, train_alqac25_1): the answer carries a value.
QUESTION = ("Người nghiện ma túy từ đủ 18 tuổi trở lên bị áp dụng biện pháp xử lý hành chính đưa vào cơ sở cai "
            "nghiện bắt buộc theo quy định của Luật Xử lý vi phạm hành chính khi bị phát hiện sử dụng chất ma túy "
            "một cách trái phép trong thời gian cai nghiện ma túy tự nguyện, đúng hay sai?")
SEARCH_QUERY = "viên chức ký kết hợp đồng làm việc"
TIMEOUT_MS = 30_000


def squash(text: str) -> str:
    """Compare texts as the citation verifier does: NFC, case folded, whitespace squashed."""
    return " ".join(unicodedata.normalize("NFC", text or "").casefold().split())


# ---------------------------------------------------------------------------------------------------------------
# The server: a THUKY_HOME with the ALQAC corpus, the 20 judgments and two users, served by `thuky serve`
# ---------------------------------------------------------------------------------------------------------------

@dataclass
class Served:
    base: str
    cases_problem: str | None  # why the case corpus is missing, when it is


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    if not CHROMIUM.exists():
        pytest.skip(f"Chromium not installed at {CHROMIUM} (`make browser` installs Debian's chromium package)")
    pytest.importorskip("playwright.sync_api", reason="playwright (python) is not installed: pip install -e '.[dev]'")
    law = data_path("alqac", "law.json")
    data_dir = law.parent.parent

    from api.accounts import Accounts
    from eval.corpora import open_alqac
    from indexing.index import IndexConfig

    home = tmp_path_factory.mktemp("browser-home")
    store, _index, _report = open_alqac(home, data_dir, IndexConfig(model_dir=None))
    accounts = Accounts(store.engine)
    accounts.add_user("thamphan", "judge", PASSWORD)
    accounts.add_user("quantri", "admin", PASSWORD)
    store.engine.dispose()

    env = {"THUKY_DEFAULT_CORPUS": "alqac", "THUKY_DATA_DIR": str(data_dir)}
    # the 20 real judgments, for the similar-cases page, through the product's own command (before the server starts)
    judgments = data_dir / "alqac2026" / "judgments.json"
    cases_problem = None
    if not judgments.exists():
        cases_problem = f"no judgments at {judgments}"
    else:
        done = subprocess.run([sys.executable, "-m", "thuky.cli", "cases", "ingest", str(judgments), "--law-corpus",
                               "alqac"], cwd=REPO, capture_output=True, text=True, timeout=600,
                              env={**os.environ, "THUKY_HOME": str(home), "THUKY_DENSE": "false",
                                   "HF_HUB_OFFLINE": "1", **env})
        if done.returncode != 0:
            cases_problem = f"`thuky cases ingest` failed: {(done.stderr or done.stdout).strip()[-500:]}"

    with ApiServer(home, **env) as served:  # `thuky serve` (uvicorn) on a free port of 127.0.0.1
        yield Served(served.url, cases_problem)


@pytest.fixture(scope="module")
def browser(server):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


class Tab:
    """A page at one viewport, recording console errors and uncaught exceptions."""

    def __init__(self, page, base: str, view: str):
        self.page, self.base, self.view = page, base, view
        self.errors: list[str] = []
        page.on("console", lambda m: self.errors.append(f"console.{m.type}: {m.text} @ {m.location}")
                if m.type == "error" else None)
        page.on("pageerror", lambda e: self.errors.append(f"pageerror: {e}"))
        page.set_default_timeout(TIMEOUT_MS)

    @property
    def phone(self) -> bool:
        return self.view == "phone"

    def shot(self, name: str, full_page: bool = True) -> None:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(ARTIFACTS / f"{name}-{self.view}.png"), full_page=full_page)

    def login(self, username: str) -> None:
        page = self.page
        page.goto(self.base + "/")
        page.get_by_role("heading", name="Đăng nhập").wait_for()
        page.get_by_label("Tên đăng nhập").fill(username)
        page.get_by_label("Mật khẩu").fill(PASSWORD)
        page.get_by_label("Mật khẩu").press("Enter")  # the form submits with Enter
        page.locator("#app-view").wait_for()
        assert page.locator("#user-name").inner_text().startswith(username)

    def nav(self, name: str) -> None:
        """Follow a link of the side panel, opening it first on a phone (where it is collapsed)."""
        page = self.page
        link = page.get_by_role("navigation", name="Chức năng").get_by_role("link", name=name)
        if self.phone:
            assert not link.is_visible()
            page.get_by_role("button", name="Mở menu").click()
            assert page.get_by_role("button", name="Đóng menu").get_attribute("aria-expanded") == "true"
        link.click()
        if self.phone:
            page.locator("#sidebar").wait_for(state="hidden")

    def no_overflow(self) -> None:
        width = self.page.evaluate("document.documentElement.scrollWidth")
        assert width <= self.page.viewport_size["width"], f"the page scrolls sideways at {self.view} width ({width} px)"

    def clean(self) -> None:
        assert self.errors == [], "errors in the browser console:\n" + "\n".join(self.errors)


@pytest.fixture(params=list(VIEWPORTS))
def tab(request, browser, server):
    context = browser.new_context(viewport=VIEWPORTS[request.param], locale="vi-VN")
    page = context.new_page()
    yield Tab(page, server.base, request.param)
    context.close()


# ---------------------------------------------------------------------------------------------------------------
# Flows
# ---------------------------------------------------------------------------------------------------------------

def test_client_is_served_and_login_page_is_vietnamese(tab):
    page = tab.page
    page.goto(tab.base + "/")
    assert page.locator("html").get_attribute("lang") == "vi"
    page.get_by_label("Tên đăng nhập").wait_for()
    tab.shot("login")
    page.get_by_label("Tên đăng nhập").fill("thamphan")
    page.get_by_label("Mật khẩu").fill("sai-mat-khau-roi")
    with page.expect_response(lambda r: r.url.endswith("/v1/auth/login")) as resp:
        page.get_by_role("button", name="Đăng nhập").click()
    assert resp.value.status == 401
    assert "Sai tên đăng nhập hoặc mật khẩu" in page.get_by_role("alert").inner_text()
    tab.errors = [e for e in tab.errors if "401" not in e]  # the refused login is the point of this test
    tab.no_overflow()
    tab.clean()


def test_chat_streams_an_answer_with_citations_that_open_to_the_quote(tab):
    page = tab.page
    tab.login("thamphan")
    assert page.locator("#nav-admin").is_hidden()  # a judge has no admin page
    page.get_by_role("heading", name="Hỏi đáp pháp luật").wait_for()

    question = page.get_by_label("Câu hỏi của bạn")
    question.fill(QUESTION)
    with page.expect_response(lambda r: r.url.endswith("/v1/chat")) as chat:
        question.press("Enter")  # Enter sends; Shift+Enter would start a new line
    assert chat.value.status == 200
    assert chat.value.headers["content-type"].startswith("text/event-stream")  # the answer streamed
    page.locator(".msg-bot .feedback").wait_for()  # the `done` event drew the whole answer
    assert page.locator(".msg-bot .form-error").count() == 0

    # the answer on screen is the answer the server stored for this conversation
    session_id = re.search(r"#/hoi-dap/(.+)$", page.url).group(1)
    stored = page.request.get(f"{tab.base}/v1/sessions/{session_id}")
    assert stored.ok
    answer = stored.json()["turns"][-1]["answer"]
    assert squash(page.locator(".msg-bot .answer-text").inner_text()) == squash(answer["text"])
    assert not answer["abstained"], "the dev question should be answered, not abstained"
    assert answer["citations"], "the answer should cite the law"
    chips = page.locator(".citation-chip")
    assert chips.count() == len(answer["citations"])
    first = answer["citations"][0]
    assert f"Điều {first['article']}" in chips.first.inner_text()
    assert answer["form"] == "true_false" and answer["value"] in ("Đúng", "Sai")
    assert page.locator(".answer-value-text").inner_text() == answer["value"]  # the verdict, shown plainly
    if answer["confidence"] > 0:  # how sure, said beside the citations
        assert f"({answer['confidence']:.2f})" in page.locator(".answer-confidence").inner_text()
    if answer["warnings"]:
        assert page.locator(".warnings li").count() == len(answer["warnings"])
    related = answer.get("related_cases") or []
    assert page.locator(".related-cases li").count() == len(related)  # judgments kept apart from the law
    # the conversation is listed in the side panel
    assert page.locator(f'#session-list a[href="#/hoi-dap/{session_id}"]').count() == 1
    tab.no_overflow()
    tab.shot("chat-answer")

    # a citation opens its article with the quoted part highlighted
    with page.expect_response(lambda r: "/articles/" in r.url) as art:
        chips.first.click()
    assert art.value.ok
    dialog = page.get_by_role("dialog")
    mark = dialog.locator("mark")
    mark.first.wait_for()
    assert squash(first["quote"]).strip(" .;:,") in squash(mark.first.inner_text()) or \
        squash(mark.first.inner_text()) in squash(first["quote"])
    assert f"Điều {first['article']}" in dialog.locator(".article-heading").inner_text()
    assert squash(dialog.locator(".article-text").inner_text()) == squash(art.value.json()["text"])
    tab.shot("citation", full_page=False)
    page.keyboard.press("Escape")  # the dialog closes from the keyboard
    assert not dialog.is_visible()

    # feedback: 👍 then a comment, sent with Enter
    with page.expect_response(lambda r: r.url.endswith("/v1/feedback")) as fb:
        page.get_by_role("button", name="Câu trả lời hữu ích").click()
        page.get_by_label("Góp ý thêm (không bắt buộc)").fill("Trích dẫn chính xác.")
        page.get_by_label("Góp ý thêm (không bắt buộc)").press("Enter")
    assert fb.value.status == 201
    page.get_by_text("Cảm ơn bạn đã đánh giá.").wait_for()

    # logout returns to the login page, and the cookie no longer opens the API
    page.get_by_role("button", name="Đăng xuất").click()
    page.get_by_role("heading", name="Đăng nhập").wait_for()
    assert page.request.get(f"{tab.base}/v1/me").status == 401
    tab.clean()


def test_search_with_a_filter_shows_highlights_facets_and_opens_the_article(tab):
    page = tab.page
    tab.login("thamphan")
    tab.nav("Tra cứu văn bản")
    region = page.get_by_role("region", name="Tra cứu văn bản pháp luật")
    region.wait_for()

    docs = page.request.get(f"{tab.base}/v1/documents").json()["documents"]
    vien_chuc = next(d for d in docs if d["title"] == "Luật Viên chức")

    region.get_by_text("Bộ lọc", exact=True).click()  # the filters are folded away until asked for
    region.get_by_label("Văn bản", exact=True).select_option(vien_chuc["id"])
    region.get_by_label("Từ khóa tra cứu").fill(SEARCH_QUERY)
    with page.expect_response(lambda r: "/v1/search?" in r.url) as resp:
        region.get_by_label("Từ khóa tra cứu").press("Enter")
    data = resp.value.json()
    assert f"document={vien_chuc['id']}" in resp.value.url
    assert data["total"] > 0
    results = page.locator(".result")
    results.first.wait_for()
    assert results.count() == len(data["results"])
    for title in page.locator(".result-doc").all_inner_texts():
        assert title == "Luật Viên chức"
    assert page.locator(".result-snippet mark").count() > 0  # the matched words are highlighted
    assert page.locator(".result-snippet mark").first.inner_text().strip()

    # the facets show counts, and a facet narrows the search when clicked
    facets = region.locator("details.facets-box")
    assert facets.get_attribute("open") is not None  # folded on a phone, except when a filter is active
    facet = page.locator(".facet-item").filter(has_text="Luật Viên chức")
    assert facet.get_attribute("aria-pressed") == "true"
    count = next(f["count"] for f in data["facets"]["documents"] if f["value"] == vien_chuc["id"])
    assert int(facet.locator(".facet-count").inner_text().replace(".", "")) == count
    type_facet = page.locator("#facet-types + ul .facet-item").first
    type_value = data["facets"]["types"][0]["value"]
    with page.expect_response(lambda r: "/v1/search?" in r.url and "type=" in r.url) as narrowed:
        type_facet.click()
    assert narrowed.value.ok
    page.locator("#facet-types + ul .facet-item[aria-pressed=true]").wait_for()
    assert region.get_by_label("Loại văn bản").input_value() == type_value
    if narrowed.value.json()["total"] > narrowed.value.json()["page_size"]:  # pages
        with page.expect_response(lambda r: "/v1/search?" in r.url and "page=2" in r.url) as second:
            page.get_by_role("link", name="Trang sau").click()
        assert second.value.json()["page"] == 2
        page.locator("#results[start='11']").wait_for()
    tab.no_overflow()
    tab.shot("search")

    # a result opens its article beside the document's outline
    first = page.locator(".result-title a").first
    heading = first.inner_text()
    first.click()
    page.locator("#doc-article .article-heading").wait_for()
    assert page.locator("#doc-article .article-heading").inner_text() == heading
    assert page.get_by_role("heading", level=1).filter(has_text="Luật Viên chức").count() == 1
    if tab.phone:
        page.get_by_text("Mục lục", exact=True).click()
    outline = page.get_by_role("navigation", name="Mục lục văn bản")
    assert outline.locator("a").count() > 10
    assert outline.locator('a[aria-current="true"]').inner_text() == heading
    tab.no_overflow()
    tab.shot("document")
    tab.clean()


STATUTE = """QUỐC HỘI
Luật số: 99/2099/QH15

LUẬT
THỬ NGHIỆM GIAO DIỆN {view}

Chương I
QUY ĐỊNH CHUNG

Điều 1. Phạm vi điều chỉnh
Luật này quy định việc thử nghiệm giao diện của ThuKy.

Điều 2. Đối tượng áp dụng
1. Cơ quan, tổ chức có liên quan.
2. Cá nhân có liên quan.
"""


def test_admin_uploads_a_document_and_follows_its_job(tab):
    page = tab.page
    tab.login("quantri")
    tab.nav("Quản trị dữ liệu")
    page.get_by_role("heading", name="Quản trị dữ liệu").wait_for()
    upload = page.get_by_label("Tệp văn bản (.txt, .docx, .pdf, .html, .json)")
    assert upload.get_attribute("type") == "file"
    page.get_by_role("heading", name="Tác vụ nạp dữ liệu").wait_for()
    tab.no_overflow()
    tab.shot("admin")

    # upload into a corpus of its own (the ALQAC index the other tests use stays as it is)
    name = f"thu-nghiem-{tab.view}.txt"
    upload.set_input_files(files=[{"name": name, "mimeType": "text/plain",
                                   "buffer": STATUTE.format(view=tab.view.upper()).encode()}])
    page.get_by_label("Kho dữ liệu (để trống: kho mặc định)").fill(f"ui-{tab.view}")
    with page.expect_response(lambda r: r.url.endswith("/v1/documents") and r.request.method == "POST") as resp:
        page.get_by_role("button", name="Tải lên").click()
    assert resp.value.status == 202, resp.value.text()
    job_id = resp.value.json()["job_id"]
    row = page.locator("#jobs-body tr").filter(has_text=job_id)
    row.wait_for()
    assert name in row.inner_text()
    # the page polls the job until it is done
    row.get_by_text("Hoàn tất").wait_for(timeout=120_000)
    assert row.locator("progress").get_attribute("value") == "100"
    tab.shot("admin-job")
    tab.clean()


def test_server_strings_are_inserted_as_text(tab):
    """Server strings are inserted as text: a question carrying markup comes back on screen as those characters."""
    page = tab.page
    tab.login("thamphan")
    probe = 'Điều 1 <img src=x onerror="window.__pwned=1"> Luật Viên chức quy định gì?'
    page.get_by_label("Câu hỏi của bạn").fill(probe)
    page.get_by_label("Câu hỏi của bạn").press("Enter")
    page.locator(".msg-bot .feedback").wait_for()
    assert page.locator(".msg-user").last.inner_text().strip().endswith(probe)
    assert page.locator(".messages img").count() == 0
    assert page.evaluate("window.__pwned === undefined")
    # the stored conversation reopens from the side panel, drawn the same way
    page.reload()
    page.locator(".msg-bot .feedback").wait_for()
    assert page.locator(".messages img").count() == 0
    assert page.evaluate("window.__pwned === undefined")
    tab.clean()


def test_similar_cases_page_is_offered_only_when_the_server_has_it(tab, server):
    page = tab.page
    has_cases = "/v1/cases/similar" in page.request.get(f"{tab.base}/openapi.json").json()["paths"]
    tab.login("thamphan")
    nav = page.locator("#nav-cases")
    if has_cases:
        assert server.cases_problem is None, server.cases_problem
        tab.nav("Án tương tự")
        facts = page.get_by_label("Tình tiết vụ án")
        facts.fill("Nguyên đơn cho bị đơn vay tiền, đến hạn bị đơn không trả nợ và lãi; nguyên đơn khởi kiện "
                   "yêu cầu bị đơn trả nợ gốc và lãi.")
        with page.expect_response(lambda r: r.url.endswith("/v1/cases/similar")) as resp:
            facts.press("Control+Enter")  # several lines of facts: Ctrl+Enter sends
        assert resp.value.ok, resp.value.text()
        found = resp.value.json()["cases"]
        assert found, "the 20 judgments hold loan disputes"
        items = page.locator("#cases-result .result")
        items.first.wait_for()
        assert items.count() == len(found)
        assert found[0]["title"] in items.first.inner_text()
        tab.no_overflow()
        tab.shot("cases")
        # a judgment opens with its sections
        with page.expect_response(lambda r: f"/v1/cases/{found[0]['case_id']}" in r.url) as shown:
            items.first.get_by_role("button").click()
        assert shown.value.ok
        dialog = page.get_by_role("dialog")
        dialog.locator(".case-section").first.wait_for()
        assert dialog.locator(".case-section").count() == len(shown.value.json()["sections"])
        tab.shot("case", full_page=False)
        page.keyboard.press("Escape")
    else:
        assert nav.is_hidden()  # hidden from the menu; a direct visit explains instead of failing
        page.goto(tab.base + "/#/an-tuong-tu")
        page.get_by_label("Tình tiết vụ án").fill("Tranh chấp hợp đồng vay tài sản.")
        page.get_by_role("button", name="Tìm án tương tự").click()
        assert "chưa được bật" in page.get_by_role("alert").inner_text()
        assert nav.is_hidden()
        tab.errors = [e for e in tab.errors if "404" not in e]  # the refused request is the point here
    tab.clean()
