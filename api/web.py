"""The web client (giao diện web): static files under ``api/static`` served at ``/`` — no build step, nothing fetched
from outside. The app factory calls :func:`mount` last, so the API routes keep precedence."""

from __future__ import annotations

import json
import mimetypes
from pathlib import Path

from fastapi import FastAPI, HTTPException
from fastapi.responses import FileResponse, Response
from fastapi.staticfiles import StaticFiles

from api import pwa

STATIC_DIR = Path(__file__).resolve().parent / "static"

# The client is native ES modules (static/js/main.js and its imports), which browsers load only with a JavaScript MIME
# type; Python 3.11's own table says application/javascript and a host's /etc/mime.types may say anything, so the
# standard type (RFC 9239) is set here.
mimetypes.add_type("text/javascript", ".js")

# The page shell must be revalidated on every load so a new release is picked up; assets are small and revalidated too.
_NO_CACHE = {"Cache-Control": "no-cache"}


def mount(app: FastAPI) -> None:
    """Serve ``index.html`` at ``/``, the client's assets (``app.css``, the modules in ``js/``) at ``/static/``, and
    what makes it installable (api/pwa.py): the manifest, the icons and the service worker at the root."""
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")

    @app.get("/", include_in_schema=False)
    def web_client() -> FileResponse:
        return FileResponse(STATIC_DIR / "index.html", media_type="text/html; charset=utf-8", headers=_NO_CACHE)

    @app.get("/favicon.ico", include_in_schema=False)
    def favicon() -> FileResponse:
        return FileResponse(STATIC_DIR / "icon.svg", media_type="image/svg+xml")

    @app.get("/manifest.webmanifest", include_in_schema=False)
    def web_manifest() -> Response:
        return Response(json.dumps(pwa.manifest(), ensure_ascii=False), media_type="application/manifest+json",
                        headers=_NO_CACHE)

    @app.get("/sw.js", include_in_schema=False)
    def service_worker() -> Response:
        # from the root, so the worker's scope is the whole client; revalidated so a release reaches it at once
        return Response(pwa.service_worker_source(STATIC_DIR), media_type="text/javascript; charset=utf-8",
                        headers=_NO_CACHE)

    @app.get("/icons/{kind}-{size}.png", include_in_schema=False)
    def app_icon(kind: str, size: int) -> Response:
        if kind not in ("icon", "maskable") or size not in pwa.ICON_SIZES:
            raise HTTPException(404, f"no icon {kind}-{size}.png (sizes: {', '.join(map(str, pwa.ICON_SIZES))})")
        return Response(pwa.icon_png(size, kind == "maskable"), media_type="image/png",
                        headers={"Cache-Control": "public, max-age=86400"})
