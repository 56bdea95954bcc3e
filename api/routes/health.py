"""Health (no authentication): ``/healthz`` — the process answers; ``/readyz`` — the default corpus's index is loaded
and the database reachable. ``/metrics`` — Prometheus text, for admins and evaluators."""

from __future__ import annotations

import logging

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST
from sqlalchemy import text

from api.auth import require
from api.bodies import Health, Readiness, errors

router = APIRouter(tags=["health"])
log = logging.getLogger("thuky.api")


@router.get("/healthz", response_model=Health, summary="Liveness: the process answers")
def healthz() -> dict:
    return {"status": "ok"}


@router.get("/readyz", response_model=Readiness, responses={503: {"model": Readiness,
                                                                   "description": "Not ready (see error)"}},
            summary="Readiness: index loaded, database reachable")
def readyz(request: Request):
    svc = request.app.state.services
    corpus = svc.config.default_corpus
    database, problems = "ok", []
    try:
        with svc.store.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception:  # noqa: BLE001 - any database failure means not ready; its detail goes to the log only
        log.exception("readiness: the database is unreachable")
        database = "unreachable"
        problems.append("database unreachable; see the server log")
    index = svc.loaded_index(corpus)
    if index is not None:
        info = {"corpus": corpus, "loaded": True, "articles": len(index.records),
                "built_at": index.manifest.get("built_at"), "dense": index.dense is not None}
    else:
        info = {"corpus": corpus, "loaded": False}
        problems.append(f"index of {corpus!r} not loaded ({svc.index_state.get(corpus, 'not loaded yet')})")
    if problems:
        body = {"status": "not_ready", "index": info, "database": database,
                "error": {"code": "not_ready", "message": "; ".join(problems)}}
        return JSONResponse(body, status_code=503)
    return {"status": "ready", "index": info, "database": database}


@router.get("/metrics", response_class=Response, dependencies=[Depends(require("admin", "evaluator"))],
            responses={200: {"content": {"text/plain": {}}, "description": "Prometheus text format"},
                       **errors(401, 403, 429)},
            summary="Prometheus metrics: requests, latencies, answers, abstentions, verification failures")
def metrics(request: Request) -> Response:
    return Response(request.app.state.services.metrics.render(), media_type=CONTENT_TYPE_LATEST)
