"""API keys (khóa API): created for oneself (admins: for anyone), shown once, listed without the secret, revoked."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Response

from api.accounts import AccountError
from api.auth import CurrentUser, ServicesDep
from api.errors import ApiError
from api.bodies import KeyCreated, KeyList, KeyRequest, errors

router = APIRouter(prefix="/v1", tags=["keys"])


@router.post("/keys", status_code=201, response_model=KeyCreated, responses=errors(400, 401, 403, 404, 422, 429),
             summary="Create an API key (the key is shown only in this response)")
def create_key(body: KeyRequest, principal: CurrentUser, svc: ServicesDep) -> dict:
    owner = principal.username
    if body.username is not None and body.username.strip().lower() != principal.username:
        if principal.role != "admin":
            raise ApiError(403, "forbidden", "username: only an admin may create a key for another user")
        owner = body.username
    try:
        issued = svc.accounts.create_key(owner, body.name)
    except AccountError as exc:
        raise ApiError(404 if exc.code == "unknown_user" else 422, exc.code, f"username: {exc}"
                       if exc.code in ("unknown_user", "user_disabled") else f"name: {exc}") from None
    return {"id": issued.id, "name": issued.name, "key": issued.key, "username": issued.username,
            "created_at": issued.created_at}


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
