"""The import page (upload → mapping preview → result, quarantine download) and the
customer export download. Managers and admins only.

Small uploads import while the page waits; bigger ones run in the background worker and
the result page refreshes itself. Larger files than the upload limit are refused before
they are read, with a message pointing to `centricity import`. A file is parsed outside
the request's transaction (so never under SQLite's write lock) and only when uploaded or
re-mapped: its preview is stored with the job, and viewing the page reads only that. A
job is shown only to its uploader's department and admins (`access.py`). The preview's
notes, problem and row reasons are stored in English and shown in the viewer's language
(`reasons.py`).
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from starlette.background import BackgroundTask
from starlette.datastructures import UploadFile

from centricity.accounts.models import Role, User
from centricity.db import begin_writing
from centricity.imports import api, exports, registry, service
from centricity.imports.models import ImportJob, JobStatus
from centricity.imports.plan import ImportOptions
from centricity.imports.reasons import reason_shown, shown
from centricity.imports.review import duplicates, quarantine
from centricity.kit.errors import DomainError, Invalid
from centricity.kit.i18n import Message, lazy
from centricity.kit.text import size_text
from centricity.web.api import PathId
from centricity.web.csrf import CSRF_FIELD, csrf_protect
from centricity.web.deps import DbSession, require_page
from centricity.web.forms import FormErrors
from centricity.web.routing import PrefixRouter
from centricity.web.security import too_large_text
from centricity.web.templating import render

router = PrefixRouter(include_in_schema=False)
Manager = Annotated[User, require_page(Role.MANAGER)]
INLINE_BYTES = 2 * 1024 * 1024  # smaller uploads import while the page waits
ENCODINGS = ("utf-8", "windows-1250", "windows-1251", "windows-1252", "windows-1257",
             "iso-8859-2")  # fmt: skip
OPTION_FIELDS = ("encoding", "delimiter", "decimal", "date_format", "timezone", "sheet")


class UploadTooLarge(DomainError):
    """The upload is over the limit: a page of its own (413) says what to do instead."""

    status_code = 413


def _index(request: Request, session: DbSession, user: User, **extra: Any) -> Response:
    limit = request.app.state.settings.max_upload_bytes
    context = {
        "user": user,
        "kinds": [registry.get(name) for name in registry.names()],
        "jobs": service.list_jobs(session, actor=user),
        "limit": size_text(limit),
        "encodings": ENCODINGS,
        "duplicates": duplicates.open_count(session),
        "values": {},
        "errors": {},
        **extra,
    }
    return render(request, "imports/index.html", context, status_code=extra.pop("status", 200))


@router.get("/imports", response_class=HTMLResponse)
def import_page(request: Request, session: DbSession, user: Manager) -> Response:
    """Upload a file, see recent imports, find the duplicate review and exports."""
    return _index(request, session, user)


def _options(form: dict[str, Any]) -> ImportOptions:
    options = ImportOptions(kind=str(form.get("kind") or ""))
    for name in OPTION_FIELDS:
        value = str(form.get(name) or "").strip()
        if value:
            setattr(options, name, value)
    return options


@router.post("/imports", dependencies=[Depends(csrf_protect)])
async def upload(request: Request, session: DbSession, user: Manager) -> Response:
    """Store the upload and show how it will be read (nothing is imported yet)."""
    # The request began as a writer (BEGIN IMMEDIATE on SQLite); the body may take long
    # to arrive and longer to parse, so the lock is given back until the job is written.
    await run_in_threadpool(session.commit)
    form = await request.form()
    fields = {k: v for k, v in form.items() if isinstance(v, str) and k != CSRF_FIELD}
    file = form.get("file")
    if not isinstance(file, UploadFile) or not file.filename:
        errors: FormErrors = {"file": lazy("choose a file to upload")}
        return _index(request, session, user, values=fields, errors=errors, status=422)
    if not service.known_format(file.filename):
        errors = {"file": lazy("use a .csv, .tsv, .txt, .xlsx, .parquet or .jsonl file")}
        return _index(request, session, user, values=fields, errors=errors, status=422)
    settings = request.app.state.settings
    try:
        job = await run_in_threadpool(_create, session, settings, file, fields, user)
    except UploadTooLarge:
        raise
    except DomainError as exc:
        errors = {exc.field or "file": exc.message}
        return _index(request, session, user, values=fields, errors=errors, status=422)
    return RedirectResponse(f"/imports/{job.id}", status_code=303)


def _create(
    session: DbSession, settings: Any, file: UploadFile, fields: dict[str, Any], user: User
) -> ImportJob:
    if fields.get("kind") not in registry.names():
        raise Invalid(lazy("choose what the file holds"), field="kind")
    limit = settings.max_upload_bytes
    try:
        path, _size = service.store_upload(
            settings, filename=file.filename or "", stream=file.file, limit=limit
        )
    except Invalid:
        raise UploadTooLarge(too_large_text(limit)) from None
    prepared = service.inspect_upload(settings, path=path, options=_options(fields))
    try:
        begin_writing(session)  # parsed outside any transaction; now the job is written
        return service.register_upload(
            session, prepared=prepared, filename=file.filename or "", actor=user
        )
    except BaseException:
        path.unlink(missing_ok=True)
        raise


def _shown_preview(preview: dict[str, Any]) -> dict[str, Any]:
    """A stored preview as its page shows it: the English notes, problem and row reasons
    it holds become texts in the viewer's language (the stored preview stays as it is)."""
    problem = preview.get("problem")
    return {
        **preview,
        "notes": [shown(str(note)) for note in preview.get("notes") or []],
        "problem": shown(str(problem)) if problem else None,
        "problems": [
            (line, reason_shown(str(reason))) for line, reason in preview.get("problems") or []
        ],
    }


def _job_page(request: Request, user: User, job: ImportJob, error: Message = "") -> Response:
    """A job's page from what is stored: a view never opens the uploaded file again."""
    context: dict[str, Any] = {"user": user, "job": job, "error": error, "preview": None}
    if job.status == JobStatus.PENDING:
        if job.preview:
            context["preview"] = _shown_preview(job.preview)
            context["spec"] = registry.get(job.kind)
        else:
            context["error"] = error or service.NO_LONGER_AVAILABLE
    status = 422 if error else 200
    return render(request, "imports/job.html", context, status_code=status)


@router.get("/imports/{job_id}", response_class=HTMLResponse)
def job_page(request: Request, session: DbSession, user: Manager, job_id: PathId) -> Response:
    """A pending upload's mapping preview, or a running or finished import's summary."""
    return _job_page(request, user, service.get_job(session, job_id, actor=user))


def _overrides(form: dict[str, Any], headers: list[str]) -> dict[str, str | None]:
    overrides: dict[str, str | None] = {}
    for index in range(len(headers)):
        if f"map.{index}" in form:
            overrides[f"#{index}"] = str(form[f"map.{index}"]) or None
    return overrides


def _changed(job: ImportJob, overrides: dict[str, str | None]) -> bool:
    """Does the submitted mapping differ from the stored preview's?"""
    pairs = (job.preview or {}).get("pairs")
    if not pairs:
        return True
    stored = {f"#{index}": target for index, (_header, target) in enumerate(pairs)}
    return any(stored.get(key) != target for key, target in overrides.items())


@router.post("/imports/{job_id}/run", dependencies=[Depends(csrf_protect)])
async def run_import(
    request: Request, session: DbSession, user: Manager, job_id: PathId
) -> Response:
    """Apply the chosen mapping; with "Import", start the import."""
    form = dict((await request.form()).items())
    return await run_in_threadpool(_apply, request, session, user, job_id, form)


def _remap(
    request: Request, session: DbSession, user: User, job: ImportJob, form: dict[str, Any]
) -> ImportJob:
    """Read the file again with the submitted mapping, outside any transaction (the
    request gives its write lock back first), then store the new preview."""
    options = service.stored_options(job)
    options.overrides = _overrides(form, list(job.options.get("header") or []))
    path = Path(job.stored_path or "")
    session.commit()
    prepared = service.reprepare(path, options, request.app.state.settings)
    begin_writing(session)
    fresh = service.get_job(session, job.id, actor=user)
    session.refresh(fresh)  # another request may have queued it while the file was read
    if fresh.status == JobStatus.PENDING:
        service.store_preview(fresh, prepared)
    return fresh


def _apply(
    request: Request, session: DbSession, user: User, job_id: int, form: dict[str, Any]
) -> Response:
    job = service.get_job(session, job_id, actor=user)
    if job.status != JobStatus.PENDING:
        return RedirectResponse(f"/imports/{job.id}", status_code=303)
    headers = list(job.options.get("header") or [])
    if _changed(job, _overrides(form, headers)):
        try:
            job = _remap(request, session, user, job, form)
        except DomainError as exc:
            return _job_page(request, user, job, exc.message)
        if job.status != JobStatus.PENDING:
            return RedirectResponse(f"/imports/{job.id}", status_code=303)
    if form.get("action") != "import":
        return _job_page(request, user, job)
    problem = (job.preview or {}).get("problem")
    if problem:
        return _job_page(request, user, job, shown(str(problem)))
    stored = Path(job.stored_path or "")
    if not stored.is_file():
        return _job_page(request, user, job, service.NO_LONGER_AVAILABLE)
    size = stored.stat().st_size
    service.queue_upload(session, job)
    session.commit()
    if size <= INLINE_BYTES:
        service.run_upload(request.app.state.session_factory, job.id, request.app.state.settings)
    return RedirectResponse(f"/imports/{job.id}", status_code=303)


@router.get("/imports/{job_id}/quarantine")
def download_quarantine(
    request: Request, session: DbSession, user: Manager, job_id: PathId
) -> Response:
    """The rows this import could not take, with line and reason, in the input's format
    (confidential contacts only for the uploader's department and admins)."""
    del request
    job = service.get_job(session, job_id, actor=user)
    fmt = job.options.get("format", "csv")
    handle = tempfile.NamedTemporaryFile(suffix=quarantine.SUFFIXES.get(fmt, ".csv"), delete=False)
    handle.close()
    path = Path(handle.name)
    service.write_quarantine_file(session, job, path, actor=user)
    return FileResponse(
        path,
        media_type=quarantine.MEDIA_TYPES.get(fmt, "application/octet-stream"),
        filename=quarantine.download_name(job),
        background=BackgroundTask(path.unlink, missing_ok=True),
    )


@router.get("/customers/export")
def export_customers(
    request: Request,
    session: DbSession,
    user: Manager,
    format: Annotated[str, Query(pattern="^(csv|xlsx)$")] = "csv",
    q: Annotated[str, Query(max_length=200)] = "",
    segment: Annotated[str, Query(max_length=40)] = "",
    tier: Annotated[str, Query(max_length=40)] = "",
) -> Response:
    """Download the customer list, a search or a value filter as CSV or XLSX (formulas
    escaped): the same customers the list shows for these parameters."""
    selection = exports.Selection(q=q or None, segment=segment or None, tier=tier or None)
    return api.export_response(request, session, user, format, selection)
