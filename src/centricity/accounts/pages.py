"""Settings pages: everyone's own language and time zone; for admins, staff users, API
tokens and the audit log."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from centricity.accounts import service
from centricity.accounts.models import Role, User
from centricity.accounts.schemas import UserCreate, UserPreferences
from centricity.audit import service as audit
from centricity.kit.errors import DomainError, Invalid
from centricity.kit.i18n import lazy
from centricity.web.api import PathId
from centricity.web.csrf import csrf_protect
from centricity.web.deps import DbSession, require_page
from centricity.web.forms import form_fields, parse, safe_next
from centricity.web.routing import PrefixRouter
from centricity.web.templating import render

router = PrefixRouter(prefix="/settings", include_in_schema=False)
Admin = Annotated[User, require_page(Role.ADMIN)]
Viewer = Annotated[User, require_page(Role.VIEWER)]


def _settings_page(request: Request, session: DbSession, user: User, **extra: Any) -> Response:
    is_admin = user.role_enum is Role.ADMIN
    context: dict[str, Any] = {
        "user": user,
        "users": service.list_users(session) if is_admin else [],
        "roles": [r.value for r in Role],
        "values": {},
        "errors": {},
        "preferences": {"language": user.language or "", "time_zone": user.time_zone or ""},
        "preference_errors": {},
        "new_token": None,
        "added": bool(request.query_params.get("added")),
        "saved": bool(request.query_params.get("saved")),
        **extra,
    }
    failed = context["errors"] or context["preference_errors"]
    return render(request, "accounts/settings.html", context, status_code=422 if failed else 200)


@router.get("", response_class=HTMLResponse)
def settings_page(request: Request, session: DbSession, user: Viewer) -> Response:
    """Everyone's own language and time zone; for admins also staff users and tokens."""
    return _settings_page(request, session, user)


@router.post("/preferences", dependencies=[Depends(csrf_protect)])
async def save_preferences(request: Request, session: DbSession, user: Viewer) -> Response:
    """Save the language and time zone of the signed-in user's own pages."""
    values = await form_fields(request)
    data, errors = parse(UserPreferences, values)
    if data is None:
        return _settings_page(request, session, user, preferences=values, preference_errors=errors)
    service.set_preferences(session, user=user, data=data)
    return RedirectResponse("/settings?saved=1", status_code=303)


@router.post("/language", dependencies=[Depends(csrf_protect)])
async def switch_language(request: Request, session: DbSession, user: Viewer) -> Response:
    """The header's language switch: change the user's language and return to the page."""
    values = await form_fields(request)
    data, _errors = parse(UserPreferences, {"language": values.get("language", "")})
    if data is not None:
        service.set_preferences(
            session, user=user, data=data.model_copy(update={"time_zone": user.time_zone})
        )
    return RedirectResponse(safe_next(values.get("next")), status_code=303)


@router.post("/users", dependencies=[Depends(csrf_protect)])
async def add_user(request: Request, session: DbSession, user: Admin) -> Response:
    """Create a staff user from the form."""
    values = await form_fields(request)
    data, errors = parse(UserCreate, values)
    if data is not None:
        try:
            service.create(session, data=data, actor=user)
            return RedirectResponse("/settings?added=1", status_code=303)
        except DomainError as exc:
            session.rollback()
            errors = {exc.field or "form": exc.message}
    values.pop("password", None)
    return _settings_page(request, session, user, values=values, errors=errors)


async def _target(session: DbSession, user_id: int, actor: User) -> User:
    target = service.get(session, user_id)
    if target.id == actor.id:
        raise Invalid(lazy("you cannot change your own access here"), field="user")
    return target


@router.post("/users/{user_id}/deactivate", dependencies=[Depends(csrf_protect)])
async def deactivate_user(session: DbSession, user: Admin, user_id: PathId) -> Response:
    """Take away a staff member's access: signs them out and revokes their API tokens."""
    target = await _target(session, user_id, user)
    service.set_active(session, user=target, active=False, actor=user)
    return RedirectResponse("/settings", status_code=303)


@router.post("/users/{user_id}/activate", dependencies=[Depends(csrf_protect)])
async def activate_user(session: DbSession, user: Admin, user_id: PathId) -> Response:
    """Give a deactivated staff member access again (their old tokens stay revoked)."""
    target = await _target(session, user_id, user)
    service.set_active(session, user=target, active=True, actor=user)
    return RedirectResponse("/settings", status_code=303)


@router.post("/users/{user_id}/tokens/revoke", dependencies=[Depends(csrf_protect)])
async def revoke_tokens(session: DbSession, user: Admin, user_id: PathId) -> Response:
    """Revoke every API token of a staff member."""
    service.revoke_tokens(session, user=service.get(session, user_id), actor=user)
    return RedirectResponse("/settings", status_code=303)


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
