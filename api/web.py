"""The web client (giao diện web): static files under ``api/static`` served at ``/`` — no build step, nothing fetched
from outside. The app factory calls :func:`mount` last, so the API routes keep precedence."""

from __future__ import annotations

import mimetypes
from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles

STATIC_DIR = Path(__file__).resolve().parent / "static"

# The client is native ES modules (static/js/main.js and its imports), which browsers load only with a JavaScript MIME
# type; Python 3.11's own table says application/javascript and a host's /etc/mime.types may say anything, so the
# standard type (RFC 9239) is set here.
mimetypes.add_type("text/javascript", ".js")

# The page shell must be revalidated on every load so a new release is picked up; assets are small and revalidated too.
_NO_CACHE = {"Cache-Control": "no-cache"}


def mount(app: FastAPI) -> None:
    """Serve ``index.html`` at ``/`` and the client's assets (``app.css``, the modules in ``js/``) at ``/static/``."""
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")

    @app.get("/", include_in_schema=False)
    def web_client() -> FileResponse:
        return FileResponse(STATIC_DIR / "index.html", media_type="text/html; charset=utf-8", headers=_NO_CACHE)

    @app.get("/favicon.ico", include_in_schema=False)
    def favicon() -> FileResponse:
        return FileResponse(STATIC_DIR / "icon.svg", media_type="image/svg+xml")
