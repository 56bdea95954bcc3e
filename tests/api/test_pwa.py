"""The installable client (api/pwa.py): a valid manifest with real icons, a service worker served from the root whose
shell is exactly what the page loads, and whose code never puts an API response in a cache."""

from __future__ import annotations

import json
import re
import struct

import pytest

from api import pwa
from api.web import STATIC_DIR


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    return struct.unpack(">II", data[16:24])


def test_manifest_is_served_and_complete(client):
    r = client.get("/manifest.webmanifest")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("application/manifest+json")
    m = json.loads(r.text)
    assert m["lang"] == "vi" and "Thư ký" in m["name"] and m["short_name"] == "ThuKy"
    assert m["display"] == "standalone" and m["start_url"] == "/" and m["scope"] == "/"
    assert re.fullmatch(r"#[0-9a-f]{6}", m["theme_color"]) and re.fullmatch(r"#[0-9a-f]{6}", m["background_color"])
    # installable: PNG icons of 192 and 512 px, a maskable one of each, and each URL serves what it says
    pngs = {(i["sizes"], i["purpose"]) for i in m["icons"] if i["type"] == "image/png"}
    assert {("192x192", "any"), ("512x512", "any"), ("192x192", "maskable"), ("512x512", "maskable")} <= pngs
    for icon in m["icons"]:
        got = client.get(icon["src"])
        assert got.status_code == 200, icon["src"]
        assert got.headers["content-type"].startswith(icon["type"])
        if icon["type"] == "image/png":
            w, h = _png_size(got.content)
            assert f"{w}x{h}" == icon["sizes"]


def test_the_page_links_the_manifest_and_fits_a_phone(client):
    page = client.get("/").text
    assert '<link rel="manifest" href="/manifest.webmanifest">' in page
    assert 'name="theme-color" content="%s"' % pwa.THEME_COLOR in page
    viewport = re.search(r'<meta name="viewport" content="([^"]+)"', page).group(1)
    assert "viewport-fit=cover" in viewport  # the safe areas (env(safe-area-inset-*)) apply
    assert "interactive-widget=resizes-content" in viewport  # the on-screen keyboard shrinks the page, not hides it


def test_icons_are_drawn_not_blank():
    from io import BytesIO

    from PIL import Image

    for maskable in (False, True):
        img = Image.open(BytesIO(pwa.icon_png(192, maskable))).convert("RGBA")
        colours = img.getcolors(maxcolors=1 << 16)
        white = sum(n for n, c in colours if c[0] > 240 and c[1] > 240 and c[2] > 240 and c[3] > 200)
        blue = sum(n for n, c in colours if c[:3] == (0x0b, 0x4f, 0x8a))
        assert white > 0.03 * 192 * 192, "the figure is missing"
        assert blue > 0.4 * 192 * 192, "the background is missing"
        if maskable:  # the mask may cut anything outside the central circle of 80 %: the corners are background
            assert img.getpixel((2, 2))[:3] == (0x0b, 0x4f, 0x8a) and img.getpixel((2, 2))[3] == 255


@pytest.mark.parametrize("name", ["icon-100.png", "round-192.png", "icon-x.png"])
def test_unknown_icons_are_404(client, name):
    assert client.get(f"/icons/{name}").status_code in (404, 422)


def test_service_worker_is_served_from_the_root_with_the_whole_shell(client):
    r = client.get("/sw.js")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/javascript")
    assert r.headers["cache-control"] == "no-cache"  # a release reaches the browser at once
    src = r.text
    assert "__SHELL" not in src
    shell = json.loads(re.search(r"const SHELL = (\[.*?\]);", src).group(1))
    # every module the page can import, its stylesheet, its icons and the manifest are kept; each one is served
    modules = {f"/static/js/{p.name}" for p in (STATIC_DIR / "js").glob("*.js")}
    assert modules <= set(shell) and {"/", "/static/app.css", "/manifest.webmanifest"} <= set(shell)
    for url in shell:
        assert client.get(url).status_code == 200, url
    # nothing of the API is ever in the shell
    assert not [u for u in shell if u.startswith("/v1")]


def test_shell_version_follows_the_files(tmp_path):
    (tmp_path / "js").mkdir()
    for name in ("index.html", "app.css", "icon.svg", "js/main.js"):
        (tmp_path / name).write_text("v1")
    first = pwa.service_worker_source(tmp_path)
    (tmp_path / "js" / "main.js").write_text("v2")
    pwa.service_worker_source.cache_clear()
    second = pwa.service_worker_source(tmp_path)
    version = re.compile(r'const VERSION = "([0-9a-f]+)"')
    assert version.search(first).group(1) != version.search(second).group(1)
