"""Logging in and out (đăng nhập): a password gives a session token, returned and set as an HttpOnly cookie."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Request, Response

from api.accounts import iso
from api.auth import COOKIE, CurrentUser, ServicesDep
from api.errors import ApiError
from api.bodies import LoginRequest, LoginResponse, MeView, errors

router = APIRouter(prefix="/v1", tags=["auth"])


@router.post("/auth/login", response_model=LoginResponse, responses=errors(400, 401, 422, 429),
             summary="Đăng nhập: username + password → session token and cookie")
def login(body: LoginRequest, request: Request, response: Response, svc: ServicesDep) -> dict:
    client = request.client.host if request.client else "unknown"
    request.state.audit_username = body.username[:64]
    wait = svc.login_limiter.hit(f"login:{client}")
    if wait:
        svc.metrics.rate_limited.inc()
        raise ApiError(429, "rate_limited", "too many login attempts: try again later",
                       headers={"Retry-After": svc.login_limiter.retry_after(wait)})
    user = svc.accounts.authenticate(body.username, body.password)
    if user is None:
        svc.metrics.auth_failures.inc()
        raise ApiError(401, "invalid_credentials", "wrong username or password")
    hours = svc.config.session_hours
    token = svc.accounts.issue_token(user, hours)
    expires = dt.datetime.now(dt.timezone.utc) + dt.timedelta(hours=hours)
    response.set_cookie(COOKIE, token, max_age=int(hours * 3600), httponly=True, samesite="lax",
                        secure=svc.config.cookie_secure, path="/")
    return {"token": token, "user": {"username": user.username, "role": user.role}, "expires_at": iso(expires)}


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
