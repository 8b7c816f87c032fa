"""CSRF protection for cookie-authenticated forms: a per-session token plus an Origin check.

The login form, which has no session yet, uses a double-submit cookie instead, signed with
the secret key: a page on a sibling subdomain can plant a cookie for this host, but it
cannot make one the server signed, so it cannot pair a planted cookie with a chosen field.
"""

from __future__ import annotations

import secrets
from typing import Annotated, Any

from fastapi import Depends, Request

from centricity.kit.signing import hmac_sha256
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


def _equal(given: str, expected: str) -> bool:
    # Constant time, and on bytes: compare_digest refuses non-ASCII str (a 500, not a 403).
    return secrets.compare_digest(
        given.encode("utf-8", "surrogatepass"), expected.encode("utf-8", "surrogatepass")
    )


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
    if not _equal(await _submitted_token(request), expected):
        raise CsrfFailed()


csrf_protect.csrf = True  # type: ignore[attr-defined]


async def login_csrf_protect(request: Request) -> None:
    """Dependency for the login form: Origin check, then a cookie this server signed, then
    the form's token equal to that cookie."""
    cookie = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    secret = request.app.state.settings.secret_key
    if not same_origin(request) or not valid_login_token(secret, cookie):
        raise CsrfFailed()
    if not _equal(await _submitted_token(request), cookie):
        raise CsrfFailed()


login_csrf_protect.csrf = True  # type: ignore[attr-defined]


def is_csrf_dependency(call: Any) -> bool:
    """Tell whether a dependency is one of the CSRF checks (for the route-walking test)."""
    return bool(getattr(call, "csrf", False))


def _login_signature(secret: str, nonce: str) -> str:
    return hmac_sha256(secret, f"login-csrf\x00{nonce}")


def new_login_token(secret: str) -> str:
    """A fresh token for the login form's double-submit cookie: `nonce.HMAC(secret, nonce)`."""
    nonce = secrets.token_urlsafe(32)
    return f"{nonce}.{_login_signature(secret, nonce)}"


def valid_login_token(secret: str, token: str) -> bool:
    """Tell whether a login token was made by `new_login_token` with this secret."""
    nonce, _, signature = token.partition(".")
    if not nonce or not signature:
        return False
    return _equal(signature, _login_signature(secret, nonce))


async def capability_form_protect(request: Request) -> None:
    """Dependency for public forms whose address is itself the key (a survey or an
    unsubscribe link): no cookie grants anything there, so the one forgery left is a
    page on another site posting into a link it learned; the Origin check refuses that.
    A request without Origin (a mail client's RFC 8058 one-click POST) passes."""
    if not same_origin(request):
        raise CsrfFailed()


capability_form_protect.csrf = True  # type: ignore[attr-defined]
