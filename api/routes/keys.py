"""API keys (khóa API): created for oneself (admins: for anyone), shown once, listed without the secret, revoked.

A user holds at most ``max_api_keys_per_user`` usable keys; a key may carry an expiry; a change of the user's password
revokes all their keys. A key made by an admin for someone else is audited as the admin's act, naming that user.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, Response

from api.accounts import AccountError
from api.auth import CurrentUser, ServicesDep
from api.errors import ApiError
from api.bodies import KeyCreated, KeyList, KeyRequest, errors

router = APIRouter(prefix="/v1", tags=["keys"])


@router.post("/keys", status_code=201, response_model=KeyCreated, responses=errors(400, 401, 403, 404, 409, 422, 429),
             summary="Create an API key (the key is shown only in this response)")
def create_key(body: KeyRequest, request: Request, principal: CurrentUser, svc: ServicesDep) -> dict:
    owner = principal.username
    if body.username is not None and body.username.strip().lower() != principal.username:
        if principal.role != "admin":
            raise ApiError(403, "forbidden", "username: only an admin may create a key for another user")
        owner = body.username.strip().lower()
        request.state.audit_target = owner[:64]
    try:
        issued = svc.accounts.create_key(owner, body.name, expires_at=_expiry(body),
                                         max_keys=svc.config.max_api_keys_per_user)
    except AccountError as exc:
        raise _key_error(exc) from None
    return {"id": issued.id, "name": issued.name, "key": issued.key, "username": issued.username,
            "created_at": issued.created_at, "expires_at": issued.expires_at}


def _expiry(body: KeyRequest) -> dt.datetime | None:
    if body.expires_in_days is not None and body.expires_at is not None:
        raise ApiError(422, "validation_error", "expires_at: give expires_at or expires_in_days, not both")
    if body.expires_in_days is not None:
        return dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=body.expires_in_days)
    return body.expires_at


def _key_error(exc: AccountError) -> ApiError:
    if exc.code == "unknown_user":
        return ApiError(404, exc.code, f"username: {exc}")
    if exc.code == "too_many_keys":
        return ApiError(409, exc.code, str(exc))
    field = {"user_disabled": "username", "invalid_expiry": "expires_at"}.get(exc.code, "name")
    return ApiError(422, exc.code, f"{field}: {exc}")


@router.get("/keys", response_model=KeyList, responses=errors(401, 403, 429),
            summary="My API keys (admins: everyone's, or ?username=)")
def list_keys(principal: CurrentUser, svc: ServicesDep,
              username: Annotated[str | None, Query(max_length=64)] = None) -> dict:
    if principal.role == "admin":
        return {"keys": svc.accounts.keys(username)}
    if username is not None and username != principal.username:
        raise ApiError(403, "forbidden", "username: only an admin may list another user's keys")
    return {"keys": svc.accounts.keys(principal.username)}


@router.delete("/keys/{key_id}", status_code=204, responses=errors(401, 404, 422, 429),
               summary="Revoke an API key (my own; admins: any)")
def revoke_key(key_id: Annotated[int, Path(ge=1, le=2**62)], principal: CurrentUser, svc: ServicesDep) -> Response:
    try:
        svc.accounts.revoke_key(key_id, None if principal.role == "admin" else principal.username)
    except AccountError:
        raise ApiError(404, "unknown_key", f"no API key {key_id}") from None
    svc.forget_principals()
    return Response(status_code=204)
