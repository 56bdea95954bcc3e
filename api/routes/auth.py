"""Logging in and out (đăng nhập): a password gives a session token, returned and set as an HttpOnly cookie.

Attempts are throttled per client address and per account (behind a proxy many people share an address; a password
guessed from many addresses still targets one account). Each login also deletes the login sessions that have expired.
"""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Request, Response

from api.accounts import iso
from api.auth import COOKIE, CurrentUser, ServicesDep, client_of
from api.errors import ApiError
from api.bodies import LoginRequest, LoginResponse, MeView, errors
from api.ratelimit import RateLimiter
from api.services import Services

router = APIRouter(prefix="/v1", tags=["auth"])


@router.post("/auth/login", response_model=LoginResponse, responses=errors(400, 401, 422, 429),
             summary="Đăng nhập: username + password → session token and cookie")
def login(body: LoginRequest, request: Request, response: Response, svc: ServicesDep) -> dict:
    request.state.audit_username = body.username[:64]
    _throttle(svc, svc.login_limiter, f"login:{client_of(request)}", "from this address")
    _throttle(svc, svc.account_login_limiter, f"login-account:{body.username.strip().lower()[:64]}",
              "for this account")
    user = svc.accounts.authenticate(body.username, body.password)
    if user is None:
        svc.metrics.auth_failures.inc()
        raise ApiError(401, "invalid_credentials", "wrong username or password")
    svc.accounts.purge_expired_tokens()
    hours = svc.config.session_hours
    token = svc.accounts.issue_token(user, hours)
    expires = dt.datetime.now(dt.timezone.utc) + dt.timedelta(hours=hours)
    response.set_cookie(COOKIE, token, max_age=int(hours * 3600), httponly=True, samesite="lax",
                        secure=svc.config.cookie_secure, path="/")
    return {"token": token, "user": {"username": user.username, "role": user.role}, "expires_at": iso(expires)}


def _throttle(svc: Services, limiter: RateLimiter, key: str, scope: str) -> None:
    wait = limiter.hit(key)
    if wait:
        svc.metrics.rate_limited.inc()
        raise ApiError(429, "rate_limited", f"too many login attempts {scope}: try again in "
                                            f"{limiter.retry_after(wait)} s",
                       headers={"Retry-After": limiter.retry_after(wait)})


@router.post("/auth/logout", status_code=204, responses=errors(401, 403), summary="Đăng xuất: revoke the session")
def logout(principal: CurrentUser, svc: ServicesDep) -> Response:
    if principal.via == "token":
        svc.accounts.revoke_token_id(principal.credential_id)
        svc.forget_principals()
    response = Response(status_code=204)
    response.delete_cookie(COOKIE, path="/", httponly=True, samesite="lax", secure=svc.config.cookie_secure)
    return response


@router.get("/me", response_model=MeView, responses=errors(401, 429), summary="Who am I")
def me(principal: CurrentUser) -> dict:
    return {"username": principal.username, "role": principal.role, "via": principal.via}
