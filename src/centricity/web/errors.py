"""Exception handlers: friendly 403/404/500/503 pages for people, JSON for the API.

Messages shown are the domain's own (written for users); exception text from libraries,
which may hold personal data, is never shown or logged.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from sqlalchemy.exc import DataError, IntegrityError, OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException

from centricity.kit.errors import DomainError
from centricity.kit.i18n import Message
from centricity.kit.validation import friendly_message
from centricity.web.csrf import CsrfFailed
from centricity.web.deps import Forbidden, NotAuthenticated
from centricity.web.security import BUSY_MESSAGE, RETRY_AFTER_SECONDS, is_lock_timeout
from centricity.web.templating import render

_TITLES = {
    400: "Bad request",
    403: "Not allowed",
    404: "Not found",
    405: "Method not allowed",
    413: "Too large",
    422: "Invalid input",
    429: "Too many attempts",
    503: "Busy",
}


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def error_response(request: Request, status: int, message: Message, **extra: Any) -> Response:
    """Answer an error as JSON for the API (English) or as a friendly page for people (in
    their language)."""
    if _is_api(request):
        return JSONResponse({"detail": str(message), **extra}, status_code=status)
    context = {
        "status": status,
        "title": _TITLES.get(status, "Error"),
        "message": message,
        "user": getattr(request.state, "viewer", None),
    }
    return render(request, "error.html", context, status_code=status)


def _validation_errors(exc: RequestValidationError) -> list[dict[str, Any]]:
    errors = []
    for err in exc.errors():
        location = [str(part) for part in err.get("loc", ()) if part != "body"]
        errors.append({"field": ".".join(location), "message": friendly_message(dict(err))})
    return errors


async def _on_validation(request: Request, exc: RequestValidationError) -> Response:
    errors = _validation_errors(exc)
    summary = "; ".join(f"{e['field']}: {e['message']}" for e in errors)
    return error_response(request, 422, summary or "invalid input", errors=errors)


async def _on_http(request: Request, exc: StarletteHTTPException) -> Response:
    message = exc.detail if isinstance(exc.detail, str) else _TITLES.get(exc.status_code, "Error")
    response = error_response(request, exc.status_code, message)
    for key, value in (exc.headers or {}).items():
        response.headers[key] = value
    return response


async def _on_domain(request: Request, exc: DomainError) -> Response:
    extra = {"errors": [{"field": exc.field, "message": str(exc)}]} if exc.field else {}
    return error_response(request, exc.status_code, exc.message, **extra)


async def _on_not_authenticated(request: Request, exc: NotAuthenticated) -> Response:
    if exc.api:
        return JSONResponse(
            {"detail": "authentication required"},
            status_code=401,
            headers={"WWW-Authenticate": "Bearer"},
        )
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse(f"/login?next={quote(target, safe='')}", status_code=303)


async def _on_forbidden(request: Request, _exc: Forbidden) -> Response:
    return error_response(request, 403, "your role does not allow this")


async def _on_csrf(request: Request, _exc: CsrfFailed) -> Response:
    return error_response(
        request, 403, "the form expired or came from another site; reload and retry"
    )


async def _on_data_error(request: Request, _exc: DataError) -> Response:
    # The database refused a value (NUL byte, numeric overflow): the input was bad.
    return error_response(request, 422, "a value is out of range or contains invalid characters")


async def _on_integrity_error(request: Request, _exc: IntegrityError) -> Response:
    # A concurrent request created the same unique record first.
    return error_response(request, 409, "the change conflicts with existing data")


async def _on_operational_error(request: Request, exc: OperationalError) -> Response:
    # The write lock was busy past the timeout (a long import, a burst of writers): the
    # request did nothing and can be repeated, so say when instead of failing with a 500.
    if not is_lock_timeout(exc):
        raise exc
    response = error_response(request, 503, BUSY_MESSAGE)
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def install(app: FastAPI) -> None:
    """Register every handler on the app."""
    app.add_exception_handler(RequestValidationError, _on_validation)  # type: ignore[arg-type]
    app.add_exception_handler(StarletteHTTPException, _on_http)  # type: ignore[arg-type]
    app.add_exception_handler(DomainError, _on_domain)  # type: ignore[arg-type]
    app.add_exception_handler(NotAuthenticated, _on_not_authenticated)  # type: ignore[arg-type]
    app.add_exception_handler(Forbidden, _on_forbidden)  # type: ignore[arg-type]
    app.add_exception_handler(CsrfFailed, _on_csrf)  # type: ignore[arg-type]
    app.add_exception_handler(DataError, _on_data_error)  # type: ignore[arg-type]
    app.add_exception_handler(IntegrityError, _on_integrity_error)  # type: ignore[arg-type]
    app.add_exception_handler(OperationalError, _on_operational_error)  # type: ignore[arg-type]
