"""The closed loop's pages: the root-cause list (`/voice/root-causes`, managers) and the
close form of a follow-up task on the case page (`/cases/{id}/follow-up/close`, who works
the case). Plain forms that redirect (303); a refused form comes back with its errors."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from centricity.accounts.models import Role, User
from centricity.kit.errors import DomainError
from centricity.kit.i18n import LANGUAGES
from centricity.surveys.loop import case_section, root_causes
from centricity.surveys.loop import service as loop
from centricity.surveys.loop.schemas import FollowUpClose, RootCauseCreate, RootCauseUpdate
from centricity.web.api import PathId
from centricity.web.csrf import csrf_protect
from centricity.web.deps import DbSession, require_page
from centricity.web.forms import FormErrors, form_fields, parse
from centricity.web.routing import PrefixRouter
from centricity.web.templating import render

router = PrefixRouter(include_in_schema=False)
Agent = Annotated[User, require_page(Role.AGENT)]
Manager = Annotated[User, require_page(Role.MANAGER)]
HOME = "/voice/root-causes"


def _causes_page(
    request: Request,
    session: Session,
    user: User,
    *,
    values: dict[str, str] | None = None,
    errors: FormErrors | None = None,
    status: int = 200,
) -> Response:
    context = {
        "user": user,
        "causes": root_causes.list(session),
        "cause_languages": LANGUAGES,
        "cause_name": case_section.cause_name,
        "values": values or {},
        "errors": errors or {},
    }
    return render(request, "surveys/root_causes.html", context, status_code=status)


def _names(values: dict[str, str]) -> dict[str, str]:
    return {code: values.get(f"name_{code}", "") for code in LANGUAGES}


@router.get(HOME, response_class=HTMLResponse)
def causes_page(request: Request, session: DbSession, user: Manager) -> Response:
    """The root causes follow-ups are closed with, each name per language, editable."""
    return _causes_page(request, session, user)


@router.post(HOME, dependencies=[Depends(csrf_protect)], response_class=HTMLResponse)
async def create_cause(request: Request, session: DbSession, user: Manager) -> Response:
    """Add a root cause named in one or more languages."""
    values = await form_fields(request)
    fields: dict[str, Any] = {"names": _names(values)}
    if values.get("position"):
        fields["position"] = values["position"]
    data, errors = parse(RootCauseCreate, fields)
    if data is None:
        return _causes_page(request, session, user, values=values, errors=errors, status=422)
    root_causes.create(session, data=data, actor=user)
    return RedirectResponse(HOME, status_code=303)


@router.post(f"{HOME}/{{cause_id}}", dependencies=[Depends(csrf_protect)])
async def update_cause(
    request: Request, session: DbSession, user: Manager, cause_id: PathId
) -> Response:
    """Rename, move or (de)activate a root cause (unticked: no longer offered)."""
    cause = root_causes.get(session, cause_id)
    values = await form_fields(request)
    fields: dict[str, Any] = {"names": _names(values), "active": values.get("active") == "1"}
    if values.get("position"):
        fields["position"] = values["position"]
    data, errors = parse(RootCauseUpdate, fields)
    try:
        if data is None:
            raise DomainError(next(iter(errors.values()), ""), field="names")
        root_causes.update(session, cause=cause, data=data, actor=user)
    except DomainError as exc:
        session.rollback()
        found = {f"cause_{cause_id}": exc.message}
        return _causes_page(request, session, user, errors=found, status=422)
    return RedirectResponse(HOME, status_code=303)


@router.post("/cases/{case_id}/follow-up/close", dependencies=[Depends(csrf_protect)])
async def close_follow_up(
    request: Request, session: DbSession, user: Agent, case_id: PathId
) -> Response:
    """Record the outcome and root cause of a follow-up task and solve it; a form missing
    either comes back with the fields named, in the viewer's language."""
    case, _record = loop.get(session, case_id, actor=user)
    values = await form_fields(request)
    fields: dict[str, Any] = {
        k: values[k] for k in ("outcome", "root_cause_id", "note") if k in values
    }
    data, errors = parse(FollowUpClose, fields)
    if data is not None:
        try:
            loop.close(session, case_id=case_id, data=data, actor=user)
        except DomainError as exc:
            session.rollback()
            case, _record = loop.get(session, case_id, actor=user)
            errors = {exc.field or "form": exc.message}
    if errors:
        section = case_section.context(session, user, case, form=values, errors=errors)
        context = {"user": user, "case": case, "section": section}
        return render(request, "surveys/follow_up_close.html", context, status_code=422)
    return RedirectResponse(f"/cases/{case_id}", status_code=303)
