"""The audit log (admins): who asked what and when — questions and search terms, never the answers."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Query

from api.accounts import as_utc
from api.auth import AdminUser, ServicesDep
from api.bodies import AuditList, errors

router = APIRouter(prefix="/v1", tags=["audit"])


@router.get("/audit", response_model=AuditList, responses=errors(401, 403, 422, 429),
            summary="Nhật ký truy cập (admin): newest first, by user, since a time, by action")
def audit(principal: AdminUser, svc: ServicesDep,
          user: Annotated[str | None, Query(max_length=64, description="Only this username")] = None,
          since: Annotated[dt.datetime | None, Query(description="At or after (ISO 8601)")] = None,
          action: Annotated[str | None, Query(max_length=40, examples=["chat"])] = None,
          limit: Annotated[int, Query(ge=1, le=10_000)] = 100) -> dict:
    if since is not None:
        since = as_utc(since).astimezone(dt.timezone.utc)
    return {"entries": svc.audit.query(user, since, action, limit)}
