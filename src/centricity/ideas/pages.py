"""Idea pages: the board ranked by demand, a form to file an idea, and the idea page (link
a customer, change the text or status, merge into another idea, undo a merge)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated, Any

from fastapi import Depends, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from centricity.accounts.models import Role, User
from centricity.ideas import merges, reading, requesters, service
from centricity.ideas.models import IMPORTANCE_WEIGHTS, Idea, IdeaStatus, Importance
from centricity.ideas.schemas import IdeaCreate, IdeaSort, IdeaUpdate, RequesterCreate
from centricity.kit.errors import DomainError
from centricity.kit.i18n import lazy
from centricity.web.api import Offset, PathId
from centricity.web.csrf import csrf_protect
from centricity.web.deps import DbSession, require_page
from centricity.web.forms import FormErrors, form_fields, parse
from centricity.web.routing import PrefixRouter
from centricity.web.templating import render

router = PrefixRouter(prefix="/ideas", include_in_schema=False)
PAGE_SIZE = 50
Viewer = Annotated[User, require_page(Role.VIEWER)]
Agent = Annotated[User, require_page(Role.AGENT)]
Manager = Annotated[User, require_page(Role.MANAGER)]
SortChoice = Annotated[str, Query(pattern=r"^(newest|value|customers)?$")]
StatusChoice = Annotated[str, Query(pattern=r"^(under_review|planned|done|declined)?$")]


@router.get("", response_class=HTMLResponse)
def ideas_page(
    request: Request,
    session: DbSession,
    user: Viewer,
    sort: SortChoice = "value",
    status: StatusChoice = "",
    offset: Offset = 0,
) -> Response:
    """The board: ideas ranked by the value (or number) of the customers behind them, or
    newest first, with the importance-weighted figures beside."""
    page = service.list(
        session,
        actor=user,
        sort=IdeaSort(sort or "value"),
        status=status or None,
        limit=PAGE_SIZE,
        offset=offset,
    )
    context = {
        "user": user,
        "page": page,
        "sort": sort or "value",
        "status": status,
        "statuses": [s.value for s in IdeaStatus],
        "weights": IMPORTANCE_WEIGHTS,
        "can_write": service.can_write(user),
        "_block": "results",
    }
    return render(request, "ideas/list.html", context)


@router.get("/new", response_class=HTMLResponse)
def new_idea_form(request: Request, user: Agent) -> Response:
    """The form to file an idea."""
    return render(request, "ideas/form.html", {"user": user, "values": {}, "errors": {}})


@router.post("/new", dependencies=[Depends(csrf_protect)])
async def create_idea(request: Request, session: DbSession, user: Agent) -> Response:
    """File the idea; invalid input comes back with the fields named."""
    values = await form_fields(request)
    fields: dict[str, Any] = {k: values[k] for k in ("title", "description") if k in values}
    data, errors = parse(IdeaCreate, {"title": "", **fields})
    if data is None:
        context = {"user": user, "values": values, "errors": errors}
        return render(request, "ideas/form.html", context, status_code=422)
    idea = service.create(session, data=data, actor=user)
    return RedirectResponse(f"/ideas/{idea.id}", status_code=303)


# --- the idea page ----------------------------------------------------------------------


def _show(
    request: Request, session: Session, user: User, idea: Idea, status: int = 200, **extra: Any
) -> Response:
    read = reading.idea_read(session, idea, actor=user)
    changed_by = [c.changed_by_user_id for c in read.status_history]
    context = {
        "user": user,
        "idea": idea,
        "read": read,
        "staff": service.staff_names(session, changed_by),
        "statuses": [s.value for s in IdeaStatus],
        "importances": [i.value for i in Importance],
        "can_write": service.can_write(user),
        "can_decide": service.can_decide(user),
        "link": {"importance": Importance.IMPORTANT.value},
        "errors": {},
        **extra,
    }
    return render(request, "ideas/detail.html", context, status_code=status)


@router.get("/{idea_id}", response_class=HTMLResponse)
def idea_page(request: Request, session: DbSession, user: Viewer, idea_id: PathId) -> Response:
    """An idea with the customers who asked, its demand and history; a merged idea
    redirects to the idea it was merged into."""
    idea = service.get(session, idea_id, actor=user)
    survivor = service.survivor_of(session, idea)
    if survivor.id != idea.id:
        return RedirectResponse(f"/ideas/{survivor.id}", status_code=303)
    return _show(request, session, user, idea)


async def _change(
    request: Request,
    session: Session,
    user: User,
    idea_id: int,
    act: Callable[[Idea, dict[str, str]], Awaitable[str | FormErrors]],
) -> Response:
    """Run one change from a form on the idea page: 303 to where it leads, or the page
    again with the error (nothing of a refused change stays)."""
    idea = service.get(session, idea_id, actor=user)
    values = await form_fields(request)
    try:
        outcome = await act(idea, values)
    except DomainError as exc:
        session.rollback()
        idea = service.get(session, idea_id, actor=user)
        errors = {exc.field or "form": exc.message}
        return _show(request, session, user, idea, exc.status_code, errors=errors, link=values)
    if isinstance(outcome, dict):
        return _show(request, session, user, idea, 422, errors=outcome, link=values)
    return RedirectResponse(outcome, status_code=303)


@router.post("/{idea_id}/edit", dependencies=[Depends(csrf_protect)])
async def edit_idea(request: Request, session: DbSession, user: Agent, idea_id: PathId) -> Response:
    """Change the idea's title and description."""

    async def act(idea: Idea, values: dict[str, str]) -> str | FormErrors:
        fields = {"title": values.get("title", ""), "description": values.get("description", "")}
        data, errors = parse(IdeaUpdate, fields)
        if data is None:
            return errors
        service.update(session, idea=idea, data=data, actor=user)
        return f"/ideas/{idea.id}"

    return await _change(request, session, user, idea_id, act)


@router.post("/{idea_id}/status", dependencies=[Depends(csrf_protect)])
async def change_status(
    request: Request, session: DbSession, user: Manager, idea_id: PathId
) -> Response:
    """Set the status; `done` queues the notice to the customers who asked."""

    async def act(idea: Idea, values: dict[str, str]) -> str | FormErrors:
        data, errors = parse(IdeaUpdate, {"status": values.get("status", "")})
        if data is None:
            return errors
        service.update(session, idea=idea, data=data, actor=user)
        return f"/ideas/{idea.id}#history"

    return await _change(request, session, user, idea_id, act)


@router.post("/{idea_id}/requesters", dependencies=[Depends(csrf_protect)])
async def add_requester(
    request: Request, session: DbSession, user: Agent, idea_id: PathId
) -> Response:
    """Link a customer who asked (number, customer id or e-mail), from a case or contact."""

    async def act(idea: Idea, values: dict[str, str]) -> str | FormErrors:
        customer_id = requesters.find_customer(session, values.get("customer", ""), actor=user)
        if customer_id is None:
            return {"customer": lazy("Name a customer: their number, e-mail or customer id.")}
        keys = ("importance", "case_id", "interaction_id")
        fields: dict[str, Any] = {k: values[k] for k in keys if k in values}
        data, errors = parse(RequesterCreate, {**fields, "customer_id": customer_id})
        if data is None:
            return errors
        requesters.add(session, idea=idea, data=data, actor=user)
        return f"/ideas/{idea.id}#requesters"

    return await _change(request, session, user, idea_id, act)


@router.post("/{idea_id}/merge", dependencies=[Depends(csrf_protect)])
async def merge_idea(
    request: Request, session: DbSession, user: Manager, idea_id: PathId
) -> Response:
    """Merge this idea into the one named by number; the survivor's page follows."""

    async def act(idea: Idea, values: dict[str, str]) -> str | FormErrors:
        into = values.get("into_id", "").lstrip("#")
        if not (into.isascii() and into.isdigit()) or len(into) > 9:
            return {"into_id": lazy("Name the idea to merge into by its number.")}
        survivor = service.get(session, int(into), actor=user)
        merges.merge(session, duplicate=idea, survivor=survivor, actor=user)
        return f"/ideas/{survivor.id}"

    return await _change(request, session, user, idea_id, act)


@router.post("/{idea_id}/unmerge", dependencies=[Depends(csrf_protect)])
async def undo_merge(
    request: Request, session: DbSession, user: Manager, idea_id: PathId
) -> Response:
    """Undo this idea's merge; its page shows again with the customers it had."""

    async def act(idea: Idea, _values: dict[str, str]) -> str | FormErrors:
        merges.undo(session, duplicate=idea, actor=user)
        return f"/ideas/{idea.id}"

    return await _change(request, session, user, idea_id, act)
