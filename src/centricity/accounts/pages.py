"""Settings pages (admins): staff users, API tokens and the audit log."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from centricity.accounts import service
from centricity.accounts.models import Role, User
from centricity.accounts.schemas import UserCreate
from centricity.audit import service as audit
from centricity.kit.errors import DomainError
from centricity.web.api import PathId
from centricity.web.csrf import csrf_protect
from centricity.web.deps import DbSession, require_page
from centricity.web.forms import form_fields, parse
from centricity.web.templating import render

router = APIRouter(prefix="/settings", include_in_schema=False)
Admin = Annotated[User, require_page(Role.ADMIN)]


def _settings_page(request: Request, session: DbSession, user: User, **extra: Any) -> Response:
    context: dict[str, Any] = {
        "user": user,
        "users": service.list_users(session),
        "roles": [r.value for r in Role],
        "values": {},
        "errors": {},
        "new_token": None,
        **extra,
    }
    return render(
        request, "accounts/settings.html", context, status_code=422 if context["errors"] else 200
    )


@router.get("", response_class=HTMLResponse)
def settings_page(request: Request, session: DbSession, user: Admin) -> Response:
    """Staff users and their tokens."""
    return _settings_page(request, session, user)


@router.post("/users", dependencies=[Depends(csrf_protect)])
async def add_user(request: Request, session: DbSession, user: Admin) -> Response:
    """Create a staff user from the form."""
    values = await form_fields(request)
    data, errors = parse(UserCreate, values)
    if data is not None:
        try:
            service.create(session, data=data, actor=user)
        except DomainError as exc:
            errors = {exc.field or "form": exc.message}
    values.pop("password", None)
    return _settings_page(request, session, user, values=values if errors else {}, errors=errors)


@router.post("/users/{user_id}/tokens", dependencies=[Depends(csrf_protect)])
async def add_token(request: Request, session: DbSession, user: Admin, user_id: PathId) -> Response:
    """Issue an API token for a user and show it once."""
    values = await form_fields(request)
    owner = service.get(session, user_id)
    token = service.create_token(session, user=owner, read_only="read_only" in values, actor=user)
    return _settings_page(request, session, user, new_token=(owner.email, token))


@router.get("/audit", response_class=HTMLResponse)
def audit_page(request: Request, session: DbSession, user: Admin) -> Response:
    """The latest audited actions (who changed what; no personal values are kept)."""
    entries = audit.list_recent(session, limit=200)
    return render(request, "accounts/audit.html", {"user": user, "entries": entries})
