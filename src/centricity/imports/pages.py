"""The import page (upload → mapping preview → result, quarantine download) and the
customer export download. Managers and admins only.

Small uploads import while the page waits; bigger ones run in the background worker and
the result page refreshes itself. Larger files than the upload limit are refused before
they are read, with a message pointing to `centricity import`.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from starlette.background import BackgroundTask
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException

from centricity.accounts.models import Role, User
from centricity.imports import api, duplicates, exports, quarantine, registry, service
from centricity.imports.frames import drop_blank_rows
from centricity.imports.models import ImportJob, JobStatus
from centricity.imports.plan import ImportOptions, Prepared
from centricity.imports.seen import SeenKeys
from centricity.imports.validate import REASON, check
from centricity.kit.errors import DomainError, Invalid
from centricity.web.api import PathId
from centricity.web.csrf import CSRF_FIELD, csrf_protect
from centricity.web.deps import DbSession, require_page
from centricity.web.security import too_large_message
from centricity.web.templating import render

router = APIRouter(include_in_schema=False)
Manager = Annotated[User, require_page(Role.MANAGER)]
INLINE_BYTES = 2 * 1024 * 1024  # smaller uploads import while the page waits
PREVIEW_ROWS = 200
ENCODINGS = ("utf-8", "windows-1250", "windows-1251", "windows-1252", "windows-1257",
             "iso-8859-2")  # fmt: skip
OPTION_FIELDS = ("encoding", "delimiter", "decimal", "date_format", "timezone", "sheet")


def _mb(size: int) -> str:
    return f"{size / (1024 * 1024):.0f} MB"


def _index(request: Request, session: DbSession, user: User, **extra: Any) -> Response:
    limit = request.app.state.settings.max_upload_bytes
    context = {
        "user": user,
        "kinds": [registry.get(name) for name in registry.names()],
        "jobs": service.list_jobs(session),
        "limit": _mb(limit),
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
    form = await request.form()
    fields = {k: v for k, v in form.items() if isinstance(v, str) and k != CSRF_FIELD}
    file = form.get("file")
    if not isinstance(file, UploadFile) or not file.filename:
        errors = {"file": "choose a file to upload"}
        return _index(request, session, user, values=fields, errors=errors, status=422)
    if not service.known_format(file.filename):
        errors = {"file": "use a .csv, .tsv, .txt, .xlsx, .parquet or .jsonl file"}
        return _index(request, session, user, values=fields, errors=errors, status=422)
    settings = request.app.state.settings
    try:
        job = await run_in_threadpool(_create, session, settings, file, fields, user)
    except DomainError as exc:
        errors = {exc.field or "file": exc.message}
        return _index(request, session, user, values=fields, errors=errors, status=422)
    return RedirectResponse(f"/imports/{job.id}", status_code=303)


def _create(
    session: DbSession, settings: Any, file: UploadFile, fields: dict[str, Any], user: User
) -> ImportJob:
    if fields.get("kind") not in registry.names():
        raise Invalid("choose what the file holds", field="kind")
    limit = settings.max_upload_bytes
    try:
        path, _size = service.store_upload(
            settings, filename=file.filename or "", stream=file.file, limit=limit
        )
    except Invalid:
        raise HTTPException(413, too_large_message(limit)) from None
    options = _options(fields)
    try:
        job, _prepared = service.create_upload(
            session, settings=settings, path=path, filename=file.filename or "", options=options,
            actor=user,
        )  # fmt: skip
    except DomainError:
        path.unlink(missing_ok=True)
        raise
    return job


def _preview(prepared: Prepared) -> dict[str, Any]:
    frames = prepared.source.batches()
    sample = next((drop_blank_rows(f) for f in frames), None)
    if sample is None or sample.is_empty():
        return {"rows": [], "problems": [], "checked": 0, "invalid": 0}
    sample = sample.head(PREVIEW_ROWS)
    width = len(prepared.source.header)
    rows = [
        [r.get(f"c{i}") or "" for i in range(width)] for r in sample.head(5).iter_rows(named=True)
    ]
    if prepared.problem:
        return {"rows": rows, "problems": [], "checked": 0, "invalid": 0}
    checked = check(prepared.plan, sample, SeenKeys())
    problems = [(r["__line"], r[REASON]) for r in checked.rejected.head(10).iter_rows(named=True)]
    return {"rows": rows, "problems": problems, "checked": sample.height,
            "invalid": checked.rejected.height}  # fmt: skip


def _job_page(
    request: Request, user: User, job: ImportJob, prepared: Prepared | None, error: str = ""
) -> Response:
    context: dict[str, Any] = {"user": user, "job": job, "error": error, "prepared": prepared}
    if prepared is not None:
        context["spec"] = prepared.spec
        context["info"] = prepared.describe()
        context["preview"] = _preview(prepared)
    status = 422 if error else 200
    return render(request, "imports/job.html", context, status_code=status)


@router.get("/imports/{job_id}", response_class=HTMLResponse)
def job_page(request: Request, session: DbSession, user: Manager, job_id: PathId) -> Response:
    """A pending upload's mapping preview, or a running or finished import's summary."""
    job = service.get_job(session, job_id)
    if job.status != JobStatus.PENDING:
        return _job_page(request, user, job, None)
    try:
        prepared = service.reprepare(job, request.app.state.settings)
    except DomainError as exc:
        return _job_page(request, user, job, None, exc.message)
    return _job_page(request, user, job, prepared)


def _overrides(form: dict[str, Any], headers: list[str]) -> dict[str, str | None]:
    overrides: dict[str, str | None] = {}
    for index in range(len(headers)):
        if f"map.{index}" in form:
            overrides[f"#{index}"] = str(form[f"map.{index}"]) or None
    return overrides


@router.post("/imports/{job_id}/run", dependencies=[Depends(csrf_protect)])
async def run_import(
    request: Request, session: DbSession, user: Manager, job_id: PathId
) -> Response:
    """Apply the chosen mapping; with "Import", start the import."""
    form = dict((await request.form()).items())
    return await run_in_threadpool(_apply, request, session, user, job_id, form)


def _apply(
    request: Request, session: DbSession, user: User, job_id: int, form: dict[str, Any]
) -> Response:
    job = service.get_job(session, job_id)
    if job.status != JobStatus.PENDING:
        return RedirectResponse(f"/imports/{job.id}", status_code=303)
    settings = request.app.state.settings
    headers = list(job.options.get("header") or [])
    try:
        prepared = service.reprepare(job, settings, overrides=_overrides(form, headers))
    except DomainError as exc:
        return _job_page(request, user, job, None, exc.message)
    if form.get("action") != "import":
        return _job_page(request, user, job, prepared)
    if prepared.problem:
        return _job_page(request, user, job, prepared, prepared.problem)
    service.queue_upload(session, job, prepared)
    session.commit()
    if prepared.facts.size <= INLINE_BYTES:
        service.run_upload(request.app.state.session_factory, job.id, settings)
    return RedirectResponse(f"/imports/{job.id}", status_code=303)


@router.get("/imports/{job_id}/quarantine")
def download_quarantine(
    request: Request, session: DbSession, user: Manager, job_id: PathId
) -> Response:
    """The rows this import could not take, with line and reason, in the input's format."""
    del request, user
    job = service.get_job(session, job_id)
    fmt = job.options.get("format", "csv")
    handle = tempfile.NamedTemporaryFile(suffix=quarantine.SUFFIXES.get(fmt, ".csv"), delete=False)
    handle.close()
    path = Path(handle.name)
    quarantine.write(session, job, path)
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
