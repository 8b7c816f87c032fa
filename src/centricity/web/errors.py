"""Exception handlers: friendly 403/404/500/503 pages for people, JSON for the API.

Messages shown are the domain's own (written for users); exception text from libraries,
which may hold personal data, is never shown or logged.
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from sqlalchemy.exc import DataError, IntegrityError, OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException

from centricity.kit.errors import DomainError
from centricity.kit.i18n import LazyText, Message, lazy, noop
from centricity.kit.validation import friendly_message, friendly_text
from centricity.web.csrf import CsrfFailed
from centricity.web.deps import Forbidden, NotAuthenticated
from centricity.web.security import BUSY_MESSAGE, RETRY_AFTER_SECONDS, is_lock_timeout
from centricity.web.templating import render

# Page titles by status, translated when the page renders.
_TITLES = {
    400: noop("Bad request"),
    403: noop("Not allowed"),
    404: noop("Not found"),
    405: noop("Method not allowed"),
    409: noop("Conflict"),
    413: noop("Too large"),
    422: noop("Invalid input"),
    429: noop("Too many attempts"),
    503: noop("Busy"),
}
ERROR_TITLE = noop("Error")
# What a page says when the framework's answer carries only the status's standard phrase
# ("Not Found"), which is English and says nothing the title does not.
_PAGE_MESSAGES = {
    400: noop("The request could not be understood."),
    404: noop("There is nothing at this address, or you may not see it."),
    405: noop("This address does not accept this kind of request."),
    413: noop("What was sent is larger than allowed."),
    429: noop("Too many attempts; try later."),
}
OTHER_PAGE_MESSAGE = noop("The request could not be completed.")
# One invalid field on an error page: its name as sent, and why (not translated as a whole).
_FIELD_REASON = "%(field)s: %(reason)s"


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def error_response(
    request: Request,
    status: int,
    message: Message,
    *,
    details: list[Message] | None = None,
    **extra: Any,
) -> Response:
    """Answer an error as JSON for the API (English) or as a friendly page for people (in
    their language); `details` are listed under the message on the page only."""
    if _is_api(request):
        return JSONResponse({"detail": str(message), **extra}, status_code=status)
    context = {
        "status": status,
        "title": lazy(_TITLES.get(status, ERROR_TITLE)),
        "message": message,
        "details": details or [],
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
    if _is_api(request):
        summary = "; ".join(f"{e['field']}: {e['message']}" for e in errors)
        return error_response(request, 422, summary or "invalid input", errors=errors)
    details: list[Message] = [
        LazyText(_FIELD_REASON, params={"field": e["field"], "reason": friendly_text(dict(err))})
        for e, err in zip(errors, exc.errors(), strict=True)
    ]
    return error_response(request, 422, lazy("Some values were not accepted:"), details=details)


def _http_message(exc: StarletteHTTPException, api: bool) -> Message:
    """The API keeps the exception's own detail; a page says it in the viewer's language."""
    detail = exc.detail
    if isinstance(detail, LazyText):
        return detail
    if not isinstance(detail, str):
        return lazy(_TITLES.get(exc.status_code, ERROR_TITLE))
    if api:
        return detail
    try:
        phrase = HTTPStatus(exc.status_code).phrase
    except ValueError:
        phrase = ""
    if detail == phrase or not detail:
        return lazy(_PAGE_MESSAGES.get(exc.status_code, OTHER_PAGE_MESSAGE))
    return lazy(detail)


async def _on_http(request: Request, exc: StarletteHTTPException) -> Response:
    message = _http_message(exc, _is_api(request))
    response = error_response(request, exc.status_code, message)
    for key, value in (exc.headers or {}).items():
        response.headers[key] = value
    return response


async def _on_domain(request: Request, exc: DomainError) -> Response:
    extra: dict[str, Any] = (
        {"errors": [{"field": exc.field, "message": str(exc)}]} if exc.field else {}
    )
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
    return error_response(request, 403, lazy("your role does not allow this"))


async def _on_csrf(request: Request, _exc: CsrfFailed) -> Response:
    return error_response(
        request, 403, lazy("the form expired or came from another site; reload and retry")
    )


async def _on_data_error(request: Request, _exc: DataError) -> Response:
    # The database refused a value (NUL byte, numeric overflow): the input was bad.
    return error_response(
        request, 422, lazy("a value is out of range or contains invalid characters")
    )


async def _on_integrity_error(request: Request, _exc: IntegrityError) -> Response:
    # A concurrent request created the same unique record first.
    return error_response(request, 409, lazy("the change conflicts with existing data"))


async def _on_operational_error(request: Request, exc: OperationalError) -> Response:
    # The write lock was busy past the timeout (a long import, a burst of writers): the
    # request did nothing and can be repeated, so say when instead of failing with a 500.
    if not is_lock_timeout(exc):
        raise exc
    response = error_response(request, 503, lazy(BUSY_MESSAGE))
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
