"""Request dependencies: one DB session per request, the signed-in principal, roles.

Access is decided here: every route declares `require_page(Role.X)`, `require_api(Role.X)`
or `public()`; a test walks `app.routes` and fails when one lacks them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Annotated, Any

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from centricity.accounts import service as accounts
from centricity.accounts.models import Role, User, WebSession
from centricity.db import unit_of_work

SESSION_COOKIE = "centricity_session"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def db_session(request: Request) -> Iterator[Session]:
    """One session per request; commit once after the endpoint, roll back on any error."""
    writing = request.method not in SAFE_METHODS
    with unit_of_work(request.app.state.session_factory, writing=writing) as session:
        # Pages read small header figures (the unread notices) in the same transaction.
        request.state.db_session = session
        try:
            yield session
        finally:
            request.state.db_session = None


DbSession = Annotated[Session, Depends(db_session, scope="function")]


@dataclass(frozen=True)
class Principal:
    """Who is calling: a user through a browser session or through an API token."""

    user: User
    web_session: WebSession | None = None
    read_only: bool = False


class NotAuthenticated(Exception):
    """No valid session (pages redirect to /login) or token (the API answers 401)."""

    def __init__(self, api: bool) -> None:
        super().__init__("not authenticated")
        self.api = api


class Forbidden(Exception):
    """Signed in, but the role (or a read-only token) does not allow this."""


def _bearer(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None


def _remember(request: Request, principal: Principal) -> None:
    # Plain copies for templates: error pages render after a rollback has expired the ORM rows.
    request.state.principal = principal
    request.state.viewer = SimpleNamespace(
        id=principal.user.id,
        name=principal.user.name,
        role=principal.user.role,
        language=principal.user.language,
        time_zone=principal.user.time_zone,
    )
    if principal.web_session is not None:
        request.state.csrf_token = principal.web_session.csrf_token


def page_principal(request: Request, session: DbSession) -> Principal | None:
    """The browser's signed-in user, from the session cookie (never from tokens)."""
    token = request.cookies.get(SESSION_COOKIE)
    found = accounts.resolve_session(session, token) if token else None
    if found is None:
        return None
    principal = Principal(user=found[0], web_session=found[1])
    _remember(request, principal)
    return principal


def api_principal(request: Request, session: DbSession) -> Principal | None:
    """The API caller, from `Authorization: Bearer` (cookies are ignored: no CSRF surface)."""
    token = _bearer(request)
    found = accounts.resolve_token(session, token) if token else None
    if found is None:
        return None
    principal = Principal(user=found[0], read_only=found[1].read_only)
    _remember(request, principal)
    return principal


def _check(principal: Principal | None, role: Role, method: str, api: bool) -> User:
    if principal is None:
        raise NotAuthenticated(api=api)
    if principal.read_only and method not in SAFE_METHODS:
        raise Forbidden()
    if principal.user.role_enum.rank < role.rank:
        raise Forbidden()
    return principal.user


def require_page(role: Role) -> Any:
    """Dependency for pages: a browser session whose user has at least `role`. The role
    check is a coroutine, so FastAPI runs it on the event loop: it reads nothing, and as
    a plain function it cost every page a round trip through the worker threads."""

    async def dependency(
        request: Request, principal: Annotated[Principal | None, Depends(page_principal)]
    ) -> User:
        return _check(principal, role, request.method, api=False)

    dependency.required_role = role  # type: ignore[attr-defined]
    return Depends(dependency)


def require_api(role: Role) -> Any:
    """Dependency for `/api/v1`: a bearer token whose user has at least `role` (checked
    on the event loop, as `require_page`)."""

    async def dependency(
        request: Request, principal: Annotated[Principal | None, Depends(api_principal)]
    ) -> User:
        return _check(principal, role, request.method, api=True)

    dependency.required_role = role  # type: ignore[attr-defined]
    return Depends(dependency)


async def _public_marker() -> None:
    # A coroutine, so FastAPI calls it on the event loop: a plain function would cost
    # every public request a round trip through the worker threads to do nothing.
    return None


_public_marker.public = True  # type: ignore[attr-defined]


def public() -> Any:
    """Mark a route as deliberately open to anonymous callers (login, health, assets)."""
    return Depends(_public_marker)


def dependency_markers(call: Callable[..., Any]) -> tuple[Role | None, bool]:
    """Read the access markers of a dependency (used by the route-walking test)."""
    return getattr(call, "required_role", None), bool(getattr(call, "public", False))
