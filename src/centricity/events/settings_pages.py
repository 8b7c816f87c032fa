"""The notice rules page (`/settings/notices`): managers keep their department's rules,
admins every department's; each change takes effect on pending notices at once."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from centricity.accounts import service as accounts
from centricity.accounts.models import Role, User
from centricity.events import rules
from centricity.events.models import EventKind, NoticeAction
from centricity.events.schemas import NoticeRuleCreate, NoticeRuleUpdate
from centricity.kit.errors import DomainError
from centricity.web.api import PathId
from centricity.web.csrf import csrf_protect
from centricity.web.deps import DbSession, require_page
from centricity.web.forms import FormErrors, form_fields, parse
from centricity.web.routing import PrefixRouter
from centricity.web.templating import render

router = PrefixRouter(prefix="/settings/notices", include_in_schema=False)
Manager = Annotated[User, require_page(Role.MANAGER)]
HOME = "/settings/notices"


def _page(
    request: Request,
    session: Session,
    user: User,
    values: dict[str, Any] | None = None,
    errors: FormErrors | None = None,
    status: int = 200,
    rule_errors: FormErrors | None = None,
) -> Response:
    context = {
        "user": user,
        "rules": rules.list(session, actor=user),
        "departments": {d.id: d.name for d in accounts.list_departments(session)},
        "kinds": [k.value for k in EventKind],
        "actions": [a.value for a in NoticeAction],
        "values": values
        or {"department_id": str(user.department_id or ""), "minutes_before": "60"},
        "errors": errors or {},
        "rule_errors": rule_errors or {},
    }
    return render(request, "events/rules.html", context, status_code=status)


@router.get("", response_class=HTMLResponse)
def rules_page(request: Request, session: DbSession, user: Manager) -> Response:
    """The rules of the manager's department (admins: all) and the form for a new one."""
    return _page(request, session, user)


@router.post("", dependencies=[Depends(csrf_protect)])
async def create_rule(request: Request, session: DbSession, user: Manager) -> Response:
    """Add a rule; invalid input comes back with the fields named."""
    values = await form_fields(request)
    fields: dict[str, Any] = {
        k: values[k]
        for k in ("event_kind", "minutes_before", "action", "department_id")
        if k in values
    }
    fields["cancel_on_reply"] = values.get("cancel_on_reply") == "1"
    data, errors = parse(NoticeRuleCreate, fields)
    if data is None:
        return _page(request, session, user, values, errors, 422)
    try:
        rules.create(session, data=data, actor=user)
    except DomainError as exc:
        session.rollback()
        return _page(
            request, session, user, values, {exc.field or "form": exc.message}, exc.status_code
        )
    return RedirectResponse(HOME, status_code=303)


@router.post("/{rule_id}", dependencies=[Depends(csrf_protect)])
async def update_rule(
    request: Request, session: DbSession, user: Manager, rule_id: PathId
) -> Response:
    """Save a rule's time, its reply flag and whether it is on (unticked: off)."""
    rule = rules.get(session, rule_id, actor=user)
    values = await form_fields(request)
    data, errors = parse(
        NoticeRuleUpdate,
        {
            "minutes_before": values.get("minutes_before"),
            "cancel_on_reply": values.get("cancel_on_reply") == "1",
            "is_active": values.get("is_active") == "1",
        },
    )
    if data is None:
        return _page(request, session, user, status=422, rule_errors=errors)
    try:
        rules.update(session, rule=rule, data=data, actor=user)
    except DomainError as exc:
        session.rollback()
        errors = {exc.field or "form": exc.message}
        return _page(request, session, user, status=exc.status_code, rule_errors=errors)
    return RedirectResponse(HOME, status_code=303)


@router.post("/{rule_id}/delete", dependencies=[Depends(csrf_protect)])
def delete_rule(session: DbSession, user: Manager, rule_id: PathId) -> Response:
    """Remove a rule: the notices it has not given yet are withdrawn."""
    rule = rules.get(session, rule_id, actor=user)
    rules.delete(session, rule=rule, actor=user)
    return RedirectResponse(HOME, status_code=303)
