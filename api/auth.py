"""Who is calling, and may they: the ``CurrentUser`` dependency (bearer token, API key or session cookie, then the
rate limit) and role gates (``require("admin")``).

The rate limit is per user — all of a user's login sessions and API keys draw on one bucket, so neither a fresh login
nor another key gives more — and, for calls without a valid credential, per client address.

Requests authenticated by the cookie that change something must come from the service's own origin (or a CORS origin
allowed in the settings): with SameSite=Lax that closes cross-site request forgery.
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlsplit

from fastapi import Depends, Request
from fastapi.security import APIKeyCookie, HTTPAuthorizationCredentials, HTTPBearer

from api.accounts import Principal
from api.errors import ApiError
from api.services import Services

COOKIE = "thuky_session"
_SAFE = {"GET", "HEAD", "OPTIONS"}

# declared for the OpenAPI document ("Authorize" in /docs); the checks themselves are below
bearer_scheme = HTTPBearer(auto_error=False, description="A login token (`tks_…`) or an API key (`tkk_…`)")
cookie_scheme = APIKeyCookie(name=COOKIE, auto_error=False, description="Set by POST /v1/auth/login")


def services(request: Request) -> Services:
    return request.app.state.services


ServicesDep = Annotated[Services, Depends(services)]


def _unauthorized(code: str, message: str) -> ApiError:
    return ApiError(401, code, message, headers={"WWW-Authenticate": "Bearer"})


def client_of(request: Request) -> str:
    """The caller's address as the middleware resolved it (trusted proxies considered)."""
    return request.scope.get("state", {}).get("client_address") or "unknown"


def rate_limit(svc: Services, key: str) -> None:
    """Take one request from ``key``'s bucket, or refuse with 429 and Retry-After."""
    wait = svc.limiter.hit(key)
    if wait:
        svc.metrics.rate_limited.inc()
        raise ApiError(429, "rate_limited", f"too many requests: try again in {svc.limiter.retry_after(wait)} s",
                       headers={"Retry-After": svc.limiter.retry_after(wait)})


def _refuse(request: Request, svc: Services, code: str, message: str) -> ApiError:
    """A missing or invalid credential: counted against the caller's address (guessing is rate limited too)."""
    svc.metrics.auth_failures.inc()
    rate_limit(svc, f"address:{client_of(request)}")
    return _unauthorized(code, message)


def _same_origin(request: Request, allowed: list[str]) -> bool:
    origin = request.headers.get("origin") or request.headers.get("referer")
    if not origin:
        return True  # not a browser cross-site request (browsers send Origin on cross-site POST/DELETE)
    parts = urlsplit(origin)
    here = request.headers.get("host", "")
    base = f"{parts.scheme}://{parts.netloc}"
    return parts.netloc == here or base in allowed


def current_principal(
    request: Request,
    bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer_scheme)],
    cookie: Annotated[str | None, Depends(cookie_scheme)],
) -> Principal:
    return identify(request, bearer.credentials if bearer is not None else None, cookie)


def identify(request: Request, bearer: str | None, cookie: str | None) -> Principal:
    """The caller of a request from its bearer secret or session cookie, rate limited; 401/403/429 otherwise."""
    svc: Services = request.app.state.services
    via_cookie = False
    if bearer:
        secret = bearer
    elif request.headers.get("authorization"):
        raise _refuse(request, svc, "invalid_token", "the Authorization header must be 'Bearer <token or API key>'")
    elif cookie:
        secret, via_cookie = cookie, True
    else:
        raise _refuse(request, svc, "unauthorized", "authentication required: log in (POST /v1/auth/login) or send "
                                                    "'Authorization: Bearer <token or API key>'")
    principal = svc.principal(secret) if len(secret) <= 200 else None
    if principal is None:
        raise _refuse(request, svc, "invalid_token", "the token or API key is not valid (unknown, expired or "
                                                     "revoked)")
    if via_cookie and request.method not in _SAFE and not _same_origin(request, svc.config.cors_origins):
        raise ApiError(403, "cross_origin", "a request authenticated by the session cookie must come from this "
                                            "site")
    request.state.principal = principal
    rate_limit(svc, f"user:{principal.user_id}")
    return principal


CurrentUser = Annotated[Principal, Depends(current_principal)]


def require(*roles: str):
    """A dependency that lets only these roles through (403 otherwise)."""

    def check(principal: CurrentUser) -> Principal:
        return _check_role(principal, roles)

    return check


def _check_role(principal: Principal, roles: tuple[str, ...]) -> Principal:
    if principal.role not in roles:
        raise ApiError(403, "forbidden", f"this needs the role {' or '.join(roles)}; you are {principal.role}")
    return principal


AdminUser = Annotated[Principal, Depends(require("admin"))]
EvaluatorUser = Annotated[Principal, Depends(require("evaluator", "admin"))]
