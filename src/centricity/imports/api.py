"""REST ingest (`POST /api/v1/ingest/{kind}`) and customer export
(`GET /api/v1/exports/customers`).

With an Idempotency-Key the route commits twice, as the edge that owns the transaction:
once to publish its claim on the key, once (through the request) with the data and the
stored answer.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import Body, Header, Query, Request
from fastapi import Path as PathParam
from fastapi.responses import FileResponse, JSONResponse, Response, StreamingResponse
from starlette.background import BackgroundTask

from centricity.accounts.models import Role, User
from centricity.db import begin_writing
from centricity.imports import exports, idempotency, ingest, registry
from centricity.imports.schemas import IngestReport
from centricity.kit.errors import DomainError, NotFound
from centricity.web.api import ERROR_RESPONSES, api_router
from centricity.web.deps import DbSession, Forbidden, require_api

router = api_router("/api/v1", "import")

KindName = Annotated[str, PathParam(min_length=1, max_length=40, description="e.g. customers")]
IdempotencyKeyHeader = Annotated[
    str | None,
    Header(alias="Idempotency-Key", min_length=1, max_length=200, pattern=r"^[!-~]+$"),
]
Payload = Annotated[
    dict[str, Any] | list[dict[str, Any]],
    Body(description="One record (object) or a batch of up to 10,000 (array)."),
]


class MissingKey(DomainError):
    """A batch without an Idempotency-Key (400)."""

    status_code = 400


def _bearer(request: Request) -> str:
    scheme, _, value = request.headers.get("authorization", "").partition(" ")
    return value.strip() if scheme.lower() == "bearer" else ""


def _spec(kind: str, user: User) -> registry.KindSpec:
    try:
        spec = registry.get(kind)
    except KeyError:
        raise NotFound(f"unknown kind; use one of {', '.join(registry.names())}") from None
    if user.role_enum.rank < spec.min_role.rank:
        raise Forbidden()
    return spec


@router.post(
    "/ingest/{kind}",
    response_model=IngestReport,
    responses={413: ERROR_RESPONSES[422] | {"description": "Too many records."}},
)
def ingest_records(
    request: Request,
    session: DbSession,
    user: Annotated[User, require_api(Role.AGENT)],
    kind: KindName,
    payload: Payload,
    idempotency_key: IdempotencyKeyHeader = None,
) -> Response:
    """Import one record or a batch (`Idempotency-Key` required for batches, 24 h replay).

    Answers 200 with counts and per-record errors when anything was imported, 422 when
    nothing could be; a replay returns the stored answer, the same key with another body
    422, a key whose first request still runs 409, a batch without a key 400.
    """
    spec = _spec(kind, user)
    records = payload if isinstance(payload, list) else [payload]
    if isinstance(payload, list) and idempotency_key is None:
        raise MissingKey("a batch needs an Idempotency-Key header")
    if len(records) > ingest.MAX_RECORDS:
        raise ingest.TooManyRecords(f"send at most {ingest.MAX_RECORDS} records per request")
    claimed = None
    if idempotency_key is not None:
        digest = idempotency.request_hash(kind, payload)
        claimed = idempotency.claim(
            session, bearer=_bearer(request), key=idempotency_key, digest=digest
        )
        if claimed.replay is not None:
            status, body = claimed.replay
            return JSONResponse(body, status_code=status, headers={"Idempotent-Replayed": "true"})
        begin_writing(session)
    try:
        return _run(session, spec, records, user, claimed)
    except BaseException:
        if claimed is not None:
            session.rollback()
            idempotency.release(session, claimed)
        raise


def _run(
    session: DbSession,
    spec: registry.KindSpec,
    records: list[dict[str, Any]],
    user: User,
    claimed: idempotency.Claim | None,
) -> Response:
    result = ingest.ingest(session, spec=spec, records=records, actor=user)
    status = 200 if result.accepted else 422
    body: dict[str, Any] = result.report()
    if status == 422:
        errors = [{"field": f"[{i}]", "message": r} for i, r in result.errors]
        body = {"detail": "no record could be imported", "errors": errors, "report": body}
    if claimed is not None:
        idempotency.settle(session, claimed, status, body)
    return JSONResponse(body, status_code=status)


ExportFormat = Annotated[Literal["csv", "xlsx"], Query(description="csv or xlsx")]
SearchText = Annotated[str | None, Query(max_length=200, description="Name, e-mail, phone or id")]
ValueFilter = Annotated[
    str | None, Query(max_length=40, description="A value segment or tier, as on the list")
]
EXPORT_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The export file.",
        "content": {"text/csv": {}, exports.MEDIA_TYPES["xlsx"]: {}},
    }
}


def export_response(
    request: Request, session: DbSession, user: User, fmt: str, selection: exports.Selection
) -> Response:
    """Start an export (audited in the request) and stream or send the file."""
    query, _rows = exports.start(session, actor=user, selection=selection, fmt=fmt)
    headers = {"Content-Disposition": f'attachment; filename="{exports.filename(fmt)}"'}
    if fmt == "csv":
        session.commit()  # the audit entry; the stream reads in its own session
        chunks = exports.csv_chunks(request.app.state.session_factory, query)
        return StreamingResponse(chunks, media_type=exports.MEDIA_TYPES["csv"], headers=headers)
    handle = tempfile.NamedTemporaryFile(suffix=".xlsx", delete=False)
    handle.close()
    path = Path(handle.name)
    exports.write_xlsx(session, query, path)
    return FileResponse(
        path,
        media_type=exports.MEDIA_TYPES["xlsx"],
        headers=headers,
        background=BackgroundTask(path.unlink, missing_ok=True),
    )


@router.get("/exports/customers", response_class=Response, responses=EXPORT_RESPONSES)
def export_customers(
    request: Request,
    session: DbSession,
    user: Annotated[User, require_api(Role.MANAGER)],
    format: ExportFormat = "csv",
    q: SearchText = None,
    segment: ValueFilter = None,
    tier: ValueFilter = None,
) -> Response:
    """The customer list, or a search or value filter of it, as CSV or XLSX (formulas
    escaped)."""
    selection = exports.Selection(q=q, segment=segment or None, tier=tier or None)
    return export_response(request, session, user, format, selection)
