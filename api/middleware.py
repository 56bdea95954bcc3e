"""One ASGI middleware around every request: the caller's address (``state["client_address"]``), the body-size limit
(413 before the app reads too much), Prometheus request counts and latencies by route template, the audit record of
authenticated requests, and the security headers (Content-Security-Policy, X-Frame-Options, Referrer-Policy,
X-Content-Type-Options) on every response.

Every Prometheus label is chosen by the server, never copied from the request: the route's template (not the path),
the method when it is one of HTTP's own (else "OTHER"), the status the app sent.

Pure ASGI (not ``BaseHTTPMiddleware``) so streamed responses and client disconnects pass straight through.
"""

from __future__ import annotations

import datetime as dt
import json
import time

from api.audit import AuditEntry
from api.errors import error_body

METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "CONNECT", "TRACE"})
#: the web client is ES modules and a stylesheet from /static, with no inline script or style and nothing from
#: elsewhere; a page that needs more (the API docs) sets its own policy
CONTENT_SECURITY_POLICY = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                           "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
                           "form-action 'self'; frame-ancestors 'none'")
_SAFE_HEADERS = [(b"x-content-type-options", b"nosniff"), (b"referrer-policy", b"same-origin"),
                 (b"x-frame-options", b"DENY"), (b"content-security-policy", CONTENT_SECURITY_POLICY.encode())]


class BodyTooLarge(Exception):
    pass


def method_label(method: str) -> str:
    """The method as a metrics label: one of HTTP's methods, or "OTHER" (a client may send any token)."""
    return method if method in METHODS else "OTHER"


def route_label(scope: dict) -> str:
    route = scope.get("route")
    return getattr(route, "path", None) or ("static" if scope["path"].startswith("/static") else "unmatched")


class ServiceMiddleware:
    def __init__(self, app, services):
        self.app = app
        self.services = services

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        svc = self.services
        t0 = time.perf_counter()
        limit = svc.body_limit(scope["method"], scope["path"])
        state = scope.setdefault("state", {})
        state["client_address"] = svc.client_address(scope)
        status = [500]
        exceeded = [False]
        received = [0]

        length = next((v for k, v in scope["headers"] if k == b"content-length"), None)
        if length is not None and (not length.isdigit() or int(length) > limit):
            exceeded[0] = True
        else:
            async def receive_limited():
                message = await receive()
                if message["type"] == "http.request":
                    received[0] += len(message.get("body", b""))
                    if received[0] > limit:
                        exceeded[0] = True
                        raise BodyTooLarge()
                return message

            async def send_guarded(message):
                if exceeded[0]:
                    return  # the app's own reaction to the cut body is replaced by the 413 below
                if message["type"] == "http.response.start":
                    status[0] = message["status"]
                    headers = list(message.get("headers", []))
                    names = {k.lower() for k, _ in headers}
                    headers += [h for h in _SAFE_HEADERS if h[0] not in names]
                    if scope["path"].startswith("/v1/") and b"cache-control" not in names:
                        headers.append((b"cache-control", b"no-store"))
                    message = {**message, "headers": headers}
                await send(message)

            svc.metrics.in_flight.inc()
            try:
                await self.app(scope, receive_limited, send_guarded)
            except BodyTooLarge:
                pass
            except Exception:
                if not exceeded[0]:
                    raise
            finally:
                svc.metrics.in_flight.dec()
        if exceeded[0]:
            status[0] = 413
            body = json.dumps(error_body("payload_too_large", f"the request body is larger than the limit of "
                                                              f"{limit // 1024:,} KB")).encode()
            await send({"type": "http.response.start", "status": 413,
                        "headers": [(b"content-type", b"application/json"),
                                    (b"content-length", str(len(body)).encode()), (b"connection", b"close"),
                                    *_SAFE_HEADERS]})
            await send({"type": "http.response.body", "body": body})
        self._record(scope, state, status[0], time.perf_counter() - t0)

    def _record(self, scope, state: dict, status: int, elapsed: float) -> None:
        svc = self.services
        route = scope.get("route")
        method = method_label(scope["method"])
        template = route_label(scope)
        svc.metrics.requests.labels(method, template, str(status)).inc()
        svc.metrics.latency.labels(method, template).observe(elapsed)
        principal = state.get("principal")
        username = principal.username if principal is not None else state.get("audit_username")
        if username is None:
            return
        svc.audit.record(AuditEntry(
            at=dt.datetime.now(dt.timezone.utc), username=username,
            action=getattr(route, "name", None) or "unmatched", method=scope["method"][:8], path=scope["path"][:500],
            status=status, question=state.get("audit_question"), client=state.get("client_address"),
            target=state.get("audit_target")))
