"""Case files in a conversation (hồ sơ vụ án): a judge uploads a statement of claim, minutes or a judgment under
appeal into one of their conversations; ThuKy parses it (in a child process with limits), then a job splits it into
passages with page and paragraph, embeds them and reads the file — parties (masked), claims, a timeline of key dates,
the provisions it cites checked against the law, similar judgments. Questions in that conversation then retrieve
from the file and from the law together. Only the owner's conversation ever sees the file.

Like ``POST /v1/documents``, the upload declares no body parameters: the form is read only once the caller and the
conversation are known to be theirs.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path as FilePath
from typing import Annotated

import anyio
from fastapi import APIRouter, Path, Query, Request, Response
from starlette.datastructures import UploadFile
from starlette.formparsers import MultiPartException

from api.accounts import Principal
from api.auth import CurrentUser, ServicesDep
from api.bodies import FileAccepted, FileDetail, FileList, PassageList, errors
from api.errors import ApiError, from_domain
from api.routes.documents import safe_filename
from api.services import Services
from assistant.errors import AssistantError

router = APIRouter(prefix="/v1", tags=["sessions"])

SessionPath = Annotated[str, Path(max_length=64)]
FilePath_ = Annotated[str, Path(max_length=64)]
SUFFIXES = {".pdf": "pdf", ".docx": "docx", ".txt": "text", ".html": "html", ".htm": "html"}
UPLOAD_BODY = {"requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
    "type": "object", "required": ["file"], "properties": {
        "file": {"type": "string", "format": "binary",
                 "description": "A case file: .pdf (with a text layer), .docx, .txt or .html"}}}}}}}


def _domain(call, *args):
    try:
        return call(*args)
    except AssistantError as exc:
        raise from_domain(exc) from None


async def _file_field(request: Request) -> UploadFile:
    try:
        form = await request.form(max_files=1, max_fields=5)
    except MultiPartException as exc:
        raise ApiError(400, "invalid_multipart", f"the multipart body is malformed: {exc.message}") from None
    file = form.get("file")
    if not isinstance(file, UploadFile):
        await form.close()
        raise ApiError(422, "validation_error", "file: a file field named 'file' is required")
    return file


@router.post("/sessions/{session_id}/files", status_code=202, response_model=FileAccepted,
             responses=errors(400, 401, 404, 409, 413, 415, 422, 429), openapi_extra=UPLOAD_BODY,
             summary="Tải hồ sơ vụ án lên cuộc hội thoại: parsed now, split, embedded and read by a job")
async def upload_file(session_id: SessionPath, request: Request, principal: CurrentUser,
                      svc: ServicesDep) -> Response:
    corpus = await anyio.to_thread.run_sync(_domain, svc.conversations.corpus_of, session_id, principal.username)
    file = await _file_field(request)
    try:
        return await anyio.to_thread.run_sync(_accept, request, principal, svc, session_id, corpus, file)
    finally:
        await file.close()


def _accept(request: Request, principal: Principal, svc: Services, session_id: str, corpus: str,
            file: UploadFile) -> Response:
    from corpus.loaders import LoadError
    from corpus.loaders.isolated import load_pages_isolated

    name = safe_filename(file.filename)
    kind = SUFFIXES.get(FilePath(name).suffix.lower())
    if kind is None:
        raise ApiError(415, "unsupported_media_type", f"file: only {', '.join(SUFFIXES)} files are accepted")
    limit = svc.config.case_file_max_mb * 2**20
    staging = FilePath(tempfile.mkdtemp(prefix="thuky-case-file-"))
    try:
        staged = staging / ("upload" + FilePath(name).suffix.lower())
        size = 0
        with staged.open("wb") as out:
            while chunk := file.file.read(1 << 20):
                size += len(chunk)
                if size > limit:
                    raise ApiError(413, "payload_too_large", f"file: larger than the limit of "
                                                             f"{svc.config.case_file_max_mb} MB")
                out.write(chunk)
        try:
            pages = load_pages_isolated(staged, max_bytes=limit, max_pages=svc.config.case_file_max_pages,
                                        limits=svc.parse_limits())
        except LoadError as exc:
            raise ApiError(422, "unreadable_file", f"file: {exc.reason}") from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)  # nothing of the upload stays on disk
    fid = _domain(svc.case_files.add, session_id, principal.username, name, kind, size, pages)
    jid = svc.jobs.submit_case_file(corpus, fid, principal.username)
    svc.case_files.attach_job(fid, jid)
    request.state.audit_question = f"case file ({kind}, {len(pages)} pages)"
    return Response(content=FileAccepted(file_id=fid, job_id=jid, pages=len(pages)).model_dump_json(),
                    status_code=202, media_type="application/json",
                    headers={"Location": f"/v1/sessions/{session_id}/files/{fid}"})


def _with_progress(svc: Services, view):
    if view.status in ("queued", "running") and view.job_id:
        job = svc.jobs.get(view.job_id)
        if job is not None:
            view.progress = job["progress"]
            view.message = job["message"] or view.message
    return view


@router.get("/sessions/{session_id}/files", response_model=FileList, responses=errors(401, 404, 429),
            summary="The case files of one of my conversations, with their status and progress")
def list_files(session_id: SessionPath, principal: CurrentUser, svc: ServicesDep) -> dict:
    files = _domain(svc.case_files.list, session_id, principal.username)
    return {"files": [_with_progress(svc, f) for f in files]}


@router.get("/sessions/{session_id}/files/{file_id}", response_model=FileDetail, responses=errors(401, 404, 429),
            summary="One case file and its reading: parties, claims, timeline, provisions checked, similar "
                    "judgments")
def get_file(session_id: SessionPath, file_id: FilePath_, principal: CurrentUser, svc: ServicesDep):
    return _with_progress(svc, _domain(svc.case_files.get, session_id, file_id, principal.username))


@router.get("/sessions/{session_id}/files/{file_id}/passages", response_model=PassageList,
            responses=errors(401, 404, 429), summary="The passages of a case file (one page, or all)")
def get_passages(session_id: SessionPath, file_id: FilePath_, principal: CurrentUser, svc: ServicesDep,
                 page: Annotated[int | None, Query(ge=1, le=100_000)] = None) -> dict:
    return {"file_id": file_id,
            "passages": _domain(svc.case_files.passages, session_id, file_id, principal.username, page)}


@router.delete("/sessions/{session_id}/files/{file_id}", status_code=204, responses=errors(401, 404, 429),
               summary="Delete a case file from my conversation (its passages and vectors too)")
def delete_file(session_id: SessionPath, file_id: FilePath_, principal: CurrentUser, svc: ServicesDep) -> Response:
    _domain(svc.case_files.delete, session_id, file_id, principal.username)
    return Response(status_code=204)
