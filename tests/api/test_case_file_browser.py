"""The judge's case file in the web client, in a real browser (the server, Chromium and Tab of test_browser.py), at
phone and desktop width: a judge starts a conversation, attaches a short statement of claim (written here: .txt on the
phone, .docx on the desktop) citing the Bộ luật dân sự of the ALQAC corpus, watches it being read, opens its reading
(parties masked, the timeline with its date, the provisions checked), asks about it and opens the answer's file
citation to the passage with the quote marked, then deletes the file. Screenshots go to ``$THUKY_ARTIFACTS``."""

from __future__ import annotations

import re

import pytest

from tests.api.test_browser import Tab, browser, server, squash  # noqa: F401 - fixtures
from tests.api.test_pwa_browser import CONTROLS, small_controls
from tests.case_file_writers import docx_bytes

pytestmark = pytest.mark.slow

VIEWPORTS = {"phone": {"width": 375, "height": 740}, "desktop": {"width": 1280, "height": 860}}
CLAIM = """TÒA ÁN NHÂN DÂN HUYỆN AN PHÚ
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
An Phú, ngày 15 tháng 3 năm 2021
ĐƠN KHỞI KIỆN
Người khởi kiện: Ông Nguyễn Văn Hùng, sinh năm 1970, trú tại ấp Thạnh Hiệp, xã An Thạnh, huyện An Phú.
Người bị kiện: Bà Trần Thị Lan, sinh năm 1975, trú tại ấp Thạnh Hiệp, xã An Thạnh, huyện An Phú.
Ngày 02/01/2020, bà Lan vay của tôi 50.000.000 đồng để mua máy cày, hẹn trả đủ sau sáu tháng.
\f
Ngày 02/07/2020 đến hạn trả nợ nhưng bà Lan không trả, tôi đã nhiều lần đến nhà đòi mà bà Lan vẫn không trả.
Theo khoản 1 Điều 466 Bộ luật dân sự, bên vay tài sản là tiền thì phải trả đủ tiền khi đến hạn.
Tôi đề nghị Tòa án buộc bà Lan trả nợ gốc và tiền lãi theo Điều 468 Bộ luật dân sự.
Tôi cũng viện dẫn Điều 999 Bộ luật dân sự.
"""
QUESTION = "Bà Lan vay của tôi bao nhiêu tiền để mua máy cày?"
FILES = {"phone": ("đơn khởi kiện.txt", "text/plain", lambda: CLAIM.encode()),
         "desktop": ("đơn khởi kiện.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                     lambda: docx_bytes(CLAIM))}


@pytest.fixture(params=list(VIEWPORTS))
def tab(request, browser, server):  # noqa: F811 - the fixtures imported above
    context = browser.new_context(viewport=VIEWPORTS[request.param], locale="vi-VN",
                                  has_touch=request.param == "phone")
    page = context.new_page()
    yield Tab(page, server.base, request.param)
    context.close()


def test_a_case_file_is_attached_read_cited_and_deleted(tab):
    page = tab.page
    tab.login("thamphan")
    page.get_by_role("heading", name="Hỏi đáp pháp luật").wait_for()
    bar = page.get_by_role("list", name="Hồ sơ của cuộc trò chuyện")
    assert bar.locator("li").count() == 0

    # attach: the label opens the file chooser; with no conversation yet, one is started for the file
    name, mime, make = FILES[tab.view]
    polls = []  # the client's polls of the conversation's files, while the job runs
    page.on("response", lambda r: polls.append(r) if re.search(r"/v1/sessions/[^/]+/files$", r.url)
            and r.request.method == "GET" else None)
    with page.expect_file_chooser() as chooser:
        page.get_by_text("Đính kèm hồ sơ").click()
    with page.expect_response(lambda r: r.url.endswith("/files") and r.request.method == "POST") as posted:
        chooser.value.set_files(files=[{"name": name, "mimeType": mime, "buffer": make()}])
    assert posted.value.status == 202, posted.value.text()
    file_id = posted.value.json()["file_id"]
    session_id = re.search(r"/v1/sessions/([^/]+)/files", posted.value.url).group(1)
    assert page.url.endswith(f"#/hoi-dap/{session_id}")  # the conversation started for the file is the one shown
    # listed in the side panel
    page.locator(f'#session-list a[href="#/hoi-dap/{session_id}"]').wait_for(state="attached")

    # the bar follows the job until the file is read; then the file opens its reading
    item = bar.locator("li").filter(has_text=name)
    item.wait_for()
    reading_button = item.get_by_role("button", name=name, exact=True)
    reading_button.wait_for(timeout=120_000)
    seen = [(f["status"], f["progress"]) for r in polls for f in r.json()["files"]]
    assert seen and seen[-1] == ("done", 1.0), seen
    assert all(status in ("queued", "running", "done") for status, _ in seen), seen  # never failed on the way
    assert page.request.get(f"{tab.base}/v1/sessions/{session_id}/files/{file_id}").json()["status"] == "done"
    if tab.phone:
        assert small_controls(tab.page, CONTROLS + ", .attach-file") == []
    tab.no_overflow()
    tab.shot("case-file-bar")

    with page.expect_response(lambda r: r.url.endswith(f"/files/{file_id}")) as got:
        reading_button.click()
    reading = got.value.json()["reading"]
    dialog = page.get_by_role("dialog")
    dialog.locator(".reading").wait_for()
    assert dialog.locator("#viewer-title").inner_text() == f"Hồ sơ: {name}"
    text = dialog.inner_text()
    # the parties, masked: neither the names nor the hamlet appear anywhere in the panel
    for hidden in ("Hùng", "Trần Thị Lan", "Thạnh Hiệp"):
        assert hidden not in text, hidden
    assert "Người khởi kiện: H." in text and "Người bị kiện: L." in text
    assert "15/03/2021" in dialog.locator(".reading > p").first.inner_text()  # dates written as the courts do
    # the timeline, with the date of the claim and the events (dd/mm/yyyy)
    timeline = dialog.locator("h3", has_text="Các mốc thời gian").locator("xpath=following-sibling::ul[1]")
    dates = [li.split(" ")[0] for li in timeline.locator("li").all_inner_texts()]
    assert {"15/03/2021", "02/01/2020", "02/07/2020"} <= set(dates), dates
    assert "15/03/2021" in timeline.locator(".timeline-judgment").inner_text()
    # the provisions, each with its check: the two real articles resolved, Điều 999 flagged
    provisions = dialog.locator(".provision")
    assert provisions.count() == len(reading["provisions"])
    checked = {(p["article"], p["status"]) for p in reading["provisions"]}
    assert {("466", "ok"), ("468", "ok"), ("999", "no_such_article")} <= checked, checked
    ok = dialog.locator(".provision-ok").filter(has_text="Điều 466")
    assert ok.inner_text().startswith("✓") and "Bộ luật dân sự" in ok.inner_text()
    flagged = dialog.locator(".provision-no_such_article").filter(has_text="Điều 999")
    assert flagged.inner_text().startswith("⚠")
    assert f"({reading['flagged']} cần lưu ý)" in text
    tab.no_overflow()
    tab.shot("case-file-reading", full_page=False)
    page.keyboard.press("Escape")
    assert not dialog.is_visible()

    # a question about the file: the answer cites the file apart from the law, and the chip opens the passage
    question = page.get_by_label("Câu hỏi của bạn")
    question.fill(QUESTION)
    with page.expect_response(lambda r: r.url.endswith("/v1/chat")) as chat:
        page.get_by_role("button", name="Gửi").click()
    assert chat.value.status == 200
    page.locator(".msg-bot .feedback").wait_for()
    assert page.locator(".msg-bot .form-error").count() == 0
    answer = page.request.get(f"{tab.base}/v1/sessions/{session_id}").json()["turns"][-1]["answer"]
    cited = [c for c in answer["file_citations"] if c["file_id"] == file_id]
    assert cited, answer
    assert "50.000.000" in " ".join(c["quote"] for c in cited), cited
    chips = page.locator(".file-chip")
    assert chips.count() == len(answer["file_citations"])
    first = answer["file_citations"][0]
    label = f"Tệp: {name}, trang {first['page']}, đoạn {first['paragraph']}"
    assert chips.first.inner_text() == label
    assert page.locator(".citation-chip").count() == len(answer["citations"])  # the law's chips kept apart
    if answer["abstained"]:  # no law answers a question of fact: the banner says the file does, not "no grounds"
        assert "hồ sơ" in page.locator(".abstain-banner").inner_text()
    if tab.phone:
        assert small_controls(tab.page, CONTROLS + ", .attach-file") == []
    tab.no_overflow()
    tab.shot("case-file-answer")

    with page.expect_response(lambda r: "/passages?" in r.url) as passages:
        chips.first.click()
    assert passages.value.ok
    assert f"page={first['page']}" in passages.value.url
    mark = dialog.locator(".file-passage.cited mark")
    mark.wait_for()
    assert dialog.locator("#viewer-title").inner_text() == label
    assert squash(mark.inner_text()) == squash(first["quote"]) or squash(first["quote"]) in squash(mark.inner_text())
    page_passages = passages.value.json()["passages"]
    assert dialog.locator(".file-passage").count() == len(page_passages)  # the whole page, the cited one marked
    assert dialog.locator(".file-passage.cited").count() == 1
    assert mark.is_visible()  # scrolled into view
    tab.no_overflow()
    tab.shot("case-file-passage", full_page=False)
    page.keyboard.press("Escape")
    assert not dialog.is_visible()

    # delete the file: two steps, as for a conversation; it leaves the bar and the conversation
    delete = item.get_by_role("button", name=f"Xóa {name}")
    delete.click()
    confirm = item.get_by_role("button", name=re.compile("Bấm lần nữa để xóa"))
    confirm.wait_for()
    assert page.request.get(f"{tab.base}/v1/sessions/{session_id}/files").json()["files"] != []  # not yet
    with page.expect_response(lambda r: r.url.endswith(f"/files/{file_id}") and r.request.method == "DELETE") as gone:
        confirm.click()
    assert gone.value.status == 204
    item.wait_for(state="detached")
    assert bar.locator("li").count() == 0
    assert page.request.get(f"{tab.base}/v1/sessions/{session_id}/files").json()["files"] == []
    page.reload()  # the conversation reopens without the file; its answer stays
    page.locator(".msg-bot .feedback").wait_for()
    assert bar.locator("li").count() == 0
    tab.no_overflow()
    tab.shot("case-file-deleted")
    tab.clean()
