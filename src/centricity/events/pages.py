"""Event pages: the upcoming events of the viewer's department with their notices, a
form to book one, and the event page (move, cancel, mark done, log the call)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from centricity.accounts import service as accounts
from centricity.accounts.models import Role, User
from centricity.customers import service as customer_service
from centricity.customers.models import Customer
from centricity.events import service
from centricity.events import service_section as _section  # noqa: F401  (Service page)
from centricity.events import timeline as _timeline  # noqa: F401  (events on the 360 timeline)
from centricity.events.models import Event, EventKind, EventNotice
from centricity.events.schemas import CallOutcome, EventCreate, EventUpdate
from centricity.kit import i18n, localeformat
from centricity.kit.errors import DomainError
from centricity.kit.i18n import lazy
from centricity.kit.time import utcnow
from centricity.web.api import Offset, PathId
from centricity.web.csrf import csrf_protect
from centricity.web.deps import DbSession, require_page
from centricity.web.forms import FormErrors, form_fields, parse
from centricity.web.routing import PrefixRouter
from centricity.web.templating import render

router = PrefixRouter(prefix="/events", include_in_schema=False)
PAGE_SIZE = 50
Viewer = Annotated[User, require_page(Role.VIEWER)]
Agent = Annotated[User, require_page(Role.AGENT)]
OUTCOMES = ("reached", "no_answer", "left_message", "rescheduled")


def on_event_clock(event: Event) -> str:
    """The start on the event's own clock, in the viewer's language (while rendering)."""
    viewer = i18n.current()
    with i18n.use_locale(i18n.ViewerLocale(language=viewer.language, time_zone=event.time_zone)):
        return localeformat.datetime_text(event.starts_at)


def _notices_by_event(session: Session, events: list[Event]) -> dict[int, list[EventNotice]]:
    """The notices of the listed events, in one query."""
    found: dict[int, list[EventNotice]] = {event.id: [] for event in events}
    if not events:
        return found
    query = select(EventNotice).where(EventNotice.event_id.in_(found))
    for notice in session.scalars(query.order_by(EventNotice.due_at, EventNotice.id)):
        found[notice.event_id].append(notice)
    return found


def _names(session: Session, events: list[Event]) -> dict[int, str]:
    ids = {event.customer_id for event in events}
    if not ids:
        return {}
    rows = session.execute(select(Customer.id, Customer.name).where(Customer.id.in_(ids)))
    return {int(customer_id): str(name) for customer_id, name in rows}


@router.get("", response_class=HTMLResponse)
def events_page(request: Request, session: DbSession, user: Viewer, offset: Offset = 0) -> Response:
    """Upcoming (or past) events of the viewer's department, soonest first, with the state
    of each notice; admins see every department's."""
    past = request.query_params.get("when") == "past"
    now = utcnow()
    page = service.list(
        session,
        actor=user,
        since=None if past else now - timedelta(hours=2),
        until=now if past else None,
        status=None if past else "active",
        limit=PAGE_SIZE,
        offset=offset,
    )
    events = list(page.items)
    context = {
        "user": user,
        "page": page,
        "events": events,
        "notices": _notices_by_event(session, events),
        "customers": _names(session, events),
        "departments": {d.id: d.name for d in accounts.list_departments(session)},
        "past": past,
        "on_event_clock": on_event_clock,
        "_block": "results",
    }
    return render(request, "events/list.html", context)


# --- booking ----------------------------------------------------------------------------


def _form(
    request: Request,
    session: Session,
    user: User,
    values: dict[str, Any],
    errors: FormErrors,
    status: int = 200,
) -> Response:
    customer = customer_service.named_in_form(session, values.get("customer_id"), actor=user)
    context = {
        "user": user,
        "values": values,
        "errors": errors,
        "customer": customer,
        "kinds": [k.value for k in EventKind],
        "departments": accounts.list_departments(session),
    }
    return render(request, "events/form.html", context, status_code=status)


def _default_zone(request: Request, user: User) -> str:
    return user.time_zone or request.app.state.settings.time_zone


@router.get("/new", response_class=HTMLResponse)
def new_event_form(request: Request, session: DbSession, user: Agent) -> Response:
    """The form to book an event (from the customer's page, or naming the customer)."""
    values: dict[str, Any] = {
        "kind": EventKind.DELIVERY.value,
        "department_id": str(user.department_id or ""),
        "time_zone": _default_zone(request, user),
    }
    if request.query_params.get("customer_id", "").isdigit():
        values["customer_id"] = request.query_params["customer_id"]
    return _form(request, session, user, values, {})


@router.post("/new", dependencies=[Depends(csrf_protect)])
async def create_event(request: Request, session: DbSession, user: Agent) -> Response:
    """Book the event; invalid input comes back with the fields named."""
    values = await form_fields(request)
    errors: FormErrors = {}
    customer_id = _find_customer(session, user, values)
    if customer_id is None:
        errors["customer"] = lazy("Name a customer: their number, e-mail or customer id.")
    fields: dict[str, Any] = {
        key: values[key]
        for key in ("kind", "starts_at", "time_zone", "place", "department_id", "note")
        if key in values
    }
    data, parse_errors = parse(EventCreate, {**fields, "customer_id": customer_id})
    errors.update(parse_errors)
    if data is None or errors:
        return _form(request, session, user, values, errors, 422)
    try:
        event = service.create(session, data=data, actor=user)
    except DomainError as exc:
        session.rollback()  # nothing of a refused form stays
        return _form(request, session, user, values, {exc.field or "form": exc.message}, 409)
    return RedirectResponse(f"/events/{event.id}", status_code=303)


def _find_customer(session: Session, user: User, values: dict[str, str]) -> int | None:
    """The customer the form names: the hidden id from the 360 page, else the number,
    customer id or e-mail typed in the field (only customers the user may see)."""
    visible = customer_service.accessible_customers(user).with_only_columns(Customer.id)
    typed = values.get("customer_id") or values.get("customer", "").strip()
    if not typed:
        return None
    if typed.isdigit() and len(typed) < 12:
        found = session.scalar(visible.where(Customer.id == int(typed)))
        if found is not None or values.get("customer_id"):
            return found
    by_key = visible.where(
        (Customer.external_id == typed) | (func.lower(Customer.email) == typed.lower())
    )
    return session.scalars(by_key.limit(1)).first()


# --- the event page ---------------------------------------------------------------------


def _detail(session: Session, user: User, event: Event, **extra: Any) -> dict[str, Any]:
    customer = session.get(Customer, event.customer_id)
    local = event.starts_at.astimezone(ZoneInfo(event.time_zone)).strftime("%Y-%m-%dT%H:%M")
    return {
        "user": user,
        "event": event,
        "customer": customer,
        "notices": service.notices_of(session, event),
        "tasks": {task.id: task for task in service.tasks_of(session, event, actor=user)},
        "department": {d.id: d.name for d in accounts.list_departments(session)}.get(
            event.department_id, ""
        ),
        "can_manage": service.can_manage(event, user),
        "on_event_clock": on_event_clock,
        "move": {"starts_at": local, "time_zone": event.time_zone},
        "move_errors": {},
        "call": {"outcome": "reached"},
        "call_errors": {},
        "outcomes": OUTCOMES,
        "errors": {},
        **extra,
    }


def _show(
    request: Request, session: Session, user: User, event: Event, status: int = 200, **extra: Any
) -> Response:
    context = _detail(session, user, event, **extra)
    return render(request, "events/detail.html", context, status_code=status)


@router.get("/{event_id}", response_class=HTMLResponse)
def event_page(request: Request, session: DbSession, user: Viewer, event_id: PathId) -> Response:
    """An event: when (on its own clock and the viewer's), where, its notices with their
    tasks, and the forms to move, cancel or finish it and to log the call."""
    return _show(request, session, user, service.get(session, event_id, actor=user))


async def _change(
    request: Request,
    session: Session,
    user: User,
    event_id: int,
    build: Callable[[dict[str, str]], dict[str, Any]],
    error_key: str,
) -> Response:
    event = service.get(session, event_id, actor=user)
    values = await form_fields(request)
    data, errors = parse(EventUpdate, build(values))
    if data is None:
        return _show(request, session, user, event, 422, **{error_key: errors, "move": values})
    try:
        service.update(session, event=event, data=data, actor=user)
    except DomainError as exc:
        session.rollback()
        event = service.get(session, event_id, actor=user)
        errors = {exc.field or "form": exc.message}
        return _show(request, session, user, event, exc.status_code, **{error_key: errors})
    return RedirectResponse(f"/events/{event_id}", status_code=303)


@router.post("/{event_id}/move", dependencies=[Depends(csrf_protect)])
async def move_event(
    request: Request, session: DbSession, user: Agent, event_id: PathId
) -> Response:
    """Move the event to a new time on its clock (its pending notices move with it)."""

    def build(values: dict[str, str]) -> dict[str, Any]:
        return {k: values.get(k) for k in ("starts_at", "time_zone") if values.get(k)}

    return await _change(request, session, user, event_id, build, "move_errors")


@router.post("/{event_id}/cancel", dependencies=[Depends(csrf_protect)])
async def cancel_event(
    request: Request, session: DbSession, user: Agent, event_id: PathId
) -> Response:
    """Cancel the event: pending notices are withdrawn, open tasks closed with a note."""
    return await _change(
        request, session, user, event_id, lambda _v: {"status": "cancelled"}, "errors"
    )


@router.post("/{event_id}/done", dependencies=[Depends(csrf_protect)])
async def finish_event(
    request: Request, session: DbSession, user: Agent, event_id: PathId
) -> Response:
    """Mark the event done (it took place); notices not given yet are withdrawn."""
    return await _change(request, session, user, event_id, lambda _v: {"status": "done"}, "errors")


@router.post("/{event_id}/calls", dependencies=[Depends(csrf_protect)])
async def log_call(request: Request, session: DbSession, user: Agent, event_id: PathId) -> Response:
    """Log the outcome of the call before the event: a phone contact on the customer's
    timeline, linked to the event's open tasks; `reached` solves them."""
    event = service.get(session, event_id, actor=user)
    values = await form_fields(request)
    fields: dict[str, Any] = {k: values[k] for k in ("outcome", "note") if k in values}
    if values.get("duration_minutes", "").isdigit():
        fields["duration_seconds"] = int(values["duration_minutes"]) * 60
    data, errors = parse(CallOutcome, fields)
    if data is None:
        return _show(request, session, user, event, 422, call=values, call_errors=errors)
    try:
        service.log_call(session, event=event, data=data, actor=user)
    except DomainError as exc:
        session.rollback()
        event = service.get(session, event_id, actor=user)
        errors = {exc.field or "form": exc.message}
        return _show(
            request, session, user, event, exc.status_code, call=values, call_errors=errors
        )
    return RedirectResponse(f"/events/{event_id}#notices", status_code=303)
