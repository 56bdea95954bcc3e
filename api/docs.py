"""``/docs``: Swagger UI served from the installed ``swagger-ui-bundle`` package, never from a CDN, so the
documentation works offline. Its one inline script is allowed by its hash in the page's own Content-Security-Policy.
Without the package there is no ``/docs`` page; ``/openapi.json`` is served either way."""

from __future__ import annotations

import base64
import hashlib
import re
from pathlib import Path

from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

ASSETS = "/docs/assets"
_INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.S)


def swagger_ui_dir() -> Path | None:
    """The folder of Swagger UI's files in the installed package, or None without it."""
    try:
        from swagger_ui_bundle import swagger_ui_path
    except ImportError:
        return None
    path = Path(swagger_ui_path)
    return path if (path / "swagger-ui-bundle.js").is_file() else None


def docs_policy(html: str) -> str:
    """The page's Content-Security-Policy: scripts from here plus its inline ones by hash; Swagger UI styles its
    elements inline."""
    hashes = " ".join("'sha256-" + base64.b64encode(hashlib.sha256(s.encode()).digest()).decode() + "'"
                      for s in _INLINE_SCRIPT.findall(html))
    return (f"default-src 'self'; script-src 'self' {hashes}; style-src 'self' 'unsafe-inline'; "
            "img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'")


def mount(app: FastAPI) -> bool:
    """Serve ``/docs`` from the local Swagger UI files; False (nothing mounted) when the package is missing."""
    folder = swagger_ui_dir()
    if folder is None or app.openapi_url is None:
        return False
    page = get_swagger_ui_html(openapi_url=app.openapi_url, title=f"{app.title} — docs",
                               swagger_js_url=f"{ASSETS}/swagger-ui-bundle.js",
                               swagger_css_url=f"{ASSETS}/swagger-ui.css",
                               swagger_favicon_url=f"{ASSETS}/favicon-32x32.png").body.decode()
    headers = {"Content-Security-Policy": docs_policy(page)}
    app.mount(ASSETS, StaticFiles(directory=folder), name="swagger-ui")

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        return HTMLResponse(page, headers=headers)

    return True
