"""The "add to idea" action of the feedback list, the case page and the customer 360 page:
`GET /ideas/add?feedback_id=N` (or `case_id`, `customer_id`) shows the form on a page of
its own, `POST /ideas/add` links the customer and goes back where it came from (303). A
refusal comes back on the form page with the reason; another department's case, or an
item about it, is not found (404). Mounted before `ideas.pages`, whose `/ideas/{id}`
would otherwise claim `/ideas/add`."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from centricity.accounts.models import Role, User
from centricity.feedback import service as feedback
from centricity.ideas import attach
from centricity.ideas import sections as _sections  # noqa: F401  (case and 360 sections)
from centricity.ideas.models import Importance
from centricity.ideas.schemas import IdeaCreate
from centricity.kit.errors import DomainError, Invalid
from centricity.kit.validation import MAX_ID
from centricity.web.csrf import csrf_protect
from centricity.web.deps import DbSession, require_page
from centricity.web.forms import FormErrors, form_fields, parse, safe_next
from centricity.web.routing import PrefixRouter
from centricity.web.templating import render

router = PrefixRouter(prefix="/ideas", include_in_schema=False)
Agent = Annotated[User, require_page(Role.AGENT)]
OptionalId = Annotated[int | None, Query(gt=0, le=MAX_ID)]
_SOURCE_FIELDS = ("feedback_id", "case_id", "customer_id")


def _id(text: str | None) -> int | None:
    if text and text.isascii() and text.isdigit() and 0 < int(text) <= MAX_ID:
        return int(text)
    return None


def _show(
    request: Request,
    session: Session,
    user: User,
    sources: dict[str, int | None],
    *,
    values: dict[str, str] | None = None,
    errors: FormErrors | None = None,
    status: int = 200,
) -> Response:
    heard = attach.source(session, actor=user, **sources)
    item = feedback.get(session, heard.feedback_id, actor=user) if heard.feedback_id else None
    hidden: dict[str, Any] = {k: v for k, v in sources.items() if v is not None}
    hidden["next"] = (values or {}).get("next") or "/feedback"
    context = {
        "user": user,
        "heard": heard,
        "item": item,
        "hidden": hidden,
        "open_ideas": attach.open_ideas(session, actor=user),
        "importances": [i.value for i in Importance],
        "add_values": values or {},
        "add_errors": errors or {},
    }
    return render(request, "ideas/add.html", context, status_code=status)


@router.get("/add", response_class=HTMLResponse)
def add_to_idea_page(
    request: Request,
    session: DbSession,
    user: Agent,
    feedback_id: OptionalId = None,
    case_id: OptionalId = None,
    customer_id: OptionalId = None,
) -> Response:
    """The add-to-idea form for a feedback item, a case or a customer."""
    sources = {"feedback_id": feedback_id, "case_id": case_id, "customer_id": customer_id}
    back = f"/feedback#fb{feedback_id}" if feedback_id else "/feedback"
    return _show(request, session, user, sources, values={"next": back})


@router.post("/add", dependencies=[Depends(csrf_protect)], response_class=HTMLResponse)
async def add_to_idea(request: Request, session: DbSession, user: Agent) -> Response:
    """Link the source's customer to the chosen idea or a new one, then back (303)."""
    values = await form_fields(request)
    sources = {name: _id(values.get(name)) for name in _SOURCE_FIELDS}
    heard = attach.source(session, actor=user, **sources)  # not visible: 404, nothing linked
    importance = values.get("importance", Importance.IMPORTANT.value)
    if importance not in {i.value for i in Importance}:
        importance = Importance.IMPORTANT.value
    title = values.get("title")
    idea_id = _id(values.get("idea_id"))
    if idea_id is None and title:
        _checked, errors = parse(IdeaCreate, {"title": title})
        if errors:
            return _show(request, session, user, sources, values=values, errors=errors, status=422)
    try:
        idea = attach.add(
            session, actor=user, heard=heard, importance=Importance(importance),
            idea_id=idea_id, title=title,
        )  # fmt: skip
    except DomainError as exc:
        session.rollback()
        status = 422 if isinstance(exc, Invalid) else exc.status_code
        found: FormErrors = {exc.field or "form": exc.message}
        return _show(request, session, user, sources, values=values, errors=found, status=status)
    back = safe_next(values.get("next"))
    return RedirectResponse(back if back != "/" else f"/ideas/{idea.id}", status_code=303)
