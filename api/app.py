"""The HTTP service: ``create_app(services)`` builds the FastAPI app over what the composition root built.

Endpoints are versioned under ``/v1`` (one router per resource, listed in ``api.routes.ROUTERS``); ``/healthz``,
``/readyz`` and ``/metrics`` sit at the root; ``/docs`` is Swagger UI from local files (``api.docs``); the web client
(``api.web``) is mounted last, at ``/``.
``thuky.runtime.Runtime(settings).app()`` is how the product builds it; ``thuky serve`` runs it under uvicorn.
"""

from __future__ import annotations

import importlib
import importlib.util
import logging
import threading
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

from api import docs, errors
from api.middleware import ServiceMiddleware
from api.routes import ROUTERS
from api.services import Services

log = logging.getLogger("thuky.api")

DESCRIPTION = """\
**ThuKy (Thư Ký)** — trợ lý pháp lý ảo cho Tòa án: hỏi đáp có trích dẫn điều luật đã kiểm chứng, tra cứu văn bản,
quản lý phiên hỏi đáp.

Authentication: `Authorization: Bearer <token | API key>` (a login token from `POST /v1/auth/login`, or an API key
from `POST /v1/keys`), or the `thuky_session` cookie set by login. Roles: judge (thẩm phán), clerk (thư ký),
evaluator, admin. Every error is `{"error": {"code": "…", "message": "…"}}`.
"""

TAGS = [
    {"name": "chat", "description": "Hỏi đáp — questions answered with verified citations (JSON or SSE)"},
    {"name": "search", "description": "Tra cứu — articles by keywords, filters, facets"},
    {"name": "documents", "description": "Văn bản — documents, articles, citations; uploads (admin)"},
    {"name": "sessions", "description": "Phiên hỏi đáp — the caller's own conversations"},
    {"name": "feedback", "description": "Phản hồi — ratings for the evaluators"},
    {"name": "auth", "description": "Đăng nhập — login sessions"},
    {"name": "keys", "description": "Khóa API — keys for programs"},
    {"name": "audit", "description": "Nhật ký — who asked what and when (admin)"},
    {"name": "health", "description": "Liveness, readiness, metrics"},
]


def create_app(services: Services) -> FastAPI:
    config = services.config

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        services.start()
        if config.preload_index:  # readiness turns green when the default corpus's index is loaded
            threading.Thread(target=services.preload, args=(config.default_corpus,), name="thuky-preload",
                             daemon=True).start()
        try:
            yield
        finally:
            services.stop()

    app = FastAPI(title="ThuKy API", version="1.0.0", description=DESCRIPTION, openapi_tags=TAGS,
                  lifespan=lifespan, docs_url=None, redoc_url=None)  # /docs from local files (api.docs), no CDN
    app.state.services = services
    errors.install(app)
    for name in ROUTERS:
        app.include_router(importlib.import_module(f"api.routes.{name}").router)
    if not docs.mount(app):
        log.warning("swagger-ui-bundle is not installed: no /docs page; /openapi.json is served")
    app.add_middleware(ServiceMiddleware, services=services)
    if config.cors_origins:  # outermost: preflight requests are answered before anything else
        app.add_middleware(CORSMiddleware, allow_origins=config.cors_origins, allow_credentials=True,
                           allow_methods=["GET", "POST", "DELETE", "OPTIONS"],
                           allow_headers=["Authorization", "Content-Type", "Accept"],
                           expose_headers=["Retry-After", "Location", "X-Job-Id"])
    if importlib.util.find_spec("api.web") is not None:  # the web client, when present, is mounted last at /
        importlib.import_module("api.web").mount(app)
    return app
