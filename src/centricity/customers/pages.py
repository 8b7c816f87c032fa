"""Customer pages: the searchable list, the customer 360 page, and logging a contact."""

from __future__ import annotations

import math
from datetime import UTC, datetime
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import Depends, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from centricity.accounts.models import Role, User
from centricity.customers import page_sections, service, timeline
from centricity.customers.schemas import (
    CUSTOMER_FIELDS,
    ContactPersonCreate,
    CustomerCreate,
    CustomerUpdate,
)
from centricity.customers.timeline import page_cursor
from centricity.interactions import service as interaction_service
from centricity.interactions.models import Channel, Direction
from centricity.interactions.schemas import InteractionCreate
from centricity.kit.errors import DomainError
from centricity.kit.validation import UtcDatetime
from centricity.orders import service as order_service
from centricity.value import queries as value_queries
from centricity.web.api import Offset, PathId
from centricity.web.csrf import csrf_protect
from centricity.web.deps import DbSession, require_page
from centricity.web.forms import FormErrors, form_fields, parse
from centricity.web.locale import viewer_locale
from centricity.web.routing import PrefixRouter
from centricity.web.templating import render

router = PrefixRouter(prefix="/customers", include_in_schema=False)
PAGE_SIZE = 25
Viewer = Annotated[User, require_page(Role.VIEWER)]
Agent = Annotated[User, require_page(Role.AGENT)]


@router.get("", response_class=HTMLResponse)
def customer_list(
    request: Request,
    session: DbSession,
    user: Viewer,
    q: Annotated[str, Query(max_length=200)] = "",
    segment: Annotated[str, Query(max_length=40)] = "",
    tier: Annotated[str, Query(max_length=40)] = "",
    offset: Offset = 0,
) -> Response:
    """The customer list with search, value filters and paging (htmx swaps only the results)."""
    page = service.list(
        session,
        actor=user,
        q=q,
        segment=segment or None,
        tier=tier or None,
        limit=PAGE_SIZE,
        offset=offset,
    )
    filters = {k: v for k, v in (("segment", segment), ("tier", tier)) if v}
    context = {"user": user, "page": page, "q": q, "filters": filters, "_block": "results"}
    return render(request, "customers/list.html", context)


def _form_page(
    request: Request,
    user: User,
    values: dict[str, Any],
    errors: FormErrors,
    customer_id: int | None,
    status: int = 200,
) -> Response:
    context = {"user": user, "values": values, "errors": errors, "customer_id": customer_id}
    return render(request, "customers/form.html", context, status_code=status)


@router.get("/new", response_class=HTMLResponse)
def new_customer_form(request: Request, user: Agent) -> Response:
    """An empty form for a new customer."""
    return _form_page(request, user, {"kind": "person"}, {}, None)


@router.post("/new", dependencies=[Depends(csrf_protect)])
async def create_customer(request: Request, session: DbSession, user: Agent) -> Response:
    """Create a customer from the form; invalid input re-renders with field errors."""
    values = await form_fields(request)
    data, errors = parse(CustomerCreate, values)
    if data is None:
        return _form_page(request, user, values, errors, None, 422)
    try:
        customer = service.create(session, data=data, actor=user)
    except DomainError as exc:
        session.rollback()  # nothing of a refused form stays
        return _form_page(request, user, values, {exc.field or "form": exc.message}, None, 409)
    return RedirectResponse(f"/customers/{customer.id}", status_code=303)


def _contact_defaults() -> dict[str, Any]:
    return {"channel": "phone", "direction": "inbound"}


def _detail_context(session: DbSession, user: User, customer_id: PathId) -> dict[str, Any]:
    customer = service.get(session, customer_id, actor=user)
    return {
        "user": user,
        "customer": customer,
        "totals": order_service.totals_for(session, customer_id=customer.id),
        "orders": order_service.newest_for(session, customer_id=customer.id, limit=10),
        "people": service.contact_people(session, customer=customer),
        "timeline": timeline.build(session, customer=customer, actor=user, limit=30),
        "channels": [c.value for c in Channel],
        "directions": [d.value for d in Direction],
        "contact": _contact_defaults(),
        "contact_errors": {},
        "value": value_queries.for_customer(session, customer.id),
        "person": {},
        "person_errors": {},
        "sections": page_sections.shown(session, user, customer),
    }


@router.get("/{customer_id}", response_class=HTMLResponse)
def customer_detail(
    request: Request, session: DbSession, user: Viewer, customer_id: PathId
) -> Response:
    """The customer 360 page: profile, orders, one timeline, and the log-a-contact form."""
    return render(request, "customers/detail.html", _detail_context(session, user, customer_id))


@router.get("/{customer_id}/timeline", response_class=HTMLResponse)
def customer_timeline(
    request: Request,
    session: DbSession,
    user: Viewer,
    customer_id: PathId,
    before: UtcDatetime | None = None,
    cursor: str | None = None,
) -> Response:
    """Older timeline entries (the "show older" link; htmx appends them). A malformed
    cursor is ignored: the newest entries are shown."""
    customer = service.get(session, customer_id, actor=user)
    built = timeline.build(
        session,
        customer=customer,
        actor=user,
        before=before,
        cursor=page_cursor(cursor),
        limit=30,
    )
    context = {"user": user, "customer": customer, "timeline": built}
    return render(request, "customers/timeline.html", context)


def _in_utc(local: str, zone: str) -> str:
    """The form's `datetime-local` value is the agent's own wall-clock time: make it UTC
    (text that is no such time is passed on for validation to name)."""
    try:
        moment = datetime.fromisoformat(local)
    except ValueError:
        return local
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo(zone))
    return moment.astimezone(UTC).isoformat()


def _contact_data(values: dict[str, str], customer_id: PathId, zone: str) -> dict[str, Any]:
    data: dict[str, Any] = {"customer_id": customer_id, "confidential": "confidential" in values}
    for key in ("channel", "direction", "note"):
        if key in values:
            data[key] = values[key]
    if "started_at" in values:
        data["started_at"] = _in_utc(values["started_at"], zone)
    if "duration_minutes" in values:
        try:
            minutes = float(values["duration_minutes"].replace(",", "."))
        except ValueError:
            minutes = math.nan
        # Not a finite number: pass the text on so validation names the field.
        finite = math.isfinite(minutes) and abs(minutes) < 1e7
        data["duration_seconds"] = round(minutes * 60) if finite else values["duration_minutes"]
    if "waiting_seconds" in values:
        data["waiting_seconds"] = values["waiting_seconds"]
    return data


@router.post("/{customer_id}/interactions", dependencies=[Depends(csrf_protect)])
async def log_contact(
    request: Request, session: DbSession, user: Agent, customer_id: PathId
) -> Response:
    """Log a contact from the 360 page and go back to the timeline."""
    service.get(session, customer_id, actor=user)
    values = await form_fields(request)
    zone = viewer_locale(request, user).time_zone
    data, errors = parse(InteractionCreate, _contact_data(values, customer_id, zone))
    if data is None:
        context = _detail_context(session, user, customer_id)
        context.update(contact=values, contact_errors=errors)
        return render(request, "customers/detail.html", context, status_code=422)
    interaction_service.create(session, data=data, actor=user)
    return RedirectResponse(f"/customers/{customer_id}#timeline", status_code=303)


@router.post("/{customer_id}/people", dependencies=[Depends(csrf_protect)])
async def add_person(
    request: Request, session: DbSession, user: Agent, customer_id: PathId
) -> Response:
    """Add a person acting for a business customer from the 360 page."""
    customer = service.get(session, customer_id, actor=user)
    values = await form_fields(request)
    data, errors = parse(ContactPersonCreate, values)
    if data is None:
        context = _detail_context(session, user, customer_id)
        context.update(person=values, person_errors=errors)
        return render(request, "customers/detail.html", context, status_code=422)
    service.add_contact_person(session, customer=customer, data=data, actor=user)
    return RedirectResponse(f"/customers/{customer_id}#people", status_code=303)


@router.get("/{customer_id}/edit", response_class=HTMLResponse)
def edit_customer_form(
    request: Request, session: DbSession, user: Agent, customer_id: PathId
) -> Response:
    """The profile form filled with the customer's current values."""
    customer = service.get(session, customer_id, actor=user)
    values = {f: getattr(customer, f) or "" for f in CUSTOMER_FIELDS}
    return _form_page(request, user, values, {}, customer_id)


@router.post("/{customer_id}/edit", dependencies=[Depends(csrf_protect)])
async def update_customer(
    request: Request, session: DbSession, user: Agent, customer_id: PathId
) -> Response:
    """Save the profile form; emptied fields are cleared."""
    customer = service.get(session, customer_id, actor=user)
    values = await form_fields(request)
    submitted = {f: values.get(f) for f in CUSTOMER_FIELDS if f not in ("name", "kind")}
    submitted.update({k: values[k] for k in ("name", "kind") if k in values})
    data, errors = parse(CustomerUpdate, submitted)
    if data is None:
        return _form_page(request, user, values, errors, customer_id, 422)
    try:
        service.update(session, customer=customer, data=data, actor=user)
    except DomainError as exc:
        session.rollback()  # nothing of a refused form stays
        return _form_page(
            request, user, values, {exc.field or "form": exc.message}, customer_id, 409
        )
    return RedirectResponse(f"/customers/{customer_id}", status_code=303)
