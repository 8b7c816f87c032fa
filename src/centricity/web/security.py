"""ASGI middleware: request ids, security headers, access log without personal data, and a
last-resort 500 that never shows (or logs) the exception's message (503 with Retry-After
when the store's lock could not be had)."""

from __future__ import annotations

import html
import json
import logging
import sqlite3
import time
import uuid
from typing import Any

from sqlalchemy.exc import OperationalError
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from centricity.kit.i18n import LazyText, lazy, noop
from centricity.kit.logs import frames_only
from centricity.kit.text import size_text

log = logging.getLogger("centricity.web")

# How long a client is asked to wait when the store's write lock could not be had.
RETRY_AFTER_SECONDS = 5
# Pages show it in the viewer's language (web/errors.py); the API and the bare answer below
# in English.
BUSY_MESSAGE = noop("The store is busy with other changes; try again in a few seconds.")
# PostgreSQL: lock_not_available (lock_timeout, NOWAIT) and deadlock_detected.
_LOCK_STATES = frozenset({"55P03", "40P01"})
_SQLITE_LOCKED = ("database is locked", "database table is locked")

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; "
    "base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)


def _security_headers(path: str, secure: bool) -> list[tuple[bytes, bytes]]:
    headers = [
        (b"x-content-type-options", b"nosniff"),
        (b"referrer-policy", b"same-origin"),
        (b"x-frame-options", b"DENY"),
        (b"content-security-policy", CSP.encode()),
        (b"cross-origin-opener-policy", b"same-origin"),
    ]
    if not path.startswith("/static/"):
        headers.append((b"cache-control", b"no-store"))
    if secure:
        headers.append((b"strict-transport-security", b"max-age=31536000"))
    return headers


def _error_body(request_id: str, api: bool) -> tuple[bytes, bytes]:
    if api:
        body = f'{{"detail": "internal error", "correlation_id": "{request_id}"}}'
        return body.encode(), b"application/json"
    html = (
        "<!doctype html><html lang=en><meta charset=utf-8><title>Something went wrong</title>"
        "<body><main><h1>Something went wrong</h1><p>The error has been logged. Quote this "
        f"reference when you report it: <code>{request_id}</code></p><p><a href='/'>Back to "
        "the dashboard</a></p></main></body></html>"
    )
    return html.encode(), b"text/html; charset=utf-8"


def is_lock_timeout(exc: BaseException) -> bool:
    """Did the store refuse for want of a lock (SQLite's busy timeout, a PostgreSQL lock
    timeout or deadlock)? That is no bug: the same request succeeds a moment later, so
    it answers 503 with Retry-After, never a 500 that looks like a crash."""
    if not isinstance(exc, OperationalError):
        return False
    orig = exc.orig
    if getattr(orig, "sqlstate", None) in _LOCK_STATES:
        return True
    return isinstance(orig, sqlite3.OperationalError) and str(orig) in _SQLITE_LOCKED


def _busy_answer(api: bool) -> list[Message]:
    if api:
        body, ctype = json.dumps({"detail": BUSY_MESSAGE}).encode(), b"application/json"
    else:
        page = (
            "<!doctype html><html lang=en><meta charset=utf-8><title>Busy</title><body><main>"
            f"<h1>Busy</h1><p>{html.escape(BUSY_MESSAGE)}</p></main></body></html>"
        )
        body, ctype = page.encode(), b"text/html; charset=utf-8"
    headers = [(b"content-type", ctype), (b"retry-after", str(RETRY_AFTER_SECONDS).encode())]
    return [
        {"type": "http.response.start", "status": 503, "headers": headers},
        {"type": "http.response.body", "body": body},
    ]


class BodyTooLarge(Exception):
    """The request body grew past the configured limit while being read."""


# Room for a multipart form's boundaries and fields around a file of the full limit.
FORM_OVERHEAD = 64 * 1024


# What a person whose upload is over the limit reads, and what to do instead.
TOO_LARGE = noop(
    "The file is larger than the upload limit of %(limit)s. Import it on the server with "
    "`centricity import KIND FILE`, or ask an admin to raise CENTRICITY_MAX_UPLOAD_BYTES."
)


def too_large_message(limit: int) -> str:
    """The refusal in English (the answer sent before any page knows the language)."""
    return TOO_LARGE % {"limit": size_text(limit)}


def too_large_text(limit: int) -> LazyText:
    """The refusal for a page, in the viewer's language."""
    return lazy(TOO_LARGE, limit=size_text(limit))


def _too_large_page(limit: int) -> str:
    return (
        "<!doctype html><html lang=en><meta charset=utf-8><title>Upload too large</title>"
        f"<body><main><h1>Upload too large</h1><p>{html.escape(too_large_message(limit))}</p>"
        "<p><a href='/imports'>Back to the import page</a></p></main></body></html>"
    )


def _plain_answer(status: int, text: str, api: bool = False) -> list[Message]:
    """A short refusal: JSON on the API (its documented error shape), text elsewhere."""
    if api:
        body, ctype = json.dumps({"detail": text}).encode(), b"application/json"
    elif text.startswith("<!doctype html>"):
        body, ctype = text.encode(), b"text/html; charset=utf-8"
    else:
        body, ctype = text.encode(), b"text/plain; charset=utf-8"
    return [
        {"type": "http.response.start", "status": status, "headers": [(b"content-type", ctype)]},
        {"type": "http.response.body", "body": body},
    ]


def _too_large(max_body: int, api: bool) -> list[Message]:
    if api:
        return _plain_answer(413, f"The request is larger than {max_body} bytes.", api)
    return _plain_answer(413, _too_large_page(max_body - FORM_OVERHEAD))


def _early_refusal(scope: Scope, max_body: int) -> list[Message] | None:
    """Refuse oversized bodies and NUL bytes in the query before any code reads them."""
    api = scope["path"].startswith("/api/")
    for name, value in scope.get("headers", []):
        if name == b"content-length" and value.isdigit() and int(value) > max_body:
            return _too_large(max_body, api)
    if b"%00" in scope.get("query_string", b"").lower():
        return _plain_answer(400, "The address contains a NUL character.", api)
    return None


def _limited(receive: Receive, max_body: int) -> Receive:
    seen = 0

    async def counted() -> Message:
        nonlocal seen
        message = await receive()
        seen += len(message.get("body", b""))
        if seen > max_body:
            raise BodyTooLarge()
        return message

    return counted


class SecurityMiddleware:
    """Wrap every HTTP request: id, headers, size limit, timing, a generic 500 on crashes."""

    def __init__(self, app: ASGIApp, *, secure: bool, max_upload: int) -> None:
        self.app = app
        self.secure = secure
        self.max_body = max_upload + FORM_OVERHEAD

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = uuid.uuid4().hex[:16]
        scope.setdefault("state", {})["request_id"] = request_id
        started = time.perf_counter()
        status: dict[str, Any] = {"code": 500, "sent": False}

        async def send_wrapper(message: Message) -> None:
            if message["type"] == "http.response.start":
                status["code"], status["sent"] = message["status"], True
                headers = list(message.get("headers", []))
                headers += _security_headers(scope["path"], self.secure)
                headers.append((b"x-request-id", request_id.encode()))
                message["headers"] = headers
            await send(message)

        refusal = _early_refusal(scope, self.max_body)
        try:
            if refusal is not None:
                for message in refusal:
                    await send_wrapper(message)
                return
            await self.app(scope, _limited(receive, self.max_body), send_wrapper)
        except BodyTooLarge:
            if not status["sent"]:
                for message in _too_large(self.max_body, scope["path"].startswith("/api/")):
                    await send_wrapper(message)
        except Exception as exc:  # noqa: BLE001 - last resort: log frames, never the message
            if is_lock_timeout(exc):
                log.warning("store busy request_id=%s", request_id)
                if not status["sent"]:
                    for message in _busy_answer(scope["path"].startswith("/api/")):
                        await send_wrapper(message)
                return
            log.error("unhandled request_id=%s %s", request_id, frames_only(exc))
            if not status["sent"]:
                body, ctype = _error_body(request_id, scope["path"].startswith("/api/"))
                await send_wrapper(
                    {
                        "type": "http.response.start",
                        "status": 500,
                        "headers": [(b"content-type", ctype)],
                    }
                )
                await send_wrapper({"type": "http.response.body", "body": body})
        finally:
            route = scope.get("route")
            path = getattr(route, "path", "unmatched")
            elapsed_ms = (time.perf_counter() - started) * 1000
            log.info(
                "%s %s %s %.1fms request_id=%s",
                scope["method"],
                path,
                status["code"],
                elapsed_ms,
                request_id,
            )
