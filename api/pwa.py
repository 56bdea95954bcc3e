"""The installable web client (Progressive Web App): its manifest, its icons and its service worker.

- ``/manifest.webmanifest``: the Vietnamese name, the start page, standalone display, the theme colour and the icons.
- ``/icons/icon-{size}.png`` and ``/icons/maskable-{size}.png``: drawn from the same figure as ``static/icon.svg`` (the
  scales of justice on the brand's blue) with Pillow, once per size, so no binary lives in the repository.
- ``/sw.js``: the service worker, served from the root so its scope is the whole client. It caches the application
  shell — the page, the stylesheet, the modules, the icons, the manifest — so the client opens without a connection and
  says so ("không có kết nối"). It never caches an API response: answers, documents, conversations and case data go
  to the network or fail, and nothing of them is kept on the phone. The shell's version is the hash of its files, so a
  new release replaces the cache on the next visit.
"""

from __future__ import annotations

import hashlib
import io
import json
from functools import lru_cache
from pathlib import Path

WORKER_TEMPLATE = Path(__file__).resolve().parent / "sw.template.js"

NAME = "ThuKy — Thư ký pháp lý"
SHORT_NAME = "ThuKy"
THEME_COLOR = "#0b4f8a"  # the brand's blue (--primary in app.css)
BACKGROUND_COLOR = "#f4f6f8"  # the page's background (--bg)
ICON_SIZES = (192, 512)


def manifest() -> dict:
    """The web app manifest (W3C Web Application Manifest)."""
    icons = [{"src": "/static/icon.svg", "sizes": "any", "type": "image/svg+xml", "purpose": "any"}]
    for size in ICON_SIZES:
        icons.append({"src": f"/icons/icon-{size}.png", "sizes": f"{size}x{size}", "type": "image/png",
                      "purpose": "any"})
        icons.append({"src": f"/icons/maskable-{size}.png", "sizes": f"{size}x{size}", "type": "image/png",
                      "purpose": "maskable"})
    return {
        "id": "/",
        "name": NAME,
        "short_name": SHORT_NAME,
        "description": "Thư ký pháp lý ảo cho Tòa án: hỏi đáp pháp luật có trích dẫn, tra cứu văn bản và án tương tự.",
        "lang": "vi",
        "dir": "ltr",
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "orientation": "any",
        "theme_color": THEME_COLOR,
        "background_color": BACKGROUND_COLOR,
        "categories": ["productivity", "utilities"],
        "icons": icons,
    }


# --------------------------------------------------------------------------------------------------------- the icons

def _draw(size: int, *, maskable: bool) -> bytes:
    """The brand figure as a PNG: static/icon.svg's 64-unit drawing scaled to ``size``. A maskable icon fills the square
    with the blue and keeps the figure inside the central 80 % (the safe zone a launcher's mask never cuts)."""
    from PIL import Image, ImageDraw

    scale = 4  # drawn large, then reduced: smooth edges without an SVG renderer
    big = size * scale
    img = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    draw = ImageDraw.Draw(img)
    blue = THEME_COLOR
    if maskable:
        draw.rectangle((0, 0, big, big), fill=blue)
        unit, offset = big * 0.7 / 64, big * 0.15
    else:
        draw.rounded_rectangle((0, 0, big - 1, big - 1), radius=round(14 * big / 64), fill=blue)
        unit, offset = big / 64, 0.0

    def p(x: float, y: float) -> tuple[float, float]:
        return offset + x * unit, offset + y * unit

    width = max(1, round(3.5 * unit))
    white = "#ffffff"
    for line in (((32, 14), (32, 50)), ((22, 50), (42, 50)), ((16, 22), (48, 22))):  # the post, its foot, the beam
        draw.line([p(*line[0]), p(*line[1])], fill=white, width=width, joint="curve")
    for x in (16, 48):  # each pan: a cord down to a bowl ("l-7 14 a7 7 0 0 0 14 0 z" in the SVG)
        draw.line([p(x, 22), p(x - 7, 36)], fill=white, width=width)
        draw.line([p(x, 22), p(x + 7, 36)], fill=white, width=width)
        left, top = p(x - 7, 29)
        right, bottom = p(x + 7, 43)
        draw.arc((left, top, right, bottom), start=0, end=180, fill=white, width=width)
    for (x, y) in ((32, 14), (32, 50), (22, 50), (42, 50), (16, 22), (48, 22), (9, 36), (23, 36), (41, 36), (55, 36)):
        # round caps and joins
        cx, cy = p(x, y)
        r = width / 2
        draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=white)
    out = io.BytesIO()
    img.resize((size, size), Image.LANCZOS).save(out, format="PNG", optimize=True)
    return out.getvalue()


@lru_cache(maxsize=8)
def icon_png(size: int, maskable: bool = False) -> bytes:
    if size not in ICON_SIZES:
        raise KeyError(size)
    return _draw(size, maskable=maskable)


def icon_urls() -> list[str]:
    return [f"/icons/{kind}-{size}.png" for size in ICON_SIZES for kind in ("icon", "maskable")]


# ---------------------------------------------------------------------------------------------- the service worker

def shell_urls(static_dir: Path) -> list[str]:
    """What the service worker keeps so the client opens offline: the page and everything it loads from this server
    (``static_dir`` is served at ``/static``, its ``index.html`` at ``/``)."""
    modules = sorted(f"/static/js/{p.name}" for p in (static_dir / "js").glob("*.js"))
    return ["/", "/static/app.css", "/static/icon.svg", *modules, "/manifest.webmanifest", *icon_urls()]


def _shell_files(static_dir: Path) -> list[Path]:
    return [static_dir / "index.html", static_dir / "app.css", static_dir / "icon.svg",
            *sorted((static_dir / "js").glob("*.js"))]


@lru_cache(maxsize=2)
def service_worker_source(static_dir: Path) -> str:
    """``sw.template.js`` with the shell's list and version filled in. The version hashes the shell's files, the
    manifest and the worker itself: any change to them makes the browser install the new worker and drop the old
    cache."""
    template = WORKER_TEMPLATE.read_text(encoding="utf-8")
    digest = hashlib.sha256(template.encode())
    for path in _shell_files(static_dir):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    digest.update(json.dumps(manifest(), sort_keys=True).encode())
    return (template.replace("__SHELL_VERSION__", digest.hexdigest()[:16])
            .replace("__SHELL_URLS__", json.dumps(shell_urls(static_dir))))
