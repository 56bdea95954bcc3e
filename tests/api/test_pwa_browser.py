"""The installable client on phones, in Debian's Chromium with mobile emulation (360×740 and 390×844, touch, a phone's
user agent): the manifest is valid and the service worker registers; the shell opens offline and says "không có kết
nối"; a whole chat works by touch, a citation chip included; the controls are ≥ 44 px; the on-screen keyboard does
not hide the question; and no answer is ever kept in the browser's caches. Screenshots go to ``$THUKY_ARTIFACTS``."""

from __future__ import annotations

import pytest

from tests.api.test_browser import QUESTION, Tab, browser, server, squash  # noqa: F401 - fixtures

pytestmark = pytest.mark.slow

PHONES = {"phone360": {"width": 360, "height": 740}, "phone390": {"width": 390, "height": 844}}
USER_AGENT = ("Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 "
              "Mobile Safari/537.36")
OFFLINE_TEXT = "Không có kết nối mạng"
# what the touch-target rule covers: every control a thumb aims at (inline links inside running text are exempt, as
# in WCAG 2.5.8)
CONTROLS = ("button, summary, input:not([type=hidden]), select, textarea, .main-nav a, .session-open, "
            "a.btn, .brand")
NETWORK_ERRORS = ("ERR_INTERNET_DISCONNECTED", "Failed to fetch", "ERR_NETWORK_CHANGED")


def small_controls(page, selector: str = CONTROLS) -> list[str]:
    """The visible controls smaller than 44 × 44 px (text fields: 44 px high), as readable strings."""
    return page.evaluate(
        """(sel) => Array.from(document.querySelectorAll(sel)).filter((el) => {
             const r = el.getBoundingClientRect();
             if (!r.width || !r.height || getComputedStyle(el).visibility === "hidden") return false;
             if (el.closest("[hidden], .visually-hidden, dialog:not([open])")) return false;
             const field = el.matches("input, select, textarea");
             return r.height < 43.5 || (!field && r.width < 43.5);
           }).map((el) => `${el.tagName.toLowerCase()}.${el.className} "${(el.textContent || el.placeholder || "")
             .trim().slice(0, 30)}" ${Math.round(el.getBoundingClientRect().width)}x${
             Math.round(el.getBoundingClientRect().height)}`)""", selector)


class Phone(Tab):
    phone = True

    def cached_urls(self) -> list[str]:
        return self.page.evaluate(
            """async () => { const out = [];
                 for (const name of await caches.keys()) {
                   for (const req of await (await caches.open(name)).keys()) out.push(new URL(req.url).pathname);
                 }
                 return out; }""")

    def controlled(self) -> None:
        """Wait until the service worker is active and controls this page."""
        state = self.page.evaluate("""async () => {
            const worker = (await navigator.serviceWorker.ready).active;  // installed: the shell is in its cache
            if (worker.state !== "activated") {
              await new Promise((ok) => worker.addEventListener("statechange",
                                                                () => worker.state === "activated" && ok()));
            }
            return worker.state; }""")
        assert state == "activated"
        if not self.page.evaluate("!!navigator.serviceWorker.controller"):
            self.page.reload()
        self.page.wait_for_function("!!navigator.serviceWorker.controller")

    def expected_network_errors_only(self) -> None:
        """While offline the client's calls fail; those console lines are the point, anything else is not."""
        self.errors = [e for e in self.errors if not any(n in e for n in NETWORK_ERRORS)]


@pytest.fixture(params=list(PHONES))
def phone(request, browser, server):  # noqa: F811 - the fixtures imported above
    context = browser.new_context(viewport=PHONES[request.param], screen=PHONES[request.param], locale="vi-VN",
                                  is_mobile=True, has_touch=True, device_scale_factor=2, user_agent=USER_AGENT)
    page = context.new_page()
    tab = Phone(page, server.base, request.param)
    tab.context = context
    yield tab
    context.close()


def test_manifest_is_valid_and_the_worker_registers(phone):
    page = phone.page
    page.goto(phone.base + "/")
    href = page.locator('link[rel="manifest"]').get_attribute("href")
    manifest = page.evaluate("(u) => fetch(u).then((r) => r.json())", href)
    assert manifest["display"] == "standalone" and manifest["lang"] == "vi" and manifest["start_url"] == "/"
    for icon in manifest["icons"]:  # each icon loads as an image of the size it claims
        size = page.evaluate("""(src) => new Promise((ok, bad) => { const i = new Image(); i.onerror = bad;
                                 i.onload = () => ok([i.naturalWidth, i.naturalHeight]); i.src = src; })""",
                             icon["src"])
        if icon["sizes"] != "any":
            assert f"{size[0]}x{size[1]}" == icon["sizes"], icon
    phone.controlled()
    assert page.evaluate("navigator.serviceWorker.controller.scriptURL").endswith("/sw.js")
    phone.clean()


def test_the_shell_opens_offline_and_says_so(phone):
    page = phone.page
    page.goto(phone.base + "/")
    phone.controlled()
    banner = page.get_by_role("status").filter(has_text=OFFLINE_TEXT)
    assert banner.is_hidden()

    phone.context.set_offline(True)
    page.reload()  # served by the worker from its cache: the network is gone
    page.get_by_role("heading", name="Đăng nhập").wait_for()
    banner.wait_for()
    assert page.get_by_role("button", name="Đăng nhập").is_disabled()  # nothing to send a password to
    phone.no_overflow()
    phone.shot("pwa-offline")

    phone.context.set_offline(False)
    banner.wait_for(state="hidden")
    assert page.get_by_role("button", name="Đăng nhập").is_enabled()
    phone.expected_network_errors_only()
    phone.clean()


def test_a_whole_chat_by_touch_keeps_no_answer_on_the_phone(phone):
    page = phone.page
    page.goto(phone.base + "/")
    phone.controlled()
    page.get_by_label("Tên đăng nhập").tap()
    page.get_by_label("Tên đăng nhập").fill("thamphan")
    page.get_by_label("Mật khẩu").tap()
    page.get_by_label("Mật khẩu").fill("mat-khau-thu-nghiem")
    page.get_by_role("button", name="Đăng nhập").tap()
    page.locator("#app-view").wait_for()
    assert small_controls(phone.page) == []

    # the on-screen keyboard takes half the screen: the question stays in view
    question = page.get_by_label("Câu hỏi của bạn")
    question.tap()
    full = PHONES[phone.view]
    page.set_viewport_size({"width": full["width"], "height": full["height"] // 2})
    box = question.bounding_box()
    assert box and 0 <= box["y"] and box["y"] + box["height"] <= full["height"] // 2 + 1, box
    question.fill(QUESTION)
    with page.expect_response(lambda r: r.url.endswith("/v1/chat")) as chat:
        page.get_by_role("button", name="Gửi").tap()
    assert chat.value.status == 200
    page.set_viewport_size(full)
    page.locator(".msg-bot .feedback").wait_for()
    chips = page.locator(".citation-chip")
    assert chips.count() > 0
    assert small_controls(phone.page) == []
    phone.no_overflow()
    phone.shot("pwa-chat")

    with page.expect_response(lambda r: "/articles/" in r.url) as art:
        chips.first.tap()
    assert art.value.ok
    dialog = page.get_by_role("dialog")
    dialog.locator("mark").first.wait_for()
    assert squash(dialog.locator(".article-text").inner_text()) == squash(art.value.json()["text"])
    phone.shot("pwa-citation", full_page=False)
    dialog.get_by_role("button", name="Đóng").tap()
    assert not dialog.is_visible()

    # the caches hold the shell and nothing of the API: no answer, article or conversation stays on the phone
    cached = phone.cached_urls()
    assert "/" in cached and "/static/js/main.js" in cached
    assert [u for u in cached if u.startswith("/v1")] == []

    # offline, the signed-in judge sees the state rather than an old answer; back online, the app returns
    phone.context.set_offline(True)
    page.reload()
    page.get_by_role("status").filter(has_text=OFFLINE_TEXT).wait_for()
    phone.context.set_offline(False)
    page.locator("#app-view").wait_for()  # the login still holds: asked again when the connection came back
    phone.expected_network_errors_only()
    phone.clean()
