"""CSRF protection for cookie-authenticated forms: a per-session token plus an Origin check.

The login form, which has no session yet, uses a double-submit cookie instead.
"""

from __future__ import annotations

import secrets
from typing import Annotated, Any

from fastapi import Depends, Request

from centricity.web.deps import Principal, page_principal

CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
LOGIN_CSRF_COOKIE = "centricity_login_csrf"


class CsrfFailed(Exception):
    """The form's token is missing, wrong, or the request comes from another origin."""


def same_origin(request: Request) -> bool:
    """Reject requests whose Origin (or Referer) names another site."""
    origin = request.headers.get("origin") or request.headers.get("referer")
    if not origin or origin == "null":
        return origin is None
    own = f"{request.url.scheme}://{request.url.netloc}"
    return origin == own or origin.startswith(own + "/")


async def _submitted_token(request: Request) -> str:
    header = request.headers.get(CSRF_HEADER)
    if header:
        return header
    content_type = request.headers.get("content-type", "")
    if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        form = await request.form()
        value = form.get(CSRF_FIELD)
        return value if isinstance(value, str) else ""
    return ""


async def csrf_protect(
    request: Request, principal: Annotated[Principal | None, Depends(page_principal)]
) -> None:
    """Dependency for unsafe page routes: the token must match the caller's session."""
    if not same_origin(request):
        raise CsrfFailed()
    if principal is None or principal.web_session is None:
        return  # require_page answers first with a redirect to /login
    expected = principal.web_session.csrf_token
    if not secrets.compare_digest(await _submitted_token(request), expected):
        raise CsrfFailed()


csrf_protect.csrf = True  # type: ignore[attr-defined]


async def login_csrf_protect(request: Request) -> None:
    """Dependency for the login form: double-submit cookie plus Origin check."""
    cookie = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    if not same_origin(request) or not cookie:
        raise CsrfFailed()
    if not secrets.compare_digest(await _submitted_token(request), cookie):
        raise CsrfFailed()


login_csrf_protect.csrf = True  # type: ignore[attr-defined]


def is_csrf_dependency(call: Any) -> bool:
    """Tell whether a dependency is one of the CSRF checks (for the route-walking test)."""
    return bool(getattr(call, "csrf", False))


def new_login_token() -> str:
    """A fresh token for the login form's double-submit cookie."""
    return secrets.token_urlsafe(32)
