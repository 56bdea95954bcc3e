"""Ingest jobs (admin): status and progress of uploads and re-indexing."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from api.auth import AdminUser, ServicesDep
from api.errors import ApiError
from api.bodies import JobList, JobView, errors

router = APIRouter(prefix="/v1", tags=["documents"])


@router.get("/jobs", response_model=JobList, responses=errors(401, 403, 429), summary="Ingest jobs, newest first")
def list_jobs(principal: AdminUser, svc: ServicesDep,
              limit: Annotated[int, Query(ge=1, le=500)] = 50) -> dict:
    return {"jobs": svc.jobs.list(limit)}


@router.get("/jobs/{job_id}", response_model=JobView, responses=errors(401, 403, 404, 429),
            summary="One ingest job: status, progress 0..1, message, documents")
def get_job(job_id: Annotated[str, Path(max_length=64)], principal: AdminUser, svc: ServicesDep) -> dict:
    job = svc.jobs.get(job_id)
    if job is None:
        raise ApiError(404, "unknown_job", f"no job {job_id!r}")
    return job
