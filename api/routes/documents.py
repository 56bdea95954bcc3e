"""Documents (văn bản): list, one document with its outline (Phần → Chương → Mục → Điều), one article with its
clauses and points; for admins, upload (parsed, stored and indexed by a background job) and delete.

An upload declares no body parameters, so FastAPI does not parse the form before the ``AdminUser`` dependency: the
route reads it only once the caller is known to be an admin, and anyone else's (up to ~100 MB) body is refused unread.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import uuid
from typing import Annotated

import anyio
from fastapi import APIRouter, Query, Request, Response
from starlette.datastructures import UploadFile
from starlette.formparsers import MultiPartException

from api.accounts import Principal
from api.auth import AdminUser, CurrentUser, ServicesDep
from api.errors import ApiError
from api.bodies import ArticleView, DocumentList, DocumentView, JobAccepted, errors
from api.services import Services
from corpus.law import LegalDocument
from corpus.store import StoreError
from corpus.text import nfc
from corpus.validity import Validity

router = APIRouter(prefix="/v1", tags=["documents"])

CorpusQuery = Annotated[str | None, Query(pattern=r"^[a-z0-9][a-z0-9_-]{0,63}$", examples=["statutes"])]
AsOfQuery = Annotated[dt.date | None, Query(description="Status on this date (YYYY-MM-DD); default: the corpus's own "
                                                        "date", examples=["2015-06-01"])]
ALLOWED_SUFFIXES = (".txt", ".docx", ".pdf", ".html", ".htm", ".json")
_HEADING = re.compile(r"^(Phần|Chương|Mục|Tiểu mục)\s+(.+?)(?:\.\s+(.*))?$", re.S | re.I)
_KINDS = {"phần": "part", "chương": "chapter", "mục": "section", "tiểu mục": "section"}


def _iso(d) -> str | None:
    return d.isoformat() if d else None


def heading_node(heading: str) -> dict:
    """"Chương I. NHỮNG QUY ĐỊNH CHUNG" → {kind: chapter, number: I, title: NHỮNG QUY ĐỊNH CHUNG}."""
    m = _HEADING.match(heading.strip())
    if not m:
        return {"kind": "section", "number": "", "title": heading.strip(), "children": []}
    return {"kind": _KINDS[m.group(1).lower()], "number": m.group(2).strip(), "title": (m.group(3) or "").strip(),
            "children": []}


def outline(doc: LegalDocument) -> list[dict]:
    """The document's tree of parts, chapters and sections down to its articles, in document order."""
    root: list[dict] = []
    stack: list[tuple[str, dict]] = []
    for art in doc.articles:
        path = list(art.path or [])
        i = 0
        while i < len(stack) and i < len(path) and stack[i][0] == path[i]:
            i += 1
        del stack[i:]
        for heading in path[i:]:
            node = heading_node(heading)
            (stack[-1][1]["children"] if stack else root).append(node)
            stack.append((heading, node))
        leaf = {"kind": "article", "number": art.number, "title": art.title, "children": []}
        (stack[-1][1]["children"] if stack else root).append(leaf)
    return root


def _corpus(svc, corpus: str | None) -> str:
    return corpus or svc.config.default_corpus


def validity_fields(v, as_of: dt.date | None, fallback_status: str) -> dict:
    """The validity fields of a document object: status on the date asked, the dates, links and timeline."""
    known = v.effective is not None
    on = as_of or v.data_until
    return {
        "status": str(v.status_on(as_of)) if known else fallback_status,
        "status_as_of": _iso(on), "data_until": _iso(v.data_until),
        "effective_date": _iso(v.effective), "expiry_date": _iso(v.expiry), "partly_repealed_from": _iso(v.partly_from),
        "staggered": [{"provisions": s.provisions, "date": _iso(s.date)} for s in v.staggered],
        "replaces": v.replaces, "replaced_by": v.replaced_by, "amended_by": v.amended_by,
        "partly_repealed_by": v.partly_repealed_by, "timeline": v.timeline(),
    }


def _document(svc, corpus: str, doc_id: str) -> LegalDocument:
    try:
        return svc.store.get_document(corpus, doc_id)
    except StoreError:
        raise ApiError(404, "unknown_document", f"no document {doc_id!r} in corpus {corpus!r}") from None


@router.get("/documents", response_model=DocumentList, responses=errors(401, 422, 429),
            summary="Danh sách văn bản: the documents of a corpus")
def list_documents(principal: CurrentUser, svc: ServicesDep, corpus: CorpusQuery = None,
                   doc_type: Annotated[str | None, Query(alias="type", max_length=100,
                                                         examples=["Bộ luật"])] = None,
                   as_of: AsOfQuery = None) -> dict:
    name = _corpus(svc, corpus)
    rows = svc.store.documents(name)
    validities = svc.validities(name)
    out = []
    for r in rows:
        if doc_type is not None and r.doc_type != doc_type:
            continue
        v = validities.get(r.doc_id)
        known = v is not None and v.effective is not None
        out.append({"id": r.doc_id, "title": r.title, "type": r.doc_type, "number": r.number,
                    "issued_date": r.issued_date, "status": str(v.status_on(as_of)) if known else r.status,
                    "effective_date": r.effective_date, "expiry_date": r.expiry_date,
                    "status_as_of": _iso(as_of or (v.data_until if v else None)),
                    "replaced_by": [x.get("doc_id") or x.get("number") for x in v.replaced_by] if v else [],
                    "articles": r.articles, "clauses": r.clauses, "points": r.points, "aliases": r.aliases})
    return {"documents": out}


@router.get("/documents/{doc_id:path}/articles/{article}", response_model=ArticleView,
            responses=errors(401, 404, 422, 429), summary="Một điều luật: an article with its clauses and points")
def get_article(doc_id: str, article: str, principal: CurrentUser, svc: ServicesDep,
                corpus: CorpusQuery = None) -> dict:
    name = _corpus(svc, corpus)
    doc = _document(svc, name, doc_id)
    art = doc.article(article)
    if art is None:
        raise ApiError(404, "unknown_article", f"{doc.title} ({doc.id}) has no Điều {article}")
    return {"document_id": doc.id, "document_title": doc.title, "document_status": str(doc.status),
            "article": art.number, "title": art.title, "path": list(art.path), "text": art.text,
            "clauses": [{"number": c.number, "text": c.text,
                         "points": [{"letter": p.letter, "text": p.text} for p in c.points]} for c in art.clauses],
            "points": [{"letter": p.letter, "text": p.text} for p in art.points]}


@router.get("/documents/{doc_id:path}", response_model=DocumentView, responses=errors(401, 404, 422, 429),
            summary="Một văn bản: metadata and outline")
def get_document(doc_id: str, principal: CurrentUser, svc: ServicesDep, corpus: CorpusQuery = None,
                 as_of: AsOfQuery = None) -> dict:
    doc = _document(svc, _corpus(svc, corpus), doc_id)
    v = Validity.from_json(doc.extra.get("validity"))
    return {"id": doc.id, "title": doc.title, "type": str(doc.doc_type), "number": doc.number,
            "issued_date": _iso(doc.issued_date), "effective_date": _iso(doc.effective_date),
            "expiry_date": _iso(doc.expiry_date), "issuer": doc.issuer,
            **validity_fields(v, as_of, str(doc.status)),
            "aliases": list(doc.aliases), "articles": len(doc.articles),
            "outline": outline(doc)}


def safe_filename(raw: str | None) -> str:
    """The upload's own name, or 400: no folders, no hidden files, no control characters."""
    name = nfc(raw or "")
    if (not name or len(name) > 200 or any(c in name for c in "/\\:") or name.startswith(".")
            or any(ord(c) < 32 or ord(c) == 127 for c in name)):
        raise ApiError(400, "invalid_filename", "file: the file name must be a plain name (no folders, no '..', no "
                                                "control characters, at most 200 characters)")
    return name


CORPUS_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
UPLOAD_BODY = {"requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
    "type": "object", "required": ["file"], "properties": {
        "file": {"type": "string", "format": "binary",
                 "description": "A statute (.txt .docx .pdf .html) or a corpus file (.json)"},
        "corpus": {"type": "string", "pattern": CORPUS_NAME.pattern, "examples": ["statutes"]}}}}}}}


async def upload_form(request: Request) -> tuple[UploadFile, str | None]:
    """The upload's ``file`` and ``corpus`` fields, read only now (after the admin check); 400/422 when malformed."""
    try:
        form = await request.form(max_files=1, max_fields=10)
    except MultiPartException as exc:
        raise ApiError(400, "invalid_multipart", f"the multipart body is malformed: {exc.message}") from None
    file, corpus = form.get("file"), form.get("corpus")
    if not isinstance(file, UploadFile):
        await form.close()
        raise ApiError(422, "validation_error", "file: a file field named 'file' is required")
    if corpus is not None and (not isinstance(corpus, str) or not CORPUS_NAME.match(corpus)):
        await form.close()
        raise ApiError(422, "validation_error", f"corpus: must match {CORPUS_NAME.pattern} (e.g. statutes)")
    return file, corpus


@router.post("/documents", status_code=202, response_model=JobAccepted,
             responses=errors(400, 401, 403, 413, 415, 422, 429), openapi_extra=UPLOAD_BODY,
             summary="Nạp văn bản (admin): upload .txt/.docx/.pdf/.html/.json; parsed now (in a child process with "
                     "memory, time and decompressed-size limits), stored and indexed by a job")
async def upload_document(request: Request, principal: AdminUser, svc: ServicesDep) -> Response:
    file, corpus = await upload_form(request)
    try:
        return await anyio.to_thread.run_sync(accept_upload, request, principal, svc, file, corpus)
    finally:
        await file.close()


def accept_upload(request: Request, principal: Principal, svc: Services, file: UploadFile,
                  corpus: str | None) -> Response:
    """Check, stage and parse the upload (in a child process with limits); a job stores and indexes it."""
    from corpus.loaders import LoadError
    from corpus.loaders.isolated import load_path_isolated

    filename = safe_filename(file.filename)
    if not filename.lower().endswith(ALLOWED_SUFFIXES):
        raise ApiError(415, "unsupported_media_type", f"file: only {', '.join(ALLOWED_SUFFIXES)} files are "
                                                      "accepted")
    name = _corpus(svc, corpus)
    limit = svc.config.max_file_mb * 2**20
    staging = svc.uploads_dir / ".staging" / str(uuid.uuid4())
    staging.mkdir(parents=True)
    staged = staging / filename
    try:
        size = 0
        with staged.open("wb") as out:
            while chunk := file.file.read(1 << 20):
                size += len(chunk)
                if size > limit:
                    raise ApiError(413, "payload_too_large", f"file: larger than {svc.config.max_file_mb} MB")
                out.write(chunk)
        try:
            docs = load_path_isolated(staged, max_bytes=limit, limits=svc.parse_limits())
        except LoadError as exc:
            raise ApiError(422, "not_a_legal_document", f"file: {exc.reason}") from None
        jid = svc.jobs.submit_upload(name, staged, filename, docs, principal.username)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    request.state.audit_question = filename
    return Response(content=JobAccepted(job_id=jid, documents=[d.id for d in docs]).model_dump_json(),
                    status_code=202, media_type="application/json", headers={"Location": f"/v1/jobs/{jid}"})


@router.delete("/documents/{doc_id:path}", status_code=204, responses=errors(401, 403, 404, 422, 429),
               summary="Xóa văn bản (admin): remove a document; the index is rebuilt by a job")
def delete_document(doc_id: str, principal: AdminUser, svc: ServicesDep, corpus: CorpusQuery = None) -> Response:
    name = _corpus(svc, corpus)
    try:
        svc.store.delete_document(name, doc_id, deleted_by=principal.username)
    except StoreError:
        raise ApiError(404, "unknown_document", f"no document {doc_id!r} in corpus {name!r}") from None
    jid = svc.jobs.submit_reindex(name, principal.username, f"re-indexing after deleting {doc_id}")
    return Response(status_code=204, headers={"X-Job-Id": jid, "Location": f"/v1/jobs/{jid}"})
