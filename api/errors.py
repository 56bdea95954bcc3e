"""Every error the service returns has one shape: ``{"error": {"code": "<snake_case>", "message": "…"}}``.

Handlers here turn the domain's errors (:func:`from_domain`: an unknown case or conversation, a rejected question, an
index not built…), FastAPI's validation errors (naming the field), Starlette's HTTP errors (404 route, 405) and any
unexpected exception (500, with nothing of the cause leaked) into that shape. Status codes live here and in the routes,
never below ``api/``.
"""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from assistant.cases import CaseFileRejected, CaseNotFound, CaseRequestInvalid, FactsTooLong
from assistant.errors import (ConversationNotFound, QuestionRejected, SessionFileLimit,
                              SessionFileNotFound)
from indexing.index import IndexUnavailable, QueryError

log = logging.getLogger("thuky.api")

_STATUS_CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
                 405: "method_not_allowed", 406: "not_acceptable", 409: "conflict", 413: "payload_too_large",
                 415: "unsupported_media_type", 422: "validation_error", 429: "rate_limited",
                 503: "unavailable"}


class ApiError(Exception):
    """Raise anywhere in a route: becomes the JSON error with this status, code and message."""

    def __init__(self, status: int, code: str, message: str, headers: dict[str, str] | None = None):
        super().__init__(message)
        self.status, self.code, self.message, self.headers = status, code, message, headers


def from_domain(exc: BaseException) -> ApiError | None:
    """The API error for a domain error, or None when ``exc`` is not one."""
    if isinstance(exc, ApiError):
        return exc
    if isinstance(exc, ConversationNotFound):
        return ApiError(404, "unknown_session", f"session_id: {exc}")
    if isinstance(exc, SessionFileNotFound):
        return ApiError(404, "unknown_file", f"file_id: {exc}")
    if isinstance(exc, SessionFileLimit):
        return ApiError(409, "too_many_files", str(exc))
    if isinstance(exc, (QuestionRejected, QueryError)):
        return ApiError(422, "invalid_question", f"question: {exc}")
    if isinstance(exc, IndexUnavailable):
        log.warning("index unavailable: %s", exc)
        return ApiError(503, "index_unavailable", "the index of this corpus is not available; an administrator "
                                                  "must (re)build it")
    if isinstance(exc, CaseNotFound):
        return ApiError(404, "not_found", str(exc))
    if isinstance(exc, FactsTooLong):
        return ApiError(413, "payload_too_large", str(exc))
    if isinstance(exc, CaseRequestInvalid):
        return ApiError(422, "validation_error", str(exc))
    if isinstance(exc, CaseFileRejected):
        return ApiError(422, exc.reason, str(exc))
    return None


DOMAIN_ERRORS = (ConversationNotFound, SessionFileNotFound, SessionFileLimit, QuestionRejected, QueryError,
                 IndexUnavailable, CaseNotFound, FactsTooLong, CaseRequestInvalid, CaseFileRejected)


def error_body(code: str, message: str) -> dict:
    return {"error": {"code": code, "message": message}}


def error_response(status: int, code: str, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(error_body(code, message), status_code=status, headers=headers)


def field_name(loc) -> str:
    """("body", "filters", "documents", 0) → "filters.documents[0]"; ("query", "page") → "page"."""
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header", "cookie", "form")]
    out = ""
    for p in parts:
        out += f"[{p}]" if p.isdigit() else (f".{p}" if out else p)
    return out or "body"


def _is_json(content_type: str | None) -> bool:
    media = (content_type or "").split(";")[0].strip().lower()
    return media == "application/json" or (media.startswith("application/") and media.endswith("+json"))


def validation_message(exc: RequestValidationError, content_type: str | None = "application/json"
                       ) -> tuple[int, str, str]:
    errors = exc.errors()
    whole_body = [e for e in errors if tuple(e.get("loc", ())) == ("body",)]
    if whole_body and content_type and not _is_json(content_type) and not content_type.startswith("multipart/"):
        return 415, "unsupported_media_type", f"the body must be JSON (Content-Type: application/json), not " \
                                              f"{content_type.split(';')[0][:100]!r}"
    if any(e.get("type") == "json_invalid" for e in errors):
        e = next(e for e in errors if e.get("type") == "json_invalid")
        ctx = e.get("ctx") or {}
        return 400, "malformed_json", f"the request body is not valid JSON ({ctx.get('error', 'parse error')})"
    parts = []
    for e in errors[:5]:
        name = field_name(e.get("loc", ()))
        msg = e.get("msg", "invalid value")
        parts.append(f"{name}: {msg}")
    more = f" (and {len(errors) - 5} more)" if len(errors) > 5 else ""
    return 422, "validation_error", "; ".join(parts) + more


def install(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def _api_error(request: Request, exc: ApiError):
        return error_response(exc.status, exc.code, exc.message, exc.headers)

    for kind in DOMAIN_ERRORS:
        @app.exception_handler(kind)
        async def _domain(request: Request, exc: Exception):
            e = from_domain(exc)
            return error_response(e.status, e.code, e.message, e.headers)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError):
        status, code, message = validation_message(exc, request.headers.get("content-type"))
        return error_response(status, code, message)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException):
        code = _STATUS_CODES.get(exc.status_code, "error")
        detail = exc.detail if isinstance(exc.detail, str) else code.replace("_", " ")
        if exc.status_code == 404 and detail == "Not Found":
            detail = f"no such endpoint: {request.method} {request.url.path}"
        return error_response(exc.status_code, code, detail, getattr(exc, "headers", None))

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception):
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return error_response(500, "internal_error", "an internal error occurred; it has been logged")
